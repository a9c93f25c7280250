package data

import (
	"github.com/keel-desk/keel/format"

	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/instrument"
)

// Import records a broker statement in one transaction: either every new event and money
// movement is recorded or, on any error, nothing is. Events and money movements already in
// the journal (same account and event ID) are skipped, so importing a file twice or
// overlapping statements never duplicates. The rows the parser did not import are carried
// into the result (NotImported) for the trader to see.
//
// Events are taken in time order, grouped by order. Each event first closes open lots of the
// same instrument in the account, oldest first (FIFO), realizing their P&L with costs; what
// is left opens a position. Opening legs of one order form one trade; an order that closes
// legs of a trade and opens legs on the same underlying is a roll: the new legs join that
// trade and the roll is recorded with its net credit. Expirations close the option at the
// statement's price (0); assignments and exercises close it at the statement's price (0 at
// the brokers Keel reads) and the delivered shares or future (a Delivery event, usually at
// the strike) open in the same trade, so the intrinsic value is realized through them.
//
// Import needs the journal's owner: on a Shared journal that another process owns it
// returns an *InUseError and changes nothing.
func (j *Journal) Import(ctx context.Context, acct AccountRef, st *statement.Statement) (ImportResult, error) {
	if st == nil {
		return ImportResult{}, errors.New("import: no statement")
	}
	res := ImportResult{Events: len(st.Events), CashEvents: len(st.Cash), NotImported: st.Skipped}
	err := j.owned(ctx, func() error {
		return j.inTx(ctx, func(tx *sql.Tx) error {
			im := newImporter(ctx, tx, acct, &res)
			im.stAccount = st.Account
			defer im.close()
			if err := im.run(st.Events); err != nil {
				return err
			}
			return im.recordCash(st.Cash)
		})
	})
	if err != nil {
		return ImportResult{Events: len(st.Events), CashEvents: len(st.Cash), NotImported: st.Skipped}, err
	}
	return res, nil
}

// DefaultAccount is the account name used when neither the caller, the event nor the
// statement names one (tastytrade's transaction CSV does not).
const DefaultAccount = "default"

// lot is an opening fill part with quantity still open.
type lot struct {
	fillID    int64
	legID     int64
	tradeID   int64
	filledAt  string          // stored time text: lots are used oldest first (filled_at, then id)
	remaining decimal.Decimal // signed
	costs     decimal.Decimal
	price     decimal.Decimal
}

// part is one fill row to write: an event's share against one leg.
type part struct {
	ev       *statement.Event
	acctID   int64
	instr    instrumentRow
	closing  bool
	legID    int64
	tradeID  int64
	qty      decimal.Decimal // signed
	comm     decimal.Decimal
	fees     decimal.Decimal
	realized decimal.Decimal
	lots     []*lot // for a closing part: the lots it consumed (to set lot state)
}

func (p *part) cash() decimal.Decimal {
	return p.qty.Neg().Mul(p.ev.Price).Mul(p.instr.Multiplier).Sub(p.comm).Sub(p.fees)
}

// tradeCash is the cash the trade itself moves, as a broker's cash column shows it: a
// future's trade moves only its costs (its gains and losses are settled as variation margin,
// not in the trade row).
func (p *part) tradeCash() decimal.Decimal {
	if p.ev.Instrument.Kind == instrument.Future {
		return p.comm.Add(p.fees).Neg()
	}
	return p.cash()
}

// settledRef is an assignment or exercise recorded in this import, waiting for its delivery.
type settledRef struct {
	acctID  int64
	root    string
	tradeID int64
	ids     []int64
	time    time.Time
	used    bool
}

// importer records one statement's events in one write transaction. Every statement it
// runs is prepared once, on first use, and reused for the rest of the transaction. What it
// wrote itself it remembers, so it reads each row back at most once: the open lots of an
// instrument in an account (FIFO order), the open quantity of each leg, the legs of the
// trades it opened. Nothing else writes in the transaction, so the memory and the journal
// agree until it commits (or rolls back, with the importer thrown away).
type importer struct {
	ctx         context.Context
	tx          *sql.Tx
	ref         AccountRef
	stAccount   string // the account the statement names, for events that do not
	res         *ImportResult
	accounts    map[string]int64
	instruments map[string]instrumentRow
	stored      map[string]*storedInstrument // looked up in the journal: the row, or nil if it has none
	seen        map[eventKey]bool
	touched     map[int64]bool
	settled     []*settledRef

	lots     map[lotKey][]*lot         // the open lots of an instrument in an account, once read
	legQty   map[int64]decimal.Decimal // a leg's quantity_open, once read or written
	created  map[int64]bool            // trades opened by this import
	strategy map[int64]string          // their strategy, from the legs their first order opened
	newLegs  map[legKey]int64          // the latest leg this import opened for a trade, instrument and side

	stmts [nImportQueries]*sql.Stmt
}

type eventKey struct {
	acctID int64
	id     string
}

type lotKey struct{ acctID, instrID int64 }

type legKey struct {
	tradeID, instrID int64
	side             Side
}

// The importer's statements, prepared on first use (importer.stmt).
type importQuery int

const (
	qKnownFills importQuery = iota
	qLots
	qFill
	qLegFind
	qLegNew
	qLegQty
	qLot
	qLegGet
	qInstrumentFind
	qInstrumentNew
	qTrade
	qSettlement
	qDelivered
	qFindSettlement
	qRoll
	qRollLeg
	nImportQueries
)

