package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/roll"
)

// RollTarget names what to plan rolls for: one position (by symbol), or every short option
// of a layer, or (both empty) every short option of the book.
type RollTarget struct {
	Position string
	Layer    string
}

// RollSettings are the roll planner's rules: the trader's window, debit rule and weights
// (Settings → Roll planner) with the desk's liquidity rules.
func (s *Service) RollSettings() roll.Settings {
	rs := roll.DefaultSettings()
	rp := DefaultRollPlannerSettings()
	if p := s.rollPlanner.Load(); p != nil {
		rp = *p
	}
	rp.applyTo(&rs)
	rs.Liquidity = s.LiquiditySettings().Rules
	return rs
}

// RollPlannerSettings are the roll planner's settings the trader edits: new legs expire
// more than RollByDays and at most MaxDays calendar days out; AllowDebit lists rolls that
// cost a debit at mid; Weights score the candidates (see engine/roll).
type RollPlannerSettings struct {
	RollByDays float64      `json:"roll_by_days"`
	MaxDays    float64      `json:"max_days"`
	AllowDebit bool         `json:"allow_debit"`
	Weights    roll.Weights `json:"weights"`
}

// DefaultRollPlannerSettings are the planner's defaults: roll or close by 7 days (the
// guide's), at most 60, credit only, engine/roll's weights.
func DefaultRollPlannerSettings() RollPlannerSettings {
	d := roll.DefaultSettings()
	return RollPlannerSettings{RollByDays: d.RollByDays, MaxDays: d.MaxDays, AllowDebit: d.AllowDebit, Weights: d.Weights}
}

func (r RollPlannerSettings) applyTo(rs *roll.Settings) {
	rs.RollByDays, rs.MaxDays, rs.AllowDebit, rs.Weights = r.RollByDays, r.MaxDays, r.AllowDebit, r.Weights
}

// Validate says what is wrong with r, as the planner checks it.
func (r RollPlannerSettings) Validate() error {
	rs := roll.DefaultSettings()
	r.applyTo(&rs)
	return rs.Validate()
}

// SetRollPlanner makes r the roll planner's settings from the next plan on.
func (s *Service) SetRollPlanner(r RollPlannerSettings) { s.rollPlanner.Store(&r) }

// ErrNoShortOption says a roll target holds no short option to plan.
var ErrNoShortOption = errors.New("nothing to roll")

// PlanRolls plans the rolls of target on the latest snapshot: the chains of every
// underlying of the same product (for futures options, every futures month of the root
// whose options can expire in the window) expiring inside the planner's window, plus each
// position's own expiry. It calls the broker once per chain: run it off the UI goroutine.
func (s *Service) PlanRolls(ctx context.Context, target RollTarget) ([]roll.Plan, error) {
	snap := s.Latest()
	if snap == nil || !snap.Synced {
		return nil, errors.New("the desk has not loaded the book yet")
	}
	rs := s.RollSettings()
	position := -1 // the target position's index, found as the planner finds it
	if target.Position != "" {
		i, err := roll.Find(&snap.Book, target.Position)
		if err != nil {
			return nil, err
		}
		position = i
	}
	if target.Layer != "" && !slices.ContainsFunc(snap.Book.Layers, func(l portfolio.LayerRisk) bool { return l.Name == layerName(target.Layer) }) {
		return nil, fmt.Errorf("the book has no layer %q", target.Layer)
	}
	var held []portfolio.PositionRisk
	for i, p := range snap.Book.Positions {
		if !p.Instrument.IsOption() || !(p.Quantity < 0) {
			continue
		}
		switch {
		case position >= 0 && i != position:
			continue
		case target.Layer != "" && layerName(p.Layer) != layerName(target.Layer):
			continue
		}
		held = append(held, p)
	}
	if len(held) == 0 {
		switch {
		case target.Position != "":
			return nil, fmt.Errorf("%s is not a short option: %w", target.Position, ErrNoShortOption)
		case target.Layer != "":
			return nil, fmt.Errorf("layer %s holds no short option: %w", target.Layer, ErrNoShortOption)
		}
		return nil, fmt.Errorf("the book holds no short option: %w", ErrNoShortOption)
	}
	m, err := s.rollMarket(ctx, snap, held, rs)
	if err != nil {
		return nil, err
	}
	switch {
	case target.Position != "":
		p, err := roll.PlanPosition(snap.Book, target.Position, m, rs)
		if err != nil {
			return nil, err
		}
		return []roll.Plan{p}, nil
	case target.Layer != "":
		return roll.PlanLayer(snap.Book, target.Layer, m, rs)
	}
	return roll.PlanAll(snap.Book, m, rs)
}

