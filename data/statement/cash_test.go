package statement

import (
	"errors"
	"strings"
	"testing"
)

// tastytrade writes Multiplier 1 on futures-option rows while the price is in index points;
// Value (1425.00 for 28.50 on /ES, 50 dollars a point) is the truth, and a Value that
// matches no multiplier of the contract fails the row.
func TestTastytradeFuturesOptionCash(t *testing.T) {
	const header = "Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,Average Price,Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,Expiration Date,Strike Price,Call or Put,Order #,Total,Currency\n"
	const row = `2026-09-15T10:01:46-0400,Trade,Sell to Open,SELL_TO_OPEN,./ESZ6 EW3X6 261120P6300,Future Option,Sold 1 ./ESZ6 EW3X6 261120P6300 @ 28.50,"1,425.00",1,"1,425.00",-1.25,-1.17,1,./ES,/ESZ6,11/20/26,6300,PUT,401001,"1,422.58",USD` + "\n"
	st, err := Parse("t.csv", strings.NewReader(header+row))
	if err != nil {
		t.Fatal(err)
	}
	if e := st.Events[0]; e.Instrument.Multiplier != 50 || !e.Price.Equal(dec("28.50")) {
		t.Errorf("multiplier, price = %v, %s; want 50, 28.50", e.Instrument.Multiplier, e.Price)
	}
	for _, value := range []string{`"28.50"`, `"-1,425.00"`, `"1,430.00"`} {
		t.Run(value, func(t *testing.T) {
			_, err := Parse("t.csv", strings.NewReader(header+strings.Replace(row, `"1,425.00",1,`, value+",1,", 1)))
			var re *RowError
			if !errors.As(err, &re) || re.Field != "Value" || re.Line != 2 {
				t.Fatalf("err = %v, want a Value error on line 2", err)
			}
		})
	}
}
