package ui

import (
	"image"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestFigureDrawsLikeALabel checks that a figure draws its text in the colour a Label gives
// the same importance, where a Label puts its text, and as tall as a Label.
func TestFigureDrawsLikeALabel(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		name  string
		imp   widget.Importance
		color fyne.ThemeColorName
		align fyne.TextAlign
	}{
		{"a loss", widget.DangerImportance, theme.ColorNameError, fyne.TextAlignTrailing},
		{"a figure", widget.MediumImportance, theme.ColorNameForeground, fyne.TextAlignTrailing},
		{"a note", widget.WarningImportance, theme.ColorNameWarning, fyne.TextAlignLeading},
		{"a quiet one", widget.LowImportance, theme.ColorNameDisabled, fyne.TextAlignCenter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const text = "−$6.25"
			f := NewFigure()
			f.Set(text, tc.imp, tc.align)
			figure := captureFigure(t, f, 200)
			want := theme.Current().Color(tc.color, fyne.CurrentApp().Settings().ThemeVariant())
			if got := inkColour(figure); !near(got, want, 12) {
				t.Errorf("colour %v, want %v (%s)", got, want, tc.color)
			}
			if got, lh := f.MinSize().Height, widget.NewLabel(text).MinSize().Height; got != lh {
				t.Errorf("height %v, a Label's %v", got, lh)
			}
			// Where Fyne's text of the same alignment, in the same place, puts its ink.
			fyneText := canvas.NewText(text, want)
			fyneText.Alignment = tc.align
			got, ref := ink(figure), ink(captureText(t, fyneText, f.MinSize().Height, 200))
			if abs(got.Min.X-ref.Min.X) > 1 || abs(got.Max.X-ref.Max.X) > 1 {
				t.Errorf("ink from x %d to %d, Fyne's text %d to %d", got.Min.X, got.Max.X, ref.Min.X, ref.Max.X)
			}
		})
	}
}

// TestFigureGlyphsAsFyneText: a figure drawn from its kept glyphs looks like Fyne's text of
// the same string — the same ink box within a pixel, nearly the same pixels — and a minus
// sign (from another font) keeps the digits on the theme font's baseline.
func TestFigureGlyphsAsFyneText(t *testing.T) {
	test.NewTempApp(t)
	fg := theme.Color(theme.ColorNameForeground)
	mono := fyne.TextStyle{Monospace: true}
	for _, tc := range []struct {
		text  string
		align fyne.TextAlign
		style fyne.TextStyle
	}{
		{"$12,345.67", fyne.TextAlignTrailing, fyne.TextStyle{}},
		{"98.5%", fyne.TextAlignLeading, fyne.TextStyle{}},
		{"0.25 Δ", fyne.TextAlignCenter, fyne.TextStyle{}},
		{"4,100 P 17 Dec", fyne.TextAlignTrailing, fyne.TextStyle{}},
		{"12.1 SPY sh · $7,977", fyne.TextAlignLeading, mono},
	} {
		f := NewFigureWithStyle(tc.style)
		f.Set(tc.text, widget.MediumImportance, tc.align)
		if got, want := f.MinSize(), widget.NewLabelWithStyle(tc.text, tc.align, tc.style).MinSize(); math.Abs(float64(got.Width-want.Width)) > 1 || got.Height != want.Height {
			t.Errorf("%q: min size %v, a Label's %v", tc.text, got, want)
		}
		if figureFallsBack(f) {
			t.Fatalf("%q is drawn by Fyne's text, not the kept glyphs", tc.text)
		}
		got := captureFigure(t, f, 240)
		ref := canvas.NewText(tc.text, fg)
		ref.Alignment, ref.TextStyle = tc.align, tc.style
		want := captureText(t, ref, f.MinSize().Height, 240)
		gb, wb := ink(got), ink(want)
		if abs(gb.Min.X-wb.Min.X) > 1 || abs(gb.Max.X-wb.Max.X) > 1 || abs(gb.Min.Y-wb.Min.Y) > 1 || abs(gb.Max.Y-wb.Max.Y) > 1 {
			t.Errorf("%q: ink %v, Fyne's text %v", tc.text, gb, wb)
		}
		if d := meanDiff(got, want); d > 0.02 {
			t.Errorf("%q: pixels differ from Fyne's text by %.3f on average", tc.text, d)
		}
	}
	// The minus sign is not in Fyne's font: drawn all the same, on the digits' baseline.
	plus, minus := NewFigure(), NewFigure()
	plus.Set("6.25", widget.MediumImportance, fyne.TextAlignTrailing)
	minus.Set("−6.25", widget.MediumImportance, fyne.TextAlignTrailing)
	if figureFallsBack(minus) {
		t.Fatal("−6.25 is drawn by Fyne's text: no system font has U+2212 (scripts/install-deps.sh test installs fonts-dejavu-core)")
	}
	p, m := ink(captureFigure(t, plus, 200)), ink(captureFigure(t, minus, 200))
	if p.Max.Y != m.Max.Y || p.Max.X != m.Max.X || m.Min.X >= p.Min.X-3 {
		t.Errorf("6.25 inked %v, −6.25 %v: want the same digits with a minus before them", p, m)
	}
}

