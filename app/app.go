package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // expiries are in New York time; embed the zone database for machines without one

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/brokersettings"
	"github.com/keel-desk/keel/app/calculator"
	"github.com/keel-desk/keel/app/charts"
	"github.com/keel-desk/keel/app/checklist"
	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/deskview"
	"github.com/keel-desk/keel/app/journal"
	"github.com/keel-desk/keel/app/lab"
	"github.com/keel-desk/keel/app/layers"
	"github.com/keel-desk/keel/app/liquidity"
	"github.com/keel-desk/keel/app/positions"
	"github.com/keel-desk/keel/app/roll"
	"github.com/keel-desk/keel/app/settings"
	"github.com/keel-desk/keel/app/ticket"
	"github.com/keel-desk/keel/assets"
	"github.com/keel-desk/keel/data"

	"github.com/keel-desk/keel/app/ui"
)

// ID is Keel's application id; it names the preferences and storage folders.
const ID = "io.github.keeldesk.keel"

// Version is Keel's version; FyneApp.toml carries the same number.
const Version = "0.1.0"

// Icon is the application and window icon.
var Icon = fyne.NewStaticResource("icon.png", assets.IconPNG)

// Windows lists Keel's windows; the first is the main window.
func Windows() []ui.Window {
	return []ui.Window{
		deskview.Window(),
		positions.Window(),
		ticket.Window(),
		layers.Window(),
		settings.Window(),
		brokersettings.Window(),
		calculator.Window(),
		journal.Window(),
		checklist.Window(),
		checklist.ReviewWindow(),
		charts.Window(),
		liquidity.Window(),
		roll.Window(),
		lab.Window(),
	}
}

// window finds a window by name.
func window(name string) (ui.Window, bool) {
	for _, w := range Windows() {
		if w.Name == name {
			return w, true
		}
	}
	return ui.Window{}, false
}

const noDisplayHint = "Keel needs a graphical desktop; without one, use `keel journal …`, `keel checklist` or `keel --screenshots DIR`."

// NoDisplay says why the window cannot open on this system, "" when it can be tried: on
// Linux and the BSDs a desktop session sets DISPLAY (X11) or WAYLAND_DISPLAY. Call it before
// the Fyne app is made, whose driver fails with a panic without a display.
func NoDisplay() string { return noDisplay(runtime.GOOS, os.Getenv) }

func noDisplay(goos string, getenv func(string) string) string {
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
			return "no display: neither DISPLAY nor WAYLAND_DISPLAY is set. " + noDisplayHint
		}
	}
	return ""
}

// Run opens the main window on a and runs the app until the user quits (Ctrl+Q or closing
// the main window). dbPath is the journal file; "" means data.DefaultPath(). The desk runs
// on the paper broker, whose account lives in the same file.
//
// openAtStart names windows to open once the desk shows ("all" for every window, one order
// ticket and one roll planner among them): `keel --open all` is how the smoke test opens
// every window before it quits.
func Run(a fyne.App, dbPath string, openAtStart ...string) {
	defer func() {
		// The driver panics when it cannot open a window (no display, no OpenGL): say so
		// instead of a GLFW stack trace.
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "keel: cannot open a window (%v). %s\n", r, noDisplayHint)
			os.Exit(1)
		}
	}()
	a.SetIcon(Icon)
	a.Settings().SetTheme(ui.Theme())
	env := ui.Env{Now: time.Now}
	env.Journal, env.JournalErr = openJournal(dbPath)
	if errors.Is(env.JournalErr, data.ErrJournalInUse) {
		alreadyRunning(a, env.JournalErr)
	}
	if env.Journal != nil {
		defer env.Journal.Close()
		backupCtx, stopBackup := context.WithCancel(context.Background())
		defer stopBackup()
		go func() {
			if _, _, err := data.BackupDaily(backupCtx, env.Journal, data.DefaultBackupKeep); err != nil {
				fmt.Fprintln(os.Stderr, "keel: daily backup:", err)
			}
		}()
		if _, err := desk.SeedSampleHistory(context.Background(), env.Journal); err != nil {
			fmt.Fprintln(os.Stderr, "keel:", err)
		}
		// The theme chosen in Settings (the settings' own problems show in that window).
		if st, err := desk.LoadSettings(context.Background(), env.Journal); err == nil {
			a.Settings().SetTheme(ui.ThemeFor(st.Theme))
		}
	}
	ui.StartBridge()
	// However the app ends, the bridge stops before the desk does: a view's result on its way
	// to the UI goroutine is dropped instead of waiting for an event loop that has stopped.
	defer ui.StopBridge()
	var stop func()
	env.Desk, stop, env.DeskErr = startDesk(env.Journal)
	if env.DeskErr != nil {
		fmt.Fprintln(os.Stderr, "keel:", env.DeskErr)
	} else {
		stop = sync.OnceFunc(stop)
		defer stop()
		setPaperSpeed(env.Desk, PaperSpeed)
	}
	open := newOpener(a, env)
	open.stopDesk = stop
	env.Open = open.open
	if env.Desk != nil {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go env.Desk.ScheduleChecklist(ctx, func(hour, minute int) {
			a.SendNotification(fyne.NewNotification("Keel — daily hedging checklist",
				fmt.Sprintf("It is %02d:%02d in New York: time for the checklist.", hour, minute)))
			fyne.Do(func() { open.open("checklist", nil) })
		})
	}
	main := Windows()[0]
	w := open.show(main, nil)
	w.SetMaster()
	// Closing the desk quits the app the way Ctrl+Q does: every window's size is kept and
	// the desk and the bridge stop before the windows close.
	w.SetCloseIntercept(open.quit)
	w.CenterOnScreen()
	if len(openAtStart) == 1 && openAtStart[0] == "all" {
		openAtStart = nil
		for _, spec := range Windows()[1:] {
			openAtStart = append(openAtStart, spec.Name)
		}
	}
	if len(openAtStart) > 0 {
		a.Lifecycle().SetOnStarted(func() {
			for _, name := range openAtStart {
				open.open(name, nil)
			}
			w.RequestFocus()
		})
	}
	w.ShowAndRun()
}

