package instrument

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var ref2026 = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)

func TestFuturesExpiry(t *testing.T) {
	// Reference: the exchanges' last-trading rules (CME Rulebook ch. 358 ES, CFE VX
	// contract specs, NYMEX CL, COMEX GC, CBOT ZN) applied to the NYSE 2025–2027 calendars.
	tests := []struct {
		root  string
		year  int
		month time.Month
		want  time.Time
	}{
		{"ES", 2026, time.December, time.Date(2026, 12, 18, 9, 30, 0, 0, NewYork)},  // ESZ6, third Friday
		{"MES", 2025, time.March, time.Date(2025, 3, 21, 9, 30, 0, 0, NewYork)},     // MESH5
		{"ES", 2026, time.June, time.Date(2026, 6, 18, 9, 30, 0, 0, NewYork)},       // Juneteenth Friday → Thursday
		{"YM", 2027, time.March, time.Date(2027, 3, 19, 9, 30, 0, 0, NewYork)},      // YMH7
		{"VX", 2025, time.January, time.Date(2025, 1, 22, 8, 0, 0, 0, Chicago)},     // Feb 21 2025 − 30 days
		{"VX", 2025, time.March, time.Date(2025, 3, 18, 8, 0, 0, 0, Chicago)},       // Apr 18 2025 is Good Friday → Tuesday
		{"VX", 2026, time.December, time.Date(2026, 12, 16, 8, 0, 0, 0, Chicago)},   // Jan 15 2027 − 30 days
		{"CL", 2026, time.January, time.Date(2025, 12, 19, 14, 30, 0, 0, NewYork)},  // Dec 25 holiday → 4 days before
		{"CL", 2026, time.December, time.Date(2026, 11, 20, 14, 30, 0, 0, NewYork)}, // Nov 25 a Wednesday → 3 days before
		{"GC", 2026, time.December, time.Date(2026, 12, 29, 12, 30, 0, 0, Chicago)}, // third last trading day
		{"ZN", 2025, time.December, time.Date(2025, 12, 19, 12, 1, 0, 0, Chicago)},  // 7 before Dec 31
		{"ZN", 2026, time.December, time.Date(2026, 12, 21, 12, 1, 0, 0, Chicago)},  // Dec 25 skipped
	}
	for _, tt := range tests {
		got, err := FuturesExpiry(tt.root, tt.year, tt.month)
		if err != nil {
			t.Errorf("FuturesExpiry(%s %d %s): %v", tt.root, tt.year, tt.month, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("FuturesExpiry(%s %d %s) = %v, want %v", tt.root, tt.year, tt.month, got, tt.want)
		}
		if got.Location() != Chicago {
			t.Errorf("FuturesExpiry(%s) in %v, want America/Chicago", tt.root, got.Location())
		}
	}
	for _, bad := range []struct {
		root  string
		month time.Month
		want  string
	}{{"ES", time.January, "no January contract"}, {"XX", time.March, "unknown futures root"}} {
		_, err := FuturesExpiry(bad.root, 2026, bad.month)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("FuturesExpiry(%s %s) error %v, want %q", bad.root, bad.month, err, bad.want)
		}
	}
}

func TestSpecs(t *testing.T) {
	// Reference: CME Group / Cboe contract specs: dollars per point.
	mult := map[string]float64{"ES": 50, "MES": 5, "NQ": 20, "MNQ": 2, "RTY": 50, "M2K": 5, "YM": 5, "MYM": 0.5,
		"VX": 1000, "CL": 1000, "GC": 100, "ZN": 1000}
	if len(FuturesRoots()) != len(mult) {
		t.Errorf("FuturesRoots() = %v", FuturesRoots())
	}
	for root, m := range mult {
		s, ok := LookupFutures(root)
		if !ok || s.Multiplier != m || s.Tick <= 0 || s.Location == nil || s.LastTrade == "" {
			t.Errorf("LookupFutures(%s) = %+v, %v; want multiplier %g", root, s, ok, m)
		}
	}
	es, _ := LookupFutures("ES")
	if got := es.cycle(); got != "HMUZ" {
		t.Errorf("ES cycle %s, want HMUZ", got)
	}
	if h, m := es.OptionClose(); h != 15 || m != 0 {
		t.Errorf("ES OptionClose = %d:%02d Chicago, want 15:00 (16:00 New York)", h, m)
	}
	cl, _ := LookupFutures("CL")
	if len(cl.Months()) != 12 {
		t.Errorf("CL months %v", cl.Months())
	}
}

func TestMonthCodes(t *testing.T) {
	for m := time.January; m <= time.December; m++ {
		c := MonthCode(m)
		back, ok := MonthOfCode(c)
		if !ok || back != m {
			t.Errorf("MonthOfCode(MonthCode(%s)=%c) = %v, %v", m, c, back, ok)
		}
	}
	if MonthCode(time.December) != 'Z' || MonthCode(time.January) != 'F' || MonthCode(13) != 0 {
		t.Error("MonthCode: Z for December, F for January, 0 for month 13")
	}
	if _, ok := MonthOfCode('A'); ok {
		t.Error("MonthOfCode('A') ok")
	}
}

