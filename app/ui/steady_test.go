package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestSteadyNeverShrinks checks that a Steady cell grows with a wider text and keeps its
// width when a narrower one follows.
func TestSteadyNeverShrinks(t *testing.T) {
	test.NewTempApp(t)
	l := widget.NewLabel("1")
	s := Steady(l)
	narrow := s.MinSize()
	l.SetText("−$1,234,567")
	wide := s.MinSize()
	if wide.Width <= narrow.Width {
		t.Fatalf("min width %v after a wider text, was %v", wide.Width, narrow.Width)
	}
	l.SetText("2")
	if got := s.MinSize(); got != wide {
		t.Errorf("min size %v after a narrower text, want %v kept", got, wide)
	}
	if l.MinSize().Width >= wide.Width {
		t.Fatal("the label did not get narrower: the test shows nothing")
	}
}
