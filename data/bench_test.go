package data

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/pricing"
)

// strangles builds n short strangles, each opened by one order and closed by another: 4n
// fills. Every tenth is rolled instead of closed at once, so rolls are exercised too.
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
			fill(o+"c", o, at, call, "-1", "1.90", "1", "0.14"),
			fill(c+"p", c, at.Add(30*time.Minute), put, "1", "1.05", "0", "0.14"),
			fill(c+"c", c, at.Add(30*time.Minute), call, "1", "0.95", "0", "0.14"))
	}
	return stmt(evs...)
}

func BenchmarkImport10kFills(b *testing.B) {
	st := strangles(2500)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		j := openTemp(b)
		b.StartTimer()
		res, err := j.Import(ctx, AccountRef{}, st)
		if err != nil || res.New != 10000 {
			b.Fatal(res, err)
		}
	}
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
