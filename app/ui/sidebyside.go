package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// SideBySide shows a and b side by side when the width holds both and one above the other
// when it does not, so a window with two columns of fields fits a 1024-px screen and uses a
// wide one. Put it in a vertical scroll: its MinSize is as narrow as the narrow arrangement,
// and as tall as the arrangement of its last layout.
func SideBySide(a, b fyne.CanvasObject) *fyne.Container {
	return container.New(&sideBySide{}, a, b)
}

// sideBySide is SideBySide's layout; width is the width it last laid out at.
type sideBySide struct{ width float32 }

func (*sideBySide) wide(objects []fyne.CanvasObject, width float32) bool {
	return len(objects) == 2 && objects[0].MinSize().Width+objects[1].MinSize().Width+4*theme.Padding() <= width
}

func (l *sideBySide) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	if len(objects) != 2 {
		return
	}
	l.width = size.Width
	a, b := objects[0], objects[1]
	if l.wide(objects, size.Width) {
		gap := 4 * theme.Padding()
		aw := a.MinSize().Width + (size.Width-a.MinSize().Width-b.MinSize().Width-gap)/2
		a.Move(fyne.NewPos(0, 0))
		a.Resize(fyne.NewSize(aw, a.MinSize().Height))
		b.Move(fyne.NewPos(aw+gap, 0))
		b.Resize(fyne.NewSize(size.Width-aw-gap, b.MinSize().Height))
		return
	}
	a.Move(fyne.NewPos(0, 0))
	a.Resize(fyne.NewSize(size.Width, a.MinSize().Height))
	b.Move(fyne.NewPos(0, a.MinSize().Height+theme.Padding()))
	b.Resize(fyne.NewSize(size.Width, b.MinSize().Height))
}

func (l *sideBySide) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	if l.width > 0 && l.wide(objects, l.width) {
		for _, o := range objects {
			m := o.MinSize()
			s.Width = max(s.Width, m.Width)
			s.Height = max(s.Height, m.Height)
		}
		return s
	}
	for i, o := range objects {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height
		if i > 0 {
			s.Height += theme.Padding()
		}
	}
	return s
}
