package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// DateField says which date a Filter's From/To range applies to.
type DateField int

const (
	ByOpenDate  DateField = iota // when the trade opened
	ByCloseDate                  // when it closed (open trades never match a range)
)

// Filter selects trades. Zero fields select everything: AccountID 0 means all accounts,
// an empty Status any status. From and To bound the DateField half-open, [From, To); zero
// means unbounded. Tag matches a tag name, of TagKind if that is set. HideSample leaves out
// accounts marked as the sample history.
type Filter struct {
	AccountID  int64
	Underlying string
	Tag        string
	TagKind    TagKind
	Status     Status
	From, To   time.Time
	DateField  DateField
	HideSample bool
}

// SortBy orders a trade list.
type SortBy int

const (
	NewestFirst    SortBy = iota // by open time, newest first
	OldestFirst                  // by open time, oldest first
	RecentlyClosed               // by close time, newest first; open trades last
	BestPnLFirst                 // by realized P&L, highest first
	WorstPnLFirst                // by realized P&L, lowest first
	UnderlyingAToZ               // by underlying, then newest first
)

// Page sizes: a zero Limit means DefaultPageLimit; larger than MaximumPageLimit is capped.
const (
	DefaultPageLimit = 100
	MaximumPageLimit = 10000
)

// Page is which slice of the sorted list to return. Limit 0 means DefaultPageLimit.
type Page struct {
	Sort   SortBy
	Limit  int
	Offset int
}

// Totals add up every trade the filter selects, not just the page.
type Totals struct {
	Trades      int
	Open        int
	Closed      int
	Premium     decimal.Decimal
	Commission  decimal.Decimal
	Fees        decimal.Decimal
	HedgeCost   decimal.Decimal
	Costs       decimal.Decimal // Commission + Fees + HedgeCost
	RealizedPnL decimal.Decimal
}

// TradeList is one page of trades and the totals of the whole filtered set.
type TradeList struct {
	Trades []TradeSummary
	Totals Totals
}

