package app

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/lab"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/automation"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// ScreenshotTime is the fixed "now" of every screenshot: Friday 20 November 2026, 10:30 in
// New York, so the pictures do not change from one run to the next.
var ScreenshotTime = time.Date(2026, time.November, 20, 15, 30, 0, 0, time.UTC)

// Screenshots renders every window in Windows with Fyne's software renderer, at its opening
// size and with Keel's theme in the choice theme ("dark", "light" or "system"; see
// SavedTheme), into dir/<name>.png. It needs no display.
func Screenshots(dir string, theme ...string) error {
	th := ui.Theme()
	if len(theme) > 0 {
		th = ui.ThemeFor(theme[0])
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("screenshots: %w", err)
	}
	a := test.NewApp()
	a.Settings().SetTheme(th)
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
	if _, err := desk.SeedSampleHistory(context.Background(), j); err != nil {
		return fmt.Errorf("screenshots: %w", err)
	}
	// The desk runs a new paper account with the demo book on a market that moves only when
	// told: an hour by hand, so the charts have a history to draw and every run is the same.
	d, stop, err := desk.StartPaper(j, desk.PaperOptions{Seed: 7, Start: ScreenshotTime, Manual: true})
	if err != nil {
		return fmt.Errorf("screenshots: %w", err)
	}
	defer stop()
	if err := walkMarket(d, 40, 90*time.Second); err != nil {
		return fmt.Errorf("screenshots: %w", err)
	}
	if err := armForPicture(d); err != nil {
		return fmt.Errorf("screenshots: %w", err)
	}
	// Open does nothing in a picture, but buttons that open windows look as they do in the app.
	env := ui.Env{Now: func() time.Time { return ScreenshotTime }, Journal: j, Desk: d, Open: func(string, any) {}}
	for _, w := range Windows() {
		c := software.NewCanvas()
		c.SetPadded(true)
		e := env
		if w.Name == "ticket" {
			e.Arg = closeESStrangle(d.Latest())
		}
		if w.Name == "lab" {
			e.Arg = lab.Autorun{Subject: "Layer SPY options", Paths: 1000, Select: 7}
		}
		// Build, lay out and draw holding widgets.UIMu: the windows drawn before keep
		// applying their updates (under it) on other goroutines, and Fyne's caches are
		// shared.
		widgets.UIMu.Lock()
		content := w.Build(e)
		widgets.UIMu.Unlock()
		// Wait for content that loads in the background before laying it out: the test
		// driver applies those results on their own goroutine, not a UI goroutine.
		settle := func() {}
		if s, ok := content.(interface{ Settle() }); ok {
			settle = s.Settle
		}
		settle()
		widgets.UIMu.Lock()
		c.SetContent(content)
		c.Resize(w.Size)
		widgets.UIMu.Unlock()
		settle()
		// Draw holding the lock background work applies its results under: the software
		// driver runs those updates on their own goroutines, not a UI goroutine. Tables lay
		// out their cells at the first size; refresh once more so every cell shows the data
		// that arrived while the content had no size.
		widgets.UIMu.Lock()
		content.Refresh()
		img := software.RenderCanvas(c, th)
		widgets.UIMu.Unlock()
		if s, ok := content.(interface{ Stop() }); ok {
			s.Stop()
		}
		if err := writePNG(filepath.Join(dir, w.Name+".png"), img); err != nil {
			return fmt.Errorf("screenshots: %w", err)
		}
	}
	return nil
}

// SavedTheme is the theme chosen in Settings in the journal at dbPath ("" for the default
// journal): what `keel --screenshots` draws with unless --theme says otherwise. It is
// "system" when the journal cannot be read (Keel running holds it, or it does not exist).
func SavedTheme(dbPath string) string {
	if dbPath == "" {
		p, err := data.DefaultPath()
		if err != nil {
			return ui.ThemeSystem
		}
		dbPath = p
	}
	if _, err := os.Stat(dbPath); err != nil {
		return ui.ThemeSystem
	}
	j, err := data.Open(context.Background(), dbPath)
	if err != nil {
		return ui.ThemeSystem
	}
	defer j.Close()
	s, err := desk.LoadSettings(context.Background(), j)
	if err != nil {
		return ui.ThemeSystem
	}
	return s.Theme
}

// writePNG writes img to path as a PNG.
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// walkMarket moves a paper desk's market forward steps times by step, letting the desk
// publish (and sample its Greeks) after each.
func walkMarket(d *desk.Service, steps int, step time.Duration) error {
	b := d.Paper()
	if b == nil {
		return nil
	}
	for i := 0; i < steps; i++ {
		if err := b.Advance(step); err != nil {
			return err
		}
		seq := d.Latest().Seq
		for deadline := time.Now().Add(2 * time.Second); d.Latest().Seq == seq && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
	}
	return nil
}

// closeESStrangle is the order that buys back the demo book's ES strangle, the ticket's
// picture.
func closeESStrangle(s *desk.Snapshot) *brokers.Order {
	o := &brokers.Order{Quantity: 1, Type: brokers.Limit, TIF: brokers.Day}
	for _, p := range s.Positions {
		if p.Instrument.Root == "ES" && p.Instrument.IsOption() && p.Quantity < 0 {
			o.Legs = append(o.Legs, brokers.Leg{Symbol: p.Symbol, Instrument: p.Instrument, Ratio: 1})
		}
	}
	if len(o.Legs) == 0 {
		return nil
	}
	return o
}

// armForPicture arms the demo MES layer's tactical cycles on the paper account (its
// defaults), gathers the chains and runs the rules once on the still market, so the desk
// shows the kill switch, an armed layer, what it will do next and the lifecycle.
func armForPicture(d *desk.Service) error {
	if err := d.ArmAutomation("MES futures", automation.Tactical, false); err != nil {
		return err
	}
	if err := d.GatherChains(context.Background()); err != nil {
		return err
	}
	return d.AutomationStep(context.Background())
}
