package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// ChecklistRun is one daily hedging checklist run as journaled. Steps is the run's figures
// and decisions as JSON (no P&L: the rule while hedging is "ignore P&L"). A run is on time
// when it was completed within the grace period after Scheduled (the caller decides).
type ChecklistRun struct {
	ID           int64
	Book         string
	Scheduled    time.Time
	Started      time.Time
	Completed    time.Time // zero until logged
	OnTime       bool
	ActionNeeded bool
	Summary      string
	Steps        string // JSON
	Action       string // what was done, in words
	OrderIDs     []string
	Source       string // "window" or "cli"
}

// ChecklistOrder is an adjustment a checklist run proposed. Legs is its legs in the form
// LegsKey writes; the desk claims the proposal (OrderID, Placed) when an order with the same
// legs is sent, and records the hedge (HedgeID) once it fills.
type ChecklistOrder struct {
	ID       int64
	Book     string
	RunID    int64
	Scope    string // the layer, or "book"
	Proposed time.Time
	Legs     string
	Words    string
	Policy   string
	Hedged   string // the position it hedges
	OrderID  string
	Placed   time.Time
	HedgeID  int64
}

// OffChecklistOrder is an adjustment sent outside the checklist.
type OffChecklistOrder struct {
	ID      int64
	Book    string
	Sent    time.Time
	OrderID string
	Words   string
	Note    string
}

// GuardEvent is the spiral guard stopping an order, or an override sending it anyway with
// the trader's written reason.
type GuardEvent struct {
	ID          int64
	Book        string
	At          time.Time
	Kind        string // "stop" or "override"
	Layer       string
	Words       string // the order in words
	Reason      string // the guard's reason
	Alternative string
	Override    string // the trader's reason (overrides)
	OrderID     string
}

// MarketEvent is an event the trader entered: earnings, an FOMC decision, a CPI print.
// An empty Symbol means it concerns every layer.
type MarketEvent struct {
	ID     int64
	At     time.Time
	Name   string
	Kind   string // earnings, fomc, economic, other
	Symbol string
}

// MarketEventKinds are the kinds a MarketEvent may have.
var MarketEventKinds = []string{"earnings", "fomc", "economic", "other"}

// LayerSize is a sample of a layer's gross contract count and call/put imbalance
// (0 balanced … 1 all on one side).
type LayerSize struct {
	Layer     string
	At        time.Time
	Contracts float64
	Imbalance float64
}

