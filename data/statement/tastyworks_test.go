package statement

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// tastyworks_classic.csv is written from the public 15-column header (laroche/tastyworks-pnl
// README) with made-up rows: a short /ES call (engine/instrument's multiplier 50, as the layout
// has none) bought back, a SPY strangle whose call expires and whose put is assigned into 100
// shares, and two money movements.
func TestTastyworksClassic(t *testing.T) {
	st := mustParse(t, "tastyworks_classic.csv")
	if st.Format != FormatTastyworksClassic || st.Account != "5WT00001" {
		t.Errorf("format, account = %q, %q", st.Format, st.Account)
	}
	if len(st.Events) != 7 {
		t.Fatalf("%d events, want 7", len(st.Events))
	}
	p, c, am, eu, fut := pricing.Put, pricing.Call, pricing.American, pricing.European, instrument.FuturesOption
	opt, stk := instrument.Option, instrument.Stock
	oct16, nov20 := "2026-10-16T16:00:00-04:00", "2026-11-20T16:00:00-05:00"
	tests := []struct {
		source string
		w      want
	}{
		{"line 9", want{Fill, Open, fut, "ES", "ESZ6", 7100, c, eu, nov20, 50, "-1", "22.75", "0", "2.42", "tw:20260915T140100:5WT00001"}},
		{"line 6", want{Fill, Close, fut, "ES", "ESZ6", 7100, c, eu, nov20, 50, "1", "61.25", "0", "2.42", "tw:20261001T173000:5WT00001"}},
		{"line 8", want{Fill, Open, opt, "SPY", "SPY", 640, p, am, oct16, 100, "-1", "3.10", "0", "1.14", "tw:20260922T143000:5WT00001"}},
		{"line 7", want{Fill, Open, opt, "SPY", "SPY", 700, c, am, oct16, 100, "-1", "1.20", "0", "1.14", "tw:20260922T143000:5WT00001"}},
		// no Buy/Sell on the expiration: it closes the short call held
		{"line 2", want{Expiration, Close, opt, "SPY", "SPY", 700, c, am, oct16, 100, "1", "0", "0", "0", "rd:20261016T210000:SPY"}},
		{"line 3", want{Assignment, Close, opt, "SPY", "SPY", 640, p, am, oct16, 100, "1", "0", "0", "0", "rd:20261016T210000:SPY"}},
		{"line 4", want{Delivery, Open, stk, "SPY", "", 0, c, am, "", 1, "100", "640", "0", "0", "rd:20261016T210000:SPY"}},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			e := findEvent(t, st, "tastyworks_classic.csv "+tc.source)
			checkEvent(t, e, tc.w)
		})
	}
	// The broker's net cash of the imported rows (Amount − Fees): 1137.50 + 310 + 120 − 3062.50
	// − 64000 − (2.42 + 1.14 + 1.14 + 2.42) = −65502.12; Keel's cash from the events must agree.
	cash := decimal.Zero
	for _, e := range st.Events {
		cash = cash.Sub(e.Quantity.Mul(e.Price).Mul(decimal.NewFromFloat(e.Instrument.Multiplier))).Sub(e.Fees).Sub(e.Commission)
	}
	if !cash.Equal(dec("-65502.12")) {
		t.Errorf("net cash %s, want −65502.12", cash)
	}
	// the money movements are cash events, in time order, with the broker's Amount less Fees
	var cashRows []string
	for _, c := range st.Cash {
		cashRows = append(cashRows, fmt.Sprintf("%s %s %s", c.Source, c.Kind, c.Amount))
	}
	if got, want := strings.Join(cashRows, "; "), "tastyworks_classic.csv line 10 deposit 10000; tastyworks_classic.csv line 5 interest 3.12"; got != want {
		t.Errorf("cash events %q, want %q", got, want)
	}
	if len(st.Skipped) != 0 || len(st.Warnings) != 0 {
		t.Errorf("skipped %v, warnings %q; want none", st.Skipped, st.Warnings)
	}
}

func TestTastyworksClassicRejects(t *testing.T) {
	const header = tastyworksClassicHeader + "\n"
	const good = "09/15/2026 10:01 AM,Trade,Sell to Open,/ESZ6,Sell,Open,1,11/20/2026,7100,C,22.75,2.42,1137.50,Sold,5WT1\n"
	tests := []struct {
		name, row, field string
	}{
		// tastytrade's Multiplier-1 mistake: Amount taken as price × 1 disagrees with the contract's 50
		{"amount disagrees", strings.Replace(good, "1137.50", "22.75", 1), "Amount"},
		{"amount sign", strings.Replace(good, "1137.50", "-1137.50", 1), "Amount"},
		{"unknown subcode", strings.Replace(good, "Trade,Sell to Open", "Receive Deliver,Spin-off", 1), "Transaction Subcode"},
		{"unknown code", strings.Replace(good, "Trade,", "Journal,", 1), "Transaction Code"},
		{"no quantity", strings.Replace(good, ",Open,1,", ",Open,,", 1), "Quantity"},
		{"bad right", strings.Replace(good, ",C,", ",X,", 1), "Call/Put"},
		{"bad expiry", strings.Replace(good, "11/20/2026", "2026-11-20", 1), "Expiration Date"},
		{"no side", strings.Replace(good, ",Sell,Open,", ",,Open,", 1), "Buy/Sell"},
		{"negative fees", strings.Replace(good, ",2.42,", ",-2.42,", 1), "Fees"},
		{"unknown future", strings.Replace(good, "/ESZ6", "/QQZ6", 1), "Symbol"},
		{"expiration with cash", "10/16/2026 5:00 PM,Receive Deliver,Expiration,SPY,,,1,10/16/2026,700,C,0.00,0.00,5.00,x,5WT1\n", "Amount"},
		{"expiration of nothing held", "10/16/2026 5:00 PM,Receive Deliver,Expiration,SPY,,,1,10/16/2026,700,C,0.00,0.00,0.00,x,5WT1\n", "Buy/Sell"},
		{"money movement with a position", "10/02/2026 8:00 AM,Money Movement,Transfer,SPY,,,100,,,,,0.00,0.00,x,5WT1\n", "Transaction Code"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Parse("t.csv", strings.NewReader(header+tc.row))
			var re *RowError
			if !errors.As(err, &re) || st != nil {
				t.Fatalf("Parse = %v, %v; want a row error", st, err)
			}
			if re.Line != 2 || re.Field != tc.field {
				t.Errorf("error %q: line %d field %q, want line 2 field %q", err, re.Line, re.Field, tc.field)
			}
		})
	}
	if _, err := Parse("t.csv", strings.NewReader(header+good)); err != nil {
		t.Errorf("the good row: %v", err)
	}
}
