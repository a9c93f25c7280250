package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A multiplier of 10^400 panicked the import (exit 2) and the valid files after it were never
// imported. Now the bad file is reported, the others go in, and the exit is non-zero.
func TestJournalImportGoesPastAHugeMultiplier(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "keel.db")
	huge := filepath.Join(dir, "huge.csv")
	csv := "Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,Average Price,Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,Expiration Date,Strike Price,Call or Put,Order #,Total,Currency\n" +
		"2026-09-15T10:01:46-0400,Trade,Sell to Open,SELL_TO_OPEN,SPY   261016P00640000,Equity Option,Sold 1 SPY 10/16/26 Put 640.00,250.00,1,250.00,-1.00,-0.14,1" +
		strings.Repeat("0", 400) + ",SPY,SPY,10/16/26,640,PUT,1,250.00,USD\n"
	if err := os.WriteFile(huge, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := JournalCommand([]string{"import", "--db", db, huge, testdata("tastytrade_current.csv")}, &out, &errOut)
	if code != 1 || !strings.HasPrefix(errOut.String(), `huge.csv line 2: Multiplier "1000`) ||
		!strings.Contains(errOut.String(), "is too large (10,000,000,000 or more)") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	if !strings.Contains(out.String(), "tastytrade_current.csv: ") || strings.Contains(out.String(), " 0 new") {
		t.Errorf("the valid file after the bad one: %q", out.String())
	}
	j := openSQL(t, db)
	defer j.Close()
	if count(t, j, "fills") == 0 {
		t.Error("no fills imported")
	}
}
