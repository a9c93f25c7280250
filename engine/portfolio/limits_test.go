package portfolio

import (
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

func kinds(as []Alert) string {
	var s []string
	for _, a := range as {
		s = append(s, string(a.Kind))
	}
	return strings.Join(s, "; ")
}

func TestCheckLimitsDelta(t *testing.T) {
	ps, m := linearBook(t)
	book, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	// Beta-weighted delta 556,700 / 600 = 927.8 SPY shares. On $100k the limit is 500.
	as := CheckLimits(book, 100000, DefaultLimits())
	if len(as) != 1 || as[0].Kind != AlertDelta || !near(as[0].Value, 927.8333333333334, 1e-12) || as[0].Limit != 500 {
		t.Fatalf("alerts: %+v", as)
	}
	if !strings.Contains(as[0].Message, "927.8 shares-equivalent") || !strings.Contains(as[0].Message, "±500 for $100,000") {
		t.Errorf("message: %q", as[0].Message)
	}
	// On $200k the limit is 1,000 shares: no alert.
	if as := CheckLimits(book, 200000, DefaultLimits()); len(as) != 0 {
		t.Errorf("alerts on $200k: %s", kinds(as))
	}
	// Against ESZ6 with ES's beta edited to 0.98 the count in SPY shares is the same.
	book2, err := Revalue(ps, m, Config{Benchmark: "ESZ6", FuturesBetas: map[string]float64{"ES": 0.98, "MES": 0.98}})
	if err != nil {
		t.Fatal(err)
	}
	// ES and MES now carry 0.98: 60,000 − 13,800 − 12,000 + 12,500 + 0.98 × 510,000 = 546,500
	// SPY-weighted dollars; 546,500 / 600 = 910.83 shares.
	if as := CheckLimits(book2, 100000, DefaultLimits()); len(as) != 1 || !near(as[0].Value, 546500.0/600, 1e-12) {
		t.Errorf("delta against ES: %+v", as)
	}
	// No net liquidation: said, not silently skipped.
	if as := CheckLimits(book, 0, DefaultLimits()); len(as) != 1 || as[0].Kind != AlertUnchecked {
		t.Errorf("alerts without net liq: %+v", as)
	}
	// Without a SPY price the delta limit cannot be checked (ES benchmark, no SPY quote).
	delete(m.Underlyings, "SPY")
	book, err = Revalue(ps[1:], m, Config{Benchmark: "ESZ6"})
	if err != nil {
		t.Fatal(err)
	}
	if as := CheckLimits(book, 100000, DefaultLimits()); len(as) != 1 || as[0].Kind != AlertUnchecked {
		t.Errorf("alerts without SPY: %+v", as)
	}
}

func TestCheckLimitsOptionsBook(t *testing.T) {
	ps, m, _ := optionsBook(t)
	layers := []Layer{{Name: "ES options", Bias: Short, Limits: LayerLimits{MaxContractsPerLeg: 3, MaxContractsPerLayer: 7, MaxDelta: 400}}}
	book, err := Revalue(ps, m, Config{Layers: layers})
	if err != nil {
		t.Fatal(err)
	}
	l := DefaultLimits()
	l.DeltaSharesPer100k = 0 // checked above
	// Vega: −26.44 + 1,156.11 − 227.97 = 901.70 per vol point; 2% of $40,000 is 800.
	// Gamma: the 2026-12-18 expiry holds |25,691.3 − 4,559.4| = 21,131.9 of 21,131.9 + 264.4
	// = 21,396.3 (98.8%), beyond 50%; 21,396 ≥ the floor 0.001 × 40,000 = 40.
	// Theta: 3.74720 − 109.46333 + 23.96434 = −81.75179 a day, under 0.1% of the options notional
	// 12,600 + 600,000 + 120,000 = 732,600 (732.6): no alert.
	// Layer: the MES leg of 4 > 3 per leg; 2 + 4 + 2 = 8 contracts > 7; delta
	// (260,325.73 + 48,416.74 − 600,000) / 600 = −485.43 SPY beyond ±400.
	as := CheckLimits(book, 40000, l)
	if got := kinds(as); got != "vega; gamma concentration; layer contracts per leg; layer contracts; layer delta" {
		t.Fatalf("alerts: %s", got)
	}
	if !near(as[0].Value, 901.6995, 1e-6) || as[0].Limit != 800 {
		t.Errorf("vega alert %+v", as[0])
	}
	if !near(as[1].Value, 0.98764, 1e-4) || !strings.Contains(as[1].Message, "expires on 2026-12-18") {
		t.Errorf("gamma alert %+v", as[1])
	}
	if !near(as[4].Value, -485.4292120679471, 1e-9) || as[4].Layer != "ES options" {
		t.Errorf("layer delta alert %+v", as[4])
	}
	// Theta at 0.01% of notional: 73.26 < 81.75 → alert (then the layer's own alerts).
	l = Limits{ThetaPerDay: 0.0001}
	as = CheckLimits(book, 40000, l)
	if len(as) != 4 || as[0].Kind != AlertTheta || !near(as[0].Value, -81.75179, 1e-6) || !near(as[0].Limit, -73.26, 1e-9) {
		t.Errorf("theta alerts: %+v", as)
	}
	// A bias on the wrong side is an alert too.
	layers[0].Bias = Long
	layers[0].Limits = LayerLimits{}
	book, _ = Revalue(ps, m, Config{Layers: layers})
	as = CheckLimits(book, 40000, Limits{})
	if len(as) != 1 || as[0].Kind != AlertBias || !strings.Contains(as[0].Message, "long-biased but net short") {
		t.Errorf("bias alerts: %+v", as)
	}
}

func TestCheckLimitsExpiry(t *testing.T) {
	// SPY at 600: a 630 call with 5 days left (DTE ≤ 7) and a 603 put with 2 days left
	// (|600/603 − 1| = 0.5% ≤ 2%: at the money, ≤ 3 DTE), a 640 call with 30 days (fine).
	mk := func(id string, r pricing.Right, k float64, days float64) Position {
		return Position{ID: id, Quantity: -1, Instrument: instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY",
			Multiplier: 100, Right: r, Strike: k, Style: pricing.American, Expiry: now.Add(time.Duration(days * 24 * float64(time.Hour))),
			Beta: 1, Benchmark: "SPY"}}
	}
	ps := []Position{mk("c630", pricing.Call, 630, 5), mk("p603", pricing.Put, 603, 2), mk("c640", pricing.Call, 640, 30)}
	m := Market{Now: now, Rate: 0.04, Underlyings: map[string]float64{"SPY": 600},
		Quotes: map[string]Quote{"c630": {Vol: 0.2}, "p603": {Vol: 0.2}, "c640": {Vol: 0.2}}}
	book, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	as := CheckLimits(book, 1e6, Limits{WarnDTE: 7, ATMDTE: 3, ATMBand: 0.02})
	if len(as) != 2 || as[0].Kind != AlertATMExpiry || as[0].Position != "p603" || as[1].Kind != AlertDTE || as[1].Position != "c630" {
		t.Fatalf("alerts: %+v", as)
	}
	if !strings.Contains(as[0].Message, "short 1 contracts SPY   261122P00603000 is at the money") ||
		!strings.Contains(as[1].Message, "5.0 days to expiry: roll or close by 7 DTE") {
		t.Errorf("messages: %q / %q", as[0].Message, as[1].Message)
	}
	// An expired option still held is flagged first.
	ps[2].Instrument.Expiry = now.Add(-36 * time.Hour)
	book, err = Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	as = CheckLimits(book, 1e6, Limits{WarnDTE: 7})
	if len(as) != 3 || as[0].Position != "c640" || !strings.Contains(as[0].Message, "expired 1.5 days ago and is still held") {
		t.Errorf("expired: %+v", as)
	}
	// A position that could not be valued is an alert.
	delete(m.Quotes, "c640")
	ps[2].Instrument.Expiry = now.Add(30 * 24 * time.Hour)
	book, _ = Revalue(ps, m, Config{})
	as = CheckLimits(book, 1e6, Limits{})
	if len(as) != 1 || as[0].Kind != AlertUnpriced || as[0].Position != "c640" {
		t.Errorf("alerts: %+v", as)
	}
}

func TestCheckLimitsLayerUnderlyings(t *testing.T) {
	ps, m := linearBook(t)
	// Futures layer lists ES (a root) and mesz6 (a symbol, any case): the ES future is in,
	// the SPY shares moved into it are not.
	ps[0].Layer = "Futures"
	ps[5].Layer = "Futures"
	book, err := Revalue(ps, m, Config{Layers: []Layer{{Name: "Futures", Bias: Long, Underlyings: []string{"ES", "mesz6"}}}})
	if err != nil {
		t.Fatal(err)
	}
	as := CheckLimits(book, 1e7, Limits{})
	if len(as) != 1 || as[0].Kind != AlertLayerOutside || as[0].Position != "spy" ||
		as[0].Message != "Futures: long 100 shares SPY is on SPY, not on the layer's underlyings (ES, mesz6)" {
		t.Errorf("alerts: %+v", as)
	}
}