var importSQL = [nImportQueries]string{
	// the event ids (a JSON array) already recorded for an account: one lookup each, one round trip
	qKnownFills: "SELECT DISTINCT exec_id FROM fills WHERE account_id = ? AND exec_id IN (SELECT value FROM json_each(?))",
	qLots: `SELECT f.id, f.leg_id, f.trade_id, f.filled_at, f.open_remaining, f.open_costs, f.price
		FROM legs l JOIN trades t ON t.id = l.trade_id JOIN fills f ON f.leg_id = l.id
		WHERE l.instrument_id = ? AND l.quantity_open <> '0' AND t.account_id = ? AND f.open_remaining <> '0'
		ORDER BY f.filled_at, f.id`,
	qFill: `INSERT INTO fills (account_id, trade_id, leg_id, exec_id, part, order_id, kind, effect, filled_at,
		quantity, price, commission, fees, open_remaining, open_costs, realized_pnl, symbol, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	qLegFind:        `SELECT id FROM legs WHERE trade_id = ? AND instrument_id = ? AND side = ? AND quantity_open <> '0'`,
	qLegNew:         `INSERT INTO legs (trade_id, instrument_id, side, quantity_open, opened_at) VALUES (?, ?, ?, '0', ?)`,
	qLegQty:         `UPDATE legs SET quantity_open = ?, closed_at = ? WHERE id = ?`,
	qLot:            `UPDATE fills SET open_remaining = ?, open_costs = ? WHERE id = ?`,
	qLegGet:         `SELECT quantity_open FROM legs WHERE id = ?`,
	qInstrumentFind: findInstrumentsSQL,
	qInstrumentNew:  insertInstrumentSQL,
	qTrade:          `INSERT INTO trades (account_id, underlying, status, opened_at) VALUES (?, ?, 'open', ?)`,
	qSettlement: `INSERT INTO settlements (trade_id, fill_id, kind, settled_at, option_leg_id, quantity)
		VALUES (?, ?, ?, ?, ?, ?)`,
	qDelivered: `UPDATE settlements SET delivered_leg_id = ? WHERE id = ?`,
	qFindSettlement: `SELECT s.id, s.trade_id, s.settled_at FROM settlements s
		JOIN trades t ON t.id = s.trade_id JOIN legs l ON l.id = s.option_leg_id JOIN instruments i ON i.id = l.instrument_id
		WHERE t.account_id = ? AND i.root = ? AND s.kind <> 'expiration' AND s.delivered_leg_id IS NULL AND s.settled_at <= ?
		ORDER BY s.settled_at DESC, s.id DESC LIMIT 1`,
	qRoll:    `INSERT INTO rolls (trade_id, order_id, rolled_at, net_credit) VALUES (?, ?, ?, ?)`,
	qRollLeg: `INSERT INTO roll_legs (roll_id, leg_id, role) VALUES (?, ?, ?)`,
}

func newImporter(ctx context.Context, tx *sql.Tx, ref AccountRef, res *ImportResult) *importer {
	return &importer{ctx: ctx, tx: tx, ref: ref, res: res,
		accounts: map[string]int64{}, instruments: map[string]instrumentRow{}, stored: map[string]*storedInstrument{},
		seen: map[eventKey]bool{}, touched: map[int64]bool{},
		lots: map[lotKey][]*lot{}, legQty: map[int64]decimal.Decimal{}, created: map[int64]bool{}, strategy: map[int64]string{}, newLegs: map[legKey]int64{}}
}

// stmt returns query q prepared in the importer's transaction, preparing it the first time.
func (im *importer) stmt(q importQuery) (*sql.Stmt, error) {
	if s := im.stmts[q]; s != nil {
		return s, nil
	}
	s, err := im.tx.PrepareContext(im.ctx, importSQL[q])
	if err != nil {
		return nil, err
	}
	im.stmts[q] = s
	return s, nil
}

// exec runs prepared query q.
func (im *importer) exec(q importQuery, args ...any) (sql.Result, error) {
	s, err := im.stmt(q)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(im.ctx, args...)
}

// queryRow runs prepared query q for one row.
func (im *importer) queryRow(q importQuery, args ...any) (*sql.Row, error) {
	s, err := im.stmt(q)
	if err != nil {
		return nil, err
	}
	return s.QueryRowContext(im.ctx, args...), nil
}

func (im *importer) close() {
	for _, s := range im.stmts {
		if s != nil {
			s.Close()
		}
	}
}

// eventError names where a bad event came from.
func eventError(ev *statement.Event, format string, args ...any) error {
	err := fmt.Errorf(format, args...) // keeps a %w cause (Transient reads it)
	if ev.Source != "" {
		return fmt.Errorf("%s: %w", ev.Source, err)
	}
	return fmt.Errorf("event %q: %w", ev.ID, err)
}

func (im *importer) account(ev *statement.Event) (int64, error) {
	broker, acct := im.ref.Broker, im.ref.Account
	if broker != "" && ev.Broker != "" && !strings.EqualFold(broker, ev.Broker) {
		return 0, eventError(ev, "broker %q is not the account's broker %q", ev.Broker, broker)
	}
	if acct != "" && ev.Account != "" && ev.Account != acct {
		return 0, eventError(ev, "account %q is not the account being imported (%q)", ev.Account, acct)
	}
	if broker == "" {
		broker = ev.Broker
	}
	from := AccountGiven
	if acct == "" {
		acct, from = ev.Account, AccountInRows
	}
	if acct == "" {
		acct, from = im.stAccount, AccountStatement
	}
	if acct == "" {
		acct, from = DefaultAccount, AccountDefault
	}
	if broker == "" || acct == "" {
		return 0, eventError(ev, "no broker or account to file it under")
	}
	key := broker + "\x00" + acct
	if id, ok := im.accounts[key]; ok {
		return id, nil
	}
	im.res.FiledUnder = append(im.res.FiledUnder, FiledAccount{Broker: broker, Account: acct, From: from})
	kind := im.ref.Kind
	if kind == "" {
		kind = Live
		if broker == "paper" {
			kind = Paper
		}
	}
	if kind != Live && kind != Paper {
		return 0, fmt.Errorf("account kind %q is neither live nor paper", kind)
	}
	sample := 0
	if im.ref.Sample {
		sample = 1
	}
	if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO accounts (broker, account, kind, sample) VALUES (?, ?, ?, ?)
		ON CONFLICT (broker, account) DO NOTHING`, broker, acct, string(kind), sample); err != nil {
		return 0, err
	}
	var id int64
	if err := im.tx.QueryRowContext(im.ctx, "SELECT id FROM accounts WHERE broker = ? AND account = ?", broker, acct).Scan(&id); err != nil {
		return 0, err
	}
	im.accounts[key] = id
	return id, nil
}

