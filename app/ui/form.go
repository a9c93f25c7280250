package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/brokers"
)

// Form and status-line helpers the windows share.

// Sized gives o a fixed width w (an entry or a select in a form row).
func Sized(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.New(layout.NewGridWrapLayout(fyne.NewSize(w, o.MinSize().Height)), o)
}

// OrDash is s, or "—" when s is empty.
func OrDash(s string) string {
	if s == "" {
		return NoValue
	}
	return s
}

// ProblemLabel is an empty label in the danger colour, for the message beside a form field.
func ProblemLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	return l
}

// Bold is a bold label.
func Bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// Wrapped is a word-wrapped label of importance imp.
func Wrapped(s string, imp widget.Importance) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	return l
}

// ClockText is the paper market's clock: "Paper market Fri 20 Nov 10:00:01 · open · 1×".
func ClockText(c brokers.ClockState) string {
	state := "closed"
	if c.Open {
		state = "open"
	}
	speed := "paused"
	if !c.Paused {
		speed = Num(c.Speed, 0) + "×"
	}
	return fmt.Sprintf("Paper market %s · %s · %s", c.Now.Format("Mon 2 Jan 15:04:05"), state, speed)
}
