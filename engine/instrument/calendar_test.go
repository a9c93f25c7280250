package instrument

import (
	"math"
	"testing"
	"time"
)

func TestThirdFriday(t *testing.T) {
	// Reference: any calendar (e.g. `cal 1 2024`); 2024-01-19 is also the SPY monthly in
	// the OCC example SPY   240119C00480000; 2026-11-20 is tastytrade's ./ESZ6 EW3X6 261120.
	tests := []struct {
		year  int
		month time.Month
		day   int
	}{
		{2024, time.January, 19},
		{2025, time.March, 21},
		{2025, time.April, 18},
		{2026, time.February, 20},
		{2026, time.June, 19},
		{2026, time.November, 20},
		{2026, time.December, 18},
		{2027, time.January, 15},
		{2027, time.October, 15}, // month starting on a Friday
		{2026, time.May, 15},     // month starting on a Friday
		{2026, time.August, 21},  // month starting on a Saturday
	}
	for _, tt := range tests {
		if got := ThirdFriday(tt.year, tt.month); got != tt.day {
			t.Errorf("ThirdFriday(%d, %s) = %d, want %d", tt.year, tt.month, got, tt.day)
		}
		if wd := civil(tt.year, tt.month, tt.day).Weekday(); wd != time.Friday {
			t.Errorf("%d-%s-%d is a %s", tt.year, tt.month, tt.day, wd)
		}
	}
}

func TestEaster(t *testing.T) {
	// Reference: published Easter Sunday dates (Western churches).
	tests := map[int]string{2019: "2019-04-21", 2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2038: "2038-04-25", 2008: "2008-03-23"}
	for y, want := range tests {
		if got := easter(y).Format(time.DateOnly); got != want {
			t.Errorf("easter(%d) = %s, want %s", y, got, want)
		}
	}
}

func TestHolidays(t *testing.T) {
	// Reference: NYSE holiday calendar 2026 (nyse.com/markets/hours-calendars) and the
	// observance rules: 2026-07-03 is Independence Day observed (the 4th is a Saturday).
	holidays2026 := []string{"2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25",
		"2026-06-19", "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25"}
	want := map[string]bool{}
	for _, d := range holidays2026 {
		want[d] = true
	}
	n := 0
	for d := civil(2026, 1, 1); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		got := IsHoliday(d.Date())
		if got != want[d.Format(time.DateOnly)] {
			t.Errorf("IsHoliday(%s) = %v", d.Format(time.DateOnly), got)
		}
		if got {
			n++
		}
	}
	if n != len(holidays2026) {
		t.Errorf("%d holidays in 2026, want %d", n, len(holidays2026))
	}
	// Observance edge cases: New Year on a Saturday is not moved to Friday 2021-12-31;
	// on a Sunday it moves to Monday 2023-01-02; Christmas 2021 (Sat) → Fri 24th;
	// Juneteenth only from 2022; 2027-06-19 is a Saturday → Fri 18th.
	edge := []struct {
		date string
		want bool
	}{
		{"2021-12-31", false}, {"2022-01-03", false}, {"2023-01-02", true}, {"2021-12-24", true},
		{"2021-06-18", false}, {"2027-06-18", true}, {"2022-06-20", true}, {"2025-04-18", true},
		{"2025-01-20", true}, {"2025-11-27", true}, {"2025-12-26", false},
	}
	for _, e := range edge {
		d, _ := time.Parse(time.DateOnly, e.date)
		if got := IsHoliday(d.Date()); got != e.want {
			t.Errorf("IsHoliday(%s) = %v, want %v", e.date, got, e.want)
		}
	}
}

func TestMonthlyOptionDay(t *testing.T) {
	// Reference: Good Friday 2025-04-18 moved the April 2025 monthly to Thursday the 17th;
	// Juneteenth falls on the third Friday of June 2026.
	tests := []struct {
		year  int
		month time.Month
		day   int
	}{
		{2025, time.April, 17}, {2026, time.June, 18}, {2026, time.December, 18}, {2024, time.January, 19},
	}
	for _, tt := range tests {
		if got := MonthlyOptionDay(tt.year, tt.month); got != tt.day {
			t.Errorf("MonthlyOptionDay(%d, %s) = %d, want %d", tt.year, tt.month, got, tt.day)
		}
	}
	got := MonthlyOptionExpiry("SPY", 2025, time.April)
	if want := time.Date(2025, 4, 17, 16, 0, 0, 0, NewYork); !got.Equal(want) {
		t.Errorf("MonthlyOptionExpiry(SPY, 2025-04) = %v, want %v", got, want)
	}
}

