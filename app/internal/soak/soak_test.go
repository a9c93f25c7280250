package soak

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/charts"
	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/deskview"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/positions"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
)

// TestSoak runs the paper desk for KEEL_SOAK (a Go duration; `make soak` sets it, 30m by
// default) at the market speed KEEL_SOAK_SPEED (600×, the fastest the positions window
// offers) with 500 instruments streaming every quote every tick, on a journal in a
// temporary file, and the desk, positions and charts windows open under Fyne's test
// driver — headless: their callbacks run through the one bridge as in the app, but nothing
// is painted. It fails when the live heap or the goroutines grow (DefaultRule, after
// WarmUp) or when a window's callbacks cost more CPU time on the UI goroutine than the UI
// budget allows (ui.UIBudget.BrokenCPU) after the warm-up.
// Without KEEL_SOAK it is skipped.
func TestSoak(t *testing.T) {
	length, err := time.ParseDuration(os.Getenv("KEEL_SOAK"))
	if err != nil || length <= 0 {
		t.Skip("KEEL_SOAK is not set to a duration: `make soak` (SOAK=2m for a short run)")
	}
	speed := 600.0
	if s := os.Getenv("KEEL_SOAK_SPEED"); s != "" {
		if speed, err = strconv.ParseFloat(s, 64); err != nil {
			t.Fatalf("KEEL_SOAK_SPEED=%q: %v", s, err)
		}
	}
	testkit.App(t)
	ctx := context.Background()
	j, err := data.Open(ctx, filepath.Join(t.TempDir(), "keel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := desk.SeedSampleHistory(ctx, j); err != nil {
		t.Fatal(err)
	}
	d, stop, err := desk.StartPaper(j, desk.PaperOptions{Seed: 7, Start: testkit.PaperStart})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	b, ok := d.Paper().(*paper.Broker)
	if !ok {
		t.Fatalf("the desk's market is %T, want the paper broker", d.Paper())
	}
	if err := b.SetSpeed(speed); err != nil {
		t.Fatal(err)
	}
	syms, err := b.LoadSymbols(ctx, 500)
	if err != nil || len(syms) < 500 {
		t.Fatalf("%d symbols: %v", len(syms), err)
	}
	if err := b.StreamEveryTick(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := b.Subscribe(ctx, syms...); err != nil {
		t.Fatal(err)
	}

	env := ui.Env{Now: time.Now, Desk: d, Journal: j, Open: func(string, any) {}}
	var stops []func()
	for _, w := range []ui.Window{deskview.Window(), positions.Window(), charts.Window()} {
		var content fyne.CanvasObject
		testkit.Locked(func() {
			content = w.Build(env)
			win := test.NewWindow(content)
			win.Resize(w.Size)
		})
		if s, ok := content.(interface{ Stop() }); ok {
			stops = append(stops, s.Stop)
		}
	}
	defer func() {
		for _, s := range stops {
			s()
		}
	}()

	began := time.Now()
	warm, every := WarmUp(length), Every(length)
	t.Logf("soak: %v at %g× with %d instruments streaming; warm-up %v, then a sample every %v", length, speed, len(syms), warm, every)
	time.Sleep(warm)
	ui.ResetStats()
	var samples []Sample
	for time.Since(began) < length {
		time.Sleep(min(every, length-time.Since(began)))
		samples = append(samples, Measure(began))
	}
	for _, s := range []Sample{samples[0], samples[len(samples)/2], samples[len(samples)-1]} {
		t.Logf("at %v: live heap %s, %d goroutines", s.At.Round(time.Second), MiB(s.Heap), s.Goroutines)
	}
	if pending, _ := b.Pending(); pending > 2*len(syms) {
		t.Errorf("%d market events queued for %d symbols: the desk does not keep up", pending, len(syms))
	}
	var table bytes.Buffer
	if err := ui.WriteStats(&table); err != nil {
		t.Fatal(err)
	}
	t.Logf("UI callbacks after the warm-up (test driver: nothing painted):\n%s", table.String())
	if err := DefaultRule.Check(samples); err != nil {
		t.Error(err)
	}
	// The callbacks' CPU time is judged: what the windows cost on the UI goroutine. Their
	// wall times and waits are logged above; on a machine whose cores other programs share
	// they measure that load as much as Keel.
	by, _ := ui.Stats()
	for _, s := range by {
		if broken := ui.UIBudget.BrokenCPU(s); len(broken) > 0 {
			t.Errorf("window %q broke the UI budget: %v", s.Source, broken)
		}
	}
}
