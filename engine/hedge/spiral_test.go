package hedge

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

var (
	expDec = time.Date(2026, 12, 18, 16, 0, 0, 0, time.UTC)
	expJan = time.Date(2027, 1, 15, 16, 0, 0, 0, time.UTC)
)

// strangle is a short SPY strangle of 10 calls at 520 and 10 puts at 480 after the market
// rallied to 530: the calls are in the money (delta 0.62 per share → −620 on the call
// side), the puts far out (delta −0.05 → +50). Imbalance |−620 + 50| / 670 = 0.851; the
// call side is tested.
func strangle() Layer {
	return Layer{Name: "SPY strangle", Rate: 0.04, StrikeStep: 5,
		Now: time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC),
		Legs: []Leg{
			{Symbol: "SPY 520C", Right: pricing.Call, Strike: 520, Expiry: expDec, Quantity: -10, Delta: 0.62, Multiplier: 100, Spot: 530, Vol: 0.18, Beta: 1},
			{Symbol: "SPY 480P", Right: pricing.Put, Strike: 480, Expiry: expJan, Quantity: -10, Delta: -0.05, Multiplier: 100, Spot: 530, Vol: 0.18, Beta: 1},
		}}
}

// fallen is the mirror case: the market fell to 470, the short puts at 480 are in the
// money and the layer is put-heavy; selling more calls would be the spiral.
func fallen() Layer {
	return Layer{Name: "SPY strangle", Legs: []Leg{
		{Symbol: "SPY 520C", Right: pricing.Call, Strike: 520, Expiry: expDec, Quantity: -10, Delta: 0.04, Multiplier: 100, Spot: 470, Beta: 1},
		{Symbol: "SPY 480P", Right: pricing.Put, Strike: 480, Expiry: expDec, Quantity: -10, Delta: -0.66, Multiplier: 100, Spot: 470, Beta: 1},
	}}
}

func TestLayerBalance(t *testing.T) {
	b := strangle().Balance()
	if b.CallDelta != -620*530 || b.PutDelta != 50*530 || b.Tested != pricing.Call || b.Contracts != 20 {
		t.Fatalf("balance %+v, want calls −620 and puts +50 SPY shares at $530, call side tested, 20 contracts", b)
	}
	if math.Abs(b.Imbalance-570.0/670) > 1e-12 || len(b.ITM) != 1 || b.ITM[0] != "SPY 520C" {
		t.Fatalf("imbalance %g ITM %v, want 0.851 and the 520 call", b.Imbalance, b.ITM)
	}
}

func TestSpiralGuard(t *testing.T) {
	balanced := Layer{Name: "balanced", Legs: []Leg{
		{Symbol: "C", Right: pricing.Call, Strike: 520, Quantity: -10, Delta: 0.20, Multiplier: 100, Spot: 500, Beta: 1},
		{Symbol: "P", Right: pricing.Put, Strike: 480, Quantity: -10, Delta: -0.18, Multiplier: 100, Spot: 500, Beta: 1},
	}}
	tests := []struct {
		name     string
		layer    Layer
		order    Leg
		override *Override
		stop     bool
		reason   string
	}{
		{"sell more puts after calls went ITM", strangle(),
			Leg{Symbol: "SPY 490P", Right: pricing.Put, Strike: 490, Quantity: -5, Delta: -0.10, Multiplier: 100}, nil,
			true, "the call side is tested and this order adds 5 contracts to the put side (10 → 15)"},
		{"sell more of the existing put leg", strangle(),
			Leg{Symbol: "SPY 480P", Right: pricing.Put, Quantity: -3, Delta: -0.05, Multiplier: 100}, nil,
			true, "adds 3 contracts to the put side (10 → 13)"},
		{"sell more calls after puts went ITM (put-heavy layer)", fallen(),
			Leg{Symbol: "SPY 500C", Right: pricing.Call, Strike: 500, Quantity: -8, Delta: 0.15, Multiplier: 100}, nil,
			true, "the put side is tested"},
		{"buy back tested calls", strangle(),
			Leg{Symbol: "SPY 520C", Right: pricing.Call, Quantity: 4, Delta: 0.62, Multiplier: 100}, nil,
			false, "does not add contracts to the untested side"},
		{"close untested puts", strangle(),
			Leg{Symbol: "SPY 480P", Right: pricing.Put, Quantity: 10, Delta: -0.05, Multiplier: 100}, nil,
			false, "does not add"},
		{"add to a balanced layer", balanced,
			Leg{Symbol: "P2", Right: pricing.Put, Strike: 470, Quantity: -5, Delta: -0.1, Multiplier: 100}, nil,
			false, "imbalance 5%"},
		{"override with a written reason", strangle(),
			Leg{Symbol: "SPY 490P", Right: pricing.Put, Quantity: -5, Delta: -0.10, Multiplier: 100},
			&Override{Reason: "closing the calls tomorrow at the open; puts sized for that"},
			false, "overridden: closing the calls tomorrow"},
		{"override without a reason", strangle(),
			Leg{Symbol: "SPY 490P", Right: pricing.Put, Quantity: -5, Delta: -0.10, Multiplier: 100},
			&Override{Reason: "  ok "},
			true, "an override needs a written reason"},
	}
	for _, tc := range tests {
		v, err := SpiralGuard{}.Check(tc.layer, tc.order, tc.override)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if v.Stop != tc.stop {
			t.Errorf("%s: Stop %v, want %v (%s)", tc.name, v.Stop, tc.stop, v.Reason)
		}
		if !strings.Contains(v.Reason, tc.reason) {
			t.Errorf("%s: reason %q does not contain %q", tc.name, v.Reason, tc.reason)
		}
		if (tc.stop || v.Overridden) && v.Alternative == "" {
			t.Errorf("%s: stopped without an alternative", tc.name)
		}
	}
}

