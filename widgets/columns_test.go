package widgets

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

func box(w, h float32) *canvas.Rectangle {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, h))
	return r
}

func TestColumnsSizesCellsByColumnAndRow(t *testing.T) {
	newTestApp(t)
	pad := theme.Padding()
	a, b := box(40, 10), box(20, 30)
	c, d := box(10, 20), box(60, 5)
	cont := container.New(NewColumns(2, -1), a, b, c, d)

	// column widths 40 and 60, row heights 30 and 20
	want := fyne.NewSize(40+60+pad, 30+20+pad)
	if got := cont.MinSize(); got != want {
		t.Fatalf("MinSize = %v, want %v", got, want)
	}
	cont.Resize(want)
	if d.Position() != fyne.NewPos(40+pad, 30+pad) || d.Size() != fyne.NewSize(60, 20) {
		t.Errorf("cell (1,1) at %v size %v", d.Position(), d.Size())
	}
	if b.Size() != fyne.NewSize(60, 30) {
		t.Errorf("cell (0,1) size %v, want the whole column width and row height", b.Size())
	}
}

func TestColumnsStretchAndHiddenRows(t *testing.T) {
	newTestApp(t)
	pad := theme.Padding()
	a, b := box(40, 10), box(20, 10)
	c, d := box(40, 50), box(20, 50)
	e, f := box(40, 10), box(20, 10)
	cont := container.New(NewColumns(2, 1), a, b, c, d, e, f)
	c.Hide()
	d.Hide()

	if got, want := cont.MinSize().Height, 10+10+pad; got != want {
		t.Fatalf("MinSize height with the middle row hidden = %v, want %v", got, want)
	}
	cont.Resize(fyne.NewSize(200, 100))
	if got, want := b.Size().Width, 200-40-pad; got != want {
		t.Errorf("stretch column width = %v, want %v", got, want)
	}
	if got, want := e.Position().Y, 10+pad; got != want {
		t.Errorf("row after the hidden row at y = %v, want %v", got, want)
	}
}
