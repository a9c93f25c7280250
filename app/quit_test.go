package app

import (
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
)

// TestQuitWithEveryWindowOpenNeverHangs opens every window on a desk whose market moves
// (so every view has results on their way to the UI goroutine), quits as Ctrl+Q does and
// fails when the quit does not return within 10 s, dumping the goroutines; many times, as
// the hang of issue 15 came once in eight quits. After the quit, results still arriving
// are dropped: nothing waits on the UI goroutine.
func TestQuitWithEveryWindowOpenNeverHangs(t *testing.T) {
	if alone(t) {
		return
	}
	// Each round builds every window under the race detector, which takes a while: two
	// rounds here, eight real quits in scripts/smoke.sh.
	rounds := 2
	if testing.Short() {
		rounds = 1
	}
	// One app and one desk for every round, so the workers a quit leaves behind (a chart
	// still drawing) apply into the same app, under the same lock, and are dropped.
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	for i := range rounds {
		t.Run("round", func(t *testing.T) {
			ui.StartBridge() // the last round quit
			stopped := make(chan struct{})
			a := fyne.CurrentApp()
			o := newOpener(a, ui.Env{Now: func() time.Time { return testkit.JournalNow }, Journal: k.Journal, Desk: k.Desk})
			o.stopDesk = func() { close(stopped) }
			start := time.Now()
			for _, spec := range Windows() {
				testkit.Locked(func() { o.open(spec.Name, nil) })
			}
			t.Logf("every window open in %v", time.Since(start).Round(time.Millisecond))
			// The market keeps moving while the app quits: snapshots keep coming.
			moving := make(chan struct{})
			go func() {
				defer close(moving)
				for j := 0; j < 20+i; j++ {
					_ = k.Paper.Advance(time.Second)
					time.Sleep(5 * time.Millisecond)
				}
			}()
			time.Sleep(time.Duration(10*i) * time.Millisecond)
			quit := make(chan struct{})
			go func() {
				defer close(quit)
				testkit.Locked(o.quit)
			}()
			select {
			case <-quit:
			case <-time.After(10 * time.Second):
				buf := make([]byte, 1<<20)
				t.Fatalf("quit did not return within 10 s; goroutines:\n%s", buf[:runtime.Stack(buf, true)])
			}
			<-moving
			select {
			case <-stopped:
			default:
				t.Error("quit did not stop the desk")
			}
			if !ui.BridgeStopped() {
				t.Error("quit did not stop the bridge")
			}
			// A result that arrives now is dropped at once, not waited for.
			done := make(chan struct{})
			go func() { ui.Apply(func() { t.Error("a result was applied after the quit") }); close(done) }()
			select {
			case <-done:
			case <-time.After(2 * time.Second):
				t.Fatal("ui.Apply waited after the quit")
			}
		})
	}
}

// TestWindowSizesAreKeptThroughTheDesk closes one window by itself and quits with another
// open: both sizes are in the journal (the desk's SaveWindowChoices) and the windows
// reopen at them.
func TestWindowSizesAreKeptThroughTheDesk(t *testing.T) {
	if alone(t) {
		return
	}
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	a := fyne.CurrentApp()
	env := ui.Env{Now: func() time.Time { return testkit.JournalNow }, Journal: k.Journal, Desk: k.Desk}
	o := newOpener(a, env)
	o.stopDesk = func() {}
	calc, _ := window("calculator")
	sets, _ := window("settings")
	var wc, ws fyne.Window
	testkit.Locked(func() {
		wc = o.show(calc, nil)
		ws = o.show(sets, nil)
		wc.Resize(fyne.NewSize(900, 600))
		ws.Resize(fyne.NewSize(1000, 650))
		wc.Close() // closed by itself
		o.quit()   // the settings window is closed with the app
	})
	for name, want := range map[string]fyne.Size{"calculator": fyne.NewSize(900, 600), "settings": fyne.NewSize(1000, 650)} {
		raw, ok, err := k.Journal.Setting(context.Background(), windowSizeKey(name))
		if err != nil || !ok {
			t.Fatalf("%s: no size kept (%v)", name, err)
		}
		var s savedSize
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			t.Fatal(err)
		}
		if got := fyne.NewSize(s.Width, s.Height); got != want {
			t.Errorf("%s kept %v, want %v", name, got, want)
		}
		spec, _ := window(name)
		o2 := newOpener(a, env)
		if got := o2.size(spec); got != want {
			t.Errorf("%s reopens at %v, want %v", name, got, want)
		}
	}
	// A size an older Keel left in the preferences (the desk once grew to 1400×1614 and then
	// opened off a laptop's screen) is not read while a desk keeps sizes in the journal.
	a.Preferences().SetFloat("window.positions.width", 1400)
	a.Preferences().SetFloat("window.positions.height", 1614)
	pos, _ := window("positions")
	if got := newOpener(a, env).size(pos); got != pos.Size {
		t.Errorf("positions opens at %v from the old preferences, want its own %v", got, pos.Size)
	}
}

