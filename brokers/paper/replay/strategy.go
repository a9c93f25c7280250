package replay

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"runtime"
	"sort"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/keel-desk/keel/engine/autopilot"
)

// StrategyConfig says which strategy experiments to run (issue 17, item 2): Seeds markets
// (seeds 1 to Seeds) of Days trading days each, from Start (default DefaultStart).
type StrategyConfig struct {
	Seeds int
	Days  int
	Start time.Time
	// Workers runs seeds in parallel; 0 means the number of CPUs.
	Workers int
	// Progress, when set, hears after each finished pass (one seed through one variant)
	// how many of the total are done; it is called from the workers, one call at a time.
	Progress func(done, total int)
}

// Quantiles summarise one figure over the seeds: the 10th, 50th and 90th percentiles
// (linear interpolation between order statistics) and the mean.
type Quantiles struct {
	P10  float64 `json:"p10"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	Mean float64 `json:"mean"`
}

// DayContracts is the book's option contracts at a day's close, over the seeds.
type DayContracts struct {
	Day int `json:"day"`
	Quantiles
}

// StrategyRow is one way of running the book, over the seeds. Contracts figures count the
// whole book's option contracts; ContractGrowth is the most held at any step ÷ those at
// the start. MaxDrawdown is the largest fall of the account's net liquidation from its
// running peak, MaxMargin the largest maintenance margin held, PnL the net liquidation at
// the end less at the start — all dollars. DeepITM counts the deep-ITM transitions.
type StrategyRow struct {
	Experiment     string         `json:"experiment"`
	Variant        string         `json:"variant"`
	ContractGrowth Quantiles      `json:"contract_growth"`
	MaxContracts   Quantiles      `json:"max_contracts"`
	ContractsByDay []DayContracts `json:"contracts_by_day"`
	MaxDrawdown    Quantiles      `json:"max_drawdown"`
	MaxMargin      Quantiles      `json:"max_margin"`
	PnL            Quantiles      `json:"pnl"`
	TacticalCycles Quantiles      `json:"tactical_cycles"`
	DeepITM        Quantiles      `json:"deep_itm"`
	Blocked        Quantiles      `json:"blocked"`
	// BlockedBy counts, per guardrail, the intents it stopped (an intent stopped by two
	// guardrails counts for each).
	BlockedBy map[string]Quantiles `json:"blocked_by"`
}

// StrategyResult is `keel lab strategy --json`.
type StrategyResult struct {
	Seeds int           `json:"seeds"`
	Days  int           `json:"days"`
	Start time.Time     `json:"start"`
	Rows  []StrategyRow `json:"rows"`
}

// the experiments: the base run (roll planner, tactical on, let assign) and one change each.
var experiments = []struct {
	experiment, variant string
	v                   variant
}{
	{"restore balance", "roll planner", variant{tactical: true, rebalance: autopilot.RollPlanner, assign: true}},
	{"restore balance", "naive: add size to the opposite leg", variant{tactical: true, rebalance: autopilot.Naive, assign: true, spiralOff: true}},
	{"tactical counter-trades", "on", variant{tactical: true, rebalance: autopilot.RollPlanner, assign: true}},
	{"tactical counter-trades", "off", variant{tactical: false, rebalance: autopilot.RollPlanner, assign: true}},
	{"deep ITM", "let it be assigned", variant{tactical: true, rebalance: autopilot.RollPlanner, assign: true}},
	{"deep ITM", "close it", variant{tactical: true, rebalance: autopilot.RollPlanner, assign: false}},
}

// Strategy runs the experiments: every seed through each distinct variant (the base run is
// shared by the three experiments), then the quantiles over the seeds. Cancelling ctx stops
// the run before the next pass and each pass before its next day; Strategy then returns
// ctx's error.
func Strategy(ctx context.Context, cfg StrategyConfig) (StrategyResult, error) {
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart
	}
	if cfg.Seeds < 1 || cfg.Seeds > 1000 {
		return StrategyResult{}, fmt.Errorf("lab strategy: seeds %d must be between 1 and 1000", cfg.Seeds)
	}
	if cfg.Days < 1 || cfg.Days > MaxDays {
		return StrategyResult{}, fmt.Errorf("lab strategy: days %d must be between 1 and %d", cfg.Days, MaxDays)
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var variants []variant
	index := map[variant]int{}
	for _, e := range experiments {
		if _, ok := index[e.v]; !ok {
			index[e.v] = len(variants)
			variants = append(variants, e.v)
		}
	}
	runs := make([][]run, cfg.Seeds) // [seed][variant]
	type job struct{ seed, v int }
	jobs := make(chan job)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	done, total := 0, cfg.Seeds*len(variants)
	for i := range runs {
		runs[i] = make([]run, len(variants))
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if ctx.Err() != nil {
					continue // drain: the feeder stops too
				}
				out, err := pass(ctx, Config{Seed: uint64(j.seed + 1), Days: cfg.Days, Start: cfg.Start}, variants[j.v])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				runs[j.seed][j.v] = out
				if err == nil {
					done++
					if cfg.Progress != nil {
						cfg.Progress(done, total)
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for s := 0; s < cfg.Seeds; s++ {
		for v := range variants {
			select {
			case jobs <- job{s, v}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return StrategyResult{}, fmt.Errorf("lab strategy: %w", err)
	}
	if firstErr != nil {
		return StrategyResult{}, firstErr
	}
	res := StrategyResult{Seeds: cfg.Seeds, Days: cfg.Days, Start: cfg.Start}
	for _, e := range experiments {
		v := index[e.v]
		var growth, most, dd, margin, pnl, cycles, deep, blocked []float64
		byDay := make([][]float64, cfg.Days)
		for s := range runs {
			r := runs[s][v]
			start, mx := 0.0, 0.0
			c, dp := 0, 0
			for _, l := range r.layers {
				start += l.startContracts
				c += l.cycles
				for _, t := range l.transitions {
					if t.To == "deep ITM" {
						dp++
					}
				}
			}
			// the book's most contracts at once: the sum over layers at each day's close
			// and each layer's own most (a bound the daily sum may miss intraday)
			for d := 0; d < cfg.Days; d++ {
				sum := 0.0
				for _, l := range r.layers {
					if d < len(l.contracts) {
						sum += l.contracts[d]
					}
				}
				byDay[d] = append(byDay[d], sum)
				mx = math.Max(mx, sum)
			}
			mx = math.Max(mx, start)
			g := 0.0
			if start > 0 {
				g = mx / start
			}
			growth = append(growth, g)
			most = append(most, mx)
			dd = append(dd, r.bookMaxDD)
			margin = append(margin, r.maxMargin)
			pnl = append(pnl, r.pnl)
			cycles = append(cycles, float64(c))
			deep = append(deep, float64(dp))
			blocked = append(blocked, float64(r.blocked))
		}
		guards := map[string]bool{}
		for s := range runs {
			for g := range runs[s][v].blockedBy {
				guards[g] = true
			}
		}
		by := map[string]Quantiles{}
		for g := range guards {
			var xs []float64
			for s := range runs {
				xs = append(xs, float64(runs[s][v].blockedBy[g]))
			}
			by[g] = quantiles(xs)
		}
		row := StrategyRow{BlockedBy: by, Experiment: e.experiment, Variant: e.variant, ContractGrowth: quantiles(growth), MaxContracts: quantiles(most),
			MaxDrawdown: quantiles(dd), MaxMargin: quantiles(margin), PnL: quantiles(pnl), TacticalCycles: quantiles(cycles),
			DeepITM: quantiles(deep), Blocked: quantiles(blocked)}
		for d := range byDay {
			row.ContractsByDay = append(row.ContractsByDay, DayContracts{Day: d + 1, Quantiles: quantiles(byDay[d])})
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// quantiles of xs (not empty), rounded to cents.
func quantiles(xs []float64) Quantiles {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	at := func(p float64) float64 {
		if len(s) == 1 {
			return s[0]
		}
		h := p * float64(len(s)-1)
		i := int(math.Floor(h))
		if i >= len(s)-1 {
			return s[len(s)-1]
		}
		return s[i] + (h-float64(i))*(s[i+1]-s[i])
	}
	sum := 0.0
	for _, x := range s {
		sum += x
	}
	return Quantiles{P10: round2(at(0.1)), P50: round2(at(0.5)), P90: round2(at(0.9)), Mean: round2(sum / float64(len(s)))}
}

// Text is the strategy table: the median and the 10th–90th percentile range over the seeds.
func (r StrategyResult) Text() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Strategy experiments on the demo book: %d seeds × %d trading days from %s, every rule armed\n",
		r.Seeds, r.Days, r.Start.Format("2006-01-02"))
	fmt.Fprintf(&b, "median [10th – 90th percentile] over the seeds; contracts are the book's option contracts, dollars for the rest\n\n")
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "experiment\tvariant\tcontract growth ×\tmost contracts\tmax drawdown $\tmax margin $\tP&L $\ttactical cycles\tdeep ITM\tblocked\t")
	for _, row := range r.Rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", row.Experiment, row.Variant,
			qtext(row.ContractGrowth, 2), qtext(row.MaxContracts, 0), qtext(row.MaxDrawdown, 0), qtext(row.MaxMargin, 0),
			qtext(row.PnL, 0), qtext(row.TacticalCycles, 0), qtext(row.DeepITM, 0), qtext(row.Blocked, 0))
	}
	w.Flush()
	// which guardrails stopped what, mean intents per run
	guards := map[string]bool{}
	for _, row := range r.Rows {
		for g := range row.BlockedBy {
			guards[g] = true
		}
	}
	if len(guards) > 0 {
		var names []string
		for g := range guards {
			names = append(names, g)
		}
		sort.Strings(names)
		fmt.Fprintf(&b, "\nIntents stopped by each guardrail (mean per run):\n")
		w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprint(w, "experiment\tvariant\t")
		for _, g := range names {
			fmt.Fprintf(w, "%s\t", g)
		}
		fmt.Fprintln(w)
		for _, row := range r.Rows {
			fmt.Fprintf(w, "%s\t%s\t", row.Experiment, row.Variant)
			for _, g := range names {
				fmt.Fprintf(w, "%s\t", num(row.BlockedBy[g].Mean, 1))
			}
			fmt.Fprintln(w)
		}
		w.Flush()
	}
	// contracts over time for the balance experiment
	fmt.Fprintf(&b, "\nThe book's option contracts at the close (median [10th – 90th]):\n")
	w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprint(w, "variant\t")
	days := checkpoints(r.Days)
	for _, d := range days {
		fmt.Fprintf(w, "day %d\t", d)
	}
	fmt.Fprintln(w)
	for _, row := range r.Rows {
		if row.Experiment != "restore balance" {
			continue
		}
		fmt.Fprintf(w, "%s\t", row.Variant)
		for _, d := range days {
			fmt.Fprintf(w, "%s\t", qtext(row.ContractsByDay[d-1].Quantiles, 0))
		}
		fmt.Fprintln(w)
	}
	w.Flush()
	return b.String()
}

// checkpoints are the days shown: a quarter, half, three quarters and the last.
func checkpoints(days int) []int {
	var out []int
	for _, f := range []float64{0.25, 0.5, 0.75, 1} {
		d := int(math.Ceil(f * float64(days)))
		if d < 1 {
			d = 1
		}
		if len(out) == 0 || out[len(out)-1] != d {
			out = append(out, d)
		}
	}
	return out
}

func qtext(q Quantiles, dec int) string {
	return fmt.Sprintf("%s [%s – %s]", num(q.P50, dec), num(q.P10, dec), num(q.P90, dec))
}

// LabStrategyCommand is `keel lab strategy [--seeds N] [--days N] [--json]`: it prints the
// strategy table, or its JSON, and returns the exit code.
func LabStrategyCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lab strategy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seeds := fs.Int("seeds", 20, "simulated markets (seeds 1 to N)")
	days := fs.Int("days", 20, "trading days per market")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	// Ctrl-C stops the run between days instead of killing it mid-write of the table.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := Strategy(ctx, StrategyConfig{Seeds: *seeds, Days: *days})
	if err != nil {
		fmt.Fprintf(stderr, "keel lab strategy: %v\n", err)
		return 1
	}
	return printResult(stdout, stderr, "keel lab strategy", res, *asJSON)
}
