package statement

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpus reads a corpus file as text.
func corpus(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "corpus", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// edit replaces old (which must occur) with new in s.
func edit(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("%q is not in the file", old)
	}
	return strings.Replace(s, old, new, 1)
}

// Each corpus file broken in one way a real file can be wrong: the broker's cash column
// disagreeing with price × quantity × multiplier, or a row that looks like a trade but that
// Keel does not understand. Each refuses the whole file naming the file, the line and the
// field; with SkipUnknown, the trade-like row is listed as not imported instead and the rest
// is read.
func TestCorpusRefusals(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		line                 int
		field                string
		skippable            bool // a row SkipUnknown may list instead of failing
	}{
		// the money disagrees: the file fails with or without SkipUnknown only when the row
		// is a trade Keel reads; SkipUnknown then lists it
		{"tastytrade Total-less Value off by a multiplier", "transactions_history_5WZ00002_nototal.csv",
			"Sold 2 QQQ 10/16/26 Put 460.00 @ 0.30,60.00,", "Sold 2 QQQ 10/16/26 Put 460.00 @ 0.30,0.60,", 4, "Value", true},
		{"tastytrade futures option Value at multiplier 1", "transactions_history_5WZ00001_total.csv",
			`@ 8.50,-425.00,`, `@ 8.50,-8.50,`, 9, "Value", true},
		{"tastytrade Total not Value with costs", "transactions_history_5WZ00001_total.csv",
			`@ 2.50,250.00,1,250.00,-1.00,-0.14,100,SPY,SPY,10/16/26,600,PUT,410002,248.86`, `@ 2.50,250.00,1,250.00,-1.00,-0.14,100,SPY,SPY,10/16/26,600,PUT,410002,249.86`, 10, "Total", true},
		{"IBKR futures option proceeds at multiplier 1", "ibkr_trades_cash.xml",
			`tradePrice="8.5" proceeds="-425"`, `tradePrice="8.5" proceeds="-8.5"`, 14, "proceeds", true},
		{"IBKR netCash not proceeds with costs", "ibkr_trades_cash.xml",
			`netCash="60523.65"`, `netCash="60524.65"`, 13, "netCash", true},
		{"IBKR delivery proceeds not at the strike", "ibkr_option_eae.xml",
			`proceeds="-120000"`, `proceeds="-12000"`, 16, "proceeds", true},
		{"thinkorswim AMOUNT not the premium less costs", "thinkorswim_td_iwm.csv",
			`@2.85,-0.04,-1.30,283.66`, `@2.85,-0.04,-1.30,2.85`, 7, "AMOUNT", false},
		{"thinkorswim futures Amount at multiplier 1", "thinkorswim_schwab_es.csv",
			`@8.50,-1.17,-2.25,-428.42`, `@8.50,-1.17,-2.25,-11.92`, 15, "Amount", false},
		{"thinkorswim assignment AMOUNT not the delivery", "thinkorswim_schwab_es.csv",
			`"-60,000.00","10,249.33"`, `"-6,000.00","10,249.33"`, 7, "AMOUNT", true},
		// trade-like rows Keel does not understand
		{"tastytrade unknown type with a symbol and a quantity", "transactions_history_5WZ00001_total.csv",
			"2026-10-05T11:00:00-0400,Trade,", "2026-10-05T11:00:00-0400,Spin-off,", 9, "Type", true},
		{"tastytrade money movement moving shares", "transactions_history_5WZ00001_total.csv",
			`DIVIDEND,174.00,0,`, `DIVIDEND,174.00,100,`, 6, "Type", true},
		{"tastyworks classic unknown Receive Deliver", "tastyworks_classic_es.csv",
			"Receive Deliver,Exercise,QQQ", "Receive Deliver,Spin-off,QQQ", 4, "Transaction Subcode", true},
		{"tastyworks legacy unknown instrument", "tastyworks_legacy_iwm.csv",
			"Trade,BUY_TO_CLOSE,IWM,Equity,", "Trade,BUY_TO_CLOSE,IWM,Bond,", 2, "Instrument Type", true},
		{"IBKR unknown asset category", "ibkr_trade_notes.xml",
			`assetCategory="STK" symbol="QQQ" description="INVESCO QQQ TRUST SERIES 1" underlyingSymbol="QQQ" multiplier="1" tradeID="3006"`,
			`assetCategory="WAR" symbol="QQQ" description="INVESCO QQQ TRUST SERIES 1" underlyingSymbol="QQQ" multiplier="1" tradeID="3006"`, 12, "assetCategory", true},
		{"IBKR transfer of shares", "ibkr_trade_notes.xml",
			"</Trades>", "</Trades>\n<Transfers>\n<Transfer accountId=\"U3456789\" assetCategory=\"STK\" symbol=\"QQQ\" quantity=\"100\" date=\"20261001\" direction=\"IN\" />\n</Transfers>", 15, "", true},
		{"thinkorswim unknown Type", "thinkorswim_td_iwm.csv",
			",10/20/26 10:30:00,STOCK,BUY,+100,TO CLOSE,IWM,,,ETF,", ",10/20/26 10:30:00,STOCK,BUY,+100,TO CLOSE,IWM,,,BOND,", 21, "Type", true},
		{"thinkorswim RAD moving shares", "thinkorswim_td_iwm.csv",
			"10/30/26,00:00:00,ADJ,=\"6001000007\",COMMISSION ADJUSTMENT,,,5.00,",
			"10/30/26,00:00:00,RAD,=\"6001000007\",TRANSFER OF SECURITY OR OPTION IN +100 IWM,,,0.00,", 12, "DESCRIPTION", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := edit(t, corpus(t, tc.file), tc.old, tc.new)
			st, err := Parse(tc.file, strings.NewReader(text))
			var re *RowError
			if st != nil || !errors.As(err, &re) {
				t.Fatalf("Parse = %v, %v; want a row error", st, err)
			}
			if re.File != tc.file || re.Line != tc.line || re.Field != tc.field {
				t.Errorf("%v: file %q line %d field %q; want %q line %d field %q", err, re.File, re.Line, re.Field, tc.file, tc.line, tc.field)
			}
			st, err = ParseWith(tc.file, strings.NewReader(text), Options{SkipUnknown: true})
			if !tc.skippable {
				if err == nil {
					t.Fatalf("with SkipUnknown the file was read: %v", st.Skipped)
				}
				return
			}
			if err != nil {
				t.Fatalf("with SkipUnknown: %v", err)
			}
			found := false
			for _, s := range st.Skipped {
				found = found || (s.Line == tc.line && strings.Contains(s.Why, "--skip-unknown"))
			}
			if !found {
				t.Errorf("with SkipUnknown, line %d is not listed: %v", tc.line, st.Skipped)
			}
		})
	}
}

