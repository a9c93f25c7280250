package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/format"
)

// ChecklistJSON is what `keel checklist --json` prints: the run's steps and decisions
// (hedge.Run: no P&L), the orders it would send, the notes and size alerts, and where.
type ChecklistJSON struct {
	Book    string               `json:"book"`
	At      time.Time            `json:"at"`
	Action  bool                 `json:"action_needed"`
	Outcome hedge.Outcome        `json:"outcome"` // "action", "attention" or "nothing to do"
	Summary string               `json:"summary"`
	Units   string               `json:"units"`
	Result  desk.ChecklistResult `json:"result"`
	RunID   int64                `json:"run_id"`
}

// ChecklistCommand is `keel checklist [--db PATH] [--json]`: it opens the journal and the
// paper account kept in it with its market clock stopped (the account's market time does
// not move), waits for the book to be valued, runs the daily hedging checklist, logs the run
// (source "cli") and prints every step and decision — never P&L. Exit status: see
// ChecklistExitCodes. It needs no display.
func ChecklistCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keel checklist", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: keel checklist [--db PATH] [--json]\n\nRuns the daily hedging checklist on the paper account, logs the run and prints every step (no P&L).\n\nflags:")
		fs.PrintDefaults()
		fmt.Fprintln(fs.Output(), "\nexit status:")
		for _, c := range ChecklistExitCodes {
			fmt.Fprintf(fs.Output(), "  %d  %s\n", c.Code, c.Means)
		}
	}
	dbPath := fs.String("db", "", "the journal file (default: the per-user Keel journal)")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "keel checklist: unexpected %q\n", strings.Join(fs.Args(), " "))
		return 2
	}
	ctx := context.Background()
	path := *dbPath
	if path == "" {
		p, err := data.DefaultPath()
		if err != nil {
			fmt.Fprintln(stderr, "keel checklist:", err)
			return 2
		}
		path = p
	}
	j, err := data.Open(ctx, path, data.Shared()) // reads beside a running Keel
	if err != nil {
		fmt.Fprintln(stderr, "keel checklist:", err)
		return 2
	}
	defer j.Close()
	d, stop, err := desk.StartPaper(j, desk.PaperOptions{Paused: true, Observe: true})
	if err != nil {
		fmt.Fprintln(stderr, "keel checklist:", err)
		return 2
	}
	defer stop()
	settings, err := desk.LoadChecklistSettings(ctx, j)
	if err != nil {
		fmt.Fprintln(stderr, "keel checklist:", err, "— using the defaults")
	}
	res, err := d.RunChecklistWhenValued(ctx, settings.Config(), 15*time.Second)
	if err != nil {
		fmt.Fprintln(stderr, "keel checklist:", err)
		return 2
	}
	at := d.Latest().Time
	action := "no action"
	if res.Run.Outcome != hedge.OutcomeNothing {
		action = "none taken: printed by keel checklist"
	}
	id, err := d.LogChecklistRun(ctx, res, desk.ScheduledAt(at, settings.Hour, settings.Minute), at, action, nil, "cli")
	if err != nil {
		fmt.Fprintln(stderr, "keel checklist: could not log the run:", err)
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ChecklistJSON{Book: d.Book(), At: at, Action: res.Run.ActionNeeded, Outcome: res.Run.Outcome, Summary: res.Run.Summary,
			Units: res.Units, Result: res, RunID: id}); err != nil {
			fmt.Fprintln(stderr, "keel checklist:", err)
			return 2
		}
	} else {
		WriteChecklist(stdout, d.Book(), at, res)
	}
	return ChecklistExit(res.Run.Outcome)
}

// ChecklistExitCode is one exit status of `keel checklist` and what it means.
type ChecklistExitCode struct {
	Code  int
	Means string
}

// ChecklistExitCodes are `keel checklist`'s exit statuses. 0, 1 and 2 keep their earlier
// meanings (nothing to do, action, error); 3 is new: no trade, but warnings to attend to.
var ChecklistExitCodes = []ChecklistExitCode{
	{0, "nothing to do: every delta inside its band, no rule breached, nothing warns"},
	{1, "action: a hedge to trade or a rule that says close, roll or hedge now"},
	{2, "error: bad usage, or the checklist could not run or be logged"},
	{3, "attention: no trade, but warnings to attend to (each printed with what to do)"},
}

