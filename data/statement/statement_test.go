package statement

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

func mustParse(t *testing.T, file string) *Statement {
	t.Helper()
	st, err := ParseFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatalf("ParseFile(%s): %v", file, err)
	}
	return st
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// The expected counts are read off the sample files by hand (each file's rows are listed in
// the report and in the comments of TestEventFields).
func TestParseSamples(t *testing.T) {
	tests := []struct {
		file      string
		format    string
		account   string
		kinds     map[Kind]int
		positions int
		notes     int // rows listed as not imported, and warnings
		cash      int // money movements
	}{
		{"tastytrade_current.csv", FormatTastytrade, "", map[Kind]int{Fill: 9, Assignment: 1, Delivery: 1, Expiration: 2}, 0, 0, 1},
		{"tastyworks_legacy.csv", FormatTastyworksLegacy, "", map[Kind]int{Fill: 6, Expiration: 1}, 0, 0, 0},
		// the Trade row repeating the OptionEAE assignment is listed
		{"ibkr_flex.xml", FormatIBKRFlex, "U7654321", map[Kind]int{Fill: 8, Assignment: 2, Delivery: 2, Expiration: 1}, 3, 1, 0},
		// a TRD cash row with no execution, and an execution with no cash row
		{"thinkorswim_statement.csv", FormatThinkorswim, "87654321", map[Kind]int{Fill: 10, Expiration: 2, Assignment: 1, Delivery: 1}, 0, 2, 0},
		{"sample_history.csv", FormatTastytrade, "", map[Kind]int{Fill: 35, Assignment: 2, Delivery: 2, Expiration: 2}, 0, 0, 2},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			st := mustParse(t, tc.file)
			if st.Format != tc.format || st.Account != tc.account {
				t.Errorf("format, account = %q, %q; want %q, %q", st.Format, st.Account, tc.format, tc.account)
			}
			got := map[Kind]int{}
			for i, e := range st.Events {
				got[e.Kind]++
				if i > 0 && e.Time.Before(st.Events[i-1].Time) {
					t.Errorf("event %d (%s) is before the one ahead of it", i, e.Source)
				}
				if e.Quantity.IsZero() || e.ID == "" || e.Order == "" || e.Source == "" {
					t.Errorf("event %s has an empty quantity, ID, order or source: %+v", e.Source, e)
				}
				if e.Commission.IsNegative() || e.Fees.IsNegative() || e.Price.IsNegative() {
					t.Errorf("event %s has a negative price, commission or fees", e.Source)
				}
			}
			for k, n := range tc.kinds {
				if got[k] != n {
					t.Errorf("%s events = %d, want %d", k, got[k], n)
				}
			}
			if len(st.Events) != sum(tc.kinds) {
				t.Errorf("%d events, want %d", len(st.Events), sum(tc.kinds))
			}
			if n := len(st.Warnings) + len(st.Skipped); len(st.Positions) != tc.positions || n != tc.notes || len(st.Cash) != tc.cash {
				t.Errorf("positions, notes, cash = %d, %d, %d (%q %v); want %d, %d, %d", len(st.Positions), n, len(st.Cash), st.Warnings, st.Skipped,
					tc.positions, tc.notes, tc.cash)
			}
		})
	}
}