// LegsKey writes an order's legs as the journal matches them: "SYMBOL:+N" per leg (N the
// signed size, ratio × quantity), sorted by symbol, joined by spaces.
func LegsKey(legs map[string]int64) string {
	keys := make([]string, 0, len(legs))
	for sym := range legs {
		keys = append(keys, sym)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s:%+d", k, legs[k])
	}
	return strings.Join(parts, " ")
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

func scanNullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// LogChecklistRun journals a completed run and ties the proposals it made (proposals) to it;
// the order ids of those that were sent join r.OrderIDs. It returns the run's id.
func (j *Journal) LogChecklistRun(ctx context.Context, r ChecklistRun, proposals []int64) (int64, error) {
	if r.Book == "" {
		return 0, errors.New("checklist run: no book")
	}
	if r.Scheduled.IsZero() || r.Started.IsZero() {
		return 0, errors.New("checklist run: the scheduled and start times are required")
	}
	if r.Completed.IsZero() {
		r.Completed = j.now()
	}
	if r.Source == "" {
		r.Source = "window"
	}
	if r.Steps == "" {
		r.Steps = "{}"
	}
	var id int64
	err := j.inTx(ctx, func(tx *sql.Tx) error {
		ids := append([]string(nil), r.OrderIDs...)
		for _, p := range proposals {
			var oid sql.NullString
			if err := tx.QueryRowContext(ctx, "SELECT order_id FROM checklist_orders WHERE id = ? AND book = ?", p, r.Book).Scan(&oid); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("checklist run: proposal %d: %w", p, ErrNotFound)
				}
				return err
			}
			if oid.Valid && !contains(ids, oid.String) {
				ids = append(ids, oid.String)
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO checklist_runs (book, scheduled_at, started_at, completed_at, on_time,
			action_needed, summary, steps, action, order_ids, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Book, formatTime(r.Scheduled), formatTime(r.Started), formatTime(r.Completed), bit(r.OnTime), bit(r.ActionNeeded),
			r.Summary, r.Steps, r.Action, strings.Join(ids, " "), r.Source)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, p := range proposals {
			if _, err := tx.ExecContext(ctx, "UPDATE checklist_orders SET run_id = ? WHERE id = ?", id, p); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// ChecklistRuns lists a book's runs scheduled in [from, to), oldest first.
func (j *Journal) ChecklistRuns(ctx context.Context, book string, from, to time.Time) ([]ChecklistRun, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT id, scheduled_at, started_at, completed_at, on_time, action_needed, summary,
		steps, action, order_ids, source FROM checklist_runs WHERE book = ? AND scheduled_at >= ? AND scheduled_at < ?
		ORDER BY scheduled_at, id`, book, formatTime(from), formatTime(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ChecklistRun
	for rows.Next() {
		r := ChecklistRun{Book: book}
		var sched, start, ids string
		var done sql.NullString
		var onTime, need int
		if err := rows.Scan(&r.ID, &sched, &start, &done, &onTime, &need, &r.Summary, &r.Steps, &r.Action, &ids, &r.Source); err != nil {
			return nil, err
		}
		if r.Scheduled, err = parseTime(sched); err != nil {
			return nil, err
		}
		if r.Started, err = parseTime(start); err != nil {
			return nil, err
		}
		if r.Completed, err = scanNullTime(done); err != nil {
			return nil, err
		}
		r.OnTime, r.ActionNeeded = onTime == 1, need == 1
		r.OrderIDs = strings.Fields(ids)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ProposeChecklistOrder records an adjustment a run proposes, before the ticket sends it.
func (j *Journal) ProposeChecklistOrder(ctx context.Context, o ChecklistOrder) (int64, error) {
	if o.Book == "" || strings.TrimSpace(o.Legs) == "" {
		return 0, errors.New("checklist order: the book and legs are required")
	}
	if o.Proposed.IsZero() {
		o.Proposed = j.now()
	}
	var id int64
	err := j.inTx(ctx, func(tx *sql.Tx) error {
		var run any
		if o.RunID != 0 {
			run = o.RunID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO checklist_orders (book, run_id, scope, proposed_at, legs, words, policy, hedged)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, o.Book, run, o.Scope, formatTime(o.Proposed), o.Legs, o.Words, o.Policy, o.Hedged)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

const checklistOrderCols = `id, book, COALESCE(run_id, 0), scope, proposed_at, legs, words, policy, hedged, order_id, placed_at, COALESCE(hedge_id, 0)`

func scanChecklistOrder(r rowScanner) (ChecklistOrder, error) {
	var o ChecklistOrder
	var proposed string
	var oid, placed sql.NullString
	if err := r.Scan(&o.ID, &o.Book, &o.RunID, &o.Scope, &proposed, &o.Legs, &o.Words, &o.Policy, &o.Hedged, &oid, &placed, &o.HedgeID); err != nil {
		return o, err
	}
	var err error
	if o.Proposed, err = parseTime(proposed); err != nil {
		return o, err
	}
	o.OrderID = oid.String
	o.Placed, err = scanNullTime(placed)
	return o, err
}

// ClaimChecklistOrder returns the proposal already claimed by orderID, or else marks the
// newest unclaimed proposal of book with these legs, proposed
// at or after since, as sent as orderID at the time at. ok is false when no proposal
// matches: the order was not the checklist's.
func (j *Journal) ClaimChecklistOrder(ctx context.Context, book, legs string, since time.Time, orderID string, at time.Time) (o ChecklistOrder, ok bool, err error) {
	err = j.inTx(ctx, func(tx *sql.Tx) error {
		// The same order placed again (a retry with its client id) was claimed already.
		o, err = scanChecklistOrder(tx.QueryRowContext(ctx, `SELECT `+checklistOrderCols+` FROM checklist_orders
			WHERE book = ? AND order_id = ?`, book, orderID))
		if err == nil {
			ok = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		row := tx.QueryRowContext(ctx, `SELECT `+checklistOrderCols+` FROM checklist_orders
			WHERE book = ? AND legs = ? AND order_id IS NULL AND proposed_at >= ? ORDER BY proposed_at DESC, id DESC LIMIT 1`,
			book, legs, formatTime(since))
		o, err = scanChecklistOrder(row)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE checklist_orders SET order_id = ?, placed_at = ? WHERE id = ?", orderID, formatTime(at), o.ID); err != nil {
			return err
		}
		o.OrderID, o.Placed, ok = orderID, at, true
		return nil
	})
	return o, ok, err
}

// ChecklistOrders lists a book's proposals made in [from, to), oldest first.
func (j *Journal) ChecklistOrders(ctx context.Context, book string, from, to time.Time) ([]ChecklistOrder, error) {
	return j.checklistOrders(ctx, `WHERE book = ? AND proposed_at >= ? AND proposed_at < ? ORDER BY proposed_at, id`,
		book, formatTime(from), formatTime(to))
}

// ChecklistOrdersAwaitingHedge lists a book's sent proposals whose hedge is not recorded yet.
func (j *Journal) ChecklistOrdersAwaitingHedge(ctx context.Context, book string) ([]ChecklistOrder, error) {
	return j.checklistOrders(ctx, `WHERE book = ? AND order_id IS NOT NULL AND hedge_id IS NULL ORDER BY placed_at, id`, book)
}

func (j *Journal) checklistOrders(ctx context.Context, where string, args ...any) ([]ChecklistOrder, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT `+checklistOrderCols+` FROM checklist_orders `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ChecklistOrder
	for rows.Next() {
		o, err := scanChecklistOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OrderFills sums what the journal holds of one broker order of acct: the trade its fills
// went to (the first), their number, and their commissions and fees.
func (j *Journal) OrderFills(ctx context.Context, acct AccountRef, orderID string) (tradeID int64, fills int, costs decimal.Decimal, err error) {
	rows, err := j.read.QueryContext(ctx, `SELECT f.trade_id, f.commission, f.fees FROM fills f JOIN accounts a ON a.id = f.account_id
		WHERE a.broker = ? AND a.account = ? AND f.order_id = ? ORDER BY f.id`, acct.Broker, acct.Account, orderID)
	if err != nil {
		return 0, 0, decimal.Zero, err
	}
	defer rows.Close()
	costs = decimal.Zero
	for rows.Next() {
		var tid int64
		var c, f string
		if err := rows.Scan(&tid, &c, &f); err != nil {
			return 0, 0, decimal.Zero, err
		}
		cd, err1 := decimal.NewFromString(c)
		fd, err2 := decimal.NewFromString(f)
		if err1 != nil || err2 != nil {
			return 0, 0, decimal.Zero, fmt.Errorf("order %s: a fill holds costs %q and %q that are not numbers", orderID, c, f)
		}
		if fills == 0 {
			tradeID = tid
		}
		fills++
		costs = costs.Add(cd).Add(fd)
	}
	return tradeID, fills, costs, rows.Err()
}

// OpenTradeOf is the open trade of acct holding an open leg on symbol (the broker's symbol
// text of its fills); ok is false when there is none.
func (j *Journal) OpenTradeOf(ctx context.Context, acct AccountRef, symbol string) (id int64, ok bool, err error) {
	err = j.read.QueryRowContext(ctx, `SELECT t.id FROM fills f JOIN legs l ON l.id = f.leg_id JOIN trades t ON t.id = f.trade_id
		JOIN accounts a ON a.id = f.account_id
		WHERE a.broker = ? AND a.account = ? AND f.symbol = ? AND t.status = 'open' AND l.quantity_open <> '0'
		ORDER BY t.opened_at DESC LIMIT 1`, acct.Broker, acct.Account, symbol).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// SetChecklistOrderHedge ties a proposal to the hedge recorded for its fills.
func (j *Journal) SetChecklistOrderHedge(ctx context.Context, proposal, hedgeID int64) error {
	return j.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE checklist_orders SET hedge_id = ? WHERE id = ?", hedgeID, proposal)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("checklist order %d: %w", proposal, ErrNotFound)
		}
		return nil
	})
}

// RecordOffChecklist journals an adjustment sent outside the checklist, once per order id.
// A zero Sent is now.
func (j *Journal) RecordOffChecklist(ctx context.Context, o OffChecklistOrder) (int64, error) {
	if o.Book == "" || o.OrderID == "" {
		return 0, errors.New("off-checklist order: the book and order id are required")
	}
	if o.Sent.IsZero() {
		o.Sent = j.now()
	}
	var id int64
	err := j.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT id FROM off_checklist WHERE book = ? AND order_id = ?", o.Book, o.OrderID).Scan(&id)
		if err == nil {
			return nil // recorded already (the same order placed again)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO off_checklist (book, sent_at, order_id, words, note) VALUES (?, ?, ?, ?, ?)",
			o.Book, formatTime(o.Sent), o.OrderID, o.Words, o.Note)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// OffChecklist lists a book's off-checklist adjustments sent in [from, to), oldest first.
func (j *Journal) OffChecklist(ctx context.Context, book string, from, to time.Time) ([]OffChecklistOrder, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT id, sent_at, order_id, words, note FROM off_checklist
		WHERE book = ? AND sent_at >= ? AND sent_at < ? ORDER BY sent_at, id`, book, formatTime(from), formatTime(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OffChecklistOrder
	for rows.Next() {
		o := OffChecklistOrder{Book: book}
		var at string
		if err := rows.Scan(&o.ID, &at, &o.OrderID, &o.Words, &o.Note); err != nil {
			return nil, err
		}
		if o.Sent, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// RecordGuardEvent journals a spiral-guard stop or override. An override needs the trader's
// written reason. A zero At is now.
func (j *Journal) RecordGuardEvent(ctx context.Context, e GuardEvent) (int64, error) {
	if e.Kind != "stop" && e.Kind != "override" {
		return 0, fmt.Errorf("guard event: kind %q is not stop or override", e.Kind)
	}
	if e.Book == "" || e.Reason == "" {
		return 0, errors.New("guard event: the book and the guard's reason are required")
	}
	if e.Kind == "override" && strings.TrimSpace(e.Override) == "" {
		return 0, errors.New("guard event: an override needs the trader's written reason")
	}
	if e.At.IsZero() {
		e.At = j.now()
	}
	var id int64
	err := j.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO guard_events (book, at, kind, layer, words, reason, alternative, override, order_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Book, formatTime(e.At), e.Kind, e.Layer, e.Words, e.Reason, e.Alternative,
			strings.TrimSpace(e.Override), e.OrderID)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// SetGuardEventOrder records the order id an override was sent as.
func (j *Journal) SetGuardEventOrder(ctx context.Context, id int64, orderID string) error {
	return j.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE guard_events SET order_id = ? WHERE id = ?", orderID, id)
		return err
	})
}

// GuardEvents lists a book's guard stops and overrides in [from, to), oldest first.
func (j *Journal) GuardEvents(ctx context.Context, book string, from, to time.Time) ([]GuardEvent, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT id, at, kind, layer, words, reason, alternative, override, order_id FROM guard_events
		WHERE book = ? AND at >= ? AND at < ? ORDER BY at, id`, book, formatTime(from), formatTime(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []GuardEvent
	for rows.Next() {
		e := GuardEvent{Book: book}
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Kind, &e.Layer, &e.Words, &e.Reason, &e.Alternative, &e.Override, &e.OrderID); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddMarketEvent stores an event the trader entered.
func (j *Journal) AddMarketEvent(ctx context.Context, e MarketEvent) (int64, error) {
	e.Name = strings.TrimSpace(e.Name)
	if e.Name == "" {
		return 0, errors.New("market event: give it a name")
	}
	if e.At.IsZero() {
		return 0, errors.New("market event: give it a date")
	}
	if !contains(MarketEventKinds, e.Kind) {
		return 0, fmt.Errorf("market event: kind %q is not one of %s", e.Kind, strings.Join(MarketEventKinds, ", "))
	}
	var id int64
	err := j.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO market_events (at, name, kind, symbol) VALUES (?, ?, ?, ?)",
			formatTime(e.At), e.Name, e.Kind, strings.ToUpper(strings.TrimSpace(e.Symbol)))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// DeleteMarketEvent removes an event.
func (j *Journal) DeleteMarketEvent(ctx context.Context, id int64) error {
	return j.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM market_events WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("market event %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// MarketEvents lists the events in [from, to), soonest first.
func (j *Journal) MarketEvents(ctx context.Context, from, to time.Time) ([]MarketEvent, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT id, at, name, kind, symbol FROM market_events WHERE at >= ? AND at < ?
		ORDER BY at, id`, formatTime(from), formatTime(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MarketEvent
	for rows.Next() {
		var e MarketEvent
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Name, &e.Kind, &e.Symbol); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// RecordLayerSizes stores samples of a book's layers; a sample of the same layer and time
// replaces the earlier one.
func (j *Journal) RecordLayerSizes(ctx context.Context, book string, samples []LayerSize) error {
	for _, s := range samples {
		if math.IsNaN(s.Contracts) || math.IsInf(s.Contracts, 0) || math.IsNaN(s.Imbalance) || math.IsInf(s.Imbalance, 0) {
			return fmt.Errorf("layer size: %s at %s has a figure that is not a number", s.Layer, s.At)
		}
	}
	return j.inTx(ctx, func(tx *sql.Tx) error {
		for _, s := range samples {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO layer_sizes (book, layer, taken_at, contracts, imbalance)
				VALUES (?, ?, ?, ?, ?)`, book, s.Layer, formatTime(s.At), s.Contracts, s.Imbalance); err != nil {
				return err
			}
		}
		return nil
	})
}

// LayerSizes lists one layer's samples taken at or after since, oldest first.
func (j *Journal) LayerSizes(ctx context.Context, book, layer string, since time.Time) ([]LayerSize, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT taken_at, contracts, imbalance FROM layer_sizes
		WHERE book = ? AND layer = ? AND taken_at >= ? ORDER BY taken_at`, book, layer, formatTime(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LayerSize
	for rows.Next() {
		s := LayerSize{Layer: layer}
		var at string
		if err := rows.Scan(&at, &s.Contracts, &s.Imbalance); err != nil {
			return nil, err
		}
		if s.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// HedgeCost is the hedging cost journaled (Journal.AddHedge) on one day.
type HedgeCost struct {
	Day  time.Time // midnight of the day in the journal's location
	Cost decimal.Decimal
}

// HedgeCosts sums the hedges of acct's trades by day, for hedges made in [from, to).
func (j *Journal) HedgeCosts(ctx context.Context, acct AccountRef, from, to time.Time) ([]HedgeCost, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT h.hedged_at, h.cost FROM hedges h JOIN trades t ON t.id = h.trade_id
		JOIN accounts a ON a.id = t.account_id WHERE a.broker = ? AND a.account = ? AND h.hedged_at >= ? AND h.hedged_at < ?
		ORDER BY h.hedged_at`, acct.Broker, acct.Account, formatTime(from), formatTime(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HedgeCost
	for rows.Next() {
		var at, c string
		if err := rows.Scan(&at, &c); err != nil {
			return nil, err
		}
		t, err := parseTime(at)
		if err != nil {
			return nil, err
		}
		cost, err := decimal.NewFromString(c)
		if err != nil {
			return nil, fmt.Errorf("hedge at %s: cost %q is not a number", at, c)
		}
		lt := t.In(j.loc)
		d := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, j.loc)
		if n := len(out); n > 0 && out[n-1].Day.Equal(d) {
			out[n-1].Cost = out[n-1].Cost.Add(cost)
			continue
		}
		out = append(out, HedgeCost{Day: d, Cost: cost})
	}
	return out, rows.Err()
}
