package journal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A multiplier of 10^400 with no "@ price" became +Inf and panicked in the Import button's
// worker, ending the app. Now the file is refused with its line and field, and the window
// still imports the next file.
func TestImportHugeMultiplierFromWindow(t *testing.T) {
	v, _, _ := newTestView(t)
	before := v.total
	bad := filepath.Join(t.TempDir(), "huge.csv")
	csv := "Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,Average Price,Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,Expiration Date,Strike Price,Call or Put,Order #,Total,Currency\n" +
		"2026-09-15T10:01:46-0400,Trade,Sell to Open,SELL_TO_OPEN,SPY   261016P00640000,Equity Option,Sold 1 SPY 10/16/26 Put 640.00,250.00,1,250.00,-1.00,-0.14,1" +
		strings.Repeat("0", 400) + ",SPY,SPY,10/16/26,640,PUT,1,250.00,USD\n"
	if err := os.WriteFile(bad, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	onUI(v, func() { v.ImportFile(bad) })
	v.Wait()
	if want := `Nothing imported: huge.csv line 2: Multiplier "1000`; !strings.HasPrefix(v.importNote.Text, want) ||
		!strings.HasSuffix(v.importNote.Text, "is too large (10,000,000,000 or more)") || v.total != before {
		t.Fatalf("import note %q, %d rows (was %d)", v.importNote.Text, v.total, before)
	}
	onUI(v, func() { v.ImportFile("../../data/statement/testdata/tastytrade_current.csv") })
	v.Wait()
	if !strings.HasPrefix(v.importNote.Text, "tastytrade_current.csv: ") {
		t.Fatalf("next import: %q", v.importNote.Text)
	}
}

// Any panic in a view's background work is shown to the user, and the app goes on.
func TestBackgroundPanicIsShown(t *testing.T) {
	v, _, _ := newTestView(t)
	onUI(v, func() { v.importBtn.Disable() })
	v.Background(func() func() { panic("parser bug") })
	v.Wait()
	if v.importNote.Text != "Stopped: internal error, please report it: parser bug" || v.importBtn.Disabled() {
		t.Fatalf("note %q, button disabled %v", v.importNote.Text, v.importBtn.Disabled())
	}
	v.Background(func() func() { return func() { panic("apply bug") } })
	v.Wait()
	if !strings.HasSuffix(v.importNote.Text, "apply bug") {
		t.Fatalf("note %q", v.importNote.Text)
	}
}
