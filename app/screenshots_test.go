package app

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestScreenshotsWritesNonBlankPNGs(t *testing.T) {
	dir := t.TempDir()
	if err := Screenshots(dir); err != nil {
		t.Fatal(err)
	}
	for _, w := range Windows() {
		f, err := os.Open(filepath.Join(dir, w.Name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", w.Name, err)
		}
		if got, want := img.Bounds().Size(), (image.Point{int(w.Size.Width), int(w.Size.Height)}); got != want {
			t.Errorf("%s is %v pixels, want %v", w.Name, got, want)
		}
		// a rendered window has text and widgets: many distinct colours, not a flat fill
		colours := map[[4]uint32]bool{}
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y += 2 {
			for x := b.Min.X; x < b.Max.X; x += 2 {
				r, g, bl, a := img.At(x, y).RGBA()
				colours[[4]uint32{r, g, bl, a}] = true
			}
		}
		if len(colours) < 100 {
			t.Errorf("%s has %d colours: looks blank", w.Name, len(colours))
		}
	}
}

func TestVersionMatchesFyneAppToml(t *testing.T) {
	toml, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"Version": Version, "ID": ID} {
		m := regexp.MustCompile(`(?m)^\s*` + key + `\s*=\s*"([^"]*)"`).FindSubmatch(toml)
		if m == nil || string(m[1]) != want {
			t.Errorf("FyneApp.toml %s = %q, app says %q", key, m, want)
		}
	}
}
