package data

import (
	"context"
	"strings"
	"testing"

	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/pricing"
)

// Expected values below are worked by hand from the fills: cash = −qty × price × multiplier
// − commission − fees; realized P&L of a closed lot = its cash on both sides.

func TestImportShortPutOpenAndClose(t *testing.T) {
	j := openTemp(t)
	p450 := spyOption(pricing.Put, 450, apr17)
	res := mustImport(t, j,
		fill("e1", "o1", day(2, 15), p450, "-1", "2.50", "1.00", "0.14"),
		fill("e2", "o2", day(9, 15), p450, "1", "1.00", "0", "0.14"))
	if res.New != 2 || res.Skipped != 0 || res.TradesOpened != 1 || res.TradesClosed != 1 || res.Rolls != 0 {
		t.Fatalf("result %+v", res)
	}
	d := onlyTrade(t, j)
	if d.Status != StatusClosed || d.Strategy != "short put" || d.Underlying != "SPY" {
		t.Fatalf("trade %+v", d.TradeSummary)
	}
	// (2.50 − 1.00) × 100 − 1.00 − 0.14 − 0.14 = 148.72
	equalDec(t, "realized", d.RealizedPnL, "148.72")
	equalDec(t, "premium", d.Premium, "250")
	equalDec(t, "commission", d.Commission, "1")
	equalDec(t, "fees", d.Fees, "0.28")
	// costs / premium = 1.28 / 250
	if !d.HasCostShare {
		t.Fatal("no cost share")
	}
	equalDec(t, "cost share", d.CostShare, "0.00512")
	if d.DaysHeld != 7 {
		t.Errorf("days held %v, want 7", d.DaysHeld)
	}
	if len(d.Legs) != 1 || !d.Legs[0].Quantity.IsZero() || d.Legs[0].Side != Short || d.Legs[0].ClosedAt.IsZero() {
		t.Errorf("legs %+v", d.Legs)
	}
	if len(d.Fills) != 2 {
		t.Fatalf("fills %+v", d.Fills)
	}
	equalDec(t, "open cash", d.Fills[0].Cash, "248.86")
	equalDec(t, "close realized", d.Fills[1].RealizedPnL, "148.72")
}

func TestImportTwiceAndOverlappingCreatesNoDuplicates(t *testing.T) {
	j := openTemp(t)
	p450, p440 := spyOption(pricing.Put, 450, apr17), spyOption(pricing.Put, 440, apr17)
	a := fill("e1", "o1", day(2, 15), p450, "-1", "2.50", "1", "0.1")
	b := fill("e2", "o2", day(3, 15), p440, "-2", "1.80", "2", "0.2")
	c := fill("e3", "o3", day(9, 15), p450, "1", "1.00", "0", "0.1")
	first := mustImport(t, j, a, b)
	again := mustImport(t, j, a, b)
	overlap := mustImport(t, j, b, c)
	if first.New != 2 || again.New != 0 || again.Skipped != 2 || overlap.New != 1 || overlap.Skipped != 1 {
		t.Fatalf("first %+v again %+v overlap %+v", first, again, overlap)
	}
	if n := count(t, j, "fills"); n != 3 {
		t.Errorf("%d fills, want 3", n)
	}
	if n := count(t, j, "trades"); n != 2 {
		t.Errorf("%d trades, want 2", n)
	}
	// The same event twice inside one statement is recorded once.
	dup := mustImport(t, j, fill("e4", "o4", day(10, 15), p440, "1", "1", "0", "0"), fill("e4", "o4", day(10, 15), p440, "1", "1", "0", "0"))
	if dup.New != 1 || dup.Skipped != 1 {
		t.Errorf("duplicate in one statement: %+v", dup)
	}
}

