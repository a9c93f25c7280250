package hedge

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/keel-desk/keel/engine/portfolio"
)

// The example (issue 11, item 1): net liquidation $250k, SPY 680, ES 6800 (one
// ES = 50 × 6800/680 = 500 SPY shares, one MES = 50), one neutral layer at −773 SPY-share
// delta hedged with ES/MES on a ±5%-of-NAV band, the book on ±10% with ES/MES. The layer
// buys 1 ES and 5 MES (+750, to −23); the book, seeing that order, is inside its ±36.8 band
// and proposes nothing. Before, both proposed "buy 1 ES and 5 MES", leaving +727.
func TestChecklistDoesNotHedgeTheSameDeltaTwice(t *testing.T) {
	es, err := Futures([]string{"ES", "MES"}, []FuturesCost{{2.5, 6.25}, {0.6, 0.625}}, 6800, 680, 1)
	if err != nil {
		t.Fatal(err)
	}
	c := DefaultChecklist()
	c.Limits = Limits{}
	c.BookPolicy, c.BookHedge = FixedBand{Width: 10, Unit: BandPercentNAV}, es
	in := ChecklistInput{Now: ny(2026, 12, 2, 15, 45), NetLiq: 250000, Layers: []LayerState{{
		Name: "SPY options", Underlying: "SPY", Exposure: portfolio.Exposure{BetaDelta: -773}, Spot: 680,
		Policy: FixedBand{Width: 5, Unit: BandPercentNAV}, Hedge: es, Vol: 0.2, Years: 0.1,
	}}}
	r, err := c.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	layer, book := r.Hedges[0], r.Hedges[1]
	if layer.Action != "buy 1 ES and 5 MES" || layer.Decision.After != -23 {
		t.Errorf("layer: %q to %g, want buy 1 ES and 5 MES to −23", layer.Action, layer.Decision.After)
	}
	if book.Decision.Hedge || book.NetDelta != -23 || book.LayerOrders != 750 {
		t.Errorf("book: %q (net %g, layer orders %g), want no action at −23", book.Action, book.NetDelta, book.LayerOrders)
	}
	// The layer's band, ±5% × 250,000 ÷ 680 = ±18.38, is 36.8 wide: narrower than one MES.
	var found bool
	for _, f := range r.Limits {
		if f.Rule == "band narrower than a lot" && f.Symbol == "SPY options" {
			found = strings.Contains(f.Text, "−18.4…+18.4 is 36.8 shares wide")
			if !strings.Contains(f.Text, "MES (50.0 shares)") || !found {
				t.Errorf("narrow-band finding %q lacks the band width or the lot", f.Text)
			}
		}
	}
	if !found || !layer.Decision.Narrow {
		t.Errorf("no finding that the band is narrower than one MES: %+v", r.Limits)
	}
}

// Filling every order a run proposes, all together, lands every delta — each layer's and
// the book's — inside its band; where the band is narrower than one lot, on the lot count
// nearest the target (within half a lot of it). Random books and NAVs, fixed seed.
func TestChecklistOrdersFilledTogetherLandInsideEveryBand(t *testing.T) {
	const books = 10000
	rng := rand.New(rand.NewSource(11))
	spot := 680.0
	es, err := Futures([]string{"ES", "MES"}, []FuturesCost{{2.5, 6.25}, {0.6, 0.625}}, 6812.5, spot, 1)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := ETF("SH", 38.2, -1, 1, spot, 0, 0.005)
	if err != nil {
		t.Fatal(err)
	}
	hedges := []Instrument{es, Shares("SPY", 0.005, 0.005), sh}
	policy := func() Policy {
		mode := Rehedge(rng.Intn(2))
		switch rng.Intn(3) {
		case 0:
			return FixedBand{Width: 1 + 9*rng.Float64(), Unit: BandPercentNAV, Rehedge: mode}
		case 1:
			return FixedBand{Width: 5 + 500*rng.Float64(), Unit: BandPer100k, Rehedge: mode}
		}
		return FixedBand{Width: 5 + 300*rng.Float64(), Unit: BandShares, Rehedge: mode}
	}
	landed := func(what string, d Decision, h Instrument, after float64) {
		t.Helper()
		small := math.Abs(h.Lots[len(h.Lots)-1].Delta)
		if d.Band.Contains(after) || math.Abs(after-d.Band.Lo) < 1e-6 || math.Abs(after-d.Band.Hi) < 1e-6 {
			return
		}
		if d.Narrow && math.Abs(after-d.Target) <= small/2+1e-6 {
			return
		}
		t.Fatalf("%s: after the orders delta %g is outside %+v (narrow %v, lot %g): %s", what, after, d.Band, d.Narrow, small, d.Reason)
	}
	for b := 0; b < books; b++ {
		netLiq := math.Exp(math.Log(20e3) + rng.Float64()*(math.Log(5e6)-math.Log(20e3)))
		scale := netLiq / spot // a 100%-of-NAV delta, SPY shares
		c := DefaultChecklist()
		c.Limits = Limits{}
		c.BookPolicy, c.BookHedge = policy(), hedges[rng.Intn(len(hedges))]
		in := ChecklistInput{Now: ny(2026, 12, 2, 15, 45), NetLiq: netLiq}
		for i, n := 0, 1+rng.Intn(4); i < n; i++ {
			h := hedges[rng.Intn(len(hedges))]
			in.Layers = append(in.Layers, LayerState{Name: string(rune('A' + i)), Underlying: "SPY",
				Exposure: portfolio.Exposure{BetaDelta: scale * rng.NormFloat64() * 0.2}, Spot: spot,
				HedgeHeld: math.Round(scale*rng.NormFloat64()*0.1/h.Lots[0].Delta) * h.Lots[0].Delta,
				Policy:    policy(), Hedge: h, Vol: 0.2, Years: 0.1})
		}
		r, err := c.Run(in)
		if err != nil {
			t.Fatalf("book %d: %v", b, err)
		}
		bookAfter := 0.0
		for i, l := range in.Layers {
			s := r.Hedges[i]
			after := l.Exposure.BetaDelta + l.HedgeHeld + s.Adjustment
			landed("layer "+l.Name, s.Decision, l.Hedge, after)
			bookAfter += after
		}
		s := r.Hedges[len(in.Layers)]
		if math.Abs(s.NetDelta-bookAfter) > 1e-6*math.Max(1, math.Abs(bookAfter)) {
			t.Fatalf("book %d: the book step decided on %g, the layers' orders leave %g", b, s.NetDelta, bookAfter)
		}
		landed("book", s.Decision, c.BookHedge, bookAfter+s.Adjustment)
	}
}
