package tastytrade_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/tastytrade"
	"github.com/keel-desk/keel/brokers/tastytrade/tastytradetest"
)

const ordersPath = "POST /accounts/" + tastytradetest.Account + "/orders"

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// events collects a broker's events.
type events struct {
	mu  sync.Mutex
	all []brokers.Event
}

func collect(t *testing.T, b brokers.Broker) *events {
	e := &events{}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case ev := <-b.Events():
				e.mu.Lock()
				e.all = append(e.all, ev)
				e.mu.Unlock()
			case <-done:
				return
			}
		}
	}()
	t.Cleanup(func() { close(done) })
	return e
}

func (e *events) count(match func(brokers.Event) bool) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.all {
		if match(ev) {
			n++
		}
	}
	return n
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func quoteOf(sym string) func(brokers.Event) bool {
	return func(ev brokers.Event) bool {
		q, ok := ev.(*brokers.QuoteEvent)
		return ok && q.Quote.Symbol == sym
	}
}

// connected connects the adapter and waits until its quote stream is set up, so the
// tests' faults meet only the calls they make.
func connected(t *testing.T, f fixture) {
	t.Helper()
	if err := f.b.Connect(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the quote stream", func() bool { return f.srv.FeedConnections() == 1 })
}

func TestTokenExpiryAndRefresh(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, nil)
	connected(t, f)
	before := f.srv.RefreshCalls()
	if before != 1 {
		t.Fatalf("%d refreshes to connect, want 1", before)
	}
	f.srv.ExpireTokens() // the access token dies early: the next call gets a 401
	if _, err := f.b.Account(ctxT(t)); err != nil {
		t.Fatalf("Account after the token expired: %v", err)
	}
	if got := f.srv.RefreshCalls(); got != before+1 {
		t.Errorf("%d refreshes after expiry, want exactly one more than %d", got, before)
	}
	if _, err := f.b.Positions(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if got := f.srv.RefreshCalls(); got != before+1 {
		t.Errorf("the refreshed token was not reused: %d refreshes", got)
	}
}

func TestRejectedToken(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, func(c *tastytrade.Config) {
		c.RefreshToken, c.ClientSecret = "wrong-refresh-SECRET1", "wrong-client-SECRET2"
	})
	for i := 0; i < 3; i++ {
		err := f.b.Connect(ctxT(t))
		if !errors.Is(err, tastytrade.ErrTokenRejected) {
			t.Fatalf("Connect with a bad grant: %v, want ErrTokenRejected", err)
		}
		if msg := err.Error(); strings.Contains(msg, "SECRET") || !strings.Contains(msg, "rejected") {
			t.Errorf("error %q leaks a secret or does not say the token was rejected", msg)
		}
	}
	if n := f.srv.RefreshCalls(); n != 1 {
		t.Errorf("a rejected token was tried %d times; never retry it", n)
	}
}

func TestRateLimited(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, nil)
	connected(t, f)
	f.srv.Throttle(3) // three 429s, no Retry-After
	if _, err := f.b.Account(ctxT(t)); err != nil {
		t.Fatalf("Account through three 429s: %v", err)
	}
	if n := f.srv.Requests("GET /accounts/" + tastytradetest.Account + "/balances"); n != 4 {
		t.Errorf("%d balance calls, want 3 throttled + 1", n)
	}
	f.srv.Throttle(1000)
	_, err := f.b.Account(ctxT(t))
	var rl *brokers.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter <= 0 {
		t.Errorf("Account while throttled for good: %v, want a RateLimitedError with a delay", err)
	}
	f.srv.Throttle(0)
}

