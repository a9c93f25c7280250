package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/widgets"
)

// TestOpenBringsTheChecklistForwardRerun: opening a window that is already open brings it
// forward and, for content with Reopened (the checklist), calls it so it reruns.
func TestOpenBringsTheChecklistForwardRerun(t *testing.T) {
	a := test.NewTempApp(t)
	o := newOpener(a, ui.Env{Now: func() time.Time { return fixedNow }})
	// Open as the UI goroutine does, holding the lock background results are applied under.
	open := func() {
		widgets.UIMu.Lock()
		defer widgets.UIMu.Unlock()
		o.open("checklist", nil)
	}
	settle := func(c any) {
		if s, ok := c.(interface{ Settle() }); ok {
			s.Settle()
		}
	}
	open()
	w, ok := o.shown["checklist"]
	if !ok {
		t.Fatal("the checklist did not open")
	}
	if _, ok := w.Content().(interface{ Reopened() }); !ok {
		t.Fatalf("the checklist's content %T has no Reopened: bringing it forward would show a stale run", w.Content())
	}
	settle(w.Content())
	open()
	settle(w.Content())
	if o.shown["checklist"] != w {
		t.Error("opening the checklist again built a second window")
	}
}
