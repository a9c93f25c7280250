// Package replay runs a copy of the paper account's demo book through simulated trading
// days with every rule of the desk armed (issue 16, item 4), so a trader sees what the
// rules would have done before arming them; and the lab's strategy experiments on it
// (issue 17, item 2).
//
// A replay opens the demo book (brokers/paper's DemoBook) on a new in-memory paper
// account — never the trader's account, nothing is written to a journal — at Start
// (default the open of 2 November 2026) on the simulated market of Seed. Each trading day
// the rules run at 10:00, every half hour to 15:30 and at 15:47 New York: the daily
// checklist at 10:00, tactical cycles and the book's hedge at each step, all through
// engine/autopilot and the guardrails' gate (engine/automation, default limits, every
// layer armed for every kind each morning, as a trader re-arms after a day the daily loss
// limit disarmed everything). A copied account (Config.Store) must hold only the demo
// book's orders and the replay's: a fill whose client id names no demo layer is an error. Allowed orders go to the paper broker as market orders;
// its fills, expiries and assignments come back on the next step. The same days then run
// again with tactical trades off, to compare drawdowns.
//
// # What is measured
//
// Each layer keeps its own ledger (the broker nets a symbol two layers hold): its cash,
// costs included, and its positions at the mid. Its drawdown is the largest fall of that
// equity from its running peak, in dollars, sampled after each step. Contracts are option
// contracts; max_contracts is the most held after any step. Tactical figures are the
// closed cycles, their realized dollars and the mean improvement of the layer's average
// price per cycle (points). Orders counts the orders the paper broker filled; blocked the
// intents (and let-assign decisions) the gate stopped.
//
// A replay is deterministic for a seed: the simulated market, the paper broker's fills
// and early assignments and the rules are all fixed by it.
package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/engine/autopilot"

	"github.com/keel-desk/keel/format"
)

// Config says what to replay. Store, when set, is where the copy of the paper account
// "paper" is read from (its rows are copied into memory; nothing is written back), and the
// replay runs on that account's market seed and time, not Seed and Start; nil opens a new
// demo book.
type Config struct {
	Seed  uint64
	Days  int
	Start time.Time
	Store paper.Store
}

// MaxDays bounds a replay (a year of sessions).
const MaxDays = 260

func (c Config) withDefaults() (Config, error) {
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	if c.Days < 1 || c.Days > MaxDays {
		return c, fmt.Errorf("replay: days %d must be between 1 and %d", c.Days, MaxDays)
	}
	if c.Store != nil {
		// A saved account carries its market's seed: the replay reports that one.
		rows, err := c.Store.LoadPaper(context.Background(), account)
		if err != nil {
			return c, fmt.Errorf("replay: reading the paper account: %w", err)
		}
		if len(rows) == 0 {
			return c, fmt.Errorf("replay: the journal has no paper account %q to copy", account)
		}
		for _, r := range rows {
			var head struct {
				Seed *uint64 `json:"seed"`
			}
			if (r.Kind == "account" || r.Kind == "legacy") && json.Unmarshal(r.Body, &head) == nil && head.Seed != nil {
				c.Seed = *head.Seed
			}
		}
	}
	return c, nil
}

// account is the paper account a replay copies from a journal (the app's default).
const account = "paper"

// store is a copy of c.Store in memory, or nil.
func (c Config) store() paper.Store {
	if c.Store == nil {
		return nil
	}
	return &copyStore{from: c.Store}
}

// copyStore reads the account from another store once and keeps every write in memory.
type copyStore struct {
	from paper.Store
	rows []paper.Row
	read bool
}

func (s *copyStore) LoadPaper(ctx context.Context, account string) ([]paper.Row, error) {
	if !s.read {
		rows, err := s.from.LoadPaper(ctx, account)
		if err != nil {
			return nil, err
		}
		s.rows, s.read = rows, true
	}
	return s.rows, nil
}

func (s *copyStore) SavePaper(ctx context.Context, account string, rows []paper.Row) error {
	return nil
}

