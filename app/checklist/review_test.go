package checklist

import (
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
)

// A hand-made week (Mon 16 – Fri 20 Nov 2026, no holiday): runs Mon on time (15:50), Tue
// late (16:30, past the 30-minute grace), Wed none, Thu and Fri on time; one override on
// Thu; two off-checklist orders; hedging cost $60 + $40; theta $100/day sampled Mon–Fri,
// Friday's counting 1 day (the last sample) → collected $500. Cost/theta = 100/500 = 20%.
func TestReviewOfAHandMadeWeek(t *testing.T) {
	ny := instrument.NewYork
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, ny) }
	s := desk.DefaultChecklistSettings()
	run := func(d, h, m int) data.ChecklistRun {
		return data.ChecklistRun{Scheduled: at(d, 15, 45), Started: at(d, h, m-1), Completed: at(d, h, m)}
	}
	w := desk.ReviewWeek{From: at(16, 0, 0), To: at(23, 0, 0), Now: at(20, 17, 0), At: s,
		Runs:  []data.ChecklistRun{run(16, 15, 50), run(17, 16, 30), run(19, 15, 46), run(20, 15, 59)},
		Guard: []data.GuardEvent{{At: at(19, 11, 0), Kind: "stop"}, {At: at(19, 11, 5), Kind: "override"}},
		Off:   []data.OffChecklistOrder{{OrderID: "1"}, {OrderID: "2"}},
		HedgeCosts: []data.HedgeCost{{Day: at(17, 0, 0), Cost: decimal.NewFromInt(60)},
			{Day: at(19, 0, 0), Cost: decimal.NewFromInt(40)}}}
	for d := 16; d <= 20; d++ {
		w.Theta = append(w.Theta, data.GreekPoint{Time: at(d, 15, 0), Theta: 90}, data.GreekPoint{Time: at(d, 15, 55), Theta: 100})
	}
	r, err := review(w)
	if err != nil {
		t.Fatal(err)
	}
	if r.Scheduled != 5 || r.OnTime != 3 || r.Late != 1 || r.Missed != 1 || r.Overrides != 1 || r.OffChecklist != 2 {
		t.Fatalf("adherence %+v", r.Review)
	}
	if r.HedgeCost != 100 || r.ThetaCollected != 500 || math.Abs(r.CostToTheta-0.2) > 1e-12 || r.Suggestion != "" && r.CostToTheta < 0.3 && contains(r.Suggestion, "widen") {
		t.Fatalf("cost %+v", r.Review)
	}
	if got := r.Cost.Values; len(got) != 2 || got[1] != 100 {
		t.Errorf("cumulative cost %v", got)
	}
	// Costs above 30% of theta suggest widening the band: $200 against $500.
	w.HedgeCosts[1].Cost = decimal.NewFromInt(140)
	if r, err = review(w); err != nil || !contains(r.Suggestion, "widen") {
		t.Errorf("high costs: %q %v", r.Suggestion, err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
