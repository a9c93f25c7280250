package app

import (
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/widgets"
)

// viewRoot is a window's content with what the app asks of a view: Settle waits for its
// background work to be applied (headless screenshots), Stop ends its subscriptions when
// the window closes.
type viewRoot struct {
	widget.BaseWidget
	content      fyne.CanvasObject
	settle, stop func()
}

// newRoot wraps content; settle and stop may be nil.
func newRoot(content fyne.CanvasObject, settle, stop func()) fyne.CanvasObject {
	r := &viewRoot{content: content, settle: settle, stop: stop}
	r.ExtendBaseWidget(r)
	return r
}

func (r *viewRoot) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

// Settle waits for the view's background work.
func (r *viewRoot) Settle() {
	if r.settle != nil {
		r.settle()
	}
}

// Stop ends the view's subscriptions.
func (r *viewRoot) Stop() {
	if r.stop != nil {
		r.stop()
	}
}

// viewWork is what Keel's views share: queries run off the UI goroutine with their results
// applied on it (background; Wait blocks until everything started so far has been applied,
// for screenshots, tests and benchmarks), code run as the UI goroutine would (onUI), and
// following the desk's snapshots until the window closes (follow, Stop, Done).
type viewWork struct {
	// failed shows, on the UI goroutine, a panic of background work turned into an error;
	// nil shows it in a dialog over the app's first window.
	failed   func(error)
	pending  sync.WaitGroup
	stopOnce sync.Once
	cancel   func()
	done     chan struct{}
}

// background runs work off the UI goroutine and applies its result on it. A panic in either
// (a bug, or a malformed input no parser foresaw) becomes an error the user sees instead of
// ending the app.
func (w *viewWork) background(work func() func()) {
	w.pending.Add(1)
	go func() {
		defer w.pending.Done()
		var apply func()
		if err := recovered(func() { apply = work() }); err != nil {
			widgets.DoAndWait(func() { w.showFailure(err) })
			return
		}
		widgets.DoAndWait(func() { w.applySafely(apply) })
	}()
}

// applySafely runs apply on the UI goroutine, showing a panic as an error.
func (w *viewWork) applySafely(apply func()) {
	if err := recovered(apply); err != nil {
		w.showFailure(err)
	}
}

// recovered runs f and returns its panic, if any, as an error.
func recovered(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error, please report it: %v", r)
		}
	}()
	f()
	return nil
}

func (w *viewWork) showFailure(err error) {
	if w.failed != nil {
		w.failed(err)
		return
	}
	if a := fyne.CurrentApp(); a != nil {
		if wins := a.Driver().AllWindows(); len(wins) > 0 {
			dialog.ShowError(err, wins[0])
		}
	}
}

// Wait blocks until the work started so far has been applied.
func (w *viewWork) Wait() { w.pending.Wait() }

// onUI runs f as the UI goroutine would: never while a result is being applied.
func (w *viewWork) onUI(f func()) {
	widgets.UIMu.Lock()
	defer widgets.UIMu.Unlock()
	f()
}

// follow applies every snapshot of d with apply on the UI goroutine until Stop.
func (w *viewWork) follow(d *desk.Service, apply func(*desk.Snapshot)) {
	snaps, cancel := d.Subscribe()
	w.cancel, w.done = cancel, make(chan struct{})
	go func() {
		defer close(w.done)
		for s := range snaps {
			widgets.DoAndWait(func() { w.applySafely(func() { apply(s) }) })
		}
	}()
}

// Stop stops following the desk; call it when the window closes.
func (w *viewWork) Stop() {
	w.stopOnce.Do(func() {
		if w.cancel != nil {
			w.cancel()
		}
	})
}

// Done is closed once the view no longer follows the desk (at once if it never did).
func (w *viewWork) Done() <-chan struct{} {
	if w.done == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return w.done
}
