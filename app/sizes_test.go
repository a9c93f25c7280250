package app

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
)

// smallScreens are the screens of issue 15 item 7: every window fully usable at 1280×720
// and readable at 1024×700 (a laptop's 1366×768 less the panel and the title bar).
var smallScreens = []fyne.Size{fyne.NewSize(1280, 720), fyne.NewSize(1024, 700)}

// TestEveryWindowFitsSmallScreens renders every registered window, on a desk with the demo
// book, at 1280×720 and 1024×700 and fails when a window needs more than the screen (its
// MinSize plus the window's padding) or when something it shows lies outside the window
// instead of in a scrolled pane. It also checks each window opens no bigger than 1280×720.
func TestEveryWindowFitsSmallScreens(t *testing.T) {
	if alone(t) {
		return
	}
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	// First: the windows' background work stops reaching the widgets before the desk stops
	// and the test app is torn down.
	t.Cleanup(func() { ui.StopBridge(); testkit.Locked(func() {}) })
	env := ui.Env{Now: func() time.Time { return testkit.JournalNow }, Journal: k.Journal, Desk: k.Desk,
		Open: func(string, any) {}}
	pad := 2 * theme.Padding()
	// Every window carries the Keel menu bar above its content: one row of text.
	menu := widget.NewLabel("Keel").MinSize().Height
	for _, w := range Windows() {
		t.Run(w.Name, func(t *testing.T) {
			if w.Size.Width+pad > 1280 || w.Size.Height+pad+menu > 720 {
				t.Errorf("opens at %v (with its menu bar and padding), more than a 1280×720 screen", w.Size)
			}
			var content fyne.CanvasObject
			testkit.Locked(func() { content = w.Build(env) })
			if s, ok := content.(interface{ Settle() }); ok {
				s.Settle()
			}
			defer func() {
				if s, ok := content.(interface{ Stop() }); ok {
					s.Stop()
				}
			}()
			// A window opens at least as big as its content's MinSize before its first layout
			// (a word-wrapped label that has no width yet is one word a line): the window
			// would open taller than the screen.
			var first fyne.Size
			testkit.Locked(func() { first = content.MinSize().AddWidthHeight(pad, pad+menu) })
			if first.Width > 1280 || first.Height > 720 {
				t.Errorf("before its first layout it needs %v: the window would open bigger than 1280×720", first)
			}
			for _, screen := range smallScreens {
				var min fyne.Size
				var clipped []string
				testkit.Locked(func() {
					c := test.NewCanvas()
					c.SetPadded(true)
					c.SetContent(content)
					// Twice, as a window lays out again once wrapped labels know their width.
					area := screen.SubtractWidthHeight(0, menu)
					c.Resize(area.SubtractWidthHeight(1, 1))
					c.Resize(area)
					min = content.MinSize().AddWidthHeight(pad, pad+menu)
					clipped = outside(content, fyne.NewPos(0, 0), area.SubtractWidthHeight(pad, pad))
				})
				if min.Width > screen.Width || min.Height > screen.Height {
					t.Errorf("at %v it needs %v: something would be clipped", screen, min)
				}
				for _, c := range clipped {
					t.Errorf("at %v %s", screen, c)
				}
			}
		})
	}
}

// outside lists the objects in o's tree (not counting what scrolls inside a scroll
// container, a table or a list) that lie outside the area of size at the origin.
func outside(o fyne.CanvasObject, at fyne.Position, size fyne.Size) []string {
	var out []string
	var walk func(o fyne.CanvasObject, at fyne.Position)
	walk = func(o fyne.CanvasObject, at fyne.Position) {
		if o == nil || !o.Visible() {
			return
		}
		p := at.Add(o.Position())
		s := o.Size()
		if _, spacer := o.(*layout.Spacer); !spacer && s.Width > 0 && s.Height > 0 && (p.X < -0.5 || p.Y < -0.5 || p.X+s.Width > size.Width+0.5 || p.Y+s.Height > size.Height+0.5) {
			out = append(out, fmt.Sprintf("%T at %v sized %v reaches outside the window's %v", o, p, s, size))
			return
		}
		switch x := o.(type) {
		case *layout.Spacer:
			return
		case *container.Scroll, *widget.Table, *widget.List, *widget.Tree, *widget.GridWrap, *widget.Entry, *ui.Entry, *widget.Select, *widget.SelectEntry:
			return
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c, p)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c, p)
			}
		}
	}
	walk(o, at.Subtract(o.Position()))
	return out
}