func layerName(l string) string {
	if l == "" {
		return portfolio.Unassigned
	}
	return l
}

// rollMarket fetches the chains the planner may roll held into.
func (s *Service) rollMarket(ctx context.Context, snap *Snapshot, held []portfolio.PositionRisk, rs roll.Settings) (roll.Market, error) {
	now := snap.Time
	if now.IsZero() {
		now = s.marketNow()
	}
	first, last := now.Add(time.Duration(rs.RollByDays*24)*time.Hour), now.Add(time.Duration(rs.MaxDays*24)*time.Hour)
	own := map[string][]time.Time{} // underlying → the held expiries on it
	var unders []string
	other := map[string]bool{} // futures months no held option is on
	addUnder := func(u string) {
		if u != "" && !slices.Contains(unders, u) {
			unders = append(unders, u)
		}
	}
	for _, h := range held {
		u := underlyingSymbol(h.Instrument)
		addUnder(u)
		delete(other, u)
		own[u] = append(own[u], h.Instrument.Expiry)
		if h.Instrument.Kind != instrument.FuturesOption {
			continue
		}
		// Every futures month of the root whose options can expire in the window: from the
		// front contract at the window's start to the first one trading past its end (ES
		// options on ESH7 may roll closer in time to ones on ESZ6, and back).
		for at := first; ; {
			y, mo, err := instrument.NextContract(h.Instrument.Root, at)
			if err != nil {
				break
			}
			if m := instrument.FormatFutures(h.Instrument.Root, y, mo); !slices.Contains(unders, m) {
				addUnder(m)
				other[m] = true
			}
			exp, err := instrument.FuturesExpiry(h.Instrument.Root, y, mo)
			if err != nil || exp.After(last) {
				break
			}
			at = exp
		}
	}
	m := roll.Market{DividendYield: s.cfg.DividendYield}
	for _, u := range unders {
		exps, err := s.broker.Expirations(ctx, u)
		if err != nil && other[u] {
			continue // a month the broker does not list options on: nothing to roll into there
		}
		if err != nil {
			return roll.Market{}, fmt.Errorf("expiries of %s: %w", u, err)
		}
		for _, e := range exps {
			inWindow := e.After(first) && !e.After(last)
			if !inWindow && !slices.ContainsFunc(own[u], e.Equal) {
				continue
			}
			c, err := s.broker.Chain(ctx, u, e)
			if err != nil {
				return roll.Market{}, fmt.Errorf("chain %s %s: %w", u, e.Format(time.DateOnly), err)
			}
			m.Chains = append(m.Chains, brokers.LiquidityChain(c))
		}
	}
	return m, nil
}

// SpiralStops are the legs of o the spiral guard stops on the latest snapshot (none when it
// lets o through): the ticket offers to plan a roll instead of adding size.
func (s *Service) SpiralStops(o brokers.Order) []SpiralStop {
	_, stops := s.check(o, nil)
	return stops
}

// RollOrder is candidate c as one order: every leg (close and open) with its ratio, one
// unit, a day limit order whose price the ticket suggests at the mid. It looks the legs'
// instruments up: run it off the UI goroutine. Nothing is sent: the ticket shows it for the
// trader to confirm.
func (s *Service) RollOrder(ctx context.Context, c roll.Candidate) (brokers.Order, error) {
	o := brokers.Order{Quantity: 1, Type: brokers.Limit, TIF: brokers.Day,
		Note: fmt.Sprintf("roll (%s): %s", c.Shape, c.Why)}
	for _, l := range c.Legs {
		in, err := s.broker.Lookup(ctx, l.Symbol)
		if err != nil {
			return brokers.Order{}, fmt.Errorf("look up %s: %w", l.Symbol, err)
		}
		r := l.Quantity
		if l.Side == roll.Sell {
			r = -r
		}
		o.Legs = append(o.Legs, brokers.Leg{Symbol: l.Symbol, Instrument: in, Ratio: r})
	}
	if len(o.Legs) == 0 {
		return brokers.Order{}, errors.New("the roll has no legs")
	}
	return o, nil
}
