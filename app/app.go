package app

import (
	"time"
	_ "time/tzdata" // expiries are in New York time; embed the zone database for machines without one

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/keel-desk/keel/assets"
	"github.com/keel-desk/keel/data"
)

// ID is Keel's application id; it names the preferences and storage folders.
const ID = "io.github.keeldesk.keel"

// Version is Keel's version; FyneApp.toml carries the same number.
const Version = "0.1.0"

// Icon is the application and window icon.
var Icon = fyne.NewStaticResource("icon.png", assets.IconPNG)

// Env is what a window's content is built from: the clock it reads "now" from, the
// window it lives in (nil when rendered for a screenshot) and the trade journal (nil when it
// could not be opened; JournalErr says why).
type Env struct {
	Now        func() time.Time
	Window     fyne.Window
	Journal    *data.Journal
	JournalErr error
}

// Window is one of Keel's windows: Name is its short name (the screenshot file
// DIR/<Name>.png), Title its title bar text, Size its opening size, and Build makes its content.
type Window struct {
	Name  string
	Title string
	Size  fyne.Size
	Build func(env Env) fyne.CanvasObject
}

// Windows lists Keel's windows; the first is the main window.
func Windows() []Window {
	return []Window{
		{
			Name:  "calculator",
			Title: "Keel — Option calculator",
			Size:  fyne.NewSize(1180, 680),
			Build: func(env Env) fyne.CanvasObject { return NewCalculator(env.Now).Content() },
		},
		{
			Name:  "journal",
			Title: "Keel — Trade journal",
			Size:  fyne.NewSize(1360, 820),
			Build: buildJournal,
		},
	}
}

// OpenJournalShortcut opens the trade journal window from the main window.
var OpenJournalShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyJ, Modifier: fyne.KeyModifierShortcutDefault}

// Run opens the main window on a and runs the app until the user quits (Ctrl+Q or closing
// the window). dbPath is the journal file; "" means data.DefaultPath().
func Run(a fyne.App, dbPath string) {
	a.SetIcon(Icon)
	a.Settings().SetTheme(Theme())
	env := Env{Now: time.Now}
	env.Journal, env.JournalErr = openJournal(dbPath)
	if env.Journal != nil {
		defer env.Journal.Close()
	}
	main := Windows()[0]
	w := a.NewWindow(main.Title)
	w.SetIcon(Icon)
	env.Window = w
	w.SetContent(main.Build(env))
	openJournalWindow := journalOpener(a, env)
	w.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu("Keel",
		&fyne.MenuItem{Label: "Journal", Shortcut: OpenJournalShortcut, Action: openJournalWindow})))
	w.Canvas().AddShortcut(OpenJournalShortcut, func(fyne.Shortcut) { openJournalWindow() })
	w.Resize(main.Size)
	w.CenterOnScreen()
	w.SetMaster()
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { a.Quit() })
	w.ShowAndRun()
}
