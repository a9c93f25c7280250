package journal

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// flowLayout places objects left to right at their minimum size and starts a new row when
// the next would pass the right edge: the filter bar is one row at 1280 px and two at 1024,
// never a row that scrolls sideways. Its minimum height follows the width it was last laid
// out at (Fyne lays a container out again when its minimum size changes).
type flowLayout struct{ width float32 }

func (f *flowLayout) rows(objects []fyne.CanvasObject, width float32, place bool) fyne.Size {
	pad := theme.Padding()
	var x, y, rowH, widest float32
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if x > 0 && width > 0 && x+m.Width > width {
			x, y, rowH = 0, y+rowH+pad, 0
		}
		if place {
			o.Move(fyne.NewPos(x, y))
			o.Resize(m)
		}
		x += m.Width + pad
		rowH = max(rowH, m.Height)
		widest = max(widest, m.Width)
	}
	return fyne.NewSize(widest, y+rowH)
}

// Layout places the objects, wrapping at size's width.
func (f *flowLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	f.rows(objects, size.Width, true)
}

// MinSize is as wide as the widest object and as tall as the rows at the last width.
func (f *flowLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return f.rows(objects, f.width, false)
}

// barAbove lays out a bar (objects[0], holding a flowLayout) across the top at the height its
// rows take at the current width, and the rest (objects[1]) below it. Working the bar's
// height out here, at every layout, keeps a second row of filters from covering the list.
type barAbove struct{ flow *flowLayout }

func (b barAbove) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	b.flow.width = size.Width
	h := objects[0].MinSize().Height
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(fyne.NewSize(size.Width, h))
	pad := theme.Padding()
	objects[1].Move(fyne.NewPos(0, h+pad))
	objects[1].Resize(fyne.NewSize(size.Width, max(0, size.Height-h-pad)))
}

func (b barAbove) MinSize(objects []fyne.CanvasObject) fyne.Size {
	top, rest := objects[0].MinSize(), objects[1].MinSize()
	return fyne.NewSize(max(top.Width, rest.Width), top.Height+theme.Padding()+rest.Height)
}
