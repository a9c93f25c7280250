package desk

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/roll"
)

// rollProfiler remembers the American prices of the roll profiles apart from the shared
// one the Charts window's profile uses, so that neither makes the other value them again.
var rollProfiler portfolio.Profiler

// rollProfileSpan is how far the roll's risk profile moves the underlying each way (10%).
const rollProfileSpan = 0.10

// RollProfile is the risk profile of a plan's layer as it is and as it would be after one
// roll, valued on the same market: P&L from today's value at each price of what moves, at
// T+0 and at the first expiry of the layer's options before the roll (the same date for
// both, so the curves compare). The roll is taken at mid: its net at mid is the cash that
// replaces the value of the legs, so the after-curves start from the same equity.
type RollProfile struct {
	Layer string
	// Benchmark says the layer holds several underlyings (a roll out to another futures
	// month): every underlying moves by its beta times the benchmark's move, and the X axis
	// is the benchmark's price.
	Benchmark bool
	Against   string  // what moves: the underlying's symbol, or the benchmark's
	Price     float64 // its price today
	Unit      string  // of Price: "$" for stocks and ETFs, "points" for futures
	// Expiry is the date of the at-expiry curves (zero when the layer holds no open option).
	Expiry time.Time
	// Before and After are the curves: Horizons T+0 then the expiry date (as a number of days).
	Before, After portfolio.RiskProfile
	// BeforePositions and AfterPositions are the book's positions before and after the
	// roll's legs are applied.
	BeforePositions, AfterPositions []portfolio.Position
}

// ApplyRoll is positions after legs fill: a closing leg takes its quantity off the
// position of its symbol (removed when flat), an opening leg adds to the position of its
// symbol or opens one in layer. instrumentOf gives the instrument of a symbol the book
// does not hold. The positions are not changed.
func ApplyRoll(positions []portfolio.Position, layer string, legs []roll.Leg,
	instrumentOf func(symbol string) (instrument.Instrument, error)) ([]portfolio.Position, error) {
	out := append([]portfolio.Position(nil), positions...)
	at := func(sym string) int {
		for i, p := range out {
			if p.ID == sym {
				return i
			}
		}
		return -1
	}
	for _, l := range legs {
		if l.Quantity <= 0 {
			return nil, fmt.Errorf("leg %s: quantity %d is not positive", l.Symbol, l.Quantity)
		}
		q := float64(l.Quantity)
		if l.Side == roll.Sell {
			q = -q
		}
		i := at(l.Symbol)
		switch l.Effect {
		case roll.Close:
			if i < 0 {
				return nil, fmt.Errorf("the book holds no %s to close", l.Symbol)
			}
			held := out[i].Quantity
			if held == 0 || (held > 0) == (q > 0) || math.Abs(q) > math.Abs(held) {
				return nil, fmt.Errorf("%s %d %s does not close the %g held", l.Side, l.Quantity, l.Symbol, held)
			}
			out[i].Quantity += q
			if out[i].Quantity == 0 {
				out = append(out[:i], out[i+1:]...)
			}
		case roll.Open:
			if i >= 0 {
				out[i].Quantity += q
				continue
			}
			in, err := instrumentOf(l.Symbol)
			if err != nil {
				return nil, err
			}
			out = append(out, portfolio.Position{ID: l.Symbol, Instrument: in, Quantity: q, Layer: layer})
		default:
			return nil, fmt.Errorf("leg %s: effect %q is neither open nor close", l.Symbol, l.Effect)
		}
	}
	return out, nil
}

