package widgets

import (
	"sync"

	"fyne.io/fyne/v2"
)

// UIMu is held by every goroutine that applies a result to widgets (DoAndWait) and by
// whoever draws or inspects widgets off the UI goroutine: headless screenshots and tests.
// In the app Fyne's UI goroutine already runs those updates one at a time; under Fyne's
// test and software drivers fyne.DoAndWait runs them on the calling goroutine, and this
// lock is what keeps them from racing each other and the drawing.
var UIMu sync.Mutex

// DoAndWait runs f on the UI goroutine with fyne.DoAndWait and waits for it, holding UIMu.
// Never call it from the UI goroutine itself, or while holding UIMu.
func DoAndWait(f func()) {
	UIMu.Lock()
	defer UIMu.Unlock()
	fyne.DoAndWait(f)
}
