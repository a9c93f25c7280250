package desk

import (
	"errors"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/roll"
)

// The book after a roll is the book before plus the roll's legs: each symbol's quantity
// changes by exactly its legs' signed quantities (buy +, sell −), a closed-out position
// leaves the book, a new leg joins the rolled layer, and a leg that does not close what
// the book holds is refused.
func TestApplyRollIsBeforePlusLegs(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, instrument.NewYork)
	parse := func(sym string) instrument.Instrument {
		in, err := instrument.Parse(sym, now)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	const (
		put    = "SPY   261218P00640000"
		call   = "SPY   261218C00720000"
		newPut = "SPY   270115P00660000"
	)
	before := []portfolio.Position{
		{ID: "SPY", Instrument: instrument.Instrument{Kind: instrument.Stock, Root: "SPY", Multiplier: 1}, Quantity: 100},
		{ID: put, Instrument: parse(put), Quantity: -2, Layer: "Core"},
		{ID: call, Instrument: parse(call), Quantity: -2, Layer: "Core"},
	}
	lookup := func(sym string) (instrument.Instrument, error) {
		if sym != newPut {
			return instrument.Instrument{}, errors.New("unknown " + sym)
		}
		return parse(sym), nil
	}
	leg := func(sym string, side roll.Side, eff roll.Effect, q int64) roll.Leg {
		return roll.Leg{Symbol: sym, Side: side, Effect: eff, Quantity: q}
	}
	for _, tc := range []struct {
		name    string
		legs    []roll.Leg
		wantErr bool
	}{
		{"roll the put closer, same size", []roll.Leg{leg(put, roll.Buy, roll.Close, 2), leg(newPut, roll.Sell, roll.Open, 2)}, false},
		{"roll part of the put, fewer contracts", []roll.Leg{leg(put, roll.Buy, roll.Close, 2), leg(newPut, roll.Sell, roll.Open, 1)}, false},
		{"close one call only", []roll.Leg{leg(call, roll.Buy, roll.Close, 1)}, false},
		{"add to a held leg", []roll.Leg{leg(call, roll.Sell, roll.Open, 1)}, false},
		{"close what is not held", []roll.Leg{leg(newPut, roll.Buy, roll.Close, 1)}, true},
		{"close more than held", []roll.Leg{leg(put, roll.Buy, roll.Close, 3)}, true},
		{"close on the wrong side", []roll.Leg{leg(put, roll.Sell, roll.Close, 1)}, true},
		{"no quantity", []roll.Leg{leg(put, roll.Buy, roll.Close, 0)}, true},
		{"an unknown new leg", []roll.Leg{leg("SPY   270115P00600000", roll.Sell, roll.Open, 1)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig := append([]portfolio.Position(nil), before...)
			after, err := ApplyRoll(before, "Core", tc.legs, lookup)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("no error; after %+v", after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]float64{}
			for _, p := range before {
				want[p.ID] += p.Quantity
			}
			for _, l := range tc.legs {
				q := float64(l.Quantity)
				if l.Side == roll.Sell {
					q = -q
				}
				want[l.Symbol] += q
			}
			got := map[string]float64{}
			for _, p := range after {
				if p.Quantity == 0 {
					t.Errorf("%s is flat but still in the book", p.ID)
				}
				got[p.ID] += p.Quantity
				if p.ID == newPut && (p.Layer != "Core" || p.Instrument.Strike != 660) {
					t.Errorf("new leg %+v, want strike 660 in layer Core", p)
				}
			}
			for sym, q := range want {
				if got[sym] != q {
					t.Errorf("%s: %g after, want %g (before + legs)", sym, got[sym], q)
				}
			}
			for sym := range got {
				if _, ok := want[sym]; !ok {
					t.Errorf("%s appeared from nowhere", sym)
				}
			}
			for i := range before {
				if before[i] != orig[i] {
					t.Errorf("the positions before were changed: %+v", before[i])
				}
			}
		})
	}
}
