package hedge

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// esmes is ES/MES hedging SPY at ES 5000, SPY 500: one ES = 50 × 10 = 500 SPY shares,
// one MES = 5 × 10 = 50. Costs: $2.50 commission + $6.25 half-spread (half a 0.25 tick ×
// $50) per ES, $0.60 + $0.625 per MES.
func esmes(t *testing.T) Instrument {
	t.Helper()
	h, err := Futures([]string{"ES", "MES"}, []FuturesCost{{2.5, 6.25}, {0.6, 0.625}}, 5000, 500, 1)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func spy() Instrument { return Shares("SPY", 0.005, 0.005) }

func TestFuturesAndETFDeltas(t *testing.T) {
	h := esmes(t)
	if h.Lots[0].Delta != 500 || h.Lots[1].Delta != 50 || h.Name != "ES/MES" {
		t.Fatalf("ES/MES lots %+v, want deltas 500 and 50", h.Lots)
	}
	// SH at $40 is −1 × SPY: one share moves like −40/500 = −0.08 SPY shares.
	sh, err := ETF("SH", 40, -1, 1, 500, 0, 0.005)
	if err != nil {
		t.Fatal(err)
	}
	if d := sh.Lots[0].Delta; math.Abs(d+0.08) > 1e-12 {
		t.Errorf("SH delta %g, want −0.08", d)
	}
	// SQQQ at $10 is −3 × QQQ; hedging QQQ at $400: −3 × 10/400 = −0.075 QQQ shares.
	sqqq, err := ETF("SQQQ", 10, -3, 1, 400, 0, 0.005)
	if err != nil {
		t.Fatal(err)
	}
	if d := sqqq.Lots[0].Delta; math.Abs(d+0.075) > 1e-12 {
		t.Errorf("SQQQ delta %g, want −0.075", d)
	}
	if _, err := Futures([]string{"NOPE"}, []FuturesCost{{}}, 5000, 500, 1); err == nil {
		t.Error("unknown futures root accepted")
	}
	if _, err := Futures([]string{"MES", "ES"}, []FuturesCost{{}, {}}, 5000, 500, 1); err == nil {
		t.Error("lots smallest-first accepted")
	}
	if _, err := ETF("SH", 0, -1, 1, 500, 0, 0); err == nil {
		t.Error("zero ETF price accepted")
	}
	if _, err := ETF("SH", 40, 0, 1, 500, 0, 0); err == nil {
		t.Error("zero leverage accepted")
	}
	spec, _ := instrument.LookupFutures("ES")
	if spec.Multiplier != 50 {
		t.Fatalf("ES multiplier %g, want 50", spec.Multiplier)
	}
}

func TestRound(t *testing.T) {
	sh, _ := ETF("SH", 40, -1, 1, 500, 0, 0.005)
	odd := Instrument{Name: "odd", Lots: []Lot{{Symbol: "BIG", Delta: 500}, {Symbol: "SMALL", Delta: 70}}}
	tests := []struct {
		name   string
		h      Instrument
		change float64
		want   map[string]int
		words  string
	}{
		{"1.3 ES-equivalents", esmes(t), 650, map[string]int{"ES": 1, "MES": 3}, "buy 1 ES and 3 MES"},
		{"0.96 ES-equivalents is one ES", esmes(t), 480, map[string]int{"ES": 1}, "buy 1 ES"},
		{"sell 1.3", esmes(t), -650, map[string]int{"ES": -1, "MES": -3}, "sell 1 ES and 3 MES"},
		{"2.04 ES", esmes(t), 1020, map[string]int{"ES": 2}, "buy 2 ES"},
		{"under half an MES", esmes(t), 20, map[string]int{}, "trade nothing"},
		{"half an MES rounds away from zero", esmes(t), 25, map[string]int{"MES": 1}, "buy 1 MES"},
		{"shares", spy(), -312.4, map[string]int{"SPY": -312}, "sell 312 SPY"},
		{"inverse ETF buys to sell delta", sh, -100, map[string]int{"SH": 1250}, "buy 1250 SH"},
		{"non-multiple lots greedy", odd, 640, map[string]int{"BIG": 1, "SMALL": 2}, "buy 1 BIG and 2 SMALL"},
	}
	for _, tc := range tests {
		o, err := tc.h.Round(tc.change)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := map[string]int{}
		var delta, cost float64
		for _, l := range o.Lines {
			got[l.Symbol] = l.Quantity
			delta += l.Delta
			cost += l.Cost
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: lines %v, want %v", tc.name, got, tc.want)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: %s %d, want %d", tc.name, k, got[k], v)
			}
		}
		if math.Abs(delta-o.Delta) > 1e-9 || math.Abs(cost-o.Cost) > 1e-9 {
			t.Errorf("%s: totals %g/%g do not add up %g/%g", tc.name, o.Delta, o.Cost, delta, cost)
		}
		if o.String() != tc.words {
			t.Errorf("%s: %q, want %q", tc.name, o.String(), tc.words)
		}
	}
	// 1 ES + 3 MES costs 8.75 + 3 × 1.225 = 12.425.
	if o, _ := esmes(t).Round(650); math.Abs(o.Cost-12.425) > 1e-9 {
		t.Errorf("cost %g, want 12.425", o.Cost)
	}
}

