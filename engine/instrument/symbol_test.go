package instrument

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

func TestParseFuturesOption(t *testing.T) {
	// Reference: CME E-mini S&P 500 options specs: quarterly options are American and
	// stop at 08:30 CT (09:30 ET) on the third Friday; weekly/EOM/PM quarterly options are
	// European and expire 16:00 ET.
	tests := []struct {
		in     string
		sym    string
		und    string
		right  pricing.Right
		strike float64
		style  pricing.Style
		expiry time.Time
		mult   float64
	}{
		{"ESZ6 C6000 2026-12-18", "ESZ6 C6000 2026-12-18", "ESZ6", pricing.Call, 6000, pricing.European, time.Date(2026, 12, 18, 16, 0, 0, 0, NewYork), 50},
		{"ESZ6 C6000 2026-12-18 AM", "ESZ6 C6000 2026-12-18 AM", "ESZ6", pricing.Call, 6000, pricing.American, time.Date(2026, 12, 18, 9, 30, 0, 0, NewYork), 50},
		{"/esz26  p5987.5  2026-11-20 pm", "ESZ6 P5987.5 2026-11-20", "ESZ6", pricing.Put, 5987.5, pricing.European, time.Date(2026, 11, 20, 16, 0, 0, 0, NewYork), 50},
		{"ESH7 P5000 2026-12-18", "ESH7 P5000 2026-12-18", "ESH7", pricing.Put, 5000, pricing.European, time.Date(2026, 12, 18, 16, 0, 0, 0, NewYork), 50},
		{"MNQH7 C21000 2027-03-19 AM", "MNQH7 C21000 2027-03-19 AM", "MNQH7", pricing.Call, 21000, pricing.American, time.Date(2027, 3, 19, 9, 30, 0, 0, NewYork), 2},
		{"CLF7 P60 2026-12-16", "CLF7 P60 2026-12-16", "CLF7", pricing.Put, 60, pricing.American, time.Date(2026, 12, 16, 14, 30, 0, 0, NewYork), 1000},
		{"ESZ9 C7000 2029-12-21", "ESZ9 C7000 2029-12-21", "ESZ9", pricing.Call, 7000, pricing.European, time.Date(2029, 12, 21, 16, 0, 0, 0, NewYork), 50},
	}
	for _, tt := range tests {
		in, err := ParseFuturesOption(tt.in)
		if err != nil {
			t.Errorf("ParseFuturesOption(%q): %v", tt.in, err)
			continue
		}
		if in.Kind != FuturesOption || in.Underlying != tt.und || in.Right != tt.right || in.Strike != tt.strike ||
			in.Style != tt.style || !in.Expiry.Equal(tt.expiry) || in.Multiplier != tt.mult {
			t.Errorf("ParseFuturesOption(%q) = %#v", tt.in, in)
		}
		if got := in.Symbol(); got != tt.sym {
			t.Errorf("Symbol() = %q, want %q", got, tt.sym)
		}
		via, err := Parse(tt.in, time.Time{})
		if err != nil || !sameInstrument(via, in) {
			t.Errorf("Parse(%q) = %#v, %v", tt.in, via, err)
		}
	}
	bad := []struct{ in, want string }{
		{"ESZ6 X6000 2026-12-18", "must be C or P"},
		{"ESZ6 C-6000 2026-12-18", "plain positive number"},
		{"ESZ6 C6e3 2026-12-18", "plain positive number"},
		{"ESZ6 CNaN 2026-12-18", "plain positive number"},
		{"ESZ6 C0 2026-12-18", "plain positive number"},
		{"ESZ6 C6000. 2026-12-18", "plain positive number"},
		{"ESZ6 C6000 2026-13-18", "YYYY-MM-DD"},
		{"ESZ6 C6000 18.12.2026", "YYYY-MM-DD"},
		{"ESZ6 C6000 2026-12-18 XX", "AM or PM"},
		{"ESZ6 C6000 2027-03-19", "0 to 12 months after"},
		{"ESF6 C6000 2026-01-16", "no January contract"},
		{"VXF7 C20 2027-01-20", "no options on futures root"},
		{"XXZ6 C6000 2026-12-18", "unknown futures root"},
	}
	for _, b := range bad {
		_, err := Parse(b.in, ref2026)
		var se *SymbolError
		if !errors.As(err, &se) || se.Text != b.in || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Parse(%q) error %v, want SymbolError with %q", b.in, err, b.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		kind Kind
		sym  string
	}{
		{"SPY", Stock, "SPY"},
		{" qqq ", Stock, "QQQ"},
		{"BRK.B", Stock, "BRK.B"},
		{"ES", Stock, "ES"}, // Eversource Energy: a bare root is a ticker
		{"ESZ6", Future, "ESZ6"},
		{"/ESZ6", Future, "ESZ6"},
		{"ESZ26", Future, "ESZ6"},
		{"MESH7", Future, "MESH7"},
		{"SPY   240119C00480000", Option, "SPY   240119C00480000"},
		{"SPY240119C00480000", Option, "SPY   240119C00480000"},
		{"ESZ6 C6000 2026-12-18", FuturesOption, "ESZ6 C6000 2026-12-18"},
	}
	for _, tt := range tests {
		in, err := Parse(tt.in, ref2026)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if in.Kind != tt.kind || in.Symbol() != tt.sym || in.String() != tt.sym {
			t.Errorf("Parse(%q) = %s %q, want %s %q", tt.in, in.Kind, in.Symbol(), tt.kind, tt.sym)
		}
	}
	bad := []struct{ in, want string }{
		{"", "empty"},
		{"   ", "empty"},
		{"/ES", "1- or 2-digit year"},
		{"ESF6", "no January contract"},
		{"SPY 240119C00480000 X Y Z", "not a ticker"},
		{"SPY QQQ", "not a ticker"},
		{"1SPY", "start with a letter"},
		{"SP$Y", "use letters, digits"},
		{"ABCDEFGHIJK", "longer than 10"},
		{"SPY   240119C00000000", "strike is zero"},
	}
	for _, b := range bad {
		_, err := Parse(b.in, ref2026)
		var se *SymbolError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Parse(%q) error %v, want SymbolError with %q", b.in, err, b.want)
		}
	}
}