// The roll suggested instead of adding puts: the put side must carry the call side's
// 620 of delta with its 10 contracts, so 0.62 per share, capped at 0.50 (at the money);
// the put expiry (January) moves in to the calls' December; the strike is the
// Black–Scholes strike with a 0.50 put delta, rounded to the 5-point grid.
func TestSpiralGuardSuggestion(t *testing.T) {
	l := strangle()
	v, err := SpiralGuard{}.Check(l, Leg{Symbol: "SPY 490P", Right: pricing.Put, Quantity: -5, Delta: -0.1, Multiplier: 100}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.SuggestedDelta != 0.5 || !v.SuggestedExpiry.Equal(expDec) {
		t.Fatalf("suggested delta %g expiry %s, want 0.50 and %s", v.SuggestedDelta, v.SuggestedExpiry, expDec)
	}
	years := expDec.Sub(l.Now).Hours() / (365 * 24)
	exact, err := StrikeForDelta(pricing.Put, 530, years, l.Rate, 0.18, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := pricing.Value(pricing.Option{Right: pricing.Put, Spot: 530, Strike: exact, Years: years, Rate: l.Rate, Carry: l.Rate, Vol: 0.18})
	if math.Abs(g.Delta+0.5) > 1e-6 {
		t.Fatalf("StrikeForDelta gave %g with delta %g, want −0.50", exact, g.Delta)
	}
	if v.SuggestedStrike != math.Round(exact/5)*5 || math.Mod(v.SuggestedStrike, 5) != 0 {
		t.Fatalf("suggested strike %g, want %g rounded to 5", v.SuggestedStrike, exact)
	}
	if !strings.Contains(v.Alternative, "roll the put side (10 contracts) closer instead of adding size") ||
		!strings.Contains(v.Alternative, "2026-12-18") {
		t.Fatalf("alternative %q", v.Alternative)
	}
	// With a smaller imbalance the target is the matching delta itself: calls −300 over
	// 10 puts → 0.30 per share.
	l.Legs[0].Delta = 0.30
	v, _ = SpiralGuard{}.Check(l, Leg{Symbol: "SPY 490P", Right: pricing.Put, Quantity: -5, Delta: -0.1, Multiplier: 100}, nil)
	if math.Abs(v.SuggestedDelta-0.30) > 1e-12 {
		t.Fatalf("suggested delta %g, want 0.30", v.SuggestedDelta)
	}
}

func TestSpiralGuardErrors(t *testing.T) {
	l := strangle()
	l.Legs[1].Spot = 0
	if _, err := (SpiralGuard{}).Check(l, Leg{Multiplier: 100}, nil); err == nil {
		t.Error("zero spot accepted")
	}
	if _, err := (SpiralGuard{}).Check(strangle(), Leg{Symbol: "X", Multiplier: 0}, nil); err == nil {
		t.Error("zero multiplier accepted")
	}
	if _, err := StrikeForDelta(pricing.Call, 100, 0.1, 0, 0.2, 1.2); err == nil {
		t.Error("delta 1.2 accepted")
	}
}

func TestSizeMonitor(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 21, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		m       SizeMonitor
		samples []SizeSample
		alert   bool
		start   float64
		end     float64
		text    string
	}{
		{"grows while imbalanced", SizeMonitor{}, []SizeSample{
			{day(16), 20, 0.10}, {day(17), 20, 0.40}, {day(18), 25, 0.35}, {day(19), 30, 0.50},
		}, true, 20, 30, "contracts grew from 20 to 30 (+50%)"},
		{"grew earlier, now balanced", SizeMonitor{}, []SizeSample{
			{day(16), 20, 0.40}, {day(17), 30, 0.40}, {day(18), 30, 0.05},
		}, false, 0, 0, "no persisting imbalance"},
		{"imbalanced but size flat (rolled instead)", SizeMonitor{}, []SizeSample{
			{day(16), 20, 0.40}, {day(17), 20, 0.60}, {day(18), 18, 0.30},
		}, false, 20, 18, "did not grow"},
		{"growth within tolerance", SizeMonitor{Growth: 0.25}, []SizeSample{
			{day(16), 20, 0.40}, {day(17), 24, 0.40},
		}, false, 20, 24, "did not grow"},
		{"growth above tolerance", SizeMonitor{Growth: 0.25}, []SizeSample{
			{day(16), 20, 0.40}, {day(17), 26, 0.40},
		}, true, 20, 26, "+30%"},
		{"custom threshold", SizeMonitor{Threshold: 0.6}, []SizeSample{
			{day(16), 20, 0.40}, {day(17), 26, 0.50},
		}, false, 0, 0, "no persisting imbalance"},
		{"single sample", SizeMonitor{}, []SizeSample{{day(16), 20, 0.9}}, false, 0, 0, "no persisting imbalance"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, alert, err := tc.m.Check("SPY options", tc.samples)
			if err != nil {
				t.Fatal(err)
			}
			// Limit is the count at the run's start × (1 + Growth); Value the count at its end.
			if alert != tc.alert || a.Limit != tc.start*(1+tc.m.Growth) || a.Value != tc.end || !strings.Contains(a.Message, tc.text) {
				t.Errorf("%+v %v, want alert %v %g→%g %q", a, alert, tc.alert, tc.start, tc.end, tc.text)
			}
			if a.Kind != portfolio.AlertLayerSize || a.Layer != "SPY options" || !strings.HasPrefix(a.Message, "SPY options: ") {
				t.Errorf("%+v: want the layer size kind, the layer named and the message starting with it", a)
			}
		})
	}
	// The run the alert measured: day 16 (imbalance 0.10) is before it, days 17–19 are in it.
	a, _, err := SizeMonitor{}.Check("L", tests[0].samples)
	if err != nil || !a.From.Equal(day(17)) || !a.To.Equal(day(19)) {
		t.Errorf("run %s…%s (%v), want %s…%s", a.From, a.To, err, day(17), day(19))
	}
	if _, _, err := (SizeMonitor{}).Check("L", []SizeSample{{day(17), 1, 1}, {day(16), 2, 1}}); err == nil {
		t.Error("samples out of order accepted")
	}
}

