package cli

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The statement files are the parsers' own test data (data/statement/testdata).
func testdata(name string) string {
	return filepath.Join("..", "..", "data", "statement", "testdata", name)
}

func TestJournalImportAndExportEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "keel.db")
	files := []string{testdata("sample_history.csv"), testdata("tastytrade_current.csv"), testdata("ibkr_flex.xml"), testdata("thinkorswim_statement.csv")}
	var out, errOut bytes.Buffer
	args := append([]string{"import", "--db", db}, files...)
	if code := JournalCommand(args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out.String(), errOut.String())
	}
	// one summary line per file, each followed by the rows it did not import
	if strings.Count(out.String(), "\n") != len(files)+strings.Count(out.String(), "not imported:") || strings.Contains(out.String(), "events, 0 new") ||
		strings.Count(out.String(), "Reconciliation: ") != len(files) || strings.Contains(out.String(), "DIFFER") {
		t.Errorf("import output:\n%s", out.String())
	}
	j := openSQL(t, db)
	trades, fills := count(t, j, "trades"), count(t, j, "fills")
	// Every assignment in the files (SPY and ES in sample_history.csv and ibkr_flex.xml)
	// delivered its shares or future into the assigned trade.
	var assigned, delivered int
	if err := j.QueryRow(`SELECT count(*), count(delivered_leg_id) FROM settlements WHERE kind = 'assignment'`).Scan(&assigned, &delivered); err != nil {
		t.Fatal(err)
	}
	if assigned < 4 || delivered != assigned {
		t.Errorf("%d assignments, %d with their delivery", assigned, delivered)
	}
	var strays int
	if err := j.QueryRow(`SELECT count(*) FROM legs l JOIN settlements s ON s.delivered_leg_id = l.id WHERE l.trade_id <> s.trade_id`).Scan(&strays); err != nil {
		t.Fatal(err)
	}
	if strays != 0 {
		t.Errorf("%d delivered legs outside their assigned trade", strays)
	}
	j.Close()
	if trades == 0 || fills == 0 {
		t.Fatalf("%d trades, %d fills", trades, fills)
	}

	// Again, flags after the files: everything is already in the journal.
	out.Reset()
	if code := JournalCommand(append(append([]string{"import"}, files...), "--db", db), &out, &errOut); code != 0 {
		t.Fatalf("re-import exit %d: %s", code, errOut.String())
	}
	if strings.Contains(out.String(), "trades opened") && !strings.Contains(out.String(), " 0 new") {
		t.Errorf("re-import output:\n%s", out.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.Contains(line, "not imported:") {
			continue // the rows not imported are listed again, as they were the first time
		}
		if !strings.Contains(line, "events, 0 new") || !regexp.MustCompile(`money movements?, 0 new`).MatchString(line) {
			t.Errorf("re-import recorded something: %s", line)
		}
	}

	// A bad file: the parser's message, a non-zero exit, nothing written; good files still go in.
	out.Reset()
	errOut.Reset()
	code := JournalCommand([]string{"import", "--db", db, testdata("bad_quantity.csv")}, &out, &errOut)
	if code == 0 || strings.TrimSpace(errOut.String()) != `bad_quantity.csv line 3: Quantity "1O" is not a number` {
		t.Errorf("bad file: exit %d, stderr %q", code, errOut.String())
	}
	j = openSQL(t, db)
	if count(t, j, "trades") != trades || count(t, j, "fills") != fills {
		t.Error("the bad file changed the journal")
	}
	j.Close()

	// Export.
	csvPath := filepath.Join(t.TempDir(), "trades.csv")
	errOut.Reset()
	if code := JournalCommand([]string{"export", "--db", db, "--format", "csv", "--out", csvPath}, &out, &errOut); code != 0 {
		t.Fatalf("export exit %d: %s", code, errOut.String())
	}
	if fi, err := os.Stat(csvPath); err != nil {
		t.Fatal(err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("the export file's mode is %v; want 0600 (only its owner reads the trades)", fi.Mode().Perm())
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != trades+1 || strings.Join(recs[0], ",") != strings.Join(exportHeader(t), ",") {
		t.Fatalf("%d rows (want %d), header %v", len(recs), trades+1, recs[0])
	}
	for _, r := range recs[1:] {
		if r[9] == "" || r[6] == "" {
			t.Errorf("row without legs or open time: %v", r)
		}
	}
}

func TestJournalCommandUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "keel.db")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "usage:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"import", "--db", db}, 2, "no statement files given"},
		{[]string{"export", "--db", db, "--format", "xlsx"}, 2, "--format must be csv"},
		{[]string{"import", "--db", db, "missing.csv"}, 1, "missing.csv"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := JournalCommand(c.args, &out, &errOut); code != c.code || !strings.Contains(errOut.String(), c.want) {
				t.Errorf("exit %d stderr %q; want %d and %q", code, errOut.String(), c.code, c.want)
			}
		})
	}
}

// TestJournalExportDefaultsToCSV: CSV is the only format, so --format may be left out; the
// output is the same as with --format csv and has the sample column.
func TestJournalExportDefaultsToCSV(t *testing.T) {
	db := filepath.Join(t.TempDir(), "keel.db")
	var out, errOut bytes.Buffer
	if code := JournalCommand([]string{"import", "--db", db, testdata("tastytrade_current.csv")}, &out, &errOut); code != 0 {
		t.Fatalf("import exit %d: %s", code, errOut.String())
	}
	export := func(args ...string) string {
		var out, errOut bytes.Buffer
		if code := JournalCommand(append([]string{"export", "--db", db}, args...), &out, &errOut); code != 0 {
			t.Fatalf("export %v: exit %d: %s", args, code, errOut.String())
		}
		return out.String()
	}
	plain, explicit := export(), export("--format", "csv")
	if plain != explicit {
		t.Errorf("export without --format differs from --format csv:\n%s\n---\n%s", plain, explicit)
	}
	recs, err := csv.NewReader(strings.NewReader(plain)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("%d rows, %v", len(recs), err)
	}
	if h := recs[0]; h[len(h)-1] != "sample" || recs[1][len(h)-1] != "no" {
		t.Errorf("sample column: header %v, first row %v", h, recs[1])
	}
}

// TestJournalImportSaysWhichAccount: the summary line names the account the file went to and
// why: --account, the statement's own account (IBKR's Flex names it), or "default" with how
// to choose one. Counts of one are singular ("1 roll").
func TestJournalImportSaysWhichAccount(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no --account, none in the file", []string{testdata("tastytrade_current.csv")},
			"Filed under tastytrade default (the statement names no account; name one with --account)."},
		{"--account", []string{"--account", "5WT0001", testdata("tastytrade_current.csv")}, "Filed under tastytrade 5WT0001 (as asked)."},
		{"the statement names it", []string{testdata("ibkr_flex.xml")}, "Filed under ibkr U7654321 (named in the statement's rows)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "keel.db")
			var out, errOut bytes.Buffer
			if code := JournalCommand(append([]string{"import", "--db", db}, tc.args...), &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if !strings.Contains(out.String(), tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out.String())
			}
			for _, bad := range []string{" 1 rolls", " 1 trades", " 1 events", " 1 money movements"} {
				if strings.Contains(out.String(), bad) {
					t.Errorf("output says %q:\n%s", bad, out.String())
				}
			}
		})
	}
}
