package data

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data/statement"
)

// exportLegsBefore is exportLegs as it was before issue 20: a subquery per leg over the
// fills. It is kept as the reference the one-pass exportLegs must match.
func exportLegsBefore(ctx context.Context, tx *sql.Tx, where string, args []any) (map[int64][]string, error) {
	rows, err := tx.QueryContext(ctx, exportLegsSQLBefore(where), args...)
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

// exportLegsSQLBefore is the query exportLegsBefore runs.
func exportLegsSQLBefore(where string) string {
	return `SELECT l.trade_id, l.side, i.symbol, l.quantity_open,
		(SELECT group_concat(f.quantity, ' ') FROM fills f WHERE f.leg_id = l.id AND f.effect = 'open')
		FROM legs l JOIN instruments i ON i.id = l.instrument_id
		WHERE l.trade_id IN (SELECT t.id FROM trades t WHERE ` + where + `) ORDER BY l.trade_id, l.id`
}

// TestExportLegsReadOnce checks SQLite's plan for the export's leg queries: no subquery
// runs once per row, so the work grows with the journal, not with its square. The old
// query's plan, a correlated subquery scanning every fill for each leg (10,000 trades took
// 85 s on the auditor's machine, 737 s on a loaded one), is caught by the same check. A
// timed test would fail on a busy machine; BenchmarkExport10kTrades gives the time.
func TestExportLegsReadOnce(t *testing.T) {
	j := openTemp(t)
	mustImport(t, j, strangles(5).Events...)
	perRow := func(t *testing.T, query string, args []any) []string {
		t.Helper()
		rows, err := j.read.Query("EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var bad []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(detail, "CORRELATED") {
				bad = append(bad, detail)
			}
		}
		return bad
	}
	for _, tc := range []struct {
		name   string
		filter Filter
	}{
		{"every trade", Filter{}},
		{"SPY, open", Filter{Underlying: "SPY", Status: StatusOpen}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			where, args, err := tc.filter.where()
			if err != nil {
				t.Fatal(err)
			}
			fills, legs := exportLegsSQL(where)
			for _, q := range []string{fills, legs} {
				if bad := perRow(t, q, args); len(bad) > 0 {
					t.Errorf("runs a subquery per row (%v):\n%s", bad, q)
				}
			}
			if bad := perRow(t, exportLegsSQLBefore(where), args); len(bad) == 0 {
				t.Error("the check does not catch the old per-leg subquery")
			}
		})
	}
}

// TestExportMarksSampleRows checks the export's last column: "yes" for a trade of the sample
// history account, "no" for the trader's own, so a spreadsheet can tell them apart.
func TestExportMarksSampleRows(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	st, err := statement.ParseFile(testdata("sample_history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range st.Events { // filed as the desk files the bundled sample history
		st.Events[i].Broker, st.Events[i].Account = "", ""
	}
	st.Cash, st.Account = nil, ""
	if _, err := j.Import(ctx, AccountRef{Broker: "paper", Account: "Paper", Kind: Paper, Sample: true}, st); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Import(ctx, AccountRef{}, strangles(3)); err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := j.ExportCSV(ctx, &buf, Filter{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	last := len(exportHeader) - 1
	if recs[0][last] != "sample" {
		t.Fatalf("last column %q, want sample", recs[0][last])
	}
	counts := map[string]map[string]int{} // account → sample → rows
	for _, r := range recs[1:] {
		if counts[r[2]] == nil {
			counts[r[2]] = map[string]int{}
		}
		counts[r[2]][r[last]]++
	}
	for acct, want := range map[string]string{"Paper": "yes"} {
		if counts[acct][want] == 0 || len(counts[acct]) != 1 {
			t.Errorf("account %s: sample column %v, want only %q", acct, counts[acct], want)
		}
	}
	own := 0
	for acct, c := range counts {
		if acct != "Paper" {
			if c["yes"] != 0 {
				t.Errorf("account %s: %d rows marked sample", acct, c["yes"])
			}
			own += c["no"]
		}
	}
	if own == 0 {
		t.Errorf("no row of the trader's own account: %v", counts)
	}
}

// TestImportSaysWhereItFiled checks FiledUnder and its sentence for each way an account is
// named: by the caller, by the statement (IBKR's Flex carries the account id) and by nothing
// (DefaultAccount, with the hint how to choose one).
func TestImportSaysWhereItFiled(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		ref        AccountRef
		want       string
	}{
		{"given", "tastytrade_current.csv", AccountRef{Account: "5WT0001"}, "Filed under tastytrade 5WT0001 (as asked)."},
		{"ibkr names it", "ibkr_flex.xml", AccountRef{}, "Filed under ibkr U7654321 (named in the statement's rows)."},
		{"nothing names it", "tastytrade_current.csv", AccountRef{},
			"Filed under tastytrade default (the statement names no account; use --account)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := openTemp(t)
			st, err := statement.ParseFile(testdata(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			res, err := j.Import(context.Background(), tc.ref, st)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Filed("use --account"); got != tc.want {
				t.Errorf("Filed = %q, want %q", got, tc.want)
			}
		})
	}
}
