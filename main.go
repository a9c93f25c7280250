// Command keel is a desktop hedging desk for an options trader. Without arguments it opens
// the main window; `keel --screenshots DIR` renders every window into DIR/<window>.png
// without a display; `keel --version` prints the version; `keel --ui-stats` prints, on quit, how long the
// windows' updates held the UI goroutine; `keel journal ...` works with the
// trade journal from the command line (`keel journal help`); `keel checklist` runs the daily
// hedging checklist headless (exit status 1 when action is needed); `keel help` lists the
// commands (package app/cli).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	_ "github.com/keel-desk/keel/app/cli/locale" // before Fyne initialises: no locale warning under LANG=C.UTF-8

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/keel-desk/keel/app"
	"github.com/keel-desk/keel/app/cli"
	"github.com/keel-desk/keel/app/ui"
)

func main() {
	if status, ok := cli.Run(os.Args[1:], os.Stdout, os.Stderr); ok {
		os.Exit(status)
	}
	screenshots := flag.String("screenshots", "", "render every window into `DIR`/<window>.png and exit")
	version := flag.Bool("version", false, "print the version and exit")
	open := flag.String("open", "", "open these windows with the desk: comma-separated `NAMES` (desk, positions, charts …) or \"all\"")
	theme := flag.String("theme", "", "the screenshots' `THEME`: dark, light or system (default: the one saved in Settings)")
	db := flag.String("db", "", "the trade journal `FILE` (default: the user config dir's Keel/keel.db)")
	uiStats := flag.Bool("ui-stats", false, "on quit, print how long the windows' updates ran on the UI goroutine and waited for it (p99 and max per window)"+statsSignal)
	flag.Float64Var(&app.PaperSpeed, "paper-speed", 0, "start the paper market's clock at `N`× (1, 10, 60 or 600; 0 keeps the saved speed)")
	flag.Parse()

	switch {
	case *version:
		fmt.Println("keel", app.Version)
	case *screenshots != "":
		th := *theme
		if th == "" {
			th = app.SavedTheme(*db)
		}
		if err := app.Screenshots(*screenshots, th); err != nil {
			fmt.Fprintln(os.Stderr, "keel:", err)
			os.Exit(1)
		}
	default:
		if why := app.NoDisplay(); why != "" {
			fmt.Fprintln(os.Stderr, "keel:", why)
			os.Exit(1)
		}
		if *uiStats {
			watchStatsSignal()
		}
		var names []string
		if *open != "" {
			names = strings.Split(*open, ",")
		}
		app.Run(fyneapp.NewWithID(app.ID), *db, names...)
		if *uiStats {
			if err := ui.WriteStats(os.Stdout); err != nil {
				fmt.Fprintln(os.Stderr, "keel:", err)
			}
		}
	}
}
