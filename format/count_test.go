package format

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "0 rolls"},
		{1, "1 roll"},
		{2, "2 rolls"},
		{1200, "1,200 rolls"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := Count(tc.n, "roll", "rolls"); got != tc.want {
				t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
			}
		})
	}
}
