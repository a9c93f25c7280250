package data

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// tieJournal writes n trades straight into the trades table, with many ties in every
// column the trade list sorts by: 13 opening times, 11 closing times (every 7th trade still
// open), 9 realized P&Ls, 4 underlyings, two accounts (the second the sample history).
func tieJournal(t *testing.T, n int) *Journal {
	t.Helper()
	j := openTemp(t)
	tx, err := j.write.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO accounts (broker, account, kind, sample) VALUES ('tastytrade', 'A', 'live', 0),
		('tastytrade', 'SAMPLE', 'live', 1)`); err != nil {
		t.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO trades (account_id, underlying, strategy, status, opened_at, closed_at, premium, commission, fees,
		hedge_cost, realized_pnl) VALUES (?, ?, 'short put', ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	roots := []string{"SPY", "QQQ", "IWM", "ES"}
	pnls := []string{"148.72", "-101.14", "0", "12.5", "-0.01", "148.72", "3000", "-2999.99", "0.3333333333"}
	start := time.Date(2025, 1, 2, 15, 0, 0, 0, time.UTC)
	for i := range n {
		opened := start.Add(time.Duration(i%13) * 24 * time.Hour)
		status, closed := "closed", any(formatTime(opened.Add(time.Duration(20+i%11)*24*time.Hour)))
		if i%7 == 0 {
			status, closed = "open", nil
		}
		if _, err := ins.Exec(1+i%2, roots[i%4], status, formatTime(opened), closed, fmt.Sprintf("%d.%02d", 100+i%50, i%100),
			"1", "0.14", strconv.Itoa(i%3), pnls[i%9]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return j
}

// tieRow is a trade as the test reads it back, to sort and sum in Go.
type tieRow struct {
	id                                   int64
	account                              int64
	underlying, status, opened           string
	closed                               sql.NullString
	pnl                                  float64
	premium, commission, fees, hedge, pl decimal.Decimal
}

// TestListTradesPagesEveryTradeOnceInOrder pages through the trade list seven trades at a
// time, for every sort and several filters, and checks the pages hold every selected trade
// exactly once, in the order the sort promises (written here in Go, ties by id as stated in
// query.go), and that the totals are the exact sums of the selection.
func TestListTradesPagesEveryTradeOnceInOrder(t *testing.T) {
	j := tieJournal(t, 401)
	ctx := context.Background()
	rows, err := j.read.Query(`SELECT id, account_id, underlying, status, opened_at, closed_at, premium, commission, fees,
		hedge_cost, realized_pnl FROM trades`)
	if err != nil {
		t.Fatal(err)
	}
	var all []tieRow
	for rows.Next() {
		var r tieRow
		var m [5]string
		if err := rows.Scan(&r.id, &r.account, &r.underlying, &r.status, &r.opened, &r.closed, &m[0], &m[1], &m[2], &m[3], &m[4]); err != nil {
			t.Fatal(err)
		}
		d, err := decimals(m[:]...)
		if err != nil {
			t.Fatal(err)
		}
		r.premium, r.commission, r.fees, r.hedge, r.pl = d[0], d[1], d[2], d[3], d[4]
		r.pnl = r.pl.InexactFloat64()
		all = append(all, r)
	}
	rows.Close()
	byID := func(a, b tieRow) int { return cmp.Compare(b.id, a.id) } // ties: highest id first
	sorts := []struct {
		name string
		by   SortBy
		cmp  func(a, b tieRow) int
	}{
		{"newest first", NewestFirst, func(a, b tieRow) int { return cmp.Or(cmp.Compare(b.opened, a.opened), byID(a, b)) }},
		{"oldest first", OldestFirst, func(a, b tieRow) int { return cmp.Or(cmp.Compare(a.opened, b.opened), cmp.Compare(a.id, b.id)) }},
		{"recently closed", RecentlyClosed, func(a, b tieRow) int {
			switch {
			case a.closed.Valid != b.closed.Valid: // open trades last
				if a.closed.Valid {
					return -1
				}
				return 1
			}
			return cmp.Or(cmp.Compare(b.closed.String, a.closed.String), byID(a, b))
		}},
		{"best P&L first", BestPnLFirst, func(a, b tieRow) int { return cmp.Or(cmp.Compare(b.pnl, a.pnl), byID(a, b)) }},
		{"worst P&L first", WorstPnLFirst, func(a, b tieRow) int { return cmp.Or(cmp.Compare(a.pnl, b.pnl), byID(a, b)) }},
		{"underlying A to Z", UnderlyingAToZ, func(a, b tieRow) int {
			return cmp.Or(cmp.Compare(a.underlying, b.underlying), cmp.Compare(b.opened, a.opened), byID(a, b))
		}},
	}
	filters := []struct {
		name string
		f    Filter
		keep func(tieRow) bool
	}{
		{"all", Filter{}, func(tieRow) bool { return true }},
		{"SPY", Filter{Underlying: "SPY"}, func(r tieRow) bool { return r.underlying == "SPY" }},
		{"closed", Filter{Status: StatusClosed}, func(r tieRow) bool { return r.status == "closed" }},
		{"no sample", Filter{HideSample: true}, func(r tieRow) bool { return r.account == 1 }},
		{"sample account, open", Filter{AccountID: 2, Status: StatusOpen}, func(r tieRow) bool { return r.account == 2 && r.status == "open" }},
	}
	for _, s := range sorts {
		for _, f := range filters {
			t.Run(s.name+"/"+f.name, func(t *testing.T) {
				var want []int64
				var sum [5]decimal.Decimal
				kept := slices.DeleteFunc(slices.Clone(all), func(r tieRow) bool { return !f.keep(r) })
				slices.SortFunc(kept, s.cmp)
				for _, r := range kept {
					want = append(want, r.id)
					for i, d := range []decimal.Decimal{r.premium, r.commission, r.fees, r.hedge, r.pl} {
						sum[i] = sum[i].Add(d)
					}
				}
				var got []int64
				seen := map[int64]bool{}
				for offset := 0; ; offset += 7 {
					page, err := j.ListTrades(ctx, f.f, Page{Sort: s.by, Limit: 7, Offset: offset})
					if err != nil {
						t.Fatal(err)
					}
					if page.Totals.Trades != len(want) {
						t.Fatalf("totals count %d trades, want %d", page.Totals.Trades, len(want))
					}
					for _, tr := range page.Trades {
						if seen[tr.ID] {
							t.Fatalf("trade %d listed twice (page at %d)", tr.ID, offset)
						}
						seen[tr.ID] = true
						got = append(got, tr.ID)
					}
					if len(page.Trades) < 7 {
						tot := page.Totals
						for i, g := range []decimal.Decimal{tot.Premium, tot.Commission, tot.Fees, tot.HedgeCost, tot.RealizedPnL} {
							if !g.Equal(sum[i]) {
								t.Errorf("total %d is %s, want %s", i, g, sum[i])
							}
						}
						break
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("pages list\n%v\nwant\n%v", got, want)
				}
			})
		}
	}
}