// menu is the Keel menu every window carries: each window with its Ctrl shortcut, and Quit
// (Ctrl+Q). Shortcuts in a window's menu reach the window before a focused text field
// takes them, so Ctrl+Q and Ctrl+J work while the trader types in a field.
func (o *opener) menu() *fyne.MainMenu {
	var items []*fyne.MenuItem
	for _, spec := range Windows() {
		spec := spec
		item := &fyne.MenuItem{Label: strings.TrimPrefix(spec.Title, "Keel — "), Action: func() { o.open(spec.Name, nil) }}
		if spec.Key != "" {
			item.Shortcut = &desktop.CustomShortcut{KeyName: spec.Key, Modifier: fyne.KeyModifierShortcutDefault}
		}
		items = append(items, item)
	}
	quit := &fyne.MenuItem{Label: "Quit", IsQuit: true, Action: o.quit,
		Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}}
	items = append(items, fyne.NewMenuItemSeparator(), quit)
	return fyne.NewMainMenu(fyne.NewMenu("Keel", items...))
}

// alreadyRunning says that another Keel owns the journal — naming its pid — and exits with
// status 1 once the trader has read it. Fyne cannot bring another process's window
// forward, so the trader switches to it.
func alreadyRunning(a fyne.App, err error) {
	l := widget.NewLabel(err.Error())
	l.Wrapping = fyne.TextWrapWord
	w := a.NewWindow("Keel is already running")
	// In a scroll the wrapped text takes the window's width instead of growing it a word wide.
	w.SetContent(container.NewBorder(nil, container.NewCenter(widget.NewButton("Quit", a.Quit)), nil, nil, container.NewVScroll(l)))
	w.Resize(fyne.NewSize(520, 170))
	w.ShowAndRun()
	os.Exit(1)
}

// opener shows Keel's windows: one of each, brought forward when already open, except the
// Multiple ones (order tickets) which open anew each time.
type opener struct {
	a     fyne.App
	env   ui.Env
	shown map[string]fyne.Window
	views map[fyne.Window]func() // each open window's Stop
	// stopDesk stops the desk (nil when none was started); quit calls it.
	stopDesk func()
	quitting bool
}

func newOpener(a fyne.App, env ui.Env) *opener {
	return &opener{a: a, env: env, shown: map[string]fyne.Window{}, views: map[fyne.Window]func(){}}
}

// windowSizeKey is the journal setting a window's size is kept under, as JSON
// {"width":…,"height":…} in Fyne units.
func windowSizeKey(name string) string { return "window." + name + ".size" }

// savedSize is a window's size as the journal keeps it.
type savedSize struct {
	Width  float32 `json:"width"`
	Height float32 `json:"height"`
}

// usable reports whether a kept size is one to open at (not a window shrunk to nothing).
func (s savedSize) usable() bool { return s.Width >= 320 && s.Height >= 240 }

