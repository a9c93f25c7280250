//go:build unix

package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/keel-desk/keel/app/ui"
)

// statsSignal makes SIGUSR1 print the UI stats measured so far and start a new measurement
// (keel --ui-stats): scripts/uistats.sh sends it once the windows it opens are open, so the
// table printed on quit is the windows' steady running and the one before it their opening.
const statsSignal = "; SIGUSR1 prints the figures so far and starts anew"

func watchStatsSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	go func() {
		for range ch {
			fmt.Println("until SIGUSR1:")
			if err := ui.WriteStats(os.Stdout); err != nil {
				fmt.Fprintln(os.Stderr, "keel:", err)
			}
			ui.ResetStats()
			fmt.Println("since SIGUSR1:")
		}
	}()
}
