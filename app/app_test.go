package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/ui"
)

func TestWindowsReopenAtTheSizeTheyWereClosedAt(t *testing.T) {
	a := test.NewTempApp(t)
	o := newOpener(a, ui.Env{Now: func() time.Time { return fixedNow }})
	spec, _ := window("calculator")
	w := o.show(spec, nil)
	if got := w.Canvas().Size(); got != spec.Size {
		t.Fatalf("first open at %v, want the opening size %v", got, spec.Size)
	}
	w.Resize(fyne.NewSize(900, 600))
	w.Close()
	w = o.show(spec, nil)
	if got := w.Canvas().Size(); got != fyne.NewSize(900, 600) {
		t.Fatalf("reopened at %v, want the size it was closed at", got)
	}
	// A window shrunk to nothing is not remembered.
	w.Resize(fyne.NewSize(10, 10))
	o.remember(spec.Name, w)
	if got := o.size(spec); got != fyne.NewSize(900, 600) {
		t.Fatalf("size after a tiny window: %v", got)
	}
}

// fixedNow is the clock of the windows built without a desk.
var fixedNow = time.Date(2026, time.November, 20, 15, 30, 0, 0, time.UTC)

func TestWindowsFitTheirSize(t *testing.T) {
	test.NewTempApp(t)
	test.ApplyTheme(t, ui.Theme())
	for _, w := range Windows() {
		content := w.Build(ui.Env{Now: func() time.Time { return fixedNow }})
		// The test driver applies background results on their own goroutines: wait for them.
		if s, ok := content.(interface{ Settle() }); ok {
			s.Settle()
		}
		if m := content.MinSize(); m.Width > w.Size.Width || m.Height > w.Size.Height {
			t.Errorf("%s needs %v, more than its size %v: something would be clipped", w.Name, m, w.Size)
		}
	}
}
