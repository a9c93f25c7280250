package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
)

// PositionDay is one position at a moment of an exchange day, in dollars (hedge.Snapshot):
// delta per 1.00 move of the underlying (quantity × multiplier × per-unit delta, so one ES
// future is 50, not 1 contract), gamma the change of that delta per 1.00 move, theta in
// dollars per calendar day, vega in dollars per vol point, value (the marked position) in
// dollars, spot the underlying's price and vol its implied volatility (0 for stocks and
// futures).
type PositionDay struct {
	Symbol     string
	Instrument instrument.Instrument
	Time       time.Time
	Layer      string
	Quantity   float64
	Spot       float64
	Vol        float64
	Value      float64
	Delta      float64
	Gamma      float64
	Theta      float64
	Vega       float64
}

// AttributionRow is one position's P&L of one day explained by Greek (hedge.Attribute), in
// dollars, with the spot and implied vol it moved between.
type AttributionRow struct {
	Day         string // YYYY-MM-DD in New York
	Symbol      string
	Layer       string
	TradeID     int64 // the journal trade holding the position; 0 when none
	Delta       float64
	Gamma       float64
	Theta       float64
	Vega        float64
	Actual      float64
	Unexplained float64
	SpotBefore  float64
	Spot        float64
	VolBefore   float64
	Vol         float64
}

// exchangeDay is the New York calendar date of t.
func exchangeDay(t time.Time) string { return t.In(instrument.NewYork).Format(time.DateOnly) }

// RecordDay stores the positions' figures as their end of day so far (a later call the same
// day replaces them, so the last one before the close stands) and explains each position's
// P&L since its previous recorded day by Greek. A position whose size changed in between is
// explained for the size it carried (today's per-unit figures × yesterday's quantity); one
// that flipped side or is new today is not explained until its next day.
func (j *Journal) RecordDay(ctx context.Context, acct AccountRef, rows []PositionDay) error {
	book := Book(acct.Broker, acct.Account)
	for _, r := range rows {
		for _, x := range []float64{r.Quantity, r.Spot, r.Vol, r.Value, r.Delta, r.Gamma, r.Theta, r.Vega} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("position day: %s has a figure that is not a number", r.Symbol)
			}
		}
	}
	return j.inTx(ctx, func(tx *sql.Tx) error {
		var acctID int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM accounts WHERE broker = ? AND account = ?", acct.Broker, acct.Account).Scan(&acctID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		for _, r := range rows {
			day := exchangeDay(r.Time)
			var trade any
			if acctID != 0 {
				var id int64
				err := tx.QueryRowContext(ctx, `SELECT l.trade_id FROM legs l JOIN instruments i ON i.id = l.instrument_id
					JOIN trades t ON t.id = l.trade_id WHERE i.symbol = ? AND t.account_id = ? AND l.quantity_open <> '0'
					ORDER BY l.opened_at DESC LIMIT 1`, Symbol(r.Instrument), acctID).Scan(&id)
				switch {
				case err == nil:
					trade = id
				case !errors.Is(err, sql.ErrNoRows):
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO position_days (book, symbol, day, taken_at, underlying, layer,
				trade_id, quantity, spot, vol, value, delta, gamma, theta, vega) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				book, r.Symbol, day, formatTime(r.Time), underlyingOf(r), r.Layer, trade, r.Quantity, r.Spot, r.Vol, r.Value,
				r.Delta, r.Gamma, r.Theta, r.Vega); err != nil {
				return err
			}
			prev, ok, err := previousDay(ctx, tx, book, r.Symbol, day)
			if err != nil {
				return err
			}
			if !ok || prev.Quantity == 0 || r.Quantity == 0 || (prev.Quantity > 0) != (r.Quantity > 0) {
				continue
			}
			scale := prev.Quantity / r.Quantity
			a, err := hedge.Attribute(
				hedge.Snapshot{At: prev.Time, Spot: prev.Spot, Vol: prev.Vol, Delta: prev.Delta, Gamma: prev.Gamma,
					Vega: prev.Vega, Theta: prev.Theta, Value: prev.Value},
				hedge.Snapshot{At: r.Time, Spot: r.Spot, Vol: r.Vol, Delta: r.Delta * scale, Gamma: r.Gamma * scale,
					Vega: r.Vega * scale, Theta: r.Theta * scale, Value: r.Value * scale})
			if err != nil {
				return fmt.Errorf("attribution of %s on %s: %w", r.Symbol, day, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO pnl_attribution (book, symbol, day, layer, trade_id, delta,
				gamma, theta, vega, actual, unexplained, spot_before, spot, vol_before, vol)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, book, r.Symbol, day, r.Layer, trade,
				a.Delta, a.Gamma, a.Theta, a.Vega, a.Actual, a.Unexplained, prev.Spot, r.Spot, prev.Vol, r.Vol); err != nil {
				return err
			}
		}
		return nil
	})
}

// previousDay is a position's latest row before day.
func previousDay(ctx context.Context, tx *sql.Tx, book, symbol, day string) (PositionDay, bool, error) {
	p := PositionDay{Symbol: symbol}
	var at string
	err := tx.QueryRowContext(ctx, `SELECT taken_at, quantity, spot, vol, value, delta, gamma, theta, vega FROM position_days
		WHERE book = ? AND symbol = ? AND day < ? ORDER BY day DESC LIMIT 1`, book, symbol, day).
		Scan(&at, &p.Quantity, &p.Spot, &p.Vol, &p.Value, &p.Delta, &p.Gamma, &p.Theta, &p.Vega)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	p.Time, err = parseTime(at)
	return p, err == nil, err
}

// AttributionFilter selects attribution rows: of one trade (TradeID), one layer (Layer), or
// the whole book; from Since (a YYYY-MM-DD day, "" for all).
type AttributionFilter struct {
	TradeID int64
	Layer   string
	Since   string
}

