package format

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n         int
		one, many string
		want      string
	}{
		{0, "action", "", "0 actions"},
		{1, "action", "", "1 action"},
		{2, "warning", "", "2 warnings"},
		{1, "adjustment outside the checklist", "adjustments outside the checklist", "1 adjustment outside the checklist"},
		{3, "adjustment outside the checklist", "adjustments outside the checklist", "3 adjustments outside the checklist"},
		{1200, "run", "", "1,200 runs"},
		{0, "roll", "rolls", "0 rolls"},
		{1, "roll", "rolls", "1 roll"},
		{1200, "roll", "rolls", "1,200 rolls"},
		{-2, "roll", "rolls", "−2 rolls"},
		{-1, "roll", "rolls", "−1 roll"},
	} {
		t.Run(c.want, func(t *testing.T) {
			if got := Count(c.n, c.one, c.many); got != c.want {
				t.Errorf("Count(%d, %q, %q) = %q, want %q", c.n, c.one, c.many, got, c.want)
			}
		})
	}
}
