// Command keel is a desktop hedging desk for an options trader. Without arguments it opens
// the main window; `keel --screenshots DIR` renders every window into DIR/<window>.png
// without a display; `keel --version` prints the version; `keel journal ...` works with the
// trade journal from the command line (`keel journal help`); `keel checklist` runs the daily
// hedging checklist headless (exit status 1 when action is needed).
package main

import (
	"flag"
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/keel-desk/keel/app"
	"github.com/keel-desk/keel/data"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "journal":
			os.Exit(data.JournalCommand(os.Args[2:], os.Stdout, os.Stderr))
		case "checklist":
			os.Exit(app.ChecklistCommand(os.Args[2:], os.Stdout, os.Stderr))
		}
	}
	screenshots := flag.String("screenshots", "", "render every window into `DIR`/<window>.png and exit")
	version := flag.Bool("version", false, "print the version and exit")
	db := flag.String("db", "", "the trade journal `FILE` (default: the user config dir's Keel/keel.db)")
	flag.Parse()

	switch {
	case *version:
		fmt.Println("keel", app.Version)
	case *screenshots != "":
		if err := app.Screenshots(*screenshots); err != nil {
			fmt.Fprintln(os.Stderr, "keel:", err)
			os.Exit(1)
		}
	default:
		if why := app.NoDisplay(); why != "" {
			fmt.Fprintln(os.Stderr, "keel:", why)
			os.Exit(1)
		}
		app.Run(fyneapp.NewWithID(app.ID), *db)
	}
}
