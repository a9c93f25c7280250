package main

import (
	"os"

	"github.com/keel-desk/keel/brokers/paper/replay"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "strategy" {
		os.Exit(replay.LabStrategyCommand(os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(replay.ReplayCommand(os.Args[1:], os.Stdout, os.Stderr))
}
