package widgets

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"github.com/keel-desk/keel/format"
)

// GreekChartSpec says what a Greeks-over-time chart draws: one line per series (the book
// and its layers), over the time window From–To, against a value axis named Unit
// ("SPY shares", "$ per 1% move").
type GreekChartSpec struct {
	Title    string
	Unit     string
	From, To time.Time // the window; a zero From or To is taken from the data
	Series   []Series
}

// Downsample thins a series to at most two points per bucket: the window From–To is cut
// into buckets of equal time (one per pixel column) and each bucket keeps its lowest and
// its highest value, in time order, so a spike narrower than a pixel still reaches its
// height on the chart. The series' times must increase. Points outside the window are
// dropped; a series that already fits is returned with only that filtering.
func Downsample(s Series, from, to time.Time, buckets int) Series {
	out := Series{Name: s.Name}
	lo := sort.Search(len(s.Times), func(i int) bool { return !s.Times[i].Before(from) })
	hi := sort.Search(len(s.Times), func(i int) bool { return s.Times[i].After(to) })
	if lo >= hi {
		return out
	}
	times, values := s.Times[lo:hi], s.Values[lo:hi]
	if buckets < 1 || len(times) <= 2*buckets || !to.After(from) {
		out.Times = append([]time.Time(nil), times...)
		out.Values = append([]float64(nil), values...)
		return out
	}
	span := float64(to.Sub(from))
	bucket := func(t time.Time) int {
		b := int(float64(t.Sub(from)) / span * float64(buckets))
		return min(max(b, 0), buckets-1)
	}
	out.Times = make([]time.Time, 0, 2*buckets)
	out.Values = make([]float64, 0, 2*buckets)
	for i := 0; i < len(times); {
		b := bucket(times[i])
		lowest, highest := i, i
		j := i + 1
		for ; j < len(times) && bucket(times[j]) == b; j++ {
			if values[j] < values[lowest] {
				lowest = j
			}
			if values[j] > values[highest] {
				highest = j
			}
		}
		first, second := min(lowest, highest), max(lowest, highest)
		out.Times = append(out.Times, times[first])
		out.Values = append(out.Values, values[first])
		if second != first {
			out.Times = append(out.Times, times[second])
			out.Values = append(out.Values, values[second])
		}
		i = j
	}
	return out
}

// RenderGreekChart draws spec into a width×height pixel image: each series downsampled to
// the pixel width, a time axis labelled in clock time (dates too when the window spans
// days), a value axis named with the unit, a zero line when zero is in range and a key
// naming the lines. It returns an error, never an empty picture, when there is nothing to
// draw.
func RenderGreekChart(spec GreekChartSpec, width, height int, colors ChartColors) (image.Image, error) {
	graph, err := greekGraph(spec, width, height, colors)
	if err != nil {
		return nil, err
	}
	return drawNew(graph)
}

