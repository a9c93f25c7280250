package data

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
)

func TestPaperStateRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keel.db")
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := j.LoadPaper(ctx, "paper")
	if err != nil || got != nil {
		t.Fatalf("new account: %q, %v; want nil, nil", got, err)
	}
	first := []byte(`{"version":1,"cash":"250000"}`)
	second := []byte{0, 1, 2, 0xff, 'x'} // a blob survives byte for byte, zero bytes included
	if err := j.SavePaper(ctx, "paper", first); err != nil {
		t.Fatal(err)
	}
	if err := j.SavePaper(ctx, "other", first); err != nil {
		t.Fatal(err)
	}
	if err := j.SavePaper(ctx, "paper", second); err != nil {
		t.Fatal(err)
	}
	j.Close()

	// A reopened file holds the last save of each account, one row each.
	j, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for account, want := range map[string][]byte{"paper": second, "other": first} {
		got, err := j.LoadPaper(ctx, account)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %v, %v; want %v", account, got, err, want)
		}
	}
	var rows int
	if err := j.read.QueryRowContext(ctx, "SELECT count(*) FROM paper_accounts").Scan(&rows); err != nil || rows != 2 {
		t.Errorf("rows %d, %v; want 2", rows, err)
	}
}

func TestPaperStateRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	if err := j.SavePaper(ctx, "", []byte("x")); err == nil {
		t.Error("saved under an empty account name")
	}
	if err := j.SavePaper(ctx, "paper", nil); err == nil {
		t.Error("saved an empty state")
	}
	if _, err := j.LoadPaper(ctx, ""); err == nil {
		t.Error("loaded an empty account name")
	}
	if got, err := j.LoadPaper(ctx, "paper"); err != nil || got != nil {
		t.Errorf("after refused saves: %q, %v", got, err)
	}
}

func TestPaperStateOnMigratedJournal(t *testing.T) {
	ctx := context.Background()
	all, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "keel.db")
	old, err := openWith(ctx, path, all[:2], nil) // a journal from before the paper table
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if err := j.SavePaper(ctx, "paper", []byte("state")); err != nil {
		t.Fatal(err)
	}
	if got, err := j.LoadPaper(ctx, "paper"); err != nil || string(got) != "state" {
		t.Errorf("%q, %v", got, err)
	}
}
