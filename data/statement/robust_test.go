package statement

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

const tastyHeader = "Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,Average Price,Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,Expiration Date,Strike Price,Call or Put,Order #,Total,Currency\n"

// tastyOptionRow is one sell-to-open fill of a SPY put with the given multiplier and
// average price and a Description without "@ price", so the price is avg / multiplier.
func tastyOptionRow(when time.Time, mult, avg string, order int) string {
	return when.Format("2006-01-02T15:04:05-0700") + ",Trade,Sell to Open,SELL_TO_OPEN,SPY   261016P00640000,Equity Option," +
		"Sold 1 SPY 10/16/26 Put 640.00," + avg + ",1," + avg + ",-1.00,-0.14," + mult + ",SPY,SPY,10/16/26,640,PUT," +
		fmt.Sprint(order) + ",,USD\n" // no Total: Value with the costs is the cash
}

func TestAbsurdMagnitudesAreRefused(t *testing.T) {
	when := time.Date(2026, 9, 15, 10, 1, 46, 0, newYork)
	huge := "1" + strings.Repeat("0", 400)
	tests := []struct {
		name, csv, field, reason string
	}{
		{"multiplier 10^400", tastyOptionRow(when, huge, "250.00", 1), "Multiplier", "is too large (10,000,000,000 or more)"},
		{"multiplier zero", tastyOptionRow(when, "0", "250.00", 1), "Multiplier", "must be positive"},
		{"tiny multiplier gives an absurd price", tastyOptionRow(when, "0.000000000001", "250.00", 1), "Average Price", "gives a price per unit of 10,000,000,000 or more"},
		{"average price 10^30", tastyOptionRow(when, "100", "1"+strings.Repeat("0", 30), 1), "Value", "is not a number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Parse("bad.csv", strings.NewReader(tastyHeader+tc.csv))
			var re *RowError
			if st != nil || !errors.As(err, &re) {
				t.Fatalf("got %v, %v; want a RowError", st, err)
			}
			if re.File != "bad.csv" || re.Line != 2 || re.Field != tc.field || re.Reason != tc.reason {
				t.Errorf("got %+v, want bad.csv line 2 %s %q", re, tc.field, tc.reason)
			}
		})
	}
}

func TestNegativePriceIsRefused(t *testing.T) {
	flex := `<FlexQueryResponse><FlexStatements><FlexStatement accountId="U1"><Trades>` +
		`<Trade assetCategory="STK" symbol="VXX" dateTime="20260918;100500" quantity="-100" buySell="SELL" tradePrice="-47.35" ibCommission="-1" ibExecID="e1" ibOrderID="1"/>` +
		`</Trades></FlexStatement></FlexStatements></FlexQueryResponse>`
	_, err := Parse("neg.xml", strings.NewReader(flex))
	if err == nil || !strings.HasSuffix(err.Error(), `tradePrice "-47.35" must not be negative`) {
		t.Errorf("got %v, want tradePrice must not be negative", err)
	}
}

// shuffledTasty builds n fills a second apart, in file order shuffled by seed (seed 0: in
// time order, newest first as tastytrade exports).
func shuffledTasty(n int, seed int64) string {
	start := time.Date(2026, 9, 15, 9, 30, 0, 0, newYork)
	rows := make([]string, n)
	for i := range rows {
		rows[i] = tastyOptionRow(start.Add(time.Duration(n-i)*time.Second), "100", "250.00", i+1)
	}
	if seed != 0 {
		rand.New(rand.NewSource(seed)).Shuffle(n, func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
	}
	return tastyHeader + strings.Join(rows, "")
}

func TestShuffledTastytradeParsesLikeSorted(t *testing.T) {
	sorted, err := Parse("x.csv", strings.NewReader(shuffledTasty(60000, 0)))
	if err != nil {
		t.Fatal(err)
	}
	shuffled, err := Parse("x.csv", strings.NewReader(shuffledTasty(60000, 7)))
	if err != nil {
		t.Fatal(err)
	}
	if len(sorted.Events) != 60000 || len(shuffled.Events) != 60000 {
		t.Fatalf("%d and %d events, want 60000", len(sorted.Events), len(shuffled.Events))
	}
	for i := range sorted.Events {
		a, b := sorted.Events[i], shuffled.Events[i]
		a.Source, b.Source = "", "" // the line numbers differ; everything else must not
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("event %d: sorted %+v, shuffled %+v", i, a, b)
		}
	}
}

func BenchmarkParseShuffledTastytrade60k(b *testing.B) {
	csv := shuffledTasty(60000, 7)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse("x.csv", strings.NewReader(csv)); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDeepXMLIsRefusedEarly(t *testing.T) {
	// 47 MB of nesting took 2.4 GB and 28 s before it was rejected; now it stops at depth 33.
	deep := "<FlexQueryResponse>" + strings.Repeat("<a>", 8<<20)
	_, err := Parse("deep.xml", strings.NewReader(deep))
	if err == nil || !strings.Contains(err.Error(), "nests elements more than 32 deep") {
		t.Errorf("got %v, want a depth error", err)
	}
}

func BenchmarkParseDeepXML(b *testing.B) {
	deep := "<FlexQueryResponse>" + strings.Repeat("<a>", 8<<20)
	for i := 0; i < b.N; i++ {
		Parse("deep.xml", strings.NewReader(deep))
	}
}

func utf16LE(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = []byte{0xff, 0xfe}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func utf16BE(s string) []byte {
	b := []byte{0xfe, 0xff}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

func TestEncodings(t *testing.T) {
	csv := tastyHeader + tastyOptionRow(time.Date(2026, 9, 15, 10, 1, 46, 0, newYork), "100", "250.00", 1)
	flex := `<FlexQueryResponse><FlexStatements><FlexStatement accountId="U1"><Trades>` +
		`<Trade assetCategory="STK" symbol="VXX" description="Caf` + "\xe9" + `" dateTime="20260918;100500" quantity="-100" buySell="SELL" tradePrice="47.35" ibCommission="-1" ibExecID="e1" ibOrderID="1"/>` +
		`</Trades></FlexStatement></FlexStatements></FlexQueryResponse>`
	tests := []struct {
		name string
		data []byte
	}{
		{"UTF-8 with BOM", append([]byte("\xef\xbb\xbf"), csv...)},
		{"UTF-16LE with BOM", utf16LE(csv, true)},
		{"UTF-16BE with BOM", utf16BE(csv)},
		{"ISO-8859-1 CSV", []byte(strings.Replace(csv, "Sold 1", "Sold 1 \xe9", 1))},
		{"XML declared ISO-8859-1", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?>` + flex)},
		{"XML UTF-16LE", utf16LE(`<?xml version="1.0" encoding="UTF-16"?>`+strings.Replace(flex, "\xe9", "é", 1), true)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Parse("enc", bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Events) != 1 || st.Events[0].Price.IsZero() {
				t.Errorf("events %+v", st.Events)
			}
		})
	}
	_, err := Parse("x.xml", strings.NewReader(`<?xml version="1.0" encoding="Shift_JIS"?>`+flex))
	if err == nil || !strings.Contains(err.Error(), `declares encoding "Shift_JIS"`) {
		t.Errorf("Shift_JIS: %v", err)
	}
}