// greekGraph is the go-chart chart RenderGreekChart draws.
func greekGraph(spec GreekChartSpec, width, height int, colors ChartColors) (chart.Chart, error) {
	if width < 50 || height < 50 {
		return chart.Chart{}, fmt.Errorf("chart size %d×%d px is too small (at least 50×50)", width, height)
	}
	from, to := spec.From, spec.To
	for _, s := range spec.Series {
		if len(s.Times) != len(s.Values) {
			return chart.Chart{}, fmt.Errorf("series %q: %d times but %d values", s.Name, len(s.Times), len(s.Values))
		}
		for j, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return chart.Chart{}, fmt.Errorf("series %q: value %d is %v", s.Name, j, v)
			}
		}
		if n := len(s.Times); n > 0 {
			if spec.From.IsZero() && (from.IsZero() || s.Times[0].Before(from)) {
				from = s.Times[0]
			}
			if spec.To.IsZero() && s.Times[n-1].After(to) {
				to = s.Times[n-1]
			}
		}
	}
	if !to.After(from) {
		return chart.Chart{}, ErrTooFewPoints
	}
	st := newChartStyle(colors)
	lines := make([]keyEntry, 0, len(spec.Series))
	var series []chart.Series
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for i, s := range spec.Series {
		d := Downsample(s, from, to, width)
		if len(d.Times) == 0 {
			continue
		}
		xs := make([]float64, len(d.Times))
		for k, t := range d.Times {
			xs[k] = float64(t.UnixNano()) / 1e9
			ymin, ymax = math.Min(ymin, d.Values[k]), math.Max(ymax, d.Values[k])
		}
		if len(xs) == 1 { // a lone point still shows, as a dot
			xs = append(xs, xs[0])
			d.Values = append(d.Values, d.Values[0])
		}
		line := st.line(i)
		if len(d.Times) < 3 {
			line.DotColor, line.DotWidth = line.StrokeColor, 3
		}
		series = append(series, chart.ContinuousSeries{Name: s.Name, XValues: xs, YValues: d.Values, Style: line})
		lines = append(lines, keyEntry{s.Name, line})
	}
	if len(series) == 0 {
		return chart.Chart{}, ErrTooFewPoints
	}
	x0, x1 := float64(from.UnixNano())/1e9, float64(to.UnixNano())/1e9
	yr := niceRange(ymin, ymax, height/60+2)
	graph := st.chart(spec.Title, width, height, lines)
	graph.XAxis = chart.XAxis{
		Name: "Time (market)", NameStyle: st.axis, Style: st.axis,
		Ticks: withEnds(timeTicks(from, to, width/110+2), x0, x1, false),
	}
	graph.XAxis.GridLines = gridAt(graph.XAxis.Ticks)
	graph.XAxis.GridMajorStyle = st.grid
	graph.YAxis = chart.YAxis{
		Name: spec.Unit, NameStyle: st.axis, Style: st.axis,
		Ticks: yr.ticks(compact),
	}
	graph.YAxis.GridLines = gridAt(graph.YAxis.Ticks)
	graph.YAxis.GridMajorStyle = st.grid
	graph.Series = series
	graph.Elements = []chart.Renderable{
		zeroLine(yr, st.fg),
		st.key(lines, width),
	}
	return st.withFont(graph)
}

// GreekChart is a widget showing a GreekChartSpec drawn to exactly its pixel size, off the
// UI goroutine; see imageChart for when it redraws.
type GreekChart struct {
	imageChart
	spec GreekChartSpec // guarded by imageChart.mu
}

// NewGreekChart returns a Greeks-over-time chart showing spec.
func NewGreekChart(spec GreekChartSpec) *GreekChart {
	c := &GreekChart{spec: spec}
	c.init(c, func(dst *raster, colors ChartColors) (image.Image, error) {
		c.mu.Lock()
		s := c.spec
		c.mu.Unlock()
		img, err := drawInto(dst, func(w, h int) (chart.Chart, error) { return greekGraph(s, w, h, colors) })
		if errors.Is(err, ErrTooFewPoints) {
			err = fmt.Errorf("%s: no samples in this window yet", s.Title)
		}
		return img, err
	})
	return c
}

// Spec is what the chart was last given.
func (c *GreekChart) Spec() GreekChartSpec {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.spec
}

// SetSpec replaces what the chart shows and redraws it (any goroutine).
func (c *GreekChart) SetSpec(spec GreekChartSpec) {
	c.mu.Lock()
	c.spec, c.message = spec, ""
	c.mu.Unlock()
	c.changed()
}

// Update is SetSpec drawn on the calling goroutine (never the UI goroutine): it returns what
// shows the new image, for the caller to run on the UI goroutine with the rest of its
// update, or nil when the chart's worker draws it (see imageChart.drawHere).
func (c *GreekChart) Update(spec GreekChartSpec) func() {
	c.mu.Lock()
	c.spec, c.message = spec, ""
	c.mu.Unlock()
	return c.drawHere()
}

