// Package testkit is what every window's tests start from: a Fyne test app with Keel's
// theme, a trade journal in a temporary file with a fixed clock, and a paper desk on it
// (the demo book on a simulated market whose clock the test moves), plus waiting and
// rendering helpers. It is for tests only.
package testkit

import (
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/widgets"
)

// JournalNow is the fixed clock of the test journals: Friday 20 November 2026, 16:00 New
// York.
var JournalNow = time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC)

// PaperStart is the market time the test paper accounts open at: Friday 20 November 2026,
// 10:00 in New York, in the session.
var PaperStart = time.Date(2026, time.November, 20, 15, 0, 0, 0, time.UTC)

// App starts a Fyne test app with Keel's theme for the test.
func App(t *testing.T) {
	t.Helper()
	test.NewTempApp(t)
	test.ApplyTheme(t, ui.Theme())
}

// Journal opens the journal file at path with the clock fixed at JournalNow, in UTC. The
// caller closes it.
func Journal(t testing.TB, path string) *data.Journal {
	t.Helper()
	j, err := data.Open(context.Background(), path, data.WithClock(func() time.Time { return JournalNow }),
		data.WithLocation(time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// Desk is a paper desk on a journal in a temporary file.
type Desk struct {
	Journal *data.Journal
	Desk    *desk.Service
	Paper   *paper.Broker // the market, moved by hand
}

// NewDesk starts a test app and a new paper account with the demo book (seed 7, opening at
// start, its market moved by hand) on a journal in a temporary file; both close when the
// test ends.
func NewDesk(t *testing.T, start time.Time) *Desk {
	t.Helper()
	App(t)
	j, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "keel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return DeskOn(t, j, start)
}

// QuotedDesk is NewDesk on a journal whose clock is fixed at JournalNow, its market moved
// until every position is quoted.
func QuotedDesk(t *testing.T, start time.Time) *Desk {
	t.Helper()
	App(t)
	j := Journal(t, filepath.Join(t.TempDir(), "keel.db"))
	t.Cleanup(func() { j.Close() })
	k := DeskOn(t, j, start)
	k.Quoted(t)
	return k
}

// DeskOn starts a new paper account with the demo book (seed 7, opening at start, its
// market moved by hand) on j; the desk closes when the test ends, j is the caller's.
func DeskOn(t testing.TB, j *data.Journal, start time.Time) *Desk {
	t.Helper()
	d, stop, err := desk.StartPaper(j, desk.PaperOptions{Seed: 7, Start: start, Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	b, ok := d.Paper().(*paper.Broker)
	if !ok {
		t.Fatalf("the desk's market is %T, want the paper broker", d.Paper())
	}
	return &Desk{Journal: j, Desk: d, Paper: b}
}

// Until moves the market a second at a time until cond holds, failing after 30 s.
func (k *Desk) Until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		if err := k.Paper.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// Quoted moves the market until the desk has synced and quoted every position.
func (k *Desk) Quoted(t testing.TB) {
	t.Helper()
	k.Until(t, "every position quoted", func() bool {
		s := k.Desk.Latest()
		return s.Synced && len(s.Positions) > 0 && s.AllQuoted()
	})
}

// WaitFor polls cond until it holds, failing the test after 20 s.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Locked runs f holding widgets.UIMu, as the UI goroutine would run it: never at the same
// time as a background result is applied.
func Locked(f func()) {
	widgets.UIMu.Lock()
	defer widgets.UIMu.Unlock()
	f()
}

// Render draws content with the software renderer at size, as the screenshots are made.
func Render(content fyne.CanvasObject, size fyne.Size) image.Image {
	c := software.NewCanvas()
	c.SetPadded(true)
	c.SetContent(content)
	c.Resize(size)
	return software.RenderCanvas(c, ui.Theme())
}

// Shot renders content into the PNG file path.
func Shot(t testing.TB, content fyne.CanvasObject, size fyne.Size, path string) {
	t.Helper()
	SavePNG(t, Render(content, size), path)
}

// SavePNG writes img to the PNG file path.
func SavePNG(t testing.TB, img image.Image, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
