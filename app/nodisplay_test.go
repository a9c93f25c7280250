package app

import (
	"strings"
	"testing"
)

func TestNoDisplay(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	tests := []struct {
		name, goos string
		vars       map[string]string
		refused    bool
	}{
		{"linux without a display", "linux", nil, true},
		{"linux with X11", "linux", map[string]string{"DISPLAY": ":0"}, false},
		{"linux with Wayland", "linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, false},
		{"macOS needs no variable", "darwin", nil, false},
		{"windows needs no variable", "windows", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			why := noDisplay(tc.goos, env(tc.vars))
			if (why != "") != tc.refused || (tc.refused && !strings.Contains(why, "neither DISPLAY nor WAYLAND_DISPLAY is set")) {
				t.Errorf("noDisplay = %q, want refused %v", why, tc.refused)
			}
		})
	}
}
