package tactical

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
)

var open = time.Date(2026, 12, 7, 9, 30, 0, 0, instrument.NewYork)
var closeAt = time.Date(2026, 12, 7, 16, 0, 0, 0, instrument.NewYork)

func TestDefaults(t *testing.T) {
	cases := []struct {
		bias       portfolio.Bias
		underlying string
		instrument string
		symbol     string
		mult, lev  float64
		flat       bool
		err        bool
	}{
		{portfolio.Short, "ES", "", "MES", 5, 1, true, false},
		{portfolio.Long, "ES", "ES", "ES", 50, 1, true, false},
		{portfolio.Short, "SPY", "", "SPY", 1, 1, true, false},
		{portfolio.Long, "SPY", "", "SH", 1, -1, true, false},
		{portfolio.Short, "VXX", "", "VXX", 1, 1, false, false},
		{portfolio.Neutral, "ES", "", "", 0, 0, false, true},
		{portfolio.Short, "VXX", "SH", "", 0, 0, false, true},
		{portfolio.Short, "GC", "", "", 0, 0, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.bias.String()+" "+tc.underlying+" "+tc.instrument, func(t *testing.T) {
			p, err := Defaults(tc.bias, tc.underlying, tc.instrument)
			if (err != nil) != tc.err {
				t.Fatalf("error %v, want error %v", err, tc.err)
			}
			if tc.err {
				return
			}
			if p.Symbol != tc.symbol || p.Multiplier != tc.mult || p.Leverage != tc.lev || p.FlatByClose != tc.flat {
				t.Fatalf("defaults %+v", p)
			}
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestShortBiasedESCycle walks one cycle of a short-biased ES layer trading MES: reference
// 6,000, steps of 0.5% (30 points), a 0.25% reversal exit. The layer is short 2 ES calls at
// delta 1 (−100 dollars per point), so the cap is 50 per point: 10 MES.
// Buys at 6,030, 6,065 (6,060 crossed) and 6,100 (6,090 crossed): average 6,065. The high
// is 6,100; 6,084 is 16 points off it, more than 0.25% × 6,100 = 15.25: sell 3 at 6,084.
// Realized (6,084 − 6,065) × 3 × 5 = $285; over the layer's 100 units (2 × 50) that raises
// its average sell price by 2.85 points.
func TestShortBiasedESCycle(t *testing.T) {
	p, _ := Defaults(portfolio.Short, "ES", "")
	p.Symbol = "MESZ6"
	st := State{Layer: "ES calls", Bias: portfolio.Short, Reference: 6000}
	steps := []struct {
		price float64
		want  string // side and quantity of the order, or ""
		next  string
	}{
		{6010, "", "buy 1 MESZ6 if ES ≥ 6,030.00"},
		{6030, "buy 1", "buy 1 MESZ6 if ES ≥ 6,060.00; sell 1 MESZ6 (close the cycle) if ES ≤ 6,014.75"},
		{6065, "buy 1", ""},
		{6100, "buy 1", "all 3 steps taken; sell 3 MESZ6 (close the cycle) if ES ≤ 6,084.75"},
		{6090, "", ""},
		{6084, "sell 3", "buy 1 MESZ6 if ES ≥ 6,114.50"},
	}
	at := open.Add(time.Hour)
	for i, s := range steps {
		var res Result
		var err error
		st, res, err = Step(p, st, Tick{At: at.Add(time.Duration(i) * time.Minute), Price: s.price, LayerDelta: -100, LayerUnits: 100, SessionClose: closeAt})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(res.Orders) == 1 {
			got = res.Orders[0].Side + " " + units2(res.Orders[0].Quantity)
		} else if len(res.Orders) > 1 {
			t.Fatalf("%g: %d orders", s.price, len(res.Orders))
		}
		if got != s.want {
			t.Fatalf("at %g: order %q, want %q", s.price, got, s.want)
		}
		if s.next != "" && res.Next != s.next {
			t.Fatalf("at %g: next %q, want %q", s.price, res.Next, s.next)
		}
		if i == len(steps)-1 {
			if res.Closed == nil || math.Abs(res.Closed.Realized-285) > 1e-9 || math.Abs(res.Closed.Improvement-2.85) > 1e-12 || res.Closed.Steps != 3 {
				t.Fatalf("closed cycle %+v", res.Closed)
			}
		}
	}
	if st.Stats.Cycles != 1 || st.Stats.HitRate() != 1 || math.Abs(st.Stats.AvgImprovement()-2.85) > 1e-12 || st.Position != 0 || st.Reference != 6084 {
		t.Fatalf("state %+v", st)
	}
}

// TestLongBiasedSPYWithSH: a long-biased SPY layer (+500 shares of delta) counter-trades by
// buying SH as SPY falls; SH at 40 with SPY at 660 carries −40/660 dollars per SPY point a
// share, so 10 SH is −0.606 — inside the cap of 250.
func TestLongBiasedSPYWithSH(t *testing.T) {
	p, _ := Defaults(portfolio.Long, "SPY", "")
	st := State{Layer: "SPY long", Bias: portfolio.Long, Reference: 660}
	st, res, err := Step(p, st, Tick{At: open.Add(time.Hour), Price: 656.7, InstrumentPrice: 40.2, LayerDelta: 500, SessionClose: closeAt})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Orders) != 1 || res.Orders[0].Side != "buy" || res.Orders[0].Symbol != "SH" || res.Orders[0].Quantity != 10 {
		t.Fatalf("orders %+v", res.Orders)
	}
	if want := 10 * -40.2 / 656.7; math.Abs(res.Exposure.Delta-want) > 1e-12 || res.Exposure.LayerDelta >= 500 {
		t.Fatalf("exposure %+v, want delta %g", res.Exposure, want)
	}
	if !strings.Contains(res.Next, "buy 10 SH if SPY ≤ 653.40") {
		t.Fatalf("next %q", res.Next)
	}
	_ = st
}

func TestCapAndFlatByClose(t *testing.T) {
	p, _ := Defaults(portfolio.Short, "ES", "")
	p.Size, p.MaxSteps = 4, 3
	cases := []struct {
		name   string
		ticks  []Tick
		orders []string // per tick, "" for none
		final  float64
	}{
		{"a step capped at the room left", []Tick{
			{Price: 6030, LayerDelta: -30}, // cap 15: 3 MES, not 4
		}, []string{"buy 3"}, 3},
		{"layer delta shrinks: sell the excess", []Tick{
			{Price: 6030, LayerDelta: -100},
			{Price: 6031, LayerDelta: -20}, // cap 10: keep 2 of 4
		}, []string{"buy 4", "sell 2"}, 2},
		{"layer delta against its bias: close all", []Tick{
			{Price: 6030, LayerDelta: -100},
			{Price: 6031, LayerDelta: 5},
		}, []string{"buy 4", "sell 4"}, 0},
		{"flat by the close", []Tick{
			{Price: 6030, LayerDelta: -100},
			{Price: 6065, LayerDelta: -100, At: closeAt.Add(-15 * time.Minute)},
			{Price: 6100, LayerDelta: -100, At: closeAt.Add(-10 * time.Minute)},
		}, []string{"buy 4", "sell 4", ""}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := State{Layer: "L", Bias: portfolio.Short, Reference: 6000}
			for i, tk := range tc.ticks {
				if tk.At.IsZero() {
					tk.At = open.Add(time.Duration(i+1) * time.Minute)
				}
				tk.SessionClose = closeAt
				var res Result
				var err error
				st, res, err = Step(p, st, tk)
				if err != nil {
					t.Fatal(err)
				}
				got := ""
				for _, o := range res.Orders {
					got += o.Side + " " + units2(o.Quantity)
				}
				if got != tc.orders[i] {
					t.Fatalf("tick %d: %q, want %q", i, got, tc.orders[i])
				}
			}
			if st.Position != tc.final {
				t.Fatalf("position %g, want %g", st.Position, tc.final)
			}
		})
	}
}

// TestNeverFlipsBias is the property: over many random paths, with the layer's own delta
// wandering (sometimes against its bias), after every step the tactical exposure counters
// the bias and is at most MaxFraction of the layer's delta in the bias's direction — so a
// layer that leans its bias still does with the tactical trades, and one that does not holds
// none. Client order ids are never reused.
func TestNeverFlipsBias(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 5))
	type setup struct {
		bias             portfolio.Bias
		underlying, inst string
	}
	setups := []setup{{portfolio.Short, "ES", "MES"}, {portfolio.Long, "ES", "ES"}, {portfolio.Short, "SPY", "SPY"},
		{portfolio.Long, "SPY", "SH"}, {portfolio.Short, "VXX", "VXX"}, {portfolio.Long, "SPY", "SPY"}}
	var totalOrders, cycles, capped int
	defer func() {
		// the property must have been exercised: orders, closed cycles and cap reductions
		if totalOrders < 1000 || cycles < 100 || capped < 100 {
			t.Errorf("too little exercised: %d orders, %d cycles, %d cap reductions", totalOrders, cycles, capped)
		}
		t.Logf("%d orders, %d cycles, %d cap reductions", totalOrders, cycles, capped)
	}()
	for path := 0; path < 300; path++ {
		su := setups[path%len(setups)]
		p, err := Defaults(su.bias, su.underlying, su.inst)
		if err != nil {
			t.Fatal(err)
		}
		p.MaxFraction = 0.1 + 0.9*rng.Float64()
		p.Size = float64(1 + rng.IntN(20))
		p.MaxSteps = 1 + rng.IntN(6)
		p.StepPercent = 0.1 + rng.Float64()
		p.ExitPercent = 0.05 + rng.Float64()/2
		p.FlatByClose = rng.IntN(2) == 0
		b := 1.0
		if su.bias == portfolio.Short {
			b = -1
		}
		price, shPrice := 100+rng.Float64()*6000, 40.0
		layer := b * (50 + rng.Float64()*500)
		st := State{Layer: "layer", Bias: su.bias}
		ids := map[string]bool{}
		defer func() { totalOrders += len(ids) }()
		at := open
		for i := 0; i < 400; i++ {
			at = at.Add(time.Duration(1+rng.IntN(5)) * time.Minute)
			if !at.Before(closeAt) {
				at = at.AddDate(0, 0, 1).Add(-6*time.Hour - 30*time.Minute)
			}
			sessionClose := time.Date(at.Year(), at.Month(), at.Day(), 16, 0, 0, 0, instrument.NewYork)
			r := rng.NormFloat64() * 0.004
			price *= math.Exp(r)
			shPrice *= math.Exp(-r)
			layer += rng.NormFloat64() * 40 // sometimes crosses zero: the layer against its bias
			tk := Tick{At: at, Price: price, LayerDelta: layer, LayerUnits: 200, SessionClose: sessionClose}
			if p.Symbol == "SH" {
				tk.InstrumentPrice = shPrice
			}
			var res Result
			st, res, err = Step(p, st, tk)
			if err != nil {
				t.Fatal(err)
			}
			if res.Closed != nil {
				cycles++
			}
			for _, o := range res.Orders {
				if strings.HasPrefix(o.Rule, "cap") {
					capped++
				}
				if ids[o.ClientOrderID] {
					t.Fatalf("path %d: client order id %s reused", path, o.ClientOrderID)
				}
				ids[o.ClientOrderID] = true
			}
			e := res.Exposure.Delta
			lean := b * layer
			if b*e > 1e-9 {
				t.Fatalf("path %d step %d: tactical exposure %g goes with the %s bias", path, i, e, su.bias)
			}
			if math.Abs(e) > p.MaxFraction*math.Max(0, lean)+1e-9 {
				t.Fatalf("path %d step %d: |exposure| %g above %g × the layer's lean %g", path, i, math.Abs(e), p.MaxFraction, lean)
			}
			if lean >= 0 && b*res.Exposure.LayerDelta < -1e-9 {
				t.Fatalf("path %d step %d: the %s layer (delta %g) flipped to %g", path, i, su.bias, layer, res.Exposure.LayerDelta)
			}
		}
	}
}

