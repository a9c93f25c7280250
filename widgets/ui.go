package widgets

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// UIMu is held by every goroutine that applies a result to widgets (DoAndWait) and by
// whoever draws or inspects widgets off the UI goroutine: headless screenshots and tests.
// In the app Fyne's UI goroutine already runs those updates one at a time; under Fyne's
// test and software drivers fyne.DoAndWait runs them on the calling goroutine, and this
// lock is what keeps them from racing each other and the drawing.
var UIMu sync.Mutex

// DoAndWait runs f on the UI goroutine and waits for it, holding UIMu.
// Never call it from the UI goroutine itself, or while holding UIMu.
// The time f takes on the UI goroutine and the time it waited before it ran are recorded
// (UIStats, LongestUICallback) under the source "" (DoAndWaitFrom names one).
//
// Once StopUI has been called it drops f instead, and a caller already waiting returns: at
// shutdown Fyne's event loop stops taking work, and a sender that queued just before it
// stopped would otherwise wait for ever (the hang on quit of issue 15). It queues f with
// fyne.Do and waits on its own signal for the same reason: fyne.DoAndWait cannot be told to
// give up.
func DoAndWait(f func()) { DoAndWaitFrom("", f) }

// DoAndWaitFrom is DoAndWait recording its times under source (a window's name): the wall
// time f ran, the CPU time of the thread it ran on (what f costs, whatever else the machine
// runs; Linux only) and how long it waited.
func DoAndWaitFrom(source string, f func()) {
	DoAllAndWait([]UICall{{Source: source, Ready: time.Now(), F: f}})
}

// UICall is one callback for DoAllAndWait: F, recorded under Source, whose wait is counted
// from Ready (when its result was ready to be shown).
type UICall struct {
	Source string
	Ready  time.Time
	F      func()
}

// DoAllAndWait runs calls on the UI goroutine one after the other in one trip, holding
// UIMu, and waits for them: the windows they change are painted in the same frame, after
// them, and none of them waits while another's window is painted. Each call's times are
// recorded as DoAndWaitFrom records them, its wait counted from its Ready. A call that
// panics ends the others (callers recover their own).
func DoAllAndWait(calls []UICall) {
	if len(calls) == 0 {
		return
	}
	st := stopping.Load()
	if st.stopped.Load() {
		return
	}
	UIMu.Lock()
	defer UIMu.Unlock()
	if st.stopped.Load() {
		return
	}
	// Under the test and software drivers f runs on this goroutine: keep it on one thread
	// so that the thread's CPU time is f's. (The app's UI goroutine is locked already.)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	done := make(chan struct{})
	fyne.Do(func() {
		defer close(done)
		for _, c := range calls {
			if st.stopped.Load() {
				return
			}
			runCall(c)
		}
	})
	select {
	case <-done:
	case <-st.stop:
	}
}

// runCall runs one call on the UI goroutine and records its times.
func runCall(c UICall) {
	start := time.Now()
	cpu0, ok := threadCPU()
	defer func() {
		took := time.Since(start)
		cpu := time.Duration(-1)
		if cpu1, ok1 := threadCPU(); ok && ok1 {
			cpu = cpu1 - cpu0
		}
		noteUI(c.Source, start.Sub(c.Ready), took, cpu)
	}()
	c.F()
}

// uiSession is one run of the UI: stopped once StopUI is called.
type uiSession struct {
	stopped atomic.Bool
	stop    chan struct{}
	once    sync.Once
}

// stopping is the current run of the UI.
var stopping atomic.Pointer[uiSession]

func init() { StartUI() }

// StartUI starts a new run of the UI: DoAndWait applies results again. The app calls it
// before its windows open (tests that quit an app call it before the next one).
func StartUI() { stopping.Store(&uiSession{stop: make(chan struct{})}) }

// StopUI begins the shutdown of the UI: from now on DoAndWait drops what it is given and
// callers waiting for the UI goroutine return. Safe to call more than once, from any
// goroutine.
func StopUI() {
	st := stopping.Load()
	st.once.Do(func() {
		st.stopped.Store(true)
		close(st.stop)
	})
}

// UIStopping is closed once StopUI has been called (for the current run of the UI).
func UIStopping() <-chan struct{} { return stopping.Load().stop }

// UIStopped reports whether StopUI has been called since the last StartUI.
func UIStopped() bool { return stopping.Load().stopped.Load() }

// longestUI is the longest UI callback (nanoseconds) since the last reset.
var longestUI atomic.Int64

func noteUICallback(d time.Duration) {
	for {
		old := longestUI.Load()
		if int64(d) <= old || longestUI.CompareAndSwap(old, int64(d)) {
			return
		}
	}
}

// LongestUICallback is the longest time one DoAndWait callback ran on the UI goroutine since
// the last ResetLongestUICallback.
func LongestUICallback() time.Duration { return time.Duration(longestUI.Load()) }

// ResetLongestUICallback starts a new measurement of LongestUICallback.
func ResetLongestUICallback() { longestUI.Store(0) }
