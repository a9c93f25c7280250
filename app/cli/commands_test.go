package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// run runs `keel args…` in process and returns its exit status, stdout and stderr.
func run(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code, ok := Run(args, &out, &errOut)
	if !ok {
		t.Fatalf("keel %s: not a command", strings.Join(args, " "))
	}
	return code, out.String(), errOut.String()
}

// runJSON runs a command that must succeed quietly and decodes its JSON into v.
func runJSON(t testing.TB, v any, args ...string) {
	t.Helper()
	code, out, errOut := run(t, args...)
	if code != 0 || errOut != "" {
		t.Fatalf("keel %s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("keel %s: %v in %.300s", strings.Join(args, " "), err, out)
	}
}

// hasKeys fails unless m has every key of want (more are fine: the issues allow them).
func hasKeys(t testing.TB, what string, m map[string]any, want ...string) {
	t.Helper()
	var missing []string
	for _, k := range want {
		if _, ok := m[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		var have []string
		for k := range m {
			have = append(have, k)
		}
		sort.Strings(have)
		t.Errorf("%s: missing %v (has %v)", what, missing, have)
	}
}

// tempJournal is a path for a new journal in a temporary directory.
func tempJournal(t testing.TB) string { return filepath.Join(t.TempDir(), "keel.db") }

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := run(t, "help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, name := range []string{"journal", "checklist", "liquidity", "roll", "replay", "lab", "broker"} {
		t.Run(name, func(t *testing.T) {
			if !slices.ContainsFunc(strings.Split(out, "\n"), func(l string) bool { return strings.HasPrefix(l, "  "+name+" ") }) {
				t.Errorf("keel help does not list %s:\n%s", name, out)
			}
		})
	}
}
