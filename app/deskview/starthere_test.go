package deskview

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/data"
)

// TestFirstLaunchSaysStartHereUntilAChecklistRunIsLogged: on a fresh account the desk's
// checklist button reads "Start here: today's checklist" and opens the checklist; once a
// run is logged it is the plain "Checklist" button again.
func TestFirstLaunchSaysStartHereUntilAChecklistRunIsLogged(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	var opened []string
	env := deskEnv(dt)
	env.Open = func(name string, _ any) { opened = append(opened, name) }
	v := openDesk(t, dt, env)
	button := func() string {
		var s string
		v.OnUI(func() { s = v.buttons[0].Text })
		return s
	}
	dt.Until(t, "the start-here hint", func() bool { return button() == startHereLabel })
	v.OnUI(func() { test.Tap(v.buttons[0]) })
	if len(opened) != 1 || opened[0] != "checklist" {
		t.Errorf("the hint opened %v, want the checklist", opened)
	}
	now := time.Now()
	if _, err := dt.Journal.LogChecklistRun(context.Background(), data.ChecklistRun{Book: dt.Desk.Book(),
		Scheduled: now, Started: now, Completed: now, OnTime: true, Summary: "nothing to do", Steps: "[]", Source: "window"}, nil); err != nil {
		t.Fatal(err)
	}
	v.hint.mu.Lock()
	v.hint.last = time.Time{} // ask again at the next snapshot, not in 10 s
	v.hint.mu.Unlock()
	dt.Until(t, "the hint gone once a run is logged", func() bool { return button() == "Checklist" })
}

// TestLayersHintFollowsTheSelection: the hint beside the layers says to select a layer
// only while none is selected; with one selected it says its positions are below.
func TestLayersHintFollowsTheSelection(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	v := openDesk(t, dt, deskEnv(dt))
	v.OnUI(func() {
		if v.selected == "" {
			t.Fatal("no layer is selected on a desk with layers")
		}
		if v.layersHint.Text != layersHintShown {
			t.Errorf("with %s selected the hint says %q", v.selected, v.layersHint.Text)
		}
		if !strings.HasPrefix(v.posTitle.Text, "Positions of "+v.selected+" (") || strings.Contains(v.posTitle.Text, "(1 positions)") {
			t.Errorf("positions title %q", v.posTitle.Text)
		}
		v.selectLayer("")
		if v.layersHint.Text != layersHintNone {
			t.Errorf("with no layer selected the hint says %q", v.layersHint.Text)
		}
		v.selectLayer("MES futures")
		if v.posTitle.Text != "Positions of MES futures (1 position)" {
			t.Errorf("positions title %q, want one position in words", v.posTitle.Text)
		}
	})
}