// TestDeterministicIDs: the same ticks from the same state give the same orders and ids —
// what lets the guardrails refuse an order replayed after a reconnect.
func TestDeterministicIDs(t *testing.T) {
	p, _ := Defaults(portfolio.Short, "ES", "")
	st := State{Layer: "ES strangle", Bias: portfolio.Short, Reference: 6000}
	tk := Tick{At: open.Add(time.Hour), Price: 6040, LayerDelta: -100}
	_, a, _ := Step(p, st, tk)
	_, b, _ := Step(p, st, tk)
	if len(a.Orders) != 1 || a.Orders[0].ClientOrderID != b.Orders[0].ClientOrderID {
		t.Fatalf("ids %+v / %+v", a.Orders, b.Orders)
	}
	other := st
	other.Layer = "ES-strangle"
	_, c, _ := Step(p, other, tk)
	if c.Orders[0].ClientOrderID == a.Orders[0].ClientOrderID {
		t.Fatalf("two layers share the id %s", a.Orders[0].ClientOrderID)
	}
}

func TestStepRejects(t *testing.T) {
	p, _ := Defaults(portfolio.Short, "ES", "")
	bad := p
	bad.MaxFraction = 1.5
	cases := []struct {
		name string
		p    Params
		st   State
		tk   Tick
	}{
		{"neutral layer", p, State{Bias: portfolio.Neutral}, Tick{Price: 6000}},
		{"cap above 1", bad, State{Bias: portfolio.Short}, Tick{Price: 6000}},
		{"NaN price", p, State{Bias: portfolio.Short}, Tick{Price: math.NaN()}},
		{"NaN layer delta", p, State{Bias: portfolio.Short}, Tick{Price: 6000, LayerDelta: math.Inf(-1)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := Step(tc.p, tc.st, tc.tk); err == nil {
				t.Fatal("no error")
			}
		})
	}
}
