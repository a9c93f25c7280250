package widgets

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"testing"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

var darkColors = ChartColors{Background: color.RGBA{R: 0x17, G: 0x17, B: 0x18, A: 255}, Foreground: color.RGBA{R: 0xf3, G: 0xf3, B: 0xf3, A: 255},
	Grid: color.RGBA{R: 0x3a, G: 0x3a, B: 0x3e, A: 255},
	Lines: []color.Color{color.RGBA{R: 0x29, G: 0x6f, B: 0xf6, A: 255}, color.RGBA{R: 0xf4, G: 0x43, B: 0x36, A: 255},
		color.RGBA{R: 0x43, G: 0xf4, B: 0x36, A: 255}, color.RGBA{R: 0xff, G: 0x98, B: 0x00, A: 255}}}

// goChartImage draws graph with go-chart's own PNG renderer, taking the raster as drawn:
// the pixels the charts showed before they had a renderer of their own (a PNG encoded and
// decoded again is lossless).
func goChartImage(t *testing.T, graph chart.Chart) *image.RGBA {
	t.Helper()
	var out chart.ImageWriter
	if err := graph.Render(chart.PNG, &out); err != nil {
		t.Fatal(err)
	}
	img, err := out.Image()
	if err != nil {
		t.Fatal(err)
	}
	return img.(*image.RGBA)
}

// pixelDiff counts the pixels of a and b (of one size) that differ, and the largest
// difference of one channel.
func pixelDiff(t *testing.T, a, b *image.RGBA) (pixels, worst int) {
	t.Helper()
	if a.Rect != b.Rect {
		t.Fatalf("sizes %v and %v", a.Rect, b.Rect)
	}
	for i := 0; i < len(a.Pix); i += 4 {
		d := 0
		for k := range 4 {
			d = max(d, int(math.Abs(float64(a.Pix[i+k])-float64(b.Pix[i+k]))))
		}
		if d > 0 {
			pixels++
			worst = max(worst, d)
		}
	}
	return pixels, worst
}

// longXY is one XY series of n points zigzagging like a downsampled live series.
func longXY(n int) XYSpec {
	s := XYSeries{Name: "book"}
	for i := range n {
		s.X = append(s.X, float64(i))
		s.Y = append(s.Y, 50*math.Sin(float64(i)/7)+20*math.Sin(float64(i)*1.3))
	}
	return XYSpec{Title: "long", XLabel: "i", YLabel: "value", Series: []XYSeries{s}}
}

// TestRasterDrawsAsGoChart draws every kind of chart with the raster and with go-chart's PNG
// renderer. Charts without a line longer than strokeChunk points must come out the same
// to the pixel; those with one (stroked in pieces) may differ only where pieces meet: at
// most 1 pixel in 1,000.
func TestRasterDrawsAsGoChart(t *testing.T) {
	long := greekSpec(5760)
	mes := long.Series[1]
	mes.Name = "MES futures"
	long.Series = append(long.Series, mes)
	dashed := greekSpec(600) // five lines: the fifth is drawn dashed
	for _, name := range []string{"MES futures", "SPY", "QQQ"} {
		s := dashed.Series[1]
		s.Name = name
		dashed.Series = append(dashed.Series, s)
	}
	profile := strangleSpec()
	c := profile.Curves[0]
	profile.Curves = []ProfileCurve{{Name: "T+0", Values: c.Values}, {Name: "before", Values: c.Values, Dashed: true, Line: 1}, c}
	type build func(w, h int, colors ChartColors) (chart.Chart, error)
	cases := []struct {
		name    string
		build   build
		chunked bool
	}{
		{"journal P&L with dots", func(w, h int, c ChartColors) (chart.Chart, error) { return chartGraph(journalSpec(250), w, h, c) }, false},
		{"lab histograms", func(w, h int, c ChartColors) (chart.Chart, error) { return xyGraph(labSpec(), w, h, c) }, false},
		{"XY counts by day with dots, a one-point series", func(w, h int, c ChartColors) (chart.Chart, error) {
			return xyGraph(XYSpec{Title: "rolls", XLabel: "day", YLabel: "rolls", Dots: true, YFromZero: true, XWhole: true,
				Series: []XYSeries{{Name: "a", X: []float64{1, 2, 5}, Y: []float64{2, 0, 3}}, {Name: "b", X: []float64{3}, Y: []float64{1}}}}, w, h, c)
		}, false},
		{"Greeks, an hour", func(w, h int, c ChartColors) (chart.Chart, error) { return greekGraph(greekSpec(240), w, h, c) }, false},
		{"profile with dashed curves and overlay", func(w, h int, c ChartColors) (chart.Chart, error) { return profileGraph(profile, w, h, c) }, false},
		{"Greeks, a day of three lines", func(w, h int, c ChartColors) (chart.Chart, error) { return greekGraph(long, w, h, c) }, true},
		{"Greeks, five lines, one dashed", func(w, h int, c ChartColors) (chart.Chart, error) { return greekGraph(dashed, w, h, c) }, true},
		{"XY of 2,000 points", func(w, h int, c ChartColors) (chart.Chart, error) { return xyGraph(longXY(2000), w, h, c) }, true},
	}
	for _, tc := range cases {
		for theme, colors := range map[string]ChartColors{"light": lineColors, "dark": darkColors} {
			for _, size := range [][2]int{{800, 400}, {333, 211}} {
				t.Run(fmt.Sprintf("%s/%s/%dx%d", tc.name, theme, size[0], size[1]), func(t *testing.T) {
					graph, err := tc.build(size[0], size[1], colors)
					if err != nil {
						t.Fatal(err)
					}
					want := goChartImage(t, graph)
					r, err := newRaster(size[0], size[1])
					if err != nil {
						t.Fatal(err)
					}
					got, err := r.draw(graph)
					if err != nil {
						t.Fatal(err)
					}
					pixels, worst := pixelDiff(t, got, want)
					limit := 0
					if tc.chunked {
						limit = size[0] * size[1] / 1000
					}
					if pixels > limit {
						t.Fatalf("%d pixels differ (largest channel difference %d), want at most %d", pixels, worst, limit)
					}
					t.Logf("%d pixels differ, largest channel difference %d", pixels, worst)
				})
			}
		}
	}
}

