// Package ui is what every one of Keel's windows shares, below them all: Env (what a window
// is built from: the clock, the desk service, the journal for reading, and Open, which opens
// another window by name so that no window imports another) and Window (a window's name,
// title, size, shortcut and Build); Work and Apply, the one way to run work off the UI
// goroutine and come back to it, instrumented (LongestCallback); the one money and number
// formatter (true minus sign "−", thousands grouped, "—" for what cannot be shown); and the
// label, table and form helpers the windows use.
//
// It imports no window and not the root package app, so every window can import it.
package ui
