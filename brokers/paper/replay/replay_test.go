package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers/paper"
)

// TestReplay40Days is issue 16's "done when" on seed 1: 40 trading days with every rule
// armed show tactical cycles, and no layer ever holds more option contracts than it
// started with.
func TestReplay40Days(t *testing.T) {
	res, err := Replay(Config{Seed: 1, Days: 40})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + res.Text())
	if res.Days != 40 || !res.End.After(res.Start.AddDate(0, 0, 50)) {
		t.Fatalf("%d days from %s to %s", res.Days, res.Start, res.End)
	}
	cycles := 0
	for _, l := range res.Layers {
		t.Run(l.Name, func(t *testing.T) {
			if l.MaxContracts > l.StartContracts {
				t.Errorf("held %g option contracts, started with %g", l.MaxContracts, l.StartContracts)
			}
			if l.MaxDrawdown < 0 || l.MaxDrawdownWithoutTactical < 0 {
				t.Errorf("drawdowns %g and %g must be ≥ 0", l.MaxDrawdown, l.MaxDrawdownWithoutTactical)
			}
			if l.Tactical.Cycles == 0 && l.MaxDrawdown != l.MaxDrawdownWithoutTactical {
				t.Errorf("no tactical cycle, yet the drawdown changed without tactical trades: %g vs %g", l.MaxDrawdown, l.MaxDrawdownWithoutTactical)
			}
		})
		cycles += l.Tactical.Cycles
	}
	if cycles == 0 {
		t.Fatal("40 days with every rule armed closed no tactical cycle")
	}
	if res.Orders == 0 {
		t.Fatal("no order filled")
	}
}

// TestReplayDeterministic: two replays of one seed print the same JSON; another seed
// does not.
func TestReplayDeterministic(t *testing.T) {
	run := func(seed uint64) []byte {
		res, err := Replay(Config{Seed: seed, Days: 5})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := run(3), run(3)
	if !bytes.Equal(a, b) {
		t.Fatalf("seed 3 twice:\n%s\n%s", a, b)
	}
	if bytes.Equal(a, run(4)) {
		t.Fatal("seeds 3 and 4 replayed the same")
	}
}

// TestReplayJSONShape: the JSON's keys are issue 16's, exactly.
func TestReplayJSONShape(t *testing.T) {
	res, err := Replay(Config{Seed: 2, Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	if got, want := keys(top), []string{"blocked", "days", "end", "layers", "orders", "seed", "start"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
	var layers []map[string]json.RawMessage
	if err := json.Unmarshal(top["layers"], &layers); err != nil {
		t.Fatal(err)
	}
	if len(layers) != 5 {
		t.Fatalf("%d layers, the demo book has 5", len(layers))
	}
	want := []string{"bias", "max_contracts", "max_drawdown", "max_drawdown_without_tactical", "name", "start_contracts", "tactical", "transitions"}
	if got := keys(layers[0]); !reflect.DeepEqual(got, want) {
		t.Fatalf("layer keys %v, want %v", got, want)
	}
	if string(layers[0]["transitions"]) == "null" {
		t.Fatal("transitions must be a list, never null")
	}
	var tac map[string]json.RawMessage
	if err := json.Unmarshal(layers[0]["tactical"], &tac); err != nil {
		t.Fatal(err)
	}
	if got := keys(tac); !reflect.DeepEqual(got, []string{"avg_price_improvement", "cycles", "realized"}) {
		t.Fatalf("tactical keys %v", got)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestReplayCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"table", []string{"--days", "1", "--seed", "5"}, 0, "Replay of the demo book, seed 5: 1 trading days"},
		{"json", []string{"--days", "1", "--json"}, 0, `"seed": 1`},
		{"bad days", []string{"--days", "0"}, 1, ""},
		{"bad flag", []string{"--nope"}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := ReplayCommand(tc.args, &out, &errb); code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, errb.String())
			}
			if !strings.Contains(out.String(), tc.out) {
				t.Fatalf("output %q lacks %q", out.String(), tc.out)
			}
		})
	}
}

// BenchmarkReplay reports the replay's speed in simulated trading days per second (both
// passes: tactical on and off, so 2 × days are simulated).
func BenchmarkReplay(b *testing.B) {
	const days = 40
	start := time.Now()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		if _, err := Replay(Config{Seed: uint64(i + 1), Days: days}); err != nil {
			b.Fatal(err)
		}
	}
	wall := time.Since(start).Seconds()
	b.ReportMetric(float64(2*days*b.N)/wall, "days/s")
	if c := (processCPU() - cpu).Seconds(); c > 0 {
		b.ReportMetric(float64(2*days*b.N)/c, "days/cpu-s")
	}
}

