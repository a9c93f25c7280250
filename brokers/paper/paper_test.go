package paper_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

var bg = context.Background()

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func connect(t *testing.T, b *paper.Broker) {
	t.Helper()
	if err := b.Connect(bg); err != nil {
		t.Fatal(err)
	}
}

// option finds the option of under at the expiry with the given index whose strike is
// nearest target.
func option(t *testing.T, b *paper.Broker, under string, expiry int, right pricing.Right, target float64) brokers.Quote {
	t.Helper()
	exps, err := b.Expirations(bg, under)
	if err != nil || len(exps) <= expiry {
		t.Fatalf("expirations of %s: %v, %v", under, exps, err)
	}
	ch, err := b.Chain(bg, under, exps[expiry])
	if err != nil {
		t.Fatal(err)
	}
	best := ch.Strikes[0]
	for _, k := range ch.Strikes {
		if math.Abs(k.Strike-target) < math.Abs(best.Strike-target) {
			best = k
		}
	}
	if right == pricing.Put {
		return best.Put
	}
	return best.Call
}

func underlyingPrice(t *testing.T, b *paper.Broker, sym string) float64 {
	t.Helper()
	q, err := b.Quote(bg, sym)
	if err != nil {
		t.Fatal(err)
	}
	return q.Mid().InexactFloat64()
}