// TestRasterReusedDrawsAsNew draws charts of different kinds one after another into one
// raster: each must come out as in a new raster, nothing left of the one before.
func TestRasterReusedDrawsAsNew(t *testing.T) {
	builds := []func() (chart.Chart, error){
		func() (chart.Chart, error) { return profileGraph(strangleSpec(), 640, 320, darkColors) },
		func() (chart.Chart, error) { return chartGraph(journalSpec(40), 640, 320, lineColors) },
		func() (chart.Chart, error) { return greekGraph(greekSpec(2000), 640, 320, darkColors) },
		func() (chart.Chart, error) { return xyGraph(labSpec(), 640, 320, lineColors) },
	}
	reused, err := newRaster(640, 320)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		for i, build := range builds {
			t.Run(fmt.Sprintf("round %d chart %d", round, i), func(t *testing.T) {
				graph, err := build()
				if err != nil {
					t.Fatal(err)
				}
				fresh, err := drawNew(graph)
				if err != nil {
					t.Fatal(err)
				}
				got, err := reused.draw(graph)
				if err != nil {
					t.Fatal(err)
				}
				if pixels, worst := pixelDiff(t, got, fresh.(*image.RGBA)); pixels > 0 {
					t.Fatalf("%d pixels differ from a new raster's (largest channel difference %d)", pixels, worst)
				}
			})
		}
	}
	graph, err := chartGraph(journalSpec(40), 641, 320, lineColors)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reused.draw(graph); err == nil {
		t.Fatal("a 641×320 chart drawn into a 640×320 raster: want an error")
	}
}