func TestResolveYear(t *testing.T) {
	tests := []struct {
		digits string
		ref    int
		want   int
	}{
		{"6", 2026, 2026}, {"9", 2026, 2029}, {"2", 2026, 2022}, {"1", 2026, 2031}, // tie → later
		{"0", 2026, 2030}, {"5", 2030, 2035}, {"4", 2030, 2034}, {"6", 2030, 2026},
		{"26", 2026, 2026}, {"99", 2026, 2099}, {"05", 2026, 2005},
	}
	for _, tt := range tests {
		got, err := ResolveYear(tt.digits, time.Date(tt.ref, 6, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || got != tt.want {
			t.Errorf("ResolveYear(%q, %d) = %d, %v; want %d", tt.digits, tt.ref, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "123", "+5", "-5", "x"} {
		if _, err := ResolveYear(bad, ref2026); err == nil {
			t.Errorf("ResolveYear(%q) gave no error", bad)
		}
	}
}

func TestParseFutures(t *testing.T) {
	tests := []struct {
		in    string
		root  string
		year  int
		month time.Month
		mult  float64
	}{
		{"ESZ6", "ES", 2026, time.December, 50},
		{"/ESZ6", "ES", 2026, time.December, 50},
		{"ESZ26", "ES", 2026, time.December, 50},
		{" esz6 ", "ES", 2026, time.December, 50},
		{"MESH7", "MES", 2027, time.March, 5},
		{"M2KU7", "M2K", 2027, time.September, 5},
		{"MYMZ26", "MYM", 2026, time.December, 0.5},
		{"/VXF7", "VX", 2027, time.January, 1000},
		{"CLF0", "CL", 2030, time.January, 1000},
		{"ZNH27", "ZN", 2027, time.March, 1000},
	}
	for _, tt := range tests {
		in, err := ParseFutures(tt.in, ref2026)
		if err != nil {
			t.Errorf("ParseFutures(%q): %v", tt.in, err)
			continue
		}
		want, _ := FuturesExpiry(tt.root, tt.year, tt.month)
		if in.Kind != Future || in.Root != tt.root || in.ContractYear != tt.year || in.ContractMonth != tt.month ||
			in.Multiplier != tt.mult || !in.Expiry.Equal(want) {
			t.Errorf("ParseFutures(%q) = %+v", tt.in, in)
		}
		if got := in.Symbol(); got != FormatFutures(tt.root, tt.year, tt.month) {
			t.Errorf("Symbol() = %q", got)
		}
	}
	if got := FormatFutures("ES", 2026, time.December); got != "ESZ6" {
		t.Errorf("FormatFutures = %q", got)
	}
	if got := FormatFuturesLong("MES", 2027, time.March); got != "MESH27" {
		t.Errorf("FormatFuturesLong = %q", got)
	}
	bad := []struct{ in, want string }{
		{"ESF6", "no January contract"},
		{"XXZ6", "unknown futures root"},
		{"ESA6", "not a futures month letter"},
		{"ESZ", "1- or 2-digit year"},
		{"ESZ206", "1- or 2-digit year"},
		{"Z6", "root + month letter"},
		{"/", "1- or 2-digit year"},
	}
	for _, b := range bad {
		_, err := ParseFutures(b.in, ref2026)
		var se *SymbolError
		if !errors.As(err, &se) || se.Text != b.in || !strings.Contains(err.Error(), b.want) {
			t.Errorf("ParseFutures(%q) error %v, want SymbolError with %q", b.in, err, b.want)
		}
	}
}

func TestNextContract(t *testing.T) {
	tests := []struct {
		root  string
		after time.Time
		code  string
	}{
		{"ES", time.Date(2026, 12, 18, 9, 29, 0, 0, NewYork), "ESZ6"},
		{"ES", time.Date(2026, 12, 18, 9, 30, 0, 0, NewYork), "ESH7"}, // the PM Dec option delivers March
		{"ES", time.Date(2026, 10, 30, 16, 0, 0, 0, NewYork), "ESZ6"},
		{"CL", time.Date(2026, 11, 21, 0, 0, 0, 0, NewYork), "CLF7"}, // CLZ6 stopped on Nov 20
		{"VX", time.Date(2026, 12, 1, 0, 0, 0, 0, NewYork), "VXZ6"},
	}
	for _, tt := range tests {
		y, m, err := NextContract(tt.root, tt.after)
		if err != nil || FormatFutures(tt.root, y, m) != tt.code {
			t.Errorf("NextContract(%s, %v) = %d %s, %v; want %s", tt.root, tt.after, y, m, err, tt.code)
		}
	}
	if _, _, err := NextContract("XX", ref2026); err == nil {
		t.Error("NextContract(XX) gave no error")
	}
}