// Attribution lists a book's P&L by Greek, oldest day first, then by symbol.
func (j *Journal) Attribution(ctx context.Context, book string, f AttributionFilter) ([]AttributionRow, error) {
	q := `SELECT day, symbol, layer, coalesce(trade_id, 0), delta, gamma, theta, vega, actual, unexplained,
		spot_before, spot, vol_before, vol FROM pnl_attribution WHERE book = ? AND day >= ?`
	args := []any{book, f.Since}
	if f.TradeID != 0 {
		q += " AND trade_id = ?"
		args = append(args, f.TradeID)
	}
	if f.Layer != "" {
		q += " AND layer = ?"
		args = append(args, f.Layer)
	}
	rows, err := j.read.QueryContext(ctx, q+" ORDER BY day, symbol", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AttributionRow
	for rows.Next() {
		var r AttributionRow
		if err := rows.Scan(&r.Day, &r.Symbol, &r.Layer, &r.TradeID, &r.Delta, &r.Gamma, &r.Theta, &r.Vega, &r.Actual,
			&r.Unexplained, &r.SpotBefore, &r.Spot, &r.VolBefore, &r.Vol); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SumByDay adds attribution rows up per day, keeping the order of days; Symbol and Layer of
// a sum are empty and its spots and vols are those of its first row.
func SumByDay(rows []AttributionRow) []AttributionRow {
	var out []AttributionRow
	for _, r := range rows {
		if n := len(out); n > 0 && out[n-1].Day == r.Day {
			s := &out[n-1]
			s.Delta += r.Delta
			s.Gamma += r.Gamma
			s.Theta += r.Theta
			s.Vega += r.Vega
			s.Actual += r.Actual
			s.Unexplained += r.Unexplained
			continue
		}
		r.Symbol, r.Layer, r.TradeID = "", "", 0
		out = append(out, r)
	}
	return out
}

// underlyingOf names what a position's spot is the price of.
func underlyingOf(r PositionDay) string {
	if r.Instrument.IsOption() && r.Instrument.Underlying != "" {
		return r.Instrument.Underlying
	}
	if r.Instrument.IsOption() || r.Instrument.Kind == instrument.Stock {
		return r.Instrument.Root
	}
	return r.Symbol
}

// VolDay is an underlying's close and the average implied vol of the options held on it.
type VolDay struct {
	Day     string
	Spot    float64
	Implied float64 // 0 when no option on it was held that day
}

// UnderlyingDays lists an underlying's recorded days, oldest first: its price at the day's
// last sample and the mean implied vol of the options held on it.
func (j *Journal) UnderlyingDays(ctx context.Context, book, underlying string) ([]VolDay, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT day, max(spot), coalesce(avg(CASE WHEN vol > 0 THEN vol END), 0)
		FROM position_days WHERE book = ? AND underlying = ? GROUP BY day ORDER BY day`, book, underlying)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VolDay
	for rows.Next() {
		var d VolDay
		if err := rows.Scan(&d.Day, &d.Spot, &d.Implied); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RecordedUnderlyings lists the underlyings with recorded days in a book, sorted.
func (j *Journal) RecordedUnderlyings(ctx context.Context, book string) ([]string, error) {
	rows, err := j.read.QueryContext(ctx, "SELECT DISTINCT underlying FROM position_days WHERE book = ? ORDER BY underlying", book)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// VolDuringHold is the underlying's realized volatility over the days a trade was held (from
// the desk's daily closes) against the mean implied volatility of its options then.
type VolDuringHold struct {
	Days     int
	Realized float64
	Implied  float64 // 0 when the trade held no options
}

// loadAttribution reads a trade's attribution rows and its realized vs implied vol.
func loadAttribution(ctx context.Context, tx *sql.Tx, tradeID int64) ([]AttributionRow, *VolDuringHold, error) {
	rows, err := tx.QueryContext(ctx, `SELECT day, symbol, layer, delta, gamma, theta, vega, actual, unexplained,
		spot_before, spot, vol_before, vol FROM pnl_attribution WHERE trade_id = ? ORDER BY day, symbol`, tradeID)
	if err != nil {
		return nil, nil, err
	}
	var out []AttributionRow
	for rows.Next() {
		r := AttributionRow{TradeID: tradeID}
		if err := rows.Scan(&r.Day, &r.Symbol, &r.Layer, &r.Delta, &r.Gamma, &r.Theta, &r.Vega, &r.Actual, &r.Unexplained,
			&r.SpotBefore, &r.Spot, &r.VolBefore, &r.Vol); err != nil {
			rows.Close()
			return nil, nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	days, err := tx.QueryContext(ctx, `SELECT day, max(spot), coalesce(avg(CASE WHEN vol > 0 THEN vol END), 0) FROM position_days
		WHERE trade_id = ? GROUP BY day ORDER BY day`, tradeID)
	if err != nil {
		return nil, nil, err
	}
	defer days.Close()
	var spots []float64
	var implied float64
	var n int
	for days.Next() {
		var day string
		var s, v float64
		if err := days.Scan(&day, &s, &v); err != nil {
			return nil, nil, err
		}
		spots = append(spots, s)
		if v > 0 {
			implied += v
			n++
		}
	}
	if err := days.Err(); err != nil {
		return nil, nil, err
	}
	if len(spots) < 3 {
		return out, nil, nil
	}
	rv, err := hedge.RealizedVol(spots, 252)
	if err != nil {
		return out, nil, nil // a flat or broken price series says nothing about vol
	}
	hv := &VolDuringHold{Days: len(spots), Realized: rv}
	if n > 0 {
		hv.Implied = implied / float64(n)
	}
	return out, hv, nil
}
