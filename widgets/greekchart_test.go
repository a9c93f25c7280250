package widgets

import (
	"errors"
	"image"
	"image/color"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// minutes is n times a minute apart from 10:00 on 20 November 2026.
func minutes(n int, every time.Duration) []time.Time {
	out := make([]time.Time, n)
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for i := range out {
		out[i] = t0.Add(time.Duration(i) * every)
	}
	return out
}

func TestDownsampleKeepsMinAndMax(t *testing.T) {
	// 10,000 samples a second apart of a gentle sine, with one spike up and one down each a
	// single sample wide: thinned to 100 buckets, both spikes and the sine's extremes stay.
	n := 10000
	s := Series{Name: "book", Times: minutes(n, time.Second), Values: make([]float64, n)}
	for i := range s.Values {
		s.Values[i] = 100 * math.Sin(float64(i)/1000)
	}
	s.Values[4321] = 900
	s.Values[7777] = -650
	from, to := s.Times[0], s.Times[n-1]
	d := Downsample(s, from, to, 100)
	if len(d.Times) > 200 || len(d.Times) != len(d.Values) {
		t.Fatalf("downsampled to %d times and %d values, want at most 200", len(d.Times), len(d.Values))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, v := range d.Values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		if i > 0 && d.Times[i].Before(d.Times[i-1]) {
			t.Fatalf("times out of order at %d", i)
		}
	}
	if hi != 900 || lo != -650 {
		t.Fatalf("extremes %v and %v, want the spikes 900 and −650", hi, lo)
	}
	// Every bucket's min and max survive: check them directly.
	span := float64(to.Sub(from))
	for b := 0; b < 100; b++ {
		bmin, bmax := math.Inf(1), math.Inf(-1)
		dmin, dmax := math.Inf(1), math.Inf(-1)
		in := func(tm time.Time) bool {
			k := min(int(float64(tm.Sub(from))/span*100), 99)
			return k == b
		}
		for i, tm := range s.Times {
			if in(tm) {
				bmin, bmax = math.Min(bmin, s.Values[i]), math.Max(bmax, s.Values[i])
			}
		}
		for i, tm := range d.Times {
			if in(tm) {
				dmin, dmax = math.Min(dmin, d.Values[i]), math.Max(dmax, d.Values[i])
			}
		}
		if bmin != dmin || bmax != dmax {
			t.Fatalf("bucket %d: kept %v…%v, want %v…%v", b, dmin, dmax, bmin, bmax)
		}
	}
	// A window drops what lies outside it; a short series is kept whole.
	w := Downsample(s, s.Times[100], s.Times[199], 1000)
	if len(w.Times) != 100 || !w.Times[0].Equal(s.Times[100]) || w.Values[99] != s.Values[199] {
		t.Fatalf("window kept %d points from %v, want the 100 inside", len(w.Times), w.Times[0])
	}
}

// nonBlank fails unless img is w×h and has at least minColors distinct colours.
func nonBlank(t *testing.T, img image.Image, w, h, minColors int) {
	t.Helper()
	if img == nil {
		t.Fatal("no image")
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("image %v, want %d×%d", b, w, h)
	}
	seen := map[color.RGBA]bool{}
	for y := 0; y < h; y += 2 {
		for x := 0; x < w; x += 2 {
			r, g, b, a := img.At(x, y).RGBA()
			seen[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}] = true
		}
	}
	if len(seen) < minColors {
		t.Fatalf("image has %d colours, want at least %d: blank", len(seen), minColors)
	}
}

// hasColor says whether some pixel of img is within 40 of c in every channel.
func hasColor(img image.Image, c color.Color) bool {
	cr, cg, cb, _ := c.RGBA()
	b := img.Bounds()
	near := func(a, b uint32) bool { return math.Abs(float64(a>>8)-float64(b>>8)) < 40 }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, cr) && near(g, cg) && near(bl, cb) {
				return true
			}
		}
	}
	return false
}

var lineColors = ChartColors{Background: color.White, Foreground: color.Black, Grid: color.Gray{Y: 220},
	Lines: []color.Color{color.RGBA{R: 220, A: 255}, color.RGBA{G: 160, A: 255}, color.RGBA{B: 220, A: 255}}}

func greekSpec(n int) GreekChartSpec {
	times := minutes(n, 15*time.Second)
	book := Series{Name: "Book", Times: times, Values: make([]float64, n)}
	layer := Series{Name: "ES options", Times: times, Values: make([]float64, n)}
	for i := range times {
		book.Values[i] = 40 + 30*math.Sin(float64(i)/20)
		layer.Values[i] = -25 + 10*math.Cos(float64(i)/15)
	}
	return GreekChartSpec{Title: "β-delta", Unit: "SPY shares", From: times[0], To: times[n-1],
		Series: []Series{book, layer}}
}

func TestRenderGreekChart(t *testing.T) {
	cases := []struct {
		name    string
		spec    GreekChartSpec
		w, h    int
		wantErr error
	}{
		{"hour of samples", greekSpec(240), 800, 400, nil},
		{"small", greekSpec(240), 320, 200, nil},
		{"one sample", greekSpec(1), 800, 400, nil}, // a window with one sample draws a dot
		{"empty", GreekChartSpec{Title: "x"}, 800, 400, ErrTooFewPoints},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := c.spec
			if c.name == "one sample" {
				spec.To = spec.From.Add(time.Hour)
			}
			img, err := RenderGreekChart(spec, c.w, c.h, lineColors)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("got %v, want %v", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			nonBlank(t, img, c.w, c.h, 4)
			if !hasColor(img, lineColors.Lines[0]) {
				t.Fatal("the layer's line colour is missing")
			}
		})
	}
	bad := greekSpec(10)
	bad.Series[0].Values[3] = math.Inf(1)
	if _, err := RenderGreekChart(bad, 800, 400, lineColors); err == nil {
		t.Fatal("an infinite value must be an error")
	}
}

