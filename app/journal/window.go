package journal

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/ui"
)

// buildJournal is the journal window's Build: the journal view, or why there is none.
func buildJournal(env ui.Env) fyne.CanvasObject {
	if env.Journal == nil {
		why := "no journal is open"
		if env.JournalErr != nil {
			why = env.JournalErr.Error()
		}
		l := widget.NewLabel("The trade journal could not be opened: " + why)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	// Tags, lessons and imports are desk commands; without a desk the window only reads.
	var w Writer
	why := ""
	if env.Desk != nil {
		w = env.Desk
	} else if env.DeskErr != nil {
		why = env.DeskErr.Error()
	}
	return NewJournalView(env.Journal, w, why, env.Window).Content()
}

// Window is the trade journal window.
func Window() ui.Window {
	return ui.Window{
		Name:  "journal",
		Title: "Keel — Trade journal",
		Size:  fyne.NewSize(1270, 670), // with its menu bar fits a 1366×768 laptop screen; usable down to 1024×700 (fit_test.go)
		Key:   fyne.KeyJ,
		Build: buildJournal,
	}
}