func TestImportFIFOAcrossTradesAndPartialClose(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	p450 := spyOption(pricing.Put, 450, apr17)
	mustImport(t, j,
		fill("e1", "o1", day(2, 15), p450, "-2", "3.00", "2.00", "0"), // trade A
		fill("e2", "o2", day(3, 15), p450, "-1", "4.00", "1.00", "0"), // trade B
		fill("e3", "o3", day(4, 15), p450, "1", "1.00", "0.60", "0"),  // closes 1 of A
		fill("e4", "o4", day(5, 15), p450, "2", "2.00", "1.20", "0"),  // closes the other of A, then 1 of B
	)
	list, err := j.ListTrades(ctx, Filter{}, Page{Sort: OldestFirst})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Trades) != 2 {
		t.Fatalf("%d trades", len(list.Trades))
	}
	a, b := list.Trades[0], list.Trades[1]
	// A: lot of 2 at 3.00 with 2.00 commission. Close 1 at 1.00 (0.60): 1×2×100 − 1.00 − 0.60 = 198.40.
	// Close 1 at 2.00 (half of 1.20): 1×1×100 − 1.00 − 0.60 = 98.40. Total 296.80.
	equalDec(t, "A realized", a.RealizedPnL, "296.8")
	// B: 1 at 4.00 (1.00), closed at 2.00 (0.60): 200 − 1.60 = 198.40.
	equalDec(t, "B realized", b.RealizedPnL, "198.4")
	if a.Status != StatusClosed || b.Status != StatusClosed {
		t.Errorf("statuses %s %s", a.Status, b.Status)
	}
	// Event e4 is split into two fill parts, one per trade, with commission shared 0.60/0.60.
	var parts int
	if err := j.read.QueryRow("SELECT count(*) FROM fills WHERE exec_id = 'e4'").Scan(&parts); err != nil {
		t.Fatal(err)
	}
	if parts != 2 {
		t.Errorf("e4 in %d parts, want 2", parts)
	}
	// Totals: every trade's cash adds up: 600 − 2 + 400 − 1 − 100 − 0.6 − 400 − 1.2 = 495.2
	equalDec(t, "total realized", list.Totals.RealizedPnL, "495.2")
	equalDec(t, "total costs", list.Totals.Costs, "4.8")
	equalDec(t, "total premium", list.Totals.Premium, "1000")
}

func TestImportPartialCloseLeavesTradeOpen(t *testing.T) {
	j := openTemp(t)
	p450 := spyOption(pricing.Put, 450, apr17)
	mustImport(t, j,
		fill("e1", "o1", day(2, 15), p450, "-3", "3.00", "3.00", "0"),
		fill("e2", "o2", day(4, 15), p450, "1", "1.00", "1.00", "0"))
	d := onlyTrade(t, j)
	if d.Status != StatusOpen || !d.ClosedAt.IsZero() {
		t.Fatalf("status %s closed %v", d.Status, d.ClosedAt)
	}
	equalDec(t, "open quantity", d.Legs[0].Quantity, "2")
	// 1 × 2.00 × 100 − 1.00 (a third of the opening commission) − 1.00 = 198
	equalDec(t, "realized", d.RealizedPnL, "198")
}

func TestImportRollJoinsTheTrade(t *testing.T) {
	j := openTemp(t)
	p450, p440 := spyOption(pricing.Put, 450, apr17), spyOption(pricing.Put, 440, may15)
	res := mustImport(t, j,
		fill("e1", "o1", day(2, 15), p450, "-1", "5.00", "0", "0"),
		fill("e2", "o2", day(10, 15), p450, "1", "3.00", "0", "0"),
		fill("e3", "o2", day(10, 15), p440, "-1", "4.50", "0", "0"))
	if res.Rolls != 1 || res.TradesOpened != 1 {
		t.Fatalf("result %+v", res)
	}
	d := onlyTrade(t, j)
	if d.Rolls != 1 || d.Status != StatusOpen || len(d.Legs) != 2 {
		t.Fatalf("trade %+v legs %+v", d.TradeSummary, d.Legs)
	}
	if len(d.Chain) != 2 || d.Chain[0].Step != "open" || d.Chain[1].Step != "roll" {
		t.Fatalf("chain %+v", d.Chain)
	}
	// Entry: +500; break even 450 − 500/100 = 445.
	equalDec(t, "entry credit", d.Chain[0].Credit, "500")
	if len(d.Chain[0].Breakevens) != 1 {
		t.Fatalf("entry breakevens %v", d.Chain[0].Breakevens)
	}
	equalDec(t, "entry breakeven", d.Chain[0].Breakevens[0], "445")
	// Roll: −300 + 450 = +150; cumulative 650; new breakeven 440 − 6.50 = 433.50.
	equalDec(t, "roll credit", d.Chain[1].Credit, "150")
	equalDec(t, "cumulative", d.CumulativeCredit, "650")
	if len(d.Breakevens) != 1 {
		t.Fatalf("breakevens %v", d.Breakevens)
	}
	equalDec(t, "breakeven", d.Breakevens[0], "433.5")
	// Premium counts both sales to open: 500 + 450.
	equalDec(t, "premium", d.Premium, "950")
	// The roll's realized P&L on the old leg: (5.00 − 3.00) × 100 = 200.
	equalDec(t, "realized", d.RealizedPnL, "200")
	var net string
	if err := j.read.QueryRow("SELECT net_credit FROM rolls").Scan(&net); err != nil {
		t.Fatal(err)
	}
	if net != "150" {
		t.Errorf("roll net credit %s, want 150", net)
	}
}

