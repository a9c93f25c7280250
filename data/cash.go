package data

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data/statement"
)

// CashEvent is a recorded money movement: a deposit, withdrawal, interest, dividend, fee or
// fee adjustment, a future's mark to market. Amount is the broker's figure, signed from the
// account's side (received positive).
type CashEvent struct {
	ID          int64
	Broker      string
	Account     string
	EventID     string // the statement's stable id
	Time        time.Time
	Kind        statement.CashKind
	Amount      decimal.Decimal
	Currency    string
	Symbol      string
	Description string
	Source      string
}

// recordCash writes the statement's money movements, each once: a movement already in the
// journal (same account and event id) is counted as already there.
func (im *importer) recordCash(cash []statement.CashEvent) error {
	if len(cash) == 0 {
		return nil
	}
	ins, err := im.tx.PrepareContext(im.ctx, `INSERT INTO cash_events (account_id, event_id, occurred_at, kind, amount,
		currency, symbol, description, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, event_id) DO NOTHING`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for i := range cash {
		c := &cash[i]
		// the account is resolved as for a trade event from the same statement
		ev := statement.Event{Broker: c.Broker, Account: c.Account, ID: c.ID, Source: c.Source}
		switch {
		case c.ID == "":
			return eventError(&ev, "money movement has no event id, so a re-import could not recognise it")
		case c.Time.IsZero():
			return eventError(&ev, "money movement has no time")
		case c.Kind == "":
			return eventError(&ev, "money movement does not say what it is")
		}
		acctID, err := im.account(&ev)
		if err != nil {
			return err
		}
		r, err := ins.ExecContext(im.ctx, acctID, c.ID, formatTime(c.Time), string(c.Kind), c.Amount.String(),
			c.Currency, c.Symbol, c.Description, c.Source)
		if err != nil {
			return eventError(&ev, "%w", err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			im.res.CashAlready++
			continue
		}
		im.res.CashNew++
		im.res.CashRows++
		im.res.StatementCash = im.res.StatementCash.Add(c.Amount)
		im.res.JournalCash = im.res.JournalCash.Add(c.Amount)
	}
	return nil
}

// CashEvents returns the recorded money movements, oldest first.
func (j *Journal) CashEvents(ctx context.Context) ([]CashEvent, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT c.id, a.broker, a.account, c.event_id, c.occurred_at, c.kind, c.amount,
		c.currency, c.symbol, c.description, c.source FROM cash_events c JOIN accounts a ON a.id = c.account_id
		ORDER BY c.occurred_at, c.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CashEvent
	for rows.Next() {
		var c CashEvent
		var at, kind, amount string
		if err := rows.Scan(&c.ID, &c.Broker, &c.Account, &c.EventID, &at, &kind, &amount, &c.Currency, &c.Symbol,
			&c.Description, &c.Source); err != nil {
			return nil, err
		}
		if c.Time, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("cash event %d: %w", c.ID, err)
		}
		if c.Amount, err = decimal.NewFromString(amount); err != nil {
			return nil, fmt.Errorf("cash event %d: journal holds a bad amount %q", c.ID, amount)
		}
		c.Kind = statement.CashKind(kind)
		out = append(out, c)
	}
	return out, rows.Err()
}
