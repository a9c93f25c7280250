package paper

import (
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// TestTradeCashIsExact books a hand-computed sequence and checks cash and realized P&L to
// the cent (FIFO lots; costs 0.70 per option contract, 2.50 per future).
func TestTradeCashIsExact(t *testing.T) {
	at := time.Date(2026, 11, 17, 15, 0, 0, 0, time.UTC)
	call := instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY", Multiplier: 100,
		Right: pricing.Call, Strike: 670, Style: pricing.American, Expiry: at.AddDate(0, 1, 0)}
	es := instrument.Instrument{Kind: instrument.Future, Root: "ES", Multiplier: 50, Expiry: at.AddDate(0, 3, 0)}
	a := newAccount("t", 1, d("100000"), at)
	steps := []struct {
		sym   string
		in    instrument.Instrument
		qty   int64
		price string
		costs string
	}{
		{"C", call, 3, "2.35", "2.10"},  // cash −705 − 2.10
		{"C", call, 2, "2.40", "1.40"},  // cash −480 − 1.40
		{"C", call, -4, "2.61", "2.80"}, // cash +1044 − 2.80; realized 3×0.26×100 + 1×0.21×100 = 99
		{"F", es, -2, "6000.25", "5.00"},
		{"F", es, 3, "5990.50", "7.50"}, // realized 2 × 9.75 × 50 = 975; 1 long opens at 5990.50
	}
	for _, s := range steps {
		a.trade(s.sym, s.in, s.qty, d(s.price), d(s.costs), at)
	}
	// Cash: 100000 − 705 − 480 + 1044 + 975 − (2.10 + 1.40 + 2.80 + 5.00 + 7.50) = 100815.20
	// Realized: 99 + 975 − 18.80 = 1055.20
	if !a.Cash.Equal(d("100815.20")) || !a.Realized.Equal(d("1055.20")) {
		t.Errorf("cash %s realized %s; want 100815.20 and 1055.20", a.Cash, a.Realized)
	}
	c := a.Positions["C"]
	if c == nil || c.Quantity != 1 || !c.avgPrice().Equal(d("2.40")) || len(c.Lots) != 1 {
		t.Errorf("call position %+v; want 1 left from the 2.40 lot", c)
	}
	f := a.Positions["F"]
	if f == nil || f.Quantity != 1 || !f.cost().Equal(d("5990.50")) {
		t.Errorf("future position %+v; want +1 at 5990.50", f)
	}
	// Averages that do not divide evenly stay exact in the lots.
	a.trade("S", instrument.NewStock("SPY"), 1, d("10"), decimal.Zero, at)
	a.trade("S", instrument.NewStock("SPY"), 2, d("10.01"), decimal.Zero, at)
	a.trade("S", instrument.NewStock("SPY"), -3, d("10.02"), decimal.Zero, at)
	// Realized on the shares: 0.02 + 2 × 0.01 = 0.04.
	if !a.Realized.Equal(d("1055.24")) || a.Positions["S"] != nil {
		t.Errorf("after the shares: realized %s, position %+v", a.Realized, a.Positions["S"])
	}
}

func TestOutboxKeepsOrderAndLatestQuote(t *testing.T) {
	o := newOutbox(1)
	defer o.stop()
	quote := func(sym, bid string) brokers.Event {
		return &brokers.QuoteEvent{Quote: brokers.Quote{Symbol: sym, Bid: d(bid)}}
	}
	// The consumer reads nothing: the channel takes one event, the queue the rest.
	o.push(quote("SPY", "1"))
	time.Sleep(20 * time.Millisecond)
	o.push(&brokers.OrderEvent{Status: brokers.OrderStatus{ID: "A"}}, quote("SPY", "2"), quote("QQQ", "5"))
	for i := 3; i <= 100; i++ {
		o.push(quote("SPY", decimal.NewFromInt(int64(i)).String()))
	}
	o.push(&brokers.FillEvent{Fills: []brokers.Fill{{ID: "F"}}}, quote("QQQ", "6"))
	var got []string
	timeout := time.After(2 * time.Second)
	for len(got) < 5 {
		select {
		case ev := <-o.out:
			switch e := ev.(type) {
			case *brokers.QuoteEvent:
				got = append(got, e.Quote.Symbol+" "+e.Quote.Bid.String())
			case *brokers.OrderEvent:
				got = append(got, "order "+e.Status.ID)
			case *brokers.FillEvent:
				got = append(got, "fill "+e.Fills[0].ID)
			}
		case <-timeout:
			t.Fatalf("only %v", got)
		}
	}
	want := []string{"SPY 1", "order A", "SPY 100", "QQQ 6", "fill F"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events %v; want %v", got, want)
		}
	}
	if n, most := o.pending(); n != 0 || most > 4 {
		t.Errorf("pending %d, most %d: quotes of one symbol must not pile up", n, most)
	}
}

// TestRegT checks the naked short option requirement against hand-computed values
// (the Cboe/FINRA Reg-T formula: 20% of the underlying − OTM amount + premium, at least
// 10% of the underlying for calls or of the strike for puts, + premium).
func TestRegT(t *testing.T) {
	cases := []struct {
		name                  string
		right                 pricing.Right
		s, strike, mark, want float64
	}{
		{"OTM put", pricing.Put, 660, 630, 4.35, 0.2*660 - 30 + 4.35},   // 132 − 30 + 4.35 = 106.35
		{"far OTM put", pricing.Put, 660, 500, 0.10, 0.1*500 + 0.10},    // 132 − 160 < 50: 50.10
		{"ITM put", pricing.Put, 660, 700, 41.00, 0.2*660 + 41.00},      // 173
		{"OTM call", pricing.Call, 660, 690, 3.51, 0.2*660 - 30 + 3.51}, // 105.51
		{"far OTM call", pricing.Call, 45, 60, 0.20, 0.1*45 + 0.20},     // 9 − 15 < 4.5: 4.70
	}
	for _, c := range cases {
		if got := regT(c.right, c.s, c.strike, c.mark); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: %g; want %g", c.name, got, c.want)
		}
	}
}
