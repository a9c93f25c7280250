package deskview

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2/widget"
)

// startHereLabel is the checklist button's text on a first launch: until the first daily
// checklist run is logged, the desk says where to begin.
const startHereLabel = "Start here: today's checklist"

// startHereEvery is how often, at most, the desk asks the journal whether the first
// checklist run has been logged while the hint shows.
const startHereEvery = 10 * time.Second

// startHere tracks the first-launch hint; its check runs off the UI goroutine.
type startHere struct {
	mu    sync.Mutex
	last  time.Time
	ran   atomic.Bool // a checklist run is logged: the hint is gone for good
	shown bool        // UI goroutine: the button says startHereLabel
}

// check asks the desk whether a checklist run was ever logged, at most every
// startHereEvery and never again once one was (off the UI goroutine). known is false when
// it did not ask or could not tell.
func (h *startHere) check(v *DeskView) (pending, known bool) {
	if v.desk == nil || h.ran.Load() {
		return false, false
	}
	h.mu.Lock()
	if time.Since(h.last) < startHereEvery {
		h.mu.Unlock()
		return false, false
	}
	h.last = time.Now()
	h.mu.Unlock()
	ran, err := v.desk.ChecklistEverRun(context.Background())
	if err != nil {
		return false, false
	}
	if ran {
		h.ran.Store(true)
	}
	return !ran, true
}

// showStartHere turns the checklist button into the first-launch hint, or back (UI
// goroutine).
func (v *DeskView) showStartHere(pending bool) {
	if len(v.buttons) == 0 || v.hint.shown == pending {
		return
	}
	v.hint.shown = pending
	b := v.buttons[0]
	if pending {
		b.SetText(startHereLabel)
		b.Importance = widget.WarningImportance
	} else {
		b.SetText("Checklist")
		b.Importance = widget.MediumImportance
	}
	b.Refresh()
}
