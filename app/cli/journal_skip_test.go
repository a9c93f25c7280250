package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// keel journal import: a trade-like row the importer does not understand refuses the file
// and changes nothing (the message names file, line and field); with --skip-unknown the file
// is imported and the row is listed after the summary, with the rows that are never trades.
func TestJournalImportSkipUnknown(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "keel.db")
	good, err := os.ReadFile(testdata(filepath.Join("corpus", "tastyworks_classic_es.csv")))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "classic.csv")
	// line 4: the QQQ exercise as a Receive Deliver subcode Keel does not know
	body := strings.Replace(string(good), "Receive Deliver,Exercise,QQQ", "Receive Deliver,Spin-off,QQQ", 1)
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := JournalCommand([]string{"import", "--db", db, file}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1; stdout %s", code, out.String())
	}
	if want := `classic.csv line 4: Transaction Subcode "Spin-off" is not a Receive Deliver row`; !strings.HasPrefix(errOut.String(), want) {
		t.Errorf("stderr %q, want it to start %q", errOut.String(), want)
	}
	j := openSQL(t, db)
	if n, m := count(t, j, "fills"), count(t, j, "cash_events"); n != 0 || m != 0 {
		t.Errorf("the refused file recorded %d fills, %d cash events", n, m)
	}
	j.Close()

	out.Reset()
	errOut.Reset()
	if code := JournalCommand([]string{"import", file, "--skip-unknown", "--db", db}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d; stderr %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	// the exercise skipped, its delivery still comes in as shares bought
	if len(lines) != 2 || !strings.HasPrefix(lines[0], file+": 5 events, 5 new, 0 already in the journal;") ||
		!strings.Contains(lines[0], "3 money movements, 3 new") || !strings.Contains(lines[0], "1 row not imported") ||
		!strings.HasPrefix(lines[1], file+": classic.csv line 4: ") || !strings.Contains(lines[1], "(skipped: --skip-unknown)") {
		t.Errorf("stdout:\n%s", out.String())
	}
}
