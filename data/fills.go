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
		im := newImporter(ctx, tx, acct, &res)
		defer im.close()
		known, err := im.knownBefore(st.Events)
		if err != nil {
			return err
		}
		if err := im.run(st.Events); err != nil {
			return err
		}
		return im.recordEntryGreeks(st.Events, known, entry, j)
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

// knownBefore is the set of the events' ids already recorded for the importer's account
// (named by its AccountRef), read in one query.
func (im *importer) knownBefore(evs []statement.Event) (map[string]bool, error) {
	acctID, err := im.accountID()
	if err != nil || acctID == 0 {
		return map[string]bool{}, err
	}
	ids := make([]string, len(evs))
	for i := range evs {
		ids[i] = evs[i].ID
	}
	found, err := im.recorded(acctID, ids)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(found))
	for _, id := range found {
		known[id] = true
	}
	return known, nil
}

// accountID is the id of the account the importer's AccountRef names, or 0 if the journal
// has none yet.
func (im *importer) accountID() (int64, error) {
	var id int64
	err := im.tx.QueryRowContext(im.ctx, "SELECT id FROM accounts WHERE broker = ? AND account = ?", im.ref.Broker, im.ref.Account).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// recordEntryGreeks stores entry[id] as the entry Greeks of the leg each new fill opened
// (the last opening part of the event).
func (im *importer) recordEntryGreeks(evs []statement.Event, known map[string]bool, entry map[string]GreekSnapshot, j *Journal) error {
	if len(entry) == 0 {
		return nil
	}
	acctID, err := im.accountID()
	if err != nil {
		return err
	}
	opened, err := im.tx.PrepareContext(im.ctx, `SELECT trade_id, leg_id FROM fills
		WHERE account_id = ? AND exec_id = ? AND effect = 'open' ORDER BY part DESC LIMIT 1`)
	if err != nil {
		return err
	}
	defer opened.Close()
	for _, ev := range evs {
		g, ok := entry[ev.ID]
		if !ok || known[ev.ID] {
			continue
		}
		err := opened.QueryRowContext(im.ctx, acctID, ev.ID).Scan(&g.TradeID, &g.LegID)
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
		if _, err := insertGreeks(im.ctx, im.tx, g); err != nil {
			return err
		}
	}
	return nil
}
