package house

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/keel-desk/keel"

// listed runs `go list` with format over patterns, from the module's root, one line a
// package.
func listed(t *testing.T, format string, patterns ...string) []string {
	t.Helper()
	args := append([]string{"list", "-tags", "migrated_fynedo", "-f", format}, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = "../../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// deps maps each package matched by patterns to its dependencies: its imports, or with all
// every package it depends on (non-test files).
func deps(t *testing.T, all bool, patterns ...string) map[string][]string {
	field := "Imports"
	if all {
		field = "Deps"
	}
	out := map[string][]string{}
	for _, l := range listed(t, `{{.ImportPath}}{{range .`+field+`}} {{.}}{{end}}`, patterns...) {
		f := strings.Fields(l)
		out[f[0]] = f[1:]
	}
	return out
}

// windowPackages lists the window packages: every package under app/ but the root, the
// desk service, the command line, ui and internal.
func windowPackages(t *testing.T) map[string]bool {
	windows := map[string]bool{}
	for _, p := range listed(t, "{{.ImportPath}}", "./app/...") {
		rel := strings.TrimPrefix(p, module+"/app")
		switch {
		case rel == "", strings.HasPrefix(rel, "/desk"), strings.HasPrefix(rel, "/cli"),
			rel == "/ui", strings.HasPrefix(rel, "/internal"):
		default:
			windows[p] = true
		}
	}
	return windows
}

func TestHouseRules(t *testing.T) {
	windows := windowPackages(t)
	if len(windows) == 0 {
		t.Fatal("no window packages under app/")
	}
	rules := []struct {
		name     string
		patterns []string
		all      bool // transitive dependencies, not only direct imports
		applies  func(pkg string) bool
		banned   func(dep string) bool
	}{
		{"the engine imports no UI, SQL, network or chart package", []string{"./engine/..."}, true,
			func(string) bool { return true },
			func(dep string) bool {
				return strings.HasPrefix(dep, "fyne.io/") || dep == "database/sql" || strings.HasPrefix(dep, "modernc.org/") ||
					dep == "net" || strings.HasPrefix(dep, "net/") || strings.Contains(dep, "go-chart") ||
					strings.HasPrefix(dep, module+"/data") || strings.HasPrefix(dep, module+"/brokers") ||
					strings.HasPrefix(dep, module+"/app") || strings.HasPrefix(dep, module+"/widgets")
			}},
		{"no window package imports a broker adapter (brokers/paper, brokers/tastytrade)", []string{"./app/..."}, false,
			func(pkg string) bool { return windows[pkg] },
			func(dep string) bool { return strings.HasPrefix(dep, module+"/brokers/") }},
		{"the command line imports no Fyne package", []string{"./app/cli/..."}, true,
			func(string) bool { return true },
			func(dep string) bool { return strings.HasPrefix(dep, "fyne.io/") }},
		{"nothing imports the root package app", []string{"./..."}, false,
			func(pkg string) bool { return pkg != module },
			func(dep string) bool { return dep == module+"/app" }},
		{"windows do not import each other", []string{"./app/..."}, false,
			func(pkg string) bool { return windows[pkg] },
			func(dep string) bool { return windows[dep] }},
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			for pkg, ds := range deps(t, r.all, r.patterns...) {
				if !r.applies(pkg) {
					continue
				}
				for _, d := range ds {
					if r.banned(d) {
						t.Errorf("%s depends on %s", pkg, d)
					}
				}
			}
		})
	}
}