func (im *importer) instrument(ev *statement.Event) (instrumentRow, error) {
	sym := Symbol(ev.Instrument)
	if r, ok := im.instruments[sym]; ok {
		return r, nil
	}
	if _, ok := im.stored[sym]; !ok {
		if err := im.findInstruments([]string{sym}); err != nil {
			return instrumentRow{}, err
		}
	}
	insert, err := im.stmt(qInstrumentNew)
	if err != nil {
		return instrumentRow{}, err
	}
	r, err := ensureInstrument(im.ctx, insert, ev.Instrument, im.stored[sym])
	if err != nil {
		return r, eventError(ev, "%v", err)
	}
	im.instruments[sym] = r
	return r, nil
}

// findInstruments looks the symbols up in the journal, in one query.
func (im *importer) findInstruments(symbols []string) error {
	if len(symbols) == 0 {
		return nil
	}
	find, err := im.stmt(qInstrumentFind)
	if err != nil {
		return err
	}
	return findInstruments(im.ctx, find, symbols, im.stored)
}

// group is the events of one order (or one event without an order), in processing order.
type group struct {
	acctID int64
	order  string
	events []*statement.Event
}

func (im *importer) run(events []statement.Event) error {
	idx := make([]int, len(events))
	for i := range idx {
		idx[i] = i
	}
	// Time order; at equal times a delivery comes after the assignment that caused it.
	rank := func(e *statement.Event) int {
		if e.Kind == statement.Delivery {
			return 1
		}
		return 0
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ea, eb := &events[idx[a]], &events[idx[b]]
		if !ea.Time.Equal(eb.Time) {
			return ea.Time.Before(eb.Time)
		}
		return rank(ea) < rank(eb)
	})
	// Check every event and find its account; the ones not seen before in this statement
	// are then looked up in the journal, one query per account.
	type candidate struct {
		ev     *statement.Event
		acctID int64
	}
	var cands []candidate
	ids := map[int64][]string{}
	for _, i := range idx {
		ev := &events[i]
		if ev.ID == "" {
			return eventError(ev, "has no event id, so a re-import could not recognise it")
		}
		if ev.Kind < statement.Fill || ev.Kind > statement.Delivery {
			return eventError(ev, "unknown event kind %d", ev.Kind)
		}
		if ev.Quantity.IsZero() {
			return eventError(ev, "quantity is zero")
		}
		if ev.Time.IsZero() {
			return eventError(ev, "has no time")
		}
		acctID, err := im.account(ev)
		if err != nil {
			return err
		}
		key := eventKey{acctID, ev.ID}
		if im.seen[key] {
			im.res.Skipped++
			continue
		}
		im.seen[key] = true
		cands = append(cands, candidate{ev, acctID})
		ids[acctID] = append(ids[acctID], ev.ID)
	}
	known, err := im.knownFills(ids)
	if err != nil {
		return err
	}
	var groups []*group
	type orderKey struct {
		acctID int64
		order  string
	}
	byOrder := map[orderKey]*group{}
	for _, c := range cands {
		ev, acctID := c.ev, c.acctID
		if known[eventKey{acctID, ev.ID}] {
			im.res.Skipped++
			continue
		}
		im.res.New++
		if ev.HasCash {
			im.res.CashRows++
			im.res.StatementCash = im.res.StatementCash.Add(ev.Cash)
		}
		if ev.Order == "" {
			groups = append(groups, &group{acctID: acctID, events: []*statement.Event{ev}})
			continue
		}
		gk := orderKey{acctID, ev.Order}
		g := byOrder[gk]
		if g == nil {
			g = &group{acctID: acctID, order: ev.Order}
			byOrder[gk] = g
			groups = append(groups, g)
		}
		g.events = append(g.events, ev)
	}
	// The instruments of the new events, looked up at once.
	var symbols []string
	listed := map[string]bool{}
	for _, g := range groups {
		for _, ev := range g.events {
			if sym := Symbol(ev.Instrument); !listed[sym] {
				listed[sym] = true
				symbols = append(symbols, sym)
			}
		}
	}
	if err := im.findInstruments(symbols); err != nil {
		return err
	}
	for _, g := range groups {
		if err := im.order(g); err != nil {
			return err
		}
	}
	if err := im.refresh(); err != nil {
		return err
	}
	return im.countOpenLegs()
}

// countOpenLegs counts the legs still open in the accounts this import used.
func (im *importer) countOpenLegs() error {
	for _, id := range im.accounts {
		var n int
		if err := im.tx.QueryRowContext(im.ctx, `SELECT count(*) FROM legs JOIN trades ON trades.id = legs.trade_id
			WHERE trades.account_id = ? AND legs.quantity_open <> '0'`, id).Scan(&n); err != nil {
			return err
		}
		im.res.OpenLegs += n
	}
	return nil
}

// knownFills is the set of the given event ids (per account) already recorded in the journal.
func (im *importer) knownFills(ids map[int64][]string) (map[eventKey]bool, error) {
	known := map[eventKey]bool{}
	for acctID, list := range ids {
		found, err := im.recorded(acctID, list)
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			known[eventKey{acctID, id}] = true
		}
	}
	return known, nil
}

