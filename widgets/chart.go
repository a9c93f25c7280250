package widgets

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// Series is one line of a time chart: a value (in the chart's unit) at each time.
type Series struct {
	Name   string
	Times  []time.Time
	Values []float64
}

// ChartSpec says what a chart draws: lines over dates, a value axis labelled Unit (e.g. "$")
// and a date axis labelled DateLabel. Dots marks each point, for sparse series.
type ChartSpec struct {
	Title     string
	Unit      string
	DateLabel string
	Series    []Series
	Dots      bool
}

// ChartColors are the colours a chart is drawn with, normally the current Fyne theme's.
type ChartColors struct {
	Background, Foreground, Grid color.Color
	Lines                        []color.Color
}

// ErrTooFewPoints is returned by RenderChart when no series has two points to draw a line
// between.
var ErrTooFewPoints = errors.New("too few points to chart (need at least two)")

// RenderChart draws spec into a width×height pixel image with go-chart. It returns an
// error, never an empty picture, when the data cannot be drawn (non-finite values,
// mismatched lengths, fewer than two points).
func RenderChart(spec ChartSpec, width, height int, colors ChartColors) (image.Image, error) {
	if width < 50 || height < 50 {
		return nil, fmt.Errorf("chart size %d×%d px is too small (at least 50×50)", width, height)
	}
	fg, bg, grid := drawColor(colors.Foreground), drawColor(colors.Background), drawColor(colors.Grid)
	var series []chart.Series
	enough := false
	for i, s := range spec.Series {
		if len(s.Times) != len(s.Values) {
			return nil, fmt.Errorf("series %q: %d times but %d values", s.Name, len(s.Times), len(s.Values))
		}
		for j, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("series %q: value %d is %v", s.Name, j, v)
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
		if spec.Dots {
			style.DotColor = line
			style.DotWidth = 3
		}
		series = append(series, chart.TimeSeries{Name: s.Name, XValues: s.Times, YValues: s.Values, Style: style})
	}
	if !enough {
		return nil, ErrTooFewPoints
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
		XAxis: chart.XAxis{
			Name: spec.DateLabel, NameStyle: axis, Style: axis,
			ValueFormatter: chart.TimeValueFormatterWithFormat("2006-01-02"),
			GridMajorStyle: gridStyle, GridMinorStyle: gridStyle,
		},
		YAxis: chart.YAxis{
			Name: spec.Unit, NameStyle: axis, Style: axis,
			ValueFormatter: func(v interface{}) string { return money(v) },
			GridMajorStyle: gridStyle, GridMinorStyle: gridStyle,
		},
		Series: series,
	}
	font, err := defaultFont()
	if err != nil {
		return nil, err
	}
	graph.Font = font
	if len(series) > 1 {
		// go-chart's own legends paint a white box that ignores the theme, so draw a line
		// key in the top padding, left of the title.
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
	sign := ""
	if f < 0 {
		sign, f = "−", -f
	}
	s := fmt.Sprintf("%.0f", math.Round(f))
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + "$" + s
}

func drawColor(c color.Color) drawing.Color {
	if c == nil {
		return drawing.Color{A: 255}
	}
	r, g, b, a := c.RGBA()
	return drawing.Color{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(a >> 8)}
}

// ThemeChartColors are the current Fyne theme's colours for a chart: its background,
// foreground and separator colours, and the primary, error and success colours for lines.
func ThemeChartColors() ChartColors {
	return ChartColors{
		Background: theme.Color(theme.ColorNameBackground),
		Foreground: theme.Color(theme.ColorNameForeground),
		Grid:       theme.Color(theme.ColorNameSeparator),
		Lines: []color.Color{theme.Color(theme.ColorNamePrimary), theme.Color(theme.ColorNameError),
			theme.Color(theme.ColorNameSuccess)},
	}
}

// Chart is a widget showing a ChartSpec drawn to exactly its size. Drawing happens off the
// UI goroutine whenever the size, data or theme changes; the finished image is swapped in
// with fyne.Do. Until the first image is ready, or when the data cannot be drawn, it shows a
// line of text saying why.
type Chart struct {
	widget.BaseWidget

	mu       sync.Mutex
	spec     ChartSpec
	gen      int // bumped by every change; a render whose gen is stale is dropped
	drawn    fyne.Size
	drawnGen int
	rendered chan struct{} // closed and replaced when a render lands, for tests
	current  image.Image
	busy     bool // a worker goroutine is rendering
	px       [2]int
	colors   ChartColors

	image *canvas.Image
	note  *widget.Label
}

// NewChart returns a chart widget showing spec.
func NewChart(spec ChartSpec) *Chart {
	c := &Chart{spec: spec, rendered: make(chan struct{})}
	c.image = canvas.NewImageFromImage(nil)
	c.image.FillMode = canvas.ImageFillStretch
	c.image.ScaleMode = canvas.ImageScaleFastest
	c.note = widget.NewLabel("Drawing chart…")
	c.note.Alignment = fyne.TextAlignCenter
	c.ExtendBaseWidget(c)
	return c
}

// SetSpec replaces what the chart shows and redraws it.
func (c *Chart) SetSpec(spec ChartSpec) {
	c.mu.Lock()
	c.spec = spec
	c.gen++
	c.mu.Unlock()
	c.Refresh()
}

// Image is the image currently shown, nil while none is drawn.
func (c *Chart) Image() image.Image {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.current
}

// Rendered returns a channel closed when the next image (or error note) is swapped in.
func (c *Chart) Rendered() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rendered
}

