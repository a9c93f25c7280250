package widgets

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"github.com/keel-desk/keel/format"
)

// Series is one line of a time chart: a value (in the chart's unit) at each time.
type Series struct {
	Name   string
	Times  []time.Time
	Values []float64
}

// ChartSpec says what a chart draws: lines over dates, a value axis labelled Unit (e.g. "$")
// and a date axis labelled DateLabel. Dots marks each point, for sparse series. Monthly
// draws each series as bars, side by side, one group per month, with a tick per month
// ("Jan 26"). The value axis steps by round amounts ($250, $500, $1,000).
type ChartSpec struct {
	Title     string
	Unit      string
	DateLabel string
	Series    []Series
	Dots      bool
	Monthly   bool
}

// ChartColors are the colours a chart is drawn with, normally the current Fyne theme's.
type ChartColors struct {
	Background, Foreground, Grid color.Color
	Lines                        []color.Color
}

// ErrTooFewPoints is returned by RenderChart when no series has two points to draw a line
// between.
var ErrTooFewPoints = errors.New("too few points to chart (need at least two)")

// RenderChart draws spec into a new width×height pixel image with go-chart. It returns an
// error, never an empty picture, when the data cannot be drawn (non-finite values,
// mismatched lengths, fewer than two points).
func RenderChart(spec ChartSpec, width, height int, colors ChartColors) (image.Image, error) {
	graph, err := chartGraph(spec, width, height, colors)
	if err != nil {
		return nil, err
	}
	return drawNew(graph)
}

// chartGraph is the go-chart chart RenderChart draws.
func chartGraph(spec ChartSpec, width, height int, colors ChartColors) (chart.Chart, error) {
	if width < 50 || height < 50 {
		return chart.Chart{}, fmt.Errorf("chart size %d×%d px is too small (at least 50×50)", width, height)
	}
	fg := drawColor(colors.Foreground)
	var series []chart.Series
	enough := false
	for i, s := range spec.Series {
		if len(s.Times) != len(s.Values) {
			return chart.Chart{}, fmt.Errorf("series %q: %d times but %d values", s.Name, len(s.Times), len(s.Values))
		}
		for j, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return chart.Chart{}, fmt.Errorf("series %q: value %d is %v", s.Name, j, v)
			}
		}
		if len(s.Times) >= 2 {
			enough = true
		}
		line := fg
		if len(colors.Lines) > 0 {
			line = drawColor(colors.Lines[i%len(colors.Lines)])
		}
		style := chart.Style{StrokeColor: line, StrokeWidth: 2}
		if spec.Dots && !spec.Monthly {
			style.DotColor = line
			style.DotWidth = 3
		}
		ts := chart.TimeSeries{Name: s.Name, XValues: s.Times, YValues: s.Values, Style: style}
		if spec.Monthly {
			series = append(series, barSeries{TimeSeries: ts, slot: i, slots: len(spec.Series)})
			if len(s.Times) >= 1 {
				enough = true // one month is a bar
			}
			continue
		}
		series = append(series, ts)
	}
	if !enough {
		return chart.Chart{}, ErrTooFewPoints
	}
	graph, err := plainChart(spec.Title, width, height, colors,
		spec.DateLabel, chart.TimeValueFormatterWithFormat("2006-01-02"),
		spec.Unit, func(v interface{}) string { return money(v) }, series)
	if err != nil {
		return chart.Chart{}, err
	}
	graph.YAxis.Range, graph.YAxis.Ticks = valueTicks(spec, axisValue(spec.Unit))
	if spec.Monthly {
		graph.XAxis.Range, graph.XAxis.Ticks = monthTicks(spec)
		graph.XAxis.GridMajorStyle, graph.XAxis.GridMinorStyle = chart.Style{}, chart.Style{}
	}
	if len(series) > 1 {
		// go-chart's own legends paint a white box that ignores the theme, so draw a line
		// key in the top padding, left of the title.
		graph.Background.Padding.Top = 40
		graph.Elements = []chart.Renderable{lineKey(series, fg)}
	}
	return graph, nil
}

