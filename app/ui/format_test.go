package ui

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

func TestNum(t *testing.T) {
	tests := []struct {
		name string
		v    float64
		dp   int
		want string
	}{
		{"NaN", math.NaN(), 2, NoValue},
		{"+Inf", math.Inf(1), 2, NoValue},
		{"-Inf", math.Inf(-1), 4, NoValue},
		{"a tiny negative is no −0", -0.000001, 2, "0.00"},
		{"rounds to zero", -0.004, 2, "0.00"},
		{"true minus sign", -0.005001, 2, "−0.01"},
		{"thousands grouped", 1234.5678, 2, "1,234.57"},
		{"millions", -1234567.5, 1, "−1,234,567.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Num(tt.v, tt.dp); got != tt.want {
				t.Errorf("Num(%v, %d) = %q, want %q", tt.v, tt.dp, got, tt.want)
			}
		})
	}
}

func TestMoney(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"USD grouped", USD(decimal.RequireFromString("1234.5")), "$1,234.50"},
		{"USD negative with true minus", USD(decimal.RequireFromString("-80")), "−$80.00"},
		{"USD rounds half away from zero", USD(decimal.RequireFromString("0.005")), "$0.01"},
		{"WholeUSD", WholeUSD(-1250.4), "−$1,250"},
		{"WholeUSD never −$0", WholeUSD(-0.4), "$0"},
		{"SignedUSD", SignedUSD(12), "+$12"},
		{"SignedNum", SignedNum(-3.5, 1), "−3.5"},
		{"Price of a future", Price(decimal.RequireFromString("6614.25")), "6614.25"},
		{"Price keeps a quarter tick", Price(decimal.RequireFromString("26.375")), "26.375"},
		{"QuotedPrice of a missing side", QuotedPrice(decimal.Zero), NoValue},
		{"Num rounds and groups", Num(1234.56, 1), "1,234.6"},
		{"SignedNum of zero has no sign", SignedNum(0, 0), "0"},
		{"SignedNum positive", SignedNum(12, 0), "+12"},
		{"WholeUSD of a few cents", WholeUSD(0.3), "$0"},
		{"SignedUSD grouped", SignedUSD(1500), "+$1,500"},
		{"Price pads to two decimals", Price(decimal.RequireFromString("3.5")), "3.50"},
		{"Price negative", Price(decimal.RequireFromString("-1.1")), "−1.10"},
		{"USD two decimals", USD(decimal.RequireFromString("0")), "$0.00"},
		{"USD millions", USD(decimal.RequireFromString("1000000")), "$1,000,000.00"},
		{"USD rounds up to a thousand", USD(decimal.RequireFromString("999.999")), "$1,000.00"},
		{"USD never −$0.00", USD(decimal.RequireFromString("-0.004")), "$0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
