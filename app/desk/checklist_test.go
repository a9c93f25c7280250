package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/portfolio"
)

func TestChecklistQuietDayThenABandBreachHedgedThroughTheDesk(t *testing.T) {
	r := layeredRig(t)
	ctx := context.Background()
	// The demo book is hedged to about zero: every step is inside its band.
	res, err := r.desk.RunChecklist(ctx, ChecklistConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Run.ActionNeeded || len(res.Orders) != 0 {
		t.Fatalf("quiet day: %s, orders %+v, hedges %+v, positions %+v, limits %+v", res.Run.Summary, res.Orders, res.Run.Hedges, res.Run.Positions, res.Run.Limits)
	}
	book := res.Run.Hedges[len(res.Run.Hedges)-1]
	if book.Layer != "book" || book.Action != "no action" {
		t.Fatalf("book step %+v", book)
	}
	// The book's band is ±10% of net liquidation in dollar delta: in SPY shares,
	// 0.10 × net liq ÷ SPY's price.
	snap := r.desk.Latest()
	spy := snap.Book.Benchmark.Price
	want := 0.10 * res.NetLiq / spy
	if math.Abs(book.Decision.Band.Hi-want) > 1e-6 || math.Abs(book.Decision.Band.Lo+want) > 1e-6 {
		t.Errorf("book band %+v, want ±%.3f", book.Decision.Band, want)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Fatalf("the run must journal as JSON: %v", err)
	}
	sched := ScheduledAt(snap.Time, 15, 45)
	if _, err := r.desk.LogChecklistRun(ctx, res, sched, snap.Time, "", nil, "window"); err != nil {
		t.Fatal(err)
	}

	// A large futures buy outside the checklist breaks the book's band.
	mes, err := r.broker.Lookup(ctx, "MESZ6")
	if err != nil {
		t.Fatal(err)
	}
	buy := brokers.Order{ClientID: NewClientID(), Type: brokers.Market, Quantity: 4,
		Legs: []brokers.Leg{{Symbol: "MESZ6", Instrument: mes, Ratio: 1}}}
	if st, err := r.desk.Place(ctx, buy); err != nil || st.State != brokers.Filled {
		t.Fatalf("buying MES: %v %+v", err, st)
	}
	r.waitFor(t, "6 MES", func(s *Snapshot) bool {
		for _, p := range s.Positions {
			if p.Symbol == "MESZ6" && p.Quantity == 6 {
				return valued(s)
			}
		}
		return false
	})
	res, err = r.desk.RunChecklist(ctx, ChecklistConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Run.ActionNeeded || len(res.Orders) != 1 || res.Orders[0].Scope != "book" {
		t.Fatalf("breach: %s, orders %+v", res.Run.Summary, res.Orders)
	}
	step := res.Run.Hedges[len(res.Run.Hedges)-1]
	// Four MES are 4 × 5 × MES ÷ SPY ≈ 200 SPY shares too long; the band policy trades back
	// to the target, so the order sells SPY shares worth the whole net delta.
	o := res.Orders[0].Order
	if len(o.Legs) != 1 || o.Legs[0].Symbol != "SPY" || o.Legs[0].Ratio != -1 || math.Abs(float64(o.Quantity)-step.NetDelta) > 1 {
		t.Fatalf("hedge order %+v for net delta %.1f", o, step.NetDelta)
	}
	if step.NetDelta < 150 {
		t.Fatalf("net delta %.1f: the MES buy should have made it about +200", step.NetDelta)
	}
	prop, err := r.desk.ProposeChecklistOrder(ctx, res.Orders[0])
	if err != nil {
		t.Fatal(err)
	}
	// The ticket sends it with its own client id; the desk recognises the legs.
	sent := o
	sent.ClientID = NewClientID()
	st, err := r.desk.Place(ctx, sent)
	if err != nil || st.State != brokers.Filled {
		t.Fatalf("hedge order: %v %+v", err, st)
	}
	var hedged bool
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !hedged; time.Sleep(50 * time.Millisecond) {
		left, err := r.journal.ChecklistOrdersAwaitingHedge(ctx, r.desk.Book())
		if err != nil {
			t.Fatal(err)
		}
		all, _ := r.journal.ChecklistOrders(ctx, r.desk.Book(), time.Time{}, time.Now().Add(24*365*time.Hour))
		hedged = len(left) == 0 && len(all) == 1 && all[0].HedgeID != 0
	}
	if !hedged {
		t.Fatal("the checklist order's hedge was never journaled")
	}
	runID, err := r.desk.LogChecklistRun(ctx, res, sched, r.desk.Latest().Time, res.Orders[0].Words, []int64{prop}, "window")
	if err != nil {
		t.Fatal(err)
	}
	runs, err := r.journal.ChecklistRuns(ctx, r.desk.Book(), time.Time{}, time.Now().Add(24*365*time.Hour))
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs %+v %v", runs, err)
	}
	if runs[0].ActionNeeded || runs[0].Action != "no action" || !runs[0].OnTime {
		t.Errorf("quiet run %+v", runs[0])
	}
	last := runs[1]
	if last.ID != runID || !last.ActionNeeded || len(last.OrderIDs) != 1 || last.OrderIDs[0] != st.ID {
		t.Errorf("action run %+v, want order %s", last, st.ID)
	}
	if strings.Contains(strings.ToLower(last.Steps), "pnl") || !strings.Contains(last.Steps, "HedgeRequired") {
		t.Errorf("steps JSON must carry the figures and no P&L: %.200s", last.Steps)
	}
	// The MES buy was off the checklist; the hedge was not.
	off, err := r.journal.OffChecklist(ctx, r.desk.Book(), time.Time{}, time.Now().Add(24*365*time.Hour))
	if err != nil || len(off) != 1 || !strings.Contains(off[0].Words, "buy 4 MESZ6") {
		t.Fatalf("off-checklist %+v %v", off, err)
	}
	// After the hedge the book is back inside its band.
	r.waitFor(t, "the hedge in the book", func(s *Snapshot) bool {
		for _, p := range s.Positions {
			if p.Symbol == "SPY" {
				return valued(s)
			}
		}
		return false
	})
	res, err = r.desk.RunChecklist(ctx, ChecklistConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Run.Hedges[len(res.Run.Hedges)-1]; got.Decision.Hedge {
		t.Errorf("after the hedge the book step still says %s (net %.1f)", got.Action, got.NetDelta)
	}
}

func TestHoldPolicyNeverTrades(t *testing.T) {
	d, err := holdPolicy{"long-biased"}.Decide(hedge.Input{Delta: 120})
	if err != nil || d.Hedge || d.After != 120 || d.Reason != "long-biased" {
		t.Fatalf("%+v %v", d, err)
	}
}

// A neutral layer hedged with MES on the default ±5% band of the demo account's net
// liquidation (about $250k: ±18.9 SPY shares) has a band narrower than one MES (≈ 50 SPY
// shares): the layer editor's figures say so, and so does the checklist, with the numbers.
func TestChecklistSaysWhenTheBandIsNarrowerThanOneLot(t *testing.T) {
	r := layeredRig(t)
	ctx := context.Background()
	layers, err := r.journal.Layers(ctx, r.desk.Book())
	if err != nil {
		t.Fatal(err)
	}
	var spy portfolio.Layer
	for _, l := range layers {
		if l.Name == "SPY options" {
			spy = l
		}
	}
	if spy.Name == "" || spy.Bias != portfolio.Neutral {
		t.Fatalf("the demo book's SPY options layer: %+v", spy)
	}
	// Hedged with SPY shares (the default), one lot is one share: not narrow.
	b, err := r.desk.LayerBand(ctx, spy, ChecklistConfig{})
	if err != nil || !b.Hedged || b.Narrow || b.LotDelta != 1 {
		t.Fatalf("SPY-share hedge: %+v %v", b, err)
	}
	spy.HedgeInstrument = "MESZ6"
	if err := r.journal.SaveLayer(ctx, r.desk.Book(), spy.Name, spy); err != nil {
		t.Fatal(err)
	}
	r.desk.LayersChanged()
	b, err = r.desk.LayerBand(ctx, spy, ChecklistConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if !b.Narrow || b.Lot != "MESZ6" || b.LotDelta < 40 || 2*b.Half >= b.LotDelta || b.Needed <= 5 {
		t.Fatalf("MES hedge: %+v, want a band narrower than one MES", b)
	}
	r.waitFor(t, "the MES hedge", func(s *Snapshot) bool {
		for _, l := range s.Book.Layers {
			if l.Layer.Name == "SPY options" {
				return valued(s) && l.Layer.HedgeInstrument == "MESZ6"
			}
		}
		return false
	})
	res, err := r.desk.RunChecklist(ctx, ChecklistConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for _, f := range res.Run.Limits {
		if f.Rule == "band narrower than a lot" && f.Symbol == "SPY options" {
			text = f.Text
		}
	}
	if text == "" || !strings.Contains(text, "narrower than one MESZ6") || !strings.Contains(text, fmt.Sprintf("%.1f shares wide", 2*b.Half)) ||
		!strings.Contains(text, fmt.Sprintf("(%.1f shares)", b.LotDelta)) {
		t.Errorf("checklist finding %q, want the band width %.1f and the lot %.1f", text, 2*b.Half, b.LotDelta)
	}
}
