package app

import (
	"context"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/data"

	"github.com/keel-desk/keel/app/ui"
)

// openJournal opens the journal at path, or at data.DefaultPath() when path is "".
func openJournal(path string) (*data.Journal, error) {
	if path == "" {
		p, err := data.DefaultPath()
		if err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		path = p
	}
	j, err := data.Open(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "keel:", err)
		return nil, err
	}
	return j, nil
}

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
	return NewJournalView(env.Journal, env.Window).Content()
}
