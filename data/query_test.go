package data

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/pricing"
)

// threeTrades records: SPY short put (closed, +148.72 over 7 days), SPY put held open, and a
// QQQ short call closed at a loss (−101.14 over 2 days).
func threeTrades(t *testing.T, j *Journal) {
	t.Helper()
	p450, p440 := spyOption(pricing.Put, 450, apr17), spyOption(pricing.Put, 440, apr17)
	qqq := spyOption(pricing.Call, 400, apr17)
	qqq.Root, qqq.Underlying = "QQQ", "QQQ"
	mustImport(t, j,
		fill("e1", "o1", day(2, 15), p450, "-1", "2.50", "1.00", "0.14"),
		fill("e2", "o2", day(9, 15), p450, "1", "1.00", "0", "0.14"),
		fill("e3", "o3", day(10, 15), p440, "-1", "3.00", "1.00", "0.14"),
		fill("e4", "o4", day(16, 15), qqq, "-1", "1.00", "1.00", "0.14"),
		fill("e5", "o5", day(18, 15), qqq, "1", "2.00", "0", "0"))
}

func TestListTradesFiltersSortsAndTotals(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	threeTrades(t, j)
	cases := []struct {
		name     string
		f        Filter
		p        Page
		wantIDs  []int64
		trades   int
		realized string
	}{
		{"all newest first", Filter{}, Page{}, []int64{3, 2, 1}, 3, "47.58"},
		{"page of one", Filter{}, Page{Limit: 1, Offset: 1}, []int64{2}, 3, "47.58"},
		{"underlying", Filter{Underlying: "SPY"}, Page{Sort: OldestFirst}, []int64{1, 2}, 2, "148.72"},
		{"open", Filter{Status: StatusOpen}, Page{}, []int64{2}, 1, "0"},
		{"closed best first", Filter{Status: StatusClosed}, Page{Sort: BestPnLFirst}, []int64{1, 3}, 2, "47.58"},
		{"worst first", Filter{Status: StatusClosed}, Page{Sort: WorstPnLFirst}, []int64{3, 1}, 2, "47.58"},
		{"opened in range", Filter{From: day(9, 0), To: day(17, 0)}, Page{Sort: OldestFirst}, []int64{2, 3}, 2, "-101.14"},
		{"closed in range", Filter{DateField: ByCloseDate, From: day(9, 0), To: day(10, 0)}, Page{}, []int64{1}, 1, "148.72"},
		{"account", Filter{AccountID: 1}, Page{Sort: UnderlyingAToZ}, []int64{3, 2, 1}, 3, "47.58"},
		{"no such account", Filter{AccountID: 9}, Page{}, nil, 0, "0"},
	}
	for _, c := range cases {
		list, err := j.ListTrades(ctx, c.f, c.p)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var ids []int64
		for _, tr := range list.Trades {
			ids = append(ids, tr.ID)
		}
		if len(ids) != len(c.wantIDs) {
			t.Errorf("%s: ids %v, want %v", c.name, ids, c.wantIDs)
			continue
		}
		for i := range ids {
			if ids[i] != c.wantIDs[i] {
				t.Errorf("%s: ids %v, want %v", c.name, ids, c.wantIDs)
				break
			}
		}
		if list.Totals.Trades != c.trades || !list.Totals.RealizedPnL.Equal(dec(c.realized)) {
			t.Errorf("%s: totals %+v, want %d trades, realized %s", c.name, list.Totals, c.trades, c.realized)
		}
	}
	if _, err := j.ListTrades(ctx, Filter{Status: "maybe"}, Page{}); err == nil {
		t.Error("a bad status was accepted")
	}
	if err := j.SetTags(ctx, 3, []Tag{{MistakeTag, "sold into strength"}, {EmotionTag, "fear"}}); err != nil {
		t.Fatal(err)
	}
	list, err := j.ListTrades(ctx, Filter{Tag: "fear", TagKind: EmotionTag}, Page{})
	if err != nil || len(list.Trades) != 1 || list.Trades[0].ID != 3 {
		t.Errorf("by tag: %+v %v", list.Trades, err)
	}
	tags, err := j.Tags(ctx)
	if err != nil || len(tags) != 2 || tags[0] != (Tag{EmotionTag, "fear"}) {
		t.Errorf("tags %v %v", tags, err)
	}
	if err := j.SetTags(ctx, 3, nil); err != nil {
		t.Fatal(err)
	}
	if list, _ := j.ListTrades(ctx, Filter{Tag: "fear"}, Page{}); len(list.Trades) != 0 {
		t.Error("tags were not replaced")
	}
	if err := j.SetTags(ctx, 3, []Tag{{"mood", "x"}}); err == nil {
		t.Error("a bad tag kind was accepted")
	}
	if err := j.SetTags(ctx, 99, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("tags on a missing trade: %v", err)
	}
}

