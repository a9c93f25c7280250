package ui

import (
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// BenchmarkFigureChange is a figure taking a new value and being drawn (the test driver's
// painter, a small window): from the kept glyphs, and as Fyne's text, which shapes and
// rasterises every new string.
func BenchmarkFigureChange(b *testing.B) {
	test.NewTempApp(b)
	value := func(i int) string { return "−$" + strconv.Itoa(10000+i%90000) + ".25" }
	b.Run("glyphs", func(b *testing.B) {
		f := NewFigure()
		w := test.NewTempWindow(b, container.NewWithoutLayout(f))
		f.Resize(fyne.NewSize(120, f.MinSize().Height))
		w.Resize(fyne.NewSize(120, f.MinSize().Height))
		b.ResetTimer()
		for i := range b.N {
			f.Set(value(i), widget.MediumImportance, fyne.TextAlignTrailing)
			w.Canvas().Capture()
		}
	})
	b.Run("fyne-text", func(b *testing.B) {
		txt := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		txt.Alignment = fyne.TextAlignTrailing
		txt.Resize(fyne.NewSize(120, txt.MinSize().Height))
		w := test.NewTempWindow(b, container.NewWithoutLayout(txt))
		w.Resize(fyne.NewSize(120, 30))
		b.ResetTimer()
		for i := range b.N {
			txt.Text = value(i)
			txt.Refresh()
			w.Canvas().Capture()
		}
	})
}