// TestShortcutsWorkInsideTextFields types Ctrl+J and Ctrl+Q into a focused text field of
// the settings window: the journal opens and the app quits, as from anywhere else in the
// window; Escape then leaves the field. Every window carries the Keel menu, whose shortcuts
// Fyne tries before a focused field.
func TestShortcutsWorkInsideTextFields(t *testing.T) {
	if alone(t) {
		return
	}
	testkit.App(t)
	a := fyne.CurrentApp()
	o := newOpener(a, ui.Env{Now: func() time.Time { return fixedNow }})
	var opened []string
	o.env.Open = nil
	spec, _ := window("settings")
	var w fyne.Window
	testkit.Locked(func() { w = o.show(spec, nil) })
	// Watch what the window's shortcuts open.
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyJ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { opened = append(opened, "journal") })
	var field *ui.Entry
	walkObjects(w.Content(), func(o fyne.CanvasObject) bool {
		if e, ok := o.(*ui.Entry); ok && field == nil {
			field = e
		}
		return field == nil
	})
	if field == nil {
		t.Fatal("the settings window has no ui.Entry")
	}
	testkit.Locked(func() {
		w.Canvas().Focus(field)
		field.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyJ, Modifier: fyne.KeyModifierShortcutDefault})
	})
	if len(opened) != 1 {
		t.Errorf("Ctrl+J in a focused field reached the window %d times, want once", len(opened))
	}
	if w.Canvas().Focused() != field {
		t.Error("the field lost the focus on Ctrl+J")
	}
	// Editing shortcuts stay the field's: Ctrl+Left moves the cursor and opens nothing.
	testkit.Locked(func() {
		field.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyLeft, Modifier: fyne.KeyModifierShortcutDefault})
	})
	if len(opened) != 1 {
		t.Error("Ctrl+Left reached the window")
	}
	testkit.Locked(func() { field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	if w.Canvas().Focused() != nil {
		t.Error("Escape did not leave the field")
	}
	// The menu every window carries has every window's shortcut and Quit on Ctrl+Q, which
	// runs the app's own quit (sizes kept, desk and bridge stopped).
	menu := w.MainMenu()
	if menu == nil || len(menu.Items) == 0 {
		t.Fatal("the settings window has no Keel menu")
	}
	keys := map[string]*fyne.MenuItem{}
	for _, it := range menu.Items[0].Items {
		if sc, ok := it.Shortcut.(*desktop.CustomShortcut); ok {
			keys[string(sc.KeyName)] = it
		}
	}
	for _, other := range Windows() {
		if other.Key != "" && keys[string(other.Key)] == nil {
			t.Errorf("the menu lacks %s's Ctrl+%s", other.Name, other.Key)
		}
	}
	q := keys[string(fyne.KeyQ)]
	if q == nil || !q.IsQuit || !strings.EqualFold(q.Label, "Quit") {
		t.Fatal("the menu lacks Quit on Ctrl+Q")
	}
	testkit.Locked(q.Action)
	if !o.quitting || !ui.BridgeStopped() {
		t.Error("the menu's Quit did not run the app's quit")
	}
}

// walkObjects visits o's tree until visit returns false.
func walkObjects(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) bool {
	if o == nil || !visit(o) {
		return false
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			if !walkObjects(c, visit) {
				return false
			}
		}
	case fyne.Widget:
		if _, ok := x.(*ui.Entry); ok {
			return true
		}
		if _, ok := x.(*widget.Entry); ok {
			return true
		}
		for _, c := range test.WidgetRenderer(x).Objects() {
			if !walkObjects(c, visit) {
				return false
			}
		}
	}
	return true
}