// imageChart is the machinery the chart widgets share: it draws an image of the widget's
// pixel size with a render function on a worker goroutine and swaps it in with fyne.Do.
// A data change (changed) or a theme change (Refresh) redraws at once; a resize waits
// for resizeSettle of quiet first, so dragging a window edge draws once at the end. One
// worker per chart renders the newest request; stale results are dropped. The worker
// draws into one of two images it keeps, the one not shown, so a redraw allocates nothing
// and never touches the pixels Fyne is showing.
type imageChart struct {
	widget.BaseWidget
	self   fyne.Widget
	render func(dst *raster, colors ChartColors) (image.Image, error)

	mu     sync.Mutex
	gen    int    // bumped by every data or theme change
	px     [2]int // the pixel size wanted
	colors ChartColors
	timer  *time.Timer // pending resize
	busy   bool        // the worker is running
	shown  struct {
		gen int
		px  [2]int
	}
	current image.Image
	waiters []drawWaiter
	message string     // shown instead of a chart when set (SetNote)
	noted   string     // the note's text as last set, for Note (the label belongs to the UI goroutine)
	renders int        // images drawn so far, for tests
	frames  [2]*raster // the worker's
	here    [2]*raster // drawHere's, so that neither draws into an image the other has yet to show
	source  string     // the window whose UI time the chart's updates count as (SetSource)

	image *canvas.Image
	note  *widget.Label
}

// resizeSettle is how long a chart waits after the last resize before drawing.
const resizeSettle = 120 * time.Millisecond

func (c *imageChart) init(self fyne.Widget, render func(dst *raster, colors ChartColors) (image.Image, error)) {
	c.self, c.render = self, render
	c.shown.gen = -1
	c.image = canvas.NewImageFromImage(nil)
	c.image.FillMode = canvas.ImageFillStretch
	c.image.ScaleMode = canvas.ImageScaleFastest
	c.noted = "Drawing chart…"
	c.note = widget.NewLabel(c.noted)
	c.note.Alignment = fyne.TextAlignCenter
	c.note.Wrapping = fyne.TextWrapWord
	c.ExtendBaseWidget(self)
}

// Image is a copy of the image shown, nil while none is (the chart draws its next images
// into the memory of the ones it showed before).
func (c *imageChart) Image() image.Image {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current == nil {
		return nil
	}
	b := c.current.Bounds()
	out := image.NewRGBA(b)
	draw.Draw(out, b, c.current, b.Min, draw.Src)
	return out
}

// frame (with mu held) is a raster of px pixels whose image is not the one shown, made
// anew when there is none of that size: one of the worker's two.
func (c *imageChart) frame(px [2]int) (*raster, error) { return c.freeOf(&c.frames, px) }

// freeOf (with mu held) is the raster of frames whose image is not the one shown.
func (c *imageChart) freeOf(frames *[2]*raster, px [2]int) (*raster, error) {
	for i, f := range frames {
		if f != nil && image.Image(f.img) == c.current {
			continue
		}
		if f == nil || !f.fits(px[0], px[1]) {
			r, err := newRaster(px[0], px[1])
			if err != nil {
				return nil, err
			}
			frames[i] = r
		}
		return frames[i], nil
	}
	return nil, errors.New("no free image to draw the chart into") // two frames, one shown: unreachable
}

// drawHere is changed for a caller off the UI goroutine that applies its own update there:
// it draws the new data on the calling goroutine and returns what shows the image, to run
// on the UI goroutine in the same trip as the rest of the update — one paint of the window
// instead of one for the update and one for each chart's image after it. When the worker
// runs, a resize is settling or the chart has no size yet, the worker draws as after
// changed and drawHere returns nil.
func (c *imageChart) drawHere() func() {
	c.mu.Lock()
	c.gen++
	if c.busy || c.timer != nil || c.px[0] < 50 || c.px[1] < 50 {
		if c.timer == nil {
			c.start()
		}
		c.mu.Unlock()
		return nil
	}
	gen, px, colors, message := c.gen, c.px, c.colors, c.message
	dst, err := c.freeOf(&c.here, px)
	c.mu.Unlock()
	img, err := c.paint(dst, err, colors, message)
	return func() {
		c.show(gen, px, img, err)
		c.mu.Lock()
		c.wake()
		if !c.busy && !c.drawnUpTo(c.gen) {
			c.start() // the data moved on (or the size changed) meanwhile
		}
		c.mu.Unlock()
	}
}

// Note is the text shown instead of an image ("" when an image is shown).
func (c *imageChart) Note() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current != nil {
		return ""
	}
	return c.noted
}