// Reference values: US thousands grouping, a true minus sign, decimals as the step needs.
func TestCompactAxisValues(t *testing.T) {
	for _, c := range []struct {
		v, step float64
		want    string
	}{
		{1250, 250, "1,250"},
		{-300, 100, "−300"},
		{0.25, 0.25, "0.25"},
		{-2.5, 2.5, "−2.5"},
		{125000, 25000, "125k"},
		{0, 50, "0"},
	} {
		if got := compact(c.v, c.step); got != c.want {
			t.Errorf("compact(%v, %v) = %q, want %q", c.v, c.step, got, c.want)
		}
	}
}

func TestNiceRange(t *testing.T) {
	for _, c := range []struct {
		lo, hi         float64
		n              int
		min, max, step float64
	}{
		{-37, 112, 6, -50, 125, 25},
		{0, 1, 5, 0, 1, 0.2},
		{5, 5, 4, 4, 6, 0.5}, // a flat line gets ±5% of its value (at least ±1)
	} {
		r := niceRange(c.lo, c.hi, c.n)
		if math.Abs(r.min-c.min) > 1e-9 || math.Abs(r.max-c.max) > 1e-9 || math.Abs(r.step-c.step) > 1e-9 {
			t.Errorf("niceRange(%v, %v, %d) = %+v, want %v…%v by %v", c.lo, c.hi, c.n, r, c.min, c.max, c.step)
		}
	}
}

// The widget draws at its own size, again after a resize, in the theme's colours.
func TestGreekChartWidgetRendersAtItsSize(t *testing.T) {
	newTestApp(t)
	test.ApplyTheme(t, variantTheme{theme.DefaultTheme(), theme.VariantLight})
	c, w := drawnGreekChart(t, 640, 320)
	img := c.Image()
	nonBlank(t, img, 640, 320, 4)
	if !hasColor(img, theme.Color(theme.ColorNamePrimary)) {
		t.Fatal("the theme's primary colour is not used for a line")
	}
	if r, g, b, _ := img.At(2, 2).RGBA(); r>>8 < 200 || g>>8 < 200 || b>>8 < 200 {
		t.Fatalf("light theme: corner pixel %d,%d,%d is not light", r>>8, g>>8, b>>8)
	}
	w.Resize(fyne.NewSize(500, 260))
	<-c.Drawn()
	nonBlank(t, c.Image(), 500, 260, 4)
	c.SetSpec(GreekChartSpec{Title: "Vega"})
	<-c.Drawn()
	if c.Image() != nil || c.Note() == "" {
		t.Fatalf("an empty window shows image %v and note %q, want a note", c.Image() != nil, c.Note())
	}
}

// variantTheme is a theme held to one variant, light or dark.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// A burst of resizes (a window edge dragged) draws once, at the last size, after the
// resize has settled.
func TestGreekChartResizeIsDebounced(t *testing.T) {
	newTestApp(t)
	c, w := drawnGreekChart(t, 600, 300)
	c.mu.Lock()
	before := c.renders
	c.mu.Unlock()
	for i := 1; i <= 8; i++ {
		w.Resize(fyne.NewSize(600+float32(10*i), 300))
	}
	<-c.Drawn()
	c.mu.Lock()
	after := c.renders
	c.mu.Unlock()
	if after-before != 1 {
		t.Fatalf("%d renders for a burst of 8 resizes, want 1", after-before)
	}
	nonBlank(t, c.Image(), 680, 300, 4)
}

// Update draws on the caller's goroutine and leaves showing the image to the caller's
// UI callback: nothing is shown (and Drawn stays open) until that runs, then the new image
// is, without the worker drawing it again; while the worker is at it, Update leaves the
// drawing to it.
func TestGreekChartUpdateShownByTheCaller(t *testing.T) {
	newTestApp(t)
	c, _ := drawnGreekChart(t, 640, 320)
	first := c.Image()
	c.mu.Lock()
	before := c.renders
	c.mu.Unlock()

	show := c.Update(greekSpec(60))
	if show == nil {
		t.Fatal("Update with the worker idle left the drawing to it")
	}
	drawn := c.Drawn()
	select {
	case <-drawn:
		t.Fatal("Drawn before the caller showed the new image")
	case <-time.After(20 * time.Millisecond):
	}
	DoAndWait(show)
	<-drawn
	c.mu.Lock()
	renders := c.renders - before
	c.mu.Unlock()
	if renders != 1 {
		t.Errorf("%d renders for one Update, want 1", renders)
	}
	if img := c.Image(); img == nil || sameImage(img, first) {
		t.Error("the image shown after Update is not a new one")
	}

	c.mu.Lock()
	c.busy = true // the worker at work
	c.mu.Unlock()
	if show := c.Update(greekSpec(30)); show != nil {
		t.Error("Update drew beside a busy worker")
	}
	c.mu.Lock()
	c.busy = false
	c.start()
	c.mu.Unlock()
	<-c.Drawn()
}

// sameImage reports whether a and b have the same pixels.
func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

// drawnGreekChart is a chart of 120 samples in a window of w×h, drawn once.
func drawnGreekChart(t *testing.T, w, h float32) (*GreekChart, fyne.Window) {
	t.Helper()
	c := NewGreekChart(greekSpec(120))
	win := test.NewTempWindow(t, c)
	win.SetPadded(false)
	win.Resize(fyne.NewSize(w, h))
	<-c.Drawn()
	return c, win
}
