package widgets

import (
	"errors"
	"image/color"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

var testColors = ChartColors{Background: color.White, Foreground: color.Black, Grid: color.Gray{Y: 200},
	Lines: []color.Color{color.RGBA{R: 200, A: 255}}}

func days(n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = time.Date(2026, 3, 1+i, 0, 0, 0, 0, time.UTC)
	}
	return out
}

func TestRenderChart(t *testing.T) {
	good := Series{Name: "P&L", Times: days(3), Values: []float64{100, -50, 250}}
	cases := []struct {
		name    string
		series  []Series
		w, h    int
		wantErr bool
	}{
		{"three points", []Series{good}, 800, 400, false},
		{"two series", []Series{good, {Name: "costs", Times: days(3), Values: []float64{1, 2, 3}}}, 640, 300, false},
		{"one point", []Series{{Name: "x", Times: days(1), Values: []float64{1}}}, 800, 400, true},
		{"NaN", []Series{{Name: "x", Times: days(2), Values: []float64{1, math.NaN()}}}, 800, 400, true},
		{"length mismatch", []Series{{Name: "x", Times: days(3), Values: []float64{1, 2}}}, 800, 400, true},
		{"too small", []Series{good}, 20, 20, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img, err := RenderChart(ChartSpec{Title: "t", Unit: "$", DateLabel: "Date", Series: c.series}, c.w, c.h, testColors)
			if c.wantErr {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
				t.Fatalf("size %v, want %d×%d", b, c.w, c.h)
			}
			// The line colour must appear somewhere: the chart drew its series.
			found := false
			for y := 0; y < c.h && !found; y++ {
				for x := 0; x < c.w; x++ {
					r, g, b, _ := img.At(x, y).RGBA()
					if r>>8 > 150 && g>>8 < 60 && b>>8 < 60 {
						found = true
						break
					}
				}
			}
			if !found {
				t.Fatal("no pixel in the line colour")
			}
		})
	}
	if _, err := RenderChart(ChartSpec{Series: []Series{{Times: days(1), Values: []float64{1}}}}, 100, 100, testColors); !errors.Is(err, ErrTooFewPoints) {
		t.Fatalf("got %v, want ErrTooFewPoints", err)
	}
}

// Reference values: US-style thousands grouping, minus sign before the dollar sign.
func TestMoneyAxis(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{{0, "$0"}, {999.6, "$1,000"}, {1250, "$1,250"}, {-300, "−$300"}, {1234567, "$1,234,567"}} {
		if got := money(c.in); got != c.want {
			t.Errorf("money(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestChartWidgetRendersToItsSize(t *testing.T) {
	newTestApp(t)
	c := NewChart(ChartSpec{Title: "P&L", Unit: "$", Series: []Series{{Name: "P&L", Times: days(4), Values: []float64{1, 2, 3, 4}}}})
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(400, 300))
	deadline := time.Now().Add(10 * time.Second)
	for {
		if img := c.Image(); img != nil && img.Bounds().Dx() >= 300 && img.Bounds().Dy() >= 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no image sized to the widget (have %v)", c.Image())
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.SetSpec(ChartSpec{Title: "P&L", Series: []Series{{Times: days(1), Values: []float64{1}}}})
	select {
	case <-c.Drawn():
	case <-time.After(10 * time.Second):
		t.Fatal("chart never re-rendered")
	}
	if c.Image() != nil {
		t.Fatal("a one-point series should show the note, not an image")
	}
}