func sum(m map[Kind]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

type want struct {
	kind       Kind
	effect     Effect
	instKind   instrument.Kind
	root       string
	underlying string
	strike     float64
	right      pricing.Right
	style      pricing.Style
	expiry     string // RFC 3339 in New York time, "" for none
	mult       float64
	qty        string
	price      string
	commission string
	fees       string
	order      string
}

func findEvent(t *testing.T, st *Statement, source string) Event {
	t.Helper()
	for _, e := range st.Events {
		if e.Source == source {
			return e
		}
	}
	t.Fatalf("no event from %s", source)
	return Event{}
}

func checkEvent(t *testing.T, e Event, w want) {
	t.Helper()
	in := e.Instrument
	exp := ""
	if !in.Expiry.IsZero() {
		exp = in.Expiry.In(newYork).Format(time.RFC3339)
	}
	if e.Kind != w.kind || e.Effect != w.effect || in.Kind != w.instKind || in.Root != w.root || in.Underlying != w.underlying ||
		in.Strike != w.strike || in.Multiplier != w.mult || exp != w.expiry || e.Order != w.order {
		t.Errorf("%s: got kind %v effect %v inst %v %s/%s strike %v mult %v expiry %s order %s; want %+v",
			e.Source, e.Kind, e.Effect, in.Kind, in.Root, in.Underlying, in.Strike, in.Multiplier, exp, e.Order, w)
	}
	if in.IsOption() && (in.Right != w.right || in.Style != w.style) {
		t.Errorf("%s: right, style = %v, %v; want %v, %v", e.Source, in.Right, in.Style, w.right, w.style)
	}
	for _, c := range []struct {
		name      string
		got, want string
	}{{"quantity", e.Quantity.String(), w.qty}, {"price", e.Price.String(), w.price},
		{"commission", e.Commission.String(), w.commission}, {"fees", e.Fees.String(), w.fees}} {
		if !dec(c.got).Equal(dec(c.want)) {
			t.Errorf("%s: %s = %s, want %s", e.Source, c.name, c.got, c.want)
		}
	}
}

// Expiries: equity and ES weekly options stop trading at 16:00 ET on the expiration date;
// E-mini S&P 500 futures at 09:30 ET on the third Friday of the contract month (CME
// rulebook chapter 358) — ESZ6 and MESZ6 on Friday 18 December 2026.
func TestEventFields(t *testing.T) {
	const (
		esz6   = "2026-12-18T09:30:00-05:00"
		nov20  = "2026-11-20T16:00:00-05:00"
		nov13  = "2026-11-13T16:00:00-05:00"
		oct16  = "2026-10-16T16:00:00-04:00"
		oct09  = "2026-10-09T16:00:00-04:00"
		none   = ""
		stock  = instrument.Stock
		fut    = instrument.Future
		opt    = instrument.Option
		fop    = instrument.FuturesOption
		eu, am = pricing.European, pricing.American
		c, p   = pricing.Call, pricing.Put
	)
	tests := []struct {
		file, source string
		w            want
	}{
		// tastytrade current: ES strangle put leg, 1 contract sold at 28.50, $1.25 + $1.17
		{"tastytrade_current.csv", "tastytrade_current.csv line 14", want{Fill, Open, fop, "ES", "ESZ6", 6300, p, eu, nov20, 50, "-1", "28.50", "1.25", "1.17", "401001"}},
		// SPY 640 put, 2 sold at 3.10
		{"tastytrade_current.csv", "tastytrade_current.csv line 13", want{Fill, Open, opt, "SPY", "SPY", 640, p, am, oct16, 100, "-2", "3.10", "2.00", "0.28", "401002"}},
		// MES bought 2 at 6702.25 (price from the Description; Value is 0 on futures)
		{"tastytrade_current.csv", "tastytrade_current.csv line 12", want{Fill, Open, fut, "MES", "", 0, c, eu, esz6, 5, "2", "6702.25", "1.50", "1.24", "401003"}},
		// VXX short 100 at 47.35
		{"tastytrade_current.csv", "tastytrade_current.csv line 11", want{Fill, Open, stock, "VXX", "", 0, c, eu, none, 1, "-100", "47.35", "0", "0.12", "401004"}},
		// roll of the tested call: bought back 7100 Nov-20, sold 7150 Nov-13, one order
		{"tastytrade_current.csv", "tastytrade_current.csv line 9", want{Fill, Close, fop, "ES", "ESZ6", 7100, c, eu, nov20, 50, "1", "61.25", "0", "1.17", "401005"}},
		{"tastytrade_current.csv", "tastytrade_current.csv line 10", want{Fill, Open, fop, "ES", "ESZ6", 7150, c, eu, nov13, 50, "-1", "40.50", "1.25", "1.17", "401005"}},
		// SPY put assigned (2 contracts closed, +2) into 200 shares at the 640 strike
		{"tastytrade_current.csv", "tastytrade_current.csv line 6", want{Assignment, Close, opt, "SPY", "SPY", 640, p, am, oct16, 100, "2", "0", "0", "0", "rd:20261016T210000:SPY"}},
		{"tastytrade_current.csv", "tastytrade_current.csv line 7", want{Delivery, Open, stock, "SPY", "", 0, c, eu, none, 1, "200", "640.00", "0", "0", "rd:20261016T210000:SPY"}},
		// expiration with no Action: sign inferred from the short call opened on line 10
		{"tastytrade_current.csv", "tastytrade_current.csv line 3", want{Expiration, Close, fop, "ES", "ESZ6", 7150, c, eu, nov13, 50, "1", "0", "0", "0", "rd:20261113T220000:ES"}},
		{"tastytrade_current.csv", "tastytrade_current.csv line 2", want{Expiration, Close, fop, "ES", "ESZ6", 6300, p, eu, nov20, 50, "1", "0", "0", "0", "rd:20261120T220000:ES"}},

		// tastyworks legacy: expiration found from the Description text
		{"tastyworks_legacy.csv", "tastyworks_legacy.csv line 2", want{Expiration, Close, opt, "SPY", "SPY", 630, p, am, oct16, 100, "3", "0", "0", "0", "rd:20261016T210000:SPY"}},
		{"tastyworks_legacy.csv", "tastyworks_legacy.csv line 4", want{Fill, Open, fut, "ES", "", 0, c, eu, esz6, 50, "1", "6688.75", "1.25", "1.52", "300103"}},

		// IBKR: ES weekly put sold; commission from ibCommission -2.47
		{"ibkr_flex.xml", "ibkr_flex.xml line 7 (Trade #1)", want{Fill, Open, fop, "ES", "ESZ6", 6300, p, eu, nov20, 50, "-1", "28.5", "2.47", "0", "501001"}},
		{"ibkr_flex.xml", "ibkr_flex.xml line 10 (Trade #4)", want{Fill, Open, fut, "MES", "", 0, c, eu, esz6, 5, "2", "6702.25", "1.24", "0", "501003"}},
		{"ibkr_flex.xml", "ibkr_flex.xml line 11 (Trade #5)", want{Fill, Open, stock, "VXX", "", 0, c, eu, none, 1, "-100", "47.35", "1", "0.02", "501004"}},
		// OptionEAE: SPY put assigned +2, 200 shares bought at 640
		{"ibkr_flex.xml", "ibkr_flex.xml line 18 (OptionEAE #1)", want{Assignment, Close, opt, "SPY", "SPY", 640, p, am, oct16, 100, "2", "0", "0", "0", "eae:20261016:SPY"}},
		{"ibkr_flex.xml", "ibkr_flex.xml line 19 (OptionEAE #2)", want{Delivery, EffectUnknown, stock, "SPY", "", 0, c, eu, none, 1, "200", "640", "0", "0", "eae:20261016:SPY"}},
		// ES 6600 put assigned into one long ESZ6 at 6600
		{"ibkr_flex.xml", "ibkr_flex.xml line 20 (OptionEAE #3)", want{Assignment, Close, fop, "ES", "ESZ6", 6600, p, eu, nov13, 50, "1", "0", "0", "0", "eae:20261113:ES"}},
		{"ibkr_flex.xml", "ibkr_flex.xml line 21 (OptionEAE #4)", want{Delivery, EffectUnknown, fut, "ES", "", 0, c, eu, esz6, 50, "1", "6600", "0", "0", "eae:20261113:ES"}},
		{"ibkr_flex.xml", "ibkr_flex.xml line 22 (OptionEAE #5)", want{Expiration, Close, fop, "ES", "ESZ6", 7100, c, eu, nov20, 50, "1", "0", "0", "0", "eae:20261120:ES"}},

		// thinkorswim: ES strangle legs share the futures row's $4.50 + $2.34 (quantity 1 each)
		{"thinkorswim_statement.csv", "thinkorswim_statement.csv line 31", want{Fill, Open, fop, "ES", "ESZ6", 6300, p, eu, nov20, 50, "-1", "28.50", "2.25", "1.17", "thinkorswim:67ec62ec1aa75b18f03e.1"}},
		{"thinkorswim_statement.csv", "thinkorswim_statement.csv line 32", want{Fill, Open, fop, "ES", "ESZ6", 7100, c, eu, nov20, 50, "-1", "22.75", "2.25", "1.17", "thinkorswim:67ec62ec1aa75b18f03e.1"}},
		// SPY strangle: Cash Balance $1.30 + $0.04 split over two 1-lot legs
		{"thinkorswim_statement.csv", "thinkorswim_statement.csv line 27", want{Fill, Open, opt, "SPY", "SPY", 630, p, am, oct16, 100, "-1", "1.45", "0.65", "0.02", "thinkorswim:45d973edbd3aeded2695.1"}},
		{"thinkorswim_statement.csv", "thinkorswim_statement.csv line 28", want{Fill, Open, stock, "VXX", "", 0, c, eu, none, 1, "-100", "47.35", "0", "0.12", "thinkorswim:9cbfbc0e3910ba2c10fc.1"}},
		{"thinkorswim_statement.csv", "thinkorswim_statement.csv line 29", want{Fill, Open, fut, "MES", "", 0, c, eu, esz6, 5, "2", "6702.25", "1.50", "1.24", "thinkorswim:5921d4112f65c5fc454f.1"}},
		// VXX buy-back with no cash row: zero costs and a warning
		{"thinkorswim_statement.csv", "thinkorswim_statement.csv line 23", want{Fill, Close, stock, "VXX", "", 0, c, eu, none, 1, "100", "42.10", "0", "0", "thinkorswim:fb86f771b738877f64b1.1"}},

		// sample history: the ES 6550 put assigned into the future, and the Oct-9 call expiring
		{"sample_history.csv", "sample_history.csv line 15", want{Delivery, Open, fut, "ES", "", 0, c, eu, esz6, 50, "1", "6550.00", "0", "0", "rd:20261016T210000:ES"}},
		{"sample_history.csv", "sample_history.csv line 21", want{Expiration, Close, fop, "ES", "ESZ6", 7000, c, eu, oct09, 50, "1", "0", "0", "0", "rd:20261009T210000:ES"}},
	}
	cache := map[string]*Statement{}
	for _, tc := range tests {
		st := cache[tc.file]
		if st == nil {
			st = mustParse(t, tc.file)
			cache[tc.file] = st
		}
		checkEvent(t, findEvent(t, st, tc.source), tc.w)
	}
}

func TestFlexPositions(t *testing.T) {
	st := mustParse(t, "ibkr_flex.xml")
	tests := []struct {
		symbol     string
		kind       instrument.Kind
		qty, mark  string
		cost       string
		underlying string
	}{
		{"SPY", instrument.Stock, "200", "662.15", "640", ""},
		{"ESZ6", instrument.Future, "1", "6648.5", "6600", ""},
		{"EW3X6 P6300", instrument.FuturesOption, "-1", "0.05", "28.5494", "ESZ6"},
	}
	for i, tc := range tests {
		p := st.Positions[i]
		if p.Symbol != tc.symbol || p.Instrument.Kind != tc.kind || !p.Quantity.Equal(dec(tc.qty)) || !p.Mark.Equal(dec(tc.mark)) ||
			!p.Cost.Equal(dec(tc.cost)) || p.Instrument.Underlying != tc.underlying || p.Account != "U7654321" {
			t.Errorf("position %d = %+v, want %+v", i, p, tc)
		}
	}
}

// The Trades section repeats the SPY assignment as a BookTrade with notes "A"; with an
// OptionEAE section present it must not be counted twice, and without one it is read as
// the assignment.
func TestFlexBookTradeAssignment(t *testing.T) {
	st := mustParse(t, "ibkr_flex.xml")
	for _, e := range st.Events {
		if e.ID == "ibkr:trade:880007" {
			t.Fatalf("BookTrade imported beside OptionEAE: %+v", e)
		}
	}
	data, err := os.ReadFile("testdata/ibkr_flex.xml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	s = s[:strings.Index(s, "<OptionEAE>")] + s[strings.Index(s, "</OptionEAE>\n")+len("</OptionEAE>\n"):]
	st, err = Parse("no_eae.xml", strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	e := findEvent(t, st, "no_eae.xml line 13 (Trade #7)")
	if e.Kind != Assignment || e.ID != "ibkr:trade:880007" || !e.Quantity.Equal(dec("2")) || e.Effect != Close {
		t.Errorf("BookTrade without OptionEAE = %+v, want an assignment of +2", e)
	}
}

// Reading the sample history from start to end must leave exactly the positions the story
// ends with: the Nov-20 ES strangle (short 6950 call, short 6400 put) and 100 VXX short.
func TestSampleHistoryNetPositions(t *testing.T) {
	st := mustParse(t, "sample_history.csv")
	net := map[string]decimal.Decimal{}
	for _, e := range st.Events {
		net[e.Symbol] = net[e.Symbol].Add(e.Quantity)
	}
	wantOpen := map[string]string{"./ESZ6 EW3X6 261120C6950": "-1", "./ESZ6 EW3X6 261120P6400": "-1", "VXX": "-100"}
	for sym, q := range net {
		w, ok := wantOpen[sym]
		if !ok {
			w = "0"
		}
		if !q.Equal(dec(w)) {
			t.Errorf("net %s = %s, want %s", sym, q, w)
		}
	}
	first, last := st.Events[0].Time, st.Events[len(st.Events)-1].Time
	if first.Before(time.Date(2026, 9, 1, 0, 0, 0, 0, newYork)) || !last.Before(time.Date(2026, 11, 21, 0, 0, 0, 0, newYork)) {
		t.Errorf("sample history spans %s to %s, want inside 1 Sep – 20 Nov 2026", first, last)
	}
}

func TestBrokenFiles(t *testing.T) {
	tests := []struct {
		file    string
		message string
		row     *RowError // nil: a FormatError
	}{
		{"bad_quantity.csv", `bad_quantity.csv line 3: Quantity "1O" is not a number`, &RowError{Line: 3, Field: "Quantity", Value: "1O"}},
		{"bad_symbol.csv", `bad_symbol.csv line 2: Symbol "SPY 2610P640" is not an OCC option symbol like SPY   261016P00600000`, &RowError{Line: 2, Field: "Symbol", Value: "SPY 2610P640"}},
		{"bad_expiration.csv", `bad_expiration.csv line 2: Action "" is empty and no earlier row in this file says whether the expiration closed a long or a short position`, &RowError{Line: 2, Field: "Action"}},
		{"bad_columns.csv", `bad_columns.csv line 2: has a different number of fields from the header`, &RowError{Line: 2}},
		{"bad_flex.xml", `bad_flex.xml line 9: Trade #3 tradePrice "3.1x" is not a number`, &RowError{Line: 9, Element: "Trade #3", Field: "tradePrice", Value: "3.1x"}},
		{"bad_thinkorswim.csv", `bad_thinkorswim.csv line 24: Qty "+1" has the wrong sign for Side SELL`, &RowError{Line: 24, Field: "Qty", Value: "+1"}},
		{"unknown_format.csv", `unknown_format.csv: unknown format (first line "Symbol,Qty,Price"); expected a tastytrade or tastyworks transaction-history CSV (header starting "Date,Type," or "Date/Time,Transaction Code,"), an IBKR Flex Query XML (<FlexQueryResponse>) or a thinkorswim AccountStatement CSV (with an "Account Trade History" section)`, nil},
	}
	for _, tc := range tests {
		st, err := ParseFile(filepath.Join("testdata", tc.file))
		if err == nil || st != nil {
			t.Errorf("%s: parsed (%v events), want error", tc.file, st)
			continue
		}
		if err.Error() != tc.message {
			t.Errorf("%s:\n got %s\nwant %s", tc.file, err, tc.message)
		}
		var re *RowError
		var fe *FormatError
		switch {
		case tc.row == nil:
			if !errors.As(err, &fe) {
				t.Errorf("%s: %T, want *FormatError", tc.file, err)
			}
		case !errors.As(err, &re):
			t.Errorf("%s: %T, want *RowError", tc.file, err)
		case re.File != tc.file || re.Line != tc.row.Line || re.Element != tc.row.Element || re.Field != tc.row.Field || re.Value != tc.row.Value:
			t.Errorf("%s: RowError %+v, want %+v", tc.file, re, tc.row)
		}
	}
}

func TestFormatErrors(t *testing.T) {
	tests := []struct{ name, content, message string }{
		{"empty.csv", "  \n", "empty.csv: the file is empty"},
		{"other.xml", "<html><body/></html>", "other.xml: the XML root is <html>, not <FlexQueryResponse>"},
		{"tos.csv", "Account Statement for 1 (x) since 9/1/26 through 9/2/26\n\nCash Balance\nDATE,TIME\n", `tos.csv: the thinkorswim statement has no "Account Trade History" section`},
	}
	for _, tc := range tests {
		_, err := Parse(tc.name, strings.NewReader(tc.content))
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tc.message+";") {
			t.Errorf("%s: %v, want a FormatError starting %q", tc.name, err, tc.message)
		}
	}
}

func TestIDsStableAndDistinct(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		a, err := ParseFile(f)
		if err != nil {
			continue // the broken samples
		}
		b, err := ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for i := range a.Events {
			if a.Events[i].ID != b.Events[i].ID {
				t.Errorf("%s: ID %s then %s", f, a.Events[i].ID, b.Events[i].ID)
			}
			if seen[a.Events[i].ID] {
				t.Errorf("%s: ID %s used twice", f, a.Events[i].ID)
			}
			seen[a.Events[i].ID] = true
		}
	}
	// two identical partial fills in the legacy sample get .1 and .2
	st := mustParse(t, "tastyworks_legacy.csv")
	x, y := findEvent(t, st, "tastyworks_legacy.csv line 5"), findEvent(t, st, "tastyworks_legacy.csv line 6")
	if strings.TrimSuffix(x.ID, ".1") != strings.TrimSuffix(y.ID, ".2") || x.ID == y.ID {
		t.Errorf("identical fills got IDs %s and %s, want one digest with .1 and .2", x.ID, y.ID)
	}
}

// A statement that overlaps another (here: the newest 20 rows of the sample history) must
// give the shared rows the same IDs, so the journal imports them once.
func TestOverlappingStatementsShareIDs(t *testing.T) {
	data, err := os.ReadFile("testdata/sample_history.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	part, err := Parse("part.csv", strings.NewReader(strings.Join(lines[:21], "")))
	if err != nil {
		t.Fatal(err)
	}
	full := mustParse(t, "sample_history.csv")
	ids := map[string]bool{}
	for _, e := range full.Events {
		ids[e.ID] = true
	}
	if len(part.Events) < 15 {
		t.Fatalf("only %d events in the overlap", len(part.Events))
	}
	for _, e := range part.Events {
		if !ids[e.ID] {
			t.Errorf("%s: ID %s not in the full statement", e.Source, e.ID)
		}
	}
}

// The glue from statement notation to engine/instrument: tastytrade futures-option symbols,
// OCC symbols composed from IBKR attributes, statement multipliers overriding the spec.
func TestContracts(t *testing.T) {
	ref := time.Date(2026, 9, 15, 0, 0, 0, 0, newYork)
	in, err := tastyFuturesOption("./ESZ6 EW3X6 261120C6012.5", ref, 0)
	if err != nil || in.Kind != instrument.FuturesOption || in.Root != "ES" || in.Underlying != "ESZ6" || in.Strike != 6012.5 ||
		in.Right != pricing.Call || in.Multiplier != 50 || in.Expiry.In(newYork).Format("2006-01-02 15:04") != "2026-11-20 16:00" {
		t.Errorf("tastyFuturesOption = %+v, %v", in, err)
	}
	for _, bad := range []string{"./ESZ6 EW3X6 261120X6000", "/ESZ6 EW3X6 261120C6000", "./ESZ6 EW3X6 261320C6000", "./QQZ6 EW3X6 261120C6000"} {
		if _, err := tastyFuturesOption(bad, ref, 0); err == nil {
			t.Errorf("tastyFuturesOption(%q) succeeded", bad)
		}
	}
	in, err = equityOption("VXX", time.Date(2026, 11, 20, 0, 0, 0, 0, newYork), pricing.Put, dec("47.5"), 0)
	if err != nil || in.Root != "VXX" || in.Strike != 47.5 || in.Right != pricing.Put || in.Multiplier != 100 {
		t.Errorf("equityOption = %+v, %v", in, err)
	}
	if _, err := equityOption("SPY", time.Date(2026, 11, 20, 0, 0, 0, 0, newYork), pricing.Put, dec("640.0001"), 0); err == nil {
		t.Error("equityOption accepted a strike OCC cannot carry")
	}
	in, err = futureInstrument("/MESZ6", ref, 0)
	if err != nil || in.Root != "MES" || in.Multiplier != 5 || in.ContractMonth != time.December || in.ContractYear != 2026 {
		t.Errorf("futureInstrument = %+v, %v", in, err)
	}
	if in, err = futureInstrument("/MESZ6", ref, 7); err != nil || in.Multiplier != 7 {
		t.Errorf("futureInstrument with the statement's multiplier = %+v, %v", in, err)
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{{"1,425.00", "1425", true}, {"-3,062.50", "-3062.5", true}, {"(1.50)", "-1.5", true}, {"+2", "2", true}, {"$47.35", "47.35", true},
		{"1O", "0", false}, {"", "0", false}, {"1e3", "0", false}, {"NaN", "0", false}, {"--", "0", false}} {
		d, ok := number(tc.in)
		if ok != tc.ok || !d.Equal(dec(tc.want)) {
			t.Errorf("number(%q) = %s, %v; want %s, %v", tc.in, d, ok, tc.want, tc.ok)
		}
	}
}

func TestThinkorswimRemovals(t *testing.T) {
	st := mustParse(t, "thinkorswim_statement.csv")
	var got []string
	for _, e := range st.Events {
		if e.Kind == Fill {
			continue
		}
		got = append(got, fmt.Sprintf("%s|%s|%s|%s|%s %s %s %g %v|%s|%s|%s|%s|%s|%s|%d",
			e.Kind, e.ID, e.Order, e.Time.Format(time.RFC3339), e.Instrument.Kind, e.Instrument.Root, e.Instrument.Expiry.Format("2006-01-02"),
			e.Instrument.Strike, e.Instrument.Right, e.Symbol, e.Quantity, e.Price, e.Commission, e.Fees, e.Source, e.Effect))
	}
	want := []string{
		// short puts (-2, -1) expire: +2 and +1 on the option
		"expiration|thinkorswim:4971a5e1cf81b53158c3.1|thinkorswim:rad:20261016T200000:4451000005|2026-10-16T16:00:00-04:00|option SPY 2026-10-16 640 put|SPY 16 OCT 26 640 PUT|2|0|0|0|thinkorswim_statement.csv line 10|2",
		"expiration|thinkorswim:9ee75e45c044f344ced0.1|thinkorswim:rad:20261016T200000:4451000006|2026-10-16T16:00:00-04:00|option SPY 2026-10-16 630 put|SPY 16 OCT 26 630 PUT|1|0|0|0|thinkorswim_statement.csv line 11|2",
		// the short 700 call is assigned: +1 on the option, 100 shares delivered away at 700
		"assignment|thinkorswim:52f1aeca94b62335897e.1|thinkorswim:rad:20261016T200000:4451000007|2026-10-16T16:00:00-04:00|option SPY 2026-10-16 700 call|SPY 16 OCT 26 700 CALL|1|0|0|0|thinkorswim_statement.csv line 12|2",
		"delivery|thinkorswim:754d1ed5a20a7039c472.1|thinkorswim:rad:20261016T200000:4451000007|2026-10-16T16:00:00-04:00|stock SPY 0001-01-01 0 call|SPY|-100|700|0|0|thinkorswim_statement.csv line 12|0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("removal events:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestThinkorswimRemovalRows(t *testing.T) {
	const head = "Account Statement for 1 (Individual) since 9/1/26 through 10/31/26\n\nCash Balance\n" +
		"DATE,TIME,TYPE,REF #,DESCRIPTION,Misc Fees,Commissions & Fees,AMOUNT,BALANCE\n"
	const trades = "\nAccount Trade History\n,Exec Time,Spread,Side,Qty,Pos Effect,Symbol,Exp,Strike,Type,Price,Net Price,Order Type\n" +
		",9/16/26 09:45:10,SINGLE,BUY,+3,TO OPEN,SPY,16 OCT 26,640,PUT,3.10,3.10,LMT\n"
	parse := func(rows string) (*Statement, error) {
		return Parse("tos.csv", strings.NewReader(head+rows+trades))
	}

	// a long put exercised (-2) delivers 200 shares away at the strike; a long put expiring is -1
	st, err := parse("10/16/26,16:00:00,RAD,=\"9\",REMOVAL OF OPTION DUE TO EXERCISE 2 SPY 100 16 OCT 26 640 Put,,-5.00,\"127,995.00\",\"1.00\"\n" +
		"10/16/26,16:00:01,RAD,,REMOVAL OF OPTION DUE TO EXPIRATION 1 SPY 100 16 OCT 26 640 PUT,,,0.00,\"1.00\"\n")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range st.Events[1:] {
		got = append(got, fmt.Sprintf("%s %s %s %s %s %s", e.Kind, e.Order, e.Symbol, e.Quantity, e.Price, e.Commission))
	}
	want := []string{
		"exercise thinkorswim:rad:20261016T200000:9 SPY 16 OCT 26 640 PUT -2 0 5",
		"delivery thinkorswim:rad:20261016T200000:9 SPY -200 640 0",
		"expiration thinkorswim:rad:20261016T200001:SPY16OCT26640PUT SPY 16 OCT 26 640 PUT -1 0 0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// the warning is the trade's missing TRD cash row
	if len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "no Cash Balance or Futures Statements row") {
		t.Errorf("warnings %q, want the trade's missing cash row", st.Warnings)
	}

	for _, tc := range []struct{ row, message string }{
		{"10/16/26,16:00:00,RAD,,REMOVAL OF OPTION DUE TO EXPIRATION -1 QQQ 100 16 OCT 26 500 CALL,,,0.00,0\n",
			`tos.csv line 5: DESCRIPTION "QQQ 16 OCT 26 500 CALL" expires an option that no earlier trade in this file left open, so whether it was long or short is unknown`},
		{"10/16/26,16:00:00,RAD,,REMOVAL OF OPTION DUE TO EXPIRATION -1 SPY 100 16 OCX 26 640 PUT,,,0.00,0\n",
			`tos.csv line 5: DESCRIPTION "REMOVAL OF OPTION DUE TO EXPIRATION -1 SPY 100 16 OCX 26 640 PUT" does not give an expiration like 16 OCT 26`},
		{"10/16/26,16:00:02,RAD,,REMOVAL OF OPTION DUE TO EXPIRATION -1 /ESZ26 1/50 NOV 26 (EW3) 7100 CALL,,,0.00,\"1.00\"\n",
			`tos.csv line 5: DESCRIPTION "/ESZ26 NOV 26 (EW3) 7100 CALL" names an option on a future that no trade in this file holds, so its expiration date is unknown`},
		{"10/16/26,16:00:00,RAD,,REMOVAL OF OPTION DUE TO EXPIRATION one SPY,,,0.00,0\n",
			`tos.csv line 5: DESCRIPTION "REMOVAL OF OPTION DUE TO EXPIRATION one SPY" is not like REMOVAL OF OPTION DUE TO EXPIRATION -1 SPY 100 16 OCT 26 640 PUT`},
	} {
		st, err := parse(tc.row)
		var re *RowError
		if st != nil || !errors.As(err, &re) || err.Error() != tc.message {
			t.Errorf("got %v, %v\nwant RowError %s", st, err, tc.message)
		}
	}
}
