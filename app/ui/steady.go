package ui

import "fyne.io/fyne/v2"

// Steady holds o in a cell that grows with it but never shrinks: a figure that ticks (the
// desk's Greeks at a glance) keeps its column's width when a narrower value follows a
// wider one, so the row does not shift left and right with the market — and the window
// is not laid out and painted a second time each time it would.
func Steady(o fyne.CanvasObject) fyne.CanvasObject {
	return &fyne.Container{Layout: &steadyLayout{}, Objects: []fyne.CanvasObject{o}}
}

// steadyLayout is Steady's layout: the largest MinSize its object has had.
type steadyLayout struct{ min fyne.Size }

func (s *steadyLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	for _, o := range objects {
		if o.Visible() {
			s.min = s.min.Max(o.MinSize())
		}
	}
	return s.min
}

func (s *steadyLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