// Issue 20 item 9: StrikeForDelta names the bad input instead of answering NaN or a
// strike ≤ 0.
func TestStrikeForDeltaRejectsBadInputs(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name                   string
		right                  pricing.Right
		spot, years, rate, vol float64
		target                 float64
		want                   string
	}{
		{"NaN spot", pricing.Call, nan, 0.1, 0.04, 0.2, 0.3, "spot NaN"},
		{"zero spot", pricing.Put, 0, 0.1, 0.04, 0.2, 0.3, "spot 0"},
		{"negative spot", pricing.Call, -100, 0.1, 0.04, 0.2, 0.3, "spot -100"},
		{"infinite spot", pricing.Call, inf, 0.1, 0.04, 0.2, 0.3, "spot +Inf"},
		{"NaN years", pricing.Call, 100, nan, 0.04, 0.2, 0.3, "years NaN"},
		{"expired", pricing.Put, 100, 0, 0.04, 0.2, 0.3, "years 0"},
		{"NaN vol", pricing.Call, 100, 0.1, 0.04, nan, 0.3, "vol NaN"},
		{"zero vol", pricing.Call, 100, 0.1, 0.04, 0, 0.3, "vol 0"},
		{"infinite vol", pricing.Call, 100, 0.1, 0.04, inf, 0.3, "vol +Inf"},
		{"NaN rate", pricing.Call, 100, 0.1, nan, 0.2, 0.3, "rate NaN"},
		{"NaN target", pricing.Call, 100, 0.1, 0.04, 0.2, nan, "target delta NaN"},
		{"unknown right", pricing.Right(7), 100, 0.1, 0.04, 0.2, 0.3, "right"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := StrikeForDelta(tc.right, tc.spot, tc.years, tc.rate, tc.vol, tc.target)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("StrikeForDelta = %g, %v; want an error naming %q", k, err, tc.want)
			}
		})
	}
}