// TestFigureFallsBackToFyneText: a rune no font here draws leaves the figure to Fyne's text.
func TestFigureFallsBackToFyneText(t *testing.T) {
	test.NewTempApp(t)
	f := NewFigure()
	f.Set("12 \U0010fffd", widget.MediumImportance, fyne.TextAlignTrailing)
	test.NewTempWindow(t, f)
	if !figureFallsBack(f) {
		t.Fatal("a rune without a glyph is drawn from the kept glyphs")
	}
	f.Set("12", widget.MediumImportance, fyne.TextAlignTrailing)
	if figureFallsBack(f) {
		t.Fatal("back to plain digits, still drawn by Fyne's text")
	}
}

// figureFallsBack says whether f shows Fyne's text rather than its raster of glyphs.
func figureFallsBack(f *Figure) bool {
	for _, o := range test.LaidOutObjects(f) {
		if txt, ok := o.(*canvas.Text); ok && txt.Visible() {
			return true
		}
	}
	return false
}

// captureFigure is f laid out w wide, drawn by the test driver.
func captureFigure(t *testing.T, f *Figure, w float32) image.Image {
	t.Helper()
	win := test.NewTempWindow(t, container.NewWithoutLayout(f))
	f.Resize(fyne.NewSize(w, f.MinSize().Height))
	win.Resize(fyne.NewSize(w, f.MinSize().Height))
	return win.Canvas().Capture()
}

// captureText is txt where a figure h tall and w wide puts its text, drawn by the test driver.
func captureText(t *testing.T, txt *canvas.Text, h, w float32) image.Image {
	t.Helper()
	p := theme.InnerPadding()
	txt.Move(fyne.NewPos(p, p))
	txt.Resize(fyne.NewSize(w-2*p, h-2*p))
	win := test.NewTempWindow(t, container.NewWithoutLayout(txt))
	win.Resize(fyne.NewSize(w, h))
	return win.Canvas().Capture()
}

// ink is the box of the pixels that differ from the top-left one (the background).
func ink(img image.Image) image.Rectangle {
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Min.Y)
	box := image.Rectangle{Min: b.Max, Max: b.Min}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if !near(img.At(x, y), bg, 40) {
				box.Min.X, box.Min.Y = min(box.Min.X, x), min(box.Min.Y, y)
				box.Max.X, box.Max.Y = max(box.Max.X, x+1), max(box.Max.Y, y+1)
			}
		}
	}
	return box
}

// inkColour is the pixel furthest from the background.
func inkColour(img image.Image) color.Color {
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Min.Y)
	var best color.Color = bg
	bestD := -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if d := dist(img.At(x, y), bg); d > bestD {
				best, bestD = img.At(x, y), d
			}
		}
	}
	return best
}

// meanDiff is the mean absolute difference of two images' channels, 0 to 1.
func meanDiff(a, b image.Image) float64 {
	r := a.Bounds().Intersect(b.Bounds())
	sum, n := 0.0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			sum += float64(dist(a.At(x, y), b.At(x, y))) / (3 * 255)
			n++
		}
	}
	return sum / float64(n)
}

// dist is the sum of the channels' absolute differences, 8 bits each.
func dist(a, b color.Color) int {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return abs(int(ar>>8)-int(br>>8)) + abs(int(ag>>8)-int(bg>>8)) + abs(int(ab>>8)-int(bb>>8))
}

func near(a, b color.Color, tol int) bool { return dist(a, b) <= tol }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
