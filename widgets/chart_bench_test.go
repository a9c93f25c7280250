package widgets

import (
	"image"
	"image/png"
	"math"
	"os"
	"testing"
	"time"

	chart "github.com/wcharczuk/go-chart/v2"
)

// cpuMeter reports the CPU time per op of a benchmark ("cpu-ns/op"), which, unlike the
// wall time, other jobs on a loaded machine barely inflate.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

// startCPU is called just before the benchmark loop.
func startCPU() cpuMeter {
	d, ok := processCPU()
	return cpuMeter{d, ok}
}

func (c cpuMeter) report(b *testing.B) {
	if d, ok := processCPU(); ok && c.ok && b.N > 0 {
		b.ReportMetric(float64(d-c.start)/float64(b.N), "cpu-ns/op")
	}
}

// benchDraw draws the chart build makes, as a chart widget redraws: each time into the
// same 800×400 raster.
func benchDraw(b *testing.B, build func(w, h int) (chart.Chart, error)) {
	r, err := newRaster(800, 400)
	if err != nil {
		b.Fatal(err)
	}
	cpu := startCPU()
	for b.Loop() {
		if _, err := drawInto(r, build); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}

// BenchmarkRenderGreekChart800x400 draws a day of samples every 15 s (book and two layers,
// 3 × 5,760 points, downsampled to the pixel width) into an 800×400 image.
func BenchmarkRenderGreekChart800x400(b *testing.B) {
	spec := greekSpec(5760)
	mes := spec.Series[1]
	mes.Name = "MES futures"
	spec.Series = append(spec.Series, mes)
	benchDraw(b, func(w, h int) (chart.Chart, error) { return greekGraph(spec, w, h, lineColors) })
}

// BenchmarkRenderProfileChart800x400 draws three P&L curves of 101 points with a delta
// overlay and breakeven labels into an 800×400 image.
func BenchmarkRenderProfileChart800x400(b *testing.B) {
	spec := strangleSpec()
	c := spec.Curves[0]
	spec.Curves = []ProfileCurve{{Name: "T+0", Values: c.Values}, {Name: "T+7", Values: c.Values}, c}
	benchDraw(b, func(w, h int) (chart.Chart, error) { return profileGraph(spec, w, h, lineColors) })
}

// journalSpec is the journal's Stats chart of a year of trading days: cumulative realized
// P&L and premium collected, a dot on each day.
func journalSpec(n int) ChartSpec {
	pnl := Series{Name: "Realized P&L", Times: make([]time.Time, n), Values: make([]float64, n)}
	prem := Series{Name: "Premium collected", Times: make([]time.Time, n), Values: make([]float64, n)}
	for i := range n {
		t := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
		pnl.Times[i], prem.Times[i] = t, t
		pnl.Values[i] = 40*float64(i) + 900*math.Sin(float64(i)/9)
		prem.Values[i] = 65 * float64(i)
	}
	return ChartSpec{Title: "Cumulative realized P&L", Unit: "$", DateLabel: "Date", Series: []Series{pnl, prem}, Dots: true}
}

// BenchmarkChartRender800x400 draws the journal's two cumulative series of 250 days with
// dots into an 800×400 image.
func BenchmarkChartRender800x400(b *testing.B) {
	spec := journalSpec(250)
	benchDraw(b, func(w, h int) (chart.Chart, error) { return chartGraph(spec, w, h, testColors) })
}

// labSpec is the lab's histogram of hedged P&L at expiry: four policies, 60 bins each.
func labSpec() XYSpec {
	spec := XYSpec{Title: "Hedged P&L at expiry, per policy", XLabel: "P&L, $", YLabel: "% of paths", XMoney: true}
	for p, name := range []string{"none", "delta band", "Whalley–Wilmott", "time"} {
		s := XYSeries{Name: name}
		for i := range 60 {
			x := -3000 + 100*float64(i)
			s.X = append(s.X, x)
			s.Y = append(s.Y, 12*math.Exp(-math.Pow((x+200*float64(p))/(600+200*float64(p)), 2)))
		}
		spec.Series = append(spec.Series, s)
	}
	return spec
}

// BenchmarkXYChartRender800x400 draws the lab's four 60-bin histograms into an 800×400
// image.
func BenchmarkXYChartRender800x400(b *testing.B) {
	spec := labSpec()
	benchDraw(b, func(w, h int) (chart.Chart, error) { return xyGraph(spec, w, h, lineColors) })
}

// TestWriteSampleCharts writes the two charts to KEEL_CHART_DIR for looking at.
func TestWriteSampleCharts(t *testing.T) {
	dir := os.Getenv("KEEL_CHART_DIR")
	if dir == "" {
		t.Skip("set KEEL_CHART_DIR to write sample charts")
	}
	g, err := RenderGreekChart(greekSpec(240), 800, 400, lineColors)
	if err != nil {
		t.Fatal(err)
	}
	p, err := RenderProfileChart(strangleSpec(), 800, 400, lineColors)
	if err != nil {
		t.Fatal(err)
	}
	for name, img := range map[string]image.Image{"greek": g, "profile": p} {
		f, err := os.Create(dir + "/h8-widget-" + name + ".png")
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
