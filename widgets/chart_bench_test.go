package widgets

import (
	"image"
	"image/png"
	"os"
	"testing"
)

// BenchmarkRenderGreekChart800x400 draws a day of samples every 15 s (book and two layers,
// 3 × 5,760 points, downsampled to the pixel width) into an 800×400 image.
func BenchmarkRenderGreekChart800x400(b *testing.B) {
	spec := greekSpec(5760)
	mes := spec.Series[1]
	mes.Name = "MES futures"
	spec.Series = append(spec.Series, mes)
	for b.Loop() {
		if _, err := RenderGreekChart(spec, 800, 400, lineColors); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderProfileChart800x400 draws three P&L curves of 101 points with a delta
// overlay and breakeven labels into an 800×400 image.
func BenchmarkRenderProfileChart800x400(b *testing.B) {
	spec := strangleSpec()
	c := spec.Curves[0]
	spec.Curves = []ProfileCurve{{Name: "T+0", Values: c.Values}, {Name: "T+7", Values: c.Values}, c}
	for b.Loop() {
		if _, err := RenderProfileChart(spec, 800, 400, lineColors); err != nil {
			b.Fatal(err)
		}
	}
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