// ChecklistExit is the exit status of a run with outcome o.
func ChecklistExit(o hedge.Outcome) int {
	switch o {
	case hedge.OutcomeAction:
		return 1
	case hedge.OutcomeAttention:
		return 3
	}
	return 0
}

// WriteChecklist prints a run as text, step by step.
func WriteChecklist(w io.Writer, book string, at time.Time, res desk.ChecklistResult) {
	fmt.Fprintf(w, "Daily hedging checklist — %s, %s New York (market time). Ignore P&L.\n", book, at.In(instrument.NewYork).Format("Mon 2 Jan 2006 15:04"))
	fmt.Fprintf(w, "Deltas in %s.\n\n", res.Units)
	fmt.Fprintf(w, "%-14s %12s %14s %11s %11s %10s %21s  %s\n", "Layer", "Options Δ", "Hedge required", "Hedge held", "Difference", "Net Δ", "Band", "Decision")
	for _, h := range res.Run.Hedges {
		band := "—"
		if h.Decision.Band.Lo != 0 || h.Decision.Band.Hi != 0 {
			band = format.Num(h.Decision.Band.Lo, 1) + " … " + format.Num(h.Decision.Band.Hi, 1)
		}
		fmt.Fprintf(w, "%-14s %12s %14s %11s %11s %10s %21s  %s\n", h.Layer, format.Num(h.OptionsDelta, 1), format.Num(h.HedgeRequired, 1),
			format.Num(h.HedgeHeld, 1), format.Num(h.Difference, 1), format.Num(h.NetDelta, 1), band, h.Action)
	}
	fmt.Fprintln(w, "\nAdjustments:")
	if len(res.Orders) == 0 {
		fmt.Fprintln(w, "  no action: every delta is inside its band")
	}
	for _, o := range res.Orders {
		fmt.Fprintf(w, "  %s: %s (market, day)\n", o.Scope, o.Words)
	}
	section := func(title string, fs []string) {
		fmt.Fprintln(w, "\n"+title+":")
		if len(fs) == 0 {
			fmt.Fprintln(w, "  nothing to report")
		}
		for _, f := range fs {
			fmt.Fprintln(w, "  "+f)
		}
	}
	words := func(fs []findingText) []string {
		out := make([]string, len(fs))
		for i, f := range fs {
			out[i] = f.String()
		}
		return out
	}
	section("DTE and gamma (positions to roll or close)", words(texts(desk.RollOrCloseFindings(res.Run.Positions))))
	section("Vega and events", words(texts(res.Run.Vega)))
	section("Limits", words(texts(res.Run.Limits)))
	if len(res.Notes) > 0 {
		section("Notes", res.Notes)
	}
	if len(res.Run.Attention) > 0 {
		var att []string
		for _, a := range res.Run.Attention {
			att = append(att, a.Text+"\n    → "+a.Advice)
		}
		section("Attention (warnings, each with what to do)", att)
	}
	if len(res.DeepITM) > 0 {
		var lines []string
		holding := 0
		for _, a := range res.DeepITM {
			if a.Problem == "" && a.Action == lifecycle.Hold {
				holding++
				continue
			}
			lines = append(lines, desk.DeepITMWords(a))
		}
		noun := "short option"
		if len(lines) > 0 {
			noun = "other short option"
		}
		lines = append(lines, format.Count(holding, noun, "")+" collecting theta (|delta| below the tested threshold)")
		section("Tested and deep-ITM short options (plan a roll; let assign, roll or close)", lines)
	}
	fmt.Fprintf(w, "\n%s: %s\n", res.Run.Outcome, res.Run.Summary)
}

type findingText struct{ sev, text string }

func (f findingText) String() string { return "[" + f.sev + "] " + f.text }

func texts(fs []hedge.Finding) []findingText {
	out := make([]findingText, len(fs))
	for i, f := range fs {
		out[i] = findingText{f.Severity.String(), f.Text}
	}
	return out
}
