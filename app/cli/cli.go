// Package cli is Keel's command line: `keel journal …`, `keel checklist`, `keel liquidity`,
// `keel roll`, `keel replay`, `keel lab …` and `keel broker check`. It starts no Fyne app and
// imports no Fyne package, so a command prints nothing on standard error but its own
// messages, and it runs on a machine without a display.
//
// Each command is one file holding a function with the signature of Command.Run, plus one
// line in the commands table below (its name and a one-line summary). Run dispatches on the
// first argument; `keel help` lists the table. A command returns its exit status: 0 done,
// 1 failed (or, for a check, action needed), 2 bad usage or an error before it could start.
//
// To add `keel review`, for example: write review.go with
//
//	func ReviewCommand(args []string, stdout, stderr io.Writer) int
//
// and add {"review", "…", ReviewCommand} to commands.
package cli

import (
	"fmt"
	"io"
)

// Command is one of Keel's commands.
type Command struct {
	Name    string // the first argument: `keel Name …`
	Summary string // one line for `keel help`
	Run     func(args []string, stdout, stderr io.Writer) int
}

// commands is the registry: one line per command.
var commands = []Command{
	{"journal", "import broker statements into the trade journal, export it as CSV", JournalCommand},
	{"checklist", "run the daily hedging checklist headless (exit 0 nothing to do, 1 action, 3 attention)", ChecklistCommand},
	{"liquidity", "the liquidity checklist of one expiry of a chain: SYMBOL [--expiry YYYY-MM-DD] [--size N]", LiquidityCommand},
	{"roll", "ranked rolls for short options, never more contracts: [--position SYMBOL | --layer NAME]", RollCommand},
	{"replay", "replay the desk's rules on a copy of the paper book over simulated days", ReplayCommand},
	{"lab", "the hedging lab headless: derman-kamal | policies | strategy", LabCommand},
	{"broker", "check a real broker connection, placing no order: check --broker tastytrade", BrokerCommand},
}

// Commands lists the commands in the order `keel help` shows them.
func Commands() []Command { return append([]Command(nil), commands...) }

// Lookup finds a command by name.
func Lookup(name string) (Command, bool) {
	for _, c := range commands {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

// Run runs the command args[0] with the rest of args. ok is false when args names no
// command (the caller then starts the app or parses its own flags).
func Run(args []string, stdout, stderr io.Writer) (status int, ok bool) {
	if len(args) == 0 {
		return 0, false
	}
	if args[0] == "help" {
		Help(stdout)
		return 0, true
	}
	c, ok := Lookup(args[0])
	if !ok {
		return 0, false
	}
	return c.Run(args[1:], stdout, stderr), true
}

// Help prints the commands and their summaries.
func Help(w io.Writer) {
	fmt.Fprintln(w, "usage: keel [--db FILE] | keel --screenshots DIR | keel --version | keel COMMAND …")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
}