// recorded returns which of ids the account's fills already hold, in one query.
func (im *importer) recorded(acctID int64, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	st, err := im.stmt(qKnownFills)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(im.ctx, acctID, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// openLots returns the account's open lots in an instrument, oldest first. They are read
// from the journal the first time (never for an instrument this import recorded: nothing
// can be open in it) and kept up to date in memory after that: closeLots changes them,
// addLot adds the lots of new opening fills.
func (im *importer) openLots(acctID int64, instr instrumentRow) ([]*lot, error) {
	key := lotKey{acctID, instr.ID}
	if lots, ok := im.lots[key]; ok {
		open := lots[:0]
		for _, l := range lots {
			if !l.remaining.IsZero() {
				open = append(open, l)
			}
		}
		clear(lots[len(open):])
		im.lots[key] = open
		return open, nil
	}
	if instr.created {
		im.lots[key] = nil
		return nil, nil
	}
	st, err := im.stmt(qLots)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(im.ctx, instr.ID, acctID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var lots []*lot
	for rows.Next() {
		var l lot
		var rem, costs, price string
		if err := rows.Scan(&l.fillID, &l.legID, &l.tradeID, &l.filledAt, &rem, &costs, &price); err != nil {
			return nil, err
		}
		if l.remaining, err = decimal.NewFromString(rem); err != nil {
			return nil, err
		}
		if l.costs, err = decimal.NewFromString(costs); err != nil {
			return nil, err
		}
		if l.price, err = decimal.NewFromString(price); err != nil {
			return nil, err
		}
		lots = append(lots, &l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	im.lots[key] = lots
	return lots, nil
}

// addLot adds a new opening fill to the open lots of its instrument in its account, in the
// journal's FIFO order (filled_at, then id: a new fill has the highest id).
func (im *importer) addLot(acctID, instrID int64, l *lot) {
	key := lotKey{acctID, instrID}
	lots, ok := im.lots[key]
	if !ok {
		return // not read yet: the journal has it
	}
	i := len(lots)
	for i > 0 && lots[i-1].filledAt > l.filledAt {
		i--
	}
	im.lots[key] = slices.Insert(lots, i, l)
}

// share splits total in proportion to part/whole, rounded to 10 places; the caller gives the
// last share the remainder so the shares add up exactly.
func share(total, part, whole decimal.Decimal) decimal.Decimal {
	return total.Mul(part).DivRound(whole, 10)
}

// order records one order's events.
func (im *importer) order(g *group) error {
	var parts []*part
	closedTrade := map[string]int64{} // root -> first trade a Fill in this order closed a leg of
	// Pass 1: closes, FIFO against open lots.
	for _, ev := range g.events {
		instr, err := im.instrument(ev)
		if err != nil {
			return err
		}
		lots, err := im.openLots(g.acctID, instr)
		if err != nil {
			return err
		}
		position := decimal.Zero
		for _, l := range lots {
			position = position.Add(l.remaining)
		}
		q := ev.Quantity
		switch ev.Kind {
		case statement.Assignment, statement.Exercise, statement.Expiration:
			if !isOption(instr.Instrument.Kind) {
				return eventError(ev, "%s of %s, which is not an option", ev.Kind, instr.Symbol)
			}
			if position.IsZero() {
				return eventError(ev, "%s of %s, but the journal has no open position in it; import the statement that opened it first", ev.Kind, instr.Symbol)
			}
			q = q.Abs()
			if position.Sign() > 0 {
				q = q.Neg()
			}
			if q.Abs().GreaterThan(position.Abs()) {
				return eventError(ev, "%s of %s %s, but only %s are open", ev.Kind, q.Abs(), instr.Symbol, position.Abs())
			}
		}
		toClose := decimal.Zero
		if position.Sign() != 0 && position.Sign() != q.Sign() {
			toClose = decimal.Min(q.Abs(), position.Abs())
		}
		if ev.Effect == statement.Close && !toClose.Equal(q.Abs()) {
			return eventError(ev, "closes %s %s, but the journal has only %s open; import the statement that opened it first", q.Abs(), instr.Symbol, toClose)
		}
		evParts, err := im.closeLots(g, ev, instr, lots, q, toClose)
		if err != nil {
			return err
		}
		for _, p := range evParts {
			if p.closing && ev.Kind == statement.Fill {
				if _, ok := closedTrade[instr.Instrument.Root]; !ok {
					closedTrade[instr.Instrument.Root] = p.tradeID
				}
			}
		}
		parts = append(parts, evParts...)
	}
	// Pass 2: opening parts find their trade and leg.
	newTrade := map[string]int64{}
	var newTrades []int64
	delivered := map[*settledRef]int64{}
	var groupDelivered []deliveredLeg
	legCache := map[legKey]int64{}
	for _, p := range parts {
		if p.closing {
			continue
		}
		root := p.instr.Instrument.Root
		var tradeID int64
		if p.ev.Kind == statement.Delivery {
			// Delivered by an assignment or exercise in this same order?
			if sameOrder := assignedIn(parts, root); sameOrder != 0 {
				p.tradeID = sameOrder
				legID, err := im.leg(legCache, p)
				if err != nil {
					return err
				}
				groupDelivered = append(groupDelivered, deliveredLeg{root: root, tradeID: sameOrder, legID: legID})
				continue
			}
			ref, err := im.findSettlement(g.acctID, root, p.ev.Time)
			if err != nil {
				return err
			}
			if ref != nil {
				tradeID = ref.tradeID
				ref.used = true
				p.tradeID = tradeID
				legID, err := im.leg(legCache, p)
				if err != nil {
					return err
				}
				delivered[ref] = legID
				continue
			}
		}
		if tradeID == 0 {
			tradeID = closedTrade[root]
		}
		if tradeID == 0 {
			tradeID = newTrade[root]
		}
		if tradeID == 0 {
			res, err := im.exec(qTrade, g.acctID, root, formatTime(p.ev.Time))
			if err != nil {
				return err
			}
			if tradeID, err = res.LastInsertId(); err != nil {
				return err
			}
			newTrade[root] = tradeID
			newTrades = append(newTrades, tradeID)
			im.created[tradeID] = true
			im.res.TradesOpened++
		}
		p.tradeID = tradeID
		if _, err := im.leg(legCache, p); err != nil {
			return err
		}
	}
	// Write the fill rows, part numbers in event order.
	partNo := map[*statement.Event]int{}
	fillOf := map[*part]int64{}
	for _, p := range parts {
		n := partNo[p.ev]
		partNo[p.ev] = n + 1
		effect, remaining, costs := "open", p.qty, p.comm.Add(p.fees)
		if p.closing {
			effect, remaining, costs = "close", decimal.Zero, decimal.Zero
		}
		filledAt := formatTime(p.ev.Time)
		res, err := im.exec(qFill, g.acctID, p.tradeID, p.legID, p.ev.ID, n, p.ev.Order, p.ev.Kind.String(), effect,
			filledAt, p.qty.String(), p.ev.Price.String(), p.comm.String(), p.fees.String(),
			remaining.String(), costs.String(), p.realized.String(), p.ev.Symbol, p.ev.Source)
		if err != nil {
			return eventError(p.ev, "recording it: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		fillOf[p] = id
		if !p.closing {
			im.addLot(g.acctID, p.instr.ID, &lot{fillID: id, legID: p.legID, tradeID: p.tradeID, filledAt: filledAt,
				remaining: remaining, costs: costs, price: p.ev.Price})
		}
		im.touched[p.tradeID] = true
		if p.ev.HasCash {
			im.res.JournalCash = im.res.JournalCash.Add(p.tradeCash())
		}
	}
	if err := im.applyLegQuantities(parts); err != nil {
		return err
	}
	if err := im.settlements(g, parts, fillOf); err != nil {
		return err
	}
	for _, d := range groupDelivered {
		for i := len(im.settled) - 1; i >= 0; i-- {
			if ref := im.settled[i]; ref.acctID == g.acctID && ref.root == d.root && ref.tradeID == d.tradeID {
				ref.used = true
				delivered[ref] = d.legID
				break
			}
		}
	}
	for ref, legID := range delivered {
		for _, sid := range ref.ids {
			if _, err := im.exec(qDelivered, legID, sid); err != nil {
				return err
			}
		}
	}
	if err := im.rolls(g, parts); err != nil {
		return err
	}
	for _, id := range newTrades {
		im.classify(id, parts)
	}
	return nil
}

// deliveredLeg is a leg opened by a delivery in the same order as its assignment.
type deliveredLeg struct {
	root    string
	tradeID int64
	legID   int64
}

// assignedIn is the trade of the first assignment or exercise among parts on root, or 0.
func assignedIn(parts []*part, root string) int64 {
	for _, p := range parts {
		if p.closing && (p.ev.Kind == statement.Assignment || p.ev.Kind == statement.Exercise) && p.instr.Instrument.Root == root {
			return p.tradeID
		}
	}
	return 0
}

// closeLots splits one event into closing parts (one per run of lots of the same leg) and,
// if quantity is left, one opening part; it updates the consumed lots in the database.
func (im *importer) closeLots(g *group, ev *statement.Event, instr instrumentRow, lots []*lot, q, toClose decimal.Decimal) ([]*part, error) {
	var parts []*part
	left := toClose
	for _, l := range lots {
		if left.IsZero() {
			break
		}
		if l.remaining.Sign() == q.Sign() {
			continue
		}
		m := decimal.Min(left, l.remaining.Abs())
		left = left.Sub(m)
		var p *part
		if n := len(parts); n > 0 && parts[n-1].legID == l.legID {
			p = parts[n-1]
		} else {
			p = &part{ev: ev, acctID: g.acctID, instr: instr, closing: true, legID: l.legID, tradeID: l.tradeID}
			parts = append(parts, p)
		}
		lotCost := l.costs
		if !m.Equal(l.remaining.Abs()) {
			lotCost = share(l.costs, m, l.remaining.Abs())
		}
		dir := decimal.NewFromInt(int64(l.remaining.Sign())) // +1 long lot, −1 short lot
		gross := m.Mul(ev.Price.Sub(l.price)).Mul(instr.Multiplier).Mul(dir)
		p.realized = p.realized.Add(gross).Sub(lotCost)
		signedM := m
		if q.Sign() < 0 {
			signedM = m.Neg()
		}
		p.qty = p.qty.Add(signedM)
		l.remaining = l.remaining.Add(signedM)
		l.costs = l.costs.Sub(lotCost)
		if _, err := im.exec(qLot, l.remaining.String(), l.costs.String(), l.fillID); err != nil {
			return nil, err
		}
	}
	if rest := q.Sub(sumQty(parts)); !rest.IsZero() {
		parts = append(parts, &part{ev: ev, acctID: g.acctID, instr: instr, qty: rest})
	}
	// Share the event's costs out by quantity; the last part takes the remainder.
	whole := q.Abs()
	comm, fees := ev.Commission, ev.Fees
	for i, p := range parts {
		if i == len(parts)-1 {
			p.comm, p.fees = comm, fees
		} else {
			p.comm, p.fees = share(ev.Commission, p.qty.Abs(), whole), share(ev.Fees, p.qty.Abs(), whole)
			comm, fees = comm.Sub(p.comm), fees.Sub(p.fees)
		}
		if p.closing {
			p.realized = p.realized.Sub(p.comm).Sub(p.fees)
		}
	}
	return parts, nil
}

func sumQty(parts []*part) decimal.Decimal {
	s := decimal.Zero
	for _, p := range parts {
		s = s.Add(p.qty)
	}
	return s
}

// leg finds or creates the open leg of p's trade in p's instrument and side, setting p.legID.
// cache holds the legs this order already found or created (their quantities are applied
// at the end of the order). A trade this import opened has only legs it opened, which it
// remembers; another trade's open leg is looked up in the journal.
func (im *importer) leg(cache map[legKey]int64, p *part) (int64, error) {
	side := Long
	if p.qty.Sign() < 0 {
		side = Short
	}
	key := legKey{p.tradeID, p.instr.ID, side}
	if id, ok := cache[key]; ok {
		p.legID = id
		return id, nil
	}
	var id int64
	found := false
	if im.created[p.tradeID] {
		if l, ok := im.newLegs[key]; ok && !im.legQty[l].IsZero() {
			id, found = l, true
		}
	} else {
		row, err := im.queryRow(qLegFind, p.tradeID, p.instr.ID, string(side))
		if err != nil {
			return 0, err
		}
		switch err := row.Scan(&id); err {
		case nil:
			found = true
		case sql.ErrNoRows:
		default:
			return 0, err
		}
	}
	if !found {
		res, err := im.exec(qLegNew, p.tradeID, p.instr.ID, string(side), formatTime(p.ev.Time))
		if err != nil {
			return 0, err
		}
		if id, err = res.LastInsertId(); err != nil {
			return 0, err
		}
		im.legQty[id] = decimal.Zero
		im.newLegs[key] = id
	}
	cache[key] = id
	p.legID = id
	return id, nil
}

// applyLegQuantities adds opening parts to their legs and takes closing parts off, closing
// a leg when nothing of it is left open.
func (im *importer) applyLegQuantities(parts []*part) error {
	change := map[int64]decimal.Decimal{}
	last := map[int64]time.Time{}
	var order []int64
	for _, p := range parts {
		if _, ok := change[p.legID]; !ok {
			order = append(order, p.legID)
		}
		d := p.qty.Abs()
		if p.closing {
			d = d.Neg()
		}
		change[p.legID] = change[p.legID].Add(d)
		last[p.legID] = p.ev.Time
	}
	for _, legID := range order {
		q, ok := im.legQty[legID]
		if !ok {
			row, err := im.queryRow(qLegGet, legID)
			if err != nil {
				return err
			}
			var cur string
			if err := row.Scan(&cur); err != nil {
				return err
			}
			if q, err = decimal.NewFromString(cur); err != nil {
				return err
			}
		}
		q = q.Add(change[legID])
		if q.Sign() < 0 {
			return fmt.Errorf("leg %d would go below zero (%s): the journal is inconsistent", legID, q)
		}
		var closedAt any
		if q.IsZero() {
			closedAt = formatTime(last[legID])
		}
		if _, err := im.exec(qLegQty, q.String(), closedAt, legID); err != nil {
			return err
		}
		im.legQty[legID] = q
	}
	return nil
}

// settlements records the assignments, exercises and expirations among the closing parts.
func (im *importer) settlements(g *group, parts []*part, fillOf map[*part]int64) error {
	var pending *settledRef
	for _, p := range parts {
		k := p.ev.Kind
		if !p.closing || (k != statement.Assignment && k != statement.Exercise && k != statement.Expiration) {
			continue
		}
		res, err := im.exec(qSettlement, p.tradeID, fillOf[p], k.String(), formatTime(p.ev.Time), p.legID, p.qty.Abs().String())
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if k == statement.Expiration {
			continue
		}
		root := p.instr.Instrument.Root
		if pending == nil || pending.root != root || pending.tradeID != p.tradeID {
			pending = &settledRef{acctID: g.acctID, root: root, tradeID: p.tradeID, time: p.ev.Time}
			im.settled = append(im.settled, pending)
		}
		pending.ids = append(pending.ids, id)
	}
	return nil
}

// findSettlement finds the assignment or exercise a delivery on root belongs to: the latest
// one in this import not yet delivered, else the latest undelivered one in the journal.
func (im *importer) findSettlement(acctID int64, root string, at time.Time) (*settledRef, error) {
	for _, unusedOnly := range []bool{true, false} {
		for i := len(im.settled) - 1; i >= 0; i-- {
			s := im.settled[i]
			if s.acctID == acctID && s.root == root && !(unusedOnly && s.used) && !s.time.After(at) {
				return s, nil
			}
		}
	}
	var tradeID, sid int64
	var settledAt string
	row, err := im.queryRow(qFindSettlement, acctID, root, formatTime(at))
	if err != nil {
		return nil, err
	}
	err = row.Scan(&sid, &tradeID, &settledAt)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t, err := parseTime(settledAt)
	if err != nil {
		return nil, err
	}
	s := &settledRef{acctID: acctID, root: root, tradeID: tradeID, ids: []int64{sid}, time: t}
	im.settled = append(im.settled, s)
	return s, nil
}

// rolls records, for each trade in which this order both closed and opened legs with plain
// fills, a roll with the order's net credit in that trade.
func (im *importer) rolls(g *group, parts []*part) error {
	type acc struct {
		closed, opened []int64
		credit         decimal.Decimal
		at             time.Time
	}
	byTrade := map[int64]*acc{}
	var order []int64
	for _, p := range parts {
		a := byTrade[p.tradeID]
		if a == nil {
			a = &acc{at: p.ev.Time}
			byTrade[p.tradeID] = a
			order = append(order, p.tradeID)
		}
		a.credit = a.credit.Add(p.cash())
		if p.ev.Kind != statement.Fill {
			continue
		}
		if p.closing {
			a.closed = appendOnce(a.closed, p.legID)
		} else {
			a.opened = appendOnce(a.opened, p.legID)
		}
	}
	for _, tradeID := range order {
		a := byTrade[tradeID]
		if len(a.closed) == 0 || len(a.opened) == 0 {
			continue
		}
		res, err := im.exec(qRoll, tradeID, g.order, formatTime(a.at), a.credit.String())
		if err != nil {
			return err
		}
		rollID, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for _, l := range a.closed {
			if _, err := im.exec(qRollLeg, rollID, l, "closed"); err != nil {
				return err
			}
		}
		for _, l := range a.opened {
			if _, err := im.exec(qRollLeg, rollID, l, "opened"); err != nil {
				return err
			}
		}
		im.res.Rolls++
	}
	return nil
}

func appendOnce(s []int64, v int64) []int64 {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// classify names a new trade's strategy from the legs its first order opened: the opening
// parts of that order in the trade, leg by leg in the order the legs were recorded.
func (im *importer) classify(tradeID int64, parts []*part) {
	type opened struct {
		id    int64
		shape legShape
	}
	var legs []opened
	for _, p := range parts {
		if p.closing || p.tradeID != tradeID || slices.ContainsFunc(legs, func(o opened) bool { return o.id == p.legID }) {
			continue
		}
		sh := p.instr.shape
		legs = append(legs, opened{p.legID, legShape{short: p.qty.Sign() < 0, kind: sh.kind, put: sh.put, strike: sh.strike, expiry: sh.expiry}})
	}
	slices.SortFunc(legs, func(a, b opened) int { return cmp.Compare(a.id, b.id) })
	shapes := make([]legShape, len(legs))
	for i, l := range legs {
		shapes[i] = l.shape
	}
	im.strategy[tradeID] = strategyName(shapes) // written with the trade's summary (refresh)
}

type legShape struct {
	short  bool
	kind   instrument.Kind
	put    bool
	strike string
	expiry string
}

// strategyName gives the usual name of a set of opening legs, or "custom".
func strategyName(legs []legShape) string {
	sideWord := func(short bool) string {
		if short {
			return "short"
		}
		return "long"
	}
	if len(legs) == 1 {
		l := legs[0]
		switch l.kind {
		case instrument.Stock:
			return sideWord(l.short) + " stock"
		case instrument.Future:
			return sideWord(l.short) + " future"
		}
		if l.put {
			return sideWord(l.short) + " put"
		}
		return sideWord(l.short) + " call"
	}
	var calls, puts []legShape
	for _, l := range legs {
		if !isOption(l.kind) {
			return "custom"
		}
		if l.put {
			puts = append(puts, l)
		} else {
			calls = append(calls, l)
		}
	}
	switch {
	case len(legs) == 2 && len(calls) == 1 && len(puts) == 1 && calls[0].short == puts[0].short && calls[0].expiry == puts[0].expiry:
		name := "strangle"
		if calls[0].strike == puts[0].strike {
			name = "straddle"
		}
		return sideWord(calls[0].short) + " " + name
	case len(legs) == 2 && (len(calls) == 2 || len(puts) == 2) && legs[0].short != legs[1].short:
		if legs[0].expiry != legs[1].expiry {
			return "calendar"
		}
		if len(calls) == 2 {
			return "call spread"
		}
		return "put spread"
	case len(legs) == 4 && len(calls) == 2 && len(puts) == 2 && calls[0].short != calls[1].short && puts[0].short != puts[1].short:
		return "iron condor"
	}
	return "custom"
}

// refresh recomputes the summary columns of every trade this import touched, naming the
// strategy of the trades it opened.
func (im *importer) refresh() error {
	ids := make([]int64, 0, len(im.touched))
	for id := range im.touched {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rf, err := newRefresher(im.ctx, im.tx)
	if err != nil {
		return err
	}
	defer rf.close()
	for len(ids) > 0 {
		n := min(len(ids), refreshBatch)
		changes, err := rf.refresh(im.ctx, ids[:n], im.strategy)
		if err != nil {
			return err
		}
		for _, c := range changes {
			if c.was == StatusOpen && c.now == StatusClosed {
				im.res.TradesClosed++
			}
		}
		ids = ids[n:]
	}
	return nil
}

// refreshBatch is how many trades one refresh reads at once.
const refreshBatch = 500

// The refresher's reads of a batch of trades (a JSON array of ids).
const (
	refreshCountsSQL = `SELECT t.id, t.status, (SELECT count(*) FROM legs WHERE trade_id = t.id AND quantity_open <> '0'),
		(SELECT count(*) FROM rolls WHERE trade_id = t.id), (SELECT count(*) FROM hedges WHERE trade_id = t.id)
		FROM trades t WHERE t.id IN (SELECT value FROM json_each(?))`
	refreshFillsSQL = `SELECT f.trade_id, f.effect, f.filled_at, f.quantity, f.price, f.commission, f.fees, f.realized_pnl, i.kind, i.multiplier
		FROM fills f JOIN legs l ON l.id = f.leg_id JOIN instruments i ON i.id = l.instrument_id
		WHERE f.trade_id IN (SELECT value FROM json_each(?))`
)

// refresher recomputes trade summaries with statements prepared once per transaction, reading
// a batch of trades (a JSON array of ids) in two queries and writing each in one.
type refresher struct {
	counts, fills, hedges, update *sql.Stmt
}

func newRefresher(ctx context.Context, tx *sql.Tx) (*refresher, error) {
	rf := &refresher{}
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&rf.counts, refreshCountsSQL},
		{&rf.fills, refreshFillsSQL},
		{&rf.hedges, "SELECT cost FROM hedges WHERE trade_id = ?"},
		{&rf.update, `UPDATE trades SET status = ?, opened_at = coalesce(?, opened_at), closed_at = ?, premium = ?, commission = ?,
			fees = ?, hedge_cost = ?, realized_pnl = ?, roll_count = ?, hedge_count = ?, strategy = coalesce(?, strategy) WHERE id = ?`},
	} {
		st, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			rf.close()
			return nil, err
		}
		*p.dst = st
	}
	return rf, nil
}

func (rf *refresher) close() {
	for _, st := range []*sql.Stmt{rf.counts, rf.fills, rf.hedges, rf.update} {
		if st != nil {
			st.Close()
		}
	}
}

// refreshTrade recomputes one trade's summary in tx.
func refreshTrade(ctx context.Context, tx *sql.Tx, id int64) (was, now Status, err error) {
	rf, err := newRefresher(ctx, tx)
	if err != nil {
		return "", "", err
	}
	defer rf.close()
	changes, err := rf.refresh(ctx, []int64{id}, nil)
	if err != nil {
		return "", "", err
	}
	return changes[0].was, changes[0].now, nil
}

// statusChange is a trade's status before and after a refresh.
type statusChange struct{ was, now Status }

// tradeSums is what a refresh adds up for one trade.
type tradeSums struct {
	status                        string
	openLegs, rolls, hedges       int
	premium, comm, fees, realized decimal.Decimal
	first, last                   string
}

// refresh recomputes the status, times and money summary of the trades ids from their
// fills, rolls and hedges (and sets strategy[id] where given), returning each one's status
// before and after, in the order of ids. A trade that does not exist is sql.ErrNoRows.
func (rf *refresher) refresh(ctx context.Context, ids []int64, strategy map[int64]string) ([]statusChange, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	sums := make(map[int64]*tradeSums, len(ids))
	rows, err := rf.counts.QueryContext(ctx, string(list))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		t := &tradeSums{}
		if err := rows.Scan(&id, &t.status, &t.openLegs, &t.rolls, &t.hedges); err != nil {
			rows.Close()
			return nil, err
		}
		sums[id] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if sums[id] == nil {
			return nil, fmt.Errorf("trade %d: %w", id, sql.ErrNoRows)
		}
	}
	if rows, err = rf.fills.QueryContext(ctx, string(list)); err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var effect, at, qs, ps, cs, fs, rs, kind, ms string
		if err := rows.Scan(&id, &effect, &at, &qs, &ps, &cs, &fs, &rs, &kind, &ms); err != nil {
			rows.Close()
			return nil, err
		}
		d, err := decimals(qs, ps, cs, fs, rs, ms)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("trade %d: %w", id, err)
		}
		t := sums[id]
		q, p, c, f, r, m := d[0], d[1], d[2], d[3], d[4], d[5]
		if effect == "open" && q.Sign() < 0 && (kind == "option" || kind == "futures option") {
			t.premium = t.premium.Sub(q.Mul(p).Mul(m))
		}
		t.comm, t.fees, t.realized = t.comm.Add(c), t.fees.Add(f), t.realized.Add(r)
		if t.first == "" || at < t.first {
			t.first = at
		}
		if at > t.last {
			t.last = at
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]statusChange, len(ids))
	for i, id := range ids {
		t := sums[id]
		hedgeCost, hedgeCount := decimal.Zero, 0
		if t.hedges > 0 {
			if hedgeCost, hedgeCount, err = rf.hedgeCost(ctx, id); err != nil {
				return nil, err
			}
		}
		now := StatusOpen
		var closedAt any
		if t.openLegs == 0 && t.last != "" {
			now, closedAt = StatusClosed, t.last
		}
		var openedAt, name any
		if t.first != "" {
			openedAt = t.first
		}
		if s, ok := strategy[id]; ok {
			name = s
		}
		if _, err := rf.update.ExecContext(ctx, string(now), openedAt, closedAt, t.premium.String(), t.comm.String(), t.fees.String(),
			hedgeCost.String(), t.realized.String(), t.rolls, hedgeCount, name, id); err != nil {
			return nil, err
		}
		out[i] = statusChange{was: Status(t.status), now: now}
	}
	return out, nil
}

// hedgeCost adds up the costs of a trade's hedges.
func (rf *refresher) hedgeCost(ctx context.Context, id int64) (decimal.Decimal, int, error) {
	hedgeCost, hedgeCount := decimal.Zero, 0
	hrows, err := rf.hedges.QueryContext(ctx, id)
	if err != nil {
		return hedgeCost, 0, err
	}
	for hrows.Next() {
		var c string
		if err := hrows.Scan(&c); err != nil {
			hrows.Close()
			return hedgeCost, 0, err
		}
		d, err := decimal.NewFromString(c)
		if err != nil {
			hrows.Close()
			return hedgeCost, 0, fmt.Errorf("trade %d: bad hedge cost %q", id, c)
		}
		hedgeCost = hedgeCost.Add(d)
		hedgeCount++
	}
	hrows.Close()
	return hedgeCost, hedgeCount, hrows.Err()
}

// decimals parses decimal texts from the journal.
func decimals(s ...string) ([]decimal.Decimal, error) {
	out := make([]decimal.Decimal, len(s))
	for i, v := range s {
		d, err := decimal.NewFromString(v)
		if err != nil {
			return nil, fmt.Errorf("journal holds a bad number %q", v)
		}
		out[i] = d
	}
	return out, nil
}

// Reconciliation is the line shown after an import: the statement's net cash of the rows
// imported now (trades and money movements) against the journal's, the legs open at the end,
// and how many rows were not imported, in dollars with the true minus sign.
func (r ImportResult) Reconciliation() string {
	money := format.Money
	tail := format.Count(r.OpenLegs, "leg", "legs") + " open at the end"
	if n := len(r.NotImported); n > 0 {
		tail += "; " + format.Count(n, "row", "rows") + " not imported (listed below)"
	}
	switch {
	case r.CashRows == 0 && r.New+r.CashNew > 0:
		return "Reconciliation: the statement has no cash column for the new rows; " + tail + "."
	case r.CashRows == 0:
		return "Reconciliation: nothing new; " + tail + "."
	}
	verdict := "they agree"
	if diff := r.StatementCash.Sub(r.JournalCash); diff.Abs().GreaterThanOrEqual(decimal.New(1, -2)) {
		verdict = "they DIFFER by " + money(diff)
	}
	rows := format.Count(r.CashRows, "new row", "new rows")
	if r.CashNew > 0 {
		rows += " (" + format.Count(r.CashRows-r.CashNew, "trade row", "trade rows") + ", " +
			format.Count(r.CashNew, "money movement", "money movements") + ")"
	}
	return fmt.Sprintf("Reconciliation: net cash of the %s %s on the statement, %s in the journal (%s); %s.",
		rows, money(r.StatementCash), money(r.JournalCash), verdict, tail)
}