// plainChart is the frame every Keel chart shares: the title, the size, the theme's
// background, axes and grid, and the bundled font; the caller adds ticks and keys.
func plainChart(title string, width, height int, colors ChartColors, xName string, xFormat chart.ValueFormatter,
	yName string, yFormat chart.ValueFormatter, series []chart.Series) (chart.Chart, error) {
	font, err := defaultFont()
	if err != nil {
		return chart.Chart{}, err
	}
	fg, bg := drawColor(colors.Foreground), drawColor(colors.Background)
	axis := chart.Style{FontColor: fg, StrokeColor: fg, FontSize: 9}
	grid := chart.Style{StrokeColor: drawColor(colors.Grid), StrokeWidth: 1}
	return chart.Chart{
		Title:      title,
		TitleStyle: chart.Style{FontColor: fg, FontSize: 10},
		Width:      width,
		Height:     height,
		Font:       font,
		Background: chart.Style{FillColor: bg, Padding: chart.Box{Top: 24, Left: 8, Right: 16, Bottom: 8}},
		Canvas:     chart.Style{FillColor: bg},
		XAxis: chart.XAxis{Name: xName, NameStyle: axis, Style: axis, ValueFormatter: xFormat,
			GridMajorStyle: grid, GridMinorStyle: grid},
		YAxis: chart.YAxis{Name: yName, NameStyle: axis, Style: axis, ValueFormatter: yFormat,
			GridMajorStyle: grid, GridMinorStyle: grid},
		Series: series,
	}, nil
}

// lineKey draws each series' name beside a short stroke of its colour, in one row just
// above the plot.
func lineKey(series []chart.Series, fg drawing.Color) chart.Renderable {
	return func(r chart.Renderer, plot chart.Box, defaults chart.Style) {
		r.SetFont(defaults.GetFont())
		r.SetFontSize(9)
		x, y := plot.Left, plot.Top-10
		for _, s := range series {
			style := s.GetStyle()
			r.SetStrokeColor(style.StrokeColor)
			r.SetStrokeWidth(2)
			r.MoveTo(x, y-4)
			r.LineTo(x+18, y-4)
			r.Stroke()
			r.SetFontColor(fg)
			r.Text(s.GetName(), x+24, y)
			x += 24 + r.MeasureText(s.GetName()).Width() + 20
		}
	}
}

// defaultFont loads go-chart's bundled Roboto once; go-chart's own lazy loading is not safe
// to call from several goroutines at once.
var defaultFont = sync.OnceValues(chart.GetDefaultFont)

// money formats an axis value as whole dollars with thousands separators: "$1,250",
// "−$300".
func money(v interface{}) string {
	f, ok := v.(float64)
	if !ok {
		return fmt.Sprint(v)
	}
	return format.USD(f, 0)
}

func drawColor(c color.Color) drawing.Color {
	if c == nil {
		return drawing.Color{A: 255}
	}
	r, g, b, a := c.RGBA()
	return drawing.Color{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(a >> 8)}
}

// Chart is a widget showing a ChartSpec drawn to exactly its pixel size, off the UI
// goroutine (see imageChart for when it redraws). Until the first image is ready, or when
// the data cannot be drawn, it shows a line of text saying why.
type Chart struct {
	imageChart
	spec ChartSpec // guarded by imageChart.mu
}

// NewChart returns a chart widget showing spec.
func NewChart(spec ChartSpec) *Chart {
	c := &Chart{spec: spec}
	c.init(c, func(dst *raster, colors ChartColors) (image.Image, error) {
		c.mu.Lock()
		s := c.spec
		c.mu.Unlock()
		img, err := drawInto(dst, func(w, h int) (chart.Chart, error) { return chartGraph(s, w, h, colors) })
		if err != nil {
			return nil, errors.New(errorNote(s, err))
		}
		return img, nil
	})
	return c
}

// SetSpec replaces what the chart shows and redraws it (any goroutine).
func (c *Chart) SetSpec(spec ChartSpec) {
	c.mu.Lock()
	c.spec, c.message = spec, ""
	c.mu.Unlock()
	c.changed()
}

// MinSize keeps the chart readable: 240×160.
func (c *Chart) MinSize() fyne.Size { return fyne.NewSize(240, 160) }

func errorNote(spec ChartSpec, err error) string {
	if errors.Is(err, ErrTooFewPoints) {
		return spec.Title + ": not enough data to chart yet (needs two or more dates)"
	}
	return spec.Title + ": " + err.Error()
}
