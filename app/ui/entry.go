package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Entry is a text field that behaves as a trader expects inside a window full of
// shortcuts: Escape leaves the field (the focus goes nowhere) and the window's Ctrl
// shortcuts (Ctrl+Q, Ctrl+J, Ctrl+letter opening a window) work while it has the focus,
// where Fyne's own field would swallow them. Editing shortcuts (copy, paste, undo, word
// moves) stay the field's.
type Entry struct {
	widget.Entry
}

// NewEntry is a one-line Entry.
func NewEntry() *Entry {
	e := &Entry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey leaves the field on Escape and types every other key.
func (e *Entry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
			c.Unfocus()
		}
		return
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut hands the window's shortcuts to the window and keeps the editing ones.
func (e *Entry) TypedShortcut(s fyne.Shortcut) {
	if WindowShortcut(s) {
		if c, ok := fyne.CurrentApp().Driver().CanvasForObject(e).(fyne.Shortcutable); ok {
			c.TypedShortcut(s)
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

// WindowShortcut reports whether s is one of the window's shortcuts rather than the text
// field's: Ctrl (Cmd on macOS), maybe with Shift, and a letter, a digit or a comma. A field
// edits with Ctrl+arrows, Ctrl+Backspace and Ctrl+Delete and gets copy, paste, cut, undo,
// redo and select-all as shortcuts of their own kinds.
func WindowShortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier&fyne.KeyModifierShortcutDefault == 0 ||
		cs.Modifier&^(fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift) != 0 {
		return false
	}
	n := string(cs.KeyName)
	return len(n) == 1 && (n[0] >= 'A' && n[0] <= 'Z' || n[0] >= '0' && n[0] <= '9' || n[0] == ',')
}

// NewMultiLineEntry is a multi-line Entry (Enter starts a new line; Escape still leaves).
func NewMultiLineEntry() *Entry {
	e := NewEntry()
	e.MultiLine = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as Fyne's own multi-line entry
	return e
}