func TestOptionExpiry(t *testing.T) {
	tests := []struct {
		kind Kind
		root string
		want time.Time
	}{
		{Option, "SPY", time.Date(2026, 12, 18, 16, 0, 0, 0, NewYork)},
		{Option, "SPXW", time.Date(2026, 12, 18, 16, 0, 0, 0, NewYork)},
		{Option, "SPX", time.Date(2026, 12, 18, 9, 30, 0, 0, NewYork)},
		{FuturesOption, "ES", time.Date(2026, 12, 18, 15, 0, 0, 0, Chicago)},
		{FuturesOption, "MNQ", time.Date(2026, 12, 18, 16, 0, 0, 0, NewYork)},
		{FuturesOption, "CL", time.Date(2026, 12, 18, 14, 30, 0, 0, NewYork)},
		{FuturesOption, "XX", time.Date(2026, 12, 18, 16, 0, 0, 0, NewYork)},
	}
	for _, tt := range tests {
		got := OptionExpiry(tt.kind, tt.root, 2026, time.December, 18)
		if !got.Equal(tt.want) {
			t.Errorf("OptionExpiry(%s, %s) = %v, want %v", tt.kind, tt.root, got, tt.want)
		}
	}
	es := OptionExpiry(FuturesOption, "ES", 2026, time.December, 18)
	if es.Location() != Chicago {
		t.Errorf("ES option expiry in %v, want the exchange zone America/Chicago", es.Location())
	}
	am, err := FuturesOptionExpiry("ES", 2026, time.December, 18, true)
	if err != nil || !am.Equal(time.Date(2026, 12, 18, 9, 30, 0, 0, NewYork)) {
		t.Errorf("FuturesOptionExpiry(ES, AM) = %v, %v", am, err)
	}
	if _, err := FuturesOptionExpiry("VX", 2026, time.December, 16, false); err == nil {
		t.Error("FuturesOptionExpiry(VX) gave no error")
	}
}

func TestYearFraction(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		to   time.Time
		want float64
	}{
		{from.AddDate(1, 0, 0), 1},            // 2026 has 365 days
		{from.Add(36 * time.Hour), 1.5 / 365}, // fractional days count
		{from.Add(-24 * time.Hour), -1.0 / 365},
		{from, 0},
		// DST: 2026-03-08 in New York has 23 hours; calendar time counts real seconds.
		{time.Date(2026, 3, 9, 0, 0, 0, 0, NewYork), YearFraction(from, time.Date(2026, 3, 8, 0, 0, 0, 0, NewYork)) + 23.0/24/365},
		{time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), 274.0 + 66.0/365}, // beyond time.Duration's range: 274 years + 66 leap days (2028…2296 less 2100, 2200)
	}
	for _, tt := range tests {
		if got := YearFraction(from, tt.to); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("YearFraction(%v, %v) = %.15g, want %.15g", from, tt.to, got, tt.want)
		}
	}
}

func TestDaysToExpiry(t *testing.T) {
	in, err := Parse("SPY   240119C00480000", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 1, 18, 16, 0, 0, 0, NewYork)
	if got := DaysToExpiry(now, in); math.Abs(got-1) > 1e-12 {
		t.Errorf("DaysToExpiry = %v, want 1", got)
	}
	if got := DaysToExpiry(now.Add(36*time.Hour), in); math.Abs(got+0.5) > 1e-12 {
		t.Errorf("DaysToExpiry after expiry = %v, want -0.5", got)
	}
	if got := DaysToExpiry(now, NewStock("SPY")); got != 0 {
		t.Errorf("DaysToExpiry(stock) = %v, want 0", got)
	}
}

func BenchmarkYearFraction(b *testing.B) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := OptionExpiry(Option, "SPY", 2026, time.December, 18)
	var s float64
	for b.Loop() {
		s += YearFraction(from, to)
	}
	_ = s
}

func BenchmarkOptionExpiry(b *testing.B) {
	for b.Loop() {
		_ = OptionExpiry(FuturesOption, "ES", 2026, time.December, 18)
	}
}
