package brokertest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// Control drives what the suite cannot do through the Broker interface. Keep an
// implementation small: a paper broker moves its simulated clock, a sandbox adapter may
// simply sleep and close its socket.
type Control interface {
	// Advance lets d of market time pass for b and returns once b has worked its orders
	// and queued the quotes and events of that time.
	Advance(t *testing.T, b brokers.Broker, d time.Duration)
	// Drop breaks b's session as a network fault would: b sends a ConnectionEvent with
	// Connected false and a non-nil Err, and refuses calls with brokers.ErrDisconnected
	// until a Connect succeeds (which it must within a few seconds).
	Drop(t *testing.T, b brokers.Broker)
	// Underlying is a stock or ETF with listed options, quoted in ticks of 0.01, whose
	// market is open for the whole run. The suite trades it in single shares and single
	// option contracts.
	Underlying() string
}

// wait is how long the suite waits for an event.
const wait = 10 * time.Second

// Run runs the contract suite. newBroker returns a fresh broker for each subtest (it may
// hold positions already; the suite only looks at changes); the suite connects it.
func Run(t *testing.T, newBroker func(t *testing.T) brokers.Broker, ctl Control) {
	s := &suite{new: newBroker, ctl: ctl}
	t.Run("Session", s.session)
	t.Run("Account", s.account)
	t.Run("LookupAndChains", s.lookupAndChains)
	t.Run("QuoteStream", s.quoteStream)
	t.Run("SingleLegLimit", s.singleLegLimit)
	t.Run("MultiLegLimit", s.multiLegLimit)
	t.Run("MarketOrder", s.marketOrder)
	t.Run("IdempotentClientID", s.idempotent)
	t.Run("ReplaceAndCancel", s.replaceAndCancel)
	t.Run("Rejections", s.rejections)
	t.Run("ResyncAfterDrop", s.resync)
}

type suite struct {
	new func(t *testing.T) brokers.Broker
	ctl Control
}

// recorder reads a broker's events on its own goroutine so the suite never blocks it.
type recorder struct {
	mu     sync.Mutex
	events []brokers.Event
	added  chan struct{}
	done   chan struct{}
}

func record(t *testing.T, b brokers.Broker) *recorder {
	r := &recorder{added: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		for {
			select {
			case ev := <-b.Events():
				r.mu.Lock()
				r.events = append(r.events, ev)
				r.mu.Unlock()
				select {
				case r.added <- struct{}{}:
				default:
				}
			case <-r.done:
				return
			}
		}
	}()
	t.Cleanup(func() { close(r.done) })
	return r
}

func (r *recorder) all() []brokers.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]brokers.Event(nil), r.events...)
}

// waitFor returns the first recorded event that match accepts, waiting for it.
func (r *recorder) waitFor(t *testing.T, what string, match func(brokers.Event) bool) brokers.Event {
	t.Helper()
	deadline := time.After(wait)
	for {
		for _, ev := range r.all() {
			if match(ev) {
				return ev
			}
		}
		select {
		case <-r.added:
		case <-deadline:
			t.Fatalf("no %s within %s", what, wait)
			return nil
		}
	}
}

// connected is a fresh, connected broker and its event recorder.
func (s *suite) connected(t *testing.T) (brokers.Broker, *recorder) {
	t.Helper()
	b := s.new(t)
	rec := record(t, b)
	if err := b.Connect(ctx(t)); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	rec.waitFor(t, "ConnectionEvent{Connected: true}", func(ev brokers.Event) bool {
		c, ok := ev.(*brokers.ConnectionEvent)
		return ok && c.Connected
	})
	return b, rec
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return c
}

