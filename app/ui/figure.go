package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Figure is one line of text that changes often — a price, a Greek, the market's clock:
// drawn where a Label draws its text, in the colour of its importance and a Label's size,
// from glyphs rasterised once (glyphs.go). A Label shapes its text anew on every change,
// to measure it and again to draw it, which was most of what a tick cost the desk and the
// positions window; a Figure copies kept glyphs. Its text is not truncated: in a table, give
// its column the width of its widest figure. Use it on the UI goroutine.
type Figure struct {
	widget.BaseWidget
	text  string
	imp   widget.Importance
	align fyne.TextAlign
	style fyne.TextStyle

	// SizeName is the theme's size of the text, as a Label's; empty is the text size. Set it
	// before the figure is shown.
	SizeName fyne.ThemeSizeName
}

// NewFigure is an empty figure in the regular text style.
func NewFigure() *Figure { return NewFigureWithStyle(fyne.TextStyle{}) }

// NewFigureWithStyle is an empty figure in style (bold, monospace).
func NewFigureWithStyle(style fyne.TextStyle) *Figure {
	f := &Figure{style: style}
	f.ExtendBaseWidget(f)
	return f
}

// Text is the figure as shown.
func (f *Figure) Text() string { return f.text }

// Importance is the figure's colour.
func (f *Figure) Importance() widget.Importance { return f.imp }

// Set shows text in imp's colour, aligned; nothing is redrawn when nothing changed.
func (f *Figure) Set(text string, imp widget.Importance, align fyne.TextAlign) {
	if f.text == text && f.imp == imp && f.align == align {
		return
	}
	f.text, f.imp, f.align = text, imp, align
	f.Refresh()
}

// CreateRenderer draws the text.
func (f *Figure) CreateRenderer() fyne.WidgetRenderer {
	r := &figureRenderer{f: f, text: canvas.NewText("", nil)}
	r.glyphs = canvas.NewRaster(r.draw)
	r.glyphs.ScaleMode = canvas.ImageScaleSmooth // as Fyne draws text: a pixel stretched where the cell is not on whole pixels
	r.Refresh()
	return r
}

// figureRenderer draws the figure from kept glyphs (glyphs.go), or as Fyne's text when
// the font has no outline for one of its runes.
type figureRenderer struct {
	f      *Figure
	text   *canvas.Text
	glyphs *canvas.Raster

	// what the raster draws, set by Refresh
	shown string
	col   color.Color
	size  float32
	align fyne.TextAlign
	font  fyne.Resource
}

func (r *figureRenderer) pad() float32 {
	return r.f.Theme().Size(theme.SizeNameInnerPadding)
}

// lineHeight is the height of a line of text, as a Label measures it.
func (r *figureRenderer) lineHeight() float32 {
	th := r.f.Theme()
	return fyne.MeasureText("0", th.Size(r.f.sizeName()), r.f.style).Height
}

// sizeName is the theme's size of the figure's text.
func (f *Figure) sizeName() fyne.ThemeSizeName {
	if f.SizeName == "" {
		return theme.SizeNameText
	}
	return f.SizeName
}

func (r *figureRenderer) Layout(size fyne.Size) {
	p := r.pad()
	for _, o := range []fyne.CanvasObject{r.text, r.glyphs} {
		o.Move(fyne.NewPos(p, p))
		o.Resize(fyne.NewSize(max(size.Width-2*p, 0), r.lineHeight()))
	}
}

// MinSize is a Label's: the text's width and a line's height, padded.
func (r *figureRenderer) MinSize() fyne.Size {
	w := float32(0)
	if r.shown != "" {
		if r.text.Visible() {
			w = r.text.MinSize().Width
		} else {
			glyphsMu.Lock()
			if f := faceFor(r.font, r.size, 1, r.f.style.Monospace); f != nil {
				w = f.width(r.shown)
			}
			glyphsMu.Unlock()
		}
	}
	return fyne.NewSize(w+2*r.pad(), r.lineHeight()+2*r.pad())
}

func (r *figureRenderer) Refresh() {
	th := r.f.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.shown, r.align = r.f.text, r.f.align
	r.size, r.col = th.Size(r.f.sizeName()), th.Color(importanceColor(r.f.imp), v)
	r.font = th.Font(r.f.style)
	if r.glyphsDraw() {
		r.text.Hide()
		r.glyphs.Show()
		r.glyphs.Refresh()
		return
	}
	r.glyphs.Hide()
	r.text.Show()
	r.text.Text = r.shown
	r.text.Alignment = r.align
	r.text.TextSize = r.size
	r.text.Color = r.col
	r.text.TextStyle = r.f.style
	r.text.Refresh()
}

// glyphsDraw says whether the kept glyphs draw the figure (at scale 1: whether a rune
// has an outline does not depend on the scale).
func (r *figureRenderer) glyphsDraw() bool {
	glyphsMu.Lock()
	defer glyphsMu.Unlock()
	f := faceFor(r.font, r.size, 1, r.f.style.Monospace)
	return f != nil && f.draws(r.shown)
}

// draw is the raster of the figure, w × h pixels.
func (r *figureRenderer) draw(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if r.shown == "" || w <= 0 || h <= 0 {
		return img
	}
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(r.f); c != nil {
		scale = c.Scale()
	} else if lh := r.lineHeight(); lh > 0 {
		scale = float32(h) / lh
	}
	glyphsMu.Lock()
	defer glyphsMu.Unlock()
	f := faceFor(r.font, r.size, scale, r.f.style.Monospace)
	if f == nil || !f.draws(r.shown) {
		return img
	}
	x := float32(0)
	switch r.align {
	case fyne.TextAlignTrailing:
		x = float32(w) - f.width(r.shown)
	case fyne.TextAlignCenter:
		x = (float32(w) - f.width(r.shown)) / 2
	}
	f.drawText(img, r.shown, x, r.col)
	return img
}

func (r *figureRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.text, r.glyphs} }

func (r *figureRenderer) Destroy() {}

// importanceColor is the colour a Label gives text of importance imp.
func importanceColor(imp widget.Importance) fyne.ThemeColorName {
	switch imp {
	case widget.LowImportance:
		return theme.ColorNameDisabled
	case widget.HighImportance:
		return theme.ColorNamePrimary
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	case widget.SuccessImportance:
		return theme.ColorNameSuccess
	}
	return theme.ColorNameForeground
}