func TestSilentDXLinkReconnectsAndResubscribes(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{Keepalive: 50 * time.Millisecond}, func(c *tastytrade.Config) {
		c.DXLinkSilence = 300 * time.Millisecond
	})
	ev := collect(t, f.b)
	connected(t, f)
	if err := f.b.Subscribe(ctxT(t), "SPY", "ESZ6"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a first SPY quote", func() bool { return ev.count(quoteOf("SPY")) > 0 })
	f.srv.Silence()
	eventually(t, "a second DXLink connection", func() bool { return f.srv.FeedConnections() >= 2 })
	eventually(t, "the subscriptions restored", func() bool {
		return strings.Join(f.srv.FeedSubscribed(), ",") == "/ESZ26:XCME,SPY"
	})
	n := ev.count(quoteOf("ESZ6"))
	f.srv.PublishQuotes()
	eventually(t, "ES quotes after the reconnect", func() bool { return ev.count(quoteOf("ESZ6")) > n })
}

func TestNaNQuotes(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, nil)
	ev := collect(t, f.b)
	connected(t, f)
	f.srv.SetNaN("SPY", true)
	if err := f.b.Subscribe(ctxT(t), "SPY", "QQQ"); err != nil {
		t.Fatal(err)
	}
	f.srv.PublishQuotes()
	eventually(t, "a QQQ quote", func() bool { return ev.count(quoteOf("QQQ")) > 0 })
	time.Sleep(50 * time.Millisecond)
	if n := ev.count(quoteOf("SPY")); n != 0 {
		t.Errorf("%d SPY quotes made of NaN; want none", n)
	}
	f.srv.SetNaN("SPY", false)
	f.srv.PublishQuotes()
	eventually(t, "a SPY quote once it has prices", func() bool { return ev.count(quoteOf("SPY")) > 0 })
	ev.mu.Lock()
	defer ev.mu.Unlock()
	for _, e := range ev.all {
		if q, ok := e.(*brokers.QuoteEvent); ok {
			if q.Quote.Bid.IsNegative() || q.Quote.Ask.IsNegative() || q.Quote.IV < 0 || q.Quote.IV > 10 {
				t.Errorf("quote %+v", q.Quote)
			}
		}
	}
}

func TestRejectedOrders(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, nil)
	connected(t, f)
	put := "SPY   261218P00580000"
	cases := []struct {
		name, want string
		o          brokers.Order
	}{
		{"buying power", "insufficient buying power", brokers.Order{ClientID: "r1", Quantity: 5000, Type: brokers.Limit,
			Limit: decimal.NewFromFloat(1.5), Legs: []brokers.Leg{{Symbol: put, Ratio: 1}}}},
		{"future with options", "future and options", brokers.Order{ClientID: "r2", Quantity: 1, Type: brokers.Market,
			Legs: []brokers.Leg{{Symbol: "ESZ6", Ratio: 1}, {Symbol: "ESZ6 P5900 2026-12-18", Ratio: -1}}}},
		{"five option legs", "at most 4", brokers.Order{ClientID: "r3", Quantity: 1, Type: brokers.Limit,
			Limit: decimal.NewFromFloat(-1), Legs: []brokers.Leg{{Symbol: "SPY   261218P00570000", Ratio: 1},
				{Symbol: "SPY   261218P00575000", Ratio: -1}, {Symbol: "SPY   261218P00580000", Ratio: -1},
				{Symbol: "SPY   261218C00620000", Ratio: -1}, {Symbol: "SPY   261218C00625000", Ratio: 1}}}},
		{"off the tick grid", "increments", brokers.Order{ClientID: "r4", Quantity: 1, Type: brokers.Limit,
			Limit: decimal.NewFromFloat(1.005), Legs: []brokers.Leg{{Symbol: put, Ratio: 1}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.b.Place(ctxT(t), c.o)
			var rej *brokers.RejectedError
			if !errors.As(err, &rej) || !strings.Contains(rej.Reason, c.want) || rej.ClientID != c.o.ClientID {
				t.Errorf("Place: %v, want a rejection saying %q", err, c.want)
			}
		})
	}
	if n := f.srv.Requests(ordersPath); n != 0 {
		t.Errorf("%d orders reached the broker; the dry-run or the checks should have stopped them", n)
	}
}