// RollProfile draws the risk profile of plan's layer before and after candidate c on the
// latest snapshot. It quotes the legs the book does not hold and looks their instruments
// up: run it off the UI goroutine.
func (s *Service) RollProfile(ctx context.Context, plan roll.Plan, c roll.Candidate) (RollProfile, error) {
	snap := s.Latest()
	if snap == nil || !snap.Synced || len(snap.Book.Positions) == 0 {
		return RollProfile{}, errors.New("the desk has not valued the book yet")
	}
	layer := layerName(plan.Position.Layer)
	before := make([]portfolio.Position, len(snap.Book.Positions))
	for i, p := range snap.Book.Positions {
		before[i] = p.Position
	}
	quotes := make(map[string]brokers.Quote, len(snap.Quotes)+2*len(c.Legs))
	for k, q := range snap.Quotes {
		quotes[k] = q
	}
	instruments := map[string]instrument.Instrument{}
	for _, l := range c.Legs {
		if _, ok := quotes[l.Symbol]; ok && l.Effect == roll.Close {
			continue
		}
		q, err := s.broker.Quote(ctx, l.Symbol)
		if err != nil {
			return RollProfile{}, fmt.Errorf("quote %s: %w", l.Symbol, err)
		}
		quotes[l.Symbol] = q
		in := q.Instrument
		if !in.IsOption() {
			if in, err = s.broker.Lookup(ctx, l.Symbol); err != nil {
				return RollProfile{}, fmt.Errorf("look up %s: %w", l.Symbol, err)
			}
		}
		instruments[l.Symbol] = in
		if u := underlyingSymbol(in); u != "" {
			if _, ok := quotes[u]; !ok {
				uq, err := s.broker.Quote(ctx, u)
				if err != nil {
					return RollProfile{}, fmt.Errorf("quote %s: %w", u, err)
				}
				quotes[u] = uq
			}
		}
	}
	after, err := ApplyRoll(before, plan.Position.Layer, c.Legs, func(sym string) (instrument.Instrument, error) {
		if in, ok := instruments[sym]; ok {
			return in, nil
		}
		return instrument.Instrument{}, fmt.Errorf("no instrument for %s", sym)
	})
	if err != nil {
		return RollProfile{}, err
	}
	return s.rollProfile(snap, quotes, layer, before, after)
}

// rollProfile values before and after on one market and draws the layer's profiles.
func (s *Service) rollProfile(snap *Snapshot, quotes map[string]brokers.Quote, layer string, before, after []portfolio.Position) (RollProfile, error) {
	ids := map[string]bool{}
	var idList []string
	for _, ps := range [][]portfolio.Position{before, after} {
		for _, p := range ps {
			if !ids[p.ID] {
				ids[p.ID] = true
				idList = append(idList, p.ID)
			}
		}
	}
	v := newValuer(s.cfg)
	m := v.market(snap.Time, quotes, idList)
	cfg := portfolio.Config{Benchmark: snap.Book.Benchmark.Symbol, Stocks: s.cfg.Stocks, Workers: 2}
	bb, err := portfolio.Revalue(before, m, cfg)
	if err != nil {
		return RollProfile{}, fmt.Errorf("value the book before the roll: %w", err)
	}
	ab, err := portfolio.Revalue(after, m, cfg)
	if err != nil {
		return RollProfile{}, fmt.Errorf("value the book after the roll: %w", err)
	}
	include := portfolio.InLayer(layer)
	unders := map[string]bool{}
	first := math.Inf(1) // years to the first expiry of the layer's options, before
	count := 0
	for _, b := range []*portfolio.Book{&bb, &ab} {
		for _, p := range b.Positions {
			if !include(p) {
				continue
			}
			if p.Err != nil {
				return RollProfile{}, fmt.Errorf("%s cannot be valued: %w", p.ID, p.Err)
			}
			count++
			unders[p.Underlying] = true
			if b == &bb && p.Instrument.IsOption() && p.Years > 0 {
				first = math.Min(first, p.Years)
			}
		}
	}
	if count == 0 {
		return RollProfile{}, fmt.Errorf("layer %s holds nothing to draw", layer)
	}
	rp := RollProfile{Layer: layer, Benchmark: len(unders) > 1, BeforePositions: before, AfterPositions: after}
	horizons := []portfolio.Horizon{{}}
	if !math.IsInf(first, 1) {
		// Profile counts a horizon in days of 365 from Book.Now, as Years does.
		horizons = append(horizons, portfolio.Horizon{Days: first * 365})
		rp.Expiry = bb.Now.Add(time.Duration(first * 365 * 24 * float64(time.Hour)))
	}
	spec := portfolio.ProfileSpec{Moves: portfolio.Moves(rollProfileSpan, 101), Horizons: horizons,
		Benchmark: rp.Benchmark, Workers: 2}
	if rp.Before, err = rollProfiler.Profile(bb, include, spec); err != nil {
		return RollProfile{}, fmt.Errorf("profile before the roll: %w", err)
	}
	if rp.After, err = rollProfiler.Profile(ab, include, spec); err != nil {
		return RollProfile{}, fmt.Errorf("profile after the roll: %w", err)
	}
	rp.Against, rp.Price, rp.Unit = rp.Before.Against, rp.Before.Price, "$"
	for _, p := range bb.Positions {
		k := p.Instrument.Kind
		if (p.ID == rp.Against && k == instrument.Future) || (p.Underlying == rp.Against && k == instrument.FuturesOption) {
			rp.Unit = "points"
		}
	}
	if rp.After.Against != rp.Against {
		return RollProfile{}, fmt.Errorf("the profiles move different things (%s before, %s after)", rp.Against, rp.After.Against)
	}
	return rp, nil
}
