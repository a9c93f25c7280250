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
	// Phase places the window's snapshots on the shared clock: they are applied at the
	// multiples of Every after Phase (see coalesce), together with the other windows' of
	// the same moment. A window whose results take long to make (the charts draw images)
	// is given another phase than the tables so that its result does not wait while the
	// UI goroutine paints theirs.
	Phase time.Duration

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
func (w *Work) run(work func() func()) { w.runAt(time.Time{}, work) }

// runAt is run for the snapshot of a slot of the shared clock (zero: none): the result is
// applied in one trip to the UI goroutine with the other windows' results of that slot
// (see slotGroup).
func (w *Work) runAt(slot time.Time, work func() func()) {
	var apply func()
	if err := Recovered(func() { apply = work() }); err != nil {
		deliver(slot, w.Name, func() { w.showFailure(err) })
		return
	}
	if apply == nil {
		deliver(slot, w.Name, nil)
		return
	}
	deliver(slot, w.Name, func() { w.applySafely(apply) })
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
	clock := slotClock{every: every, phase: w.Phase, expect: expectSlot, cancel: cancelSlot}
	go func() {
		defer close(w.done)
		coalesce(snaps, clock, w.prompts(), seen, func(s *desk.Snapshot, slot time.Time) {
			w.runAt(slot, func() func() { return frame(s) })
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

// slotClock is when coalesce may apply values: at most one per every, on the shared clock's
// slots (the instants phase + k·every). expect is told when a value is held for a slot and
// cancel when that slot will not get it after all (applied sooner on a prompt, or the input
// closed); either may be nil.
type slotClock struct {
	every, phase   time.Duration
	expect, cancel func(slot time.Time)
}

// after is the first slot at or after t.
func (c slotClock) after(t time.Time) time.Time {
	t = t.Round(0) // wall clock: every window's slots are the same instants
	s := t.Add(-c.phase).Truncate(c.every).Add(c.phase)
	if s.Before(t) {
		s = s.Add(c.every)
	}
	return s
}

// next is the slot for a value held at now when the last apply was at last: the first at
// least every after last — or the first after now when that is further than two periods
// (never, unless the wall clock was set back).
func (c slotClock) next(last, now time.Time) time.Time {
	s := c.after(last.Add(c.every))
	if s.Sub(now.Round(0)) > 2*c.every {
		s = c.after(now)
	}
	return s
}

// coalesce calls apply with the values of in, at most one per clock.every: a value that
// comes when the last apply is at least every ago is applied at once (slot zero); one that
// comes sooner is held, replaced by any newer one, and applied at the first slot of the
// clock at least every after the last apply — the same instant for every window following
// the desk, so that their results reach the UI goroutine together and are painted in one
// frame. A prompt applies the held value at once, or the next one to come. seen (when not
// nil) sees every value. It returns when in is closed, dropping a held value.
func coalesce[T any](in <-chan T, clock slotClock, prompt <-chan struct{}, seen func(T), apply func(T, time.Time)) {
	var (
		held     T
		have     bool
		prompted bool
		last     time.Time
		slot     time.Time // the slot the timer is armed for
		timer    = time.NewTimer(time.Hour)
		armed    bool
	)
	timer.Stop()
	defer timer.Stop()
	disarm := func() {
		if armed {
			timer.Stop()
			armed = false
			if clock.cancel != nil {
				clock.cancel(slot)
			}
		}
	}
	defer disarm()
	fire := func(at time.Time) {
		v := held
		var zero T
		held, have, prompted = zero, false, false
		if at.IsZero() {
			last = time.Now()
		} else {
			last = at // the slot, so that the next one is on the clock however late this was
		}
		apply(v, at)
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
			if prompted || (!armed && time.Since(last) >= clock.every) {
				disarm()
				fire(time.Time{})
			} else if !armed {
				slot = clock.next(last, time.Now())
				timer.Reset(time.Until(slot))
				armed = true
				if clock.expect != nil {
					clock.expect(slot)
				}
			}
		case <-prompt:
			prompted = true
			if have {
				disarm()
				fire(time.Time{})
			}
		case <-timer.C:
			armed = false
			if have {
				fire(slot)
			} else if clock.cancel != nil {
				clock.cancel(slot)
			}
		}
	}
}

// slotGroup is the windows' results for one slot of the shared clock: expected counts the
// windows holding a snapshot for it whose result has not come yet; the results are applied
// in one trip to the UI goroutine once the last has come (or slotGather after the first,
// not to hold the others for a slow one).
type slotGroup struct {
	expected int
	calls    []widgets.UICall
	posted   bool
	done     chan struct{}
	timer    *time.Timer
}

// slotGather is the longest the first result of a slot waits for the others.
const slotGather = 15 * time.Millisecond

var (
	slotMu sync.Mutex
	slots  = map[int64]*slotGroup{} // by the slot's UnixNano
)

// slotOf is the group of slot, made when missing (slotMu held).
func slotOf(slot time.Time) *slotGroup {
	g := slots[slot.UnixNano()]
	if g == nil {
		g = &slotGroup{done: make(chan struct{})}
		slots[slot.UnixNano()] = g
	}
	return g
}

// expectSlot counts one more window that will deliver a result for slot.
func expectSlot(slot time.Time) {
	slotMu.Lock()
	slotOf(slot).expected++
	slotMu.Unlock()
}

// cancelSlot counts one window fewer for slot; the group is applied if it was the last.
func cancelSlot(slot time.Time) { deliver(slot, "", nil) }

// deliver applies f (nil: nothing) under window's name: at once when slot is zero, else
// with the other results of its slot, and returns once it has been applied.
func deliver(slot time.Time, window string, f func()) {
	if slot.IsZero() {
		if f != nil {
			ApplyFrom(window, f)
		}
		return
	}
	slotMu.Lock()
	g := slots[slot.UnixNano()]
	if g == nil || g.posted {
		// Not expected (or too late for its group): on its own.
		slotMu.Unlock()
		if f != nil {
			ApplyFrom(window, f)
		}
		return
	}
	g.expected--
	if f != nil {
		g.calls = append(g.calls, widgets.UICall{Source: window, Ready: time.Now(), F: f})
	}
	switch {
	case g.expected <= 0:
		post := g.take(slot)
		slotMu.Unlock()
		post()
		return
	case f != nil && g.timer == nil:
		g.timer = time.AfterFunc(slotGather, func() {
			slotMu.Lock()
			if g.posted {
				slotMu.Unlock()
				return
			}
			post := g.take(slot)
			slotMu.Unlock()
			post()
		})
	}
	slotMu.Unlock()
	if f != nil {
		select {
		case <-g.done:
		case <-widgets.UIStopping():
		}
	}
}

// take marks g posted and returns what applies its results (slotMu held).
func (g *slotGroup) take(slot time.Time) func() {
	g.posted = true
	delete(slots, slot.UnixNano())
	if g.timer != nil {
		g.timer.Stop()
	}
	calls := g.calls
	return func() {
		defer close(g.done)
		widgets.DoAllAndWait(calls)
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