// size is the size a window had when the trader last closed it (kept in the journal through
// the desk, or in the app's preferences when there is no desk), or its opening size. Fyne
// lets an app size its windows but not place them, so where a window opens is the system's
// choice.
func (o *opener) size(spec ui.Window) fyne.Size {
	if j := o.env.Journal; j != nil {
		if raw, ok, err := j.Setting(context.Background(), windowSizeKey(spec.Name)); err == nil && ok {
			var s savedSize
			if json.Unmarshal([]byte(raw), &s) == nil && s.usable() {
				return fyne.NewSize(s.Width, s.Height)
			}
		}
	}
	if o.env.Desk != nil {
		// With a desk the journal is where sizes are kept; the preferences may still hold a
		// size from an older Keel (a desk once grew to 1400×1614 there) and are not read.
		return spec.Size
	}
	p := o.a.Preferences()
	s := savedSize{float32(p.Float("window." + spec.Name + ".width")), float32(p.Float("window." + spec.Name + ".height"))}
	if !s.usable() {
		return spec.Size
	}
	return fyne.NewSize(s.Width, s.Height)
}

// remember keeps a window's size for the next time it opens: through the desk's
// SaveWindowChoices into the journal, or in the app's preferences when there is no desk.
func (o *opener) remember(name string, w fyne.Window) {
	sz := w.Canvas().Size()
	s := savedSize{sz.Width, sz.Height}
	if !s.usable() {
		return
	}
	if d := o.env.Desk; d != nil {
		raw, _ := json.Marshal(s)
		if err := d.SaveWindowChoices(context.Background(), windowSizeKey(name), string(raw)); err != nil {
			fmt.Fprintln(os.Stderr, "keel: keeping the window size:", err)
		}
		return
	}
	p := o.a.Preferences()
	p.SetFloat("window."+name+".width", float64(s.Width))
	p.SetFloat("window."+name+".height", float64(s.Height))
}

// quit remembers the open windows' sizes and quits (Ctrl+Q, or closing the desk). Nothing
// may wait on the UI goroutine while the app shuts down, so before any window closes it
// stops the bridge (results on their way are dropped), every view's subscriptions and then
// the desk; only then does Fyne close the windows.
func (o *opener) quit() {
	if o.quitting {
		return
	}
	o.quitting = true
	for name, w := range o.shown {
		o.remember(name, w)
	}
	ui.StopBridge()
	for _, stop := range o.views {
		stop()
	}
	if o.stopDesk != nil {
		o.stopDesk()
	}
	o.a.Quit()
}

// open shows the window called name with arg (UI goroutine).
func (o *opener) open(name string, arg any) {
	spec, ok := window(name)
	if !ok {
		return
	}
	if w, ok := o.shown[name]; ok && !spec.Multiple {
		if r, ok := w.Content().(interface{ Reopened() }); ok {
			r.Reopened() // a window that must not show stale results (the checklist reruns)
		}
		w.Show()
		w.RequestFocus()
		return
	}
	o.show(spec, arg).Show()
}

// show builds a window with every window's shortcuts (Ctrl+letter opens, Ctrl+Q quits).
func (o *opener) show(spec ui.Window, arg any) fyne.Window {
	w := o.a.NewWindow(spec.Title)
	w.SetIcon(Icon)
	e := o.env
	e.Window, e.Arg, e.Open = w, arg, o.open
	content := spec.Build(e)
	w.SetContent(content)
	w.SetMainMenu(o.menu())
	w.Resize(o.size(spec))
	for _, other := range Windows() {
		if other.Key == "" {
			continue
		}
		name := other.Name
		w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: other.Key, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { o.open(name, nil) })
	}
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { o.quit() })
	stop := func() {}
	if s, ok := content.(interface{ Stop() }); ok {
		stop = s.Stop
	}
	if !spec.Multiple {
		o.shown[spec.Name] = w
	}
	o.views[w] = stop
	w.SetOnClosed(func() {
		delete(o.views, w)
		if !o.quitting {
			o.remember(spec.Name, w)
		}
		stop()
		if o.shown[spec.Name] == w {
			delete(o.shown, spec.Name)
		}
	})
	return w
}

// openJournal opens the journal at path, or at data.DefaultPath() when path is "".
func openJournal(path string) (*data.Journal, error) {
	if path == "" {
		p, err := data.DefaultPath()
		if err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		path = p
	}
	j, err := data.Open(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "keel:", err)
		return nil, err
	}
	return j, nil
}
