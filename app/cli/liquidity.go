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

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/format"
)

// LiquidityCommand is `keel liquidity SYMBOL [--expiry YYYY-MM-DD] [--size N] [--db FILE]
// [--json]`: the guide's liquidity checklist for every option of one expiry of SYMBOL's
// chain on the paper market kept in the journal (observed with its clock stopped; nothing is
// written). The default expiry is the nearest one more than the "roll or close by" days out.
// Exit status: 0 printed, 2 bad usage, an unknown symbol or expiry, or an error.
func LiquidityCommand(args []string, stdout, stderr io.Writer) int {
	const name = "keel liquidity"
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	expiryFlag := fs.String("expiry", "", "the expiry, YYYY-MM-DD (default: the nearest beyond the roll-by days)")
	size := fs.Int64("size", 1, "the order size checked, in contracts")
	dbPath := fs.String("db", "", "the journal file (default: the per-user Keel journal)")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	symbol, rest := splitPositional(args)
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	if symbol == "" && fs.NArg() > 0 {
		symbol, rest = fs.Arg(0), fs.Args()[1:]
		if err := fs.Parse(rest); err != nil {
			return 2
		}
	}
	if symbol == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: keel liquidity SYMBOL [--expiry YYYY-MM-DD] [--size N] [--db FILE] [--json]")
		return 2
	}
	if *size < 1 {
		fmt.Fprintf(stderr, "%s: --size %d must be at least 1 contract\n", name, *size)
		return 2
	}
	var want time.Time
	if *expiryFlag != "" {
		t, err := time.ParseInLocation(time.DateOnly, *expiryFlag, instrument.NewYork)
		if err != nil {
			fmt.Fprintf(stderr, "%s: --expiry %q is not a date YYYY-MM-DD\n", name, *expiryFlag)
			return 2
		}
		want = t
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	o, ok := openObserver(ctx, name, *dbPath, 15*time.Second, stderr)
	if !ok {
		return 2
	}
	defer o.Close()
	symbol = strings.ToUpper(symbol)
	exps, err := o.d.Expirations(ctx, symbol)
	if err != nil {
		if errors.Is(err, brokers.ErrUnknownSymbol) {
			fmt.Fprintf(stderr, "%s: no options on %q in the paper market\n", name, symbol)
		} else {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
		}
		return 2
	}
	if len(exps) == 0 {
		fmt.Fprintf(stderr, "%s: %s lists no option expiries\n", name, symbol)
		return 2
	}
	now := o.snap.Time
	rollBy := rollByDays(o.snap.Limits.WarnDTE)
	var expiry time.Time
	how := ""
	if !want.IsZero() {
		for _, e := range exps {
			if e.In(instrument.NewYork).Format(time.DateOnly) == want.Format(time.DateOnly) {
				expiry = e
			}
		}
		if expiry.IsZero() {
			fmt.Fprintf(stderr, "%s: %s has no options expiring %s (listed: %s)\n", name, symbol, *expiryFlag, dates(exps))
			return 2
		}
		how = "as asked"
	} else {
		for _, e := range exps {
			if e.Sub(now) > time.Duration(rollBy*24*float64(time.Hour)) {
				expiry = e
				break
			}
		}
		if expiry.IsZero() {
			fmt.Fprintf(stderr, "%s: %s lists no expiry more than %g days out (listed: %s)\n", name, symbol, rollBy, dates(exps))
			return 2
		}
		how = fmt.Sprintf("the nearest more than %g days out (the roll-or-close-by days; --expiry to choose)", rollBy)
	}
	ch, err := o.d.Chain(ctx, symbol, expiry)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	rep, err := liquidity.BuildReport(now, brokers.LiquidityChain(ch), *size, liquidity.DefaultRules())
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 2
		}
		return 0
	}
	WriteLiquidity(stdout, rep, ch.Price.InexactFloat64(), how)
	return 0
}

// rollByDays is the "roll or close by" days of the book's limits, or the guide's 7.
func rollByDays(warnDTE float64) float64 {
	if warnDTE > 0 {
		return warnDTE
	}
	return 7
}

// splitPositional takes a leading argument that is not a flag (the symbol) off args.
func splitPositional(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

func dates(ts []time.Time) string {
	var s []string
	for i, t := range ts {
		if i == 8 {
			s = append(s, "…")
			break
		}
		s = append(s, t.In(instrument.NewYork).Format(time.DateOnly))
	}
	return strings.Join(s, ", ")
}

// WriteLiquidity prints a liquidity report as a table, the at-the-money rows marked.
func WriteLiquidity(w io.Writer, rep liquidity.Report, price float64, how string) {
	fmt.Fprintf(w, "Liquidity checklist — %s options expiring %s, an order of %s; underlying %.2f, quotes of %s New York (market time).\n",
		rep.Underlying, rep.Expiry, format.Count(int(rep.Size), "contract", "contracts"), price, rep.AsOf.In(instrument.NewYork).Format("Mon 2 Jan 2006 15:04"))
	fmt.Fprintf(w, "Expiry: %s.\n", how)
	r := rep.Rules
	fmt.Fprintf(w, "Rules: open interest ≥ %d, daily volume ≥ %d, spread ≤ %g%% of mid (one tick always passes), order ≤ %g%% of volume.\n\n",
		r.MinOpenInterest, r.MinVolume, r.MaxSpreadPct, r.MaxSizePctOfVolume)
	fmt.Fprintf(w, "%-4s %9s %-4s %9s %9s %9s %8s %9s %8s %-7s %s\n", "", "Strike", "", "Bid", "Ask", "Mid", "Spread%", "Open int", "Volume", "Verdict", "Why")
	counts := map[liquidity.Verdict]int{}
	for _, row := range rep.Rows {
		mark := ""
		if row.ATM {
			mark = "ATM▶"
		}
		why := strings.Join(row.Reasons, "; ")
		if why == "" {
			why = "—"
		}
		counts[row.Verdict]++
		fmt.Fprintf(w, "%-4s %9.2f %-4s %9.2f %9.2f %9.3f %8.1f %9d %8d %-7s %s\n", mark, row.Strike, row.Right, row.Bid, row.Ask, row.Mid,
			row.SpreadPct, row.OpenInterest, row.Volume, row.Verdict, why)
	}
	fmt.Fprintf(w, "\n%d pass, %d warn, %d fail.\n", counts[liquidity.Pass], counts[liquidity.Warn], counts[liquidity.Fail])
}