// where turns a filter into a SQL condition on trades t.
func (f Filter) where() (string, []any, error) {
	conds := []string{"1 = 1"}
	var args []any
	if f.AccountID != 0 {
		conds = append(conds, "t.account_id = ?")
		args = append(args, f.AccountID)
	}
	if f.Underlying != "" {
		conds = append(conds, "t.underlying = ?")
		args = append(args, f.Underlying)
	}
	switch f.Status {
	case "":
	case StatusOpen, StatusClosed:
		conds = append(conds, "t.status = ?")
		args = append(args, string(f.Status))
	default:
		return "", nil, fmt.Errorf("filter: status %q is neither open nor closed", f.Status)
	}
	if f.Tag != "" {
		q := "t.id IN (SELECT tt.trade_id FROM trade_tags tt JOIN tags g ON g.id = tt.tag_id WHERE g.name = ?"
		args = append(args, f.Tag)
		if f.TagKind != "" {
			q += " AND g.kind = ?"
			args = append(args, string(f.TagKind))
		}
		conds = append(conds, q+")")
	}
	col := "t.opened_at"
	if f.DateField == ByCloseDate {
		col = "t.closed_at"
	}
	if !f.From.IsZero() {
		conds = append(conds, col+" >= ?")
		args = append(args, formatTime(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, col+" < ?")
		args = append(args, formatTime(f.To))
	}
	if f.HideSample {
		conds = append(conds, "t.account_id IN (SELECT id FROM accounts WHERE sample = 0)")
	}
	return strings.Join(conds, " AND "), args, nil
}

func (s SortBy) orderBy() (string, error) {
	switch s {
	case NewestFirst:
		return "t.opened_at DESC, t.id DESC", nil
	case OldestFirst:
		return "t.opened_at, t.id", nil
	case RecentlyClosed:
		// SQLite sorts NULL below every time, so the open trades (closed_at NULL) come
		// last, newest first, and the trades_closed index read downwards gives this order.
		return "t.closed_at DESC, t.id DESC", nil
	case BestPnLFirst:
		// The cast only orders rows; sums stay decimal.
		return "CAST(t.realized_pnl AS REAL) DESC, t.id DESC", nil
	case WorstPnLFirst:
		return "CAST(t.realized_pnl AS REAL), t.id DESC", nil
	case UnderlyingAToZ:
		return "t.underlying, t.opened_at DESC, t.id DESC", nil
	}
	return "", fmt.Errorf("unknown sort %d", s)
}

const summaryColumns = `t.id, t.account_id, t.underlying, t.strategy, t.status, t.opened_at, t.closed_at, t.premium,
	t.commission, t.fees, t.hedge_cost, t.realized_pnl, t.roll_count, t.hedge_count`

type rowScanner interface{ Scan(...any) error }

func (j *Journal) scanSummary(r rowScanner) (TradeSummary, error) {
	var t TradeSummary
	var status, opened string
	var closed sql.NullString
	var money [5]string
	if err := r.Scan(&t.ID, &t.AccountID, &t.Underlying, &t.Strategy, &status, &opened, &closed,
		&money[0], &money[1], &money[2], &money[3], &money[4], &t.Rolls, &t.Hedges); err != nil {
		return t, err
	}
	t.Status = Status(status)
	var err error
	if t.OpenedAt, err = parseTime(opened); err != nil {
		return t, err
	}
	if t.ClosedAt, err = parseNullTime(closed); err != nil {
		return t, err
	}
	d, err := decimals(money[:]...)
	if err != nil {
		return t, fmt.Errorf("trade %d: %w", t.ID, err)
	}
	t.Premium, t.Commission, t.Fees, t.HedgeCost, t.RealizedPnL = d[0], d[1], d[2], d[3], d[4]
	t.DaysHeld = j.daysHeld(t.OpenedAt, t.ClosedAt)
	return t, nil
}

// daysHeld counts calendar days from open to close, or to now while open.
func (j *Journal) daysHeld(opened, closed time.Time) float64 {
	end := closed
	if end.IsZero() {
		end = j.now()
	}
	d := end.Sub(opened).Hours() / 24
	if d < 0 {
		return 0
	}
	return d
}

// ListTrades returns one page of the trades the filter selects, sorted, with the totals of
// the whole selection.
func (j *Journal) ListTrades(ctx context.Context, f Filter, p Page) (TradeList, error) {
	where, args, err := f.where()
	if err != nil {
		return TradeList{}, err
	}
	order, err := p.Sort.orderBy()
	if err != nil {
		return TradeList{}, err
	}
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultPageLimit
	}
	if limit > MaximumPageLimit {
		limit = MaximumPageLimit
	}
	offset := max(p.Offset, 0)
	var out TradeList
	rows, err := j.read.QueryContext(ctx, "SELECT "+summaryColumns+" FROM trades t WHERE "+where+" ORDER BY "+order+" LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	if err != nil {
		return out, err
	}
	for rows.Next() {
		t, err := j.scanSummary(rows)
		if err != nil {
			rows.Close()
			return out, err
		}
		out.Trades = append(out.Trades, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	out.Totals, err = j.totals(ctx, where, args)
	return out, err
}

// totals adds up the trades the condition selects. Reading a row's columns one by one costs
// the driver more than SQLite takes to find the row, so the query hands the selection back
// as one text, a line per trade — status initial, then premium, commission, fees, hedge cost
// and realized P&L, space separated (about 40 bytes a trade) — parsed and summed exactly here.
func (j *Journal) totals(ctx context.Context, where string, args []any) (Totals, error) {
	var tot Totals
	var sums [5]decimalSum
	var n int
	var text sql.RawBytes
	rows, err := j.read.QueryContext(ctx, `SELECT count(*), group_concat(substr(t.status, 1, 1) || ' ' || t.premium || ' ' ||
		t.commission || ' ' || t.fees || ' ' || t.hedge_cost || ' ' || t.realized_pnl, char(10)) FROM trades t WHERE `+where, args...)
	if err != nil {
		return tot, err
	}
	if rows.Next() {
		err = rows.Scan(&n, &text)
		if err == nil {
			err = addTotalsLines(&tot, &sums, text)
		}
		if err == nil && tot.Trades != n {
			err = fmt.Errorf("journal totals: %d trades read as %d lines", n, tot.Trades)
		}
	}
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return tot, err
	}
	tot.Premium, tot.Commission, tot.Fees, tot.HedgeCost, tot.RealizedPnL =
		sums[0].value(), sums[1].value(), sums[2].value(), sums[3].value(), sums[4].value()
	tot.Costs = tot.Commission.Add(tot.Fees).Add(tot.HedgeCost)
	return tot, nil
}

// addTotalsLines adds lines "o 150 1 0.14 0 -12.5" (status initial, then the five amounts)
// to the trade counts and sums.
func addTotalsLines(tot *Totals, sums *[5]decimalSum, text []byte) error {
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		if len(line) < 2 || line[1] != ' ' {
			return fmt.Errorf("journal totals: unexpected line %q", line)
		}
		tot.Trades++
		if line[0] == StatusOpen[0] {
			tot.Open++
		} else {
			tot.Closed++
		}
		line = line[2:]
		for i := range sums {
			field := line
			if k := bytes.IndexByte(line, ' '); k >= 0 {
				field, line = line[:k], line[k+1:]
			} else {
				line = nil
			}
			if err := sums[i].add(field); err != nil {
				return err
			}
		}
		if line != nil {
			return fmt.Errorf("journal totals: unexpected amounts after %q", line)
		}
	}
	return nil
}