// MinSize keeps the chart readable: 240×160.
func (c *Chart) MinSize() fyne.Size { return fyne.NewSize(240, 160) }

// CreateRenderer is part of fyne.Widget.
func (c *Chart) CreateRenderer() fyne.WidgetRenderer {
	return &chartRenderer{c: c, objects: []fyne.CanvasObject{c.image, container.NewCenter(c.note)}}
}

// redraw asks for a render if the size or data changed since the last one. One worker
// goroutine per chart renders the latest request, so a burst of resizes draws only the last.
func (c *Chart) redraw(size fyne.Size) {
	if size.Width < 50 || size.Height < 50 {
		return
	}
	scale := float32(1)
	if cv := fyne.CurrentApp().Driver().CanvasForObject(c); cv != nil {
		scale = cv.Scale()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.drawn == size && c.drawnGen == c.gen {
		return
	}
	c.drawn, c.drawnGen = size, c.gen
	c.colors = ThemeChartColors()
	c.px = [2]int{int(math.Round(float64(size.Width * scale))), int(math.Round(float64(size.Height * scale)))}
	if !c.busy {
		c.busy = true
		go c.work()
	}
}

func (c *Chart) work() {
	for {
		c.mu.Lock()
		gen, spec, px, colors := c.gen, c.spec, c.px, c.colors
		c.mu.Unlock()
		img, err := RenderChart(spec, px[0], px[1], colors)
		DoAndWait(func() {
			c.mu.Lock()
			stale := gen != c.gen || px != c.px
			done := c.rendered
			if !stale {
				c.rendered = make(chan struct{})
				c.current = img
			}
			c.mu.Unlock()
			if stale {
				return
			}
			if err != nil {
				c.image.Image = nil
				c.note.SetText(errorNote(spec, err))
				c.note.Show()
			} else {
				c.image.Image = img
				c.note.Hide()
			}
			c.image.Refresh()
			close(done)
		})
		c.mu.Lock()
		if gen == c.gen && px == c.px {
			c.busy = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
	}
}

func errorNote(spec ChartSpec, err error) string {
	if errors.Is(err, ErrTooFewPoints) {
		return spec.Title + ": not enough data to chart yet (needs two or more dates)"
	}
	return spec.Title + ": " + err.Error()
}

type chartRenderer struct {
	c       *Chart
	objects []fyne.CanvasObject
}

func (r *chartRenderer) Layout(size fyne.Size) {
	for _, o := range r.objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	r.c.redraw(size)
}

func (r *chartRenderer) MinSize() fyne.Size           { return r.c.MinSize() }
func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *chartRenderer) Destroy()                     {}

// Refresh redraws on a data or theme change (a theme change bumps the generation so the
// colours are read again).
func (r *chartRenderer) Refresh() {
	r.c.mu.Lock()
	r.c.gen++
	r.c.mu.Unlock()
	r.c.redraw(r.c.Size())
	canvas.Refresh(r.c)
}