func TestStocks(t *testing.T) {
	// The betas are Keel's editable defaults (see defaultStocks); leverage factors are the
	// funds' stated daily objectives.
	tests := []struct {
		ticker string
		beta   float64
		lev    float64
		ref    string
	}{
		{"SPY", 1, 1, "SPY"}, {"QQQ", 1.15, 1, "QQQ"}, {"IWM", 1.2, 1, "IWM"}, {"DIA", 0.9, 1, "DIA"},
		{"VXX", -2.5, 1, "VXX"}, {"SH", -1, -1, "SPY"}, {"SDS", -2, -2, "SPY"}, {"SSO", 2, 2, "SPY"},
		{"SQQQ", -3.45, -3, "QQQ"}, {"TQQQ", 3.45, 3, "QQQ"}, {"UVXY", -3.75, 1.5, "VXX"},
		{"SVXY", 1.25, -0.5, "VXX"}, {"ZZZZ", 1, 1, "ZZZZ"},
	}
	reg := DefaultStocks()
	for _, tt := range tests {
		p := reg.Lookup(tt.ticker)
		if math.Abs(p.Beta-tt.beta) > 1e-12 || p.Leverage != tt.lev || p.Reference != tt.ref || p.Benchmark != "SPY" {
			t.Errorf("Lookup(%s) = %+v, want beta %g lev %g of %s", tt.ticker, p, tt.beta, tt.lev, tt.ref)
		}
		in, err := Parse(tt.ticker, ref2026)
		if err != nil || in.Kind != Stock || in.Multiplier != 1 || math.Abs(in.Beta-tt.beta) > 1e-12 || in.Leverage != tt.lev {
			t.Errorf("Parse(%s) = %#v, %v", tt.ticker, in, err)
		}
	}
	// Editing a reference moves its leveraged products; the package default is untouched.
	q := reg["QQQ"]
	q.Beta = 1.3
	reg["QQQ"] = q
	if got := reg.Lookup("TQQQ").Beta; math.Abs(got-3.9) > 1e-12 {
		t.Errorf("TQQQ beta after QQQ 1.3 = %g, want 3.9", got)
	}
	if got := DefaultStocks().Lookup("TQQQ").Beta; math.Abs(got-3.45) > 1e-12 {
		t.Errorf("default registry changed: TQQQ beta %g", got)
	}
	if len(reg.Tickers()) != 12 || reg.Tickers()[0] != "DIA" {
		t.Errorf("Tickers() = %v", reg.Tickers())
	}
}

// sameInstrument compares field by field, expiries by instant.
func sameInstrument(a, b Instrument) bool {
	ea, eb := a.Expiry, b.Expiry
	a.Expiry, b.Expiry = time.Time{}, time.Time{}
	return a == b && ea.Equal(eb)
}

