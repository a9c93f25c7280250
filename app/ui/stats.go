package ui

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/keel-desk/keel/widgets"
)

// Stat is what the bridge measured for one window's callbacks (see Stats).
type Stat = widgets.UIStat

// Stats is what the one bridge measured since the start (or ResetStats): for each window
// (the Name of its Work; "" for callers that did not say) how many callbacks ran on the UI
// goroutine, the p99 and the longest of their run times and of the waits before they ran;
// total is the same over every window.
func Stats() (byWindow []Stat, total Stat) { return widgets.UIStats() }

// ResetStats starts a new measurement of Stats and LongestCallback.
func ResetStats() { widgets.ResetUIStats() }

// Budget is what a trader can bear on the UI goroutine: a callback's p99 and longest run
// time and the p99 of its wait before it runs.
type Budget struct {
	CallbackP99, CallbackMax, WaitP99 time.Duration
}

// UIBudget is Keel's budget (issue 19): callbacks p99 ≤ 8 ms and never more than one frame
// at 60 Hz (16 ms); their wait p99 ≤ 16 ms.
var UIBudget = Budget{CallbackP99: 8 * time.Millisecond, CallbackMax: 16 * time.Millisecond, WaitP99: 16 * time.Millisecond}

// Broken names each figure of s over the budget ("callback p99 9.1 ms > 8 ms"); none when
// s keeps it.
func (b Budget) Broken(s Stat) []string {
	var out []string
	check := func(what string, got, limit time.Duration) {
		if got > limit {
			out = append(out, fmt.Sprintf("%s %s > %s", what, Millis(got), Millis(limit)))
		}
	}
	check("callback p99", s.CallbackP99, b.CallbackP99)
	check("callback max", s.CallbackMax, b.CallbackMax)
	check("wait p99", s.WaitP99, b.WaitP99)
	return out
}

// BrokenCPU is Broken for what the callbacks cost: their CPU time against the callback
// limits. Unlike wall time it does not grow when other programs share the machine's cores
// (a soak on a busy CI machine); the waits cannot be told apart from that load, so they are
// not judged here.
func (b Budget) BrokenCPU(s Stat) []string {
	var out []string
	check := func(what string, got, limit time.Duration) {
		if got > limit {
			out = append(out, fmt.Sprintf("%s %s > %s", what, Millis(got), Millis(limit)))
		}
	}
	check("callback CPU p99", s.CPUP99, b.CallbackP99)
	check("callback CPU max", s.CPUMax, b.CallbackMax)
	return out
}

// Millis is a duration in milliseconds with two decimals: "8.00 ms".
func Millis(d time.Duration) string {
	return Num(float64(d)/float64(time.Millisecond), 2) + " ms"
}

// WriteStats prints Stats as a table, one row per window and the total (the callbacks' wall
// time on the UI goroutine, their CPU time, their wait), followed by the budget's verdict
// on the total's wall times and on its CPU times.
func WriteStats(w io.Writer) error {
	by, total := Stats()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "window\tcallbacks\tcallback p99\tcallback max\tCPU p99\tCPU max\twait p99\twait max\t")
	row := func(s Stat) {
		name := s.Source
		if name == "" {
			name = "(other)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, s.Count,
			Millis(s.CallbackP99), Millis(s.CallbackMax), Millis(s.CPUP99), Millis(s.CPUMax),
			Millis(s.WaitP99), Millis(s.WaitMax))
	}
	for _, s := range by {
		row(s)
	}
	row(total)
	if err := tw.Flush(); err != nil {
		return err
	}
	b := UIBudget
	verdict := "kept"
	if broken := b.Broken(total); len(broken) > 0 {
		verdict = "broken: " + strings.Join(broken, ", ")
	}
	cpu := "kept"
	if broken := b.BrokenCPU(total); len(broken) > 0 {
		cpu = "broken: " + strings.Join(broken, ", ")
	}
	_, err := fmt.Fprintf(w, "UI budget (callback p99 ≤ %s, max ≤ %s, wait p99 ≤ %s): %s\nthe callbacks' CPU time against it: %s\n",
		Millis(b.CallbackP99), Millis(b.CallbackMax), Millis(b.WaitP99), verdict, cpu)
	return err
}
