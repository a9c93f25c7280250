package data

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// strangles builds n short strangles, each opened by one order and followed by a second
// order: 4n fills. Nine in ten are closed whole; every tenth instead rolls its put down 10
// points (the old put bought back, a new one sold in the same order), so rolls are exercised
// too and those trades stay open.
func strangles(n int) *statement.Statement {
	var evs []statement.Event
	start := time.Date(2024, 1, 2, 15, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(i) * time.Hour)
		exp := at.AddDate(0, 0, 30).Truncate(24 * time.Hour)
		k := float64(400 + i%50)
		put, call := spyOption(pricing.Put, k-20, exp), spyOption(pricing.Call, k+20, exp)
		o := fmt.Sprintf("o%d", i)
		c := fmt.Sprintf("c%d", i)
		evs = append(evs,
			fill(o+"p", o, at, put, "-1", "2.10", "1", "0.14"),
			fill(o+"c", o, at, call, "-1", "1.90", "1", "0.14"))
		if i%10 == 9 {
			evs = append(evs,
				fill(c+"p", c, at.Add(30*time.Minute), put, "1", "3.05", "0", "0.14"),
				fill(c+"n", c, at.Add(30*time.Minute), spyOption(pricing.Put, k-30, exp), "-1", "1.45", "1", "0.14"))
			continue
		}
		evs = append(evs,
			fill(c+"p", c, at.Add(30*time.Minute), put, "1", "1.05", "0", "0.14"),
			fill(c+"c", c, at.Add(30*time.Minute), call, "1", "0.95", "0", "0.14"))
	}
	return stmt(evs...)
}

