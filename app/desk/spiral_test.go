package desk

import (
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

// mixedLayer is issue 11's example: one layer holding 2 short ES 6700 calls (ES 6800,
// delta about 0.6, so −2 × 0.6 × 50 = −60 in ES units but −$408k ≈ −600 SPY shares) and
// 10 short SPY 660 puts (SPY 680, delta about −0.3: +300 SPY shares, +$204k), valued by
// portfolio.Revalue as the desk values its book.
func mixedLayer(t *testing.T) *Snapshot {
	t.Helper()
	now := time.Date(2026, 11, 18, 15, 0, 0, 0, instrument.NewYork)
	var ps []portfolio.Position
	for _, p := range []struct {
		symbol string
		qty    float64
	}{{"ESZ6 C6700 2026-12-18", -2}, {"SPY   261218P00660000", -10}} {
		in, err := instrument.Parse(p.symbol, now)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, portfolio.Position{ID: p.symbol, Instrument: in, Quantity: p.qty, Layer: "Mixed"})
	}
	m := portfolio.Market{Now: now, Rate: 0.04, DividendYield: map[string]float64{"SPY": 0.012},
		Quotes:      map[string]portfolio.Quote{ps[0].ID: {Vol: 0.2}, ps[1].ID: {Vol: 0.2}},
		Underlyings: map[string]float64{"ESZ6": 6800, "SPY": 680}}
	book, err := portfolio.Revalue(ps, m, portfolio.Config{Layers: []portfolio.Layer{{Name: "Mixed"}}})
	if err != nil {
		t.Fatal(err)
	}
	snap := &Snapshot{Time: now, Synced: true, Book: book}
	for _, r := range book.Positions {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		snap.Positions = append(snap.Positions, Position{Position: brokers.Position{Instrument: r.Instrument, Symbol: r.ID,
			Quantity: int64(r.Quantity)}, Risk: r})
	}
	return snap
}

// The spiral guard weighs each leg in beta-weighted dollars against its own underlying's
// price: the ES calls are the tested side, so selling more SPY puts is stopped. Before, the
// calls counted −60 against the puts' +300 and the guard named the puts as tested (and
// called the SPY puts in the money against ES's 6800).
func TestSpiralGuardWeighsALayerOfTwoUnderlyingsInBetaWeightedDollars(t *testing.T) {
	snap := mixedLayer(t)
	gl, ok := guardLayer(snap, "Mixed", 0.04)
	if !ok {
		t.Fatal("no guard layer")
	}
	b := gl.Balance()
	var calls, puts float64 // the portfolio's own beta-weighted dollars, per side
	for _, r := range snap.Book.Positions {
		if r.Instrument.Right == pricing.Call {
			calls += r.BetaDollarDelta
		} else {
			puts += r.BetaDollarDelta
		}
	}
	if d := b.CallDelta - calls; d > 1e-6 || d < -1e-6 {
		t.Errorf("call side %g, want the portfolio's beta-weighted $%g", b.CallDelta, calls)
	}
	if d := b.PutDelta - puts; d > 1e-6 || d < -1e-6 {
		t.Errorf("put side %g, want the portfolio's beta-weighted $%g", b.PutDelta, puts)
	}
	if b.Tested != pricing.Call || len(b.ITM) != 1 || b.ITM[0] != "ESZ6 C6700 2026-12-18" {
		t.Errorf("tested %v, in the money %v; want the ES calls tested and in the money, not the SPY puts", b.Tested, b.ITM)
	}
	put := snap.Positions[1]
	o := brokers.Order{Quantity: 5, Legs: []brokers.Leg{{Symbol: put.Symbol, Instrument: put.Instrument, Ratio: -1}}}
	stops, err := spiral(snap, o, nil, 0.04, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(stops) != 1 || !stops[0].Verdict.Stop || !strings.Contains(stops[0].Verdict.Reason, "the call side is tested") {
		t.Fatalf("selling 5 more SPY puts against tested ES calls: %+v, want a stop naming the call side", stops)
	}
	// The puts must carry $408k with 10 × 100 × $680 per unit of delta: 0.6, capped at 0.50,
	// so a strike at SPY's money (not ES's).
	if v := stops[0].Verdict; v.SuggestedDelta != 0.5 || v.SuggestedStrike < 670 || v.SuggestedStrike > 690 {
		t.Errorf("suggested roll of the SPY puts: delta %g strike %g, want 0.50 at about 680", v.SuggestedDelta, v.SuggestedStrike)
	}
}
