package ui

import (
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/widgets"
)

// root is a window's content with what the app asks of a view: Settle waits for its
// background work to be applied (headless screenshots), Stop ends its subscriptions when
// the window closes.
type root struct {
	widget.BaseWidget
	content      fyne.CanvasObject
	settle, stop func()
}

// NewRoot wraps a window's content with what the app asks of a view: Settle waits for its
// background work to be applied (headless screenshots), Stop ends its subscriptions when the
// window closes. settle and stop may be nil.
func NewRoot(content fyne.CanvasObject, settle, stop func()) fyne.CanvasObject {
	r := &root{content: content, settle: settle, stop: stop}
	r.ExtendBaseWidget(r)
	return r
}

func (r *root) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

// Settle waits for the view's background work.
func (r *root) Settle() {
	if r.settle != nil {
		r.settle()
	}
}

// Stop ends the view's subscriptions.
func (r *root) Stop() {
	if r.stop != nil {
		r.stop()
	}
}

// Work is what Keel's views share, embedded in each: queries run off the UI goroutine with
// their results applied on it (Background; Wait blocks until everything started so far has
// been applied, for screenshots, tests and benchmarks), code run as the UI goroutine would
// (OnUI), and following the desk's snapshots until the window closes (Follow, Stop, Done).
// Every result reaches the widgets through Apply, the one bridge onto the UI goroutine.
type Work struct {
	// Name is the window's name, under which Stats records the time its callbacks take.
	Name string
	// Failed shows, on the UI goroutine, a panic of background work turned into an error;
	// nil shows it in a dialog over the app's first window.
	Failed func(error)
	// Every is the least time between two snapshots applied (0: SnapshotEvery).
	Every time.Duration
	// Seen, when set, is called off the UI goroutine with every snapshot followed, also
	// those coalesced away (a chart keeping samples of each).
	Seen func(*desk.Snapshot)

	pending    Pending
	stopOnce   sync.Once
	cancel     func()
	done       chan struct{}
	promptOnce sync.Once
	prompt     chan struct{}
}

// SnapshotEvery is the least time between two snapshots one window applies: four a second,
// what the eye can use while the desk publishes ten. A user action lets the next one
// through at once (Prompt).
const SnapshotEvery = 250 * time.Millisecond

// Background runs work off the UI goroutine and applies its result on it (a nil result
// applies nothing). A panic in either
// (a bug, or a malformed input no parser foresaw) becomes an error the user sees instead of
// ending the app.
//
// Once the app shuts down (StopBridge) the work is not started and results are dropped.
func (w *Work) Background(work func() func()) {
	if widgets.UIStopped() {
		return
	}
	w.pending.Add(1)
	go func() {
		defer w.pending.Add(-1)
		w.run(work)
	}()
}

// run runs work and applies its result (nil: nothing to apply), showing a panic as an error.
func (w *Work) run(work func() func()) {
	var apply func()
	if err := Recovered(func() { apply = work() }); err != nil {
		ApplyFrom(w.Name, func() { w.showFailure(err) })
		return
	}
	if apply != nil {
		ApplyFrom(w.Name, func() { w.applySafely(apply) })
	}
}

// applySafely runs apply on the UI goroutine, showing a panic as an error.
func (w *Work) applySafely(apply func()) {
	if err := Recovered(apply); err != nil {
		w.showFailure(err)
	}
}

// Recovered runs f and returns its panic, if any, as an error.
func Recovered(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error, please report it: %v", r)
		}
	}()
	f()
	return nil
}

func (w *Work) showFailure(err error) {
	if w.Failed != nil {
		w.Failed(err)
		return
	}
	if a := fyne.CurrentApp(); a != nil {
		if wins := a.Driver().AllWindows(); len(wins) > 0 {
			dialog.ShowError(err, wins[0])
		}
	}
}

// Wait blocks until the work started so far has been applied.
func (w *Work) Wait() { w.pending.Wait() }

// Pending counts work under way: Add(1) when it starts, Add(-1) when its result is applied,
// Wait until none is left. Unlike a sync.WaitGroup, work may be added while another goroutine
// waits (a snapshot callback on the UI goroutine starting work while a test or a screenshot
// waits for the window to settle); Wait returns once the count is zero. The zero value is
// ready to use.
type Pending struct {
	mu   sync.Mutex
	idle *sync.Cond
	n    int
}

// Add adds d (negative when work is done) to the count.
func (p *Pending) Add(d int) {
	p.mu.Lock()
	p.n += d
	if p.n == 0 && p.idle != nil {
		p.idle.Broadcast()
	}
	p.mu.Unlock()
}

// Wait blocks until no work is counted.
func (p *Pending) Wait() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.idle == nil {
		p.idle = sync.NewCond(&p.mu)
	}
	for p.n > 0 {
		p.idle.Wait()
	}
}