func TestStats(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	threeTrades(t, j)
	if _, err := j.AddHedge(ctx, Hedge{TradeID: 2, Reason: "delta beyond band", Policy: "band 0.10", Cost: dec("12.50"), Time: day(11, 15)}); err != nil {
		t.Fatal(err)
	}
	s, err := j.Stats(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// Premium 250 + 300 + 100 = 650; commission 3, fees 0.56; hedging 12.50.
	equalDec(t, "premium", s.Premium, "650")
	equalDec(t, "transaction costs", s.TransactionCosts, "3.56")
	equalDec(t, "hedging costs", s.HedgingCosts, "12.5")
	// (3.56 + 12.50) / 650 = 0.024707692…
	equalDec(t, "cost share", s.CostShare, "0.024708")
	equalDec(t, "realized", s.RealizedPnL, "47.58")
	if s.Trades != 3 || s.Closed != 2 || s.Open != 1 || s.Wins != 1 || s.WinRate != 0.5 || s.Hedges != 1 || s.Rolls != 0 {
		t.Errorf("counts %+v", s)
	}
	if s.AvgDaysHeld != 4.5 { // (7 + 2) / 2
		t.Errorf("avg days held %v", s.AvgDaysHeld)
	}
	if len(s.PnL) != 2 || !s.PnL[0].Day.Equal(time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)) ||
		!s.PnL[1].Cumulative.Equal(dec("47.58")) || !s.PnL[1].Realized.Equal(dec("-101.14")) {
		t.Errorf("pnl series %+v", s.PnL)
	}
	if len(s.ByMonth) != 1 || !s.ByMonth[0].Premium.Equal(dec("650")) || !s.ByMonth[0].Costs.Equal(dec("16.06")) {
		t.Errorf("by month %+v", s.ByMonth)
	}
	d, err := j.TradeDetail(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Hedges) != 1 || d.Hedges[0].Policy != "band 0.10" || !d.HedgeCost.Equal(dec("12.5")) || d.TradeSummary.Hedges != 1 {
		t.Errorf("hedges %+v summary %+v", d.Hedges, d.TradeSummary)
	}
	// Open trade: held from March 10 15:30 to the clock, November 20 21:00.
	if want := testNow.Sub(day(10, 15)).Hours() / 24; d.DaysHeld != want {
		t.Errorf("days held %v, want %v", d.DaysHeld, want)
	}
	empty, err := j.Stats(ctx, Filter{Underlying: "IWM"})
	if err != nil || empty.Trades != 0 || empty.HasCostShare || empty.WinRate != 0 {
		t.Errorf("empty stats %+v %v", empty, err)
	}
}

func TestLessonsAndGreeks(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	threeTrades(t, j)
	clock := testNow
	j.now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	a, err := j.AddLesson(ctx, Lesson{TradeID: 3, Text: "Do not sell calls into a 100% rally"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := j.AddLesson(ctx, Lesson{Day: "2026-03-18", Text: "stop after two losses"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.AddLesson(ctx, Lesson{Layer: "ES long", Text: "hedge before the close"}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Lesson{{Text: "tied to nothing"}, {TradeID: 1, Text: "  "}, {Day: "18/03/2026", Text: "x"}, {TradeID: 77, Text: "x"}} {
		if _, err := j.AddLesson(ctx, bad); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
	all, err := j.Lessons(ctx, "")
	if err != nil || len(all) != 3 || all[0].Layer != "ES long" || all[2].ID != a || all[2].Underlying != "QQQ" {
		t.Fatalf("lessons %+v %v", all, err)
	}
	found, err := j.Lessons(ctx, "100%")
	if err != nil || len(found) != 1 || found[0].ID != a {
		t.Errorf("search 100%%: %+v %v", found, err)
	}
	if found, _ := j.Lessons(ctx, "ES LONG"); len(found) != 1 {
		t.Errorf("search by layer: %+v", found)
	}
	if err := j.UpdateLesson(ctx, b, "stop after two losses in a day"); err != nil {
		t.Fatal(err)
	}
	if err := j.DeleteLesson(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := j.DeleteLesson(ctx, a); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	all, _ = j.Lessons(ctx, "")
	if len(all) != 2 || all[1].Text != "stop after two losses in a day" || !all[1].UpdatedAt.After(all[1].CreatedAt) {
		t.Errorf("after update and delete: %+v", all)
	}

	g := GreekSnapshot{TradeID: 2, Entry: true, Time: day(10, 15), Delta: 18, Gamma: -1.2, Theta: 9.5, Vega: -22, IV: 0.19, UnderlyingPrice: dec("455.10")}
	if _, err := j.RecordGreeks(ctx, g); err != nil {
		t.Fatal(err)
	}
	daily := g
	daily.Entry, daily.Time = false, day(11, 20)
	if _, err := j.RecordGreeks(ctx, daily); err != nil {
		t.Fatal(err)
	}
	nan := g
	nan.Vega = nanValue()
	if _, err := j.RecordGreeks(ctx, nan); err == nil {
		t.Error("NaN vega accepted")
	}
	d, err := j.TradeDetail(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.EntryGreeks) != 1 || d.EntryGreeks[0].Delta != 18 || !d.EntryGreeks[0].UnderlyingPrice.Equal(decimal.RequireFromString("455.1")) {
		t.Errorf("entry greeks %+v", d.EntryGreeks)
	}
	if _, err := j.TradeDetail(ctx, 404); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing trade: %v", err)
	}
}
