package widgets

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// gaugeBarHeight is the height of a BalanceGauge's bar.
const gaugeBarHeight float32 = 18

// BalanceGauge is a horizontal bar weighing two opposing amounts: the left amount grows
// from the middle to the left, the right amount from the middle to the right, both on one
// scale (the larger amount fills its half), so the longer side is the heavier one at a
// glance. Above the bar sit three captions: the left amount's, a centre caption (the
// balance) and the right amount's. Amounts are magnitudes (≥ 0); anything else counts as 0.
// It is drawn with canvas primitives in the theme's colours: LeftColor and RightColor
// (theme.ColorNameError and theme.ColorNameSuccess by default).
type BalanceGauge struct {
	widget.BaseWidget

	LeftColor, RightColor fyne.ThemeColorName

	left, right                     float64
	leftText, centreText, rightText string
}

// NewBalanceGauge returns an empty gauge.
func NewBalanceGauge() *BalanceGauge {
	g := &BalanceGauge{LeftColor: theme.ColorNameError, RightColor: theme.ColorNameSuccess}
	g.ExtendBaseWidget(g)
	return g
}

// Set changes the amounts and captions and redraws the gauge only when something changed.
// Call it on the UI goroutine.
func (g *BalanceGauge) Set(left, right float64, leftText, centreText, rightText string) {
	left, right = magnitude(left), magnitude(right)
	if left == g.left && right == g.right && leftText == g.leftText && centreText == g.centreText && rightText == g.rightText {
		return
	}
	g.left, g.right = left, right
	g.leftText, g.centreText, g.rightText = leftText, centreText, rightText
	g.Refresh()
}

// Fractions are how much of its half each side's bar fills, in [0, 1].
func (g *BalanceGauge) Fractions() (left, right float64) {
	scale := math.Max(g.left, g.right)
	if scale == 0 {
		return 0, 0
	}
	return g.left / scale, g.right / scale
}

// Captions are the three captions, left to right.
func (g *BalanceGauge) Captions() (left, centre, right string) {
	return g.leftText, g.centreText, g.rightText
}

func magnitude(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// CreateRenderer draws the gauge.
func (g *BalanceGauge) CreateRenderer() fyne.WidgetRenderer {
	r := &gaugeRenderer{g: g,
		track:  canvas.NewRectangle(nil),
		left:   canvas.NewRectangle(nil),
		right:  canvas.NewRectangle(nil),
		middle: canvas.NewRectangle(nil),
	}
	r.lText, r.cText, r.rText = NewTickingText(g), NewTickingText(g), NewTickingText(g)
	r.cText.Alignment = fyne.TextAlignCenter
	r.rText.Alignment = fyne.TextAlignTrailing
	r.cText.TextStyle = fyne.TextStyle{Bold: true}
	r.Refresh()
	return r
}

type gaugeRenderer struct {
	g                          *BalanceGauge
	track, left, right, middle *canvas.Rectangle
	lText, cText, rText        *TickingText // the captions tick with the market
}

func (r *gaugeRenderer) Objects() []fyne.CanvasObject {
	objects := []fyne.CanvasObject{r.track, r.left, r.right, r.middle}
	for _, t := range []*TickingText{r.lText, r.cText, r.rText} {
		objects = append(objects, t.Objects()...)
	}
	return objects
}

func (r *gaugeRenderer) Destroy() {}

func (r *gaugeRenderer) textHeight() float32 {
	return fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{Bold: true}).Height
}

func (r *gaugeRenderer) MinSize() fyne.Size {
	pad := theme.Padding()
	w := r.lText.Width() + r.cText.Width() + r.rText.Width() + 4*pad
	return fyne.NewSize(max(w, 200), r.textHeight()+pad+gaugeBarHeight)
}

func (r *gaugeRenderer) Layout(size fyne.Size) {
	pad := theme.Padding()
	th := r.textHeight()
	r.lText.Move(fyne.NewPos(0, 0))
	r.lText.Resize(fyne.NewSize(size.Width/2, th))
	r.rText.Move(fyne.NewPos(size.Width/2, 0))
	r.rText.Resize(fyne.NewSize(size.Width/2, th))
	r.cText.Move(fyne.NewPos(0, 0))
	r.cText.Resize(fyne.NewSize(size.Width, th))

	y := th + pad
	h := max(size.Height-y, 4)
	r.track.Move(fyne.NewPos(0, y))
	r.track.Resize(fyne.NewSize(size.Width, h))
	half := size.Width / 2
	lf, rf := r.g.Fractions()
	lw, rw := float32(lf)*half, float32(rf)*half
	r.left.Move(fyne.NewPos(half-lw, y))
	r.left.Resize(fyne.NewSize(lw, h))
	r.right.Move(fyne.NewPos(half, y))
	r.right.Resize(fyne.NewSize(rw, h))
	r.middle.Move(fyne.NewPos(half-1, y-pad/2))
	r.middle.Resize(fyne.NewSize(2, h+pad))
}

func (r *gaugeRenderer) Refresh() {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	th := r.g.Theme()
	fg := th.Color(theme.ColorNameForeground, v)
	r.track.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.track.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	r.track.StrokeWidth = 1
	r.track.CornerRadius = 3
	r.left.FillColor = th.Color(r.g.LeftColor, v)
	r.right.FillColor = th.Color(r.g.RightColor, v)
	r.middle.FillColor = fg
	r.lText.Text, r.cText.Text, r.rText.Text = r.g.leftText, r.g.centreText, r.g.rightText
	for _, t := range []*TickingText{r.lText, r.cText, r.rText} {
		t.Color = fg
		t.TextSize = th.Size(theme.SizeNameText)
		t.Refresh(th)
	}
	r.Layout(r.g.Size())
	for _, o := range []fyne.CanvasObject{r.track, r.left, r.right, r.middle} {
		o.Refresh()
	}
}
