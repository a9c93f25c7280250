package app

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

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

// loader runs a view's queries off the UI goroutine and applies the function each returns on
// it (widgets.DoAndWait). Wait blocks until everything started so far, and everything that
// started, has been applied: for screenshots, tests and benchmarks.
type loader struct{ pending sync.WaitGroup }

func (l *loader) background(work func() func()) {
	l.pending.Add(1)
	go func() {
		defer l.pending.Done()
		widgets.DoAndWait(work())
	}()
}

// Wait blocks until the work started so far has been applied.
func (l *loader) Wait() { l.pending.Wait() }
