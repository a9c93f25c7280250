package data

import (
	"strings"
	"testing"
)

// Breakevens worked by hand: a short put breaks even at strike − credit per unit, a short
// strangle at put strike − credit and call strike + credit, a long stock at cost per share.
func TestBreakevens(t *testing.T) {
	put := func(q, k string) payoffLeg {
		return payoffLeg{Quantity: dec(q), Multiplier: dec("100"), Option: true, Put: true, Strike: dec(k)}
	}
	call := func(q, k string) payoffLeg {
		return payoffLeg{Quantity: dec(q), Multiplier: dec("100"), Option: true, Strike: dec(k)}
	}
	stock := func(q string) payoffLeg { return payoffLeg{Quantity: dec(q), Multiplier: dec("1")} }
	cases := []struct {
		name string
		cash string
		legs []payoffLeg
		want string
	}{
		{"short put", "498.5", []payoffLeg{put("-1", "450")}, "445.015"},
		{"short strangle", "598", []payoffLeg{put("-1", "440"), call("-1", "460")}, "434.02 465.98"},
		{"two short puts", "1000", []payoffLeg{put("-2", "450")}, "445"},
		{"long stock", "-5001", []payoffLeg{stock("100")}, "50.01"},
		{"put credit spread", "150", []payoffLeg{put("-1", "450"), put("1", "440")}, "448.5"},
		{"debit never recovered", "-2000", []payoffLeg{put("-1", "450"), put("1", "440")}, ""},
		{"flat", "100", nil, ""},
	}
	for _, c := range cases {
		var got []string
		for _, b := range breakevens(dec(c.cash), c.legs) {
			got = append(got, b.String())
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: %v, want %q", c.name, got, c.want)
		}
	}
}