func ny(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, instrument.NewYork)
}

func TestPolicies(t *testing.T) {
	base := Input{Now: ny(2026, 11, 20, 15, 50), Spot: 500, Vol: 0.2, Years: 0.1, Rate: 0.05, NetLiq: 100000, Hedge: spy()}
	with := func(f func(*Input)) Input { in := base; f(&in); return in }
	tests := []struct {
		name   string
		p      Policy
		in     Input
		hedge  bool
		band   Band    // checked when Lo != Hi or hedge false
		after  float64 // delta after the order
		cost   float64
		reason string // substring of Reason
	}{
		// Fixed band ±250 shares: +312 is outside, hedge back to 0 by selling 312 SPY at
		// $0.01 a share.
		{"fixed band breach", FixedBand{Width: 250}, with(func(in *Input) { in.Delta = 312 }),
			true, Band{-250, 250}, 0, 3.12, "delta +312 is outside the ±250 fixed band: sell 312 SPY to bring it to 0"},
		{"fixed band quiet", FixedBand{Width: 250}, with(func(in *Input) { in.Delta = 200 }),
			false, Band{-250, 250}, 200, 0, "delta +200 is inside the ±250 fixed band: no action"},
		{"fixed band to edge", FixedBand{Width: 250, Rehedge: ToEdge}, with(func(in *Input) { in.Delta = 312 }),
			true, Band{-250, 250}, 250, 0.62, "sell 62 SPY to bring it to +250"},
		{"fixed band below", FixedBand{Width: 250}, with(func(in *Input) { in.Delta = -300; in.Target = -20 }),
			true, Band{-270, 230}, -20, 2.80, "buy 280 SPY"},
		// 500 per $100k on $50k of net liq is ±250.
		{"per $100k", FixedBand{Width: 500, Unit: BandPer100k}, with(func(in *Input) { in.Delta = 260; in.NetLiq = 50000 }),
			true, Band{-250, 250}, 0, 2.60, "per $100k"},
		// 5% of $100k NAV is $5,000 of dollar delta = 10 shares at $500.
		{"% of NAV", FixedBand{Width: 5, Unit: BandPercentNAV}, with(func(in *Input) { in.Delta = 11 }),
			true, Band{-10, 10}, 0, 0.11, "5% of NAV"},
		// ES/MES to the edge: +312 → aim +250 is −1.24 MES; 1 MES leaves +262, still
		// outside, so 2 MES (+212).
		{"edge with lots", FixedBand{Width: 250, Rehedge: ToEdge}, with(func(in *Input) { in.Delta = 312; in.Hedge = esmes(t) }),
			true, Band{-250, 250}, 212, 2.45, "sell 2 MES to bring it to +212"},
		// To the target with lots: −6.24 MES rounds to 6, leaving +12.
		{"target with lots", FixedBand{Width: 250}, with(func(in *Input) { in.Delta = 312; in.Hedge = esmes(t) }),
			true, Band{-250, 250}, 12, 7.35, "sell 6 MES"},
		{"sub-lot", FixedBand{Width: 10}, with(func(in *Input) { in.Delta = 12; in.Hedge = esmes(t) }),
			false, Band{-10, 10}, 12, 0, "less than half a lot"},
		// Gamma-scaled, $1000 1-sd budget over one day, S 500, σ 0.2: one-sd move
		// 500·0.2·√(1/365) = 5.23424; gamma 0 gives 1000/5.23424 = 191.05.
		{"gamma-scaled flat", GammaScaled{Budget: 1000}, with(func(in *Input) { in.Delta = 150 }),
			false, Band{-191.0497, 191.0497}, 150, 0, "inside the ±191 gamma-scaled band"},
		// Gamma −20: √(1000² − ½·(20·5.23424²)²)/5.23424 = 176.13.
		{"gamma-scaled gamma", GammaScaled{Budget: 1000}, with(func(in *Input) { in.Delta = 180; in.Gamma = -20 }),
			true, Band{-176.1265, 176.1265}, 0, 1.80, "outside the ±176 gamma-scaled band"},
		// Gamma −60: ½·(60·5.23424²)² = 1.351e6 > 1000², so the band is Min.
		{"gamma-scaled floor", GammaScaled{Budget: 1000, Min: 30}, with(func(in *Input) { in.Delta = 31; in.Gamma = -60 }),
			true, Band{-30, 30}, 0, 0.31, "±30"},
		{"gamma-scaled cap", GammaScaled{Budget: 1000, Max: 100}, with(func(in *Input) { in.Delta = 101 }),
			true, Band{-100, 100}, 0, 1.01, "±100"},
		// Whalley–Wilmott: (3·e^(−0.05·0.1)·0.0002·500·20²/(2·0.01))^(1/3) = 18.1409; trade to
		// the edge: +30 → sell 12 → +18.
		{"Whalley–Wilmott", WhalleyWilmott{RiskAversion: 0.01, Lambda: 0.0002}, with(func(in *Input) { in.Delta = 30; in.Gamma = -20 }),
			true, Band{-18.1409, 18.1409}, 18, 0.12, "sell 12 SPY to bring it to +18"},
		{"Whalley–Wilmott below", WhalleyWilmott{RiskAversion: 0.01, Lambda: 0.0002}, with(func(in *Input) { in.Delta = -30; in.Gamma = -20 }),
			true, Band{-18.1409, 18.1409}, -18, 0.12, "buy 12 SPY"},
		{"Whalley–Wilmott quiet", WhalleyWilmott{RiskAversion: 0.01, Lambda: 0.0002}, with(func(in *Input) { in.Delta = 10; in.Gamma = -20 }),
			false, Band{-18.1409, 18.1409}, 10, 0, "no action"},
		// Cost–benefit, γ 0.001, one day: +100 → ½·0.001·100²·(500·0.2)²/365 = $136.99 of
		// risk removed for $1.00: hedge.
		{"cost–benefit hedge", CostBenefit{RiskAversion: 0.001}, with(func(in *Input) { in.Delta = 100 }),
			true, Band{0, 0}, 0, 1, "risk worth $136.99"},
		// +1 share: $0.0137 of risk for $0.01 × 2 = $0.02: no. The implied band is
		// 2·2·λ/(γ·σ²·S·τ) with λ = 0.01/500: 1.46 shares.
		{"cost–benefit skip", CostBenefit{RiskAversion: 0.001}, with(func(in *Input) { in.Delta = 1 }),
			false, Band{-1.46, 1.46}, 1, 0, "is not worth more than 2 × the $0.01 cost"},
		// +2 shares: $0.0548 > $0.04: hedge.
		{"cost–benefit small hedge", CostBenefit{RiskAversion: 0.001}, with(func(in *Input) { in.Delta = 2 }),
			true, Band{0, 0}, 0, 0.02, "risk worth $0.05"},
		// Time-based at 15:45: last hedge yesterday 15:46, now 15:50: due.
		{"time-based due", TimeBased{Hour: 15, Minute: 45}, with(func(in *Input) { in.Delta = 40; in.LastHedge = ny(2026, 11, 19, 15, 46) }),
			true, Band{0, 0}, 0, 0.40, "scheduled 15:45 hedge: delta +40 against target 0: sell 40 SPY"},
		{"time-based done", TimeBased{Hour: 15, Minute: 45}, with(func(in *Input) { in.Delta = 400; in.LastHedge = ny(2026, 11, 20, 15, 45) }),
			false, Band{0, 0}, 400, 0, "hedge is done"},
		{"time-based before the hour", TimeBased{Hour: 15, Minute: 45}, with(func(in *Input) {
			in.Delta = 400
			in.Now = ny(2026, 11, 20, 10, 0)
			in.LastHedge = ny(2026, 11, 19, 15, 46)
		}), false, Band{0, 0}, 400, 0, "no action"},
		{"time-based missed yesterday", TimeBased{Hour: 15, Minute: 45}, with(func(in *Input) {
			in.Delta = 400
			in.Now = ny(2026, 11, 20, 10, 0)
			in.LastHedge = ny(2026, 11, 19, 12, 0)
		}), true, Band{0, 0}, 0, 4, "sell 400 SPY"},
	}
	for _, tc := range tests {
		d, err := tc.p.Decide(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if d.Hedge != tc.hedge {
			t.Errorf("%s: Hedge %v, want %v (%s)", tc.name, d.Hedge, tc.hedge, d.Reason)
		}
		if math.Abs(d.Band.Lo-tc.band.Lo) > 0.01 || math.Abs(d.Band.Hi-tc.band.Hi) > 0.01 {
			t.Errorf("%s: band %+v, want %+v", tc.name, d.Band, tc.band)
		}
		if math.Abs(d.After-tc.after) > 1e-9 {
			t.Errorf("%s: after %g, want %g", tc.name, d.After, tc.after)
		}
		if math.Abs(d.Cost-tc.cost) > 1e-9 {
			t.Errorf("%s: cost %g, want %g", tc.name, d.Cost, tc.cost)
		}
		if !strings.Contains(d.Reason, tc.reason) {
			t.Errorf("%s: reason %q does not contain %q", tc.name, d.Reason, tc.reason)
		}
		if d.Delta != tc.in.Delta || d.Policy != tc.p.Name() {
			t.Errorf("%s: decision echoes delta %g policy %q", tc.name, d.Delta, d.Policy)
		}
	}
}

// The Whalley–Wilmott band against the published example in the pfhedge documentation
// (pfhedge.nn.WhalleyWilmott, https://pfnet-research.github.io/pfhedge/): a European call
// with strike 1, cost rate 1e-5, risk aversion a = 1, r = 0, time to maturity 0.1,
// volatility 0.2 and a previous hedge of 0.5 shares; for log-moneyness −0.05, −0.01, 0,
// 0.01, 0.05 the next hedge is 0.2946, 0.5, 0.5, 0.5, 0.7284. Here the position is short
// the call and long the hedge, so the net delta is hedge − call delta and the new hedge
// is After + call delta.
func TestWhalleyWilmottPublishedExample(t *testing.T) {
	tests := []struct{ logMoneyness, want float64 }{
		{-0.05, 0.2946}, {-0.01, 0.5}, {0, 0.5}, {0.01, 0.5}, {0.05, 0.7284},
	}
	p := WhalleyWilmott{RiskAversion: 1, Lambda: 1e-5}
	for _, tc := range tests {
		s := math.Exp(tc.logMoneyness)
		g, err := pricing.Value(pricing.Option{Right: pricing.Call, Spot: s, Strike: 1, Years: 0.1, Vol: 0.2})
		if err != nil {
			t.Fatal(err)
		}
		in := Input{Delta: 0.5 - g.Delta, Gamma: -g.Gamma, Spot: s, Vol: 0.2, Years: 0.1, continuous: true}
		pl, err := p.plan(&in)
		if err != nil {
			t.Fatal(err)
		}
		hedge := 0.5
		if pl.trade {
			hedge = pl.aim + g.Delta
		}
		if math.Abs(hedge-tc.want) > 5e-5 {
			t.Errorf("log-moneyness %g: next hedge %.5f, want %.4f", tc.logMoneyness, hedge, tc.want)
		}
	}
}

func TestPolicyErrors(t *testing.T) {
	good := Input{Now: ny(2026, 11, 20, 15, 50), Delta: 300, Spot: 500, Vol: 0.2, Years: 0.1, NetLiq: 1e5, Hedge: spy()}
	with := func(f func(*Input)) Input { in := good; f(&in); return in }
	tests := []struct {
		name string
		p    Policy
		in   Input
	}{
		{"spot", FixedBand{Width: 1}, with(func(in *Input) { in.Spot = 0 })},
		{"NaN delta", FixedBand{Width: 1}, with(func(in *Input) { in.Delta = math.NaN() })},
		{"Inf gamma", FixedBand{Width: 1}, with(func(in *Input) { in.Gamma = math.Inf(1) })},
		{"negative vol", FixedBand{Width: 1}, with(func(in *Input) { in.Vol = -1 })},
		{"no lots", FixedBand{Width: 1}, with(func(in *Input) { in.Hedge = Instrument{Name: "none"} })},
		{"zero lot delta", FixedBand{Width: 1}, with(func(in *Input) { in.Hedge = Instrument{Lots: []Lot{{Symbol: "X"}}} })},
		{"negative cost", FixedBand{Width: 1}, with(func(in *Input) { in.Hedge = Shares("X", -1, 0) })},
		{"width", FixedBand{Width: 0}, good},
		{"per 100k without net liq", FixedBand{Width: 5, Unit: BandPer100k}, with(func(in *Input) { in.NetLiq = 0 })},
		{"unit", FixedBand{Width: 5, Unit: 9}, good},
		{"budget", GammaScaled{}, good},
		{"gamma-scaled vol", GammaScaled{Budget: 100}, with(func(in *Input) { in.Vol = 0 })},
		{"gamma-scaled min>max", GammaScaled{Budget: 100, Min: 5, Max: 2}, good},
		{"risk aversion", WhalleyWilmott{}, good},
		{"lambda", WhalleyWilmott{RiskAversion: 1, Lambda: -1}, good},
		{"cost–benefit risk aversion", CostBenefit{}, good},
		{"cost–benefit multiple", CostBenefit{RiskAversion: 1, Multiple: -1}, good},
		{"time of day", TimeBased{Hour: 25}, good},
		{"no now", TimeBased{Hour: 15}, with(func(in *Input) { in.Now = time.Time{} })},
	}
	for _, tc := range tests {
		if d, err := tc.p.Decide(tc.in); err == nil {
			t.Errorf("%s: accepted, decided %+v", tc.name, d)
		}
	}
}

// No policy returns NaN or Inf figures on extreme but valid input.
func TestPoliciesFinite(t *testing.T) {
	policies := []Policy{FixedBand{Width: 100}, GammaScaled{Budget: 1e3}, WhalleyWilmott{RiskAversion: 1e-9},
		CostBenefit{RiskAversion: 1e-9}, TimeBased{Hour: 15, Minute: 45}}
	for _, p := range policies {
		for _, in := range []Input{
			{Now: ny(2026, 1, 2, 16, 0), Delta: 1e12, Gamma: 1e9, Spot: 1e6, Vol: 5, Years: 50, NetLiq: 1e9, Hedge: spy()},
			{Now: ny(2026, 1, 2, 16, 0), Delta: -1e-9, Spot: 1e-6, Vol: 0.01, Hedge: spy()},
		} {
			d, err := p.Decide(in)
			if err != nil {
				continue
			}
			for _, v := range []float64{d.Band.Lo, d.Band.Hi, d.Aim, d.After, d.Cost, d.Order.Delta} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("%s: non-finite figure in %+v", p.Name(), d)
				}
			}
		}
	}
}
