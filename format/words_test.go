package format

import (
	"math"
	"testing"
)

// The cases of issue 15 item 12: an expiry later today is "today", not "1 d"; 44.2 days
// (what the desk shows) is "44 d", not "45 d".
func TestExpiryDays(t *testing.T) {
	for _, c := range []struct {
		days float64
		want string
	}{
		{0.25, "today"}, {0, "today"}, {0.49, "today"}, {0.5, "1 d"}, {1.25, "1 d"},
		{44.2, "44 d"}, {44.6, "45 d"}, {-0.1, "expired"}, {math.NaN(), NoValue},
	} {
		t.Run(c.want, func(t *testing.T) {
			if got := ExpiryDays(c.days); got != c.want {
				t.Errorf("ExpiryDays(%v) = %q, want %q", c.days, got, c.want)
			}
		})
	}
}
