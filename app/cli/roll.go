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
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/roll"
)

// RollCommand is `keel roll [--position SYMBOL | --layer NAME] [--db FILE] [--json]`: the
// roll planner's ranked candidates for one short option, every short option of a layer, or
// (no target) every short option of the book, on the paper account kept in the journal as
// the desk values it (observed with its clock stopped; nothing is written or sent), planned
// by the desk as the roll planner window plans them (desk.Service.PlanRolls): the chains
// are each held option's underlying at its own expiry and every expiry in the roll window
// the trader set in Settings → Roll planner (with their weights and debit rule) — for a
// futures option, of every futures month of its root the book holds.
// Exit status: 0 printed, 2 bad usage, an unknown position or layer, or an error.
func RollCommand(args []string, stdout, stderr io.Writer) int {
	const name = "keel roll"
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	position := fs.String("position", "", "plan this short option (its symbol)")
	layer := fs.String("layer", "", "plan every short option of this layer")
	dbPath := fs.String("db", "", "the journal file (default: the per-user Keel journal)")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected %q\n", name, strings.Join(fs.Args(), " "))
		return 2
	}
	if *position != "" && *layer != "" {
		fmt.Fprintf(stderr, "%s: give --position or --layer, not both\n", name)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	o, ok := openObserver(ctx, name, *dbPath, 15*time.Second, stderr)
	if !ok {
		return 2
	}
	defer o.Close()
	// The trader's roll window, debit rule, weights and liquidity rules, as saved in Settings.
	st, err := desk.LoadSettings(ctx, o.j)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v — using the defaults\n", name, err)
	}
	o.d.SetRollPlanner(st.Roll)
	o.d.SetLiquidity(st.Liquidity)
	s := o.d.RollSettings()
	// The desk's own planning, as the roll planner window's: the chains of every futures
	// month of a futures option's root inside the window, not only its own month's.
	plans, err := o.d.PlanRolls(ctx, desk.RollTarget{Position: *position, Layer: *layer})
	if errors.Is(err, desk.ErrNoShortOption) {
		plans, err = nil, nil // an empty report: nothing to roll is not a failure
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	rep := roll.BuildReport(o.snap.Time, plans)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 2
		}
		return 0
	}
	WriteRoll(stdout, o.d.Book(), rep, s)
	return 0
}

// WriteRoll prints the plans as text: each short option, then its ranked candidates.
func WriteRoll(w io.Writer, book string, rep roll.Report, s roll.Settings) {
	fmt.Fprintf(w, "Roll planner — %s, %s New York (market time). New legs expire in (%g, %g] days; never more contracts.\n",
		book, rep.AsOf.In(instrument.NewYork).Format("Mon 2 Jan 2006 15:04"), s.RollByDays, s.MaxDays)
	fmt.Fprintln(w, "Net at mid and natural: dollars for the whole roll, credit positive. Layer delta in the underlying's units.")
	if len(rep.Plans) == 0 {
		fmt.Fprintln(w, "\nNo short options to roll.")
	}
	for _, p := range rep.Plans {
		fmt.Fprintf(w, "\n%s %s (layer %s, %s): layer delta %s, target %s, %g contracts\n", ui(p.Position.Quantity), p.Position.Symbol,
			p.Position.Layer, p.Tested, signed(p.Before.LayerDelta, 2), signed(p.TargetDelta, 2), p.Before.Contracts)
		if p.Problem != "" {
			fmt.Fprintf(w, "  no plan: %s\n", p.Problem)
			continue
		}
		fmt.Fprintf(w, "  %4s %-62s %11s %11s %11s %9s %s\n", "Rank", "Legs", "Net mid", "Net natural", "Layer Δ", "Contracts", "Liquidity")
		for _, c := range p.Candidates {
			var legs []string
			for _, l := range c.Legs {
				legs = append(legs, fmt.Sprintf("%s %d %s", l.Side, l.Quantity, l.Symbol))
			}
			fmt.Fprintf(w, "  %4d %-62s %11s %11s %11s %9g %s\n", c.Rank, strings.Join(legs, ", "), signed(c.NetMid, 2),
				signed(c.NetNatural, 2), signed(c.After.LayerDelta, 2), c.After.Contracts, c.Liquidity)
			fmt.Fprintf(w, "       %s\n", c.Why)
		}
	}
}

// ui is a signed quantity: "−2", "+1".
func ui(q float64) string { return signed(q, 0) }

// signed is x with dec decimals and a true minus sign ("+" for positive).
func signed(x float64, dec int) string {
	s := fmt.Sprintf("%+.*f", dec, x)
	if strings.HasPrefix(s, "-") {
		s = "−" + s[1:]
	}
	return s
}
