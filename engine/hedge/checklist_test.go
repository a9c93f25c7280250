package hedge

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/portfolio"
)

func checklistInput(t *testing.T) ChecklistInput {
	now := ny(2026, 11, 20, 15, 45)
	return ChecklistInput{
		Now:    now,
		NetLiq: 200000,
		Layers: []LayerState{
			{ // quiet: options −180 + hedge +50 = −130, inside ±250
				Name: "SPY strangle", Underlying: "SPY",
				// gamma −12 shares per $1 at 500 is −12 × 0.01 × 500² = −$30,000 per 1% move
				Exposure: portfolio.Exposure{BetaDelta: -180, BetaGamma: -30000, Vega: -900, Theta: 120, Notional: 1e6}, Spot: 500,
				HedgeHeld: 50, Policy: FixedBand{Width: 250}, Hedge: esmes(t), Vol: 0.18, Years: 30.0 / 365,
				Positions: []Position{{Symbol: "SPY 520C", Quantity: -10, DTE: 30, Delta: 0.2, Gamma: 0.01}},
			},
			{ // breach: options +420, no hedge; ±250 band → sell 8 MES (−400) to +20
				Name: "SPY puts", Underlying: "SPY",
				Exposure: portfolio.Exposure{BetaDelta: 420, BetaGamma: -20000, Vega: -600, Theta: 80, Notional: 5e5}, Spot: 500,
				Policy: FixedBand{Width: 250}, Hedge: esmes(t), Vol: 0.18, Years: 12.0 / 365,
				Positions: []Position{{Symbol: "SPY 480P", Quantity: -10, DTE: 12, Delta: -0.42, Gamma: 0.02}},
			},
		},
		Events: []Event{
			{Name: "FOMC", At: now.Add(72 * time.Hour)},
			{Name: "AAPL earnings", Symbol: "AAPL", At: now.Add(24 * time.Hour)},
			{Name: "CPI", At: now.Add(20 * 24 * time.Hour)},
		},
	}
}

