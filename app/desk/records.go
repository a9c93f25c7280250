package desk

import (
	"bytes"
	"context"
	"fmt"

	"github.com/keel-desk/keel/assets"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/data/statement"
)

// Commands for what the trader writes in the journal by hand: the tags and lessons of a
// trade and the statements imported from a broker. The journal window gives these to the
// desk instead of writing the journal itself; the journal serializes them with the desk's
// own writes (fills, Greeks history), so they are safe while the desk runs.

// SaveTags replaces the tags of trade tradeID with tags.
func (s *Service) SaveTags(ctx context.Context, tradeID int64, tags []data.Tag) error {
	j, err := s.journal()
	if err != nil {
		return err
	}
	return j.SetTags(ctx, tradeID, tags)
}

// AddLesson records a lesson learned on a trade and says its id.
func (s *Service) AddLesson(ctx context.Context, l data.Lesson) (int64, error) {
	j, err := s.journal()
	if err != nil {
		return 0, err
	}
	return j.AddLesson(ctx, l)
}

// EditLesson replaces the text of lesson id.
func (s *Service) EditLesson(ctx context.Context, id int64, text string) error {
	j, err := s.journal()
	if err != nil {
		return err
	}
	return j.UpdateLesson(ctx, id, text)
}

// DeleteLesson removes lesson id.
func (s *Service) DeleteLesson(ctx context.Context, id int64) error {
	j, err := s.journal()
	if err != nil {
		return err
	}
	return j.DeleteLesson(ctx, id)
}

// ImportStatement imports a broker statement into acct (the zero AccountRef: the account
// the statement names). Fills already in the journal, the desk's own included, are skipped.
func (s *Service) ImportStatement(ctx context.Context, acct data.AccountRef, st *statement.Statement) (data.ImportResult, error) {
	j, err := s.journal()
	if err != nil {
		return data.ImportResult{}, err
	}
	return j.Import(ctx, acct, st)
}

// SampleAccount is the paper account the bundled sample history is filed under.
var SampleAccount = data.AccountRef{Broker: "paper", Account: "Paper", Kind: data.Paper, Sample: true}

// SeedSampleHistory imports the bundled sample statement into the paper account, flagged
// as sample, when the journal has no accounts at all (a new user's first open). A journal
// that already holds any account, real or paper, is left alone. It reports whether it
// imported. It runs at start-up, before the desk (which would open the paper account).
func SeedSampleHistory(ctx context.Context, j *data.Journal) (bool, error) {
	accts, err := j.Accounts(ctx)
	if err != nil {
		return false, fmt.Errorf("sample history: %w", err)
	}
	if len(accts) > 0 {
		return false, nil
	}
	st, err := statement.Parse("sample_history.csv", bytes.NewReader(assets.SampleHistoryCSV))
	if err != nil {
		return false, fmt.Errorf("sample history: %w", err)
	}
	// The sample file is a tastytrade statement; file its events under the paper account.
	for i := range st.Events {
		st.Events[i].Broker, st.Events[i].Account = "", ""
	}
	for i := range st.Cash {
		st.Cash[i].Broker, st.Cash[i].Account = "", ""
	}
	st.Account = ""
	if _, err := j.Import(ctx, SampleAccount, st); err != nil {
		return false, fmt.Errorf("sample history: %w", err)
	}
	return true, nil
}

// SaveWindowChoices stores a window's own display choices (the charts window's Greek,
// window and scopes), raw JSON under key, in the journal's settings. They change no
// trading state; they go through the desk like every other journal write.
func (s *Service) SaveWindowChoices(ctx context.Context, key, raw string) error {
	j, err := s.journal()
	if err != nil {
		return err
	}
	return j.SetSetting(ctx, key, raw)
}
