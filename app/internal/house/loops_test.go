package house

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// clockLoops are the functions and types of package time that make a loop of their own: a
// window refreshing by itself instead of following the desk's snapshots (ui.Work.Follow).
// time.After and time.NewTimer stay allowed: a bounded wait (Settle's timeout) is no loop.
var clockLoops = map[string]bool{"Ticker": true, "NewTicker": true, "Tick": true, "AfterFunc": true}

// ownLoops says where file f starts a goroutine (a go statement) or uses a clock loop of
// package time, under whatever name the file imports it.
func ownLoops(fset *token.FileSet, f *ast.File) []string {
	timeNames := map[string]bool{}
	for _, im := range f.Imports {
		if p, err := strconv.Unquote(im.Path.Value); err != nil || p != "time" {
			continue
		}
		name := "time"
		if im.Name != nil {
			name = im.Name.Name
		}
		timeNames[name] = true
	}
	var found []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			found = append(found, fset.Position(n.Pos()).String()+": go statement")
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && id.Obj == nil && timeNames[id.Name] && clockLoops[n.Sel.Name] {
				found = append(found, fset.Position(n.Pos()).String()+": time."+n.Sel.Name)
			}
		}
		return true
	})
	return found
}

// TestWindowsRunNoLoopsOfTheirOwn: no window package (non-test files) starts a goroutine or
// a ticker of its own. Work off the UI goroutine is ui.Work.Background; following the desk
// is ui.Work.Follow/FollowFrames (coalesced, timed per window); a widget that must draw on
// its own goroutine lives in widgets/, not in a window. No window needs an exception.
func TestWindowsRunNoLoopsOfTheirOwn(t *testing.T) {
	t.Run("the check sees a loop", func(t *testing.T) {
		src := `package w
import (clock "time"; "fmt")
func run(stop chan struct{}) {
	tick := clock.NewTicker(clock.Second)
	defer tick.Stop()
	var _ *clock.Ticker
	clock.AfterFunc(clock.Second, func() {})
	go fmt.Println("x")
	go func() { <-stop }()
	<-clock.After(clock.Second)
}
func shadowed() {
	clock := struct{ Ticker int }{}
	_ = clock.Ticker
}`
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "w.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := ownLoops(fset, f)
		all := strings.Join(found, " ")
		if len(found) != 5 || strings.Count(all, "go statement") != 2 || !strings.Contains(all, "time.NewTicker") ||
			!strings.Contains(all, "time.Ticker") || !strings.Contains(all, "time.AfterFunc") {
			t.Fatalf("found %q, want two go statements, time.NewTicker, time.Ticker and time.AfterFunc only", found)
		}
	})
	checkWindowFiles(t, ownLoops, "a window runs no loop of its own; use ui.Work.Background or Follow")
}

// checkWindowFiles runs check over every non-test file of every window package and reports
// what it finds, with why, in a subtest per package.
func checkWindowFiles(t *testing.T, check func(*token.FileSet, *ast.File) []string, why string) {
	t.Helper()
	windows := windowPackages(t)
	for _, l := range listed(t, `{{.ImportPath}} {{.Dir}} {{join .GoFiles ","}}`, "./app/...") {
		f := strings.Fields(l)
		if len(f) < 3 || !windows[f[0]] {
			continue
		}
		t.Run(strings.TrimPrefix(f[0], module+"/"), func(t *testing.T) {
			fset := token.NewFileSet()
			for _, name := range strings.Split(f[2], ",") {
				af, err := parser.ParseFile(fset, filepath.Join(f[1], name), nil, 0)
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range check(fset, af) {
					t.Errorf("%s: %s", w, why)
				}
			}
		})
	}
}