func TestChecklistRun(t *testing.T) {
	r, err := DefaultChecklist().Run(checklistInput(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Hedges) != 3 {
		t.Fatalf("%d hedge steps, want 2 layers and the book", len(r.Hedges))
	}
	q, b, book := r.Hedges[0], r.Hedges[1], r.Hedges[2]
	if q.OptionsDelta != -180 || q.HedgeRequired != 180 || q.HedgeHeld != 50 || q.Difference != 130 || q.NetDelta != -130 ||
		q.Decision.Hedge || q.Action != "no action" {
		t.Errorf("quiet layer %+v", q)
	}
	if b.HedgeRequired != -420 || b.Difference != -420 || !b.Decision.Hedge || b.Action != "sell 8 MES" || b.Decision.After != 20 ||
		b.Adjustment != -400 || b.Decision.Instrument != "ES/MES" {
		t.Errorf("breached layer: %+v", b)
	}
	// The book sees the layer's order: options +240, held +50, the layer's −400 → −110.
	if book.Layer != "book" || book.OptionsDelta != 240 || book.HedgeHeld != 50 || book.LayerOrders != -400 || book.NetDelta != -110 {
		t.Errorf("book %+v", book)
	}
	if !r.ActionNeeded || !strings.Contains(r.Summary, "action") {
		t.Errorf("ActionNeeded %v %q", r.ActionNeeded, r.Summary)
	}
	// DTE 12 → 50% size warning; DTE 30 quiet.
	if len(r.Positions) != 1 || r.Positions[0].Symbol != "SPY 480P" || r.Positions[0].Severity != Warn {
		t.Errorf("positions %+v", r.Positions)
	}
	// FOMC in 3 days concerns both layers; AAPL earnings none; CPI is outside 7 days.
	var events []string
	for _, f := range r.Vega {
		if f.Rule == "event" {
			events = append(events, f.Symbol+": "+f.Text)
		}
	}
	if len(events) != 2 || !strings.Contains(events[0], "FOMC") || !strings.Contains(events[0], "vega −900") {
		t.Errorf("events %v", events)
	}
	// Limits on $200k: delta ±1000, vega $4000/pt: all inside.
	for _, f := range r.Limits {
		if f.Severity == Act {
			t.Errorf("limit breached: %s", f.Text)
		}
	}
}

// A quiet day: every delta inside its band, no rule breached → no action.
func TestChecklistQuietDay(t *testing.T) {
	in := checklistInput(t)
	in.Layers[1].HedgeHeld = -400
	in.Layers[1].Positions[0].DTE = 40
	r, err := DefaultChecklist().Run(in)
	if err != nil {
		t.Fatal(err)
	}
	// The FOMC in 3 days warns on both layers: no trade, but attention.
	if r.ActionNeeded || r.Outcome != OutcomeAttention || !strings.HasPrefix(r.Summary, "no trade") {
		t.Fatalf("quiet day: %v %s %q", r.ActionNeeded, r.Outcome, r.Summary)
	}
	for _, h := range r.Hedges {
		if h.Action != "no action" && h.Layer != "book" {
			t.Errorf("%s: %q", h.Layer, h.Action)
		}
	}
}

func TestChecklistBookPolicyAndErrors(t *testing.T) {
	c := DefaultChecklist()
	c.BookPolicy = FixedBand{Width: 100}
	c.BookHedge = esmes(t)
	r, err := c.Run(checklistInput(t))
	if err != nil {
		t.Fatal(err)
	}
	// −110 after the layer's −400 is outside ±100: 2 MES bring it to −10.
	if book := r.Hedges[2]; !book.Decision.Hedge || book.Decision.Delta != -110 || book.Decision.After != -10 {
		t.Errorf("book decision %+v", book.Decision)
	}
	in := checklistInput(t)
	in.Layers[0].Policy = nil
	if _, err := c.Run(in); err == nil || !strings.Contains(err.Error(), "SPY strangle") {
		t.Errorf("missing policy: %v", err)
	}
	in = checklistInput(t)
	in.Layers[1].Spot = 0
	if _, err := c.Run(in); err == nil || !strings.Contains(err.Error(), "SPY puts") {
		t.Errorf("zero spot: %v", err)
	}
	if _, err := c.Run(ChecklistInput{}); err == nil {
		t.Error("no time accepted")
	}
}

// The rule "ignore P&L": no field of a checklist Run, at any depth, is a P&L figure.
func TestChecklistHasNoPnL(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, path string) {
		for ty.Kind() == reflect.Slice || ty.Kind() == reflect.Pointer {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		for i := 0; i < ty.NumField(); i++ {
			f := ty.Field(i)
			name := strings.ToLower(f.Name)
			for _, bad := range []string{"pnl", "profit", "loss", "gain", "unrealized", "realized"} {
				if strings.Contains(name, bad) {
					t.Errorf("Run has a P&L field %s.%s", path, f.Name)
				}
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeOf(Run{}), "Run")
}

func TestWeeklyReview(t *testing.T) {
	day := func(d, h, m int) time.Time { return ny(2026, 11, d, h, m) }
	runs := []RunRecord{
		{Scheduled: day(16, 15, 45), Completed: day(16, 15, 47)},
		{Scheduled: day(17, 15, 45), Completed: day(17, 16, 30), Overrides: 1}, // 45 min late
		{Scheduled: day(18, 15, 45), Completed: day(18, 16, 15)},               // exactly 30 min: on time
		{Scheduled: day(19, 15, 45)},                                           // missed
		{Scheduled: day(20, 15, 45), Completed: day(20, 15, 45)},
	}
	tests := []struct {
		name       string
		in         ReviewInput
		ratio      float64
		suggestion string
	}{
		// $300 of hedging against $800 of theta is 37.5% > 30%: widen the band.
		{"costs high", ReviewInput{Runs: runs, OffChecklist: 2, HedgeCost: 300, ThetaCollected: 800}, 0.375, "widen the band"},
		// $200 / $800 = 25%: the overrides and off-checklist trades come next.
		{"costs fine", ReviewInput{Runs: runs, OffChecklist: 2, HedgeCost: 200, ThetaCollected: 800}, 0.25, "follow the checklist"},
		{"no theta", ReviewInput{Runs: runs, HedgeCost: 50, ThetaCollected: 0}, 0, "widen the band"},
	}
	for _, tc := range tests {
		v, err := ReviewRules{}.Review(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if v.Scheduled != 5 || v.OnTime != 3 || v.Late != 1 || v.Missed != 1 || v.Overrides != 1 || v.Adherence != 0.6 {
			t.Errorf("%s: adherence %+v", tc.name, v)
		}
		if v.CostToTheta != tc.ratio || !strings.HasPrefix(v.Suggestion, tc.suggestion) {
			t.Errorf("%s: ratio %g suggestion %q, want %g %q", tc.name, v.CostToTheta, v.Suggestion, tc.ratio, tc.suggestion)
		}
	}
	clean := []RunRecord{{Scheduled: day(16, 15, 45), Completed: day(16, 15, 50)}}
	v, _ := ReviewRules{}.Review(ReviewInput{Runs: clean, HedgeCost: 10, ThetaCollected: 500})
	if !v.Keep || v.NothingToJudge || !strings.HasPrefix(v.Suggestion, "keep the bands") || v.Adherence != 1 {
		t.Errorf("clean week: %+v", v)
	}
	if _, err := (ReviewRules{}).Review(ReviewInput{HedgeCost: -1}); err == nil {
		t.Error("negative cost accepted")
	}
}

// The checklist reads portfolio.Exposure's units (gamma in dollars per 1% move of the
// benchmark) and converts them once for the policies, which want gamma per 1.00 move:
// −20 shares per $1 at 500 is −20 × 0.01 × 500² = −$50,000 per 1%. With it the layer gets
// the Whalley–Wilmott band of TestPolicies: (3·e^(−0.05·0.1)·0.0002·500·20²/(2·0.01))^(1/3)
// = 18.1409 shares, and +30 is sold to the edge, +18.
func TestChecklistGammaUnits(t *testing.T) {
	for _, tc := range []struct {
		name      string
		betaGamma float64
		band      float64
		after     float64
	}{
		{"−$50,000 per 1%", -50000, 18.1409, 18},
		// A per-1.00 figure passed by mistake (−20) would give a band of
		// 18.1409 × (20/50000)^(2/3) ≈ 0.0985 shares: the whole delta would be traded.
		{"−$20 per 1%", -20, 18.1409 * math.Pow(20.0/50000, 2.0/3), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultChecklist()
			c.Limits = Limits{}
			r, err := c.Run(ChecklistInput{Now: ny(2026, 11, 20, 15, 50), NetLiq: 100000, Layers: []LayerState{{
				Name: "SPY strangle", Underlying: "SPY", Exposure: portfolio.Exposure{BetaDelta: 30, BetaGamma: tc.betaGamma},
				Spot: 500, Vol: 0.2, Years: 0.1, Rate: 0.05, Hedge: spy(),
				Policy: WhalleyWilmott{RiskAversion: 0.01, Lambda: 0.0002},
			}}})
			if err != nil {
				t.Fatal(err)
			}
			d := r.Hedges[0].Decision
			if !d.Hedge || math.Abs(d.Band.Hi-tc.band) > 1e-4 || math.Abs(d.Band.Lo+tc.band) > 1e-4 || d.After != tc.after {
				t.Errorf("band %+v, after %g; want ±%.4f, after %g", d.Band, d.After, tc.band, tc.after)
			}
		})
	}
	if g := policyGamma(-50000, 0); g != 0 {
		t.Errorf("policyGamma at spot 0 = %g, want 0 (the policy refuses the spot)", g)
	}
}

// TestWeeklyReviewVerdict: the green "keep the bands" needs theta collected at a cost in
// proportion and the checklist followed; a week with no data is "nothing to judge" (issue 15
// item 6: an empty week got the green verdict).
func TestWeeklyReviewVerdict(t *testing.T) {
	day := func(d, h, m int) time.Time { return ny(2026, 11, d, h, m) }
	onTime := []RunRecord{{Scheduled: day(16, 15, 45), Completed: day(16, 15, 50)}}
	for _, c := range []struct {
		name         string
		in           ReviewInput
		keep, empty  bool
		prefix, text string
	}{
		{name: "no data at all", in: ReviewInput{}, empty: true, prefix: "nothing to judge"},
		{name: "runs on time but no theta and no cost", in: ReviewInput{Runs: onTime}, prefix: "the checklist was followed; no theta"},
		{name: "theta at a small cost, followed", in: ReviewInput{Runs: onTime, HedgeCost: 10, ThetaCollected: 500}, keep: true,
			prefix: "keep the bands: hedging cost is 2% of the theta collected"},
		{name: "no run due, theta only", in: ReviewInput{ThetaCollected: 300}, empty: true, prefix: "nothing to judge"},
		{name: "one adjustment outside, in the singular", in: ReviewInput{Runs: onTime, OffChecklist: 1, ThetaCollected: 300},
			prefix: "follow the checklist", text: "0 overrides; 1 adjustment outside the checklist"},
		{name: "a missed run", in: ReviewInput{Runs: []RunRecord{{Scheduled: day(16, 15, 45)}}}, prefix: "run the checklist at its set time"},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := ReviewRules{}.Review(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if v.Keep != c.keep || v.NothingToJudge != c.empty || !strings.HasPrefix(v.Suggestion, c.prefix) {
				t.Errorf("keep %v, nothing to judge %v, %q; want %v, %v, %q…", v.Keep, v.NothingToJudge, v.Suggestion, c.keep, c.empty, c.prefix)
			}
			if c.text != "" && !strings.Contains(strings.Join(v.Text, "\n"), c.text) {
				t.Errorf("text %q lacks %q", v.Text, c.text)
			}
		})
	}
}