// Accounts lists the recorded accounts.
func (j *Journal) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := j.read.QueryContext(ctx, "SELECT id, broker, account, kind, sample FROM accounts ORDER BY broker, account")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		var kind string
		if err := rows.Scan(&a.ID, &a.Broker, &a.Account, &kind, &a.Sample); err != nil {
			return nil, err
		}
		a.Kind = AccountKind(kind)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ErrNotFound is returned (wrapped) when a trade or lesson does not exist.
var ErrNotFound = errors.New("not found")

// TradeDetail returns everything about one trade.
func (j *Journal) TradeDetail(ctx context.Context, id int64) (TradeDetail, error) {
	var d TradeDetail
	// One read transaction, so every part comes from the same snapshot.
	tx, err := j.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return d, err
	}
	defer tx.Rollback()
	d.TradeSummary, err = j.scanSummary(tx.QueryRowContext(ctx, "SELECT "+summaryColumns+" FROM trades t WHERE t.id = ?", id))
	if err == sql.ErrNoRows {
		return d, fmt.Errorf("trade %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return d, err
	}
	var kind string
	if err := tx.QueryRowContext(ctx, "SELECT id, broker, account, kind, sample FROM accounts WHERE id = ?", d.AccountID).
		Scan(&d.Account.ID, &d.Account.Broker, &d.Account.Account, &kind, &d.Account.Sample); err != nil {
		return d, err
	}
	d.Account.Kind = AccountKind(kind)
	legs, err := loadLegs(ctx, tx, id)
	if err != nil {
		return d, err
	}
	for _, l := range legs {
		d.Legs = append(d.Legs, l.Leg)
	}
	if d.Fills, err = loadFills(ctx, tx, id, legs); err != nil {
		return d, err
	}
	if d.Chain, err = chain(ctx, tx, id, d.Fills, legs); err != nil {
		return d, err
	}
	d.CumulativeCredit = decimal.Zero
	if n := len(d.Chain); n > 0 {
		d.CumulativeCredit = d.Chain[n-1].Cumulative
		d.Breakevens = d.Chain[n-1].Breakevens
	}
	if d.Settlements, err = loadSettlements(ctx, tx, id, legs); err != nil {
		return d, err
	}
	if d.Hedges, err = loadHedges(ctx, tx, id); err != nil {
		return d, err
	}
	if d.EntryGreeks, err = loadGreeks(ctx, tx, "WHERE trade_id = ? AND kind = 'entry' ORDER BY taken_at, id", id); err != nil {
		return d, err
	}
	if d.Attribution, d.HoldVol, err = loadAttribution(ctx, tx, id); err != nil {
		return d, err
	}
	if d.Tags, err = loadTags(ctx, tx, "SELECT g.kind, g.name FROM trade_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.trade_id = ? ORDER BY g.kind, g.name", id); err != nil {
		return d, err
	}
	if d.Lessons, err = loadLessons(ctx, tx, "WHERE l.trade_id = ? ORDER BY l.created_at DESC, l.id DESC", id); err != nil {
		return d, err
	}
	if !d.Premium.IsZero() {
		d.CostShare, d.HasCostShare = d.Costs().DivRound(d.Premium, 6), true
	}
	return d, nil
}

// legRow is a leg with the exact multiplier and strike it was stored with.
type legRow struct {
	Leg
	instr instrumentRow
}

