package data

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/keel-desk/keel/data/statement"
)

// The statement corpus (statement/testdata/corpus): one fictional statement per broker
// layout, written by hand from the brokers' public layouts, each with the facts a correct
// importer must reproduce. Every figure below is worked out by hand from the file's rows (the
// arithmetic is in the comments), not read back from Keel:
//   - trades: each trade's underlying, status and realized P&L (closed lots, costs included:
//     premium or price difference × multiplier, less the closed lots' opening costs and the
//     closing costs), in the order the trades were opened;
//   - cash: the statement's net cash of every row imported (its own cash column: Total,
//     Value + Commissions + Fees, Amount − Fees, netCash, AMOUNT), trades and money movements;
//   - open: what is open at the end, signed;
//   - money: the money movements (count and sum); notImported: rows listed as not imported.
func TestStatementCorpus(t *testing.T) {
	type trade struct{ underlying, status, realized string }
	tests := []struct {
		file        string
		format      string
		trades      []trade
		cash        string
		open        []string
		money       int
		moneySum    string
		notImported int
	}{
		{
			// tastytrade, current layout with Total; futures options written with Multiplier 1.
			// ES strangle: call 1000 − 2.42 − 425 − 1.17 = 571.41; put expires 1500 − 2.42 =
			// 1497.58; 2068.99. SPY put assigned: 250 − 1.14 = 248.86, 100 shares open.
			// Cash: 25000 + 1497.58 + 997.58 + 248.86 − 426.17 − 60000 + 174 + 0.15 − 5 + 2.11.
			file: "transactions_history_5WZ00001_total.csv", format: statement.FormatTastytrade,
			trades: []trade{{"ES", "closed", "2068.99"}, {"SPY", "open", "248.86"}},
			cash:   "-32510.89", open: []string{"SPY long 100"},
			money: 5, moneySum: "25171.26",
		},
		{
			// tastytrade, current layout without Total: cash is Value + Commissions + Fees.
			// QQQ put spread: short 680 − 2.28 − 220 − 0.26 = 457.46, long −380 − 2.26 + 60 −
			// 0.28 = −322.54; 134.92. /MES: (6520.50 − 6500) × 5 − 1.37 × 2 = 99.76, its money
			// the marks to market 62.50 + 40. VXX short: 2500 − 0.06 − 2210 = 289.94.
			file: "transactions_history_5WZ00002_nototal.csv", format: statement.FormatTastytrade,
			trades: []trade{{"QQQ", "closed", "134.92"}, {"MES", "closed", "99.76"}, {"VXX", "closed", "289.94"}},
			cash:   "-475.38",
			money:  3, moneySum: "-897.50",
		},
		{
			// tastyworks legacy layout (no Sub Type). IWM strangle: call assigned 160 − 1.14 =
			// 158.86, put expires 125 − 1.14 = 123.86, the 100 shares delivered short at 240
			// bought back at 236: 400; 682.72.
			file: "tastyworks_legacy_iwm.csv", format: statement.FormatTastyworksLegacy,
			trades: []trade{{"IWM", "closed", "682.72"}},
			cash:   "5682.72",
			money:  1, moneySum: "5000",
		},
		{
			// the older 15-column tastyworks layout. /ES puts sold 2 @ 25 (fees 4.84): one bought
			// back at 9.75, 1250 − 2.42 − 487.50 − 2.42 = 757.66; one expires, 1250 − 2.42 =
			// 1247.58; 2005.24. QQQ call bought and exercised: −640 − 1.14 = −641.14, 100
			// shares open. Cash (Amount − Fees): 2495.16 − 489.92 − 641.14 − 47000 + 20000 −
			// 10 + 68.
			file: "tastyworks_classic_es.csv", format: statement.FormatTastyworksClassic,
			trades: []trade{{"ES", "closed", "2005.24"}, {"QQQ", "open", "-641.14"}},
			cash:   "-25577.90", open: []string{"QQQ long 100"},
			money: 3, moneySum: "20058",
		},
		{
			// IBKR Flex: trades with proceeds and netCash, cash transactions. SPY: 525 − 1 −
			// 1.35 = 522.65. MES: 102.50 − 1.24 = 101.26 (a future's trade moves only its
			// costs). ES strangle: call 1000 − 2.47 − 425 − 2.47 = 570.06, put still open.
			// Cash: −60001 + 60523.65 − 1.24 + 1497.53 + 997.53 − 427.47 + 50000 + 174 −
			// 17.40 − 12.34 − 10 + 1. Not imported: an ORDER summary trade, a SUMMARY cash row.
			file: "ibkr_trades_cash.xml", format: statement.FormatIBKRFlex,
			trades: []trade{{"SPY", "closed", "522.65"}, {"MES", "closed", "101.26"}, {"ES", "open", "570.06"}},
			cash:   "52724.26", open: []string{"ESZ26 2026-11-20 6200 P short 1"},
			money: 6, moneySum: "50135.26", notImported: 2,
		},
		{
			// IBKR Flex with OptionEAE: 2 SPY puts assigned (500 − 1.30 = 498.70) and a call
			// expired (110 − 0.65 = 109.35), 200 shares delivered at 600; an ES call bought
			// (−2000 − 2.47) and exercised into a long future. The Trades rows repeating them
			// (notes A, Ep, Ex) are listed. Cash: 498.70 + 109.35 − 2002.47 − 120000.
			file: "ibkr_option_eae.xml", format: statement.FormatIBKRFlex,
			trades: []trade{{"SPY", "open", "608.05"}, {"ES", "open", "-2002.47"}},
			cash:   "-121394.42", open: []string{"ESZ26 long 1", "SPY long 200"},
			notImported: 3,
		},
		{
			// IBKR Flex without OptionEAE: assignment and expiration from the Trades notes. QQQ
			// put assigned 300 − 0.65 = 299.35, call expired 150 − 0.65 = 149.35, the shares
			// sold at 455: 500 − 1.27 = 498.73; 947.43.
			file: "ibkr_trade_notes.xml", format: statement.FormatIBKRFlex,
			trades: []trade{{"QQQ", "closed", "947.43"}},
			cash:   "947.43",
		},
		{
			// thinkorswim, TD-era wording (REMOVAL OF OPTION DUE TO …). IWM strangle sold for
			// 2.85 (costs 1.34, shared by quantity): call assigned 160 − 0.67 = 159.33, put
			// expired 125 − 0.67 = 124.33, shares short at 240 covered at 236: 400; 683.66.
			// Cash: 10000 + 283.66 + 45.10 + 24000 + 0 − 23600 + 5 + 1.23. The Profits and
			// Losses summary is listed as not imported.
			file: "thinkorswim_td_iwm.csv", format: statement.FormatThinkorswim,
			trades: []trade{{"IWM", "closed", "683.66"}},
			cash:   "10734.99",
			money:  4, moneySum: "10051.33", notImported: 1,
		},
		{
			// thinkorswim, Schwab-era wording (REMOVED DUE TO …), with an option on a future
			// expiring on the futures side. ES strangle for 50.00 (costs 6.84): call bought back
			// 1000 − 3.42 − 425 − 3.42 = 568.16, put expired 1500 − 3.42 = 1496.58; 2064.74. SPY
			// put assigned 250 − 0.67 = 249.33, 100 shares open. Cash: 2493.16 − 428.42 +
			// 249.33 − 60000 − 1000; the two sweep rows are listed, not money.
			file: "thinkorswim_schwab_es.csv", format: statement.FormatThinkorswim,
			trades: []trade{{"ES", "closed", "2064.74"}, {"SPY", "open", "249.33"}},
			cash:   "-58685.93", open: []string{"SPY long 100"},
			money: 1, moneySum: "-1000", notImported: 2,
		},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			st, err := statement.ParseFile(filepath.Join("statement", "testdata", "corpus", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if st.Format != tc.format {
				t.Errorf("format %q, want %q", st.Format, tc.format)
			}
			j := openTemp(t)
			res, err := j.Import(ctx, AccountRef{}, st)
			if err != nil {
				t.Fatal(err)
			}
			equalDec(t, "statement cash", res.StatementCash, tc.cash)
			equalDec(t, "journal cash", res.JournalCash, tc.cash)
			if res.CashRows != res.New+res.CashNew {
				t.Errorf("%d of %d new rows have the statement's cash", res.CashRows, res.New+res.CashNew)
			}
			if len(res.NotImported) != tc.notImported {
				t.Errorf("not imported %v, want %d rows", res.NotImported, tc.notImported)
			}
			// the trades, in the order they were opened
			rows, err := j.read.QueryContext(ctx, "SELECT underlying, status, realized_pnl FROM trades ORDER BY opened_at, id")
			if err != nil {
				t.Fatal(err)
			}
			var got []trade
			for rows.Next() {
				var tr trade
				if err := rows.Scan(&tr.underlying, &tr.status, &tr.realized); err != nil {
					t.Fatal(err)
				}
				got = append(got, tr)
			}
			rows.Close()
			if len(got) != len(tc.trades) {
				t.Fatalf("trades %v, want %v", got, tc.trades)
			}
			for i, w := range tc.trades {
				if got[i].underlying != w.underlying || got[i].status != w.status || !dec(got[i].realized).Equal(dec(w.realized)) {
					t.Errorf("trade %d: %v, want %v", i+1, got[i], w)
				}
			}
			// what is open at the end
			open := openLegs(t, j)
			if strings.Join(open, "; ") != strings.Join(tc.open, "; ") {
				t.Errorf("open at the end %q, want %q", open, tc.open)
			}
			// where the broker reported its open positions (IBKR OpenPositions), the journal
			// holds the same at the end
			if len(st.Positions) > 0 {
				var broker []string
				for _, p := range st.Positions {
					side, q := "long", p.Quantity
					if q.IsNegative() {
						side, q = "short", q.Neg()
					}
					broker = append(broker, fmt.Sprintf("%s %s %s", Symbol(p.Instrument), side, q))
				}
				sort.Strings(broker)
				if strings.Join(broker, "; ") != strings.Join(open, "; ") {
					t.Errorf("the broker reports %q open, the journal %q", broker, open)
				}
			}
			// the money movements
			cash, err := j.CashEvents(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sum := dec("0")
			for _, c := range cash {
				sum = sum.Add(c.Amount)
			}
			if len(cash) != tc.money || res.CashNew != tc.money || (tc.money > 0 && !sum.Equal(dec(tc.moneySum))) {
				t.Errorf("%d money movements (%d new) summing %s, want %d summing %s", len(cash), res.CashNew, sum, tc.money, tc.moneySum)
			}
			// importing again adds nothing
			again, err := j.Import(ctx, AccountRef{}, st)
			if err != nil {
				t.Fatal(err)
			}
			if again.New != 0 || again.CashNew != 0 || again.Skipped != len(st.Events) || again.CashAlready != len(st.Cash) {
				t.Errorf("re-import %+v, want nothing new", again)
			}
			if n, m := count(t, j, "fills"), count(t, j, "cash_events"); n < len(st.Events) || m != tc.money {
				t.Errorf("after re-import: %d fills, %d cash events", n, m)
			}
			if after := openLegs(t, j); strings.Join(after, "; ") != strings.Join(open, "; ") {
				t.Errorf("re-import changed what is open: %q", after)
			}
		})
	}
}

// openLegs lists the legs open in the journal as "symbol side quantity", sorted.
func openLegs(t *testing.T, j *Journal) []string {
	t.Helper()
	rows, err := j.read.Query(`SELECT i.symbol, l.side, l.quantity_open FROM legs l JOIN instruments i ON i.id = l.instrument_id
		WHERE l.quantity_open <> '0'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sym, side, q string
		if err := rows.Scan(&sym, &side, &q); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %s", sym, side, q))
	}
	sort.Strings(out)
	return out
}
