package ticket

import (
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

// The ticket's expiry list rounds days as the desk does (issue 15 item 12: "1 d" for an
// expiry later today, 45 d where the desk said 44.2).
func TestExpiryLabelRoundsAsTheDesk(t *testing.T) {
	days := func(d float64) time.Duration { return time.Duration(d * 24 * float64(time.Hour)) }
	exp := time.Date(2026, 12, 31, 16, 0, 0, 0, instrument.NewYork)
	for _, c := range []struct {
		name string
		now  time.Time
		want string
	}{
		{"44.2 days", exp.Add(-days(44.2)), "2026-12-31 · 44 d"},
		{"44.6 days", exp.Add(-days(44.6)), "2026-12-31 · 45 d"},
		{"later today", exp.Add(-3 * time.Hour), "2026-12-31 · today"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := expiryLabel(exp, c.now); got != c.want {
				t.Errorf("expiryLabel = %q, want %q", got, c.want)
			}
		})
	}
}
