package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Columns is a table layout: objects are placed row by row, Cols to a row. Each column is
// as wide as its widest visible cell and each row as tall as its tallest; every cell is
// given the whole width of its column, so a label aligned to the trailing edge lines up with
// the numbers above it. The Stretch column (if 0 ≤ Stretch < Cols) takes any spare width.
// A row whose cells are all hidden takes no space, so a form can hide a field's row.
type Columns struct {
	Cols    int
	Stretch int
}

// NewColumns returns a Columns layout with cols columns where column stretch takes the
// spare width; pass -1 to keep every column at its natural width.
func NewColumns(cols, stretch int) *Columns {
	return &Columns{Cols: cols, Stretch: stretch}
}

// measure returns the column widths and row heights (zero for a hidden row).
func (c *Columns) measure(objects []fyne.CanvasObject) (widths, heights []float32) {
	widths = make([]float32, c.Cols)
	rows := (len(objects) + c.Cols - 1) / c.Cols
	heights = make([]float32, rows)
	for i, o := range objects {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		col, row := i%c.Cols, i/c.Cols
		widths[col] = max(widths[col], m.Width)
		heights[row] = max(heights[row], m.Height)
	}
	return widths, heights
}

// rowVisible reports whether any cell of row r is visible.
func (c *Columns) rowVisible(objects []fyne.CanvasObject, r int) bool {
	for i := r * c.Cols; i < min((r+1)*c.Cols, len(objects)); i++ {
		if objects[i].Visible() {
			return true
		}
	}
	return false
}

// MinSize is the sum of column widths and visible row heights plus theme padding between.
func (c *Columns) MinSize(objects []fyne.CanvasObject) fyne.Size {
	if c.Cols <= 0 || len(objects) == 0 {
		return fyne.Size{}
	}
	pad := theme.Padding()
	widths, heights := c.measure(objects)
	var w, h float32
	for _, cw := range widths {
		w += cw
	}
	w += pad * float32(len(widths)-1)
	shown := 0
	for r, rh := range heights {
		if c.rowVisible(objects, r) {
			h += rh
			shown++
		}
	}
	if shown > 1 {
		h += pad * float32(shown-1)
	}
	return fyne.NewSize(w, h)
}

// Layout places every cell at its column and row, giving spare width to the Stretch column.
func (c *Columns) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	if c.Cols <= 0 {
		return
	}
	pad := theme.Padding()
	widths, heights := c.measure(objects)
	if c.Stretch >= 0 && c.Stretch < c.Cols {
		if spare := size.Width - c.MinSize(objects).Width; spare > 0 {
			widths[c.Stretch] += spare
		}
	}
	xs := make([]float32, c.Cols)
	for i := 1; i < c.Cols; i++ {
		xs[i] = xs[i-1] + widths[i-1] + pad
	}
	var y float32
	for r, rh := range heights {
		visible := c.rowVisible(objects, r)
		for col := 0; col < c.Cols; col++ {
			i := r*c.Cols + col
			if i >= len(objects) {
				break
			}
			objects[i].Move(fyne.NewPos(xs[col], y))
			objects[i].Resize(fyne.NewSize(widths[col], rh))
		}
		if visible {
			y += rh + pad
		}
	}
}
