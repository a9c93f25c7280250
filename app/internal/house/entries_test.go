package house

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// plainFields are Fyne's text fields that swallow the window's Ctrl shortcuts and ignore
// Escape (issue 15 item 8). A window uses ui.NewEntry or ui.NewMultiLineEntry; a password
// field stays Fyne's (its reveal button is Fyne's own), and the menu's shortcuts still reach
// the window over it.
var plainFields = map[string]bool{"NewEntry": true, "NewMultiLineEntry": true, "NewEntryWithData": true}

// plainEntries says where file f makes one of Fyne's plain text fields.
func plainEntries(fset *token.FileSet, f *ast.File) []string {
	names := map[string]bool{}
	for _, im := range f.Imports {
		if p, err := strconv.Unquote(im.Path.Value); err != nil || p != "fyne.io/fyne/v2/widget" {
			continue
		}
		name := "widget"
		if im.Name != nil {
			name = im.Name.Name
		}
		names[name] = true
	}
	var found []string
	ast.Inspect(f, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := s.X.(*ast.Ident); ok && id.Obj == nil && names[id.Name] && plainFields[s.Sel.Name] {
				found = append(found, fset.Position(s.Pos()).String()+": widget."+s.Sel.Name)
			}
		}
		return true
	})
	return found
}

// TestWindowsUseKeelTextFields: every text field in a window leaves on Escape and lets the
// window's shortcuts through (ui.Entry).
func TestWindowsUseKeelTextFields(t *testing.T) {
	t.Run("the check sees a plain field", func(t *testing.T) {
		src := `package w
import (w "fyne.io/fyne/v2/widget")
func build() { _ = w.NewEntry(); _ = w.NewMultiLineEntry(); _ = w.NewPasswordEntry() }`
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "w.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		if found := plainEntries(fset, f); len(found) != 2 {
			t.Fatalf("found %q, want widget.NewEntry and widget.NewMultiLineEntry", found)
		}
	})
	checkWindowFiles(t, plainEntries, "a window's text field is ui.NewEntry (Escape leaves it, shortcuts pass)")
}
