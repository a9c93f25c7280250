package widgets

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// TickingText is one line of text that changes often — a figure, a clock, a caption with
// figures — drawn from glyphs rasterised once and kept (glyphs.go), or as Fyne's text when a
// rune has no glyph here. Set its fields and call Refresh; a renderer lists its Objects and
// moves and resizes it as it would a canvas.Text. Use it on the UI goroutine.
type TickingText struct {
	Text      string
	Color     color.Color
	TextSize  float32
	TextStyle fyne.TextStyle
	Alignment fyne.TextAlign

	owner  fyne.CanvasObject // whose canvas gives the pixel scale
	raster *canvas.Raster
	text   *canvas.Text

	// what the raster draws, as of the last Refresh
	shown drawn
}

type drawn struct {
	text  string
	col   color.Color
	size  float32
	style fyne.TextStyle
	align fyne.TextAlign
	font  fyne.Resource
}

// NewTickingText is an empty text drawn for owner, the widget it is part of.
func NewTickingText(owner fyne.CanvasObject) *TickingText {
	t := &TickingText{owner: owner, text: canvas.NewText("", nil)}
	t.raster = canvas.NewRaster(t.draw)
	t.raster.ScaleMode = canvas.ImageScaleSmooth // as Fyne draws text: a pixel stretched where the text is not on whole pixels
	t.text.Hide()
	return t
}

// Objects are the canvas objects that draw the text.
func (t *TickingText) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{t.text, t.raster} }

// Move places the text's box.
func (t *TickingText) Move(p fyne.Position) {
	t.text.Move(p)
	t.raster.Move(p)
}

// Resize sizes the text's box; the text is aligned in it.
func (t *TickingText) Resize(s fyne.Size) {
	t.text.Resize(s)
	t.raster.Resize(s)
}

// FallsBack says whether Fyne's text draws it (a rune without a kept glyph).
func (t *TickingText) FallsBack() bool { return t.text.Visible() }

// Refresh shows the fields in th's font; nothing is drawn again when nothing changed.
func (t *TickingText) Refresh(th fyne.Theme) {
	d := drawn{t.Text, t.Color, t.TextSize, t.TextStyle, t.Alignment, th.Font(t.TextStyle)}
	if d == t.shown {
		return
	}
	t.shown = d
	if t.glyphsDraw() {
		t.text.Hide()
		t.raster.Show()
		t.raster.Refresh()
		return
	}
	t.raster.Hide()
	t.text.Show()
	t.text.Text, t.text.Color, t.text.TextSize = d.text, d.col, d.size
	t.text.TextStyle, t.text.Alignment = d.style, d.align
	t.text.Refresh()
}

// Width is the text's width in Fyne's units, as canvas.Text measures it.
func (t *TickingText) Width() float32 {
	if t.shown.text == "" {
		return 0
	}
	if t.text.Visible() {
		return t.text.MinSize().Width
	}
	glyphsMu.Lock()
	defer glyphsMu.Unlock()
	if f := faceFor(t.shown.font, t.shown.size, 1, t.shown.style.Monospace); f != nil {
		return f.width(t.shown.text)
	}
	return 0
}

// glyphsDraw says whether kept glyphs draw the text (at scale 1: whether a rune has an
// outline does not depend on the scale).
func (t *TickingText) glyphsDraw() bool {
	glyphsMu.Lock()
	defer glyphsMu.Unlock()
	f := faceFor(t.shown.font, t.shown.size, 1, t.shown.style.Monospace)
	return f != nil && f.draws(t.shown.text)
}

// draw is the raster of the text, w × h pixels.
func (t *TickingText) draw(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	d := t.shown
	if d.text == "" || w <= 0 || h <= 0 {
		return img
	}
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(t.owner); c != nil {
		scale = c.Scale()
	} else if bw := t.raster.Size().Width; bw > 0 {
		scale = float32(w) / bw
	}
	glyphsMu.Lock()
	defer glyphsMu.Unlock()
	f := faceFor(d.font, d.size, scale, d.style.Monospace)
	if f == nil || !f.draws(d.text) {
		return img
	}
	x := float32(0)
	switch d.align {
	case fyne.TextAlignTrailing:
		x = float32(w) - f.width(d.text)
	case fyne.TextAlignCenter:
		x = (float32(w) - f.width(d.text)) / 2
	}
	f.drawText(img, d.text, x, d.col)
	return img
}
