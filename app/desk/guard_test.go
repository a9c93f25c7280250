package desk

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
)

// layeredRig is the demo book with its layers filed as StartPaper files them.
func layeredRig(t *testing.T) *rig {
	t.Helper()
	r := newRig(t)
	ctx := context.Background()
	s := r.waitFor(t, "the demo book valued", valued)
	layers := map[string][]string{}
	for _, p := range s.Positions {
		name := map[string]string{"ES": "ES options", "MES": "MES futures", "SPY": "SPY options", "VXX": "VXX", "SH": "Hedge"}[p.Instrument.Root]
		layers[name] = append(layers[name], p.Symbol)
	}
	for name, syms := range layers {
		if err := r.journal.SaveLayer(ctx, r.desk.Book(), "", layerOf(name, syms, s)); err != nil {
			t.Fatal(err)
		}
		if err := r.journal.AssignLayer(ctx, r.desk.Book(), syms, name); err != nil {
			t.Fatal(err)
		}
	}
	r.desk.LayersChanged()
	r.waitFor(t, "the layers", func(s *Snapshot) bool {
		return valued(s) && len(s.Book.Layers) >= len(layers) && s.Book.Layers[0].Layer.Name != "Unassigned"
	})
	return r
}

func optionOf(s *Snapshot, root string, right string) (Position, bool) {
	for _, p := range s.Positions {
		if p.Instrument.Root == root && p.Instrument.IsOption() && strings.EqualFold(p.Instrument.Right.String(), right) {
			return p, true
		}
	}
	return Position{}, false
}