// checkStable asserts parse∘format∘parse is stable: the symbol of a parsed instrument
// parses back to the same instrument, except that a futures code's one-digit year may
// resolve to another decade when the contract is over 4 years from ref; even then a
// second round is stable.
func checkStable(t *testing.T, s string, a Instrument, ref time.Time) {
	t.Helper()
	sym := a.Symbol()
	b, err := Parse(sym, ref)
	if err != nil {
		t.Fatalf("%q parsed to %#v whose Symbol %q does not parse: %v", s, a, sym, err)
	}
	if a.Kind == Future && abs(a.ContractYear-ref.Year()) > 4 {
		c, err := Parse(b.Symbol(), ref)
		if err != nil || !sameInstrument(b, c) {
			t.Fatalf("%q: second round %q unstable: %#v vs %#v (%v)", s, b.Symbol(), b, c, err)
		}
		return
	}
	if !sameInstrument(a, b) {
		t.Fatalf("%q → %#v → %q → %#v", s, a, sym, b)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func seeds(f *testing.F) {
	for _, s := range []string{"SPY", "ESZ6", "/ESZ6", "ESZ26", "MESH7", "M2KU9", "ESZ99", "CLF0",
		"SPY   240119C00480000", "SPY240119C00480500", "SPXW  261218P05500000",
		"ESZ6 C6000 2026-12-18", "ESZ6 C6000 2026-12-18 AM", "ESH7 P5987.5 2026-12-18", "GCZ6 C3000.25 2026-11-23",
		"", " ", "/", "ES", "SPY 240119C0048000", "ESZ6 C 2026-12-18", "ESZ6 C1e9 2026-12-18"} {
		f.Add(s, int64(1795000000))
	}
}

func FuzzParse(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, s string, refUnix int64) {
		ref := time.Unix(refUnix%4102444800, 0).UTC() // within 1970…2100
		a, err := Parse(s, ref)
		if err != nil {
			var se *SymbolError
			if !errors.As(err, &se) || se.Text != s {
				t.Fatalf("Parse(%q) error %v is not a SymbolError naming the text", s, err)
			}
			return
		}
		checkFinite(t, s, a)
		checkStable(t, s, a, ref)
	})
}

func FuzzParseOCC(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, s string, _ int64) {
		a, err := ParseOCC(s)
		if err != nil {
			return
		}
		checkFinite(t, s, a)
		sym := a.Symbol()
		b, err := ParseOCC(sym)
		if err != nil || !sameInstrument(a, b) {
			t.Fatalf("%q → %q → %#v, %v", s, sym, b, err)
		}
		o, _ := ParseOCCSymbol(s)
		compact, err := FormatOCCCompact(o)
		if c, err2 := ParseOCC(compact); err != nil || err2 != nil || !sameInstrument(a, c) {
			t.Fatalf("%q compact %q: %v %v", s, compact, err, err2)
		}
	})
}

func FuzzParseFutures(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, s string, refUnix int64) {
		ref := time.Unix(refUnix%4102444800, 0).UTC()
		a, err := ParseFutures(s, ref)
		if err != nil {
			return
		}
		checkFinite(t, s, a)
		if a.Expiry.IsZero() {
			t.Fatalf("%q: no expiry", s)
		}
		checkStable(t, s, a, ref)
		long, err := ParseFutures(FormatFuturesLong(a.Root, a.ContractYear, a.ContractMonth), ref)
		if err != nil || (a.ContractYear >= 2000 && a.ContractYear <= 2099 && !sameInstrument(a, long)) {
			t.Fatalf("%q: long form → %#v, %v", s, long, err)
		}
	})
}

func FuzzParseFuturesOption(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, s string, _ int64) {
		a, err := ParseFuturesOption(s)
		if err != nil {
			return
		}
		checkFinite(t, s, a)
		b, err := ParseFuturesOption(a.Symbol())
		if err != nil || !sameInstrument(a, b) {
			t.Fatalf("%q → %q → %#v, %v", s, a.Symbol(), b, err)
		}
	})
}

func checkFinite(t *testing.T, s string, in Instrument) {
	t.Helper()
	for _, v := range []float64{in.Strike, in.Multiplier, in.Beta, in.Leverage} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("%q: non-finite field in %#v", s, in)
		}
	}
	if in.IsOption() && !(in.Strike > 0) {
		t.Fatalf("%q: option strike %g", s, in.Strike)
	}
}

func BenchmarkParseOCC(b *testing.B) {
	for b.Loop() {
		if _, err := Parse("SPY   240119C00480000", ref2026); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseFuturesOption(b *testing.B) {
	for b.Loop() {
		if _, err := Parse("ESZ6 C6000 2026-12-18", ref2026); err != nil {
			b.Fatal(err)
		}
	}
}