// trade places a single-leg limit order at the touch and requires it to fill.
func trade(t *testing.T, b *paper.Broker, id, sym string, qty int64) brokers.OrderStatus {
	t.Helper()
	q, err := b.Quote(bg, sym)
	if err != nil {
		t.Fatal(err)
	}
	limit, ratio := q.Ask, int64(1)
	if qty < 0 {
		limit, ratio = q.Bid.Neg(), -1
	}
	st, err := b.Place(bg, brokers.Order{ClientID: id, Legs: []brokers.Leg{{Symbol: sym, Ratio: ratio}},
		Quantity: abs(qty), Type: brokers.Limit, Limit: limit, TIF: brokers.Day})
	if err != nil || st.State != brokers.Filled {
		t.Fatalf("%s %d %s: %+v, %v", id, qty, sym, st, err)
	}
	return st
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func positions(t *testing.T, b *paper.Broker) map[string]brokers.Position {
	t.Helper()
	ps, err := b.Positions(bg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]brokers.Position{}
	for _, p := range ps {
		out[p.Symbol] = p
	}
	return out
}

func settlements(t *testing.T, b *paper.Broker) map[string]brokers.Settlement {
	t.Helper()
	ss, err := b.Settlements(bg, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]brokers.Settlement{}
	for _, s := range ss {
		if _, dup := out[s.Symbol]; dup {
			t.Errorf("%s settled twice", s.Symbol)
		}
		out[s.Symbol] = s
	}
	return out
}

func cash(t *testing.T, b *paper.Broker) decimal.Decimal {
	t.Helper()
	a, err := b.Account(bg)
	if err != nil {
		t.Fatal(err)
	}
	return a.Cash
}

// TestCommissionsAndSlippage checks the default costs and market-order slippage on
// fills whose cash effect is computed by hand from the fill price.
func TestCommissionsAndSlippage(t *testing.T) {
	b := newManual(t, paper.Config{EmptyAccount: true, Slippage: 2})
	connect(t, b)
	start := cash(t, b)
	if !start.Equal(dec("250000")) {
		t.Fatalf("starting cash %s", start)
	}
	spy, _ := b.Quote(bg, "SPY")
	st, err := b.Place(bg, brokers.Order{ClientID: "shares", Legs: []brokers.Leg{{Symbol: "SPY", Ratio: 1}},
		Quantity: 10, Type: brokers.Market})
	if err != nil || st.State != brokers.Filled {
		t.Fatalf("%+v %v", st, err)
	}
	// Two ticks of slippage above the ask; shares trade commission-free.
	if want := spy.Ask.Add(dec("0.02")); !st.AvgPrice.Equal(want) {
		t.Errorf("market buy filled at %s; want ask %s + 0.02", st.AvgPrice, spy.Ask)
	}
	afterShares := start.Sub(st.AvgPrice.Mul(dec("10")))
	if got := cash(t, b); !got.Equal(afterShares) {
		t.Errorf("cash %s after 10 shares at %s; want %s", got, st.AvgPrice, afterShares)
	}

	// A SPY option: $0.65 commission + $0.05 fees per contract.
	call := option(t, b, "SPY", 3, pricing.Call, underlyingPrice(t, b, "SPY")+10)
	st = trade(t, b, "call", call.Symbol, 3)
	fills, _ := b.Fills(bg, time.Time{})
	last := fills[len(fills)-1]
	if last.OrderID != st.ID || !last.Commission.Equal(dec("1.95")) || !last.Fees.Equal(dec("0.15")) {
		t.Errorf("3 SPY options: commission %s fees %s; want 1.95 and 0.15", last.Commission, last.Fees)
	}
	afterCall := afterShares.Sub(last.Price.Mul(dec("300"))).Sub(dec("2.10"))
	if got := cash(t, b); !got.Equal(afterCall) {
		t.Errorf("cash %s; want %s", got, afterCall)
	}

	// An ES option sold at the market: 2 ticks under the bid, $1.50 + $1.00 per contract.
	es := option(t, b, "ESZ6", 2, pricing.Put, underlyingPrice(t, b, "ESZ6")-200)
	q, _ := b.Quote(bg, es.Symbol)
	st, err = b.Place(bg, brokers.Order{ClientID: "es", Legs: []brokers.Leg{{Symbol: es.Symbol, Ratio: -1}},
		Quantity: 2, Type: brokers.Market})
	if err != nil || st.State != brokers.Filled {
		t.Fatalf("%+v %v", st, err)
	}
	tick := dec("0.25")
	if q.Bid.LessThanOrEqual(dec("5")) {
		tick = dec("0.05")
	}
	if want := q.Bid.Sub(tick.Mul(dec("2"))).Neg(); !st.AvgPrice.Equal(want) {
		t.Errorf("ES market sell net %s; want -(bid %s − 2 ticks)", st.AvgPrice, q.Bid)
	}
	fills, _ = b.Fills(bg, time.Time{})
	last = fills[len(fills)-1]
	if !last.Commission.Equal(dec("3")) || !last.Fees.Equal(dec("2")) {
		t.Errorf("2 ES options: commission %s fees %s; want 3.00 and 2.00", last.Commission, last.Fees)
	}
	afterES := afterCall.Add(last.Price.Mul(dec("100"))).Sub(dec("5")) // 2 × 50 multiplier
	if got := cash(t, b); !got.Equal(afterES) {
		t.Errorf("cash %s; want %s", got, afterES)
	}
	a, _ := b.Account(bg)
	if !a.RealizedPnL.Equal(dec("-7.10")) { // costs only: 2.10 + 5.00
		t.Errorf("realized %s; want -7.10 (the costs)", a.RealizedPnL)
	}
}

// zeroBid finds an option with no bid.
func zeroBid(t *testing.T, b *paper.Broker) brokers.Quote {
	t.Helper()
	for _, u := range []string{"SPY", "VXX", "QQQ", "ESZ6"} {
		exps, _ := b.Expirations(bg, u)
		for _, e := range exps[:min(3, len(exps))] {
			ch, _ := b.Chain(bg, u, e)
			for i := len(ch.Strikes) - 1; i >= 0; i-- {
				if c := ch.Strikes[i].Call; c.Bid.IsZero() && c.Ask.IsPositive() {
					return c
				}
			}
		}
	}
	t.Fatal("no option without a bid")
	return brokers.Quote{}
}

func TestCombosFillAtomically(t *testing.T) {
	b := newManual(t, paper.Config{EmptyAccount: true})
	connect(t, b)
	s := underlyingPrice(t, b, "SPY")
	long := option(t, b, "SPY", 4, pricing.Call, s)
	short := option(t, b, "SPY", 4, pricing.Call, s+10)
	legs := []brokers.Leg{{Symbol: long.Symbol, Ratio: 1}, {Symbol: short.Symbol, Ratio: -1}}

	// A market combo with a leg that has no bid cannot fill: rejected, nothing traded.
	dead := zeroBid(t, b)
	_, err := b.Place(bg, brokers.Order{ClientID: "dead", Legs: []brokers.Leg{{Symbol: long.Symbol, Ratio: 1},
		{Symbol: dead.Symbol, Ratio: -1}}, Quantity: 1, Type: brokers.Market})
	var rej *brokers.RejectedError
	if !errors.As(err, &rej) || !strings.Contains(rej.Reason, "no bid") {
		t.Errorf("market combo with a bidless leg: %v", err)
	}

	// A limit under the net touch works; neither leg fills on its own.
	lq, _ := b.Quote(bg, long.Symbol)
	sq, _ := b.Quote(bg, short.Symbol)
	net := lq.Ask.Sub(sq.Bid)
	st, err := b.Place(bg, brokers.Order{ClientID: "spread", Legs: legs, Quantity: 2, Type: brokers.Limit,
		Limit: net.Div(dec("4")).Round(2), TIF: brokers.GTC})
	if err != nil || st.State != brokers.Working {
		t.Fatalf("%+v %v", st, err)
	}
	if err := b.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	if ps := positions(t, b); len(ps) != 0 {
		t.Fatalf("a working combo left positions %v", ps)
	}
	// Raised to the touch it fills: both legs in one execution at the touch prices.
	lq, _ = b.Quote(bg, long.Symbol)
	sq, _ = b.Quote(bg, short.Symbol)
	net = lq.Ask.Sub(sq.Bid)
	st, err = b.Replace(bg, st.ID, brokers.Order{Quantity: 2, Type: brokers.Limit, Limit: net, TIF: brokers.GTC})
	if err != nil || st.State != brokers.Filled || !st.AvgPrice.Equal(net) {
		t.Fatalf("replaced at the net touch %s: %+v, %v", net, st, err)
	}
	fills, _ := b.Fills(bg, time.Time{})
	if len(fills) != 2 || fills[0].OrderID != st.ID || !fills[0].Time.Equal(fills[1].Time) ||
		fills[0].Quantity != 2 || fills[1].Quantity != -2 || !fills[0].Price.Equal(lq.Ask) || !fills[1].Price.Equal(sq.Bid) {
		t.Errorf("combo fills %+v", fills)
	}
	ps := positions(t, b)
	if ps[long.Symbol].Quantity != 2 || ps[short.Symbol].Quantity != -2 {
		t.Errorf("positions %v", ps)
	}
}

func TestExpirationITMAndOTM(t *testing.T) {
	b := newManual(t, paper.Config{EmptyAccount: true})
	connect(t, b)
	s := underlyingPrice(t, b, "SPY")
	itmCall := option(t, b, "SPY", 0, pricing.Call, s-20)
	otmCall := option(t, b, "SPY", 0, pricing.Call, s+7)
	otmPut := option(t, b, "SPY", 0, pricing.Put, s-20) // bought: it needs an offer, not a bid
	trade(t, b, "itm-call", itmCall.Symbol, 1)
	trade(t, b, "otm-call", otmCall.Symbol, -1)
	trade(t, b, "otm-put", otmPut.Symbol, 1)
	before := cash(t, b)
	if err := b.Advance(14 * time.Hour); err != nil { // past the next day's 16:00 expiry
		t.Fatal(err)
	}
	ss := settlements(t, b)
	ex := ss[itmCall.Symbol]
	k := itmCall.Instrument.Strike
	if ex.Kind != brokers.Exercised || ex.Quantity != -1 || ex.DeliveredSymbol != "SPY" || ex.DeliveredQuantity != 100 ||
		!ex.Price.Equal(decimal.NewFromFloat(k)) || !strings.Contains(ex.Reason, "in the money") {
		t.Errorf("ITM long call: %+v", ex)
	}
	for _, sym := range []string{otmCall.Symbol, otmPut.Symbol} {
		if e := ss[sym]; e.Kind != brokers.Expired || !strings.Contains(e.Reason, "out of the money") || e.ID == "" {
			t.Errorf("%s: %+v", sym, e)
		}
	}
	if ss[otmCall.Symbol].Quantity != 1 || ss[otmPut.Symbol].Quantity != -1 {
		t.Errorf("expired quantities %d, %d", ss[otmCall.Symbol].Quantity, ss[otmPut.Symbol].Quantity)
	}
	ps := positions(t, b)
	if len(ps) != 1 || ps["SPY"].Quantity != 100 || !ps["SPY"].AveragePrice.Equal(decimal.NewFromFloat(k)) {
		t.Errorf("after expiry: %v", ps)
	}
	// Exercise pays the strike for 100 shares; expiring options move no cash.
	if want := before.Sub(decimal.NewFromFloat(k * 100)); !cash(t, b).Equal(want) {
		t.Errorf("cash %s; want %s", cash(t, b), want)
	}
}

func TestFuturesOptionAssignedIntoTheFuture(t *testing.T) {
	b := newManual(t, paper.Config{EmptyAccount: true})
	connect(t, b)
	f := underlyingPrice(t, b, "ESZ6")
	put := option(t, b, "ESZ6", 0, pricing.Put, f+150) // the Friday weekly: European
	call := option(t, b, "ESZ6", 0, pricing.Call, f+100)
	if put.Instrument.Style != pricing.European {
		t.Fatalf("%s is %v", put.Symbol, put.Instrument.Style)
	}
	trade(t, b, "es-put", put.Symbol, -1)
	trade(t, b, "es-call", call.Symbol, -1)
	before := cash(t, b)
	if err := b.Advance(26 * time.Hour); err != nil { // Tuesday 10:00 to past Friday's close
		t.Fatal(err)
	}
	ss := settlements(t, b)
	as := ss[put.Symbol]
	k := decimal.NewFromFloat(put.Instrument.Strike)
	if as.Kind != brokers.Assigned || as.DeliveredSymbol != "ESZ6" || as.DeliveredQuantity != 1 || as.Quantity != 1 ||
		as.Delivered.Kind != instrument.Future || !as.Price.Equal(k) {
		t.Errorf("ITM short ES put: %+v", as)
	}
	if e := ss[call.Symbol]; e.Kind != brokers.Expired {
		t.Errorf("OTM short ES call: %+v", e)
	}
	ps := positions(t, b)
	if p := ps["ESZ6"]; p.Quantity != 1 || !p.AveragePrice.Equal(k) {
		t.Errorf("future after assignment: %+v", p)
	}
	// Taking the future moves no cash: its P&L from the strike is marked into net liq.
	if !cash(t, b).Equal(before) {
		t.Errorf("cash %s; want %s", cash(t, b), before)
	}
	a, _ := b.Account(bg)
	p := ps["ESZ6"]
	want := a.Cash.Add(p.Mark.Sub(k).Mul(dec("50")))
	if !a.NetLiquidation.Equal(want) {
		t.Errorf("net liq %s; want cash + (mark − strike) × 50 = %s", a.NetLiquidation, want)
	}
}

func TestFuturesCashSettleAtExpiry(t *testing.T) {
	start := time.Date(2026, 12, 17, 15, 0, 0, 0, time.UTC) // 10:00 New York, the day before ESZ6 expires
	b := newManual(t, paper.Config{EmptyAccount: true, Start: start})
	connect(t, b)
	trade(t, b, "es-long", "ESZ6", 1)
	fills, _ := b.Fills(bg, time.Time{})
	paid := fills[0].Price
	before := cash(t, b)
	if err := b.Advance(8 * time.Hour); err != nil { // past 09:30 on the third Friday
		t.Fatal(err)
	}
	s := settlements(t, b)["ESZ6"]
	if s.Kind != brokers.Expired || s.Quantity != -1 || !strings.Contains(s.Reason, "cash-settled") {
		t.Fatalf("ESZ6 at expiry: %+v", s)
	}
	if _, held := positions(t, b)["ESZ6"]; held {
		t.Error("the expired future is still held")
	}
	if want := before.Add(s.Price.Sub(paid).Mul(dec("50"))); !cash(t, b).Equal(want) {
		t.Errorf("cash %s; want %s + (%s − %s) × 50", cash(t, b), before, s.Price, paid)
	}
}

func TestEarlyAssignmentOfDeepITMShortPut(t *testing.T) {
	b := newManual(t, paper.Config{EmptyAccount: true})
	connect(t, b)
	s := underlyingPrice(t, b, "SPY")
	deep := option(t, b, "SPY", 8, pricing.Put, s*1.12)
	otm := option(t, b, "SPY", 8, pricing.Put, s*0.95)
	trade(t, b, "deep", deep.Symbol, -1)
	trade(t, b, "otm", otm.Symbol, -1)
	if err := b.Advance(7 * time.Hour); err != nil { // past tonight's close
		t.Fatal(err)
	}
	ss := settlements(t, b)
	as, ok := ss[deep.Symbol]
	if !ok || as.Kind != brokers.Assigned || !strings.Contains(as.Reason, "early") ||
		as.DeliveredQuantity != 100 || !as.Time.Before(deep.Instrument.Expiry) {
		t.Fatalf("deep ITM short put: %+v", as)
	}
	if _, ok := ss[otm.Symbol]; ok {
		t.Error("an OTM short put was assigned early")
	}
	ps := positions(t, b)
	if ps["SPY"].Quantity != 100 || ps[otm.Symbol].Quantity != -1 {
		t.Errorf("positions %v", ps)
	}
}

func TestExDividendCallAssignment(t *testing.T) {
	// SPY goes ex-dividend on the third Friday of December (2026-12-18); start the
	// afternoon before.
	start := time.Date(2026, 12, 17, 19, 0, 0, 0, time.UTC) // 14:00 New York
	b := newManual(t, paper.Config{EmptyAccount: true, Start: start})
	connect(t, b)
	s := underlyingPrice(t, b, "SPY")
	exps, _ := b.Expirations(bg, "SPY")
	idx := 0
	for i, e := range exps {
		if e.After(start.AddDate(0, 0, 20)) {
			idx = i
			break
		}
	}
	deep := option(t, b, "SPY", idx, pricing.Call, s*0.82)
	atm := option(t, b, "SPY", idx, pricing.Call, s)
	trade(t, b, "deep-call", deep.Symbol, -1)
	trade(t, b, "atm-call", atm.Symbol, -1)
	if err := b.Advance(3 * time.Hour); err != nil {
		t.Fatal(err)
	}
	ss := settlements(t, b)
	as, ok := ss[deep.Symbol]
	if !ok || as.Kind != brokers.Assigned || !strings.Contains(as.Reason, "ex-dividend") || as.DeliveredQuantity != -100 {
		t.Fatalf("deep ITM short call before ex-dividend: %+v", as)
	}
	if _, ok := ss[atm.Symbol]; ok {
		t.Error("an ATM short call with more time value than the dividend was assigned")
	}
	if ps := positions(t, b); ps["SPY"].Quantity != -100 {
		t.Errorf("shares after the call assignment: %+v", ps["SPY"])
	}
}

func TestDayOrdersEndAtTheClose(t *testing.T) {
	b := newManual(t, paper.Config{EmptyAccount: true})
	connect(t, b)
	low := dec(decimal.NewFromFloat(underlyingPrice(t, b, "SPY") * 0.7).StringFixed(2))
	day, err := b.Place(bg, brokers.Order{ClientID: "day", Legs: []brokers.Leg{{Symbol: "SPY", Ratio: 1}}, Quantity: 1,
		Limit: low, TIF: brokers.Day})
	if err != nil {
		t.Fatal(err)
	}
	gtc, err := b.Place(bg, brokers.Order{ClientID: "gtc", Legs: []brokers.Leg{{Symbol: "SPY", Ratio: 1}}, Quantity: 1,
		Limit: low, TIF: brokers.GTC})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Advance(7 * time.Hour); err != nil {
		t.Fatal(err)
	}
	orders, _ := b.Orders(bg)
	states := map[string]brokers.OrderStatus{}
	for _, o := range orders {
		states[o.ID] = o
	}
	if o := states[day.ID]; o.State != brokers.Cancelled || !strings.Contains(o.Reason, "close") {
		t.Errorf("day order after the close: %+v", o)
	}
	if o := states[gtc.ID]; o.State != brokers.Working {
		t.Errorf("GTC order after the close: %+v", o)
	}
}

func TestFillWhileDisconnectedResyncsOnce(t *testing.T) {
	wall := testStart
	b := newManual(t, paper.Config{EmptyAccount: true, Wall: func() time.Time { return wall }})
	connect(t, b)
	q, _ := b.Quote(bg, "SPY")
	st, err := b.Place(bg, brokers.Order{ClientID: "resting", Legs: []brokers.Leg{{Symbol: "SPY", Ratio: 1}},
		Quantity: 5, Limit: q.Bid, TIF: brokers.GTC})
	if err != nil || st.State != brokers.Working {
		t.Fatalf("%+v %v", st, err)
	}
	if err := b.SimulateDisconnect(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := b.Advance(3 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := b.Connect(bg); !errors.Is(err, brokers.ErrDisconnected) {
		t.Fatalf("Connect during the outage: %v", err)
	}
	wall = wall.Add(31 * time.Second)
	connect(t, b)
	fills, _ := b.Fills(bg, time.Time{})
	if len(fills) != 1 || fills[0].OrderID != st.ID || fills[0].Quantity != 5 {
		t.Fatalf("fills after the outage: %+v", fills)
	}
	orders, _ := b.Orders(bg)
	if len(orders) != 1 || orders[0].State != brokers.Filled {
		t.Fatalf("orders after the outage: %+v", orders)
	}
	// The stream carried the drop and the reconnect, not the fill made while down.
	var sawDrop, sawUp bool
	for {
		select {
		case ev := <-b.Events():
			switch e := ev.(type) {
			case *brokers.FillEvent:
				t.Errorf("fill streamed while the session was down: %+v", e.Fills)
			case *brokers.ConnectionEvent:
				if !e.Connected && errors.Is(e.Err, paper.ErrSimulatedOutage) {
					sawDrop = true
				}
				if e.Connected && sawDrop {
					sawUp = true
				}
			}
			continue
		case <-time.After(200 * time.Millisecond):
		}
		break
	}
	if !sawDrop || !sawUp {
		t.Errorf("connection events: drop %v, up %v", sawDrop, sawUp)
	}
}

func TestRestartResumesTheAccount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keel.db")
	j, err := data.Open(bg, path)
	if err != nil {
		t.Fatal(err)
	}
	wall := testStart
	cfg := paper.Config{Store: j, Seed: 5, Start: testStart, Manual: true, Wall: func() time.Time { return wall }}
	b, err := paper.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	connect(t, b)
	s := underlyingPrice(t, b, "SPY")
	trade(t, b, "restart-put", option(t, b, "SPY", 5, pricing.Put, s-15).Symbol, -2)
	working, err := b.Place(bg, brokers.Order{ClientID: "restart-working", Legs: []brokers.Leg{{Symbol: "QQQ", Ratio: 1}},
		Quantity: 3, Limit: dec("100.00"), TIF: brokers.GTC})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetSpeed(60); err != nil {
		t.Fatal(err)
	}
	if err := b.Advance(90 * time.Minute); err != nil {
		t.Fatal(err)
	}
	type snapshot struct {
		acct   brokers.Account
		pos    []brokers.Position
		orders []brokers.OrderStatus
		fills  []brokers.Fill
		clock  brokers.ClockState
		quote  brokers.Quote
	}
	take := func(b *paper.Broker) snapshot {
		var s snapshot
		s.acct, _ = b.Account(bg)
		s.pos, _ = b.Positions(bg)
		s.orders, _ = b.Orders(bg)
		s.fills, _ = b.Fills(bg, time.Time{})
		s.clock = b.Clock()
		s.quote, _ = b.Quote(bg, "SPY")
		return s
	}
	before := take(b)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	j.Close()

	// Reopen with a different seed and start: the saved account wins.
	j, err = data.Open(bg, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	cfg.Store, cfg.Seed, cfg.Start = j, 99, testStart.AddDate(0, 1, 0)
	b2, err := paper.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	connect(t, b2)
	after := take(b2)
	if !after.acct.NetLiquidation.Equal(before.acct.NetLiquidation) || !after.acct.Cash.Equal(before.acct.Cash) ||
		!after.acct.RealizedPnL.Equal(before.acct.RealizedPnL) {
		t.Errorf("account %+v; before %+v", after.acct, before.acct)
	}
	if !after.clock.Now.Equal(before.clock.Now) || after.clock.Speed != 60 {
		t.Errorf("clock %+v; before %+v", after.clock, before.clock)
	}
	if !after.quote.Bid.Equal(before.quote.Bid) || !after.quote.Ask.Equal(before.quote.Ask) {
		t.Errorf("SPY %s/%s; before %s/%s", after.quote.Bid, after.quote.Ask, before.quote.Bid, before.quote.Ask)
	}
	if len(after.pos) != len(before.pos) || len(after.orders) != len(before.orders) || len(after.fills) != len(before.fills) {
		t.Fatalf("positions %d/%d orders %d/%d fills %d/%d", len(after.pos), len(before.pos),
			len(after.orders), len(before.orders), len(after.fills), len(before.fills))
	}
	for i := range before.pos {
		p, q := before.pos[i], after.pos[i]
		if p.Symbol != q.Symbol || p.Quantity != q.Quantity || !p.AveragePrice.Equal(q.AveragePrice) || !p.Opened.Equal(q.Opened) {
			t.Errorf("position %+v; before %+v", q, p)
		}
	}
	for i := range before.fills {
		if before.fills[i].ID != after.fills[i].ID || !before.fills[i].Price.Equal(after.fills[i].Price) {
			t.Errorf("fill %+v; before %+v", after.fills[i], before.fills[i])
		}
	}
	// The working order still works, and the same ClientID still finds it.
	again, err := b2.Place(bg, brokers.Order{ClientID: "restart-working", Legs: []brokers.Leg{{Symbol: "QQQ", Ratio: 1}},
		Quantity: 3, Limit: dec("100.00"), TIF: brokers.GTC})
	if err != nil || again.ID != working.ID || again.State != brokers.Working {
		t.Errorf("working order after restart: %+v, %v", again, err)
	}
	// Ids keep counting: a new order does not reuse one.
	next := trade(t, b2, "restart-new", "SPY", 1)
	for _, o := range before.orders {
		if o.ID == next.ID {
			t.Errorf("order id %s reused after restart", next.ID)
		}
	}
	fills, _ := b2.Fills(bg, time.Time{})
	ids := map[string]bool{}
	for _, f := range fills {
		if ids[f.ID] {
			t.Errorf("fill id %s reused", f.ID)
		}
		ids[f.ID] = true
	}
}

// spyDelta is a position's delta in SPY shares, beta-weighted: quantity × multiplier ×
// delta × underlying price × beta ÷ SPY price, with the option delta from engine/pricing
// at the quote's implied vol.
func spyDelta(t *testing.T, b *paper.Broker, p brokers.Position, now time.Time) float64 {
	t.Helper()
	spy := underlyingPrice(t, b, "SPY")
	in := p.Instrument
	delta, under := 1.0, p.Symbol
	if in.IsOption() {
		q, err := b.Quote(bg, p.Symbol)
		if err != nil {
			t.Fatal(err)
		}
		under = in.Underlying
		o := pricing.Option{Style: in.Style, Underlying: pricing.Spot, Right: in.Right,
			Spot: underlyingPrice(t, b, under), Strike: in.Strike, Years: instrument.YearFraction(now, in.Expiry),
			Rate: 0.04, Carry: 0.04, Vol: q.IV}
		if in.Kind == instrument.FuturesOption {
			o.Underlying = pricing.Futures
		}
		g, err := pricing.Value(o)
		if err != nil {
			t.Fatal(err)
		}
		delta = g.Delta
	}
	beta := in.Beta
	return float64(p.Quantity) * in.Multiplier * delta * underlyingPrice(t, b, under) * beta / spy
}

func TestDemoBookIsRoughlyDeltaNeutral(t *testing.T) {
	for _, seed := range []uint64{1, 42, 2026} {
		b := newManual(t, paper.Config{Seed: seed})
		connect(t, b)
		now := b.Clock().Now
		ps := positions(t, b)
		var net, gross float64
		kinds := map[string]int{}
		for sym, p := range ps {
			d := spyDelta(t, b, p, now)
			net += d
			gross += math.Abs(d)
			in := p.Instrument
			switch {
			case in.Kind == instrument.FuturesOption && in.Root == "ES" && p.Quantity < 0:
				kinds["short ES option"]++
				if dte := in.Expiry.Sub(now).Hours() / 24; dte < 30 || dte > 45 {
					t.Errorf("seed %d: %s has %.0f days", seed, sym, dte)
				}
			case in.Kind == instrument.Future && in.Root == "MES" && p.Quantity > 0:
				kinds["long MES"]++
			case in.Kind == instrument.Option && in.Root == "SPY" && p.Quantity < 0:
				kinds["short SPY option"]++
			case in.Kind == instrument.Option && in.Root == "VXX" && p.Quantity < 0 && in.Right == pricing.Call:
				kinds["short VXX call"]++
			case in.Kind == instrument.Stock && (in.Root == "SH" || in.Root == "SPY") && p.Quantity > 0:
				kinds["hedge"]++
			default:
				t.Errorf("seed %d: unexpected demo position %s %d", seed, sym, p.Quantity)
			}
		}
		want := map[string]int{"short ES option": 2, "long MES": 1, "short SPY option": 2, "short VXX call": 1, "hedge": 1}
		for k, n := range want {
			if kinds[k] != n {
				t.Errorf("seed %d: %d × %s; want %d", seed, kinds[k], k, n)
			}
		}
		// Roughly delta-neutral: the net within 5% of the gross of the legs.
		if math.Abs(net) > 0.05*gross || gross < 200 {
			t.Errorf("seed %d: net %.1f SPY shares of delta, gross %.1f", seed, net, gross)
		}
		fills, _ := b.Fills(bg, time.Time{})
		for _, f := range fills {
			if !strings.HasPrefix(f.ClientID, paper.DemoPrefix) {
				t.Errorf("demo fill %s has ClientID %q", f.ID, f.ClientID)
			}
		}
		a, _ := b.Account(bg)
		if !a.BuyingPower.IsPositive() || a.Maintenance.GreaterThan(a.NetLiquidation.Div(dec("2"))) {
			t.Errorf("seed %d: the demo book uses too much margin: %+v", seed, a)
		}
	}
}

func TestClockRunsOnTheWallClock(t *testing.T) {
	b, err := paper.New(paper.Config{EmptyAccount: true, Start: testStart, Speed: 600})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.SetSpeed(0); err == nil {
		t.Error("speed 0 accepted")
	}
	w0 := time.Now()
	c0 := b.Clock()
	time.Sleep(400 * time.Millisecond)
	c1 := b.Clock()
	wall := time.Since(w0) // at least the 400 ms slept; more on a loaded machine
	moved := c1.Now.Sub(c0.Now)
	// The market moves 600× the wall clock between the two readings, which lie within wall;
	// it advances in steps, so allow well under the 4 minutes of the 400 ms slept.
	if moved < time.Minute || moved > wall*600+time.Minute || !c1.Open || c1.Speed != 600 {
		t.Errorf("%v of wall clock at 600× moved the market %s (%+v)", wall, moved, c1)
	}
	b.SetPaused(true)
	p0 := b.Clock()
	time.Sleep(250 * time.Millisecond)
	if p1 := b.Clock(); !p1.Now.Equal(p0.Now) || !p1.Paused {
		t.Errorf("paused clock moved from %s to %s", p0.Now, p1.Now)
	}
}

func TestClosedBrokerRefusesCalls(t *testing.T) {
	b := newManual(t, paper.Config{EmptyAccount: true})
	connect(t, b)
	b.Close()
	if _, err := b.Account(bg); !errors.Is(err, paper.ErrClosed) {
		t.Errorf("Account after Close: %v", err)
	}
}

func TestEstimateCosts(t *testing.T) {
	b := newManual(t, paper.Config{EmptyAccount: true})
	// A 3-lot ES strangle plus 2 SPY options per unit and 100 shares:
	// 6 ES options × (1.50 + 1.00), 6 SPY options × (0.65 + 0.05), shares free.
	o := brokers.Order{Quantity: 3, Legs: []brokers.Leg{
		{Symbol: "ESZ6 P6000 2026-11-20", Ratio: -1}, {Symbol: "ESZ6 C7000 2026-11-20", Ratio: -1},
		{Symbol: "SPY   261218P00600000", Ratio: 2}, {Symbol: "SPY", Ratio: 100}}}
	c, f, err := b.EstimateCosts(o)
	if err != nil || !c.Equal(dec("12.90")) || !f.Equal(dec("6.30")) {
		t.Errorf("commission %s fees %s (%v); want 12.90 (9.00 + 3.90) and 6.30 (6.00 + 0.30)", c, f, err)
	}
	if _, _, err := b.EstimateCosts(brokers.Order{Quantity: 1, Legs: []brokers.Leg{{Symbol: "not a symbol at all", Ratio: 1}}}); err == nil {
		t.Error("costs of a bad symbol")
	}
}