// OnUI runs f as the UI goroutine would: never while a result is being applied.
func (w *Work) OnUI(f func()) {
	widgets.UIMu.Lock()
	defer widgets.UIMu.Unlock()
	f()
}

// Follow applies the snapshots of d with apply on the UI goroutine until Stop: the newest,
// at most one per Every (SnapshotEvery), at once after Prompt.
func (w *Work) Follow(d *desk.Service, apply func(*desk.Snapshot)) {
	w.FollowFrames(d, func(s *desk.Snapshot) func() { return func() { apply(s) } })
}

// FollowFrames follows d as Follow does, but formats each snapshot it applies off the UI
// goroutine first: frame turns a snapshot into what shows it (run on the UI goroutine;
// nil shows nothing), so the UI goroutine only sets what changed.
func (w *Work) FollowFrames(d *desk.Service, frame func(*desk.Snapshot) func()) {
	snaps, cancel := d.Subscribe()
	w.cancel, w.done = cancel, make(chan struct{})
	every := w.Every
	if every <= 0 {
		every = SnapshotEvery
	}
	seen := w.Seen
	go func() {
		defer close(w.done)
		coalesce(snaps, every, w.prompts(), seen, func(s *desk.Snapshot) {
			w.run(func() func() { return frame(s) })
		})
	}()
}

// Prompt lets the next snapshot through at once (the held one, if any, or the next to
// come): call it on a user action whose effect the trader waits to see. Any goroutine.
func (w *Work) Prompt() {
	select {
	case w.prompts() <- struct{}{}:
	default:
	}
}

func (w *Work) prompts() chan struct{} {
	w.promptOnce.Do(func() { w.prompt = make(chan struct{}, 1) })
	return w.prompt
}

// coalesce calls apply with the values of in, at most one per every: a value that comes
// when the last apply is at least every ago is applied at once; one that comes sooner is
// held, replaced by any newer one, and applied when every has passed. A prompt applies
// the held value at once, or the next one to come. seen (when not nil) sees every value.
// It returns when in is closed, dropping a held value.
func coalesce[T any](in <-chan T, every time.Duration, prompt <-chan struct{}, seen func(T), apply func(T)) {
	var (
		held     T
		have     bool
		prompted bool
		last     time.Time
		timer    = time.NewTimer(time.Hour)
		armed    bool
	)
	timer.Stop()
	defer timer.Stop()
	fire := func() {
		if armed {
			timer.Stop()
			armed = false
		}
		v := held
		var zero T
		held, have, prompted = zero, false, false
		apply(v)
		last = time.Now()
	}
	for {
		select {
		case v, ok := <-in:
			if !ok {
				return
			}
			if seen != nil {
				seen(v)
			}
			held, have = v, true
			if wait := every - time.Since(last); prompted || wait <= 0 {
				fire()
			} else if !armed {
				timer.Reset(wait)
				armed = true
			}
		case <-prompt:
			prompted = true
			if have {
				fire()
			}
		case <-timer.C:
			armed = false
			if have {
				fire()
			}
		}
	}
}

// Stop stops following the desk; call it when the window closes.
func (w *Work) Stop() {
	w.stopOnce.Do(func() {
		if w.cancel != nil {
			w.cancel()
		}
	})
}

// Done is closed once the view no longer follows the desk (at once if it never did).
func (w *Work) Done() <-chan struct{} {
	if w.done == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return w.done
}

// Apply runs f on the UI goroutine and waits for it: the one way a result computed off the
// UI goroutine reaches the widgets; once StopBridge has been called it drops f. It holds widgets.UIMu (see there), so never call it from
// the UI goroutine itself or while holding that lock. The time f takes and the time it
// waited are recorded: see Stats and LongestCallback. ApplyFrom names the window.
func Apply(f func()) { widgets.DoAndWait(f) }

// ApplyFrom is Apply with f's times recorded under window (Stats).
func ApplyFrom(window string, f func()) { widgets.DoAndWaitFrom(window, f) }

// StartBridge opens the bridge onto the UI goroutine for a new run of the app (Run calls it
// before the first window opens).
func StartBridge() { widgets.StartUI() }

// StopBridge begins the app's shutdown: from now on Apply drops what it is given, callers
// waiting on the UI goroutine return at once and Background starts nothing. Quit calls it
// before it stops the desk and closes the windows, so nothing waits on an event loop that
// has stopped. Safe to call more than once.
func StopBridge() { widgets.StopUI() }

// BridgeStopped reports whether StopBridge was called since the last StartBridge.
func BridgeStopped() bool { return widgets.UIStopped() }

// LongestCallback is the longest time one callback passed to Apply (or widgets.DoAndWait)
// has spent on the UI goroutine since the last ResetLongestCallback: what a trader feels as
// a frozen window.
func LongestCallback() time.Duration { return widgets.LongestUICallback() }

// ResetLongestCallback starts a new measurement of LongestCallback.
func ResetLongestCallback() { widgets.ResetLongestUICallback() }
