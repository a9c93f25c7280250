package ui

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func box(w, h float32) *canvas.Rectangle {
	r := canvas.NewRectangle(color.Black)
	r.SetMinSize(fyne.NewSize(w, h))
	return r
}

// Two columns of 400 and 500 px sit side by side at 1200 px and one above the other at 700.
func TestSideBySide(t *testing.T) {
	test.NewTempApp(t)
	gap := 4 * theme.Padding()
	for _, c := range []struct {
		name     string
		width    float32
		side     bool
		minWidth float32
	}{
		{"wide", 1200, true, 500},
		{"narrow", 700, false, 500},
		{"just wide enough", 900 + gap, true, 500},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, b := box(400, 300), box(500, 200)
			s := SideBySide(a, b)
			s.Resize(fyne.NewSize(c.width, 600))
			if side := b.Position().Y == 0 && b.Position().X >= a.Size().Width; side != c.side {
				t.Errorf("side by side %v at %v px (b at %v)", side, c.width, b.Position())
			}
			if b.Position().X+b.Size().Width > c.width+0.5 || a.Size().Width > c.width+0.5 {
				t.Errorf("reaches past %v px: a %v, b at %v sized %v", c.width, a.Size(), b.Position(), b.Size())
			}
			m := s.MinSize()
			wantH := float32(300)
			if !c.side {
				wantH = 500 + theme.Padding()
			}
			if m.Width != c.minWidth || m.Height != wantH {
				t.Errorf("MinSize %v, want %v wide and %v tall", m, c.minWidth, wantH)
			}
		})
	}
}
