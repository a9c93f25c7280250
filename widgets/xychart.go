package widgets

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"

	"fyne.io/fyne/v2"
	chart "github.com/wcharczuk/go-chart/v2"
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
	Series         []XYSeries
}

// RenderXYChart draws spec into a width×height image with go-chart. It returns an error,
// never an empty picture, when the data cannot be drawn (non-finite values, mismatched
// lengths, no points).
func RenderXYChart(spec XYSpec, width, height int, colors ChartColors) (image.Image, error) {
	if width < 50 || height < 50 {
		return nil, fmt.Errorf("chart size %d×%d px is too small (at least 50×50)", width, height)
	}
	fg, bg, grid := drawColor(colors.Foreground), drawColor(colors.Background), drawColor(colors.Grid)
	var series []chart.Series
	points := 0
	for i, s := range spec.Series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("series %q: %d x values but %d y values", s.Name, len(s.X), len(s.Y))
		}
		for j := range s.X {
			if math.IsNaN(s.X[j]) || math.IsInf(s.X[j], 0) || math.IsNaN(s.Y[j]) || math.IsInf(s.Y[j], 0) {
				return nil, fmt.Errorf("series %q: point %d is (%v, %v)", s.Name, j, s.X[j], s.Y[j])
			}
		}
		if len(s.X) == 0 {
			continue
		}
		points += len(s.X)
		line := fg
		if len(colors.Lines) > 0 {
			line = drawColor(colors.Lines[i%len(colors.Lines)])
		}
		x, y := s.X, s.Y
		if len(x) == 1 { // go-chart draws nothing of a one-point series: a dot on itself
			x, y = []float64{x[0], x[0]}, []float64{y[0], y[0]}
		}
		series = append(series, chart.ContinuousSeries{Name: s.Name, XValues: x, YValues: y,
			Style: chart.Style{StrokeColor: line, StrokeWidth: 2, DotColor: line, DotWidth: 3}})
	}
	if points == 0 {
		return nil, ErrTooFewPoints
	}
	format := func(m bool) chart.ValueFormatter {
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
	axis := chart.Style{FontColor: fg, StrokeColor: fg, FontSize: 9}
	gridStyle := chart.Style{StrokeColor: grid, StrokeWidth: 1}
	graph := chart.Chart{
		Title:      spec.Title,
		TitleStyle: chart.Style{FontColor: fg, FontSize: 10},
		Width:      width,
		Height:     height,
		Background: chart.Style{FillColor: bg, Padding: chart.Box{Top: 24, Left: 8, Right: 16, Bottom: 8}},
		Canvas:     chart.Style{FillColor: bg},
		XAxis: chart.XAxis{Name: spec.XLabel, NameStyle: axis, Style: axis, ValueFormatter: format(spec.XMoney),
			GridMajorStyle: gridStyle, GridMinorStyle: gridStyle},
		YAxis: chart.YAxis{Name: spec.YLabel, NameStyle: axis, Style: axis, ValueFormatter: format(spec.YMoney),
			GridMajorStyle: gridStyle, GridMinorStyle: gridStyle},
		Series: series,
	}
	font, err := defaultFont()
	if err != nil {
		return nil, err
	}
	graph.Font = font
	if len(series) > 1 {
		graph.Background.Padding.Top = 40
		graph.Elements = []chart.Renderable{lineKey(series, fg)}
	}
	var buf bytes.Buffer
	if err := graph.Render(chart.PNG, &buf); err != nil {
		return nil, fmt.Errorf("chart %q: %w", spec.Title, err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		return nil, fmt.Errorf("chart %q: %w", spec.Title, err)
	}
	return img, nil
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
	c.init(c, func(w, h int, colors ChartColors) (image.Image, error) {
		c.mu.Lock()
		s := c.spec
		c.mu.Unlock()
		img, err := RenderXYChart(s, w, h, colors)
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
