package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/keel-desk/keel/data/statement"
)

// RecordFills records fills as they happen at the desk: it imports st as Import does and,
// in the same transaction, stores entry[eventID] as the entry Greeks of the leg each new
// fill opened (TradeID and LegID are filled in; Entry is set). Fills already in the journal
// are skipped with their Greeks, and a fill that only closed lots has no entry Greeks, so
// recording the same fills again (after a reconnect) changes nothing. acct must name the
// broker and account.
func (j *Journal) RecordFills(ctx context.Context, acct AccountRef, st *statement.Statement, entry map[string]GreekSnapshot) (ImportResult, error) {
	if st == nil {
		return ImportResult{}, errors.New("record fills: no fills")
	}
	if acct.Broker == "" || acct.Account == "" {
		return ImportResult{}, errors.New("record fills: the broker and account must be named")
	}
	for id, g := range entry {
		if err := g.check(); err != nil {
			return ImportResult{}, fmt.Errorf("record fills: fill %s: %w", id, err)
		}
	}
	res := ImportResult{Events: len(st.Events)}
	err := j.inTx(ctx, func(tx *sql.Tx) error {
		known, err := knownFills(ctx, tx, acct, st.Events)
		if err != nil {
			return err
		}
		im, err := newImporter(ctx, tx, acct, &res)
		if err != nil {
			return err
		}
		defer im.close()
		if err := im.run(st.Events); err != nil {
			return err
		}
		return recordEntryGreeks(ctx, tx, acct, st.Events, known, entry, j)
	})
	if err != nil {
		return ImportResult{Events: len(st.Events)}, err
	}
	return res, nil
}

// Transient reports whether a journal write failed for a reason that passes — the disk
// is full, an I/O error, the file is busy or locked by another process — so the same
// write should be tried again, rather than for something in what was written.
func Transient(err error) bool {
	var se interface{ Code() int }
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff { // the primary result code
	case 5, 6, 10, 13, 14: // SQLITE_BUSY, LOCKED, IOERR, FULL, CANTOPEN
		return true
	}
	return false
}

// knownFills is the set of the events' ids already recorded for the account.
func knownFills(ctx context.Context, tx *sql.Tx, acct AccountRef, evs []statement.Event) (map[string]bool, error) {
	known := map[string]bool{}
	for _, ev := range evs {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM fills f JOIN accounts a ON a.id = f.account_id
			WHERE a.broker = ? AND a.account = ? AND f.exec_id = ? LIMIT 1`, acct.Broker, acct.Account, ev.ID).Scan(&one)
		switch {
		case err == nil:
			known[ev.ID] = true
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
	}
	return known, nil
}

func recordEntryGreeks(ctx context.Context, tx *sql.Tx, acct AccountRef, evs []statement.Event, known map[string]bool,
	entry map[string]GreekSnapshot, j *Journal) error {
	for _, ev := range evs {
		g, ok := entry[ev.ID]
		if !ok || known[ev.ID] {
			continue
		}
		err := tx.QueryRowContext(ctx, `SELECT f.trade_id, f.leg_id FROM fills f JOIN accounts a ON a.id = f.account_id
			WHERE a.broker = ? AND a.account = ? AND f.exec_id = ? AND f.effect = 'open' ORDER BY f.part DESC LIMIT 1`,
			acct.Broker, acct.Account, ev.ID).Scan(&g.TradeID, &g.LegID)
		if errors.Is(err, sql.ErrNoRows) {
			continue // the fill only closed lots
		}
		if err != nil {
			return err
		}
		g.Entry = true
		if g.Time.IsZero() {
			g.Time = ev.Time
		}
		if g.Time.IsZero() {
			g.Time = j.now()
		}
		if _, err := insertGreeks(ctx, tx, g); err != nil {
			return err
		}
	}
	return nil
}