// TestRectangleFill checks that pathRect finds exactly the axis-aligned rectangles and that
// filling one with image/draw gives the pixels the rasterizer gives.
func TestRectangleFill(t *testing.T) {
	type pt [2]float64
	cases := []struct {
		name   string
		points []pt
		close  bool
		want   image.Rectangle
		isRect bool
	}{
		{"clockwise, back to the start", []pt{{10, 5}, {50, 5}, {50, 30}, {10, 30}, {10, 5}}, false, image.Rect(10, 5, 50, 30), true},
		{"anticlockwise, closed", []pt{{50, 30}, {50, 5}, {10, 5}, {10, 30}}, true, image.Rect(10, 5, 50, 30), true},
		{"vertical side first", []pt{{10, 5}, {10, 30}, {50, 30}, {50, 5}}, false, image.Rect(10, 5, 50, 30), true},
		{"partly outside the image", []pt{{-20, -10}, {70, -10}, {70, 15}, {-20, 15}}, true, image.Rect(-20, -10, 70, 15), true},
		{"whole image", []pt{{0, 0}, {64, 0}, {64, 48}, {0, 48}, {0, 0}}, false, image.Rect(0, 0, 64, 48), true},
		{"a diamond", []pt{{30, 0}, {60, 20}, {30, 40}, {0, 20}}, true, image.Rectangle{}, false},
		{"not back to the start", []pt{{10, 5}, {50, 5}, {50, 30}, {10, 30}, {10, 6}}, false, image.Rectangle{}, false},
		{"a triangle", []pt{{10, 5}, {50, 5}, {10, 30}}, true, image.Rectangle{}, false},
		{"a step, two sides horizontal in a row", []pt{{10, 5}, {30, 5}, {50, 5}, {50, 30}}, true, image.Rectangle{}, false},
		{"half-pixel corners", []pt{{10.5, 5}, {50, 5}, {50, 30}, {10.5, 30}}, true, image.Rectangle{}, false},
	}
	fill := drawing.Color{R: 0x29, G: 0x6f, B: 0xf6, A: 255}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p drawing.Path
			for i, q := range tc.points {
				if i == 0 {
					p.MoveTo(q[0], q[1])
				} else {
					p.LineTo(q[0], q[1])
				}
			}
			if tc.close {
				p.Close()
			}
			got, ok := pathRect(&p)
			if ok != tc.isRect || got != tc.want {
				t.Fatalf("pathRect = %v, %v; want %v, %v", got, ok, tc.want, tc.isRect)
			}
			// The same fill through the raster (fast path when a rectangle) and through
			// the rasterizer alone, over a picture already there.
			fast, err := newRaster(64, 48)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := newRaster(64, 48)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []*raster{fast, slow} {
				for i := range r.img.Pix {
					r.img.Pix[i] = uint8(i * 7)
				}
			}
			fast.path = p
			fast.SetFillColor(fill)
			fast.Fill()
			slow.gc.SetFillColor(fill)
			slow.gc.Fill(&p)
			if pixels, worst := pixelDiff(t, fast.img, slow.img); pixels > 0 {
				t.Fatalf("%d pixels differ from the rasterizer's (largest channel difference %d)", pixels, worst)
			}
		})
	}
}

// TestStrokeInPieces strokes a long zigzag, solid and dashed, whole and in pieces: the
// pieces must give the same line but for the few pixels where two pieces meet (a dash
// pattern started over at each piece would move every dash after the first piece).
func TestStrokeInPieces(t *testing.T) {
	const n = 1500
	for _, dash := range [][]float64{nil, {7, 4}} {
		t.Run(fmt.Sprintf("dashes %v", dash), func(t *testing.T) {
			pieces, err := newRaster(800, 300)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := newRaster(800, 300)
			if err != nil {
				t.Fatal(err)
			}
			var p drawing.Path
			for i := range n {
				x := 10 + float64(i)*780/n
				y := math.Round(150 + 100*math.Sin(float64(i)/40) + 30*math.Sin(float64(i)*2.1))
				if i == 0 {
					pieces.MoveTo(int(x), int(y))
					p.MoveTo(float64(int(x)), y)
				} else {
					pieces.LineTo(int(x), int(y))
					p.LineTo(float64(int(x)), y)
				}
			}
			stroke := drawing.Color{R: 200, A: 255}
			pieces.SetStrokeColor(stroke)
			pieces.SetStrokeWidth(2)
			pieces.SetStrokeDashArray(dash)
			pieces.Stroke()
			whole.gc.SetStrokeColor(stroke)
			whole.gc.SetLineWidth(2)
			whole.gc.SetLineDash(dash, 0)
			whole.gc.Stroke(&p)
			painted := 0
			for i := 3; i < len(whole.img.Pix); i += 4 {
				if whole.img.Pix[i] > 0 {
					painted++
				}
			}
			pixels, worst := pixelDiff(t, pieces.img, whole.img)
			t.Logf("%d of %d painted pixels differ, largest channel difference %d", pixels, painted, worst)
			if pixels > painted/500 {
				t.Fatalf("%d of %d painted pixels differ, want at most 0.2%%", pixels, painted)
			}
		})
	}
}

// TestChartFrameNotShown: the widget never draws into the image it shows.
func TestChartFrameNotShown(t *testing.T) {
	var c imageChart
	px := [2]int{300, 200}
	first, err := c.frame(px)
	if err != nil {
		t.Fatal(err)
	}
	c.current = first.img
	second, err := c.frame(px)
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatal("the next frame is drawn into the image shown")
	}
	c.current = second.img
	if third, _ := c.frame(px); third != first {
		t.Fatal("the image shown before is not drawn into again")
	}
	if bigger, _ := c.frame([2]int{400, 200}); bigger.img.Rect.Dx() != 400 || bigger == second {
		t.Fatal("a new size gets a new image, not the one shown")
	}
}
