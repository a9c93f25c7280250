package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/data"
)

// TestJournalCommandBesideRunningKeel: while a Keel owns the journal (here this process,
// whose second open the lock refuses just as another process's), keel journal import waits
// briefly and refuses, naming the owner, and keel journal export still reads. The lock across
// two processes is tested in data (TestTwoProcessesOneJournal).
func TestJournalCommandBesideRunningKeel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keel.db")
	var out, errb bytes.Buffer
	if code := JournalCommand([]string{"import", "--db", path, testdata("sample_history.csv")}, &out, &errb); code != 0 {
		t.Fatalf("import: %d %s", code, errb.String())
	}
	owner, err := data.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()

	defer func(w time.Duration) { importLockWait = w }(importLockWait)
	importLockWait = 200 * time.Millisecond
	out.Reset()
	errb.Reset()
	start := time.Now()
	code := JournalCommand([]string{"import", "--db", path, testdata("tastytrade_current.csv")}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "in use by another Keel process") || out.Len() != 0 {
		t.Errorf("import beside the owner: exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Errorf("refused after %v, before its 200 ms wait", waited)
	}
	out.Reset()
	errb.Reset()
	if code := JournalCommand([]string{"export", "--db", path, "--format", "csv"}, &out, &errb); code != 0 || strings.Count(out.String(), "\n") < 2 {
		t.Errorf("export beside the owner: exit %d, %d lines; %s", code, strings.Count(out.String(), "\n"), errb.String())
	}
}
