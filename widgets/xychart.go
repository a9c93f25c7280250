package widgets

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"

	"fyne.io/fyne/v2"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// XYSeries is one set of points of an XY chart, joined by a line in X order as given.
type XYSeries struct {
	Name string
	X, Y []float64
}

// XYSpec says what an XY chart draws: series of points with labelled axes. XLabel and
// YLabel name each axis with its unit ("cost, $"); XMoney and YMoney format the axis
// values as dollars, otherwise as plain numbers.
type XYSpec struct {
	Title          string
	XLabel, YLabel string
	XMoney, YMoney bool
	// Dots marks each point; without them the series are bare lines (histograms).
	Dots bool
	// YFromZero starts the Y axis at 0 with whole-number ticks (counts), which also gives
	// flat series a range.
	YFromZero bool
	// XWhole puts the X ticks on whole numbers only (days).
	XWhole bool
	Series []XYSeries
}

// RenderXYChart draws spec into a new width×height image with go-chart. It returns an
// error, never an empty picture, when the data cannot be drawn (non-finite values,
// mismatched lengths, no points).
func RenderXYChart(spec XYSpec, width, height int, colors ChartColors) (image.Image, error) {
	graph, err := xyGraph(spec, width, height, colors)
	if err != nil {
		return nil, err
	}
	return drawNew(graph)
}

// xyGraph is the go-chart chart RenderXYChart draws.
func xyGraph(spec XYSpec, width, height int, colors ChartColors) (chart.Chart, error) {
	if width < 50 || height < 50 {
		return chart.Chart{}, fmt.Errorf("chart size %d×%d px is too small (at least 50×50)", width, height)
	}
	fg := drawColor(colors.Foreground)
	var series []chart.Series
	points := 0
	for i, s := range spec.Series {
		if len(s.X) != len(s.Y) {
			return chart.Chart{}, fmt.Errorf("series %q: %d x values but %d y values", s.Name, len(s.X), len(s.Y))
		}
		for j := range s.X {
			if math.IsNaN(s.X[j]) || math.IsInf(s.X[j], 0) || math.IsNaN(s.Y[j]) || math.IsInf(s.Y[j], 0) {
				return chart.Chart{}, fmt.Errorf("series %q: point %d is (%v, %v)", s.Name, j, s.X[j], s.Y[j])
			}
		}
		if len(s.X) == 0 {
			continue
		}
		points += len(s.X)
		line := fg
		if pal := xyPalette(colors.Lines); len(pal) > 0 {
			line = pal[i%len(pal)]
		}
		x, y := s.X, s.Y
		if len(x) == 1 { // go-chart draws nothing of a one-point series: a dot on itself
			x, y = []float64{x[0], x[0]}, []float64{y[0], y[0]}
		}
		style := chart.Style{StrokeColor: line, StrokeWidth: 2}
		if spec.Dots || len(s.X) == 1 {
			style.DotColor, style.DotWidth = line, 3
		}
		series = append(series, chart.ContinuousSeries{Name: s.Name, XValues: x, YValues: y, Style: style})
	}
	if points == 0 {
		return chart.Chart{}, ErrTooFewPoints
	}
	format := func(m bool, span float64) chart.ValueFormatter {
		if m && span < 20 {
			return func(v interface{}) string { return cents(v) }
		}
		if m {
			return func(v interface{}) string { return money(v) }
		}
		return func(v interface{}) string {
			if f, ok := v.(float64); ok {
				return fmt.Sprintf("%.3g", f)
			}
			return fmt.Sprint(v)
		}
	}
	graph, err := plainChart(spec.Title, width, height, colors,
		spec.XLabel, format(spec.XMoney, span(spec.Series, true)),
		spec.YLabel, format(spec.YMoney, span(spec.Series, false)), series)
	if err != nil {
		return chart.Chart{}, err
	}
	if spec.YFromZero || spec.XWhole {
		xlo, xhi, yhi := math.Inf(1), math.Inf(-1), 0.0
		for _, s := range spec.Series {
			for j := range s.X {
				xlo, xhi, yhi = math.Min(xlo, s.X[j]), math.Max(xhi, s.X[j]), math.Max(yhi, s.Y[j])
			}
		}
		if spec.YFromZero {
			if yhi <= 0 {
				yhi = 1
			}
			graph.YAxis.Ticks = wholeTicks(0, 1.1*yhi, 6, true)
			graph.YAxis.Range = &chart.ContinuousRange{Min: 0, Max: graph.YAxis.Ticks[len(graph.YAxis.Ticks)-1].Value}
		}
		if spec.XWhole {
			graph.XAxis.Ticks = wholeTicks(xlo, xhi, 10, false)
		}
	}
	if len(series) > 1 {
		rows := xyKeyRows(series, width-40)
		graph.Background.Padding.Top = 34 + 14*len(rows)
		graph.Elements = []chart.Renderable{wrappedKey(series, rows, fg)}
	}
	return graph, nil
}

