package lifecycle

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/automation"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/engine/sim"
)

// simSeed is the market the walk runs on. Running walkDeepITM over seeds 1 to 12, ten
// complete within 60 trading days; on seeds 3 and 12 the future has not come back through
// its breakeven by then (the test would fail on them with "stopped at future").
const simSeed = 1

func fromSim(q sim.Quote) liquidity.Quote {
	return liquidity.Quote{Symbol: q.Symbol, Instrument: q.Instrument, Bid: q.Bid, Ask: q.Ask, BidSize: q.BidSize,
		AskSize: q.AskSize, Volume: q.Volume, OpenInterest: q.OpenInterest, Underlying: q.Underlying, IV: q.IV}
}

// walkLog is what the walk did, for the test to check.
type walkLog struct {
	track        *Track
	deepAt       time.Time
	deep         Assessment
	reEntry      ReEntry
	hedges       int
	gate         []automation.Verdict
	exitPrice    float64
	reEntryTries int
}

// walkDeepITM sells 2 ES puts on the simulated market about 2% in the money on the first
// Friday-weekly PM expiry more than 10 days out, and walks them daily at 10:00 New York
// through the lifecycle: assessed each day; let be assigned when deep ITM; exercised at
// expiry into the future they deliver; the future managed each half hour (the layer's fixed
// band, and the profit exit 4 ticks beyond the breakeven); then the re-entry of 2 puts (the
// layer's 2 calls are still held). Automated orders pass the guardrails' gate.
func walkDeepITM(seed uint64, maxDays int) (walkLog, error) {
	start := time.Date(2026, 11, 2, 9, 30, 0, 0, instrument.NewYork)
	m, err := sim.New(sim.Config{Seed: seed, Start: start})
	if err != nil {
		return walkLog{}, err
	}
	at := func(d time.Time, h, min int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), h, min, 0, 0, instrument.NewYork)
	}
	m.Advance(at(m.Now(), 10, 0))
	// The put: the first PM expiry more than 10 days out on the front future.
	var exp time.Time
	fut := ""
	for _, u := range m.Underlyings() {
		if u.Kind == instrument.Future && u.Root == "ES" {
			fut = u.Symbol()
			break
		}
	}
	for _, e := range m.Expirations(fut) {
		if e.Sub(m.Now()) > 10*24*time.Hour {
			exp = e
			break
		}
	}
	if exp.IsZero() {
		return walkLog{}, fmt.Errorf("no expiry on %s", fut)
	}
	var put sim.Quote
	for _, q := range m.Chain(fut, exp) {
		if q.Instrument.Right == pricing.Put && q.Instrument.Strike >= q.Underlying*1.02 {
			put = q
			break
		}
	}
	if put.Symbol == "" || put.Instrument.Style != pricing.European {
		return walkLog{}, fmt.Errorf("no European put 2%% in the money on %s %s", fut, exp)
	}
	s := DefaultSettings()
	tr, err := NewTrack("put", "ES strangle", put.Symbol, put.Instrument, 2, put.Bid)
	if err != nil {
		return walkLog{}, err
	}
	log := walkLog{track: tr}
	gate, err := automation.NewGate(automation.DefaultLimits())
	if err != nil {
		return walkLog{}, err
	}
	day := m.Now()
	for _, k := range automation.Kinds() {
		if err := gate.Arm("ES strangle", k, day); err != nil {
			return walkLog{}, err
		}
	}
	orders := 0
	send := func(a automation.Action) bool {
		orders++
		a.Layer, a.ClientOrderID = "ES strangle", fmt.Sprintf("es-strangle-%s-%d", tr.ID, orders)
		v := gate.Send(a)
		log.gate = append(log.gate, v)
		gate.Done(a.ClientOrderID) // the paper account fills at once
		return v.Allowed
	}
	policy := hedge.FixedBand{Width: 1} // ±1 ES contract of delta
	mes := hedge.Instrument{Name: "MES", Lots: []hedge.Lot{{Symbol: "MES", Delta: 0.1, Commission: 1.5}}}
	for d := 0; d < maxDays; d++ {
		if d > 0 {
			day = m.NextOpen(at(day, 17, 0))
			m.Advance(at(day, 10, 0))
		}
		now := m.Now()
		switch tr.Stage {
		case Options, Tested, DeepITM, AwaitingAssignment:
			if !now.Before(tr.Option.Expiry) {
				break
			}
			q, err := m.Quote(tr.Symbol)
			if err != nil {
				return log, err
			}
			g, err := pricing.Value(pricing.Option{Style: pricing.European, Underlying: pricing.Futures, Right: pricing.Put,
				Spot: q.Underlying, Strike: tr.Option.Strike, Years: instrument.YearFraction(now, tr.Option.Expiry), Rate: m.Rate(), Vol: q.IV})
			if err != nil {
				return log, err
			}
			a, err := Assess(Option{ID: tr.ID, Quote: fromSim(q), Quantity: -tr.Contracts, Delta: g.Delta, Rate: m.Rate(), Now: now}, s)
			if err != nil {
				return log, err
			}
			if _, err := tr.Observe(a, now); err != nil {
				return log, err
			}
			if tr.Stage == DeepITM && a.Action == LetAssign {
				log.deepAt, log.deep = now, a
				if _, err := tr.LetAssign(a, now, LayerCount{Calls: 2, Puts: 2}); err != nil {
					return log, err
				}
			}
		}
		// Expiry: a European PM ES option is exercised into the future at its strike when in
		// the money at the 16:00 settlement.
		if tr.Stage == Options || tr.Stage == Tested || tr.Stage == DeepITM || tr.Stage == AwaitingAssignment {
			if e := tr.Option.Expiry; !at(day, 16, 0).Before(e) {
				m.Advance(e)
				f, err := m.Price(tr.Option.Underlying)
				if err != nil {
					return log, err
				}
				if tr.Stage != AwaitingAssignment {
					tr.SetBefore(LayerCount{Calls: 2, Puts: 2}) // no let-assign decision recorded the layer
				}
				if f < tr.Option.Strike {
					if _, err := tr.Assigned(e, tr.Contracts, tr.Option.Strike); err != nil {
						return log, err
					}
				} else if _, err := tr.Expired(e, f); err != nil {
					return log, err
				}
			}
			continue
		}
		if tr.Stage == Future {
			// Each half hour of the session: the profit exit, else the layer's hedging policy.
			for t := at(day, 10, 0); t.Before(at(day, 15, 30)) && tr.Stage == Future; t = t.Add(30 * time.Minute) {
				m.Advance(t)
				q, err := m.Quote(tr.Held.Symbol)
				if err != nil {
					return log, err
				}
				// The layer's delta in ES contracts: long 2 from the assignment and its 2 short
				// calls, taken at −0.3 each (the walk does not value them).
				in := hedge.Input{Now: t, Delta: tr.Held.Units - 0.6, Spot: q.Mid(), Hedge: mes}
				st, err := tr.Manage(t, q.Bid, s, policy, in)
				if err != nil {
					return log, err
				}
				if st.Hedge != nil && st.Hedge.Hedge {
					log.hedges++
				}
				if st.Exit {
					if !send(automation.Action{At: t, Kind: automation.LetAssign, Symbol: st.Order.Symbol, Side: st.Order.Side,
						Quantity: st.Order.Quantity, Contracts: st.Order.Quantity, LayerContracts: 2, Reduces: true, Rule: "profit exit", Inputs: st.Numbers}) {
						return log, errors.New("the gate blocked the profit exit: " + log.gate[len(log.gate)-1].Why())
					}
					log.exitPrice = q.Bid
					if _, err := tr.Closed(t, q.Bid); err != nil {
						return log, err
					}
				}
			}
			continue
		}
		if tr.Stage == ReEnter {
			// Each hour: plan the re-entry; wait while its legs fail the liquidity checklist
			// (the day's volume builds through the session).
			for t := at(day, 10, 0); t.Before(at(day, 15, 30)); t = t.Add(time.Hour) {
				m.Advance(t)
				var chains []liquidity.Chain
				for _, u := range m.Underlyings() {
					if u.Kind != instrument.Future || u.Root != "ES" {
						continue
					}
					for _, e := range m.Expirations(u.Symbol()) {
						ch := liquidity.Chain{Underlying: u.Symbol(), Expiry: e}
						for _, q := range m.Chain(u.Symbol(), e) {
							ch.Quotes = append(ch.Quotes, fromSim(q))
							ch.Price = q.Underlying
						}
						chains = append(chains, ch)
					}
				}
				re, err := PlanReEntry(chains, ReEntryRequest{Layer: tr.Layer, Need: tr.Need(LayerCount{Calls: 2}), Now: t, Rate: m.Rate()}, s)
				if err != nil {
					return log, err
				}
				log.reEntryTries++
				if re.Liquidity == liquidity.Fail {
					continue
				}
				for _, l := range re.Legs {
					if !send(automation.Action{At: t, Kind: automation.ReEntry, Symbol: l.Symbol, Side: string(l.Side), Quantity: float64(l.Quantity),
						Contracts: float64(l.Quantity), LayerContracts: 2 + float64(l.Quantity), Rule: "re-entry", Liquidity: &l.Liquidity}) {
						return log, errors.New("the gate blocked the re-entry: " + log.gate[len(log.gate)-1].Why())
					}
				}
				log.reEntry = re
				if _, err := tr.ReEntered(t, re); err != nil {
					return log, err
				}
				return log, nil
			}
			continue
		}
	}
	return log, fmt.Errorf("seed %d: the walk stopped at %s after %d days", seed, tr.Stage, maxDays)
}

