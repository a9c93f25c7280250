package data

import (
	"context"
	"testing"

	"github.com/keel-desk/keel/data/statement"
)

// The older tastyworks CSV through the journal: the /ES call's premium and realized P&L are
// the statement's own Amount and Fees to the cent (Amount 1137.50 and −3062.50, fees 2.42
// each: −1925 − 4.84 = −1929.84), the SPY call expires at zero, the put's assignment leaves the shares open, and importing again adds nothing.
func TestImportTastyworksClassic(t *testing.T) {
	j := openTemp(t)
	st, err := statement.ParseFile(testdata("tastyworks_classic.csv"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := j.Import(context.Background(), AccountRef{}, st)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 7 {
		t.Fatalf("result %+v, want 7 new", res)
	}
	// the broker's Amount − Fees of the 7 trade rows, −65502.12, plus the two money movements
	// (interest 3.12, deposit 10000), and the journal's cash agree: −55499.00; only the 100
	// assigned SPY shares are open at the end
	equalDec(t, "statement cash", res.StatementCash, "-55499.00")
	equalDec(t, "journal cash", res.JournalCash, "-55499.00")
	if res.CashRows != 9 || res.CashNew != 2 || res.OpenLegs != 1 {
		t.Errorf("cash rows, money movements, open legs = %d, %d, %d; want 9, 2, 1", res.CashRows, res.CashNew, res.OpenLegs)
	}
	if got, want := res.Reconciliation(), "Reconciliation: net cash of the 9 new rows (7 trade rows, 2 money movements) −$55,499.00 on the statement, −$55,499.00 in the journal (they agree); 1 leg open at the end."; got != want {
		t.Errorf("reconciliation\n got %s\nwant %s", got, want)
	}
	again, err := j.Import(context.Background(), AccountRef{}, st)
	if err != nil || again.New != 0 || again.Skipped != 7 || again.CashNew != 0 || again.CashAlready != 2 {
		t.Fatalf("again %+v, %v", again, err)
	}
	list, err := j.ListTrades(context.Background(), Filter{}, Page{})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, s := range list.Trades {
		d, err := j.TradeDetail(context.Background(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch d.Underlying {
		case "ES":
			found++
			if d.Status != StatusClosed {
				t.Errorf("/ES call trade %s, want closed", d.Status)
			}
			equalDec(t, "/ES premium", d.Premium, "1137.50")
			equalDec(t, "/ES realized", d.RealizedPnL, "-1929.84")
		case "SPY":
			// the strangle's premium 310 + 120 less fees 2.28 is realized; the 100 assigned shares stay open
			found++
			equalDec(t, "SPY realized", d.RealizedPnL, "427.72")
			if d.Status != StatusOpen {
				t.Errorf("SPY trade %s, want open (the assigned shares)", d.Status)
			}
			for _, l := range d.Legs {
				if l.Instrument.IsOption() && !l.Quantity.IsZero() {
					t.Errorf("SPY option leg %s still open: %s", l.Instrument, l.Quantity)
				}
				if !l.Instrument.IsOption() && !l.Quantity.Equal(dec("100")) {
					t.Errorf("SPY shares %s, want 100", l.Quantity)
				}
			}
		}
	}
	if found != 2 {
		t.Errorf("found %d of the /ES and SPY trades in %+v", found, list.Trades)
	}
}

// Every statement with a cash column reconciles with the journal to the cent.
func TestImportReconcilesWithTheBrokersCash(t *testing.T) {
	for _, file := range []string{"tastytrade_current.csv", "sample_history.csv", "tastyworks_legacy.csv", "tastyworks_classic.csv"} {
		t.Run(file, func(t *testing.T) {
			j := openTemp(t)
			st, err := statement.ParseFile(testdata(file))
			if err != nil {
				t.Fatal(err)
			}
			res, err := j.Import(context.Background(), AccountRef{}, st)
			if err != nil {
				t.Fatal(err)
			}
			if res.CashRows != res.New+res.CashNew || !res.StatementCash.Equal(res.JournalCash) {
				t.Errorf("%s", res.Reconciliation())
			}
		})
	}
}