// drawWaiter is a Drawn channel with the data generation it waits to see shown.
type drawWaiter struct {
	gen int
	ch  chan struct{}
}

// Drawn returns a channel closed once what is shown is the data, theme and size of the
// moment of the call or newer (at once when it already is, or when the chart has no size
// yet to draw at). Data that keeps changing while it waits does not hold it back: a live
// chart whose drawing takes longer than the time between two changes still settles.
func (c *imageChart) Drawn() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan struct{})
	if c.drawnUpTo(c.gen) {
		close(ch)
	} else {
		c.waiters = append(c.waiters, drawWaiter{gen: c.gen, ch: ch})
	}
	return ch
}

// drawnUpTo (with mu held) says the chart shows generation gen or a newer one at its
// current size, with no resize waiting.
func (c *imageChart) drawnUpTo(gen int) bool {
	return c.px[0] < 50 || c.px[1] < 50 || (c.timer == nil && c.shown.gen >= gen && c.shown.px == c.px)
}

// SetSource names the window whose UI time the chart's image updates count as (UIStats).
func (c *imageChart) SetSource(window string) {
	c.mu.Lock()
	c.source = window
	c.mu.Unlock()
}

// MinSize keeps the chart readable: 320×200.
func (c *imageChart) MinSize() fyne.Size { return fyne.NewSize(320, 200) }

// CreateRenderer is part of fyne.Widget.
func (c *imageChart) CreateRenderer() fyne.WidgetRenderer {
	// The note takes the whole width so it wraps into lines, centred in the height.
	note := container.NewVBox(layout.NewSpacer(), c.note, layout.NewSpacer())
	return &imageChartRenderer{c: c, objects: []fyne.CanvasObject{c.image, note}}
}

// SetNote shows text instead of a chart (why there is nothing to draw), from any
// goroutine; the next SetSpec shows a chart again.
func (c *imageChart) SetNote(text string) {
	c.mu.Lock()
	c.message = text
	c.mu.Unlock()
	c.changed()
}

// changed redraws after a data change, at the size and in the colours of the last layout
// (any goroutine: it reads no widget state).
func (c *imageChart) changed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if c.timer == nil {
		c.start()
	}
}

// request reads the size and theme colours and starts the worker, after resizeSettle when
// debounce is set (UI goroutine).
func (c *imageChart) request(debounce bool) {
	size := c.Size()
	scale := float32(1)
	if app := fyne.CurrentApp(); app != nil {
		if cv := app.Driver().CanvasForObject(c.self); cv != nil {
			scale = cv.Scale()
		}
	}
	colors := widgetColors(c.self)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.colors = colors
	c.px = [2]int{int(math.Round(float64(size.Width * scale))), int(math.Round(float64(size.Height * scale)))}
	if debounce && c.shown.gen >= 0 {
		if c.timer != nil {
			c.timer.Reset(resizeSettle)
			return
		}
		var tm *time.Timer
		tm = time.AfterFunc(resizeSettle, func() {
			c.mu.Lock()
			if c.timer == tm { // not stopped or replaced while it waited for mu
				c.timer = nil
				chartsAtWork.Add(-1)
				c.start()
			}
			c.mu.Unlock()
		})
		c.timer = tm
		chartsAtWork.Add(1)
		return
	}
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
		chartsAtWork.Add(-1)
	}
	c.start()
}

// chartsAtWork counts the chart workers running and the resize timers pending, in every
// chart: a test waits for it to reach zero before the next test (whose widgets share Fyne's
// caches) begins.
var chartsAtWork atomic.Int64

// start (with mu held) starts the worker unless it runs, nothing changed or the chart has
// no size yet.
func (c *imageChart) start() {
	if c.busy || c.px[0] < 50 || c.px[1] < 50 || (c.shown.gen == c.gen && c.shown.px == c.px) {
		c.wake()
		return
	}
	c.busy = true
	chartsAtWork.Add(1)
	go c.work()
}