func loadLegs(ctx context.Context, tx *sql.Tx, tradeID int64) (map[int64]*legRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT l.id, l.side, l.quantity_open, l.opened_at, l.closed_at,
		i.id, i.symbol, i.kind, i.root, i.underlying, i.expiry, i.multiplier, i.option_right, i.strike, i.style
		FROM legs l JOIN instruments i ON i.id = l.instrument_id WHERE l.trade_id = ? ORDER BY l.id`, tradeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*legRow{}
	for rows.Next() {
		var l legRow
		var side, qty, opened, symbol, kind, root, underlying, mult string
		var closed, expiry, right, strike, style sql.NullString
		var instrID int64
		if err := rows.Scan(&l.ID, &side, &qty, &opened, &closed, &instrID, &symbol, &kind, &root, &underlying, &expiry,
			&mult, &right, &strike, &style); err != nil {
			return nil, err
		}
		if l.instr, err = scanInstrument(instrID, symbol, kind, root, underlying, expiry, mult, right, strike, style); err != nil {
			return nil, err
		}
		l.Symbol, l.Instrument, l.Side = symbol, l.instr.Instrument, Side(side)
		if l.Quantity, err = decimal.NewFromString(qty); err != nil {
			return nil, fmt.Errorf("leg %d: bad quantity %q", l.ID, qty)
		}
		if l.OpenedAt, err = parseTime(opened); err != nil {
			return nil, err
		}
		if l.ClosedAt, err = parseNullTime(closed); err != nil {
			return nil, err
		}
		out[l.ID] = &l
	}
	return out, rows.Err()
}

func loadFills(ctx context.Context, tx *sql.Tx, tradeID int64, legs map[int64]*legRow) ([]FillRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, leg_id, exec_id, part, order_id, kind, effect, filled_at, symbol,
		quantity, price, commission, fees, realized_pnl, source FROM fills WHERE trade_id = ? ORDER BY filled_at, id`, tradeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FillRow
	for rows.Next() {
		var f FillRow
		var at, q, p, c, fe, r string
		if err := rows.Scan(&f.ID, &f.LegID, &f.ExecID, &f.Part, &f.Order, &f.Kind, &f.Effect, &at, &f.Symbol,
			&q, &p, &c, &fe, &r, &f.Source); err != nil {
			return nil, err
		}
		if f.Time, err = parseTime(at); err != nil {
			return nil, err
		}
		d, err := decimals(q, p, c, fe, r)
		if err != nil {
			return nil, fmt.Errorf("fill %d: %w", f.ID, err)
		}
		f.Quantity, f.Price, f.Commission, f.Fees, f.RealizedPnL = d[0], d[1], d[2], d[3], d[4]
		leg := legs[f.LegID]
		if leg == nil {
			return nil, fmt.Errorf("fill %d: leg %d is not in trade %d", f.ID, f.LegID, tradeID)
		}
		if f.Symbol == "" {
			f.Symbol = leg.Symbol
		}
		f.Cash = f.Quantity.Neg().Mul(f.Price).Mul(leg.instr.Multiplier).Sub(f.Commission).Sub(f.Fees)
		out = append(out, f)
	}
	return out, rows.Err()
}

// chain replays a trade's fills step by step (one step per order, or per event without an
// order): each step's cash, the running total and the breakevens of what is open after it.
func chain(ctx context.Context, tx *sql.Tx, tradeID int64, fills []FillRow, legs map[int64]*legRow) ([]ChainStep, error) {
	rolled := map[string]bool{}
	rows, err := tx.QueryContext(ctx, "SELECT order_id FROM rolls WHERE trade_id = ?", tradeID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return nil, err
		}
		rolled[o] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	open := map[int64]decimal.Decimal{} // signed quantity per leg
	var steps []ChainStep
	cum := decimal.Zero
	stepKey := func(f FillRow) string {
		if f.Order != "" {
			return "o\x00" + f.Order
		}
		return "e\x00" + f.ExecID
	}
	for i := 0; i < len(fills); {
		key := stepKey(fills[i])
		s := ChainStep{Time: fills[i].Time, Order: fills[i].Order, Credit: decimal.Zero}
		kinds := map[string]bool{}
		k := i
		for ; k < len(fills) && stepKey(fills[k]) == key; k++ {
			f := fills[k]
			s.Credit = s.Credit.Add(f.Cash)
			open[f.LegID] = open[f.LegID].Add(f.Quantity)
			kinds[f.Kind+"/"+f.Effect] = true
			sym := legs[f.LegID].Symbol
			if f.Effect == "open" {
				s.Opened = appendString(s.Opened, sym)
			} else {
				s.Closed = appendString(s.Closed, sym)
			}
		}
		i = k
		cum = cum.Add(s.Credit)
		s.Cumulative = cum
		switch {
		case len(steps) == 0:
			s.Step = "open"
		case s.Order != "" && rolled[s.Order]:
			s.Step = "roll"
		case kinds["assignment/close"]:
			s.Step = "assignment"
		case kinds["exercise/close"]:
			s.Step = "exercise"
		case kinds["expiration/close"]:
			s.Step = "expiration"
		case kinds["delivery/open"]:
			s.Step = "delivery"
		case len(s.Opened) > 0 && len(s.Closed) == 0:
			s.Step = "add"
		default:
			s.Step = "close"
		}
		var pl []payoffLeg
		for legID, q := range open {
			if q.IsZero() {
				continue
			}
			in := legs[legID].instr
			pl = append(pl, payoffLeg{Quantity: q, Multiplier: in.Multiplier, Option: isOption(in.Instrument.Kind),
				Put: in.Instrument.Right.String() == "put", Strike: in.Strike})
		}
		s.Breakevens = breakevens(cum, pl)
		steps = append(steps, s)
	}
	return steps, nil
}

