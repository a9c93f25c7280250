package data

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// exportHeader is the first row of ExportCSV.
var exportHeader = []string{"trade_id", "broker", "account", "underlying", "strategy", "status", "opened_at", "closed_at",
	"days_held", "legs", "premium", "commission", "fees", "hedge_cost", "costs", "realized_pnl", "cost_share_of_premium",
	"rolls", "hedges", "tags", "lessons", "sample"}

// ExportCSV writes the trades the filter selects, oldest first, one row per trade: its legs
// ("short 2 SPY 2026-12-18 450 P (open 1)" joined by "; "), money as decimal text, costs,
// realized P&L, tags ("mistake:late roll"), lessons (joined by " | ") and sample ("yes" for a
// trade of the bundled sample history, "no" for the trader's own). Times are RFC 3339 UTC. Free text that a spreadsheet would run as a formula is prefixed with an apostrophe.
func (j *Journal) ExportCSV(ctx context.Context, w io.Writer, f Filter) error {
	where, args, err := f.where()
	if err != nil {
		return err
	}
	tx, err := j.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	accounts := map[int64][2]string{}
	sample := map[int64]bool{}
	rows, err := tx.QueryContext(ctx, "SELECT id, broker, account, sample FROM accounts")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var b, a string
		var s bool
		if err := rows.Scan(&id, &b, &a, &s); err != nil {
			rows.Close()
			return err
		}
		accounts[id] = [2]string{b, a}
		sample[id] = s
	}
	rows.Close()
	legs, err := exportLegs(ctx, tx, where, args)
	if err != nil {
		return err
	}
	tags, err := exportJoined(ctx, tx, `SELECT tt.trade_id, g.kind || ':' || g.name FROM trade_tags tt JOIN tags g ON g.id = tt.tag_id
		WHERE tt.trade_id IN (SELECT t.id FROM trades t WHERE `+where+`) ORDER BY tt.trade_id, g.kind, g.name`, args)
	if err != nil {
		return err
	}
	lessons, err := exportJoined(ctx, tx, `SELECT l.trade_id, l.body FROM lessons l
		WHERE l.trade_id IN (SELECT t.id FROM trades t WHERE `+where+`) ORDER BY l.trade_id, l.created_at, l.id`, args)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(exportHeader); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, "SELECT "+summaryColumns+" FROM trades t WHERE "+where+" ORDER BY t.opened_at, t.id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		t, err := j.scanSummary(rows)
		if err != nil {
			return err
		}
		closed, share := "", ""
		if !t.ClosedAt.IsZero() {
			closed = t.ClosedAt.UTC().Format(time.RFC3339)
		}
		if !t.Premium.IsZero() {
			share = t.Costs().DivRound(t.Premium, 4).String()
		}
		acct := accounts[t.AccountID]
		rec := []string{strconv.FormatInt(t.ID, 10), safeText(acct[0]), safeText(acct[1]), safeText(t.Underlying), safeText(t.Strategy),
			string(t.Status), t.OpenedAt.UTC().Format(time.RFC3339), closed, strconv.FormatFloat(t.DaysHeld, 'f', 1, 64),
			safeText(strings.Join(legs[t.ID], "; ")), t.Premium.String(), t.Commission.String(), t.Fees.String(),
			t.HedgeCost.String(), t.Costs().String(), t.RealizedPnL.String(), share, strconv.Itoa(t.Rolls), strconv.Itoa(t.Hedges),
			safeText(strings.Join(tags[t.ID], ", ")), safeText(strings.Join(lessons[t.ID], " | ")), yesNo(sample[t.AccountID])}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// safeText keeps a spreadsheet from running free text as a formula.
func safeText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportLegs describes each selected trade's legs: side, quantity opened, symbol and what is
// still open. It reads the legs and the opening fills in one pass each and adds the fills
// up per leg here: a subquery per leg scanned every fill (fills has no full index on
// leg_id), which made 10,000 trades take minutes.
func exportLegs(ctx context.Context, tx *sql.Tx, where string, args []any) (map[int64][]string, error) {
	fillsSQL, legsSQL := exportLegsSQL(where)
	opened := map[int64]decimal.Decimal{}
	rows, err := tx.QueryContext(ctx, fillsSQL, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var leg int64
		var q string
		if err := rows.Scan(&leg, &q); err != nil {
			rows.Close()
			return nil, err
		}
		d, err := decimal.NewFromString(q)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("journal holds a bad quantity %q", q)
		}
		sum, ok := opened[leg]
		if !ok {
			sum = decimal.Zero
		}
		opened[leg] = sum.Add(d.Abs())
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, legsSQL, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var leg, trade int64
		var side, symbol, open string
		if err := rows.Scan(&leg, &trade, &side, &symbol, &open); err != nil {
			return nil, err
		}
		state := "closed"
		if open != "0" {
			state = "open " + open
		}
		total, ok := opened[leg]
		if !ok {
			total = decimal.Zero
		}
		out[trade] = append(out[trade], fmt.Sprintf("%s %s %s (%s)", side, total, symbol, state))
	}
	return out, rows.Err()
}

// exportLegsSQL is what exportLegs runs for the trades where selects: the opening fills of
// their legs, and their legs in order. Neither runs a subquery per row.
func exportLegsSQL(where string) (fills, legs string) {
	selected := `SELECT t.id FROM trades t WHERE ` + where
	fills = `SELECT f.leg_id, f.quantity FROM fills f
		WHERE f.effect = 'open' AND f.leg_id IN (SELECT l.id FROM legs l WHERE l.trade_id IN (` + selected + `))`
	legs = `SELECT l.id, l.trade_id, l.side, i.symbol, l.quantity_open
		FROM legs l JOIN instruments i ON i.id = l.instrument_id
		WHERE l.trade_id IN (` + selected + `) ORDER BY l.trade_id, l.id`
	return fills, legs
}

// exportJoined reads (trade id, text) pairs into lists per trade.
func exportJoined(ctx context.Context, tx *sql.Tx, query string, args []any) (map[int64][]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return nil, err
		}
		out[id] = append(out[id], s)
	}
	return out, rows.Err()
}