// wake (with mu held) releases the Drawn waiters whose generation is shown.
func (c *imageChart) wake() {
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if c.drawnUpTo(w.gen) {
			close(w.ch)
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

// show shows an image of data generation gen drawn at px pixels, or err instead (UI
// goroutine). An image of older data is still shown when the data moved on while it was
// drawn (the next one follows at once), so a chart whose data changes faster than it draws
// shows something; one of the wrong size is not.
func (c *imageChart) show(gen int, px [2]int, img image.Image, err error) {
	c.mu.Lock()
	fits := px == c.px
	if fits && gen >= c.shown.gen {
		c.current = img
		c.shown.gen, c.shown.px = gen, px
		if err != nil {
			c.noted = err.Error()
		}
	} else {
		fits = false
	}
	c.mu.Unlock()
	if !fits {
		return
	}
	if err != nil {
		c.image.Image = nil
		c.note.SetText(err.Error())
		c.note.Show()
	} else {
		c.image.Image = img
		c.note.Hide()
	}
	c.image.Refresh()
}

// paint draws the chart into dst (taken from its frames with err) in colors, or the error
// message instead, and counts the render; call it without c.mu.
func (c *imageChart) paint(dst *raster, err error, colors ChartColors, message string) (image.Image, error) {
	var img image.Image
	switch {
	case message != "":
		err = errors.New(message)
	case err == nil:
		img, err = c.render(dst, colors)
	}
	c.mu.Lock()
	c.renders++
	c.mu.Unlock()
	return img, err
}

func (c *imageChart) work() {
	for {
		c.mu.Lock()
		gen, px, colors, message := c.gen, c.px, c.colors, c.message
		dst, err := c.frame(px)
		source := c.source
		c.mu.Unlock()
		img, err := c.paint(dst, err, colors, message)
		DoAndWaitFrom(source, func() { c.show(gen, px, img, err) })
		c.mu.Lock()
		c.wake()
		if c.shown.gen == c.gen && c.shown.px == c.px {
			c.busy = false
			chartsAtWork.Add(-1)
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
	}
}

type imageChartRenderer struct {
	c       *imageChart
	objects []fyne.CanvasObject
	size    fyne.Size
}

func (r *imageChartRenderer) Layout(size fyne.Size) {
	for _, o := range r.objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	if size != r.size {
		r.size = size
		r.c.request(true)
	}
}

func (r *imageChartRenderer) MinSize() fyne.Size           { return r.c.self.MinSize() }
func (r *imageChartRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *imageChartRenderer) Destroy()                     {}

// Refresh redraws with the theme's colours of now (a theme change refreshes every widget).
func (r *imageChartRenderer) Refresh() {
	r.c.mu.Lock()
	r.c.gen++
	r.c.mu.Unlock()
	r.c.request(false)
	canvas.Refresh(r.c.self)
}

// widgetColors are the theme colours of w (its theme override, if any, and the current
// light or dark variant): background, foreground, separator for the grid, and for lines
// the primary, error, success and warning colours.
func widgetColors(w fyne.Widget) ChartColors {
	col := func(n fyne.ThemeColorName) color.Color { return theme.ColorForWidget(n, w) }
	return ChartColors{
		Background: col(theme.ColorNameBackground),
		Foreground: col(theme.ColorNameForeground),
		Grid:       col(theme.ColorNameSeparator),
		Lines: []color.Color{col(theme.ColorNamePrimary), col(theme.ColorNameError), col(theme.ColorNameSuccess),
			col(theme.ColorNameWarning)},
	}
}

// chartStyle is a ChartColors turned into go-chart styles.
type chartStyle struct {
	colors         ChartColors
	fg, bg         drawing.Color
	axis, grid     chart.Style
	font           chart.Style
	dashes, widths []float64
}

func newChartStyle(colors ChartColors) chartStyle {
	fg := drawColor(colors.Foreground)
	return chartStyle{
		colors: colors,
		fg:     fg,
		bg:     drawColor(colors.Background),
		axis:   chart.Style{FontColor: fg, StrokeColor: fg, FontSize: 9},
		grid:   chart.Style{StrokeColor: drawColor(colors.Grid), StrokeWidth: 1},
	}
}

// line is the style of the i-th line: the foreground colour first (the book), then the
// theme's line colours, then those colours again dashed.
func (s chartStyle) line(i int) chart.Style {
	if i == 0 || len(s.colors.Lines) == 0 {
		return chart.Style{StrokeColor: s.fg, StrokeWidth: 2.5}
	}
	n := len(s.colors.Lines)
	st := chart.Style{StrokeColor: drawColor(s.colors.Lines[(i-1)%n]), StrokeWidth: 2}
	if (i-1)/n%2 == 1 {
		st.StrokeDashArray = []float64{7, 4}
	}
	return st
}

// chart is an empty go-chart chart in the theme's colours with room at the top for the
// title and the rows of the line key. Set every axis' Ticks: go-chart v2.1.2 takes an
// axis' range from its ticks when it has any, whatever its Range says.
func (s chartStyle) chart(title string, width, height int, key []keyEntry) chart.Chart {
	top := 30 + keyRow*keyRows(key, width-60)
	return chart.Chart{
		Title:      title,
		TitleStyle: chart.Style{FontColor: s.fg, FontSize: 10},
		Width:      width,
		Height:     height,
		Background: chart.Style{FillColor: s.bg, Padding: chart.Box{Top: top, Left: 24, Right: 16, Bottom: 8}},
		Canvas:     chart.Style{FillColor: s.bg},
	}
}

// keyRow is the height of a row of the line key, in pixels.
const keyRow = 14

// keyWidth estimates the width of a key entry at the key's font size (about 6.2 px a
// character of Roboto at 9 pt and 92 dpi, plus the stroke and gaps).
func keyWidth(name string) int { return 42 + int(6.2*float64(len([]rune(name)))) }

// keyRows is how many rows the key takes in width pixels.
func keyRows(key []keyEntry, width int) int {
	rows, x := 1, 0
	for _, e := range key {
		w := keyWidth(e.name)
		if x+w > width && x > 0 {
			rows, x = rows+1, 0
		}
		x += w
	}
	return rows
}

// withEnds adds ticks at lo and hi, so the axis spans exactly lo–hi; they keep the label of
// a tick already there when label is set, and are unlabelled otherwise.
func withEnds(ticks []chart.Tick, lo, hi float64, label bool) []chart.Tick {
	eps := (hi - lo) * 1e-9
	first, last := chart.Tick{Value: lo}, chart.Tick{Value: hi}
	out := make([]chart.Tick, 0, len(ticks)+2)
	for _, t := range ticks {
		switch {
		case math.Abs(t.Value-lo) <= eps:
			if label {
				first.Label = t.Label
			}
		case math.Abs(t.Value-hi) <= eps:
			if label {
				last.Label = t.Label
			}
		case t.Value > lo && t.Value < hi:
			out = append(out, t)
		}
	}
	return append(append([]chart.Tick{first}, out...), last)
}

// withFont gives graph go-chart's bundled font.
func (s chartStyle) withFont(graph chart.Chart) (chart.Chart, error) {
	font, err := defaultFont()
	if err != nil {
		return chart.Chart{}, err
	}
	graph.Font = font
	return graph, nil
}

type keyEntry struct {
	name  string
	style chart.Style
}

// key draws each line's name after a short stroke in its style, in rows between the
// title and the plot (as many as keyRows counted).
func (s chartStyle) key(entries []keyEntry, width int) chart.Renderable {
	rows := keyRows(entries, width-60)
	return func(r chart.Renderer, plot chart.Box, defaults chart.Style) {
		r.SetFont(defaults.GetFont())
		r.SetFontSize(9)
		x, y := plot.Left, plot.Top-8-keyRow*(rows-1)
		for _, e := range entries {
			w := keyWidth(e.name)
			if x+w > plot.Left+width-60 && x > plot.Left {
				x, y = plot.Left, y+keyRow
			}
			strokeLine(r, e.style, x, y-4, x+18, y-4)
			r.SetFontColor(s.fg)
			r.Text(e.name, x+24, y)
			x += w
		}
	}
}

// strokeLine draws one segment in a line style.
func strokeLine(r chart.Renderer, st chart.Style, x0, y0, x1, y1 int) {
	r.SetStrokeColor(st.StrokeColor)
	r.SetStrokeWidth(st.StrokeWidth)
	r.SetStrokeDashArray(st.StrokeDashArray)
	r.MoveTo(x0, y0)
	r.LineTo(x1, y1)
	r.Stroke()
	r.SetStrokeDashArray(nil)
}

// zeroLine draws a thin line at value 0 of the value axis when 0 is inside the range.
func zeroLine(yr axisRange, fg drawing.Color) chart.Renderable {
	return func(r chart.Renderer, plot chart.Box, _ chart.Style) {
		if yr.min >= 0 || yr.max <= 0 {
			return
		}
		y := yr.pixel(0, plot)
		strokeLine(r, chart.Style{StrokeColor: fg.WithAlpha(140), StrokeWidth: 1}, plot.Left, y, plot.Right, y)
	}
}

// axisRange is a value axis from min to max with ticks every step.
type axisRange struct{ min, max, step float64 }

// niceRange widens lo–hi to whole multiples of a 1-2-5 step giving about n ticks.
func niceRange(lo, hi float64, n int) axisRange {
	if lo > hi {
		lo, hi = hi, lo
	}
	if hi-lo < 1e-9*math.Max(1, math.Abs(hi)) {
		pad := math.Max(math.Abs(hi)*0.05, 1)
		lo, hi = lo-pad, hi+pad
	}
	n = max(n, 2)
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	return axisRange{min: math.Floor(lo/step) * step, max: math.Ceil(hi/step) * step, step: step}
}

// ticks labels every step of the range with format.
func (a axisRange) ticks(format func(v, step float64) string) []chart.Tick {
	var out []chart.Tick
	for k := 0; ; k++ {
		v := a.min + float64(k)*a.step
		if v > a.max+a.step/2 {
			break
		}
		if math.Abs(v) < a.step*1e-9 {
			v = 0
		}
		out = append(out, chart.Tick{Value: v, Label: format(v, a.step)})
	}
	return out
}

// pixel is the y pixel of value v in plot, as go-chart places it.
func (a axisRange) pixel(v float64, plot chart.Box) int {
	r := chart.ContinuousRange{Min: a.min, Max: a.max, Domain: plot.Height()}
	return plot.Bottom - r.Translate(v)
}

// compact writes an axis value with thousands separators and a true minus sign, with as
// many decimals as the step needs: "1,250", "−300", "0.25", "12.5k" for large numbers.
func compact(v, step float64) string {
	if v == 0 {
		return "0"
	}
	suffix := ""
	if step >= 10000 {
		v, step, suffix = v/1000, step/1000, "k"
	}
	dec := 0
	for d := step; dec < 4 && math.Abs(d-math.Round(d)) > 1e-9; d *= 10 {
		dec++
	}
	return format.Num(v, dec) + suffix
}

// timeSteps are the spacings a time axis may use.
var timeSteps = []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
	15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour,
	12 * time.Hour, 24 * time.Hour, 48 * time.Hour, 7 * 24 * time.Hour}

// timeTicks places about n ticks on round times between from and to, in from's time zone,
// labelled "15:04" within a day and "Mon 2 15:04" or "Jan 2" across days.
func timeTicks(from, to time.Time, n int) []chart.Tick {
	span := to.Sub(from)
	step := timeSteps[len(timeSteps)-1]
	for _, s := range timeSteps {
		if span/s <= time.Duration(max(n, 2)) {
			step = s
			break
		}
	}
	layout := "15:04"
	if span > 20*time.Hour {
		layout = "Mon 2 15:04"
		if step >= 24*time.Hour {
			layout = "Jan 2"
		}
	}
	loc := from.Location()
	// Round up to the step in local time: midnight-aligned for day steps.
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	t := day
	for t.Before(from) {
		t = t.Add(step)
	}
	var out []chart.Tick
	for ; !t.After(to); t = t.Add(step) {
		out = append(out, chart.Tick{Value: float64(t.UnixNano()) / 1e9, Label: t.Format(layout)})
	}
	return out
}

// gridAt is a grid line at every labelled tick.
func gridAt(ticks []chart.Tick) []chart.GridLine {
	out := make([]chart.GridLine, 0, len(ticks))
	for _, t := range ticks {
		if t.Label != "" {
			out = append(out, chart.GridLine{Value: t.Value})
		}
	}
	return out
}