// TestDeepITMWalkOnSimulatedMarket is the engine's end-to-end walk: let-assign → future →
// profit exit → re-entry, on the simulated market with a fixed seed, no app code.
func TestDeepITMWalkOnSimulatedMarket(t *testing.T) {
	log, err := walkDeepITM(simSeed, 60)
	if err != nil {
		t.Fatal(err)
	}
	tr := log.track
	var stages []Stage
	for _, h := range tr.History {
		stages = append(stages, h.To)
		t.Logf("%s  %s → %s: %s", h.At.Format("2006-01-02 15:04"), h.From, h.To, h.Reason)
	}
	// The walk must pass through these, in order (tested may or may not come first).
	want := []Stage{DeepITM, AwaitingAssignment, Future, ReEnter, Options}
	j := 0
	for _, s := range stages {
		if j < len(want) && s == want[j] {
			j++
		}
	}
	if j != len(want) {
		t.Fatalf("stages %v do not contain %v in order", stages, want)
	}
	d := log.deep
	if d.Liquidity.Verdict != liquidity.Fail || math.Abs(d.Numbers["delta"]) < 0.8 || d.Assignment.Into != Future || d.Assignment.Deliverable != tr.Option.Underlying {
		t.Fatalf("deep ITM assessment %+v", d)
	}
	h := tr.Held
	if h.Units != 2 || h.Price != tr.Option.Strike || math.Abs(h.Breakeven-(tr.Option.Strike-tr.Premium)) > 1e-9 {
		t.Fatalf("held %+v (premium %g)", h, tr.Premium)
	}
	if log.exitPrice < h.Breakeven+DefaultSettings().ProfitTicks*h.Tick {
		t.Fatalf("exited at %g, below the profit level %g", log.exitPrice, h.Breakeven+4*h.Tick)
	}
	re := log.reEntry
	if re.Puts != 2 || re.Calls != 0 || len(re.Legs) != 1 || re.Legs[0].Quantity != 2 || re.Legs[0].Right != "put" {
		t.Fatalf("re-entry %+v: 2 puts, the calls are still held", re)
	}
	if re.DTE < 30 || re.DTE > 60 || re.Liquidity == liquidity.Fail {
		t.Fatalf("re-entry %.1f days out, liquidity %s", re.DTE, re.Liquidity)
	}
	for _, v := range log.gate {
		if !v.Allowed {
			t.Fatalf("gate blocked: %s", v.Why())
		}
	}
	t.Logf("deep ITM on %s; %d hedge decisions while holding; exit at %g (breakeven %g); %s",
		log.deepAt.Format("2006-01-02"), log.hedges, log.exitPrice, h.Breakeven, re.Reason)
	// Deterministic: the same seed walks the same way.
	again, err := walkDeepITM(simSeed, 60)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.track.History) != len(tr.History) {
		t.Fatal("the second walk differs")
	}
	for i := range tr.History {
		if tr.History[i].At != again.track.History[i].At || tr.History[i].Reason != again.track.History[i].Reason {
			t.Fatalf("transition %d differs: %+v / %+v", i, tr.History[i], again.track.History[i])
		}
	}
}
