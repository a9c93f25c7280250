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

// TestBackupCommand runs keel journal backup, backups and restore end to end on a real
// journal: a backup beside the running owner, a restore refused beside it, --keep pruning, and
// a restore that brings the journal back to the backup's trades.
func TestBackupCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keel.db")
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := JournalCommand(args, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	if code, _, errOut := run("import", "--db", path, testdata("sample_history.csv")); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	trades := func() int { return count(t, openSQL(t, path), "trades") }
	atFirst := trades()

	owner, err := data.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// Beside the running owner: a backup only reads.
	code, out, errOut := run("backup", "--db", path, "--keep", "2")
	if code != 0 || !strings.Contains(out, ".backup-") {
		t.Fatalf("backup: %d %q %q", code, out, errOut)
	}
	first := strings.TrimSuffix(strings.Fields(out)[0], ":")
	if code, _, errOut := run("restore", first, "--db", path); code != 1 || !strings.Contains(errOut, "in use") {
		t.Fatalf("restore beside the owner: %d %q", code, errOut)
	}
	owner.Close()

	if code, _, errOut := run("import", "--db", path, testdata("tastytrade_current.csv")); code != 0 {
		t.Fatalf("second import: %d %s", code, errOut)
	}
	if trades() == atFirst {
		t.Fatal("the second import added no trade, so the restore below proves nothing")
	}
	for i := 0; i < 2; i++ {
		time.Sleep(2 * time.Millisecond) // a name of its own to the millisecond
		if code, _, errOut := run("backup", "--db", path, "--keep", "2"); code != 0 {
			t.Fatalf("backup: %q", errOut)
		}
	}
	code, out, _ = run("backups", "--db", path)
	if code != 0 || strings.Count(out, " backup ") != 2 || strings.Contains(out, first) {
		t.Fatalf("backups after keeping 2 of 3: %d\n%s", code, out)
	}
	// The first backup was pruned: restoring it is refused.
	if code, _, _ := run("restore", "--db", path, first); code != 1 {
		t.Errorf("restore of a pruned backup: status %d, want 1", code)
	}
	afterSecond := trades()
	if code, _, errOut := run("import", "--db", path, testdata("ibkr_flex.xml")); code != 0 {
		t.Fatalf("third import: %d %s", code, errOut)
	}
	if trades() == afterSecond {
		t.Fatal("the third import added no trade, so the restore below proves nothing")
	}
	all, err := data.Backups(path)
	if err != nil || len(all) == 0 {
		t.Fatalf("backups: %v %v", all, err)
	}
	code, out, errOut = run("restore", "--db", path, all[len(all)-1].Path)
	if code != 0 || !strings.Contains(out, "before-restore") {
		t.Fatalf("restore: %d %q %q", code, out, errOut)
	}
	if n := trades(); n != afterSecond {
		t.Errorf("restored journal holds %d trades, want the backup's %d", n, afterSecond)
	}
	if code, _, errOut := run("backup", "--db", path+"-none"); code != 1 || !strings.Contains(errOut, "no journal") {
		t.Errorf("backup of no journal: %d %q", code, errOut)
	}
	for _, bad := range [][]string{{"backup", "--keep", "0"}, {"restore"}, {"backups", "x"}} {
		if code, _, _ := run(bad...); code != 2 {
			t.Errorf("%v: status %d, want 2", bad, code)
		}
	}
}