// TestStrategySmall runs the strategy experiments on 2 seeds × 4 days: every row has its
// quantiles in order, the three experiments share the base run, rolls never grow the book
// and naive rebalancing is never smaller than rolling.
func TestStrategySmall(t *testing.T) {
	res, err := Strategy(context.Background(), StrategyConfig{Seeds: 2, Days: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + res.Text())
	if len(res.Rows) != 6 {
		t.Fatalf("%d rows, want 6", len(res.Rows))
	}
	for _, row := range res.Rows {
		t.Run(row.Experiment+"/"+row.Variant, func(t *testing.T) {
			for _, q := range []Quantiles{row.ContractGrowth, row.MaxContracts, row.MaxDrawdown, row.MaxMargin, row.PnL} {
				if !(q.P10 <= q.P50 && q.P50 <= q.P90) {
					t.Fatalf("quantiles out of order: %+v", q)
				}
			}
			if len(row.ContractsByDay) != 4 {
				t.Fatalf("%d days of contracts", len(row.ContractsByDay))
			}
		})
	}
	base, naive, off := res.Rows[0], res.Rows[1], res.Rows[3]
	if !reflect.DeepEqual(base.PnL, res.Rows[2].PnL) || !reflect.DeepEqual(base.PnL, res.Rows[4].PnL) {
		t.Fatal("the base run differs between experiments")
	}
	if base.ContractGrowth.P90 > 1 {
		t.Fatalf("rolling grew the book's contracts: %+v", base.ContractGrowth)
	}
	if naive.MaxContracts.Mean < base.MaxContracts.Mean {
		t.Fatalf("naive rebalancing held fewer contracts (%g) than rolling (%g)", naive.MaxContracts.Mean, base.MaxContracts.Mean)
	}
	if off.TacticalCycles.P90 != 0 {
		t.Fatalf("tactical off still cycled: %+v", off.TacticalCycles)
	}
	var out, errb bytes.Buffer
	if code := LabStrategyCommand([]string{"--seeds", "0"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "seeds 0") {
		t.Fatalf("--seeds 0: exit %d, %q", code, errb.String())
	}
}

func TestQuantiles(t *testing.T) {
	// numpy.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10, 50, 90]) = 1.9, 5.5, 9.1 (linear)
	q := quantiles([]float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1})
	if q != (Quantiles{P10: 1.9, P50: 5.5, P90: 9.1, Mean: 5.5}) {
		t.Fatalf("%+v", q)
	}
	if q := quantiles([]float64{7}); q != (Quantiles{7, 7, 7, 7}) {
		t.Fatalf("%+v", q)
	}
}

// BenchmarkStrategy is the full strategy run of issue 17: 20 seeds × 40 days (4 passes a
// seed). go test -run - -bench Strategy -benchtime 1x ./brokers/paper/replay/
func BenchmarkStrategy(b *testing.B) {
	for i := 0; i < b.N; i++ {
		res, err := Strategy(context.Background(), StrategyConfig{Seeds: 20, Days: 40})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.Log("\n" + res.Text())
		}
	}
}

// memStore is a journal in memory: rows by kind and key, in the order first written.
type memStore struct {
	rows  []paper.Row
	saves int
}

func (m *memStore) LoadPaper(ctx context.Context, account string) ([]paper.Row, error) {
	return append([]paper.Row(nil), m.rows...), nil
}

func (m *memStore) SavePaper(ctx context.Context, account string, rows []paper.Row) error {
	m.saves++
	for _, r := range rows {
		found := false
		for i := range m.rows {
			if m.rows[i].Kind == r.Kind && m.rows[i].Key == r.Key {
				m.rows[i], found = r, true
			}
		}
		if !found {
			m.rows = append(m.rows, r)
		}
	}
	return nil
}

// TestReplayFromStoreWritesNothing: --db copies a saved paper account (here the demo book
// opened on seed 9 and saved) into memory; the replay runs on the copy and the store is
// never written.
func TestReplayFromStoreWritesNothing(t *testing.T) {
	st := &memStore{}
	b, err := paper.New(paper.Config{Seed: 9, Start: DefaultStart, Manual: true, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	before, saves := fmt.Sprint(st.rows), st.saves
	if len(st.rows) == 0 {
		t.Fatal("the paper account saved no rows")
	}
	if _, err := Replay(Config{Days: 1, Store: &memStore{}}); err == nil {
		t.Fatal("an empty journal has no account to copy")
	}
	res, err := Replay(Config{Seed: 1, Days: 1, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if st.saves != saves || fmt.Sprint(st.rows) != before {
		t.Fatalf("the replay wrote to the store: %d saves before, %d after", saves, st.saves)
	}
	fresh, err := Replay(Config{Seed: 9, Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(res.Layers)
	c, _ := json.Marshal(fresh.Layers)
	if res.Seed != 9 {
		t.Fatalf("the copy's seed is %d, the saved account's is 9", res.Seed)
	}
	if !bytes.Equal(a, c) {
		t.Fatalf("the copy of seed 9's account (market seed saved with it) should replay as a new seed-9 demo book:\n%s\n%s", a, c)
	}
}

// TestStrategyProgressAndCancel: progress counts every pass (seeds × the 4 distinct
// variants) up to the total, and cancelling after the first pass stops the run with
// context.Canceled long before the passes a full run makes.
func TestStrategyProgressAndCancel(t *testing.T) {
	t.Run("progress", func(t *testing.T) {
		var calls []int
		_, err := Strategy(context.Background(), StrategyConfig{Seeds: 1, Days: 2, Workers: 1,
			Progress: func(done, total int) {
				if total != 4 {
					t.Errorf("total %d, want 4 passes", total)
				}
				calls = append(calls, done)
			}})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(calls, []int{1, 2, 3, 4}) {
			t.Fatalf("progress %v, want 1 to 4", calls)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		last := 0
		_, err := Strategy(ctx, StrategyConfig{Seeds: 3, Days: 3, Workers: 1,
			Progress: func(done, total int) { last = done; cancel() }})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		if last != 1 {
			t.Fatalf("%d passes finished after cancelling at the first, want 1", last)
		}
	})
}
