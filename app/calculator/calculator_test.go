package calculator

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/engine/pricing"

	"github.com/keel-desk/keel/app/ui"
)

// fixedNow is the tests' clock: Friday 20 November 2026, 10:30 New York.
var fixedNow = time.Date(2026, time.November, 20, 15, 30, 0, 0, time.UTC)

func newTestCalculator(t *testing.T) *Calculator {
	t.Helper()
	test.NewTempApp(t)
	c := NewCalculator(func() time.Time { return fixedNow })
	w := test.NewTempWindow(t, c.Content())
	w.Resize(Window().Size)
	return c
}

// typeInto replaces an entry's text the way a user does: clear it, then type.
func typeInto(e *ui.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
}

// allText is every label text in the calculator, to look for a NaN or Inf anywhere.
func allText(c *Calculator) string {
	var b strings.Builder
	for _, o := range []*output{c.value, c.intrinsic, c.timeValue, c.delta, c.gamma, c.theta,
		c.vega, c.rho, c.vanna, c.charm, c.volga} {
		b.WriteString(o.perUnit.Text + " " + o.perContract.Text + " ")
	}
	for _, f := range []*field{c.price, c.strike, c.expiry, c.vol, c.rate, c.yield, c.multiplier, c.market} {
		b.WriteString(f.msg.Text + " ")
	}
	b.WriteString(c.iv.Text + " " + c.ivNote.Text + " " + c.status.Text)
	return b.String()
}

func TestCalculatorMatchesEngine(t *testing.T) {
	// Expected values come from the engine itself (engine/pricing has its own published
	// reference tests); this checks the screen's wiring: units, scaling and signs.
	days := func(d float64) float64 { return d / 365 }
	tests := []struct {
		name                         string
		underlying, style, right     string
		price, strike, expiry        string
		vol, rate, yield, multiplier string
		want                         pricing.Option
		mult                         float64
	}{
		{"stock European call, expiry in days", stockETF, european, call, "105", "100", "30", "25", "5", "2", "100",
			pricing.Option{Style: pricing.European, Underlying: pricing.Spot, Right: pricing.Call, Spot: 105, Strike: 100,
				Years: days(30), Rate: 0.05, Carry: 0.03, Vol: 0.25}, 100},
		{"stock American put, expiry as a date", stockETF, american, put, "95", "100", "2026-12-18", "30", "4", "0", "100",
			pricing.Option{Style: pricing.American, Underlying: pricing.Spot, Right: pricing.Put, Spot: 95, Strike: 100,
				// 2026-12-18 16:00 EST is 21:00 UTC: 28 days and 5.5 hours after 15:30 UTC on 20 November.
				Years: days(28 + 5.5/24), Rate: 0.04, Carry: 0.04, Vol: 0.30}, 100},
		{"ES futures call, Black-76", future, european, call, "6000", "6100", "45", "18", "4.5", "", "50",
			pricing.Option{Style: pricing.European, Underlying: pricing.Futures, Right: pricing.Call, Spot: 6000, Strike: 6100,
				Years: days(45), Rate: 0.045, Vol: 0.18}, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCalculator(t)
			c.underlying.SetSelected(tt.underlying)
			c.style.SetSelected(tt.style)
			c.right.SetSelected(tt.right)
			typeInto(c.price.entry, tt.price)
			typeInto(c.strike.entry, tt.strike)
			typeInto(c.expiry.entry, tt.expiry)
			typeInto(c.vol.entry, tt.vol)
			typeInto(c.rate.entry, tt.rate)
			if tt.yield != "" {
				typeInto(c.yield.entry, tt.yield)
			}
			typeInto(c.multiplier.entry, tt.multiplier)

			g, err := pricing.Value(tt.want)
			if err != nil {
				t.Fatalf("engine: %v", err)
			}
			checks := []struct {
				out  *output
				v    float64
				fine bool
			}{
				{c.value, g.Price, false},
				{c.delta, g.Delta, false},
				{c.gamma, g.Gamma, true},
				{c.theta, g.Theta / 365, false},
				{c.vega, g.Vega / 100, false},
				{c.rho, g.Rho / 100, false},
				{c.vanna, g.Vanna / 100, true},
				{c.charm, g.Charm / 365, true},
				{c.volga, g.Volga / 1e4, true},
			}
			for _, ch := range checks {
				ud, cd := unitDecimals, contractDecimals
				if ch.fine {
					ud, cd = maxUnitDecimals, maxContractDecimals
				}
				if want := aligned(ch.v, ud, maxUnitDecimals); ch.out.perUnit.Text != want {
					t.Errorf("%s per unit = %q, want %q", ch.out.name.Text, ch.out.perUnit.Text, want)
				}
				if want := aligned(ch.v*tt.mult, cd, maxContractDecimals); ch.out.perContract.Text != want {
					t.Errorf("%s per contract = %q, want %q", ch.out.name.Text, ch.out.perContract.Text, want)
				}
			}

			// implied volatility round trip: the model price gives back the volatility typed
			typeInto(c.market.entry, ui.Num(g.Price, 6))
			if want := ui.Num(tt.want.Vol*100, 2) + " %"; c.iv.Text != want {
				t.Errorf("implied volatility = %q (%s), want %q", c.iv.Text, c.market.msg.Text, want)
			}
			if c.status.Text != "" {
				t.Errorf("status = %q, want none", c.status.Text)
			}
		})
	}
}

