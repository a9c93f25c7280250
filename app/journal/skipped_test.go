package journal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A trade row the importer does not understand refuses the file in the window as on the
// command line; with "Skip rows it does not understand" ticked it is listed under "Rows not
// imported" with its line and why, next to the rows that are never trades.
func TestImportListsRowsNotImported(t *testing.T) {
	v, _, _ := newTestView(t)
	before := v.total
	path := filepath.Join(t.TempDir(), "classic.csv")
	const header = "Date/Time,Transaction Code,Transaction Subcode,Symbol,Buy/Sell,Open/Close,Quantity,Expiration Date,Strike,Call/Put,Price,Fees,Amount,Description,Account Reference\n"
	body := header +
		"09/16/2026 10:00 AM,Trade,Sell to Open,SPY,Sell,Open,1,10/16/2026,640,P,3.10,1.14,310.00,Sold,5WT9\n" +
		"09/15/2026 10:01 AM,Receive Deliver,Spin-off,SPY,Sell,Open,1,10/16/2026,650,P,3.10,1.14,310.00,What,5WT9\n" +
		"09/14/2026 09:00 AM,Journal,Memo,,,,,,,,,,,note,5WT9\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	onUI(v, func() { v.ImportFile(path) })
	v.Wait()
	if !strings.HasPrefix(v.importNote.Text, "Nothing imported: classic.csv line 3: Transaction Subcode") || v.total != before {
		t.Fatalf("without skipping: %q, %d trades (was %d)", v.importNote.Text, v.total, before)
	}
	onUI(v, func() { v.importSkip.SetChecked(true); v.ImportFile(path) })
	v.Wait()
	if !strings.HasPrefix(v.importNote.Text, "classic.csv: 1 new fill,") || !strings.Contains(v.importNote.Text, "2 rows not imported") {
		t.Fatalf("with skipping: %q", v.importNote.Text)
	}
	rows := strings.Split(v.skipped.Text, "\n")
	if !v.skippedBox.Visible() || v.skippedBox.Items[0].Title != "Rows not imported (2)" || len(rows) != 2 ||
		!strings.HasPrefix(rows[0], "classic.csv line 3: ") || !strings.Contains(rows[0], "--skip-unknown") ||
		!strings.HasPrefix(rows[1], "classic.csv line 4: ") || !strings.Contains(rows[1], "Transaction Code") {
		t.Fatalf("rows not imported %q (shown %v)", v.skipped.Text, v.skippedBox.Visible())
	}
}
