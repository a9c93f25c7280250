package format

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

func TestNum(t *testing.T) {
	cases := []struct {
		name string
		f    float64
		dp   int
		want string
	}{
		{"zero", 0, 2, "0.00"},
		{"grouped", 1234.5, 2, "1,234.50"},
		{"millions", -1234567.891, 1, "−1,234,567.9"},
		{"negative zero after rounding", -0.004, 2, "0.00"},
		{"whole", 6012, 0, "6,012"},
		{"three digits", 999.25, 2, "999.25"},
		{"not finite", math.NaN(), 2, NoValue},
		{"infinite", math.Inf(-1), 2, NoValue},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Num(c.f, c.dp); got != c.want {
				t.Errorf("Num(%v, %d) = %q, want %q", c.f, c.dp, got, c.want)
			}
		})
	}
}

func TestGroup(t *testing.T) {
	for in, want := range map[string]string{"": "", "1": "1", "123": "123", "1234": "1,234", "1234567.125": "1,234,567.125", "100000.": "100,000."} {
		if got := Group(in); got != want {
			t.Errorf("Group(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUSDAndMoney(t *testing.T) {
	cases := []struct{ got, want string }{
		{USD(1234.5, 2), "$1,234.50"},
		{USD(-80, 0), "−$80"},
		{USD(-0.001, 2), "$0.00"},
		{USD(math.NaN(), 2), NoValue},
		{Money(decimal.RequireFromString("1234.5")), "$1,234.50"},
		{Money(decimal.RequireFromString("-80")), "−$80.00"},
		{Money(decimal.RequireFromString("-0.004")), "$0.00"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %q, want %q", i, c.got, c.want)
		}
	}
}
