package data

import (
	"testing"
	"time"
)

func TestDecimalSumIsExact(t *testing.T) {
	// Reference sums worked by hand; the long and exponent texts take the slow path.
	cases := []struct {
		in   []string
		want string
	}{
		{[]string{"0.1", "0.2"}, "0.3"},
		{[]string{"148.72", "-101.14", "0"}, "47.58"},
		{[]string{"9223372036854775807", "1"}, "9223372036854775808"},
		{[]string{"900000000000000000", "900000000000000000", "900000000000000000"}, "2700000000000000000"},
		{[]string{"0.12345678901234567890", "1"}, "1.1234567890123456789"},
		{[]string{"1e3", "-0.5"}, "999.5"},
		{[]string{"-0.0000000001", "+2"}, "1.9999999999"},
	}
	for _, c := range cases {
		var s decimalSum
		for _, v := range c.in {
			if err := s.add([]byte(v)); err != nil {
				t.Fatal(err)
			}
		}
		if got := s.value(); !got.Equal(dec(c.want)) {
			t.Errorf("%v: %s, want %s", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"", "-", "1.2.3", "12a", "."} {
		var s decimalSum
		if err := s.add([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseTimeBytes(t *testing.T) {
	want := time.Date(2026, 3, 9, 15, 30, 0, 123456789, time.UTC)
	got, err := parseTimeBytes([]byte(formatTime(want)))
	if err != nil || !got.Equal(want) {
		t.Errorf("%v %v", got, err)
	}
	if _, err := parseTimeBytes([]byte("2026-13-09T15:30:00.000000000Z")); err == nil {
		t.Error("month 13 accepted")
	}
}

func FuzzDecimalSum(f *testing.F) {
	for _, s := range []string{"0", "-1.5", "123456789012345678", "1e5", "0.000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var sum decimalSum
		if err := sum.add([]byte(s)); err != nil {
			return
		}
		want := dec(s)
		if !sum.value().Equal(want) {
			t.Errorf("%q: %s, want %s", s, sum.value(), want)
		}
	})
}
