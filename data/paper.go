package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// LoadPaper returns the saved state of a paper account, or nil and no error when the
// account has never been saved. It implements brokers/paper's Store.
func (j *Journal) LoadPaper(ctx context.Context, account string) ([]byte, error) {
	if account == "" {
		return nil, errors.New("paper account name is empty")
	}
	var state []byte
	err := j.read.QueryRowContext(ctx, "SELECT state FROM paper_accounts WHERE account = ?", account).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("loading paper account %q: %w", account, err)
	}
	return state, nil
}

// SavePaper replaces the saved state of a paper account in one transaction. It
// implements brokers/paper's Store.
func (j *Journal) SavePaper(ctx context.Context, account string, state []byte) error {
	if account == "" {
		return errors.New("paper account name is empty")
	}
	if len(state) == 0 {
		return fmt.Errorf("saving paper account %q: the state is empty", account)
	}
	err := j.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO paper_accounts (account, state, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (account) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
			account, state, formatTime(j.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("saving paper account %q: %w", account, err)
	}
	return nil
}