// A row that is not a trade (no symbol or no quantity) and that Keel does not read is listed
// with why, never dropped in silence, and does not fail the file.
func TestCorpusUnknownNonTradeRowsListed(t *testing.T) {
	tests := []struct{ name, file, old, new string }{
		{"tastytrade unknown type without a symbol", "transactions_history_5WZ00002_nototal.csv",
			"2026-10-15T09:00:00-0400,Money Movement,Withdrawal,", "2026-10-15T09:00:00-0400,Journal Entry,Withdrawal,"},
		{"tastyworks classic unknown code without a symbol", "tastyworks_classic_es.csv",
			"10/15/2026 8:00 AM,Money Movement,Fee,", "10/15/2026 8:00 AM,Journal,Fee,"},
		{"IBKR cash transaction without a type", "ibkr_trades_cash.xml",
			`amount="-10" type="Other Fees"`, `amount="-10" type=""`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, err := Parse(tc.file, strings.NewReader(corpus(t, tc.file)))
			if err != nil {
				t.Fatal(err)
			}
			st, err := Parse(tc.file, strings.NewReader(edit(t, corpus(t, tc.file), tc.old, tc.new)))
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Skipped) != len(before.Skipped)+1 || len(st.Cash) != len(before.Cash)-1 || len(st.Events) != len(before.Events) {
				t.Errorf("skipped %v; %d cash events (was %d)", st.Skipped, len(st.Cash), len(before.Cash))
			}
		})
	}
}