// Transition is a lifecycle transition of one of a layer's options.
type Transition struct {
	At     time.Time `json:"at"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
}

// Tactical is a layer's closed tactical cycles: how many, their realized dollars and the
// mean improvement of the layer's average price per cycle, in points.
type Tactical struct {
	Cycles              int     `json:"cycles"`
	Realized            float64 `json:"realized"`
	AvgPriceImprovement float64 `json:"avg_price_improvement"`
}

// Layer is one layer's replay.
type Layer struct {
	Name                       string       `json:"name"`
	Bias                       string       `json:"bias"`
	StartContracts             float64      `json:"start_contracts"`
	MaxContracts               float64      `json:"max_contracts"`
	Transitions                []Transition `json:"transitions"`
	Tactical                   Tactical     `json:"tactical"`
	MaxDrawdown                float64      `json:"max_drawdown"`
	MaxDrawdownWithoutTactical float64      `json:"max_drawdown_without_tactical"`
}

// Result is `keel replay --json` (issue 16: the field names are a contract). Rejected
// (orders the paper broker refused) and Problems (options the rules could not assess or
// plan, per step) are shown by Text only.
type Result struct {
	Seed      uint64         `json:"seed"`
	Days      int            `json:"days"`
	Start     time.Time      `json:"start"`
	End       time.Time      `json:"end"`
	Orders    int            `json:"orders"`
	Blocked   int            `json:"blocked"`
	Layers    []Layer        `json:"layers"`
	Rejected  int            `json:"-"`
	Problems  int            `json:"-"`
	BlockedBy map[string]int `json:"-"`
}

// Replay runs cfg's days with every rule armed, then again with tactical trades off.
func Replay(cfg Config) (Result, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Result{}, err
	}
	on, err := pass(context.Background(), cfg, variant{tactical: true, rebalance: autopilot.RollPlanner, assign: true})
	if err != nil {
		return Result{}, err
	}
	off, err := pass(context.Background(), cfg, variant{tactical: false, rebalance: autopilot.RollPlanner, assign: true})
	if err != nil {
		return Result{}, err
	}
	res := Result{Seed: cfg.Seed, Days: cfg.Days, Start: on.start, End: on.end, Orders: on.orders, Blocked: on.blocked,
		Rejected: on.rejected, Problems: on.problems, BlockedBy: on.blockedBy, Layers: []Layer{}}
	for i, l := range on.layers {
		out := Layer{Name: l.name, Bias: l.bias, StartContracts: l.startContracts, MaxContracts: l.maxContracts,
			Transitions: append([]Transition{}, l.transitions...), MaxDrawdown: round2(l.maxDD),
			Tactical: Tactical{Cycles: l.cycles, Realized: round2(l.realized)}}
		if l.cycles > 0 {
			out.Tactical.AvgPriceImprovement = round4(l.improvement / float64(l.cycles))
		}
		if i < len(off.layers) {
			out.MaxDrawdownWithoutTactical = round2(off.layers[i].maxDD)
		}
		res.Layers = append(res.Layers, out)
	}
	return res, nil
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// Text is the replay as a table, then each layer's lifecycle transitions.
func (r Result) Text() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Replay of the demo book, seed %d: %d trading days, %s → %s New York\n", r.Seed, r.Days,
		r.Start.Format("2006-01-02 15:04"), r.End.Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "Every rule armed: %d orders filled, %d stopped by the guardrails, %d refused by the broker\n", r.Orders, r.Blocked, r.Rejected)
	if len(r.BlockedBy) > 0 {
		var names []string
		for g := range r.BlockedBy {
			names = append(names, g)
		}
		sort.Strings(names)
		var parts []string
		for _, g := range names {
			parts = append(parts, fmt.Sprintf("%s %d", g, r.BlockedBy[g]))
		}
		fmt.Fprintf(&b, "Guardrails that stopped them: %s\n", strings.Join(parts, ", "))
	}
	b.WriteString("\n")
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "layer\tbias\toption contracts start\tmost held\ttactical cycles\trealized $\tavg improvement (pts)\tmax drawdown $\twithout tactical $\t")
	for _, l := range r.Layers {
		fmt.Fprintf(w, "%s\t%s\t%g\t%g\t%d\t%s\t%s\t%s\t%s\t\n", l.Name, l.Bias, l.StartContracts, l.MaxContracts, l.Tactical.Cycles,
			money(l.Tactical.Realized), num(l.Tactical.AvgPriceImprovement, 4), money(l.MaxDrawdown), money(l.MaxDrawdownWithoutTactical))
	}
	w.Flush()
	for _, l := range r.Layers {
		if len(l.Transitions) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", l.Name)
		for _, t := range l.Transitions {
			fmt.Fprintf(&b, "  %s  %s → %s: %s\n", t.At.In(t.At.Location()).Format("2006-01-02 15:04"), t.From, t.To, t.Reason)
		}
	}
	return b.String()
}

// money is dollars with thousands separators and a true minus sign.
func money(x float64) string { return num(x, 2) }

func num(x float64, dec int) string { return format.Num(x, dec) }

// OpenStore opens the journal file of --db as a paper.Store, read only as far as the
// replay goes (it copies the account and writes nothing). The command line sets it; nil
// makes --db an error.
var OpenStore func(path string) (paper.Store, func() error, error)

// ReplayCommand is `keel replay [--days N] [--seed S] [--db FILE] [--json]`: it prints the
// replay's table, or its JSON, and returns the exit code.
func ReplayCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	days := fs.Int("days", 40, "simulated trading days")
	seed := fs.Uint64("seed", 1, "the simulated market's seed")
	db := fs.String("db", "", "a journal to copy the paper account from, its own market seed included (nothing is written; default a new demo book)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg := Config{Seed: *seed, Days: *days}
	if *db != "" {
		if OpenStore == nil {
			fmt.Fprintln(stderr, "keel replay: --db is not available in this build")
			return 2
		}
		st, closeFn, err := OpenStore(*db)
		if err != nil {
			fmt.Fprintf(stderr, "keel replay: %v\n", err)
			return 1
		}
		defer closeFn()
		cfg.Store = st
	}
	res, err := Replay(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "keel replay: %v\n", err)
		return 1
	}
	return printResult(stdout, stderr, "keel replay", res, *asJSON)
}

// printResult prints a command's result as indented JSON or as its table and returns the
// command's exit status.
func printResult(stdout, stderr io.Writer, command string, res interface{ Text() string }, asJSON bool) int {
	if !asJSON {
		fmt.Fprint(stdout, res.Text())
		return 0
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", command, err)
		return 1
	}
	return 0
}
