package widgets

import (
	"image/color"
	"reflect"
	"testing"
)

func TestWholeTicks(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
		n      int
		cover  bool
		want   []float64
	}{
		{"three days", 1, 3, 10, false, []float64{1, 2, 3}},
		{"fifteen days, step 2", 1, 15, 10, false, []float64{1, 3, 5, 7, 9, 11, 13, 15}},
		{"counts to 9.9 from zero", 0, 9.9, 6, true, []float64{0, 2, 4, 6, 8, 10}},
		{"a flat zero still has a range", 0, 0, 6, true, []float64{0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []float64
			for _, k := range wholeTicks(tc.lo, tc.hi, tc.n, tc.cover) {
				got = append(got, k.Value)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ticks %v, want %v", got, tc.want)
			}
		})
	}
}

// A flat series (9 contracts every day) is drawn when the axis starts at zero: its line
// colour is in the picture.
func TestXYChartFlatFromZero(t *testing.T) {
	red := color.RGBA{R: 255, A: 255}
	colors := ChartColors{Background: color.Black, Foreground: color.White, Grid: color.Gray{Y: 40}, Lines: []color.Color{red}}
	spec := XYSpec{Title: "flat", XLabel: "day", YLabel: "contracts", YFromZero: true, XWhole: true,
		Series: []XYSeries{{Name: "roll", X: []float64{1, 2, 3}, Y: []float64{9, 9, 9}}}}
	img, err := RenderXYChart(spec, 400, 300, colors)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r > 0xe000 && g < 0x2000 && bl < 0x2000 {
				return
			}
		}
	}
	t.Fatal("no red line in the picture")
}
