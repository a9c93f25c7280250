package widgets

import (
	"errors"
	"fmt"
	"image"
	"math"
	"sort"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// ProfileCurve is one line of a risk profile: a value at each X of the chart.
type ProfileCurve struct {
	Name   string
	Values []float64
	// Line, when > 0, draws the curve in the style of curve Line−1 instead of its own
	// place's, so two sets of curves (before and after a trade) can share colours.
	Line int
	// Dashed draws the curve dashed and thinner (the "before" of a comparison).
	Dashed bool
}

// ProfileChartSpec says what a risk-profile chart draws: P&L curves (one per date) over X,
// the price (or move) of what moves, with the current X marked by a vertical line and each
// curve's breakevens labelled; and optionally one Greek curve on a second value axis at the
// right.
type ProfileChartSpec struct {
	Title  string
	XLabel string               // "SPY price ($)", "ESZ6 move (%)"
	XValue func(float64) string // formats an X for ticks and breakeven labels; nil: compact
	PnL    string               // the P&L axis name: "P&L ($)"
	X      []float64            // increasing
	Curves []ProfileCurve       // P&L at each X, one per date
	// Current is the X of today's price, marked with a vertical line labelled CurrentLabel.
	Current      float64
	CurrentLabel string
	// Overlay, when it has values, is drawn dashed against the right axis named OverlayUnit.
	Overlay     ProfileCurve
	OverlayUnit string
}

// Breakevens are the X where ys crosses zero, interpolated linearly between the two
// points around each crossing. A point exactly at zero counts when the curve is on
// opposite sides before and after it (a run of zeros counts once, at its first point);
// touching zero and turning back is not a breakeven.
func Breakevens(xs, ys []float64) []float64 {
	var out []float64
	prev := -1 // index of the last non-zero point
	for i := range ys {
		if i >= len(xs) {
			break
		}
		if ys[i] == 0 {
			continue
		}
		if prev >= 0 && (ys[prev] < 0) != (ys[i] < 0) {
			if prev == i-1 {
				x := xs[prev] + (xs[i]-xs[prev])*ys[prev]/(ys[prev]-ys[i])
				out = append(out, x)
			} else {
				out = append(out, xs[prev+1])
			}
		}
		prev = i
	}
	return out
}

// BreakevenLabel is one breakeven as the chart labels it.
type BreakevenLabel struct {
	Curve string
	X     float64
	Text  string
}

// BreakevenLabels lists every curve's breakevens with the text the chart puts beside them
// ("BE 5,612"), curve by curve in order. A curve that is zero at Current (P&L measured
// from today's value is zero at today's price on the T+0 curve) crosses there trivially:
// crossings within one X step of Current are left out for it.
func BreakevenLabels(spec ProfileChartSpec) []BreakevenLabel {
	format := spec.xFormat()
	var out []BreakevenLabel
	for _, c := range spec.Curves {
		anchored, step := anchoredAt(spec.X, c.Values, spec.Current)
		for _, x := range Breakevens(spec.X, c.Values) {
			if anchored && math.Abs(x-spec.Current) <= step {
				continue
			}
			out = append(out, BreakevenLabel{Curve: c.Name, X: x, Text: "BE " + format(x)})
		}
	}
	return out
}

// anchoredAt says whether ys is zero at x0 (within a billionth of its largest value), and
// the X step there.
func anchoredAt(xs, ys []float64, x0 float64) (bool, float64) {
	if len(xs) < 2 || len(ys) != len(xs) || x0 < xs[0] || x0 > xs[len(xs)-1] {
		return false, 0
	}
	i := min(max(sort.SearchFloat64s(xs, x0), 1), len(xs)-1)
	y := ys[i-1] + (ys[i]-ys[i-1])*(x0-xs[i-1])/(xs[i]-xs[i-1])
	largest := 0.0
	for _, v := range ys {
		largest = math.Max(largest, math.Abs(v))
	}
	return math.Abs(y) <= 1e-9*largest || largest == 0, xs[i] - xs[i-1]
}

func (spec ProfileChartSpec) xFormat() func(float64) string {
	if spec.XValue != nil {
		return spec.XValue
	}
	return func(v float64) string { return compact(v, 0.01) }
}

// ErrNoProfile is returned by RenderProfileChart when there is no curve to draw.
var ErrNoProfile = errors.New("no risk profile to chart")

// RenderProfileChart draws spec into a width×height pixel image: the P&L curves against
// the left axis (the first in the foreground colour, the others in the theme's line
// colours), the overlay dashed against the right axis, a zero line, the current X as
// a vertical line, each breakeven marked on the zero line and labelled in its curve's
// colour, and a key naming the lines.
func RenderProfileChart(spec ProfileChartSpec, width, height int, colors ChartColors) (image.Image, error) {
	graph, err := profileGraph(spec, width, height, colors)
	if err != nil {
		return nil, err
	}
	return drawNew(graph)
}

// profileGraph is the go-chart chart RenderProfileChart draws.
func profileGraph(spec ProfileChartSpec, width, height int, colors ChartColors) (chart.Chart, error) {
	if width < 50 || height < 50 {
		return chart.Chart{}, fmt.Errorf("chart size %d×%d px is too small (at least 50×50)", width, height)
	}
	n := len(spec.X)
	if n < 2 || len(spec.Curves) == 0 {
		return chart.Chart{}, ErrNoProfile
	}
	for i, x := range spec.X {
		if math.IsNaN(x) || math.IsInf(x, 0) || (i > 0 && x <= spec.X[i-1]) {
			return chart.Chart{}, fmt.Errorf("profile X %d is %v: X must be finite and increasing", i, x)
		}
	}
	check := func(c ProfileCurve) error {
		if len(c.Values) != n {
			return fmt.Errorf("curve %q: %d values for %d X", c.Name, len(c.Values), n)
		}
		for i, v := range c.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("curve %q: value %d is %v", c.Name, i, v)
			}
		}
		return nil
	}
	st := newChartStyle(colors)
	format := spec.xFormat()
	var series []chart.Series
	var key []keyEntry
	lo, hi := 0.0, 0.0 // the P&L axis always shows zero
	curveStyle := map[string]chart.Style{}
	for i, c := range spec.Curves {
		if err := check(c); err != nil {
			return chart.Chart{}, err
		}
		for _, v := range c.Values {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		style := i
		if c.Line > 0 {
			style = c.Line - 1
		}
		line := st.line(style) // today's curve in the foreground colour, the later ones in the theme's
		line.StrokeDashArray = nil
		if c.Dashed {
			line.StrokeDashArray, line.StrokeWidth = []float64{7, 4}, 1.5
		}
		curveStyle[c.Name] = line
		series = append(series, chart.ContinuousSeries{Name: c.Name, XValues: spec.X, YValues: c.Values,
			Style: line, YAxis: chart.YAxisSecondary})
		key = append(key, keyEntry{c.Name, line})
	}
	yr := niceRange(lo, hi, height/60+2)
	counted := key
	if len(spec.Overlay.Values) > 0 {
		counted = append(counted[:len(counted):len(counted)], keyEntry{name: spec.Overlay.Name})
	}
	graph := st.chart(spec.Title, width, height, counted)
	xr := niceRange(spec.X[0], spec.X[n-1], width/110+2)
	graph.XAxis = chart.XAxis{
		Name: spec.XLabel, NameStyle: st.axis, Style: st.axis,
		Ticks: withEnds(xr.ticks(compact), spec.X[0], spec.X[n-1], true),
	}
	graph.XAxis.GridLines = gridAt(graph.XAxis.Ticks)
	graph.XAxis.GridMajorStyle = st.grid
	graph.YAxisSecondary = chart.YAxis{
		Name: spec.PnL, NameStyle: st.axis, Style: st.axis,
		Ticks: yr.ticks(compact),
	}
	graph.YAxisSecondary.GridLines = gridAt(graph.YAxisSecondary.Ticks)
	graph.YAxisSecondary.GridMajorStyle = st.grid
	// go-chart v2.1.2 takes the left (secondary) axis' range from the right axis' ticks,
	// so both axes share the P&L's value space: the overlay is mapped linearly into it and
	// the right axis' ticks sit at the mapped places, labelled with the overlay's values.
	graph.YAxis = chart.YAxis{Style: chart.Style{Hidden: true}, Ticks: graph.YAxisSecondary.Ticks}
	if len(spec.Overlay.Values) > 0 {
		if err := check(spec.Overlay); err != nil {
			return chart.Chart{}, err
		}
		olo, ohi := math.Inf(1), math.Inf(-1)
		for _, v := range spec.Overlay.Values {
			olo, ohi = math.Min(olo, v), math.Max(ohi, v)
		}
		or := niceRange(olo, ohi, height/60+2)
		toPnL := func(v float64) float64 { return yr.min + (v-or.min)/(or.max-or.min)*(yr.max-yr.min) }
		mapped := make([]float64, n)
		for i, v := range spec.Overlay.Values {
			mapped[i] = toPnL(v)
		}
		ticks := or.ticks(compact)
		for i := range ticks {
			ticks[i].Value = toPnL(ticks[i].Value)
		}
		ticks[0].Value, ticks[len(ticks)-1].Value = yr.min, yr.max // exactly, against rounding
		line := chart.Style{StrokeColor: st.fg.WithAlpha(190), StrokeWidth: 1.5, StrokeDashArray: []float64{6, 4}}
		if l := colors.Lines; len(l) >= 4 {
			line.StrokeColor = drawColor(l[3]) // the warning colour: apart from the P&L curves'
		}
		series = append(series, chart.ContinuousSeries{Name: spec.Overlay.Name, XValues: spec.X, YValues: mapped, Style: line})
		key = append(key, keyEntry{spec.Overlay.Name, line})
		graph.YAxis = chart.YAxis{Name: spec.OverlayUnit, NameStyle: st.axis, Style: st.axis, Ticks: ticks}
	}
	graph.Series = series
	labels := BreakevenLabels(spec)
	graph.Elements = []chart.Renderable{
		zeroLine(yr, st.fg),
		func(r chart.Renderer, plot chart.Box, defaults chart.Style) {
			xrange := chart.ContinuousRange{Min: spec.X[0], Max: spec.X[n-1], Domain: plot.Width()}
			r.SetFont(defaults.GetFont())
			r.SetFontSize(8.5)
			// Today's price: a vertical line with its label at the top of the plot.
			if spec.Current >= spec.X[0] && spec.Current <= spec.X[n-1] {
				x := plot.Left + xrange.Translate(spec.Current)
				strokeLine(r, chart.Style{StrokeColor: st.fg, StrokeWidth: 1.2, StrokeDashArray: []float64{2, 3}},
					x, plot.Top, x, plot.Bottom)
				text := spec.CurrentLabel
				if text == "" {
					text = format(spec.Current)
				}
				w := r.MeasureText(text).Width()
				tx := min(max(x+4, plot.Left), plot.Right-w)
				r.SetFontColor(st.fg)
				r.Text(text, tx, plot.Top+12)
			}
			// Breakevens: a tick across the zero line and the value beside it, one row per
			// curve so labels of different curves at the same place stay readable.
			y0 := yr.pixel(0, plot)
			rowsBelow := y0+14*len(spec.Curves)+4 < plot.Bottom
			row := map[string]int{}
			for i, c := range spec.Curves {
				row[c.Name] = i
			}
			for _, l := range labels {
				x := plot.Left + xrange.Translate(l.X)
				style := curveStyle[l.Curve]
				strokeLine(r, chart.Style{StrokeColor: style.StrokeColor, StrokeWidth: 2}, x, y0-5, x, y0+5)
				y := y0 + 16 + 13*row[l.Curve]
				if !rowsBelow {
					y = y0 - 8 - 13*row[l.Curve]
				}
				w := r.MeasureText(l.Text).Width()
				tx := min(max(x-w/2, plot.Left+2), plot.Right-w-2)
				fillBox(r, st.bg, tx-2, y-10, tx+w+2, y+3)
				r.SetFontColor(style.StrokeColor)
				r.Text(l.Text, tx, y)
			}
		},
		st.key(key, width),
	}
	return st.withFont(graph)
}

