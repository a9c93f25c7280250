package statement

import (
	"testing"

	"github.com/shopspring/decimal"
)

// thinkorswim_schwab.csv is thinkorswim_statement.csv with the Schwab-era RAD wording
// ("REMOVED DUE TO EXPIRATION …") and a DOI interest row. The expired puts and the assigned
// call must close at zero exactly as from the TD-era file, and the interest row be named.
func TestThinkorswimSchwabEraRemovals(t *testing.T) {
	td, schwab := mustParse(t, "thinkorswim_statement.csv"), mustParse(t, "thinkorswim_schwab.csv")
	if len(schwab.Events) != len(td.Events) {
		t.Fatalf("%d events, want %d as from the TD-era file", len(schwab.Events), len(td.Events))
	}
	kinds := map[Kind]int{}
	open := map[string]decimal.Decimal{}
	for _, e := range schwab.Events {
		kinds[e.Kind]++
		if e.Instrument.IsOption() {
			open[e.Instrument.String()] = open[e.Instrument.String()].Add(e.Quantity)
		}
		if e.Kind == Expiration && !e.Price.IsZero() {
			t.Errorf("%s: expiration at %s, want 0", e.Source, e.Price)
		}
	}
	if kinds[Expiration] != 2 || kinds[Assignment] != 1 || kinds[Delivery] != 1 {
		t.Errorf("kinds %v, want 2 expirations, 1 assignment, 1 delivery", kinds)
	}
	// open at the end: only the two short /ES options the file never removes
	want := map[string]string{"ESZ6 C7150 2026-11-13": "-1", "ESZ6 P6300 2026-11-20": "-1"}
	for k, q := range open {
		if w, ok := want[k]; ok && !q.Equal(dec(w)) || !ok && !q.IsZero() {
			t.Errorf("option %s open at %s at the end, want %s", k, q, w)
		}
	}
	// the Schwab file's one more row, the interest, is a cash event
	if len(schwab.Warnings) != len(td.Warnings) || len(schwab.Cash) != 1 || schwab.Cash[0].Kind != Interest ||
		!schwab.Cash[0].Amount.Equal(dec("4.17")) || schwab.Cash[0].Source != "thinkorswim_schwab.csv line 10" {
		t.Errorf("warnings %q, cash %+v; want the interest on line 10 as a cash event", schwab.Warnings, schwab.Cash)
	}
}
