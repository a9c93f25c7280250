package widgets

import (
	"fmt"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestBreakevens(t *testing.T) {
	cases := []struct {
		name string
		xs   []float64
		ys   []float64
		want []float64
	}{
		{"one crossing, interpolated", []float64{0, 1, 2}, []float64{-2, -1, 3}, []float64{1.25}},
		{"down and up", []float64{0, 1, 2, 3}, []float64{1, -1, -1, 1}, []float64{0.5, 2.5}},
		{"through an exact zero", []float64{0, 1, 2}, []float64{-1, 0, 1}, []float64{1}},
		{"a run of zeros counts once", []float64{0, 1, 2, 3}, []float64{-1, 0, 0, 1}, []float64{1}},
		{"touching zero is not a breakeven", []float64{0, 1, 2}, []float64{1, 0, 1}, nil},
		{"never zero", []float64{0, 1}, []float64{1, 2}, nil},
	}
	for _, c := range cases {
		got := Breakevens(c.xs, c.ys)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

// strangleSpec is a short 95/105 strangle sold for 2.00 + 2.00 (one contract of 100),
// at expiry: P&L = 100 × (4 − max(0, 95 − S) − max(0, S − 105)), positive between the
// breakevens 95 − 4 = 91 and 105 + 4 = 109, on prices 80…120 in 0.4 steps (neither
// breakeven is on the grid, and the P&L is linear between grid points around them).
func strangleSpec() ProfileChartSpec {
	var xs, pnl, delta []float64
	for i := 0; i <= 100; i++ {
		s := 80 + 0.4*float64(i)
		xs = append(xs, s)
		pnl = append(pnl, 100*(4-math.Max(0, 95-s)-math.Max(0, s-105)))
		d := 0.0
		if s < 95 {
			d = 100
		} else if s > 105 {
			d = -100
		}
		delta = append(delta, d)
	}
	return ProfileChartSpec{
		Title: "Short strangle", XLabel: "Price ($)", PnL: "P&L ($)", X: xs,
		XValue:  func(v float64) string { return fmt.Sprintf("%.2f", v) },
		Curves:  []ProfileCurve{{Name: "Expiry", Values: pnl}},
		Current: 100, CurrentLabel: "Today 100.00",
		Overlay: ProfileCurve{Name: "Δ at expiry", Values: delta}, OverlayUnit: "Delta (shares)",
	}
}

func TestBreakevenLabelsOfShortStrangle(t *testing.T) {
	labels := BreakevenLabels(strangleSpec())
	want := []BreakevenLabel{{"Expiry", 91, "BE 91.00"}, {"Expiry", 109, "BE 109.00"}}
	if len(labels) != len(want) {
		t.Fatalf("labels %+v, want %+v", labels, want)
	}
	for i, l := range labels {
		if l.Curve != want[i].Curve || math.Abs(l.X-want[i].X) > 1e-9 || l.Text != want[i].Text {
			t.Errorf("label %d is %+v, want %+v", i, l, want[i])
		}
	}
}

func TestRenderProfileChart(t *testing.T) {
	spec := strangleSpec()
	// A second curve before it: the first is drawn in the foreground colour, the expiry
	// curve then in the first line colour.
	half := make([]float64, len(spec.X))
	for i, v := range spec.Curves[0].Values {
		half[i] = v / 2
	}
	spec.Curves = append([]ProfileCurve{{Name: "T+0", Values: half}}, spec.Curves...)
	img, err := RenderProfileChart(spec, 800, 400, lineColors)
	if err != nil {
		t.Fatal(err)
	}
	nonBlank(t, img, 800, 400, 4)
	if !hasColor(img, lineColors.Lines[0]) {
		t.Fatal("the P&L curve's colour is missing")
	}
	noOverlay := spec
	noOverlay.Overlay = ProfileCurve{}
	if _, err := RenderProfileChart(noOverlay, 400, 240, lineColors); err != nil {
		t.Fatal(err)
	}
	for name, broken := range map[string]func(*ProfileChartSpec){
		"no curves": func(s *ProfileChartSpec) { s.Curves = nil },
		"NaN": func(s *ProfileChartSpec) {
			s.Curves = []ProfileCurve{{Name: "x", Values: append([]float64{math.NaN()}, s.Curves[0].Values[1:]...)}}
		},
		"short overlay":    func(s *ProfileChartSpec) { s.Overlay.Values = s.Overlay.Values[:3] },
		"X not increasing": func(s *ProfileChartSpec) { s.X = append([]float64{90}, s.X[1:]...) },
	} {
		s := strangleSpec()
		broken(&s)
		if _, err := RenderProfileChart(s, 800, 400, lineColors); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestProfileChartWidgetDarkTheme(t *testing.T) {
	newTestApp(t)
	test.ApplyTheme(t, variantTheme{theme.DefaultTheme(), theme.VariantDark})
	c := NewProfileChart(strangleSpec())
	w := test.NewTempWindow(t, c)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(700, 350))
	<-c.Drawn()
	img := c.Image()
	nonBlank(t, img, 700, 350, 4)
	if r, g, b, _ := img.At(2, 2).RGBA(); r>>8 > 80 || g>>8 > 80 || b>>8 > 80 {
		t.Fatalf("dark theme: corner pixel %d,%d,%d is not dark", r>>8, g>>8, b>>8)
	}
	c.SetNote("Select a layer with positions")
	<-c.Drawn()
	if c.Image() != nil || c.Note() != "Select a layer with positions" {
		t.Fatalf("note %q", c.Note())
	}
}

// A curve with Line draws in the style of that place, not its own: a "before" curve and an
// "after" curve share a colour, told apart by Dashed.
func TestProfileCurveLineAndDashed(t *testing.T) {
	spec := strangleSpec()
	spec.Overlay = ProfileCurve{}
	half := make([]float64, len(spec.X))
	for i, v := range spec.Curves[0].Values {
		half[i] = v / 2
	}
	for _, tc := range []struct {
		name     string
		second   ProfileCurve
		wantLine bool // the first line colour is drawn
	}{
		{"own place", ProfileCurve{Name: "after", Values: half}, true},
		{"first curve's style, dashed", ProfileCurve{Name: "after", Values: half, Line: 1, Dashed: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := spec
			s.Curves = []ProfileCurve{spec.Curves[0], tc.second}
			s.Curves[0].Dashed = true
			img, err := RenderProfileChart(s, 800, 400, lineColors)
			if err != nil {
				t.Fatal(err)
			}
			nonBlank(t, img, 800, 400, 4)
			if got := hasColor(img, lineColors.Lines[0]); got != tc.wantLine {
				t.Errorf("first line colour drawn: %v, want %v", got, tc.wantLine)
			}
		})
	}
}