// Issue 11 item 4 in the engine: a layer of 2 short ES 6700 calls (delta 0.6, ES 6800) and
// 10 short SPY 660 puts (delta −0.3, SPY 680) weighs −2 × 50 × 0.6 × 6800 = −$408,000
// against +10 × 100 × 0.3 × 680 = +$204,000: the calls are tested, and each leg is in or out
// of the money against its own underlying.
func TestLayerBalanceAcrossUnderlyings(t *testing.T) {
	l := Layer{Name: "Mixed", Legs: []Leg{
		{Symbol: "ES 6700C", Right: pricing.Call, Strike: 6700, Expiry: expDec, Quantity: -2, Delta: 0.6, Multiplier: 50, Spot: 6800, Beta: 1},
		{Symbol: "SPY 660P", Right: pricing.Put, Strike: 660, Expiry: expDec, Quantity: -10, Delta: -0.3, Multiplier: 100, Spot: 680, Beta: 1},
	}}
	b := l.Balance()
	if math.Abs(b.CallDelta+408000) > 1e-6 || math.Abs(b.PutDelta-204000) > 1e-6 || b.Tested != pricing.Call {
		t.Fatalf("balance %+v, want calls −$408,000, puts +$204,000 and the call side tested", b)
	}
	if len(b.ITM) != 1 || b.ITM[0] != "ES 6700C" {
		t.Fatalf("in the money %v, want only the ES call", b.ITM)
	}
	v, err := SpiralGuard{}.Check(l, Leg{Symbol: "SPY 660P", Right: pricing.Put, Quantity: -5, Multiplier: 100}, nil)
	if err != nil || !v.Stop || !strings.Contains(v.Reason, "calls −$408.0k, puts +$204.0k beta-weighted") {
		t.Fatalf("selling more SPY puts: %+v, %v; want a stop with the sides in dollars", v, err)
	}
	for _, bad := range []Leg{{Spot: 0, Beta: 1}, {Spot: 680, Beta: 0}, {Spot: 680, Beta: math.NaN()}} {
		bl := l
		bl.Legs = []Leg{l.Legs[0], bad}
		bl.Legs[1].Symbol, bl.Legs[1].Multiplier = "bad", 100
		if _, err := (SpiralGuard{}).Check(bl, Leg{Symbol: "X", Multiplier: 100}, nil); err == nil || !strings.Contains(err.Error(), `leg "bad"`) {
			t.Errorf("leg with spot %g beta %g: %v, want an error naming the leg", bad.Spot, bad.Beta, err)
		}
	}
}

// TestSpiralGuardCountsTactical: a strangle whose options alone are nearly balanced
// (calls −20 and puts +14 SPY shares of delta at $500: imbalance 6/34 = 0.18 < 0.25) lets
// a put be added; with the layer's tactical counter-trades long 10 SPY shares ($5,000 of
// beta-weighted delta) the guard counts them — imbalance (3,000 + 5,000) ÷ (17,000 +
// 5,000) = 0.36 ≥ 0.25 — and stops the same order.
func TestSpiralGuardCountsTactical(t *testing.T) {
	legs := []Leg{
		{Symbol: "C", Right: pricing.Call, Strike: 520, Quantity: -1, Delta: 0.20, Multiplier: 100, Spot: 500, Beta: 1},
		{Symbol: "P", Right: pricing.Put, Strike: 480, Quantity: -1, Delta: -0.14, Multiplier: 100, Spot: 500, Beta: 1},
	}
	order := Leg{Symbol: "P", Right: pricing.Put, Strike: 480, Quantity: -1, Delta: -0.14, Multiplier: 100, Spot: 500, Beta: 1}
	for _, tc := range []struct {
		name      string
		tactical  float64
		imbalance float64
		stop      bool
	}{
		{"options only", 0, 3000.0 / 17000, false},
		{"tactical long 10 shares", 5000, 8000.0 / 22000, true},
		{"tactical short 10 shares", -5000, 8000.0 / 22000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := SpiralGuard{}.Check(Layer{Name: "SPY", Legs: legs, Tactical: tc.tactical}, order, nil)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(v.Balance.Imbalance-tc.imbalance) > 1e-12 || v.Stop != tc.stop || v.Balance.Tactical != tc.tactical {
				t.Fatalf("imbalance %g stop %v (want %g, %v): %s", v.Balance.Imbalance, v.Stop, tc.imbalance, tc.stop, v.Reason)
			}
			if tc.tactical != 0 && !strings.Contains(v.Reason, "tactical") {
				t.Fatalf("reason does not say the tactical exposure was counted: %s", v.Reason)
			}
		})
	}
	if _, err := (SpiralGuard{}).Check(Layer{Name: "SPY", Legs: legs, Tactical: math.NaN()}, order, nil); err == nil {
		t.Fatal("a NaN tactical exposure must be an error")
	}
}