func appendString(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func loadSettlements(ctx context.Context, tx *sql.Tx, tradeID int64, legs map[int64]*legRow) ([]Settlement, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, kind, settled_at, option_leg_id, quantity, delivered_leg_id FROM settlements
		WHERE trade_id = ? ORDER BY settled_at, id`, tradeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Settlement
	for rows.Next() {
		var s Settlement
		var at, q string
		var delivered sql.NullInt64
		if err := rows.Scan(&s.ID, &s.Kind, &at, &s.OptionLegID, &q, &delivered); err != nil {
			return nil, err
		}
		if s.Time, err = parseTime(at); err != nil {
			return nil, err
		}
		if s.Quantity, err = decimal.NewFromString(q); err != nil {
			return nil, fmt.Errorf("settlement %d: bad quantity %q", s.ID, q)
		}
		if l := legs[s.OptionLegID]; l != nil {
			s.OptionSymbol = l.Symbol
		}
		if delivered.Valid {
			s.DeliveredLeg = delivered.Int64
			if l := legs[delivered.Int64]; l != nil {
				s.DeliveredWhat = l.Symbol
			}
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func loadHedges(ctx context.Context, tx *sql.Tx, tradeID int64) ([]Hedge, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, trade_id, hedge_trade_id, hedged_at, reason, policy, cost FROM hedges
		WHERE trade_id = ? ORDER BY hedged_at, id`, tradeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Hedge
	for rows.Next() {
		var h Hedge
		var ht sql.NullInt64
		var at, cost string
		if err := rows.Scan(&h.ID, &h.TradeID, &ht, &at, &h.Reason, &h.Policy, &cost); err != nil {
			return nil, err
		}
		h.HedgeTradeID = ht.Int64
		if h.Time, err = parseTime(at); err != nil {
			return nil, err
		}
		if h.Cost, err = decimal.NewFromString(cost); err != nil {
			return nil, fmt.Errorf("hedge %d: bad cost %q", h.ID, cost)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func loadGreeks(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]GreekSnapshot, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, trade_id, leg_id, kind, taken_at, delta, gamma, theta, vega, iv, underlying_price
		FROM greek_snapshots `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []GreekSnapshot
	for rows.Next() {
		var g GreekSnapshot
		var leg sql.NullInt64
		var kind, at, price string
		if err := rows.Scan(&g.ID, &g.TradeID, &leg, &kind, &at, &g.Delta, &g.Gamma, &g.Theta, &g.Vega, &g.IV, &price); err != nil {
			return nil, err
		}
		g.LegID, g.Entry = leg.Int64, kind == "entry"
		if g.Time, err = parseTime(at); err != nil {
			return nil, err
		}
		if g.UnderlyingPrice, err = decimal.NewFromString(price); err != nil {
			return nil, fmt.Errorf("greek snapshot %d: bad underlying price %q", g.ID, price)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func loadTags(ctx context.Context, q querier, query string, args ...any) ([]Tag, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tag
	for rows.Next() {
		var t Tag
		var kind string
		if err := rows.Scan(&kind, &t.Name); err != nil {
			return nil, err
		}
		t.Kind = TagKind(kind)
		out = append(out, t)
	}
	return out, rows.Err()
}

func loadLessons(ctx context.Context, q querier, where string, args ...any) ([]Lesson, error) {
	rows, err := q.QueryContext(ctx, `SELECT l.id, l.trade_id, coalesce(t.underlying, ''), l.day, l.layer, l.body, l.created_at, l.updated_at
		FROM lessons l LEFT JOIN trades t ON t.id = l.trade_id `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Lesson
	for rows.Next() {
		var l Lesson
		var trade sql.NullInt64
		var day, layer sql.NullString
		var created, updated string
		if err := rows.Scan(&l.ID, &trade, &l.Underlying, &day, &layer, &l.Text, &created, &updated); err != nil {
			return nil, err
		}
		l.TradeID, l.Day, l.Layer = trade.Int64, day.String, layer.String
		if l.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		if l.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
