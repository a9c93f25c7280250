package desk

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
)

// SpiralStop is one order leg the spiral guard stopped: the layer, the guard's reason and
// the alternative (roll the untested side closer instead of adding size).
type SpiralStop struct {
	Layer   string
	Symbol  string
	Verdict hedge.Verdict
}

// Text is the stop in words for the ticket.
func (s SpiralStop) Text() string {
	t := "spiral guard: " + s.Verdict.Reason
	if s.Verdict.Alternative != "" {
		t += ". Instead: " + s.Verdict.Alternative
	}
	return t + ". To send it anyway, override with a written reason."
}

// ErrOverrideReason is returned by PlaceWithOverride when the written reason is too short.
var ErrOverrideReason = fmt.Errorf("an override needs a written reason of at least %d characters", hedge.MinOverrideReason)

// spiral runs the spiral guard on every option leg of o against the layer it trades in, at
// snap. A leg on a symbol the book holds belongs to that position's layer; a new symbol to
// the layer holding options on the same underlying. override, when not nil, carries the
// trader's reason; the verdicts then say Overridden instead of Stop. tactical is each layer's
// open tactical exposure in beta-weighted dollars (hedge.Layer.Tactical; nil: none).
func spiral(snap *Snapshot, o brokers.Order, override *hedge.Override, rate float64, tactical map[string]float64) ([]SpiralStop, error) {
	if snap == nil || !snap.Synced || o.Quantity <= 0 {
		return nil, nil
	}
	var out []SpiralStop
	for _, leg := range o.Legs {
		if !leg.Instrument.IsOption() || leg.Ratio == 0 {
			continue
		}
		layer := layerOfLeg(snap, leg)
		if layer == "" {
			continue
		}
		gl, ok := guardLayer(snap, layer, rate)
		if !ok {
			continue
		}
		gl.Tactical = tactical[layer]
		ol := hedge.Leg{Symbol: leg.Symbol, Right: leg.Instrument.Right, Strike: leg.Instrument.Strike,
			Expiry: leg.Instrument.Expiry, Quantity: float64(leg.Ratio * o.Quantity), Multiplier: leg.Instrument.Multiplier}
		if ol.Multiplier <= 0 {
			ol.Multiplier = 100
		}
		for _, p := range snap.Positions {
			if p.Symbol == leg.Symbol && p.Risk.Err == nil {
				ol = guardLeg(p)
				ol.Quantity = float64(leg.Ratio * o.Quantity)
			}
		}
		v, err := hedge.SpiralGuard{}.Check(gl, ol, override)
		if err != nil {
			return nil, fmt.Errorf("spiral guard, %s: %w", leg.Symbol, err)
		}
		if v.Stop || v.Overridden {
			out = append(out, SpiralStop{Layer: layer, Symbol: leg.Symbol, Verdict: v})
		}
	}
	return out, nil
}

// layerOfLeg is the layer an order leg trades in ("" when none): a held symbol's layer; for a
// new one the first configured layer whose underlyings list it, else the layer holding
// options on the same underlying. A new trade is filed under it (Filing.Default).
func layerOfLeg(snap *Snapshot, leg brokers.Leg) string {
	for _, p := range snap.Positions {
		if p.Symbol == leg.Symbol {
			return p.Risk.Layer
		}
	}
	if ls := listingLayers(snap, leg.Instrument, leg.Symbol); len(ls) > 0 {
		return ls[0]
	}
	under := underlyingSymbol(leg.Instrument)
	for _, p := range snap.Positions {
		if p.Instrument.IsOption() && underlyingSymbol(p.Instrument) == under && p.Risk.Layer != "" {
			return p.Risk.Layer
		}
	}
	return ""
}

// guardLayer is what the spiral guard sees of one layer: its valued option legs, each at
// its own underlying's price and beta.
func guardLayer(snap *Snapshot, layer string, rate float64) (hedge.Layer, bool) {
	gl := hedge.Layer{Name: layer, Rate: rate, Now: snap.Time}
	var strikes []float64
	for _, p := range snap.Positions {
		r := p.Risk
		if r.Layer != layer || !p.Instrument.IsOption() || r.Err != nil || p.Quantity == 0 || !(r.UnderlyingPrice > 0) {
			continue
		}
		gl.Legs = append(gl.Legs, guardLeg(p))
		strikes = append(strikes, p.Instrument.Strike)
	}
	gl.StrikeStep = strikeStep(strikes)
	return gl, len(gl.Legs) > 0
}

