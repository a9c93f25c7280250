package ui

import (
	"time"

	"fyne.io/fyne/v2"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/data"
)

// Env is what a window's content is built from: the clock it reads "now" from, the
// window it lives in (nil when rendered for a screenshot), the trade journal (nil when it
// could not be opened; JournalErr says why) and the desk service (nil when the broker could
// not be started; DeskErr says why). Open opens another of Keel's windows by name (nil for
// a screenshot).
type Env struct {
	Now        func() time.Time
	Window     fyne.Window
	Journal    *data.Journal
	JournalErr error
	Desk       *desk.Service
	DeskErr    error
	Open       func(name string, arg any)
	Arg        any // what Open was given for this window (an order ticket's prefilled order)
}

// Window is one of Keel's windows: Name is its short name (the screenshot file
// DIR/<Name>.png and the name Env.Open takes), Title its title bar text, Size its opening
// size, Key the letter that opens it with Ctrl (Cmd on macOS), Multiple whether each Open
// makes a new window (order tickets) instead of bringing the one window forward, and Build
// makes its content.
type Window struct {
	Name     string
	Title    string
	Size     fyne.Size
	Key      fyne.KeyName
	Multiple bool
	Build    func(env Env) fyne.CanvasObject
}
