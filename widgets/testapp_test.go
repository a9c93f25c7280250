package widgets

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// newTestApp is test.NewTempApp that, when the test ends, first waits for every chart's
// worker and resize timer to finish: under the test driver a worker's UI callback runs on
// the worker's goroutine, so one left running would touch Fyne's shared caches while the
// next test builds its widgets.
func newTestApp(t *testing.T) {
	t.Helper()
	test.NewTempApp(t)
	t.Cleanup(func() {
		deadline := time.Now().Add(10 * time.Second)
		for chartsAtWork.Load() > 0 {
			if time.Now().After(deadline) {
				t.Errorf("%d chart workers or timers still at work 10 s after the test", chartsAtWork.Load())
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}