// ProfileChart is a widget showing a ProfileChartSpec drawn to exactly its pixel size,
// off the UI goroutine.
type ProfileChart struct {
	imageChart
	spec ProfileChartSpec // guarded by imageChart.mu
}

// NewProfileChart returns a risk-profile chart showing spec.
func NewProfileChart(spec ProfileChartSpec) *ProfileChart {
	c := &ProfileChart{spec: spec}
	c.init(c, func(dst *raster, colors ChartColors) (image.Image, error) {
		c.mu.Lock()
		s := c.spec
		c.mu.Unlock()
		return drawInto(dst, func(w, h int) (chart.Chart, error) { return profileGraph(s, w, h, colors) })
	})
	return c
}

// Spec is what the chart was last given (its zero value while a note is shown).
func (c *ProfileChart) Spec() ProfileChartSpec {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.message != "" {
		return ProfileChartSpec{}
	}
	return c.spec
}

// SetSpec replaces what the chart shows and redraws it (any goroutine).
func (c *ProfileChart) SetSpec(spec ProfileChartSpec) {
	c.mu.Lock()
	c.spec, c.message = spec, ""
	c.mu.Unlock()
	c.changed()
}

// Update is SetSpec drawn on the calling goroutine (never the UI goroutine): it returns what
// shows the new image, for the caller to run on the UI goroutine with the rest of its
// update, or nil when the chart's worker draws it (see imageChart.drawHere).
func (c *ProfileChart) Update(spec ProfileChartSpec) func() {
	c.mu.Lock()
	c.spec, c.message = spec, ""
	c.mu.Unlock()
	return c.drawHere()
}

// fillBox paints a rectangle, behind a label.
func fillBox(r chart.Renderer, c drawing.Color, x0, y0, x1, y1 int) {
	r.SetFillColor(c)
	r.SetStrokeColor(c)
	r.SetStrokeWidth(0)
	r.MoveTo(x0, y0)
	r.LineTo(x1, y0)
	r.LineTo(x1, y1)
	r.LineTo(x0, y1)
	r.Close()
	r.Fill()
}
