package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AuditEntry is one automated order in the audit log (migration 0009): written before the
// order is sent, then given the broker's order id and outcome.
type AuditEntry struct {
	ID            int64
	Book          string
	At            time.Time
	Layer         string
	Kind          string // automation.Kind: hedge, tactical, roll, let assign, re-entry
	ClientOrderID string
	Rule          string
	Inputs        string // JSON object of the rule's numbers
	Legs          string // JSON array of the legs
	OrderID       string
	Outcome       string // "sending", then the broker's state or why it was not placed
}

// ErrDuplicateOrder is an automated order whose client order id is already in the audit log.
var ErrDuplicateOrder = errors.New("automated order already in the audit log")

// AuditOrder writes an automated order to the audit log before it is sent. A client order
// id already logged for the book returns ErrDuplicateOrder and writes nothing.
func (j *Journal) AuditOrder(ctx context.Context, e AuditEntry) (int64, error) {
	if e.Book == "" || strings.TrimSpace(e.ClientOrderID) == "" || e.Rule == "" {
		return 0, errors.New("audit: the book, the client order id and the rule are required")
	}
	if e.At.IsZero() {
		e.At = j.now()
	}
	if e.Inputs == "" {
		e.Inputs = "{}"
	}
	if e.Legs == "" {
		e.Legs = "[]"
	}
	var id int64
	err := j.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM automation_audit WHERE book = ? AND client_order_id = ?",
			e.Book, e.ClientOrderID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: %s", ErrDuplicateOrder, e.ClientOrderID)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO automation_audit (book, at, layer, kind, client_order_id, rule, inputs, legs)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Book, formatTime(e.At), e.Layer, e.Kind, e.ClientOrderID, e.Rule, e.Inputs, e.Legs)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// SetAuditOutcome records what became of an audited order: the broker's order id (empty
// when it was not placed) and its outcome in words.
func (j *Journal) SetAuditOutcome(ctx context.Context, id int64, orderID, outcome string) error {
	return j.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE automation_audit SET order_id = ?, outcome = ? WHERE id = ?", orderID, outcome, id)
		return err
	})
}

// AuditLog lists a book's automated orders in [from, to), oldest first.
func (j *Journal) AuditLog(ctx context.Context, book string, from, to time.Time) ([]AuditEntry, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT id, at, layer, kind, client_order_id, rule, inputs, legs, order_id, outcome
		FROM automation_audit WHERE book = ? AND at >= ? AND at < ? ORDER BY at, id`, book, formatTime(from), formatTime(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e := AuditEntry{Book: book}
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Layer, &e.Kind, &e.ClientOrderID, &e.Rule, &e.Inputs, &e.Legs, &e.OrderID, &e.Outcome); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LifecycleEvent is one lifecycle transition of a short option, with its reason.
type LifecycleEvent struct {
	Book, Layer, Symbol, From, To, Reason string
	At                                    time.Time
}

// RecordLifecycle journals a lifecycle transition.
func (j *Journal) RecordLifecycle(ctx context.Context, e LifecycleEvent) error {
	if e.Book == "" || e.Reason == "" {
		return errors.New("lifecycle: the book and the reason are required")
	}
	return j.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO automation_transitions (book, at, layer, symbol, from_stage, to_stage, reason)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, e.Book, formatTime(e.At), e.Layer, e.Symbol, e.From, e.To, e.Reason)
		return err
	})
}

// RecordTacticalCycle journals a closed tactical cycle (detail: its JSON).
func (j *Journal) RecordTacticalCycle(ctx context.Context, book, layer string, at time.Time, detail string) error {
	if book == "" || layer == "" {
		return errors.New("tactical cycle: the book and the layer are required")
	}
	return j.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO tactical_cycles (book, at, layer, detail) VALUES (?, ?, ?, ?)",
			book, formatTime(at), layer, detail)
		return err
	})
}

// SaveAutomationState keeps the desk's rules' memory for a book (JSON), replacing what
// was kept before.
func (j *Journal) SaveAutomationState(ctx context.Context, book string, at time.Time, state string) error {
	if book == "" || strings.TrimSpace(state) == "" {
		return errors.New("automation state: the book and the state are required")
	}
	return j.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO automation_state (book, at, state) VALUES (?, ?, ?)
			ON CONFLICT (book) DO UPDATE SET at = excluded.at, state = excluded.state`, book, formatTime(at), state)
		return err
	})
}

// AutomationState is the rules' memory kept for a book and when it was kept; ok is false
// when nothing was kept.
func (j *Journal) AutomationState(ctx context.Context, book string) (state string, at time.Time, ok bool, err error) {
	var ts string
	err = j.read.QueryRowContext(ctx, "SELECT state, at FROM automation_state WHERE book = ?", book).Scan(&state, &ts)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, false, nil
	}
	if err != nil {
		return "", time.Time{}, false, err
	}
	at, err = parseTime(ts)
	return state, at, err == nil, err
}

// LifecycleEvents lists a book's lifecycle transitions in [from, to), oldest first.
func (j *Journal) LifecycleEvents(ctx context.Context, book string, from, to time.Time) ([]LifecycleEvent, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT at, layer, symbol, from_stage, to_stage, reason
		FROM automation_transitions WHERE book = ? AND at >= ? AND at < ? ORDER BY at, id`, book, formatTime(from), formatTime(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LifecycleEvent
	for rows.Next() {
		e := LifecycleEvent{Book: book}
		var at string
		if err := rows.Scan(&at, &e.Layer, &e.Symbol, &e.From, &e.To, &e.Reason); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
