package instrument

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

func TestParseOCC(t *testing.T) {
	// Reference: OCC symbology (OSI): root padded to 6, yymmdd, C/P, strike × 1000 in 8
	// digits. "SPX   141122P00019500" is the example in OCC's symbology guide (SPX put,
	// 2014-11-22, strike 19.50).
	tests := []struct {
		in     string
		root   string
		und    string
		date   string
		right  pricing.Right
		strike float64
		style  pricing.Style
		expiry time.Time
	}{
		{"SPY   240119C00480000", "SPY", "SPY", "2024-01-19", pricing.Call, 480, pricing.American, time.Date(2024, 1, 19, 16, 0, 0, 0, NewYork)},
		{"SPY240119C00480000", "SPY", "SPY", "2024-01-19", pricing.Call, 480, pricing.American, time.Date(2024, 1, 19, 16, 0, 0, 0, NewYork)},
		{"spy240119c00480500", "SPY", "SPY", "2024-01-19", pricing.Call, 480.5, pricing.American, time.Date(2024, 1, 19, 16, 0, 0, 0, NewYork)},
		{"SPX   141122P00019500", "SPX", "SPX", "2014-11-22", pricing.Put, 19.5, pricing.European, time.Date(2014, 11, 22, 9, 30, 0, 0, NewYork)},
		{"SPXW  261218P05500000", "SPXW", "SPX", "2026-12-18", pricing.Put, 5500, pricing.European, time.Date(2026, 12, 18, 16, 0, 0, 0, NewYork)},
		{"QQQ 261218P00001000", "QQQ", "QQQ", "2026-12-18", pricing.Put, 1, pricing.American, time.Date(2026, 12, 18, 16, 0, 0, 0, NewYork)},
		{"BRKB  270115C00450000", "BRKB", "BRKB", "2027-01-15", pricing.Call, 450, pricing.American, time.Date(2027, 1, 15, 16, 0, 0, 0, NewYork)},
		{"SQQQ  261218C00000500", "SQQQ", "SQQQ", "2026-12-18", pricing.Call, 0.5, pricing.American, time.Date(2026, 12, 18, 16, 0, 0, 0, NewYork)},
	}
	for _, tt := range tests {
		in, err := ParseOCC(tt.in)
		if err != nil {
			t.Errorf("ParseOCC(%q): %v", tt.in, err)
			continue
		}
		if in.Kind != Option || in.Root != tt.root || in.Underlying != tt.und || in.Right != tt.right ||
			in.Strike != tt.strike || in.Style != tt.style || in.Multiplier != 100 || !in.Expiry.Equal(tt.expiry) {
			t.Errorf("ParseOCC(%q) = %+v", tt.in, in)
		}
		if got := in.Expiry.In(NewYork).Format(time.DateOnly); got != tt.date {
			t.Errorf("ParseOCC(%q) date %s, want %s", tt.in, got, tt.date)
		}
		sym := in.Symbol()
		if len(sym) != 21 || strings.TrimRight(sym[:6], " ") != tt.root {
			t.Errorf("Symbol() = %q, want the padded 21-character form", sym)
		}
	}
	if in, _ := ParseOCC("SQQQ  261218C00000500"); math.Abs(in.Beta+3.45) > 1e-12 || in.Leverage != -3 || in.Reference != "QQQ" {
		t.Errorf("SQQQ option exposure defaults %+v", in)
	}
}

func TestFormatOCC(t *testing.T) {
	tests := []struct {
		o       OCCOption
		padded  string
		compact string
	}{
		{OCCOption{"SPY", 2024, time.January, 19, pricing.Call, 480}, "SPY   240119C00480000", "SPY240119C00480000"},
		{OCCOption{"SPY", 2024, time.January, 19, pricing.Put, 480.5}, "SPY   240119P00480500", "SPY240119P00480500"},
		{OCCOption{"SPXW", 2026, time.December, 18, pricing.Put, 5500}, "SPXW  261218P05500000", "SPXW261218P05500000"},
		{OCCOption{"GOOGL", 2025, time.June, 20, pricing.Call, 99999.999}, "GOOGL 250620C99999999", "GOOGL250620C99999999"},
		{OCCOption{"A", 2025, time.June, 20, pricing.Call, 0.001}, "A     250620C00000001", "A250620C00000001"},
	}
	for _, tt := range tests {
		p, err := FormatOCC(tt.o)
		if err != nil || p != tt.padded {
			t.Errorf("FormatOCC(%+v) = %q, %v; want %q", tt.o, p, err, tt.padded)
		}
		c, err := FormatOCCCompact(tt.o)
		if err != nil || c != tt.compact {
			t.Errorf("FormatOCCCompact(%+v) = %q, %v; want %q", tt.o, c, err, tt.compact)
		}
		back, err := ParseOCCSymbol(p)
		if err != nil || back != tt.o {
			t.Errorf("ParseOCCSymbol(%q) = %+v, %v", p, back, err)
		}
	}
	bad := []OCCOption{
		{"SPY", 2024, time.January, 19, pricing.Call, 0},
		{"SPY", 2024, time.January, 19, pricing.Call, 100000},
		{"SPY", 2024, time.January, 19, pricing.Call, 480.0005},
		{"SPY", 2024, time.February, 30, pricing.Call, 480},
		{"SPY", 2100, time.January, 19, pricing.Call, 480},
		{"TOOLONG", 2024, time.January, 19, pricing.Call, 480},
		{"", 2024, time.January, 19, pricing.Call, 480},
	}
	for _, o := range bad {
		if s, err := FormatOCC(o); err == nil {
			t.Errorf("FormatOCC(%+v) = %q, want an error", o, s)
		}
	}
}

func TestParseOCCErrors(t *testing.T) {
	bad := []struct{ in, want string }{
		{"SPY240119C0048000", "not yymmdd"}, // strike one digit short: the date shifts left
		{"SPY240119X00480000", "not C or P"},
		{"SPY241319C00480000", "not a calendar date"},
		{"SPY240230C00480000", "not a calendar date"},
		{"SPY240119C00000000", "strike is zero"},
		{"SPY24011AC00480000", "not yymmdd"},
		{"SPY240119C0048000A", "not 8 digits"},
		{"240119C00480000", "an OCC symbol is"},
		{"1SPY  240119C00480000", "must start with a letter"},
		{"TOOLONG240119C00480000", "1 to 6 characters"},
		{"SP-Y  240119C00480000", "letters and digits"},
		{"short", "an OCC symbol is"},
	}
	for _, b := range bad {
		_, err := ParseOCC(b.in)
		if err == nil || !strings.Contains(err.Error(), b.want) || !strings.Contains(err.Error(), b.in) {
			t.Errorf("ParseOCC(%q) error %v, want one naming the text and %q", b.in, err, b.want)
		}
	}
}