func TestSpiralGuardStopsAnOppositeLegAddAndLetsAnOverrideThrough(t *testing.T) {
	r := layeredRig(t)
	ctx := context.Background()
	s := r.desk.Latest()
	call, ok := optionOf(s, "SPY", "call")
	if !ok {
		t.Fatal("the demo book has no SPY call")
	}
	// Buy the calls back: the SPY layer is then all short puts — one side carries all the
	// delta (imbalance 1), the put side is the tested one.
	closeCalls := brokers.Order{ClientID: NewClientID(), Type: brokers.Market, Quantity: -call.Quantity,
		Legs: []brokers.Leg{{Symbol: call.Symbol, Instrument: call.Instrument, Ratio: 1}}}
	if st, err := r.desk.Place(ctx, closeCalls); err != nil || st.State != brokers.Filled {
		t.Fatalf("closing the calls: %v %+v", err, st)
	}
	r.waitFor(t, "the calls closed", func(s *Snapshot) bool {
		_, has := optionOf(s, "SPY", "call")
		return valued(s) && !has
	})
	// Selling calls again to fix the delta is the spiral.
	sell := brokers.Order{ClientID: NewClientID(), Type: brokers.Market, Quantity: 2,
		Legs: []brokers.Leg{{Symbol: call.Symbol, Instrument: call.Instrument, Ratio: -1}}}
	if p := r.desk.Check(sell); len(p) == 0 || !strings.Contains(strings.Join(p, " "), "spiral") {
		t.Fatalf("Check let the opposite-leg add through: %v", p)
	}
	_, err := r.desk.Place(ctx, sell)
	var ce *CheckError
	if !errors.As(err, &ce) || len(ce.Spiral) != 1 {
		t.Fatalf("Place: %v, want a spiral stop", err)
	}
	v := ce.Spiral[0].Verdict
	if ce.Spiral[0].Layer != "SPY options" || v.Alternative == "" || !v.Stop {
		t.Fatalf("stop %+v: want the SPY layer with an alternative", ce.Spiral[0])
	}
	if !strings.Contains(v.Reason, "spiral") || !strings.Contains(ce.Spiral[0].Text(), "Instead:") {
		t.Errorf("stop reason %q", ce.Spiral[0].Text())
	}
	// Buying more puts back is not the spiral: it reduces the tested side.
	put, _ := optionOf(r.desk.Latest(), "SPY", "put")
	reduce := brokers.Order{ClientID: NewClientID(), Type: brokers.Market, Quantity: 1,
		Legs: []brokers.Leg{{Symbol: put.Symbol, Instrument: put.Instrument, Ratio: 1}}}
	if p := r.desk.Check(reduce); len(p) != 0 {
		t.Errorf("closing a tested leg was stopped: %v", p)
	}
	// An override needs a written reason.
	if _, err := r.desk.PlaceWithOverride(ctx, sell, "because"); !errors.Is(err, ErrOverrideReason) {
		t.Fatalf("short reason: %v", err)
	}
	st, err := r.desk.PlaceWithOverride(ctx, sell, "earnings tomorrow, I accept the extra size for one day")
	if err != nil || st.State != brokers.Filled {
		t.Fatalf("override: %v %+v", err, st)
	}
	evs, err := r.journal.GuardEvents(ctx, r.desk.Book(), time.Time{}, time.Now().Add(24*365*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Kind != "stop" || evs[1].Kind != "override" {
		t.Fatalf("guard events %+v: want a stop then an override", evs)
	}
	if evs[1].OrderID != st.ID || !strings.Contains(evs[1].Override, "earnings tomorrow") || evs[1].Layer != "SPY options" {
		t.Errorf("override event %+v", evs[1])
	}
	if evs[0].Alternative == "" || evs[0].Words != "sell 2 "+strings.Join(strings.Fields(call.Symbol), " ") {
		t.Errorf("stop event %+v", evs[0])
	}
	// Buying the calls back and the overridden sale trade options: trading the strategy, not
	// a hedge adjustment outside the checklist (the override is counted as an override).
	off, err := r.journal.OffChecklist(ctx, r.desk.Book(), time.Time{}, time.Now().Add(24*365*time.Hour))
	if err != nil || len(off) != 0 {
		t.Fatalf("off-checklist %+v %v: option trades are not hedge adjustments", off, err)
	}
}

func TestLayerSizesAlertWhenSizeGrowsWhileImbalanced(t *testing.T) {
	r := layeredRig(t)
	ctx := context.Background()
	book := r.desk.Book()
	t0 := time.Date(2026, 11, 10, 15, 0, 0, 0, instrument.NewYork)
	// An imbalanced layer adding contracts day after day: 4 → 6 → 8.
	for i, c := range []float64{4, 6, 8} {
		if err := r.journal.RecordLayerSizes(ctx, book, []data.LayerSize{{Layer: "SPY options", At: t0.Add(time.Duration(i) * 24 * time.Hour),
			Contracts: c, Imbalance: 0.6}}); err != nil {
			t.Fatal(err)
		}
	}
	alerts, err := r.desk.SizeAlerts(ctx, t0.Add(3*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 1 || alerts[0].Kind != portfolio.AlertLayerSize || alerts[0].Layer != "SPY options" ||
		alerts[0].Limit != 4 || alerts[0].Value != 8 || !alerts[0].From.Equal(t0) || !alerts[0].To.Equal(t0.Add(48*time.Hour)) {
		t.Fatalf("alerts %+v", alerts)
	}
	// The alerts reach the snapshot's alerts strip (WatchLayerSizes hands them over).
	r.desk.post(func() { r.desk.st.sizeAlerts = alerts; r.desk.st.dirty = true })
	r.waitFor(t, "the size alert in the snapshot, as the monitor gave it", func(s *Snapshot) bool {
		for _, a := range s.Alerts {
			if a == alerts[0] && strings.HasPrefix(a.Message, "SPY options: ") {
				return true
			}
		}
		return false
	})
	// The checklist lists it once: its size step reads the monitor, and the snapshot's copy
	// of the same alert is not listed again among the limits.
	res, err := r.desk.RunChecklist(ctx, ChecklistConfig{Now: t0.Add(3 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	listed := 0
	for _, f := range append(res.Run.Positions, res.Run.Limits...) {
		if strings.Contains(f.Text, "SPY options: contracts grew from 4 to 8") {
			listed++
		}
	}
	if listed != 1 || len(res.Sizes) != 1 || res.Sizes[0] != alerts[0] {
		t.Errorf("the size alert is listed %d times in the checklist (sizes %+v), want once, as the monitor gave it", listed, res.Sizes)
	}
	// The desk samples the live layers too.
	if err := r.desk.RecordLayerSizes(ctx, r.desk.Latest()); err != nil {
		t.Fatal(err)
	}
	got, err := r.journal.LayerSizes(ctx, book, "ES options", time.Time{})
	if err != nil || len(got) != 1 || got[0].Contracts != 2 {
		t.Fatalf("ES options samples %+v %v", got, err)
	}
}

// layerOf is a demo layer as StartPaper files it: neutral unless it is the MES
// (long) or VXX (short) layer, hedged with its own first underlying.
func layerOf(name string, symbols []string, s *Snapshot) portfolio.Layer {
	var bias portfolio.Bias
	for _, dl := range paper.DemoBook.Layers {
		if dl.Layer == name {
			bias, _ = portfolio.ParseBias(dl.Bias)
		}
	}
	l := portfolio.Layer{Name: name, Bias: bias}
	for _, p := range s.Positions {
		if p.Symbol != symbols[0] {
			continue
		}
		u := p.Instrument.Underlying
		if u == "" {
			u = p.Symbol
		}
		l.Underlyings, l.HedgeInstrument = []string{u}, u
	}
	return l
}
