package cli

import (
	"testing"
	"time"
)

type replayJSON struct {
	Seed    uint64    `json:"seed"`
	Days    int       `json:"days"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Orders  *int      `json:"orders"`
	Blocked *int      `json:"blocked"`
	Layers  []map[string]any
}

// TestReplay checks `keel replay --json` on the demo book and on a copy of a journal's
// paper account (--db): the keys, and the copied market moving although the
// account was saved with its clock stopped (as `keel liquidity` leaves a new journal).
func TestReplay(t *testing.T) {
	check := func(t *testing.T, rep replayJSON, days int) {
		if rep.Days != days || rep.Orders == nil || rep.Blocked == nil || len(rep.Layers) == 0 {
			t.Errorf("replay %+v", rep)
		}
		if !rep.End.After(rep.Start.Add(24 * time.Hour)) {
			t.Errorf("%d days went from %s to %s", days, rep.Start, rep.End)
		}
		for _, l := range rep.Layers {
			hasKeys(t, "layer", l, "name", "bias", "start_contracts", "max_contracts", "transitions", "tactical",
				"max_drawdown", "max_drawdown_without_tactical")
			hasKeys(t, "tactical", l["tactical"].(map[string]any), "cycles", "realized", "avg_price_improvement")
		}
	}
	t.Run("demo book", func(t *testing.T) {
		var rep replayJSON
		runJSON(t, &rep, "replay", "--days", "2", "--seed", "3", "--json")
		check(t, rep, 2)
		if rep.Seed != 3 {
			t.Errorf("seed %d", rep.Seed)
		}
	})
	t.Run("copy of a journal", func(t *testing.T) {
		db := tempJournal(t)
		if code, _, errOut := run(t, "liquidity", "SPY", "--db", db); code != 0 {
			t.Fatalf("liquidity: exit %d, %s", code, errOut)
		}
		var rep replayJSON
		runJSON(t, &rep, "replay", "--days", "2", "--db", db, "--json")
		check(t, rep, 2)
	})
	t.Run("no paper account", func(t *testing.T) {
		code, out, errOut := run(t, "replay", "--days", "2", "--db", tempJournal(t))
		if code == 0 || out != "" || errOut == "" {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})
}
