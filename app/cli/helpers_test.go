package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite" // the journal's driver, to count its rows read-only

	"github.com/keel-desk/keel/data"
)

// openSQL opens the journal file read-only, to look at what a command wrote.
func openSQL(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// count is the number of rows in table.
func count(t testing.TB, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// exportHeader is the first row data.ExportCSV writes, read from the export of an empty
// journal.
func exportHeader(t testing.TB) []string {
	t.Helper()
	j, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var b bytes.Buffer
	if err := j.ExportCSV(context.Background(), &b, data.Filter{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("the export of an empty journal: %d rows, %v", len(recs), err)
	}
	return recs[0]
}
