package house

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// journalWrite matches the methods of data.Journal that change the journal: every write a
// window wants is a desk command instead. Record[A-Z] and Set[A-Z] leave out the reads
// RecordedUnderlyings and Setting.
var journalWrite = regexp.MustCompile(`^(Add|Assign|AuditOrder|Claim|Delete|Import|LogChecklistRun|Propose|Record[A-Z]|Save|Set[A-Z]|Update)`)

// journalWrites type-checks files (of package path) against the export data in exports and
// says where they use a write method of *data.Journal, called or taken as a value.
func journalWrites(fset *token.FileSet, path string, files []*ast.File, exports map[string]string) ([]string, error) {
	imp := importer.ForCompiler(fset, "gc", func(p string) (io.ReadCloser, error) {
		f, ok := exports[p]
		if !ok {
			return nil, os.ErrNotExist
		}
		return os.Open(f)
	})
	info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
	if _, err := (&types.Config{Importer: imp}).Check(path, fset, files, info); err != nil {
		return nil, err
	}
	var found []string
	for sel, s := range info.Selections {
		fn, ok := s.Obj().(*types.Func)
		if !ok || !journalWrite.MatchString(fn.Name()) {
			continue
		}
		recv := fn.Type().(*types.Signature).Recv()
		if recv == nil {
			continue
		}
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		named, ok := t.(*types.Named)
		if !ok || named.Obj().Name() != "Journal" || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != module+"/data" {
			continue
		}
		found = append(found, fset.Position(sel.Sel.Pos()).String()+": "+fn.Name())
	}
	return found, nil
}

// exportData maps every package the app depends on to its compiled export data.
func exportData(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, l := range listed(t, `{{.ImportPath}} {{.Export}}`, "-export", "-deps", "./app/...") {
		if f := strings.Fields(l); len(f) == 2 {
			out[f[0]] = f[1]
		}
	}
	return out
}

// TestWindowsDoNotWriteTheJournal: no window package (non-test files) calls a write method
// of data.Journal; tags, lessons, imports, layers and market events are desk commands.
func TestWindowsDoNotWriteTheJournal(t *testing.T) {
	exports := exportData(t)
	t.Run("the check sees a write", func(t *testing.T) {
		fset := token.NewFileSet()
		src := `package w
import ("context"; "github.com/keel-desk/keel/data")
type view struct{ j *data.Journal }
func (v view) tag(ctx context.Context) error { return v.j.SetTags(ctx, 1, nil) }
func (v view) read(ctx context.Context) { v.j.Setting(ctx, "x"); v.j.RecordedUnderlyings(ctx, "b") }
var lesson = (*data.Journal).AddLesson`
		f, err := parser.ParseFile(fset, "w.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		found, err := journalWrites(fset, "w", []*ast.File{f}, exports)
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(found, " ")
		if len(found) != 2 || !strings.Contains(all, "SetTags") || !strings.Contains(all, "AddLesson") {
			t.Fatalf("found %q, want SetTags and AddLesson only", found)
		}
	})
	windows := windowPackages(t)
	for _, l := range listed(t, `{{.ImportPath}} {{.Dir}} {{join .GoFiles ","}}`, "./app/...") {
		f := strings.Fields(l)
		if len(f) < 3 || !windows[f[0]] {
			continue
		}
		t.Run(strings.TrimPrefix(f[0], module+"/"), func(t *testing.T) {
			fset := token.NewFileSet()
			var files []*ast.File
			for _, name := range strings.Split(f[2], ",") {
				af, err := parser.ParseFile(fset, filepath.Join(f[1], name), nil, 0)
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, af)
			}
			found, err := journalWrites(fset, f[0], files, exports)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range found {
				t.Errorf("%s writes the journal itself; make it a desk command", w)
			}
		})
	}
}