// guardLeg is a valued option position as the spiral guard weighs it: its per-unit delta
// at its own underlying's price, with the portfolio's beta to the benchmark (leverage
// included), so its position delta is the portfolio's BetaDollarDelta. An underlying with
// no benchmark (beta 0: crude, gold) counts its own dollars (beta 1).
func guardLeg(p Position) hedge.Leg {
	r := p.Risk
	beta := r.Beta
	if beta == 0 {
		beta = 1
	}
	return hedge.Leg{Symbol: p.Symbol, Right: p.Instrument.Right, Strike: p.Instrument.Strike, Expiry: p.Instrument.Expiry,
		Quantity: float64(p.Quantity), Delta: r.Greeks.Delta, Multiplier: p.Instrument.Multiplier,
		Spot: r.UnderlyingPrice, Vol: r.Vol, Beta: beta}
}

// strikeStep guesses the listed strike spacing from the strikes held: the largest of the
// usual steps (5, 1) that divides them all; 0 when none does.
func strikeStep(strikes []float64) float64 {
	for _, step := range []float64{5, 1} {
		ok := len(strikes) > 0
		for _, k := range strikes {
			if math.Abs(k/step-math.Round(k/step)) > 1e-9 {
				ok = false
			}
		}
		if ok {
			return step
		}
	}
	return 0
}

// guardCheck runs the spiral guard for Check and Place: the stopped legs of o, or the
// overridden ones when override is given.
func (s *Service) guardCheck(o brokers.Order, override *hedge.Override) ([]SpiralStop, error) {
	if s.autoJudged(o.ClientID) { // an automated order: its rule ran the guard on its own layer
		return nil, nil
	}
	return spiral(s.Latest(), o, override, s.cfg.Rate, s.tacticalExposure())
}

// OrderWords is an order in words: "sell 2 SPY 261224C00688000", legs joined by " and ".
func OrderWords(o brokers.Order) string {
	var parts []string
	for _, l := range o.Legs {
		n := l.Ratio * o.Quantity
		side := "buy"
		if n < 0 {
			side, n = "sell", -n
		}
		parts = append(parts, fmt.Sprintf("%s %d %s", side, n, strings.Join(strings.Fields(l.Symbol), " ")))
	}
	return strings.Join(parts, " and ")
}

// legsKey is o's legs as the journal matches checklist proposals.
func legsKey(o brokers.Order) string {
	m := map[string]int64{}
	for _, l := range o.Legs {
		m[l.Symbol] += l.Ratio * o.Quantity
	}
	return data.LegsKey(m)
}