func TestCalculatorInvalidInputShowsMessageAndDashes(t *testing.T) {
	tests := []struct {
		name  string
		field func(c *Calculator) *field
		text  string
		msg   string
	}{
		{"letters in strike", func(c *Calculator) *field { return c.strike }, "abc", "Not a number"},
		{"NaN typed as a price", func(c *Calculator) *field { return c.price }, "NaN", "Not a number"},
		{"infinite volatility", func(c *Calculator) *field { return c.vol }, "Inf", "Not a number"},
		{"zero volatility", func(c *Calculator) *field { return c.vol }, "0", "Must be above 0"},
		{"negative strike", func(c *Calculator) *field { return c.strike }, "-5", "Must be above 0"},
		{"empty price", func(c *Calculator) *field { return c.price }, "", "Enter a number"},
		{"expired date", func(c *Calculator) *field { return c.expiry }, "2026-11-19", "Expired (16:00 New York)"},
		{"impossible date", func(c *Calculator) *field { return c.expiry }, "2026-02-30", "Date must be YYYY-MM-DD"},
		{"zero days", func(c *Calculator) *field { return c.expiry }, "0", "Days must be in (0, 3650]"},
		{"rate out of range", func(c *Calculator) *field { return c.rate }, "150", "Must be within ±100 %"},
		{"zero multiplier", func(c *Calculator) *field { return c.multiplier }, "0", "Must be above 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCalculator(t)
			f := tt.field(c)
			typeInto(f.entry, tt.text)
			if f.msg.Text != tt.msg || f.msg.Importance != widget.DangerImportance {
				t.Errorf("message = %q (importance %v), want %q in red", f.msg.Text, f.msg.Importance, tt.msg)
			}
			for _, o := range []*output{c.value, c.delta, c.theta, c.volga} {
				if o.perUnit.Text != ui.NoValue || o.perContract.Text != ui.NoValue {
					t.Errorf("%s shows %q / %q, want %q", o.name.Text, o.perUnit.Text, o.perContract.Text, ui.NoValue)
				}
			}
			if c.iv.Text != ui.NoValue {
				t.Errorf("implied volatility = %q, want %q", c.iv.Text, ui.NoValue)
			}
			if s := allText(c); strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
				t.Errorf("a NaN or Inf reached the screen: %q", s)
			}
		})
	}
}

func TestCalculatorImpliedVolOutsideBounds(t *testing.T) {
	c := newTestCalculator(t)
	typeInto(c.strike.entry, "80") // deep in the money: the call is worth at least ~20
	typeInto(c.market.entry, "5")
	if c.market.msg.Text != "Below the arbitrage floor" || c.iv.Text != ui.NoValue {
		t.Errorf("price under intrinsic: message %q, IV %q", c.market.msg.Text, c.iv.Text)
	}
	if !strings.Contains(c.ivNote.Text, "No volatility gives 5.0000") {
		t.Errorf("note = %q, want it to explain the floor", c.ivNote.Text)
	}
	typeInto(c.market.entry, "150") // a call is never worth more than the underlying
	if c.market.msg.Text != "Above the arbitrage ceiling" || c.iv.Text != ui.NoValue {
		t.Errorf("price over the underlying: message %q, IV %q", c.market.msg.Text, c.iv.Text)
	}
	typeInto(c.market.entry, "x")
	if c.market.msg.Text != "Not a number" || c.iv.Text != ui.NoValue {
		t.Errorf("letters: message %q, IV %q", c.market.msg.Text, c.iv.Text)
	}
}

func TestCalculatorFuturesRelabelsAndUsesPresets(t *testing.T) {
	c := newTestCalculator(t)
	c.underlying.SetSelected(future)
	if c.price.label.Text != "Futures price (points)" {
		t.Errorf("price label = %q", c.price.label.Text)
	}
	if c.yield.entry.Visible() || !c.preset.Visible() {
		t.Errorf("futures: dividend yield visible %v, presets visible %v", c.yield.entry.Visible(), c.preset.Visible())
	}
	if c.multiplier.entry.Text != "50" || !strings.HasPrefix(c.preset.Selected, "ES ") {
		t.Errorf("futures multiplier = %q, preset %q; want 50 (ES)", c.multiplier.entry.Text, c.preset.Selected)
	}
	c.preset.SetSelected("NQ  20")
	if c.multiplier.entry.Text != "20" {
		t.Errorf("NQ preset set the multiplier to %q, want 20", c.multiplier.entry.Text)
	}
	g, err := pricing.Value(pricing.Option{Underlying: pricing.Futures, Spot: 100, Strike: 100,
		Years: (28 + 5.5/24) / 365, Rate: 0.04, Carry: 0.03, Vol: 0.20})
	if err != nil {
		t.Fatal(err)
	}
	if want := aligned(g.Price*20, contractDecimals, maxContractDecimals); c.value.perContract.Text != want {
		t.Errorf("value per NQ contract = %q, want %q", c.value.perContract.Text, want)
	}
	c.underlying.SetSelected(stockETF)
	if c.multiplier.entry.Text != "100" || !c.yield.entry.Visible() {
		t.Errorf("back to stock: multiplier %q, dividend yield visible %v", c.multiplier.entry.Text, c.yield.entry.Visible())
	}
}

func TestCalculatorExpiryShowsTheOtherForm(t *testing.T) {
	c := newTestCalculator(t)
	typeInto(c.expiry.entry, "2026-12-18")
	if want := "28.23 days (16:00 New York)"; c.expiry.msg.Text != want {
		t.Errorf("date hint = %q, want %q", c.expiry.msg.Text, want)
	}
	typeInto(c.expiry.entry, "30")
	if want := "ends Sun 2026-12-20 10:30 NY"; c.expiry.msg.Text != want {
		t.Errorf("days hint = %q, want %q", c.expiry.msg.Text, want)
	}
}

var _ fyne.Focusable = (*widget.Entry)(nil)
