// Package widgets holds reusable Fyne building blocks for Keel's windows: layouts and
// widgets that know Fyne, not trading. Sizes are in Fyne's device-independent units.
package widgets
