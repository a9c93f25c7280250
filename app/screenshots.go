package app

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/data"
)

// ScreenshotTime is the fixed "now" of every screenshot: Friday 20 November 2026, 10:30 in
// New York, so the pictures do not change from one run to the next.
var ScreenshotTime = time.Date(2026, time.November, 20, 15, 30, 0, 0, time.UTC)

// Screenshots renders every window in Windows with Fyne's software renderer, at its opening
// size and with Keel's theme, into dir/<name>.png. It needs no display.
func Screenshots(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("screenshots: %w", err)
	}
	a := test.NewApp()
	a.Settings().SetTheme(Theme())
	defer a.Quit()
	// The journal window shows a temporary journal seeded with the sample history.
	tmp, err := os.MkdirTemp("", "keel-screenshots-")
	if err != nil {
		return fmt.Errorf("screenshots: %w", err)
	}
	defer os.RemoveAll(tmp)
	j, err := data.Open(context.Background(), filepath.Join(tmp, "journal.db"),
		data.WithClock(func() time.Time { return ScreenshotTime }))
	if err != nil {
		return fmt.Errorf("screenshots: %w", err)
	}
	defer j.Close()
	for _, w := range Windows() {
		c := software.NewCanvas()
		c.SetPadded(true)
		content := w.Build(Env{Now: func() time.Time { return ScreenshotTime }, Journal: j})
		// Wait for content that loads in the background before laying it out: the test
		// driver applies those results on their own goroutine, not a UI goroutine.
		settle := func() {}
		if s, ok := content.(interface{ Settle() }); ok {
			settle = s.Settle
		}
		settle()
		c.SetContent(content)
		c.Resize(w.Size)
		settle()
		img := software.RenderCanvas(c, Theme())
		path := filepath.Join(dir, w.Name+".png")
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("screenshots: %w", err)
		}
		if err := png.Encode(f, img); err != nil {
			f.Close()
			return fmt.Errorf("screenshots: %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("screenshots: %w", err)
		}
	}
	return nil
}