func TestImportAssignmentIntoFuture(t *testing.T) {
	// Brokers give the assignment and the delivery the same order (tastytrade, IBKR as
	// parsed) or none; both must land in the assigned trade.
	for _, order := range []string{"", "rd:20260320:ES"} {
		t.Run("order "+order, func(t *testing.T) { testAssignmentIntoFuture(t, order) })
	}
}

func testAssignmentIntoFuture(t *testing.T, order string) {
	j := openTemp(t)
	put := esPut(5000)
	assign := statement.Event{Broker: "tastytrade", Account: "5WX01", ID: "a1", Time: day(20, 21), Kind: statement.Assignment,
		Instrument: put, Quantity: dec("1"), Price: dec("0"), Commission: dec("0"), Fees: dec("0"), Source: "test.csv assignment"}
	deliver := statement.Event{Broker: "tastytrade", Account: "5WX01", ID: "d1", Time: day(20, 21), Kind: statement.Delivery,
		Instrument: esFuture, Quantity: dec("1"), Price: dec("5000"), Commission: dec("0"), Fees: dec("1.50"), Source: "test.csv delivery"}
	assign.Order, deliver.Order = order, order
	// The delivery comes first in the file: import still pairs it with the assignment.
	res := mustImport(t, j,
		fill("e1", "o1", day(2, 15), put, "-1", "20", "1.25", "1.00"),
		deliver, assign,
		fill("e2", "o2", day(23, 15), esFuture, "-1", "5010", "1.25", "1.50"))
	if res.TradesOpened != 1 || res.TradesClosed != 1 {
		t.Fatalf("result %+v", res)
	}
	d := onlyTrade(t, j)
	if len(d.Legs) != 2 || d.Status != StatusClosed {
		t.Fatalf("legs %+v status %s", d.Legs, d.Status)
	}
	if len(d.Settlements) != 1 || d.Settlements[0].Kind != "assignment" || d.Settlements[0].DeliveredWhat != "ESZ26" {
		t.Fatalf("settlements %+v", d.Settlements)
	}
	// Option: 20 × 50 − 2.25 = 997.75. Future: bought at 5000 (1.50), sold at 5010 (2.75):
	// 10 × 50 − 4.25 = 495.75. Total 1493.50.
	equalDec(t, "realized", d.RealizedPnL, "1493.5")
	steps := []string{}
	for _, s := range d.Chain {
		steps = append(steps, s.Step)
	}
	want := "open,assignment,close" // the delivery is part of the assignment's step
	if order == "" {
		want = "open,assignment,delivery,close"
	}
	if strings.Join(steps, ",") != want {
		t.Errorf("chain steps %v", steps)
	}
}

