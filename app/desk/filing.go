package desk

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
)

// Filing says where the positions an order opens are filed: Symbols are its legs on
// instruments the book does not hold yet; Layers the configured layers whose underlyings list
// theirs, in the layers' order; Default the layer Keel files them under — the one the spiral
// guard weighs them in — or "" (Unassigned) when no layer claims them.
type Filing struct {
	Symbols []string
	Layers  []string
	Default string
}

// Ask says whether the trader should choose: more than one layer lists the underlying.
func (f Filing) Ask() bool { return len(f.Layers) > 1 }

// FilingOf is where o's new positions would be filed on the latest snapshot.
func (s *Service) FilingOf(o brokers.Order) Filing { return filingOf(s.Latest(), o) }

func filingOf(snap *Snapshot, o brokers.Order) Filing {
	var f Filing
	if snap == nil {
		return f
	}
	for _, leg := range o.Legs {
		if leg.Symbol == "" || leg.Ratio == 0 || held(snap, leg.Symbol) {
			continue
		}
		f.Symbols = append(f.Symbols, leg.Symbol)
		for _, l := range listingLayers(snap, leg.Instrument, leg.Symbol) {
			if !slices.Contains(f.Layers, l) {
				f.Layers = append(f.Layers, l)
			}
		}
		if f.Default == "" {
			f.Default = layerOfLeg(snap, leg)
		}
	}
	return f
}

func held(snap *Snapshot, symbol string) bool {
	for _, p := range snap.Positions {
		if p.Symbol == symbol && p.Quantity != 0 {
			return true
		}
	}
	return false
}

// listingLayers are the configured layers whose underlyings list in's: its root (ES for an
// ES option or future), its underlying's symbol (ESZ6, SPY) or, for shares, the symbol itself
// — the rule the layers window's "outside the layer's underlyings" alert applies.
func listingLayers(snap *Snapshot, in instrument.Instrument, symbol string) []string {
	names := []string{in.Root, underlyingSymbol(in)}
	if !in.IsOption() {
		names = append(names, symbol)
	}
	var out []string
	for _, l := range snap.Book.Layers {
		if !l.Configured {
			continue
		}
		for _, u := range l.Layer.Underlyings {
			u = strings.TrimPrefix(strings.TrimSpace(u), "/")
			if slices.ContainsFunc(names, func(n string) bool {
				return n != "" && strings.EqualFold(strings.TrimPrefix(n, "/"), u)
			}) {
				out = append(out, l.Name)
				break
			}
		}
	}
	return out
}

// PlaceFiled is Place, filing the positions the order opens (f.Symbols) under layer ("" leaves
// them Unassigned). They are filed before the order goes out, so its fill never shows in
// Unassigned for a moment, and put back when the order is not placed. It returns the layer
// they were filed under.
func (s *Service) PlaceFiled(ctx context.Context, o brokers.Order, f Filing, layer string) (brokers.OrderStatus, string, error) {
	if layer == "" || len(f.Symbols) == 0 {
		st, err := s.Place(ctx, o)
		return st, "", err
	}
	if err := s.MovePositions(ctx, f.Symbols, layer); err != nil {
		st, perr := s.Place(ctx, o)
		if perr != nil {
			return st, "", perr
		}
		s.NoteProblem("journal", "the new trade could not be filed under "+layer+": "+err.Error())
		return st, "", nil
	}
	st, err := s.Place(ctx, o)
	var check *CheckError
	var rejected *brokers.RejectedError
	if errors.As(err, &check) || errors.As(err, &rejected) {
		// Certainly not placed (a timeout may still have reached the broker: keep the filing).
		if uerr := s.MovePositions(context.WithoutCancel(ctx), f.Symbols, ""); uerr != nil {
			s.NoteProblem("journal", "could not unfile "+strings.Join(f.Symbols, ", ")+": "+uerr.Error())
		}
		return st, "", err
	}
	return st, layer, err
}
