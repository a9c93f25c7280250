package lab

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/ui"
)

// runner is what both tabs run with: Run and Cancel, a progress bar and a status line; one
// run at a time, started off the UI goroutine and finished on it by one handler. Its
// fields are touched on the UI goroutine only.
type runner struct {
	run, cancel *widget.Button
	progress    *widget.ProgressBar
	status      *widget.Label

	id   int                // the run shown; a newer one makes an older one's results stale
	stop context.CancelFunc // cancels the run under way, nil when none
}

// newRunner builds the strip: onRun is the Run button's action, hint the status line's
// first words.
func newRunner(onRun func(), hint string) *runner {
	r := &runner{run: widget.NewButton("Run", onRun), progress: widget.NewProgressBar(),
		status: ui.Wrapped(hint, widget.MediumImportance)}
	r.run.Importance = widget.HighImportance
	r.cancel = widget.NewButton("Cancel", r.Cancel)
	r.cancel.Disable()
	return r
}

// strip lays the buttons, the progress bar and the status line out, top to bottom.
func (r *runner) strip() fyne.CanvasObject {
	return container.NewVBox(container.NewHBox(r.run, r.cancel), r.progress, r.status)
}

// Cancel stops the run under way, if any.
func (r *runner) Cancel() {
	if r.stop != nil {
		r.stop()
	}
}

// launch cancels the run under way and runs work on w off the UI goroutine, saying running
// meanwhile. work may call live from any goroutine to show something on the UI goroutine
// while this run is still the one shown (its progress, a result so far). When it returns,
// back on the UI goroutine and unless a newer run has started, the buttons come back and
// the status says how it ended: cancelled(), the error, or what done (run first) returns.
func (r *runner) launch(w *ui.Work, running string, cancelled func() string,
	work func(ctx context.Context, live func(func())) (done func() string, err error)) {
	r.Cancel()
	r.id++
	id := r.id
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	r.progress.SetValue(0)
	r.run.Disable()
	r.cancel.Enable()
	ui.SetLabel(r.status, running, widget.MediumImportance)
	live := func(f func()) {
		ui.Apply(func() {
			if id == r.id {
				f()
			}
		})
	}
	w.Background(func() func() {
		done, err := work(ctx, live)
		return func() {
			if id != r.id {
				return
			}
			cancel()
			r.stop = nil
			r.run.Enable()
			r.cancel.Disable()
			switch {
			case errors.Is(err, context.Canceled):
				ui.SetLabel(r.status, cancelled(), widget.WarningImportance)
			case err != nil:
				ui.SetLabel(r.status, err.Error(), widget.DangerImportance)
			default:
				ui.SetLabel(r.status, done(), widget.MediumImportance)
			}
		}
	})
}
