package widgets

import (
	"math"
	"time"

	chart "github.com/wcharczuk/go-chart/v2"

	"github.com/keel-desk/keel/format"
)

// valueTicks is RenderChart's value axis: the data's range widened to round 1-2-2.5-5 steps
// ($250, $500, $1,000 — never $300 or $1,020), about five ticks, labelled in whole units
// unless the step is a fraction. Monthly bars start from zero, so their axis includes it.
func valueTicks(spec ChartSpec, unit func(float64, int) string) (*chart.ContinuousRange, []chart.Tick) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range spec.Series {
		for _, v := range s.Values {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if spec.Monthly {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil, nil
	}
	r := niceRange(lo, hi, 5)
	dp := 0
	if r.step != math.Trunc(r.step) {
		dp = 2
	}
	ticks := r.ticks(func(v, _ float64) string { return unit(v, dp) })
	return &chart.ContinuousRange{Min: r.min, Max: r.max}, ticks
}

// axisValue labels a value axis tick: dollars for "$", else the number.
func axisValue(unit string) func(float64, int) string {
	if unit == "$" {
		return format.USD
	}
	return format.Num
}

// monthTicks is the date axis of a monthly chart: one tick per month ("Jan 26"), every
// second or third month when there are many, and the range padded by half a month each side
// so the first and last bars are whole.
func monthTicks(spec ChartSpec) (*chart.ContinuousRange, []chart.Tick) {
	var first, last time.Time
	for _, s := range spec.Series {
		for _, t := range s.Times {
			if first.IsZero() || t.Before(first) {
				first = t
			}
			if t.After(last) {
				last = t
			}
		}
	}
	if first.IsZero() {
		return nil, nil
	}
	first = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, first.Location())
	last = time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, last.Location())
	months := 0
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		months++
	}
	every := 1
	for months/every > 12 {
		every++
	}
	half := 15 * 24 * time.Hour
	// go-chart spans the axis from its first tick to its last, so the padding is two ticks
	// without a label.
	ticks := []chart.Tick{{Value: chart.TimeToFloat64(first.Add(-half))}}
	i := 0
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		if i%every == 0 {
			ticks = append(ticks, chart.Tick{Value: chart.TimeToFloat64(m), Label: m.Format("Jan 06")})
		}
		i++
	}
	ticks = append(ticks, chart.Tick{Value: chart.TimeToFloat64(last.Add(half))})
	return &chart.ContinuousRange{Min: chart.TimeToFloat64(first.Add(-half)), Max: chart.TimeToFloat64(last.Add(half))}, ticks
}

// barSeries draws a time series as bars from zero, side by side with the chart's other bar
// series (slot of slots), each barWidth of the month's width.
type barSeries struct {
	chart.TimeSeries
	slot, slots int
}

// Render draws one bar per point, filled in the series' colour.
func (b barSeries) Render(r chart.Renderer, box chart.Box, xrange, yrange chart.Range, defaults chart.Style) {
	style := b.Style.InheritFrom(defaults)
	n := b.Len()
	if n == 0 {
		return
	}
	// A month's width in pixels: 30 days on the x range.
	month := float64(xrange.Translate(xrange.GetMin()+float64(30*24*time.Hour)) - xrange.Translate(xrange.GetMin()))
	group := math.Max(2, month*0.7)
	w := math.Max(1, group/float64(b.slots))
	zero := box.Bottom - yrange.Translate(math.Max(yrange.GetMin(), math.Min(0, yrange.GetMax())))
	for i := range n {
		x, y := b.GetValues(i)
		left := float64(box.Left+xrange.Translate(x)) - group/2 + float64(b.slot)*w
		top := box.Bottom - yrange.Translate(y)
		y0, y1 := min(top, zero), max(top, zero)
		if y1 == y0 {
			y1 = y0 + 1
		}
		r.SetFillColor(style.StrokeColor)
		r.SetStrokeColor(style.StrokeColor)
		r.SetStrokeWidth(0)
		r.MoveTo(int(left), y0)
		r.LineTo(int(left+w-1), y0)
		r.LineTo(int(left+w-1), y1)
		r.LineTo(int(left), y1)
		r.Close()
		r.Fill()
	}
}
