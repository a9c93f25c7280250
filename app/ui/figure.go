package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Figure is one line of text for a table cell that changes often — a price, a Greek: drawn
// where a Label draws its text, in the colour of its importance, but never measured again
// when it changes. A Label lays its text out anew on every change (shaping it to measure
// it), which is most of what a tick costs a table of figures; a Figure only redraws. Its
// text is not truncated: give its column the width of its widest figure. Use it on the UI
// goroutine.
type Figure struct {
	widget.BaseWidget
	text  string
	imp   widget.Importance
	align fyne.TextAlign
}

// NewFigure is an empty figure.
func NewFigure() *Figure {
	f := &Figure{}
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
	r.Refresh()
	return r
}

type figureRenderer struct {
	f    *Figure
	text *canvas.Text
}

func (r *figureRenderer) pad() float32 {
	return r.f.Theme().Size(theme.SizeNameInnerPadding)
}

// lineHeight is the height of a line of text, as a Label measures it.
func (r *figureRenderer) lineHeight() float32 {
	th := r.f.Theme()
	return fyne.MeasureText("0", th.Size(theme.SizeNameText), fyne.TextStyle{}).Height
}

func (r *figureRenderer) Layout(size fyne.Size) {
	p := r.pad()
	r.text.Move(fyne.NewPos(p, p))
	r.text.Resize(fyne.NewSize(max(size.Width-2*p, 0), r.lineHeight()))
}

// MinSize is a Label's height; the width is the column's.
func (r *figureRenderer) MinSize() fyne.Size {
	return fyne.NewSize(0, r.lineHeight()+2*r.pad())
}

func (r *figureRenderer) Refresh() {
	th := r.f.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.text.Text = r.f.text
	r.text.Alignment = r.f.align
	r.text.TextSize = th.Size(theme.SizeNameText)
	r.text.Color = th.Color(importanceColor(r.f.imp), v)
	r.text.Refresh()
}

func (r *figureRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.text} }

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
