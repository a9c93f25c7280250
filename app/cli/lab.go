package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/keel-desk/keel/brokers/paper/replay"
	"github.com/keel-desk/keel/engine/lab"
)

// LabCommand is `keel lab SUBCOMMAND …`, the hedging lab headless:
//
//	keel lab derman-kamal [--paths N] [--json]   the QuantLib DiscreteHedging case vs Derman–Kamal
//	keel lab policies [--preset NAME] [--paths N] [--json]   every rebalancing policy on one subject
//	keel lab strategy [--seeds N] [--days N] [--json]   rolls vs naive adds on simulated markets
//
// Exit status: 0 printed, 1 the run failed, 2 bad usage.
func LabCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: keel lab derman-kamal|policies|strategy [flags] (keel lab SUBCOMMAND --help)")
		return 2
	}
	switch args[0] {
	case "derman-kamal":
		return labDermanKamal(args[1:], stdout, stderr)
	case "policies":
		return labPolicies(args[1:], stdout, stderr)
	case "strategy":
		return replay.LabStrategyCommand(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "keel lab: no subcommand %q (have derman-kamal, policies, strategy)\n", args[0])
	return 2
}

// labContext is cancelled by Ctrl-C, so a long run stops cleanly.
func labContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

func labDermanKamal(args []string, stdout, stderr io.Writer) int {
	const name = "keel lab derman-kamal"
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	paths := fs.Int("paths", lab.DermanKamalPaths, "simulated paths")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *paths < 1 {
		fmt.Fprintf(stderr, "usage: %s [--paths N ≥ 1] [--json]\n", name)
		return 2
	}
	ctx, cancel := labContext()
	defer cancel()
	rep, err := lab.DermanKamal(ctx, *paths)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	return labPrint(name, rep, rep.Text(), *asJSON, stdout, stderr)
}

func labPolicies(args []string, stdout, stderr io.Writer) int {
	const name = "keel lab policies"
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	preset := fs.String("preset", lab.Presets[0].Name, "the subject: "+presetNames())
	paths := fs.Int("paths", 0, "simulated paths (default: the preset's)")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *paths < 0 {
		fmt.Fprintf(stderr, "usage: %s [--preset NAME] [--paths N] [--json]\n", name)
		return 2
	}
	p, err := lab.LookupPreset(*preset)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	e, err := p.Experiment()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	if *paths > 0 {
		e.Paths = *paths
	}
	ctx, cancel := labContext()
	defer cancel()
	rep, err := lab.Run(ctx, e, nil)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	return labPrint(name, rep, rep.Text(), *asJSON, stdout, stderr)
}

func presetNames() string {
	s := ""
	for i, p := range lab.Presets {
		if i > 0 {
			s += ", "
		}
		s += p.Name
	}
	return s
}

func labPrint(name string, v any, text string, asJSON bool, stdout, stderr io.Writer) int {
	if !asJSON {
		fmt.Fprint(stdout, text)
		return 0
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}
