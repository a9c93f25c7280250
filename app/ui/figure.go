package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/widgets"
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
	r := &figureRenderer{f: f, text: widgets.NewTickingText(f)}
	r.Refresh()
	return r
}

// figureRenderer draws the figure as ticking text.
type figureRenderer struct {
	f    *Figure
	text *widgets.TickingText
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
	r.text.Move(fyne.NewPos(p, p))
	r.text.Resize(fyne.NewSize(max(size.Width-2*p, 0), r.lineHeight()))
}

// MinSize is a Label's: the text's width and a line's height, padded.
func (r *figureRenderer) MinSize() fyne.Size {
	return fyne.NewSize(r.text.Width()+2*r.pad(), r.lineHeight()+2*r.pad())
}

func (r *figureRenderer) Refresh() {
	th := r.f.Theme()
	t := r.text
	t.Text, t.Alignment, t.TextStyle = r.f.text, r.f.align, r.f.style
	t.TextSize = th.Size(r.f.sizeName())
	t.Color = th.Color(importanceColor(r.f.imp), fyne.CurrentApp().Settings().ThemeVariant())
	t.Refresh(th)
}

func (r *figureRenderer) Objects() []fyne.CanvasObject { return r.text.Objects() }

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
