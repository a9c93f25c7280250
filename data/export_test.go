package data

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data/statement"
)

// exportLegsBefore is exportLegs as it was before issue 20: a subquery per leg over the
// fills. It is kept as the reference the one-pass exportLegs must match.
func exportLegsBefore(ctx context.Context, tx *sql.Tx, where string, args []any) (map[int64][]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT l.trade_id, l.side, i.symbol, l.quantity_open,
		(SELECT group_concat(f.quantity, ' ') FROM fills f WHERE f.leg_id = l.id AND f.effect = 'open')
		FROM legs l JOIN instruments i ON i.id = l.instrument_id
		WHERE l.trade_id IN (SELECT t.id FROM trades t WHERE `+where+`) ORDER BY l.trade_id, l.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var trade int64
		var side, symbol, open string
		var opened sql.NullString
		if err := rows.Scan(&trade, &side, &symbol, &open, &opened); err != nil {
			return nil, err
		}
		total := decimal.Zero
		for _, q := range strings.Fields(opened.String) {
			d, err := decimal.NewFromString(q)
			if err != nil {
				return nil, fmt.Errorf("journal holds a bad quantity %q", q)
			}
			total = total.Add(d.Abs())
		}
		state := "closed"
		if open != "0" {
			state = "open " + open
		}
		out[trade] = append(out[trade], fmt.Sprintf("%s %s %s (%s)", side, total, symbol, state))
	}
	return out, rows.Err()
}

// TestExportLegsUnchanged compares the one-pass legs of the export with the old per-leg
// query's on a journal of every statement layout Keel reads (assignments with deliveries,
// rolls, futures, partial closes, open trades) and 40 strangles, for the whole journal and
// for filtered selections.
func TestExportLegsUnchanged(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	for _, f := range []string{"sample_history.csv", "tastytrade_current.csv", "ibkr_flex.xml", "thinkorswim_statement.csv"} {
		st, err := statement.ParseFile(testdata(f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := j.Import(ctx, AccountRef{}, st); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := j.Import(ctx, AccountRef{}, strangles(40)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		filter Filter
	}{
		{"every trade", Filter{}},
		{"SPY", Filter{Underlying: "SPY"}},
		{"open", Filter{Status: StatusOpen}},
		{"none", Filter{Underlying: "NOSUCH"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			where, args, err := tc.filter.where()
			if err != nil {
				t.Fatal(err)
			}
			tx, err := j.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			want, err := exportLegsBefore(ctx, tx, where, args)
			if err != nil {
				t.Fatal(err)
			}
			got, err := exportLegs(ctx, tx, where, args)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("legs differ from the old query's:\ngot  %v\nwant %v", got, want)
			}
			if tc.name == "every trade" && len(want) < 40 {
				t.Errorf("only %d trades with legs", len(want))
			}
		})
	}
}

// TestExportGrowsLinearly exports 100 and 400 strangles and checks that four times the
// trades take less than ten times as long (the fastest of three runs each): linear work
// takes about four times as long, the old per-leg subquery took sixteen. The figure for
// 10,000 trades is BenchmarkExport10kTrades.
func TestExportGrowsLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 2,000 fills")
	}
	ctx := context.Background()
	fastest := func(n int) time.Duration {
		j := openTemp(t)
		if _, err := j.Import(ctx, AccountRef{}, strangles(n)); err != nil {
			t.Fatal(err)
		}
		best := time.Duration(math.MaxInt64)
		for i := 0; i < 3; i++ {
			var w countingWriter
			start := time.Now()
			if err := j.ExportCSV(ctx, &w, Filter{}); err != nil {
				t.Fatal(err)
			}
			best = min(best, time.Since(start))
			if lines := bytes.Count(w.buf.Bytes(), []byte("\n")); lines != n+1 {
				t.Fatalf("%d trades: %d lines exported", n, lines)
			}
		}
		return best
	}
	small, large := fastest(100), fastest(400)
	t.Logf("100 trades %v, 400 trades %v (×%.1f)", small, large, float64(large)/float64(small))
	if large > 10*small {
		t.Errorf("4× the trades took ×%.1f as long (%v → %v): export is not linear", float64(large)/float64(small), small, large)
	}
}
