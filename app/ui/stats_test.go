package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// TestBudgetBroken checks the verdict on each figure at, just over and under its limit.
func TestBudgetBroken(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		s    Stat
		want []string
	}{
		{"all under", Stat{CallbackP99: 7 * ms, CallbackMax: 15 * ms, WaitP99: 10 * ms}, nil},
		{"at the limits", Stat{CallbackP99: 8 * ms, CallbackMax: 16 * ms, WaitP99: 16 * ms}, nil},
		{"p99 over", Stat{CallbackP99: 8*ms + 10*time.Microsecond, CallbackMax: 9 * ms}, []string{"callback p99 8.01 ms > 8.00 ms"}},
		{"max and wait over", Stat{CallbackP99: ms, CallbackMax: 61 * ms, WaitP99: 298 * ms},
			[]string{"callback max 61.00 ms > 16.00 ms", "wait p99 298.00 ms > 16.00 ms"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := UIBudget.Broken(tc.s)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("Broken = %q, want %q", got, tc.want)
			}
			// The same figures as CPU times: the callback limits only, never the wait.
			cpu := Stat{CPUP99: tc.s.CallbackP99, CPUMax: tc.s.CallbackMax, WaitP99: time.Hour}
			var want []string
			for _, w := range tc.want {
				if strings.HasPrefix(w, "callback") {
					want = append(want, strings.Replace(w, "callback", "callback CPU", 1))
				}
			}
			if got := UIBudget.BrokenCPU(cpu); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("BrokenCPU = %q, want %q", got, want)
			}
		})
	}
}

// TestWriteStats checks that the table names each window and the total and says the
// verdict.
func TestWriteStats(t *testing.T) {
	test.NewTempApp(t)
	ResetStats()
	t.Cleanup(ResetStats)
	ApplyFrom("desk", func() {})
	ApplyFrom("positions", func() { time.Sleep(20 * time.Millisecond) })
	var b bytes.Buffer
	if err := WriteStats(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"desk", "positions", "all", "callback p99", "wait p99", "broken: callback p99"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}
