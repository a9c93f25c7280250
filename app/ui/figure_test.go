package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestFigureDrawsLikeALabel checks that a figure draws its text in the colour a Label gives
// the same importance, where a Label puts its text, and as tall as a Label.
func TestFigureDrawsLikeALabel(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		name  string
		imp   widget.Importance
		color fyne.ThemeColorName
		align fyne.TextAlign
	}{
		{"a loss", widget.DangerImportance, theme.ColorNameError, fyne.TextAlignTrailing},
		{"a figure", widget.MediumImportance, theme.ColorNameForeground, fyne.TextAlignTrailing},
		{"a note", widget.WarningImportance, theme.ColorNameWarning, fyne.TextAlignLeading},
		{"a quiet one", widget.LowImportance, theme.ColorNameDisabled, fyne.TextAlignCenter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFigure()
			l := widget.NewLabel("−$6.25")
			w := test.NewTempWindow(t, f)
			w.Resize(fyne.NewSize(200, 60))
			f.Set("−$6.25", tc.imp, tc.align)
			var text *canvas.Text
			for _, o := range test.LaidOutObjects(f) {
				if c, ok := o.(*canvas.Text); ok {
					text = c
				}
			}
			if text == nil || text.Text != "−$6.25" || text.Alignment != tc.align {
				t.Fatalf("drawn text %+v", text)
			}
			want := theme.Current().Color(tc.color, fyne.CurrentApp().Settings().ThemeVariant())
			if text.Color != want {
				t.Errorf("colour %v, want %v (%s)", text.Color, want, tc.color)
			}
			if got, lh := f.MinSize().Height, l.MinSize().Height; got != lh {
				t.Errorf("height %v, a Label's %v", got, lh)
			}
			pad := theme.InnerPadding()
			if p := text.Position(); p.X != pad || p.Y != pad {
				t.Errorf("text at %v, want the Label's inner padding %v", p, pad)
			}
		})
	}
}
