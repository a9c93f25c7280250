package roll

import (
	"context"
	"testing"
	"time"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/roll"
)

// sameOption says the journal's leg in is the option the broker calls symbol (the journal
// keeps its own notation).
func sameOption(in instrument.Instrument, symbol string) bool {
	b, err := instrument.Parse(symbol, in.Expiry)
	return err == nil && in.IsOption() && b.Root == in.Root && b.Right == in.Right && b.Strike == in.Strike &&
		b.Expiry.Format(time.DateOnly) == in.Expiry.Format(time.DateOnly)
}

// A staged roll, once confirmed and filled, joins the trade's roll chain in the journal as
// an imported roll does: the desk's journal writer records the one order that closes the
// old leg and opens the new as a "roll" step, with the running credit.
func TestFilledRollJoinsTheTradesChain(t *testing.T) {
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	ctx := context.Background()
	d := k.Desk
	// Open a short SPY put the demo book does not hold through the desk, so the journal
	// knows the whole position (the demo book's positions predate the journal).
	held := map[string]bool{}
	var exp time.Time
	for _, p := range d.Latest().Positions {
		held[p.Symbol] = true
		if p.Instrument.Root == "SPY" && p.Instrument.IsOption() {
			exp = p.Instrument.Expiry
		}
	}
	ch, err := d.Chain(ctx, "SPY", exp)
	if err != nil {
		t.Fatal(err)
	}
	var put *brokers.Leg
	for _, st := range ch.Strikes {
		q := st.Put
		if q.Symbol != "" && !held[q.Symbol] && st.Strike < ch.Price.InexactFloat64()*0.95 && q.Bid.IsPositive() {
			put = &brokers.Leg{Symbol: q.Symbol, Instrument: q.Instrument, Ratio: -1}
		}
	}
	if put == nil {
		t.Fatal("no out-of-the-money SPY put the book does not hold")
	}
	sell := brokers.Order{ClientID: desk.NewClientID(), Type: brokers.Market, Quantity: 1, Legs: []brokers.Leg{*put}}
	if st, err := d.Place(ctx, sell); err != nil || st.State != brokers.Filled {
		t.Fatalf("selling a put: %v %+v", err, st)
	}
	tradeOf := func(symbol string) (data.TradeDetail, bool) {
		list, err := k.Journal.ListTrades(ctx, data.Filter{}, data.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range list.Trades {
			det, err := k.Journal.TradeDetail(ctx, tr.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range det.Legs {
				if sameOption(l.Instrument, symbol) {
					return det, true
				}
			}
		}
		return data.TradeDetail{}, false
	}
	// The journal can record the fill before the desk's next sync lists the position.
	k.Until(t, "the sale journaled, the put in the book and the book valued", func() bool {
		_, ok := tradeOf(put.Symbol)
		snap := d.Latest()
		held := false
		for _, p := range snap.Positions {
			held = held || sameOption(p.Instrument, put.Symbol)
		}
		return ok && held && snap.AllQuoted()
	})
	plans, err := d.PlanRolls(ctx, desk.RollTarget{Position: put.Symbol})
	if err != nil || len(plans) != 1 {
		t.Fatalf("plans %v, %v", plans, err)
	}
	var c *roll.Candidate
	for i := range plans[0].Candidates {
		if plans[0].Candidates[i].Shape != roll.CloseOnly {
			c = &plans[0].Candidates[i]
			break
		}
	}
	if c == nil {
		t.Fatalf("no roll for %s: %+v", put.Symbol, plans[0])
	}
	o, err := d.RollOrder(ctx, *c)
	if err != nil {
		t.Fatal(err)
	}
	o.ClientID, o.Type = desk.NewClientID(), brokers.Market // what the trader confirms in the ticket
	if st, err := d.Place(ctx, o); err != nil || st.State != brokers.Filled {
		t.Fatalf("the roll: %v %+v", err, st)
	}
	var det data.TradeDetail
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ok bool
		det, ok = tradeOf(put.Symbol)
		if ok && len(det.Chain) > 0 && det.Chain[len(det.Chain)-1].Step == "roll" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the roll never reached the trade's chain: %+v", det.Chain)
		}
		_ = k.Paper.Advance(time.Second)
		time.Sleep(50 * time.Millisecond)
	}
	last := det.Chain[len(det.Chain)-1]
	var opened string
	for _, l := range c.Legs {
		if l.Effect == roll.Open {
			opened = l.Symbol
		}
	}
	legOf := func(journalSymbol string) instrument.Instrument {
		for _, l := range det.Legs {
			if l.Symbol == journalSymbol {
				return l.Instrument
			}
		}
		return instrument.Instrument{}
	}
	if len(last.Opened) != 1 || !sameOption(legOf(last.Opened[0]), opened) || len(last.Closed) != 1 || !sameOption(legOf(last.Closed[0]), put.Symbol) {
		t.Errorf("roll step %+v, want %s closed and %s opened", last, put.Symbol, opened)
	}
	if !det.CumulativeCredit.Equal(det.Chain[0].Credit.Add(last.Credit)) {
		t.Errorf("cumulative credit %s, want the sale's %s + the roll's %s", det.CumulativeCredit, det.Chain[0].Credit, last.Credit)
	}
}
