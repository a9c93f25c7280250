package widgets

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestBalanceGaugeFractions(t *testing.T) {
	// The larger side fills its half; the other is drawn to the same scale.
	tests := []struct {
		name        string
		left, right float64
		wantL       float64
		wantR       float64
	}{
		{"balanced", 100, 100, 1, 1},
		{"bear heavier", 200, 50, 1, 0.25},
		{"bull heavier", 30, 120, 0.25, 1},
		{"only bull", 0, 10, 0, 1},
		{"nothing", 0, 0, 0, 0},
		{"not a number counts as zero", math.NaN(), 40, 0, 1},
		{"negative counts as zero", -5, math.Inf(1), 0, 0},
	}
	newTestApp(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := NewBalanceGauge()
			g.Set(tc.left, tc.right, "Bear", "0%", "Bull")
			l, r := g.Fractions()
			if math.Abs(l-tc.wantL) > 1e-12 || math.Abs(r-tc.wantR) > 1e-12 {
				t.Fatalf("fractions = %v, %v; want %v, %v", l, r, tc.wantL, tc.wantR)
			}
		})
	}
}

// TestBalanceGaugeDrawsBars lays the gauge out and measures its bars: each grows from the
// middle, the heavier one fills its half.
func TestBalanceGaugeDrawsBars(t *testing.T) {
	newTestApp(t)
	g := NewBalanceGauge()
	g.Set(300, 100, "Bear $300", "Balance −50%", "Bull $100")
	w := test.NewWindow(g)
	defer w.Close()
	w.Resize(fyne.NewSize(420, 80))
	g.Resize(fyne.NewSize(400, 60))
	r := test.TempWidgetRenderer(t, g).(*gaugeRenderer)
	r.Layout(g.Size())
	half := g.Size().Width / 2
	if d := r.left.Size().Width - half; d < -0.5 || d > 0.5 {
		t.Errorf("bear bar is %v wide, want the half (%v)", r.left.Size().Width, half)
	}
	if r.left.Position().X > 0.5 {
		t.Errorf("bear bar starts at %v, want the left edge", r.left.Position().X)
	}
	if d := r.right.Size().Width - half/3; d < -0.5 || d > 0.5 {
		t.Errorf("bull bar is %v wide, want a third of the half (%v)", r.right.Size().Width, half/3)
	}
	if r.right.Position().X != half {
		t.Errorf("bull bar starts at %v, want the middle %v", r.right.Position().X, half)
	}
	var texts []string
	for _, tx := range []*TickingText{r.lText, r.cText, r.rText} {
		if tx.FallsBack() {
			t.Errorf("caption %q drawn by Fyne's text, not the kept glyphs", tx.Text)
		}
		texts = append(texts, tx.shown.text)
	}
	want := []string{"Bear $300", "Balance −50%", "Bull $100"}
	if len(texts) != 3 || texts[0] != want[0] || texts[1] != want[1] || texts[2] != want[2] {
		t.Errorf("captions = %q, want %q", texts, want)
	}
	if m := g.MinSize(); m.Height < gaugeBarHeight || m.Width < 200 {
		t.Errorf("MinSize = %v, too small for the bar and captions", m)
	}
}
