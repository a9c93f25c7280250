package liquidity

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/brokers"
)

// The gate is on every order path: with "block" set, the desk refuses an order whose option
// leg fails a rule (here open interest, its threshold raised above any quote), whatever
// window sent it; with the default "warn" the same order goes and the preview carries the
// leg's verdict and reasons.
func TestDeskGateWarnsOrBlocks(t *testing.T) {
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	ctx := context.Background()
	d := k.Desk
	var leg brokers.Leg
	for _, p := range d.Latest().Positions {
		if p.Instrument.IsOption() && p.Quantity < 0 {
			leg = brokers.Leg{Symbol: p.Symbol, Instrument: p.Instrument, Ratio: 1}
			break
		}
	}
	order := func() brokers.Order {
		return brokers.Order{ClientID: desk.NewClientID(), Type: brokers.Market, Quantity: 1, Legs: []brokers.Leg{leg}}
	}
	set := desk.DefaultLiquiditySettings()
	set.Rules.MinOpenInterest = 1 << 40
	for _, tc := range []struct {
		name  string
		block bool
	}{{"warn", false}, {"block", true}} {
		t.Run(tc.name, func(t *testing.T) {
			set.Block = tc.block
			d.SetLiquidity(set)
			p, err := d.Preview(ctx, order())
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Liquidity) != 1 || !strings.Contains(p.Liquidity[0].Text(), "open interest") {
				t.Fatalf("preview liquidity %+v, want the leg failing open interest", p.Liquidity)
			}
			_, err = d.Place(ctx, order())
			var ce *desk.CheckError
			blocked := errors.As(err, &ce) && strings.Contains(err.Error(), "liquidity blocks")
			if blocked != tc.block {
				t.Errorf("Place: %v; want blocked %v", err, tc.block)
			}
		})
	}
}