func (s *suite) session(t *testing.T) {
	b, rec := s.connected(t)
	if b.Name() == "" {
		t.Error("Name is empty")
	}
	if err := b.Connect(ctx(t)); err != nil {
		t.Errorf("Connect while connected: %v", err)
	}
	if err := b.Disconnect(); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	ev := rec.waitFor(t, "ConnectionEvent{Connected: false}", func(ev brokers.Event) bool {
		c, ok := ev.(*brokers.ConnectionEvent)
		return ok && !c.Connected
	})
	if c := ev.(*brokers.ConnectionEvent); c.Err != nil {
		t.Errorf("a requested Disconnect reported Err %v", c.Err)
	}
	under := s.ctl.Underlying()
	calls := map[string]func() error{
		"Account":     func() error { _, err := b.Account(ctx(t)); return err },
		"Positions":   func() error { _, err := b.Positions(ctx(t)); return err },
		"Lookup":      func() error { _, err := b.Lookup(ctx(t), under); return err },
		"Expirations": func() error { _, err := b.Expirations(ctx(t), under); return err },
		"Quote":       func() error { _, err := b.Quote(ctx(t), under); return err },
		"Subscribe":   func() error { return b.Subscribe(ctx(t), under) },
		"Orders":      func() error { _, err := b.Orders(ctx(t)); return err },
		"Fills":       func() error { _, err := b.Fills(ctx(t), time.Time{}); return err },
		"Settlements": func() error { _, err := b.Settlements(ctx(t), time.Time{}); return err },
		"Cancel":      func() error { return b.Cancel(ctx(t), "no-such-order") },
		"Place": func() error {
			_, err := b.Place(ctx(t), brokers.Order{ClientID: "suite-disconnected", Quantity: 1,
				Legs: []brokers.Leg{{Symbol: under, Ratio: 1}}, Type: brokers.Market})
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, brokers.ErrDisconnected) {
			t.Errorf("%s while disconnected: %v, want ErrDisconnected", name, err)
		}
	}
	if err := b.Connect(ctx(t)); err != nil {
		t.Fatalf("reconnect: %v", err)
	}
	if _, err := b.Account(ctx(t)); err != nil {
		t.Errorf("Account after reconnecting: %v", err)
	}
	orders, err := b.Orders(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		if o.Order.ClientID == "suite-disconnected" {
			t.Error("an order placed while disconnected exists")
		}
	}
}

// positionValue is what a position adds to net liquidation (see the package doc).
func positionValue(p brokers.Position) decimal.Decimal {
	mult := decimal.NewFromFloat(p.Instrument.Multiplier)
	q := decimal.NewFromInt(p.Quantity)
	if p.Instrument.Kind == instrument.Future {
		return p.Mark.Sub(p.AveragePrice).Mul(q).Mul(mult)
	}
	return p.Mark.Mul(q).Mul(mult)
}

