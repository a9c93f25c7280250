package checklist

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/keel-desk/keel/app/cli"
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
)

// TestChecklistCommandBesideRunningKeel: keel checklist reads the journal and the paper
// account while a running Keel owns them (issue 20), leaves the account as it was, and a
// second writer is still refused.
func TestChecklistCommandBesideRunningKeel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keel.db")
	_, j, _ := startChecklistDesk(t, path)
	if !j.Owner() {
		t.Fatal("the running desk's journal is not the owner")
	}
	ctx := context.Background()
	before, err := j.LoadPaper(ctx, paper.DefaultAccount)
	if err != nil || len(before) == 0 {
		t.Fatalf("saved paper account: %d rows, %v", len(before), err)
	}
	var out, errb bytes.Buffer
	if code := cli.ChecklistCommand([]string{"--db", path}, &out, &errb); code == 2 {
		t.Fatalf("checklist beside the running desk: exit 2\n%s", errb.String())
	}
	after, err := j.LoadPaper(ctx, paper.DefaultAccount)
	if err != nil || len(after) != len(before) {
		t.Errorf("the checklist changed the paper account: %d rows → %d (%v)", len(before), len(after), err)
	}
	if _, err := data.Open(ctx, path); !errors.Is(err, data.ErrJournalInUse) {
		t.Errorf("a second writer beside the running desk: %v", err)
	}
}