func TestDryRunFigures(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, nil)
	connected(t, f)
	o := brokers.Order{ClientID: "dry-1", Quantity: 2, Type: brokers.Limit, Limit: decimal.NewFromFloat(-2.5),
		Legs: []brokers.Leg{{Symbol: "SPY   261218P00570000", Ratio: -1}}}
	d, err := f.b.DryRun(ctxT(t), o)
	if err != nil {
		t.Fatal(err)
	}
	// The fake: 20% of SPY (600) × 100 × 2 = 24,000 of buying power; $1 + 0.10 a contract.
	if !d.BuyingPowerChange.Equal(decimal.NewFromInt(-24000)) || !d.Fees.Equal(decimal.NewFromFloat(2.2)) ||
		!d.Commission.Equal(decimal.NewFromInt(2)) {
		t.Errorf("dry-run %+v", d)
	}
	if last, ok := f.b.LastDryRun("dry-1"); !ok || !last.Fees.Equal(d.Fees) {
		t.Errorf("LastDryRun: %+v, %v", last, ok)
	}
	if n := f.srv.Requests(ordersPath); n != 0 {
		t.Errorf("a dry-run sent %d orders", n)
	}
}

func TestLostAnswerNoDuplicate(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, nil)
	connected(t, f)
	f.srv.LoseAnswers(1) // the order arrives, the answer does not
	o := brokers.Order{ClientID: "once-only", Quantity: 1, Type: brokers.Limit, Limit: decimal.NewFromInt(500),
		TIF: brokers.GTC, Legs: []brokers.Leg{{Symbol: "SPY", Ratio: 1}}}
	st, err := f.b.Place(ctxT(t), o)
	if err != nil {
		t.Fatalf("Place after a lost answer: %v", err)
	}
	if st.Order.ClientID != "once-only" || st.State != brokers.Working {
		t.Errorf("status %+v", st)
	}
	if n := f.srv.Requests(ordersPath); n != 1 {
		t.Errorf("the order was sent %d times", n)
	}
}

func TestDroppedStreamerDuringOrder(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, nil)
	ev := collect(t, f.b)
	connected(t, f)
	ask, err := f.b.Quote(ctxT(t), "SPY")
	if err != nil {
		t.Fatal(err)
	}
	// A limit one cent under the ask: works now, fills when the market moves down to it.
	limit := ask.Ask.Sub(decimal.NewFromFloat(0.01))
	o := brokers.Order{ClientID: "across-drop", Quantity: 1, Type: brokers.Limit, Limit: limit, TIF: brokers.GTC,
		Legs: []brokers.Leg{{Symbol: "SPY", Ratio: 1}}}
	st, err := f.b.Place(ctxT(t), o)
	if err != nil || st.State != brokers.Working {
		t.Fatalf("Place: %+v, %v", st, err)
	}
	f.srv.Drop()
	eventually(t, "the fault reported", func() bool {
		return ev.count(func(e brokers.Event) bool {
			c, ok := e.(*brokers.ConnectionEvent)
			return ok && !c.Connected && c.Err != nil
		}) == 1
	})
	for i := 0; i < 50; i++ { // the market moves while the stream is down; the order fills at some point
		f.srv.Advance(10 * time.Minute)
	}
	eventually(t, "the reconnection", func() bool {
		return ev.count(func(e brokers.Event) bool {
			c, ok := e.(*brokers.ConnectionEvent)
			return ok && c.Connected
		}) == 2
	})
	orders, err := f.b.Orders(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	var now brokers.OrderStatus
	for _, s := range orders {
		if s.ID == st.ID {
			now = s
		}
	}
	if now.State == brokers.Filled {
		eventually(t, "the fill the stream missed", func() bool {
			return ev.count(func(e brokers.Event) bool {
				fe, ok := e.(*brokers.FillEvent)
				return ok && fe.Fills[0].OrderID == st.ID
			}) == 1
		})
	} else {
		t.Logf("the market never came down to %s; the order still works", limit)
	}
	again, err := f.b.Place(ctxT(t), o)
	if err != nil || again.ID != st.ID {
		t.Errorf("placing the same ClientID after the reconnect: %+v, %v", again, err)
	}
	if n := f.srv.Requests(ordersPath); n != 1 {
		t.Errorf("the order was sent %d times", n)
	}
	time.Sleep(50 * time.Millisecond)
	if n := ev.count(func(e brokers.Event) bool {
		fe, ok := e.(*brokers.FillEvent)
		return ok && fe.Fills[0].OrderID == st.ID
	}); n > 1 {
		t.Errorf("the fill was reported %d times", n)
	}
}

