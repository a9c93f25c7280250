package desk

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
)

// An order's option legs are judged with the guide's rules for the order's size on each
// leg; a failing leg is a pre-trade problem only when the settings block.
func TestLegLiquidityWarnsOrBlocks(t *testing.T) {
	now := time.Date(2026, 11, 18, 15, 0, 0, 0, instrument.NewYork)
	in, err := instrument.Parse("SPY   261218P00660000", now)
	if err != nil {
		t.Fatal(err)
	}
	d := decimal.RequireFromString
	good := brokers.Quote{Symbol: "good", Bid: d("4.00"), Ask: d("4.10"), BidSize: 50, AskSize: 50, Volume: 5000, OpenInterest: 20000}
	// a 20% spread (guide: under 5%) and 50 open interest (guide: over 1,000)
	bad := brokers.Quote{Symbol: "bad", Bid: d("0.90"), Ask: d("1.10"), BidSize: 50, AskSize: 50, Volume: 5000, OpenInterest: 50}
	quotes := map[string]brokers.Quote{"good": good, "bad": bad}
	quote := func(s string) (brokers.Quote, error) {
		q, ok := quotes[s]
		if !ok {
			return brokers.Quote{}, errors.New("no quote")
		}
		return q, nil
	}
	o := brokers.Order{Quantity: 2, Legs: []brokers.Leg{
		{Symbol: "good", Instrument: in, Ratio: -1},
		{Symbol: "bad", Instrument: in, Ratio: 1},
		{Symbol: "SPY", Instrument: instrument.Instrument{Kind: instrument.Stock}, Ratio: 100},
		{Symbol: "missing", Instrument: in, Ratio: 1},
	}}
	legs := legLiquidity(liquidity.DefaultRules(), o, quote)
	if len(legs) != 3 {
		t.Fatalf("%d legs judged, want the 3 option legs", len(legs))
	}
	if legs[0].Result.Verdict != liquidity.Pass || legs[0].Result.Size != 2 {
		t.Errorf("good leg: %v for %d contracts, want pass for 2", legs[0].Result.Verdict, legs[0].Result.Size)
	}
	if legs[1].Result.Verdict != liquidity.Fail || !strings.Contains(legs[1].Text(), "open interest") {
		t.Errorf("bad leg: %v %q, want fail naming open interest", legs[1].Result.Verdict, legs[1].Text())
	}
	if legs[2].Err == nil {
		t.Error("a leg without a quote has no error")
	}
	for _, tc := range []struct {
		name  string
		block bool
		want  int
	}{{"warn (default)", false, 0}, {"block", true, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			set := DefaultLiquiditySettings()
			set.Block = tc.block
			if p := liquidityProblems(set, legs); len(p) != tc.want {
				t.Errorf("problems %q, want %d", p, tc.want)
			}
		})
	}
}

// The liquidity rules are part of the saved settings and are validated with them.
func TestSettingsValidateLiquidityRules(t *testing.T) {
	s := DefaultSettings()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	s.Liquidity.Rules.MaxSpreadPct = 0
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "spread") {
		t.Errorf("a zero maximum spread: %v, want an error naming the spread", err)
	}
}