func (s *suite) checkAccount(t *testing.T, b brokers.Broker) {
	t.Helper()
	a, err := b.Account(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := b.Positions(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == "" || a.Currency == "" {
		t.Errorf("account without ID or currency: %+v", a)
	}
	sum := a.Cash
	for _, p := range ps {
		if p.Quantity == 0 {
			t.Errorf("%s: a position of zero", p.Symbol)
		}
		if p.Instrument.Multiplier <= 0 {
			t.Errorf("%s: multiplier %g", p.Symbol, p.Instrument.Multiplier)
		}
		if p.Symbol != p.Instrument.Symbol() {
			t.Errorf("position symbol %q, its instrument says %q", p.Symbol, p.Instrument.Symbol())
		}
		sum = sum.Add(positionValue(p))
	}
	tolerance := decimal.NewFromFloat(0.01 * float64(len(ps)+1))
	if diff := a.NetLiquidation.Sub(sum).Abs(); diff.GreaterThan(tolerance) {
		t.Errorf("net liquidation %s, cash + positions %s (off by %s)", a.NetLiquidation, sum, diff)
	}
	if a.BuyingPower.IsNegative() || a.Maintenance.IsNegative() {
		t.Errorf("negative buying power or maintenance: %+v", a)
	}
}

func (s *suite) account(t *testing.T) {
	b, _ := s.connected(t)
	s.checkAccount(t, b)
	s.ctl.Advance(t, b, 30*time.Minute)
	s.checkAccount(t, b)
}

// nearMoney is the chain of the expiry about a month after the first listed one.
func (s *suite) nearMoney(t *testing.T, b brokers.Broker) brokers.Chain {
	t.Helper()
	under := s.ctl.Underlying()
	exps, err := b.Expirations(ctx(t), under)
	if err != nil || len(exps) == 0 {
		t.Fatalf("Expirations(%s): %v, %v", under, exps, err)
	}
	// The expiry nearest a month after the first (the suite cannot assume market time
	// is wall time).
	target := exps[0].Add(30 * 24 * time.Hour)
	best := exps[0]
	for _, e := range exps {
		if math.Abs(e.Sub(target).Hours()) < math.Abs(best.Sub(target).Hours()) {
			best = e
		}
	}
	ch, err := b.Chain(ctx(t), under, best)
	if err != nil {
		t.Fatalf("Chain(%s, %s): %v", under, best, err)
	}
	return ch
}

func (s *suite) lookupAndChains(t *testing.T) {
	b, _ := s.connected(t)
	under := s.ctl.Underlying()
	in, err := b.Lookup(ctx(t), under)
	if err != nil || in.Symbol() != under || in.Multiplier <= 0 {
		t.Fatalf("Lookup(%s): %+v, %v", under, in, err)
	}
	if _, err := b.Lookup(ctx(t), "NOSUCHSYMBOL9"); !errors.Is(err, brokers.ErrUnknownSymbol) {
		t.Errorf("Lookup of an unknown symbol: %v, want ErrUnknownSymbol", err)
	}
	exps, err := b.Expirations(ctx(t), under)
	if err != nil || len(exps) == 0 {
		t.Fatalf("Expirations: %v, %v", exps, err)
	}
	for i := 1; i < len(exps); i++ {
		if !exps[i].After(exps[i-1]) {
			t.Errorf("expirations out of order: %s then %s", exps[i-1], exps[i])
		}
	}
	ch := s.nearMoney(t, b)
	if len(ch.Strikes) < 5 || !ch.Price.IsPositive() || ch.Underlying != under {
		t.Fatalf("chain: %d strikes, price %s, underlying %q", len(ch.Strikes), ch.Price, ch.Underlying)
	}
	for i, k := range ch.Strikes {
		if i > 0 && !(k.Strike > ch.Strikes[i-1].Strike) {
			t.Errorf("strikes not ascending: %g then %g", ch.Strikes[i-1].Strike, k.Strike)
		}
		for _, q := range []brokers.Quote{k.Call, k.Put} {
			if q.Symbol == "" {
				continue
			}
			if q.Bid.IsNegative() || q.Ask.IsPositive() && q.Bid.GreaterThan(q.Ask) {
				t.Errorf("%s: bid %s ask %s", q.Symbol, q.Bid, q.Ask)
			}
			if q.Instrument.Strike != k.Strike || !q.Instrument.Expiry.Equal(ch.Expiry) || !q.Instrument.IsOption() {
				t.Errorf("%s sits at strike %g of %s", q.Symbol, k.Strike, ch.Expiry)
			}
			if (q.Symbol == k.Call.Symbol) != (q.Instrument.Right == pricing.Call) {
				t.Errorf("%s is in the wrong column", q.Symbol)
			}
			if q.Symbol != q.Instrument.Symbol() {
				t.Errorf("quote symbol %q, instrument %q", q.Symbol, q.Instrument.Symbol())
			}
		}
	}
	q, err := b.Quote(ctx(t), under)
	if err != nil || !q.Bid.IsPositive() || q.Bid.GreaterThan(q.Ask) {
		t.Errorf("Quote(%s): %+v, %v", under, q, err)
	}
}

func (s *suite) quoteStream(t *testing.T) {
	b, rec := s.connected(t)
	ch := s.nearMoney(t, b)
	opt := ch.Strikes[len(ch.Strikes)/2].Call.Symbol
	under := s.ctl.Underlying()
	if err := b.Subscribe(ctx(t), under, opt); err != nil {
		t.Fatal(err)
	}
	if err := b.Subscribe(ctx(t), under); err != nil {
		t.Errorf("subscribing twice: %v", err)
	}
	s.ctl.Advance(t, b, time.Minute)
	for _, sym := range []string{under, opt} {
		ev := rec.waitFor(t, "a quote of "+sym, func(ev brokers.Event) bool {
			q, ok := ev.(*brokers.QuoteEvent)
			return ok && q.Quote.Symbol == sym
		})
		q := ev.(*brokers.QuoteEvent).Quote
		if q.Ask.IsPositive() && q.Bid.GreaterThan(q.Ask) || q.Time.IsZero() {
			t.Errorf("%s: %+v", sym, q)
		}
	}
	if err := b.Unsubscribe(ctx(t), under, opt); err != nil {
		t.Fatal(err)
	}
}

// touch is the price to buy (ask) or sell (bid) one unit of sym now.
func touch(t *testing.T, b brokers.Broker, sym string, buy bool) decimal.Decimal {
	t.Helper()
	q, err := b.Quote(ctx(t), sym)
	if err != nil {
		t.Fatal(err)
	}
	if buy {
		return q.Ask
	}
	return q.Bid
}

func position(t *testing.T, b brokers.Broker, sym string) int64 {
	t.Helper()
	ps, err := b.Positions(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Symbol == sym {
			return p.Quantity
		}
	}
	return 0
}

// filled waits for the FillEvent and the filled OrderEvent of an order and checks the
// fills are in Fills exactly once.
func filled(t *testing.T, b brokers.Broker, rec *recorder, st brokers.OrderStatus, legs int) []brokers.Fill {
	t.Helper()
	ev := rec.waitFor(t, "the fills of "+st.ID, func(ev brokers.Event) bool {
		f, ok := ev.(*brokers.FillEvent)
		return ok && len(f.Fills) > 0 && f.Fills[0].OrderID == st.ID
	})
	fills := ev.(*brokers.FillEvent).Fills
	if len(fills) != legs {
		t.Fatalf("%s: one execution of %d fills, want %d (all legs at once)", st.ID, len(fills), legs)
	}
	rec.waitFor(t, "the filled OrderEvent of "+st.ID, func(ev brokers.Event) bool {
		o, ok := ev.(*brokers.OrderEvent)
		return ok && o.Status.ID == st.ID && o.Status.State == brokers.Filled
	})
	for _, f := range fills {
		if f.ID == "" || !f.Time.Equal(fills[0].Time) || f.ClientID != st.Order.ClientID || !f.Price.IsPositive() ||
			f.Commission.IsNegative() || f.Fees.IsNegative() || f.Symbol != f.Instrument.Symbol() {
			t.Errorf("fill %+v", f)
		}
	}
	all, err := b.Fills(ctx(t), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fills {
		n := 0
		for _, g := range all {
			if g.ID == f.ID {
				n++
				if !g.Price.Equal(f.Price) || g.Quantity != f.Quantity || g.OrderID != f.OrderID {
					t.Errorf("Fills says %+v, the event said %+v", g, f)
				}
			}
		}
		if n != 1 {
			t.Errorf("fill %s is in Fills %d times", f.ID, n)
		}
	}
	since, err := b.Fills(ctx(t), fills[0].Time)
	if err != nil || len(since) < len(fills) {
		t.Errorf("Fills(since the fill) has %d fills, %v", len(since), err)
	}
	return fills
}

func (s *suite) singleLegLimit(t *testing.T) {
	b, rec := s.connected(t)
	under := s.ctl.Underlying()
	before := position(t, b, under)
	ask := touch(t, b, under, true)
	st, err := b.Place(ctx(t), brokers.Order{ClientID: "suite-single-limit", Quantity: 2, Type: brokers.Limit,
		Limit: ask, TIF: brokers.Day, Legs: []brokers.Leg{{Symbol: under, Ratio: 1}}})
	if err != nil {
		t.Fatalf("marketable limit buy at the ask %s: %v", ask, err)
	}
	if st.ID == "" || st.Order.ClientID != "suite-single-limit" {
		t.Fatalf("status %+v", st)
	}
	fills := filled(t, b, rec, st, 1)
	if fills[0].Quantity != 2 || fills[0].Price.GreaterThan(ask) {
		t.Errorf("bought %d at %s with a limit of %s", fills[0].Quantity, fills[0].Price, ask)
	}
	if got := position(t, b, under); got != before+2 {
		t.Errorf("position %d after buying 2, was %d", got, before)
	}
	s.checkAccount(t, b)
}

// spread is a one-wide vertical call spread near the money: buy the lower strike, sell
// the higher.
func (s *suite) spread(t *testing.T, b brokers.Broker) (long, short string) {
	ch := s.nearMoney(t, b)
	for i := len(ch.Strikes) / 2; i+1 < len(ch.Strikes); i++ {
		lo, hi := ch.Strikes[i].Call, ch.Strikes[i+1].Call
		if lo.Ask.IsPositive() && hi.Bid.IsPositive() {
			return lo.Symbol, hi.Symbol
		}
	}
	t.Fatal("no call spread with an offer and a bid near the money")
	return "", ""
}

func (s *suite) multiLegLimit(t *testing.T) {
	b, rec := s.connected(t)
	long, short := s.spread(t, b)
	net := touch(t, b, long, true).Sub(touch(t, b, short, false))
	st, err := b.Place(ctx(t), brokers.Order{ClientID: "suite-spread", Quantity: 1, Type: brokers.Limit, Limit: net,
		TIF: brokers.Day, Legs: []brokers.Leg{{Symbol: long, Ratio: 1}, {Symbol: short, Ratio: -1}}})
	if err != nil {
		t.Fatalf("spread at the net touch %s: %v", net, err)
	}
	fills := filled(t, b, rec, st, 2)
	got := map[string]int64{}
	paid := decimal.Zero
	for _, f := range fills {
		got[f.Symbol] = f.Quantity
		paid = paid.Add(f.Price.Mul(decimal.NewFromInt(f.Quantity)))
	}
	if got[long] != 1 || got[short] != -1 {
		t.Errorf("spread fills %v", got)
	}
	if paid.GreaterThan(net) {
		t.Errorf("paid %s net for a limit of %s", paid, net)
	}
	if position(t, b, long) != 1 || position(t, b, short) != -1 {
		t.Errorf("positions after the spread: %d and %d", position(t, b, long), position(t, b, short))
	}
	s.checkAccount(t, b)
}

func (s *suite) marketOrder(t *testing.T) {
	b, rec := s.connected(t)
	under := s.ctl.Underlying()
	before := position(t, b, under)
	st, err := b.Place(ctx(t), brokers.Order{ClientID: "suite-market", Quantity: 3, Type: brokers.Market,
		TIF: brokers.Day, Legs: []brokers.Leg{{Symbol: under, Ratio: -1}}})
	if err != nil {
		t.Fatal(err)
	}
	fills := filled(t, b, rec, st, 1)
	if fills[0].Quantity != -3 {
		t.Errorf("sold %d, want -3", fills[0].Quantity)
	}
	if got := position(t, b, under); got != before-3 {
		t.Errorf("position %d after selling 3, was %d", got, before)
	}
}

func (s *suite) idempotent(t *testing.T) {
	b, rec := s.connected(t)
	under := s.ctl.Underlying()
	o := brokers.Order{ClientID: "suite-once", Quantity: 1, Type: brokers.Limit, Limit: touch(t, b, under, true),
		TIF: brokers.Day, Legs: []brokers.Leg{{Symbol: under, Ratio: 1}}}
	first, err := b.Place(ctx(t), o)
	if err != nil {
		t.Fatal(err)
	}
	filled(t, b, rec, first, 1)
	again, err := b.Place(ctx(t), o)
	if err != nil || again.ID != first.ID {
		t.Fatalf("placing the same ClientID again: %+v, %v; want order %s", again, err, first.ID)
	}
	s.ctl.Advance(t, b, time.Second)
	orders, err := b.Orders(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, st := range orders {
		if st.Order.ClientID == "suite-once" {
			n++
		}
	}
	fills, err := b.Fills(ctx(t), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	m := 0
	for _, f := range fills {
		if f.ClientID == "suite-once" {
			m++
		}
	}
	fillEvents := 0
	for _, ev := range rec.all() {
		if f, ok := ev.(*brokers.FillEvent); ok && f.Fills[0].ClientID == "suite-once" {
			fillEvents++
		}
	}
	if n != 1 || m != 1 || fillEvents != 1 {
		t.Errorf("ClientID placed twice: %d orders, %d fills, %d fill events; want one each", n, m, fillEvents)
	}
}

// away is a price that will not fill for a while: 20% under the bid, on the cent grid.
func away(t *testing.T, b brokers.Broker, sym string) decimal.Decimal {
	return touch(t, b, sym, false).Mul(decimal.NewFromFloat(0.8)).Round(2)
}

func (s *suite) replaceAndCancel(t *testing.T) {
	b, rec := s.connected(t)
	under := s.ctl.Underlying()
	limit := away(t, b, under)
	st, err := b.Place(ctx(t), brokers.Order{ClientID: "suite-working", Quantity: 1, Type: brokers.Limit,
		Limit: limit, TIF: brokers.GTC, Legs: []brokers.Leg{{Symbol: under, Ratio: 1}}})
	if err != nil || st.State != brokers.Working {
		t.Fatalf("a limit 20%% under the market: %+v, %v", st, err)
	}
	lower := limit.Sub(decimal.NewFromFloat(0.01))
	rep, err := b.Replace(ctx(t), st.ID, brokers.Order{Quantity: 2, Type: brokers.Limit, Limit: lower, TIF: brokers.GTC})
	if err != nil {
		t.Fatalf("Replace: %v", err)
	}
	if rep.ID != st.ID || rep.State != brokers.Working || !rep.Order.Limit.Equal(lower) || rep.Order.Quantity != 2 ||
		len(rep.Order.Legs) != 1 || rep.Order.Legs[0].Symbol != under {
		t.Errorf("replaced: %+v", rep)
	}
	if err := b.Cancel(ctx(t), st.ID); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	rec.waitFor(t, "the cancelled OrderEvent", func(ev brokers.Event) bool {
		o, ok := ev.(*brokers.OrderEvent)
		return ok && o.Status.ID == st.ID && o.Status.State == brokers.Cancelled
	})
	orders, err := b.Orders(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range orders {
		if o.ID == st.ID {
			found = true
			if o.State != brokers.Cancelled || o.Filled != 0 {
				t.Errorf("after Cancel: %+v", o)
			}
		}
	}
	if !found {
		t.Error("a cancelled order of today is missing from Orders")
	}
	var rej *brokers.RejectedError
	if err := b.Cancel(ctx(t), st.ID); !errors.As(err, &rej) || rej.Reason == "" {
		t.Errorf("cancelling a cancelled order: %v, want a RejectedError with a reason", err)
	}
	if _, err := b.Replace(ctx(t), st.ID, brokers.Order{Quantity: 1, Limit: lower}); !errors.As(err, &rej) {
		t.Errorf("replacing a cancelled order: %v, want a RejectedError", err)
	}
	if err := b.Cancel(ctx(t), "no-such-order"); !errors.Is(err, brokers.ErrUnknownOrder) {
		t.Errorf("cancelling an unknown order: %v, want ErrUnknownOrder", err)
	}
}

func (s *suite) rejections(t *testing.T) {
	b, _ := s.connected(t)
	under := s.ctl.Underlying()
	long, short := s.spread(t, b)
	ask := touch(t, b, under, true)
	one := []brokers.Leg{{Symbol: under, Ratio: 1}}
	cases := []struct {
		name string
		o    brokers.Order
	}{
		{"no legs", brokers.Order{Quantity: 1, Limit: ask}},
		{"zero quantity", brokers.Order{Quantity: 0, Limit: ask, Legs: one}},
		{"negative quantity", brokers.Order{Quantity: -1, Limit: ask, Legs: one}},
		{"ratio 0", brokers.Order{Quantity: 1, Limit: ask, Legs: []brokers.Leg{{Symbol: under, Ratio: 0}}}},
		{"unknown symbol", brokers.Order{Quantity: 1, Limit: ask, Legs: []brokers.Leg{{Symbol: "NOSUCHSYMBOL9", Ratio: 1}}}},
		{"duplicate legs", brokers.Order{Quantity: 1, Limit: decimal.NewFromFloat(0.5),
			Legs: []brokers.Leg{{Symbol: long, Ratio: 1}, {Symbol: long, Ratio: -1}}}},
		{"limit off the tick grid", brokers.Order{Quantity: 1, Limit: ask.Add(decimal.NewFromFloat(0.005)), Legs: one}},
		{"buy at a zero limit", brokers.Order{Quantity: 1, Limit: decimal.Zero, Legs: one}},
		{"buy at a negative limit", brokers.Order{Quantity: 1, Limit: ask.Neg(), Legs: one}},
		{"not enough buying power", brokers.Order{Quantity: 900_000, Limit: ask, Legs: one}},
		{"spread with a zero-ratio leg", brokers.Order{Quantity: 1, Limit: decimal.NewFromFloat(0.5),
			Legs: []brokers.Leg{{Symbol: long, Ratio: 1}, {Symbol: short, Ratio: 0}}}},
	}
	for i, c := range cases {
		c.o.ClientID = fmt.Sprintf("suite-reject-%d", i)
		c.o.Type, c.o.TIF = brokers.Limit, brokers.Day
		_, err := b.Place(ctx(t), c.o)
		var rej *brokers.RejectedError
		if !errors.As(err, &rej) {
			t.Errorf("%s: %v, want a *brokers.RejectedError", c.name, err)
			continue
		}
		if len(rej.Reason) < 10 {
			t.Errorf("%s: reason %q does not say why", c.name, rej.Reason)
		}
	}
	orders, err := b.Orders(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		if o.State == brokers.Working || o.State == brokers.Filled {
			if len(o.Order.ClientID) > 13 && o.Order.ClientID[:13] == "suite-reject-" {
				t.Errorf("a rejected order is %s: %+v", o.State, o)
			}
		}
	}
}

func (s *suite) resync(t *testing.T) {
	b, rec := s.connected(t)
	under := s.ctl.Underlying()
	done, err := b.Place(ctx(t), brokers.Order{ClientID: "suite-before-drop", Quantity: 1, Type: brokers.Market,
		TIF: brokers.Day, Legs: []brokers.Leg{{Symbol: under, Ratio: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	filled(t, b, rec, done, 1)
	working, err := b.Place(ctx(t), brokers.Order{ClientID: "suite-across-drop", Quantity: 1, Type: brokers.Limit,
		Limit: away(t, b, under), TIF: brokers.GTC, Legs: []brokers.Leg{{Symbol: under, Ratio: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	// Near the money so it may well fill while the session is down.
	near, err := b.Place(ctx(t), brokers.Order{ClientID: "suite-maybe-fills", Quantity: 1, Type: brokers.Limit,
		Limit: touch(t, b, under, false), TIF: brokers.GTC, Legs: []brokers.Leg{{Symbol: under, Ratio: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	s.ctl.Drop(t, b)
	rec.waitFor(t, "a ConnectionEvent for the fault", func(ev brokers.Event) bool {
		c, ok := ev.(*brokers.ConnectionEvent)
		return ok && !c.Connected && c.Err != nil
	})
	if _, err := b.Orders(ctx(t)); !errors.Is(err, brokers.ErrDisconnected) {
		t.Errorf("Orders after the fault: %v, want ErrDisconnected", err)
	}
	s.ctl.Advance(t, b, 2*time.Hour)
	deadline := time.Now().Add(wait)
	for {
		err := b.Connect(ctx(t))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("could not reconnect: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	orders, err := b.Orders(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, o := range orders {
		seen[o.ID]++
		if seen[o.ID] > 1 {
			t.Errorf("order %s listed twice", o.ID)
		}
	}
	for _, id := range []string{done.ID, working.ID, near.ID} {
		if seen[id] != 1 {
			t.Errorf("order %s is listed %d times after the reconnect", id, seen[id])
		}
	}
	fills, err := b.Fills(ctx(t), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, f := range fills {
		if ids[f.ID] {
			t.Errorf("fill %s listed twice", f.ID)
		}
		ids[f.ID] = true
	}
	s.ctl.Advance(t, b, time.Minute)
	// Every fill the stream reported is in Fills, and the stream never reported one twice.
	streamed := map[string]int{}
	for _, ev := range rec.all() {
		if f, ok := ev.(*brokers.FillEvent); ok {
			for _, x := range f.Fills {
				streamed[x.ID]++
				if !ids[x.ID] && x.Time.Before(fills[len(fills)-1].Time) {
					t.Errorf("streamed fill %s is missing from Fills", x.ID)
				}
			}
		}
	}
	for id, n := range streamed {
		if n > 1 {
			t.Errorf("fill %s streamed %d times", id, n)
		}
	}
	if err := b.Cancel(ctx(t), working.ID); err != nil {
		t.Errorf("cancelling the order that worked across the drop: %v", err)
	}
	s.checkAccount(t, b)
}