func TestImportExpiration(t *testing.T) {
	j := openTemp(t)
	c470 := spyOption(pricing.Call, 470, apr17)
	exp := statement.Event{Broker: "tastytrade", Account: "5WX01", ID: "x1", Time: apr17, Kind: statement.Expiration,
		Instrument: c470, Quantity: dec("-2"), Price: dec("0"), Source: "test.csv expiration"}
	mustImport(t, j, fill("e1", "o1", day(2, 15), c470, "-2", "1.10", "2", "0.2"), exp)
	d := onlyTrade(t, j)
	// 2 × 1.10 × 100 − 2.20 = 217.80; the sign of the expiration's quantity is taken from the position.
	equalDec(t, "realized", d.RealizedPnL, "217.8")
	if d.Status != StatusClosed || len(d.Settlements) != 1 || d.Settlements[0].Kind != "expiration" {
		t.Fatalf("status %s settlements %+v", d.Status, d.Settlements)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	j := openTemp(t)
	p450, c470 := spyOption(pricing.Put, 450, apr17), spyOption(pricing.Call, 470, apr17)
	bad := fill("e2", "o2", day(3, 15), c470, "1", "1.00", "0", "0")
	bad.Effect = statement.Close
	bad.Source = "statement.csv line 14"
	_, err := j.Import(context.Background(), AccountRef{}, stmt(fill("e1", "o1", day(2, 15), p450, "-1", "2", "0", "0"), bad))
	if err == nil || !strings.HasPrefix(err.Error(), "statement.csv line 14: closes 1 SPY 2026-04-17 470 C") {
		t.Fatalf("error %v", err)
	}
	for _, table := range []string{"accounts", "instruments", "trades", "legs", "fills"} {
		if n := count(t, j, table); n != 0 {
			t.Errorf("%d rows in %s after a failed import", n, table)
		}
	}
}

func TestImportRejectsBadEvents(t *testing.T) {
	p450 := spyOption(pricing.Put, 450, apr17)
	noID := fill("", "o1", day(2, 15), p450, "-1", "2", "0", "0")
	zero := fill("e1", "o1", day(2, 15), p450, "0", "2", "0", "0")
	badStrike := fill("e1", "o1", day(2, 15), spyOption(pricing.Put, 0, apr17), "-1", "2", "0", "0")
	expireNothing := statement.Event{Broker: "tastytrade", Account: "5WX01", ID: "x", Time: apr17, Kind: statement.Expiration,
		Instrument: p450, Quantity: dec("1"), Source: "s.csv line 3"}
	otherAccount := fill("e1", "o1", day(2, 15), p450, "-1", "2", "0", "0")
	otherAccount.Account = "OTHER"
	cases := []struct {
		name string
		ref  AccountRef
		ev   statement.Event
		want string
	}{
		{"no id", AccountRef{}, noID, "has no event id"},
		{"zero quantity", AccountRef{}, zero, "quantity is zero"},
		{"bad strike", AccountRef{}, badStrike, "strike 0 must be a positive number"},
		{"expire nothing", AccountRef{}, expireNothing, "s.csv line 3: expiration of SPY 2026-04-17 450 P, but the journal has no open position"},
		{"other account", AccountRef{Account: "5WX01"}, otherAccount, `account "OTHER" is not the account being imported`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := openTemp(t)
			_, err := j.Import(context.Background(), c.ref, stmt(c.ev))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestStrategyNames(t *testing.T) {
	p := func(short bool, put bool, strike, expiry string) legShape {
		k := legShape{short: short, put: put, strike: strike, expiry: expiry}
		k.kind = 2 // instrument.Option
		return k
	}
	cases := []struct {
		legs []legShape
		want string
	}{
		{[]legShape{p(true, true, "450", "a")}, "short put"},
		{[]legShape{p(false, false, "450", "a")}, "long call"},
		{[]legShape{p(true, true, "440", "a"), p(true, false, "460", "a")}, "short strangle"},
		{[]legShape{p(true, true, "450", "a"), p(true, false, "450", "a")}, "short straddle"},
		{[]legShape{p(true, true, "450", "a"), p(false, true, "440", "a")}, "put spread"},
		{[]legShape{p(true, false, "450", "a"), p(false, false, "450", "b")}, "calendar"},
		{[]legShape{p(true, true, "440", "a"), p(false, true, "430", "a"), p(true, false, "460", "a"), p(false, false, "470", "a")}, "iron condor"},
		{[]legShape{p(true, true, "440", "a"), p(true, true, "430", "a"), p(true, true, "420", "a")}, "custom"},
	}
	for _, c := range cases {
		if got := strategyName(c.legs); got != c.want {
			t.Errorf("%+v: %q, want %q", c.legs, got, c.want)
		}
	}
}
