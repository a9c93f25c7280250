package data

import (
	"context"
	"reflect"
	"testing"
)

// TestTradesPageAndTotalsMatchListTrades: the page and count of TradesPage and the totals of
// TradeTotals are exactly ListTrades' page and totals, for each sort, filter and offset.
func TestTradesPageAndTotalsMatchListTrades(t *testing.T) {
	j := tieJournal(t, 700)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		f    Filter
		p    Page
	}{
		{"first page newest", Filter{}, Page{Sort: NewestFirst, Limit: 200}},
		{"third page best P&L", Filter{}, Page{Sort: BestPnLFirst, Limit: 200, Offset: 400}},
		{"past the end", Filter{}, Page{Sort: OldestFirst, Limit: 200, Offset: 800}},
		{"SPY open", Filter{Underlying: "SPY", Status: StatusOpen}, Page{Sort: UnderlyingAToZ, Limit: 50}},
		{"no sample", Filter{HideSample: true}, Page{Sort: RecentlyClosed, Limit: 200, Offset: 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := j.ListTrades(ctx, tc.f, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			page, n, err := j.TradesPage(ctx, tc.f, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(page, want.Trades) || n != want.Totals.Trades {
				t.Errorf("page of %d (count %d), want %d (count %d)", len(page), n, len(want.Trades), want.Totals.Trades)
			}
			tot, err := j.TradeTotals(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tot, want.Totals) {
				t.Errorf("totals %+v, want %+v", tot, want.Totals)
			}
			if tc.name == "first page newest" && (len(page) != 200 || n != 700) {
				t.Errorf("%d rows of %d", len(page), n)
			}
		})
	}
}