func TestPositionsSignsAndMultipliers(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, nil)
	connected(t, f)
	ps, err := f.b.Positions(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		qty  int64
		mult float64
	}{ // the fake's book; multipliers from engine/instrument (SPY option 100, ES 50)
		"SPY":                   {10, 1},
		"SPY   261218P00580000": {-2, 100},
		"ESZ6":                  {1, 50},
		"ESZ6 P5900 2026-12-18": {-1, 50},
	}
	if len(ps) != len(want) {
		t.Fatalf("%d positions, want %d: %+v", len(ps), len(want), ps)
	}
	for _, p := range ps {
		w, ok := want[p.Symbol]
		if !ok || p.Quantity != w.qty || p.Instrument.Multiplier != w.mult {
			t.Errorf("%s: %d × %g, want %d × %g", p.Symbol, p.Quantity, p.Instrument.Multiplier, w.qty, w.mult)
		}
	}
}

func TestChunkedSubscription(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{MaxSubscription: 25}, func(c *tastytrade.Config) { c.SubscribeChunk = 20 })
	ev := collect(t, f.b)
	connected(t, f)
	exps, err := f.b.Expirations(ctxT(t), "SPY")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := f.b.Chain(ctxT(t), "SPY", exps[0])
	if err != nil {
		t.Fatal(err)
	}
	var syms []string
	for _, k := range ch.Strikes {
		syms = append(syms, k.Call.Symbol, k.Put.Symbol)
	}
	if err := f.b.Subscribe(ctxT(t), syms...); err != nil {
		t.Fatal(err)
	}
	last := syms[len(syms)-1]
	f.srv.PublishQuotes()
	eventually(t, "a quote of the last symbol", func() bool { return ev.count(quoteOf(last)) > 0 })
	if n := f.srv.MaxSubscriptionChunk(); n > 20 || f.srv.FeedConnections() != 1 {
		t.Errorf("largest subscription %d entries, %d connections; want ≤ 20 on one socket", n, f.srv.FeedConnections())
	}
}

func TestFillCostsFromTransactions(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, nil)
	ev := collect(t, f.b)
	connected(t, f)
	put := "SPY   261218P00570000"
	q, err := f.b.Quote(ctxT(t), put)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.b.Place(ctxT(t), brokers.Order{ClientID: "costs", Quantity: 3, Type: brokers.Limit,
		Limit: q.Bid.Neg(), Legs: []brokers.Leg{{Symbol: put, Ratio: -1}}})
	if err != nil || st.State != brokers.Filled {
		t.Fatalf("selling 3 puts at the bid: %+v, %v", st, err)
	}
	// The fake books $1 a contract commission and 0.10 a contract in fees.
	wantCommission, wantFees := decimal.NewFromInt(3), decimal.NewFromFloat(0.3)
	eventually(t, "the fill event", func() bool {
		return ev.count(func(e brokers.Event) bool { _, ok := e.(*brokers.FillEvent); return ok }) == 1
	})
	ev.mu.Lock()
	for _, e := range ev.all {
		if fe, ok := e.(*brokers.FillEvent); ok {
			if c := fe.Fills[0]; !c.Commission.Equal(wantCommission) || !c.Fees.Equal(wantFees) || c.Quantity != -3 {
				t.Errorf("streamed fill %+v", c)
			}
		}
	}
	ev.mu.Unlock()
	fills, err := f.b.Fills(ctxT(t), time.Time{})
	if err != nil || len(fills) != 1 {
		t.Fatalf("Fills: %+v, %v", fills, err)
	}
	if c := fills[0]; !c.Commission.Equal(wantCommission) || !c.Fees.Equal(wantFees) || c.OrderID != st.ID {
		t.Errorf("Fills says %+v", c)
	}
}