// xyPalette is the theme's line colours without repeats (a theme may give two roles one
// colour), then violet and sky blue, so five or six series stay apart.
func xyPalette(lines []color.Color) []drawing.Color {
	var out []drawing.Color
	for _, c := range lines {
		d := drawColor(c)
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return append(out, drawing.Color{R: 0xa7, G: 0x8b, B: 0xfa, A: 255}, drawing.Color{R: 0x60, G: 0xa5, B: 0xfa, A: 255})
}

// span is the range of the series' x (or y) values.
func span(series []XYSeries, x bool) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		vs := s.Y
		if x {
			vs = s.X
		}
		for _, v := range vs {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	return hi - lo
}

// cents formats an axis value as dollars and cents: "$1.25", "−$0.30".
func cents(v interface{}) string {
	f, ok := v.(float64)
	if !ok {
		return fmt.Sprint(v)
	}
	if f < 0 {
		return fmt.Sprintf("−$%.2f", -f)
	}
	return fmt.Sprintf("$%.2f", f)
}

// xyKeyWidth estimates the width of one entry of the key at font size 9: a stroke, a gap and
// the name at about 6.2 px a character (Roboto's average), and the space after it.
func xyKeyWidth(name string) int { return 24 + int(6.2*float64(len([]rune(name)))) + 16 }

// xyKeyRows splits the series into rows of the key no wider than width.
func xyKeyRows(series []chart.Series, width int) [][]int {
	var rows [][]int
	x := width + 1
	for i, s := range series {
		w := xyKeyWidth(s.GetName())
		if x+w > width && x > 0 {
			rows, x = append(rows, nil), 0
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], i)
		x += w
	}
	return rows
}

// wrappedKey draws each series' name beside a short stroke of its colour, in the rows
// keyRows made, above the plot.
func wrappedKey(series []chart.Series, rows [][]int, fg drawing.Color) chart.Renderable {
	return func(r chart.Renderer, plot chart.Box, defaults chart.Style) {
		r.SetFont(defaults.GetFont())
		r.SetFontSize(9)
		for k, row := range rows {
			x, y := plot.Left, plot.Top-10-14*(len(rows)-1-k)
			for _, i := range row {
				s := series[i]
				style := s.GetStyle()
				r.SetStrokeColor(style.StrokeColor)
				r.SetStrokeWidth(2)
				r.MoveTo(x, y-4)
				r.LineTo(x+18, y-4)
				r.Stroke()
				r.SetFontColor(fg)
				r.Text(s.GetName(), x+24, y)
				x += xyKeyWidth(s.GetName())
			}
		}
	}
}

// XYChart is a widget showing an XYSpec drawn to exactly its pixel size, off the UI
// goroutine; until there are points it says so in a line of text.
type XYChart struct {
	imageChart
	spec XYSpec // guarded by imageChart.mu
}

// NewXYChart returns a chart widget showing spec.
func NewXYChart(spec XYSpec) *XYChart {
	c := &XYChart{spec: spec}
	c.init(c, func(dst *raster, colors ChartColors) (image.Image, error) {
		c.mu.Lock()
		s := c.spec
		c.mu.Unlock()
		img, err := drawInto(dst, func(w, h int) (chart.Chart, error) { return xyGraph(s, w, h, colors) })
		if errors.Is(err, ErrTooFewPoints) {
			return nil, errors.New(s.Title + ": no results yet")
		}
		if err != nil {
			return nil, errors.New(s.Title + ": " + err.Error())
		}
		return img, nil
	})
	return c
}

// SetSpec replaces what the chart shows and redraws it (any goroutine).
func (c *XYChart) SetSpec(spec XYSpec) {
	c.mu.Lock()
	c.spec, c.message = spec, ""
	c.mu.Unlock()
	c.changed()
}

// MinSize keeps the chart readable: 240×160.
func (c *XYChart) MinSize() fyne.Size { return fyne.NewSize(240, 160) }

// wholeTicks are ticks on whole numbers from lo (rounded up) by a whole step giving at most
// about n of them; with cover the last tick reaches hi or beyond, else it stays within hi.
func wholeTicks(lo, hi float64, n int, cover bool) []chart.Tick {
	step := math.Max(1, math.Ceil((hi-lo)/float64(n)))
	end := hi
	if cover {
		end = math.Ceil(lo) + step*math.Max(1, math.Ceil((hi-math.Ceil(lo))/step))
	}
	var ticks []chart.Tick
	for x := math.Ceil(lo); x <= end+1e-9; x += step {
		ticks = append(ticks, chart.Tick{Value: x, Label: fmt.Sprintf("%.0f", x)})
	}
	return ticks
}
