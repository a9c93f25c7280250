package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// PaperRow is one saved piece of a paper account (brokers/paper.Row): a kind ("account",
// "market", "order", "fill", "settlement", "position", "legacy"), a key within the kind
// and a body the broker wrote. It is an alias of an unnamed struct so data need not import
// brokers/paper.
type PaperRow = struct {
	Kind string
	Key  string
	Body []byte
}

// LoadPaper returns the saved rows of a paper account in the order they were first
// written, or none when the account has never been saved. It implements brokers/paper's
// Store.
func (j *Journal) LoadPaper(ctx context.Context, account string) ([]PaperRow, error) {
	if account == "" {
		return nil, errors.New("paper account name is empty")
	}
	rows, err := j.read.QueryContext(ctx, "SELECT kind, key, body FROM paper_rows WHERE account = ? ORDER BY id", account)
	if err != nil {
		return nil, fmt.Errorf("loading paper account %q: %w", account, err)
	}
	defer rows.Close()
	var out []PaperRow
	for rows.Next() {
		var r PaperRow
		if err := rows.Scan(&r.Kind, &r.Key, &r.Body); err != nil {
			return nil, fmt.Errorf("loading paper account %q: %w", account, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading paper account %q: %w", account, err)
	}
	return out, nil
}

// SavePaper writes rows of a paper account in one transaction: a row replaces the one of
// the same kind and key (keeping its place in the load order), and a row with a nil Body
// deletes it. It implements brokers/paper's Store. Only the journal's owner may change a
// paper account: on a Shared journal that another process owns it returns an *InUseError.
func (j *Journal) SavePaper(ctx context.Context, account string, rows []PaperRow) error {
	if account == "" {
		return errors.New("paper account name is empty")
	}
	for _, r := range rows {
		if r.Kind == "" {
			return fmt.Errorf("saving paper account %q: a row has no kind", account)
		}
	}
	err := j.owned(ctx, func() error { return j.savePaper(ctx, account, rows) })
	if err != nil {
		return fmt.Errorf("saving paper account %q: %w", account, err)
	}
	return nil
}

func (j *Journal) savePaper(ctx context.Context, account string, rows []PaperRow) error {
	return j.inTx(ctx, func(tx *sql.Tx) error {
		put, err := tx.PrepareContext(ctx, `INSERT INTO paper_rows (account, kind, key, body) VALUES (?, ?, ?, ?)
			ON CONFLICT (account, kind, key) DO UPDATE SET body = excluded.body`)
		if err != nil {
			return err
		}
		defer put.Close()
		del, err := tx.PrepareContext(ctx, "DELETE FROM paper_rows WHERE account = ? AND kind = ? AND key = ?")
		if err != nil {
			return err
		}
		defer del.Close()
		for _, r := range rows {
			if r.Body == nil {
				_, err = del.ExecContext(ctx, account, r.Kind, r.Key)
			} else {
				_, err = put.ExecContext(ctx, account, r.Kind, r.Key, r.Body)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