func TestRollCloseAndOpenInOneOrder(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, nil)
	connected(t, f)
	closing, opening := "SPY   261218P00580000", "SPY   270115P00575000" // the fake holds −2 of the first
	a, err := f.b.Quote(ctxT(t), closing)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.b.Quote(ctxT(t), opening)
	if err != nil {
		t.Fatal(err)
	}
	net := a.Ask.Sub(b.Bid) // pay the ask to close, take the bid to open
	st, err := f.b.Place(ctxT(t), brokers.Order{ClientID: "roll-1", Quantity: 2, Type: brokers.Limit, Limit: net,
		Legs: []brokers.Leg{{Symbol: closing, Ratio: 1}, {Symbol: opening, Ratio: -1}}})
	if err != nil || st.State != brokers.Filled || st.Filled != 2 {
		t.Fatalf("roll at the net touch %s: %+v, %v", net, st, err)
	}
	if got := strings.Join(f.srv.Actions("roll-1"), ", "); got != "Buy to Close, Sell to Open" {
		t.Errorf("roll legs sent as %s", got)
	}
	ps, err := f.b.Positions(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	held := map[string]int64{}
	for _, p := range ps {
		held[p.Symbol] = p.Quantity
	}
	if held[closing] != 0 || held[opening] != -2 {
		t.Errorf("after the roll: %s %d, %s %d; want 0 and -2", closing, held[closing], opening, held[opening])
	}
	if !st.AvgPrice.Equal(net) {
		t.Errorf("rolled at %s net, limit %s", st.AvgPrice, net)
	}
}

func TestFuturesOptionsChainAndSettlement(t *testing.T) {
	f := newFixture(t, tastytradetest.Options{}, nil)
	connected(t, f)
	exps, err := f.b.Expirations(ctxT(t), "ESZ6")
	if err != nil || len(exps) != 1 {
		t.Fatalf("ESZ6 expirations %v, %v", exps, err)
	}
	ch, err := f.b.Chain(ctxT(t), "ESZ6", exps[0])
	if err != nil || len(ch.Strikes) != 5 || !ch.Price.IsPositive() {
		t.Fatalf("ESZ6 chain: %d strikes at %s, %v", len(ch.Strikes), ch.Price, err)
	}
	put := ch.Strikes[0].Put
	// Keel's notation for a PM option on the December future; CME's ES multiplier.
	if put.Symbol != "ESZ6 P5900 2026-12-18" || put.Instrument.Multiplier != 50 || !put.Bid.IsPositive() {
		t.Errorf("first put %+v", put)
	}
	in, err := f.b.Lookup(ctxT(t), "ESZ6 P5900 2026-12-18")
	if err != nil || in.Underlying != "ESZ6" || in.Strike != 5900 {
		t.Errorf("Lookup: %+v, %v", in, err)
	}
	if !f.srv.Settle("SPY   261218P00580000", "Expiration") {
		t.Fatal("the fake holds no SPY put to expire")
	}
	ss, err := f.b.Settlements(ctxT(t), time.Time{})
	if err != nil || len(ss) != 1 {
		t.Fatalf("Settlements %+v, %v", ss, err)
	}
	if s := ss[0]; s.Kind != brokers.Expired || s.Symbol != "SPY   261218P00580000" || s.Quantity != 2 {
		t.Errorf("settlement %+v; want the two short puts expired (+2)", s)
	}
}