// BenchmarkImport10kFills imports 10,000 fills (2,500 strangles, 250 of them rolled) into a
// fresh on-disk journal in one transaction. Besides ns/op it reports cpu-ms/op, the process
// CPU time per import, which a loaded machine inflates far less than the wall clock.
func BenchmarkImport10kFills(b *testing.B) {
	st := strangles(2500)
	ctx := context.Background()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		j := openTemp(b)
		c0 := processCPU()
		b.StartTimer()
		res, err := j.Import(ctx, AccountRef{}, st)
		b.StopTimer()
		cpu += processCPU() - c0
		if err != nil || res.New != 10000 || res.TradesOpened != 2500 || res.Rolls != 250 {
			b.Fatal(res, err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

// bigJournal writes n closed and open trades straight into the trades table in one
// transaction: the summary columns are what Stats and ListTrades read.
func bigJournal(b *testing.B, n int) *Journal {
	b.Helper()
	j := openTemp(b)
	tx, err := j.write.Begin()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO accounts (broker, account, kind) VALUES ('tastytrade', 'bench', 'live')"); err != nil {
		b.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO trades (account_id, underlying, strategy, status, opened_at, closed_at, premium, commission, fees,
		hedge_cost, realized_pnl, roll_count, hedge_count) VALUES (1, ?, 'short strangle', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	roots := []string{"SPY", "QQQ", "IWM", "ES", "GLD"}
	start := time.Date(2020, 1, 2, 15, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		opened := start.Add(time.Duration(i) * 50 * time.Minute)
		status, closed := "closed", any(formatTime(opened.Add(time.Duration(1+i%40)*24*time.Hour)))
		if i%20 == 0 {
			status, closed = "open", nil
		}
		premium := decimal.New(int64(150+i%300), 0)
		pnl := decimal.New(int64(i%400-120), 0).Add(decimal.New(int64(i%7), -2))
		if _, err := ins.Exec(roots[i%len(roots)], status, formatTime(opened), closed, premium.String(), "2.00", "0.56",
			decimal.New(int64(i%5), 0).String(), pnl.String(), i%3, i%4); err != nil {
			b.Fatal(err)
		}
	}
	ins.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return j
}

func BenchmarkStats50kTrades(b *testing.B) {
	j := bigJournal(b, 50000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := j.Stats(ctx, Filter{})
		if err != nil || s.Trades != 50000 {
			b.Fatal(s.Trades, err)
		}
	}
}

func BenchmarkListTrades50k(b *testing.B) {
	j := bigJournal(b, 50000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l, err := j.ListTrades(ctx, Filter{}, Page{Limit: 100})
		if err != nil || len(l.Trades) != 100 || l.Totals.Trades != 50000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkExport10kTrades exports 10,000 imported short strangles (40,000 fills, 20,000
// legs, a thousand of them rolled) as CSV. Before the legs were read in one pass (issue 20)
// each leg ran a subquery over every fill: 85 s on the auditor's machine.
func BenchmarkExport10kTrades(b *testing.B) {
	j := openTemp(b)
	ctx := context.Background()
	if _, err := j.Import(ctx, AccountRef{}, strangles(10000)); err != nil {
		b.Fatal(err)
	}
	var n int
	if err := j.read.QueryRow("SELECT count(*) FROM trades").Scan(&n); err != nil || n < 9000 {
		b.Fatal(n, err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var w countingWriter
		if err := j.ExportCSV(ctx, &w, Filter{}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "trades")
	}
}

// countingWriter keeps the export's line breaks only, so it costs the same at any size.
type countingWriter struct{ buf bytes.Buffer }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.buf.Write(bytes.Repeat([]byte("\n"), bytes.Count(p, []byte("\n"))))
	return len(p), nil
}

// shortPuts builds 2n fills on ten underlyings, one order every 40 minutes: a short put sold
// and, a week later, bought back — except every 25th, which is kept and followed an hour
// later by a second put sold in an order of its own (a trade of its own). n + n/25 trades,
// 2n/25 of them open.
func shortPuts(n int) *statement.Statement {
	roots := []string{"SPY", "QQQ", "IWM", "DIA", "XLF", "XLE", "GLD", "TLT", "EEM", "SMH"}
	start := time.Date(2020, 1, 2, 15, 0, 0, 0, time.UTC)
	evs := make([]statement.Event, 0, 2*n)
	for i := 0; i < n; i++ {
		opened := start.Add(time.Duration(i) * 40 * time.Minute)
		put := instrument.Instrument{Kind: instrument.Option, Root: roots[i%10], Underlying: roots[i%10],
			Expiry: opened.AddDate(0, 0, 30).Truncate(24 * time.Hour).Add(20 * time.Hour), Multiplier: 100,
			Right: pricing.Put, Strike: float64(100 + i%200), Style: pricing.American}
		o, c := fmt.Sprintf("o%d", i), fmt.Sprintf("c%d", i)
		price := decimal.New(150+int64(i%7)*10, -2)
		evs = append(evs, fill(o, o, opened, put, "-1", price.String(), "1", "0.14"))
		if i%25 == 0 {
			evs = append(evs, fill(c, c, opened.Add(time.Hour), put, "-1", price.String(), "1", "0.14"))
			continue
		}
		evs = append(evs, fill(c, c, opened.Add(7*24*time.Hour), put, "1", decimal.New(40+int64(i%11)*10, -2).String(), "0", "0.14"))
	}
	return stmt(evs...)
}

// BenchmarkJournalFirstPage100kFills is the journal window's first page (200 trades with the
// totals of the whole selection, ListTrades; and "page-only", the page and count the window
// now shows first, TradesPage) on a journal of
// 100,000 fills (52,000 trades), for each sort and three filters; cpu-ms/op is the process
// CPU time per page.
func BenchmarkJournalFirstPage100kFills(b *testing.B) {
	ctx := context.Background()
	j := openTemp(b)
	res, err := j.Import(ctx, AccountRef{}, shortPuts(50000))
	if err != nil || res.New != 100000 {
		b.Fatal(res, err)
	}
	runtime.GC() // the import's garbage is not the first page's to collect
	for _, c := range []struct {
		name  string
		f     Filter
		sort  SortBy
		total int
	}{
		{"newest", Filter{}, NewestFirst, 52000},
		{"oldest", Filter{}, OldestFirst, 52000},
		{"recently-closed", Filter{}, RecentlyClosed, 52000},
		{"best-pnl", Filter{}, BestPnLFirst, 52000},
		{"worst-pnl", Filter{}, WorstPnLFirst, 52000},
		{"underlying", Filter{}, UnderlyingAToZ, 52000},
		{"no-sample-newest", Filter{HideSample: true}, NewestFirst, 52000},
		{"spy-newest", Filter{Underlying: "SPY"}, NewestFirst, 6000},
		{"open-newest", Filter{Status: StatusOpen, HideSample: true}, NewestFirst, 4000},
	} {
		b.Run(c.name, func(b *testing.B) {
			c0 := processCPU()
			for b.Loop() {
				l, err := j.ListTrades(ctx, c.f, Page{Sort: c.sort, Limit: 200})
				if err != nil || len(l.Trades) != 200 || l.Totals.Trades != c.total {
					b.Fatal(len(l.Trades), l.Totals.Trades, err)
				}
			}
			b.ReportMetric(float64((processCPU()-c0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
		// What the window waits for before it shows rows: the page and the count, the totals
		// following apart (TradesPage, TradeTotals).
		b.Run("page-only/"+c.name, func(b *testing.B) {
			c0 := processCPU()
			for b.Loop() {
				page, n, err := j.TradesPage(ctx, c.f, Page{Sort: c.sort, Limit: 200})
				if err != nil || len(page) != 200 || n != c.total {
					b.Fatal(len(page), n, err)
				}
			}
			b.ReportMetric(float64((processCPU()-c0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}