// journalGuard records a guard stop or override (best effort: a journal failure becomes a
// snapshot problem, never a lost order decision). It returns the event ids.
func (s *Service) journalGuard(ctx context.Context, kind string, o brokers.Order, stops []SpiralStop, reason string) []int64 {
	j := s.cfg.Journal
	if j == nil {
		return nil
	}
	var ids []int64
	for _, st := range stops {
		id, err := j.RecordGuardEvent(ctx, data.GuardEvent{Book: s.Book(), At: s.marketNow(), Kind: kind, Layer: st.Layer,
			Words: OrderWords(o), Reason: st.Verdict.Reason, Alternative: st.Verdict.Alternative, Override: reason})
		if err != nil {
			msg := "could not record the spiral guard's " + kind + ": " + err.Error()
			s.post(func() { s.addProblem("journal", msg); s.st.dirty = true })
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

// marketNow is the desk's market time (the simulated clock's for the paper broker).
func (s *Service) marketNow() time.Time {
	if c, ok := s.broker.(brokers.SimulatedClock); ok {
		return c.Clock().Now
	}
	return s.cfg.Wall()
}

// PlaceWithOverride sends an order the spiral guard stops, with the trader's written reason
// (at least hedge.MinOverrideReason characters). The other pre-trade checks still apply.
// The override and the order it became are journaled.
func (s *Service) PlaceWithOverride(ctx context.Context, o brokers.Order, reason string) (brokers.OrderStatus, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) < hedge.MinOverrideReason {
		return brokers.OrderStatus{}, ErrOverrideReason
	}
	return s.place(ctx, o, &hedge.Override{Reason: reason})
}

// SizeWindow is how far back the size monitor looks.
const SizeWindow = 30 * 24 * time.Hour

// SizeSampleEvery is how much market time passes between two size samples of a layer.
const SizeSampleEvery = 5 * time.Minute

// layerSizes measures every layer with options in snap: gross contracts and imbalance.
func layerSizes(snap *Snapshot, rate float64) []data.LayerSize {
	var out []data.LayerSize
	for _, l := range snap.Book.Layers {
		gl, ok := guardLayer(snap, l.Layer.Name, rate)
		if !ok {
			continue
		}
		b := gl.Balance()
		out = append(out, data.LayerSize{Layer: l.Layer.Name, At: snap.Time.Truncate(time.Second), Contracts: l.Contracts, Imbalance: b.Imbalance})
	}
	return out
}

// RecordLayerSizes samples each layer's contract count and imbalance from snap into the
// journal, for the size monitor.
func (s *Service) RecordLayerSizes(ctx context.Context, snap *Snapshot) error {
	if s.cfg.Journal == nil || snap == nil || !snap.Synced || snap.Book.Now.IsZero() {
		return nil
	}
	sizes := layerSizes(snap, s.cfg.Rate)
	if len(sizes) == 0 {
		return nil
	}
	return s.cfg.Journal.RecordLayerSizes(ctx, s.Book(), sizes)
}

// WatchLayerSizes samples the layers' sizes every SizeSampleEvery of market time until ctx
// ends or the desk closes. Run it on its own goroutine.
func (s *Service) WatchLayerSizes(ctx context.Context) {
	var last time.Time
	s.eachSnapshot(ctx, func(snap *Snapshot) {
		if !snap.Synced || snap.Book.Now.IsZero() || snap.Time.Sub(last) < SizeSampleEvery {
			return
		}
		if err := s.RecordLayerSizes(ctx, snap); err != nil {
			if errors.Is(err, context.Canceled) {
				return // the watch is ending
			}
			msg := "could not record the layers' sizes: " + err.Error()
			s.post(func() { s.addProblem("journal", msg); s.st.dirty = true })
			return
		}
		last = snap.Time
		alerts, err := s.SizeAlerts(ctx, snap.Time)
		if err != nil {
			msg := "could not check the layers' sizes: " + err.Error()
			s.post(func() { s.addProblem("journal", msg); s.st.dirty = true })
			return
		}
		s.post(func() { s.st.sizeAlerts = alerts; s.st.dirty = true })
	})
}

// SizeAlerts runs the size monitor on every layer's samples of the last SizeWindow before
// now: an alert (the monitor's, as it is: kind portfolio.AlertLayerSize) when a layer's
// contract count grew while its call/put imbalance persisted.
func (s *Service) SizeAlerts(ctx context.Context, now time.Time) ([]portfolio.Alert, error) {
	j := s.cfg.Journal
	if j == nil {
		return nil, nil
	}
	layers, err := j.Layers(ctx, s.Book())
	if err != nil {
		return nil, err
	}
	var out []portfolio.Alert
	for _, l := range layers {
		rows, err := j.LayerSizes(ctx, s.Book(), l.Name, now.Add(-SizeWindow))
		if err != nil {
			return nil, err
		}
		samples := make([]hedge.SizeSample, len(rows))
		for i, r := range rows {
			samples[i] = hedge.SizeSample{At: r.At, Contracts: r.Contracts, Imbalance: r.Imbalance}
		}
		sort.SliceStable(samples, func(a, b int) bool { return samples[a].At.Before(samples[b].At) })
		a, alert, err := hedge.SizeMonitor{}.Check(l.Name, samples)
		if err != nil {
			return nil, fmt.Errorf("size monitor, %s: %w", l.Name, err)
		}
		if alert {
			out = append(out, a)
		}
	}
	return out, nil
}

// sameFuturesFamily: a future of the ES family when the book holds ES-family positions.
func sameFuturesFamily(snap *Snapshot, in instrument.Instrument) bool {
	fam := func(root string) string { return strings.TrimPrefix(root, "M") }
	for _, p := range snap.Positions {
		if p.Instrument.Kind == instrument.Future || p.Instrument.Kind == instrument.FuturesOption {
			if fam(p.Instrument.Root) == fam(in.Root) {
				return true
			}
		}
	}
	return false
}
