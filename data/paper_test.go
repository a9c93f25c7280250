package data

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func rowsText(rs []PaperRow) string {
	s := ""
	for _, r := range rs {
		s += fmt.Sprintf("%s/%s=%s ", r.Kind, r.Key, r.Body)
	}
	return s
}

func TestPaperRowsRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keel.db")
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := j.LoadPaper(ctx, "paper")
	if err != nil || got != nil {
		t.Fatalf("new account: %v, %v; want none", got, err)
	}
	saves := [][]PaperRow{
		{{Kind: "account", Body: []byte("a1")}, {Kind: "fill", Key: "F1", Body: []byte{0, 1, 0xff}}, {Kind: "position", Key: "SPY", Body: []byte("p")}},
		{{Kind: "account", Body: []byte("a2")}, {Kind: "fill", Key: "F2", Body: []byte("f2")}, {Kind: "position", Key: "SPY"}},
	}
	for _, s := range saves {
		if err := j.SavePaper(ctx, "paper", s); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.SavePaper(ctx, "other", saves[0][:1]); err != nil {
		t.Fatal(err)
	}
	j.Close()

	// A reopened file holds each row's last body, in the order the rows were first
	// written; a deleted row is gone; accounts are apart.
	j, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	got, err = j.LoadPaper(ctx, "paper")
	if want := "account/=a2 fill/F1=\x00\x01\xff fill/F2=f2 "; err != nil || rowsText(got) != want {
		t.Errorf("paper: %q, %v; want %q", rowsText(got), err, want)
	}
	got, err = j.LoadPaper(ctx, "other")
	if want := "account/=a1 "; err != nil || rowsText(got) != want {
		t.Errorf("other: %q, %v; want %q", rowsText(got), err, want)
	}
}

func TestPaperRowsRefuseBadInput(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	if err := j.SavePaper(ctx, "", []PaperRow{{Kind: "account", Body: []byte("x")}}); err == nil {
		t.Error("saved under an empty account name")
	}
	if err := j.SavePaper(ctx, "paper", []PaperRow{{Kind: "account", Body: []byte("x")}, {Body: []byte("y")}}); err == nil {
		t.Error("saved a row without a kind")
	}
	if _, err := j.LoadPaper(ctx, ""); err == nil {
		t.Error("loaded an empty account name")
	}
	if got, err := j.LoadPaper(ctx, "paper"); err != nil || got != nil {
		t.Errorf("after refused saves: %v, %v", got, err)
	}
}

// TestPaperBlobBecomesALegacyRow opens a journal whose paper account an older Keel saved
// as one blob (schema 5): the blob survives byte for byte as the account's one legacy row.
func TestPaperBlobBecomesALegacyRow(t *testing.T) {
	ctx := context.Background()
	all, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "keel.db")
	old, err := openWith(ctx, path, all[:5], nil)
	if err != nil {
		t.Fatal(err)
	}
	blob := []byte(`{"version":1,"Cash":"250000"}`)
	if _, err := old.write.ExecContext(ctx, "INSERT INTO paper_accounts (account, state, updated_at) VALUES ('paper', ?, 'x')", blob); err != nil {
		t.Fatal(err)
	}
	old.Close()
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	got, err := j.LoadPaper(ctx, "paper")
	if want := "legacy/=" + string(blob) + " "; err != nil || rowsText(got) != want {
		t.Errorf("%q, %v; want %q", rowsText(got), err, want)
	}
}
