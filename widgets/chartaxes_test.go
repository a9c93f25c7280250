package widgets

import (
	"image/color"
	"strings"
	"testing"
	"time"
)

// TestValueTicksAreRound: the value axis steps by 1-2-2.5-5 amounts. The figures are the
// journal's Stats of the sample history before the fix ($300 and $1,020 steps were drawn).
func TestValueTicksAreRound(t *testing.T) {
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		values  []float64
		monthly bool
		want    string
	}{
		{"P&L to $1,020", []float64{0, 310, 1020}, false, "$0 $250 $500 $750 $1,000 $1,250"},
		{"loss and gain", []float64{-480, 2600}, false, "−$1,000 $0 $1,000 $2,000 $3,000"},
		{"monthly bars start at zero", []float64{420, 1480}, true, "$0 $500 $1,000 $1,500"},
		{"small amounts", []float64{0.2, 1.1}, false, "$0.20 $0.40 $0.60 $0.80 $1.00 $1.20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Series{Name: "x", Values: tc.values}
			for i := range tc.values {
				s.Times = append(s.Times, day.AddDate(0, i, 0))
			}
			_, ticks := valueTicks(ChartSpec{Unit: "$", Series: []Series{s}, Monthly: tc.monthly}, axisValue("$"))
			var got []string
			for _, tk := range ticks {
				got = append(got, tk.Label)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("ticks %q, want %q", strings.Join(got, " "), tc.want)
			}
		})
	}
}

// TestMonthTicks: a monthly chart ticks each month once, "Jan 26", and every second month
// past a year.
func TestMonthTicks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		months int
		want   string
	}{
		{"three months", 3, "Nov 25 Dec 25 Jan 26"},
		{"eighteen months", 18, "Nov 25 Jan 26 Mar 26 May 26 Jul 26 Sep 26 Nov 26 Jan 27 Mar 27"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Series{Name: "Premium"}
			for i := range tc.months {
				s.Times = append(s.Times, time.Date(2025, 11+time.Month(i), 1, 0, 0, 0, 0, time.UTC))
				s.Values = append(s.Values, float64(100*i))
			}
			_, ticks := monthTicks(ChartSpec{Series: []Series{s}, Monthly: true})
			var got []string
			for _, tk := range ticks[1 : len(ticks)-1] { // the first and last pad the axis by half a month
				got = append(got, tk.Label)
			}
			if ticks[0].Label != "" || ticks[len(ticks)-1].Label != "" {
				t.Errorf("the padding ticks are labelled %q, %q", ticks[0].Label, ticks[len(ticks)-1].Label)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("ticks %q, want %q", strings.Join(got, " "), tc.want)
			}
		})
	}
}

// TestMonthlyBarsRender draws two bar series (premium and costs) and checks bars are painted:
// the line colours fill areas, not one-pixel lines.
func TestMonthlyBarsRender(t *testing.T) {
	red, blue := color.NRGBA{R: 220, A: 255}, color.NRGBA{B: 220, A: 255}
	var prem, costs Series
	prem.Name, costs.Name = "Premium", "Costs"
	for i := range 4 {
		m := time.Date(2026, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC)
		prem.Times, prem.Values = append(prem.Times, m), append(prem.Values, float64(900+100*i))
		costs.Times, costs.Values = append(costs.Times, m), append(costs.Values, float64(60+10*i))
	}
	img, err := RenderChart(ChartSpec{Title: "Premium vs costs", Unit: "$", Series: []Series{prem, costs}, Monthly: true},
		400, 240, ChartColors{Background: color.White, Foreground: color.Black, Grid: color.Gray{200}, Lines: []color.Color{red, blue}})
	if err != nil {
		t.Fatal(err)
	}
	reds := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r>>8 > 200 && g>>8 < 40 && bb>>8 < 40 {
				reds++
			}
		}
	}
	if reds < 2000 { // four bars of about 20 × 120 px, far more than a 2-px line
		t.Errorf("%d red pixels: the premium is not drawn as bars", reds)
	}
}
