package checklist

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/engine/liquidity"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
)

// text is every label and button of the checklist's content, under the UI lock.
func (v *ChecklistView) text() string {
	var s string
	testkit.Locked(func() { s = labels(v.Content()) })
	return s
}

func (v *ChecklistView) tap(t *testing.T, button string) {
	t.Helper()
	var b *widget.Button
	testkit.Locked(func() { b = findButton(v.Content(), button) })
	if b == nil {
		t.Fatalf("no %q button on step %d:\n%s", button, v.step+1, v.text())
	}
	testkit.Locked(func() { test.Tap(b) })
	v.Settle()
}

// TestChecklistWizard walks the wizard on the paper desk's demo book: one step at a time,
// Next and Back, each step's decision recorded, a summary with the verdict and the
// decisions; the logged run stores them. No P&L anywhere. The Notes no longer repeat the
// first step: each layer's reason shows once.
func TestChecklistWizard(t *testing.T) {
	d, j, _ := startChecklistDesk(t, filepath.Join(t.TempDir(), "keel.db"))
	var opened []string
	env := ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: d, Journal: j,
		Open: func(name string, arg any) { opened = append(opened, name) }}
	var v *ChecklistView
	testkit.Locked(func() { v = NewChecklistView(env) })
	v.Settle()
	v.Settle()

	first := v.text()
	for _, want := range []string{"Step 1 of 7 — Deltas against their bands", "Options Δ", "Hedge required", "Hedge held", "Difference",
		"ES options", "book", "Ignore P&L", "Apply to this run", "Save settings", "Decision: bands ±5% per layer, ±10% for the book, hedged with SPY"} {
		if !strings.Contains(first, want) {
			t.Errorf("step 1 lacks %q:\n%s", want, first)
		}
	}
	reason := "ES options is short-biased: its delta is its intent"
	if n := strings.Count(first, reason); n != 1 {
		t.Errorf("the ES layer's reason shows %d times on step 1, want once:\n%s", n, first)
	}
	if strings.Contains(first, "Log run") || strings.Contains(first, "Notes") {
		t.Errorf("step 1 shows later steps:\n%s", first)
	}

	steps := []string{"Adjustments", "Positions to roll or close", "Deep in the money", "Vega and upcoming events", "Limits", "Summary"}
	all := first
	for i, name := range steps {
		v.tap(t, "Next ▶")
		got := v.text()
		all += got
		if st, n := v.Step(); st != i+1 || !strings.HasPrefix(n, name) || !strings.Contains(got, name) {
			t.Fatalf("after %d Next: step %d %q, want %q:\n%s", i+1, st+1, n, name, got)
		}
		if strings.Contains(got, reason) && name != "Summary" {
			t.Errorf("step %q repeats step 1's reasons", name)
		}
	}
	var next *widget.Button
	testkit.Locked(func() { next = findButton(v.Content(), "Next ▶") })
	if !next.Disabled() {
		t.Error("Next is enabled on the summary")
	}
	summary := v.text()
	for _, want := range []string{"Attention — no trade: every delta is inside its band, but 1 warning needs attention (gamma concentration).",
		"→ spread the expiries", "[Roll planner…]", "Your decisions", "1. Deltas against their bands — bands ±5%",
		"2. Adjustments — no action: every delta is inside its band", "4. Deep in the money: let assign, roll or close — no short option tested or deep in the money",
		"6. Limits — no limit breached; the warnings are in the summary", "[Log run]"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	for _, banned := range []string{"P&L:", "PnL", "profit", "unrealized", "(s)"} {
		if strings.Contains(all, banned) {
			t.Errorf("the wizard shows %q", banned)
		}
	}
	v.tap(t, "Roll planner…")
	if len(opened) != 1 || opened[0] != "roll" {
		t.Errorf("the gamma warning's tool opened %v, want the roll planner", opened)
	}

	// Back to the limits step: its decision is recorded as the checklist's own; Back twice
	// more reaches the deep-ITM step.
	v.tap(t, "◀ Back")
	if st, _ := v.Step(); st != stepLimits {
		t.Fatalf("Back from the summary: step %d", st+1)
	}
	v.tap(t, "◀ Back")
	v.tap(t, "◀ Back")
	if st, _ := v.Step(); st != stepDeep || !strings.Contains(v.text(), "5 short options collecting theta") {
		t.Fatalf("step %d:\n%s", st+1, v.text())
	}
	for i := 0; i < 3; i++ {
		v.tap(t, "Next ▶")
	}
	if os.Getenv("KEEL_SHOTS") != "" {
		testkit.Shot(t, v.Content(), fyne.NewSize(1100, 700), "/tmp/chk-summary.png")
	}
	v.tap(t, "Log run")
	runs, err := j.ChecklistRuns(context.Background(), d.Book(), time.Time{}, testkit.PaperStart.AddDate(1, 0, 0))
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %+v %v", runs, err)
	}
	var logged desk.ChecklistResult
	if err := json.Unmarshal([]byte(runs[0].Steps), &logged); err != nil {
		t.Fatal(err)
	}
	if len(logged.Decisions) != stepSummary || logged.Decisions[1].Step != "Adjustments" || !strings.HasPrefix(logged.Decisions[5].Decision, "no limit breached") {
		t.Errorf("logged decisions %+v", logged.Decisions)
	}
	if runs[0].Action != "none taken: no action: every delta is inside its band" {
		t.Errorf("logged action %q", runs[0].Action)
	}
}

// TestChecklistWizardBandsRerunAndPrefill: an edited band changes the run at once without
// saving it; the window brought forward again reruns (never a stale run); after a breach
// "Prefill order" opens the ticket at once, the adjustment's decision recorded.
func TestChecklistWizardBandsRerunAndPrefill(t *testing.T) {
	d, j, _ := startChecklistDesk(t, filepath.Join(t.TempDir(), "keel.db"))
	var opened []any
	var openedAt time.Time
	env := ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: d, Journal: j,
		Open: func(name string, arg any) {
			if name == "ticket" {
				opened, openedAt = append(opened, arg), time.Now()
			}
		}}
	var r *root
	testkit.Locked(func() { r = newRoot(NewChecklistView(env)) })
	v := r.v
	v.Settle()
	v.Settle()
	spyBand := func() string {
		for _, h := range v.result.Run.Hedges {
			if h.Layer == "SPY options" {
				return ui.Num(h.Decision.Band.Hi, 1)
			}
		}
		return ""
	}
	before := spyBand()
	testkit.Locked(func() { v.layerBand.SetText("1") })
	v.tap(t, "Apply to this run")
	after := spyBand()
	if before == "" || after == before {
		t.Fatalf("SPY band %s with 5%%, %s with 1%%: the edit did not change the run", before, after)
	}
	if !strings.Contains(v.text(), "edited for this run, not saved") {
		t.Errorf("the status does not say the band is not saved:\n%s", v.text())
	}
	if s, _ := d.ChecklistSettings(context.Background()); s.LayerBand != 5 {
		t.Errorf("applying saved the band: %v", s.LayerBand)
	}

	// An event added on step 5 reruns the checklist and stays on that step, its vega
	// warning now asking for a decision.
	testkit.Locked(func() { v.show(stepVega) })
	testkit.Locked(func() {
		v.evDate.SetText(testkit.PaperStart.AddDate(0, 0, 3).Format("2006-01-02"))
		v.evName.SetText("FOMC decision")
	})
	runs := v.runs
	v.tap(t, "Add event")
	if st, _ := v.Step(); st != stepVega || v.runs != runs+1 {
		t.Fatalf("after adding an event: step %d, %d runs (were %d)", st+1, v.runs, runs)
	}
	if got := v.text(); !strings.Contains(got, "FOMC decision (fomc, all layers)") || !strings.Contains(got, "[warn] FOMC decision on") {
		t.Errorf("the event is not in the rerun:\n%s", got)
	}
	if r := v.choices[stepVega]; r == nil || r.Selected != decisionVegaOK {
		t.Errorf("the event's vega asks for no decision: %+v", r)
	}

	// A breach while the window is open; bringing it forward reruns on the new book.
	testkit.Locked(func() { v.layerBand.SetText("5") })
	testkit.Locked(func() { v.show(stepDeltas) })
	v.tap(t, "Apply to this run")
	v.tap(t, "Next ▶")
	if strings.Contains(v.text(), "Prefill order") {
		t.Fatal("quiet book offers an order")
	}
	buyMES(t, d)
	runs = v.runs
	testkit.Locked(r.Reopened)
	v.Settle()
	if v.runs != runs+1 {
		t.Fatalf("reopening did not rerun (%d runs, were %d)", v.runs, runs)
	}
	if st, _ := v.Step(); st != stepDeltas {
		t.Errorf("a new run starts on step %d, want 1", st+1)
	}
	v.tap(t, "Next ▶")
	if !strings.Contains(v.text(), "book: sell") {
		t.Fatalf("the rerun does not show the breach:\n%s", v.text())
	}
	var btn *widget.Button
	testkit.Locked(func() { btn = findButton(v.Content(), "Prefill order") })
	tapped := time.Now()
	testkit.Locked(func() { test.Tap(btn) })
	// The ticket opens inside the tap, before any background work.
	if len(opened) != 1 || openedAt.Sub(tapped) > 100*time.Millisecond {
		t.Fatalf("ticket opened %d times, %v after the tap", len(opened), openedAt.Sub(tapped))
	}
	t.Logf("Prefill order → ticket open: %v", openedAt.Sub(tapped))
	v.Settle()
	o, ok := opened[0].(*brokers.Order)
	if !ok || len(o.Legs) != 1 || o.Legs[0].Symbol != "SPY" || o.Legs[0].Ratio != -1 {
		t.Fatalf("prefilled order %+v", opened[0])
	}
	if v.decisions[stepAdjust] != decisionHedge || len(v.props) != 1 {
		t.Errorf("decision %q, %d proposals", v.decisions[stepAdjust], len(v.props))
	}
	// The ticket sends through the desk: the checklist claims the order.
	sent := *o
	sent.ClientID = desk.NewClientID()
	if st, err := d.Place(context.Background(), sent); err != nil || st.State != brokers.Filled {
		t.Fatalf("sending: %v %+v", err, st)
	}
	off, err := j.OffChecklist(context.Background(), d.Book(), time.Time{}, testkit.PaperStart.AddDate(1, 0, 0))
	if err != nil || len(off) != 1 || !strings.Contains(off[0].Words, "MES") {
		t.Errorf("off-checklist %+v %v: want only the MES buy", off, err)
	}
	if os.Getenv("KEEL_SHOTS") != "" {
		testkit.Shot(t, v.Content(), fyne.NewSize(1100, 700), "/tmp/chk-adjust.png")
	}
	// The run logs the decision and the order it prefilled; the verdict was an action.
	for i := stepAdjust; i < stepSummary; i++ {
		v.tap(t, "Next ▶")
	}
	if !strings.Contains(v.text(), "Action — 1 action needed") {
		t.Errorf("summary after a breach:\n%s", v.text())
	}
	v.tap(t, "Log run")
	logged, err := j.ChecklistRuns(context.Background(), d.Book(), time.Time{}, testkit.PaperStart.AddDate(1, 0, 0))
	if err != nil || len(logged) != 1 {
		t.Fatalf("runs %+v %v", logged, err)
	}
	var lr desk.ChecklistResult
	if err := json.Unmarshal([]byte(logged[0].Steps), &lr); err != nil {
		t.Fatal(err)
	}
	if lr.Decisions[stepAdjust].Decision != decisionHedge || !strings.Contains(logged[0].Action, "book: sell") || !logged[0].ActionNeeded {
		t.Errorf("logged %q, action %q", lr.Decisions[stepAdjust].Decision, logged[0].Action)
	}
}

// TestChecklistWindowFitsSmallScreens: every step fits 1024×700 (readable) and so 1280×720.
func TestChecklistWindowFitsSmallScreens(t *testing.T) {
	d, j, _ := startChecklistDesk(t, filepath.Join(t.TempDir(), "keel.db"))
	env := ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: d, Journal: j}
	var v *ChecklistView
	testkit.Locked(func() { v = NewChecklistView(env) })
	v.Settle()
	v.Settle()
	for i := 0; i < nSteps; i++ {
		testkit.Locked(func() { v.show(i) })
		var m fyne.Size
		testkit.Locked(func() { m = v.Content().MinSize() })
		if os.Getenv("KEEL_SHOTS") != "" {
			testkit.Shot(t, v.Content(), fyne.NewSize(1024, 700), fmt.Sprintf("/tmp/chk-step%d-1024.png", i+1))
		}
		if m.Width > 1024 || m.Height > 700 {
			t.Errorf("step %d (%s): minimum size %.0f×%.0f is larger than 1024×700", i+1, stepNames[i], m.Width, m.Height)
		}
	}
	if s := Window().Size; s.Width > 1280 || s.Height > 720 {
		t.Errorf("the window opens at %v, larger than 1280×720", s)
	}
	var rv *ReviewView
	testkit.Locked(func() { rv = NewReviewView(env) })
	rv.Wait()
	var m fyne.Size
	testkit.Locked(func() { m = rv.Content().MinSize() })
	if m.Width > 1024 || m.Height > 700 {
		t.Errorf("review: minimum size %.0f×%.0f is larger than 1024×700", m.Width, m.Height)
	}
	if s := ReviewWindow().Size; s.Width > 1280 || s.Height > 720 {
		t.Errorf("the review opens at %v, larger than 1280×720", s)
	}
}

// TestReviewWindowJudgesOnlyWhatItHas: a week with nothing recorded is "nothing to judge",
// never the green "keep the bands"; a ticket's option trade is not an adjustment outside
// the checklist, a futures hedge bought from the ticket is.
func TestReviewWindowJudgesOnlyWhatItHas(t *testing.T) {
	d, j, _ := startChecklistDesk(t, filepath.Join(t.TempDir(), "keel.db"))
	env := ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: d, Journal: j}
	open := func() (string, widget.Importance) {
		var rv *ReviewView
		testkit.Locked(func() { rv = NewReviewView(env) })
		rv.Wait()
		var s string
		var imp widget.Importance
		testkit.Locked(func() { s, imp = labels(rv.Content()), rv.suggestion.Importance })
		return s, imp
	}
	text, imp := open()
	if !strings.Contains(text, "Nothing to judge") || strings.Contains(strings.ToLower(text), "keep the bands") || imp == widget.SuccessImportance {
		t.Errorf("empty week (importance %v):\n%s", imp, text)
	}

	ctx := context.Background()
	var call desk.Position
	for _, p := range d.Latest().Positions {
		if p.Instrument.Root == "SPY" && p.Instrument.IsOption() && p.Quantity < 0 {
			call = p
			break
		}
	}
	if st, err := d.Place(ctx, brokers.Order{ClientID: desk.NewClientID(), Type: brokers.Market, Quantity: 1,
		Legs: []brokers.Leg{{Symbol: call.Symbol, Instrument: call.Instrument, Ratio: 1}}}); err != nil || st.State != brokers.Filled {
		t.Fatalf("buying back %s: %v %+v", call.Symbol, err, st)
	}
	buyMES(t, d)
	res, err := d.RunChecklist(ctx, desk.ChecklistConfig{})
	if err != nil {
		t.Fatal(err)
	}
	at := d.Latest().Time
	if _, err := d.LogChecklistRun(ctx, res, desk.ScheduledAt(at, 15, 45), at, "", nil, "window"); err != nil {
		t.Fatal(err)
	}
	text, _ = open()
	for _, want := range []string{"Runs on time: 1 of 1 scheduled run", "1 adjustment outside the checklist", "0 overrides"} {
		if !strings.Contains(text, want) {
			t.Errorf("review lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Nothing to judge") {
		t.Errorf("a week with a run and a hedge is judged:\n%s", text)
	}
}

// TestChecklistDeepITMStep: the deep-ITM step shows each decision with its numbers — delta,
// extrinsic value left, liquidity verdict, what the best roll collects — offers to follow
// the decisions, and the summary points a let-assign at nothing to trade. No P&L.
func TestChecklistDeepITMStep(t *testing.T) {
	test.NewTempApp(t)
	var v *ChecklistView
	testkit.Locked(func() { v = NewChecklistView(ui.Env{Now: func() time.Time { return testkit.PaperStart }}) })
	v.Settle()
	res := desk.ChecklistResult{Units: "SPY shares, beta-weighted", DeepITM: []lifecycle.Assessment{
		{ID: "ESZ6 P6400", Stage: lifecycle.DeepITM, Action: lifecycle.LetAssign,
			Reason:    "deep ITM (|delta| 0.86 ≥ 0.80 and its liquidity fails (spread 18% of mid)): let it be assigned",
			Numbers:   lifecycle.Numbers{"delta": -0.86, "extrinsic": 1.5, "extrinsic_dollars": 75, "roll_credit": 40},
			Liquidity: liquidity.Result{Verdict: liquidity.Fail}},
		{ID: "SPY C700", Stage: lifecycle.Tested, Action: lifecycle.PlanRoll, Reason: "|delta| 0.34 ≥ 0.30: tested, plan a roll",
			Numbers: lifecycle.Numbers{"delta": 0.34, "extrinsic": 2.1, "extrinsic_dollars": 210}, Liquidity: liquidity.Result{Verdict: liquidity.Pass}},
		{ID: "SPY P600", Stage: lifecycle.Options, Action: lifecycle.Hold},
	}}
	res.Run.Positions = append(res.Run.Positions, hedge.Finding{Symbol: "ESZ6 P6400", Rule: "deep ITM", Severity: hedge.Warn, Text: "ESZ6 P6400: let it be assigned"})
	res.Run.Conclude()
	testkit.Locked(func() {
		v.result, v.decisions, v.choices = &res, map[int]string{}, map[int]*widget.RadioGroup{}
		v.show(stepDeep)
	})
	got := v.text()
	for _, want := range []string{"ESZ6 P6400 — let assign: delta −0.86, extrinsic left $75 (1.50 a unit), liquidity fail, best roll collects $40 at natural",
		"SPY C700 — plan a roll: delta 0.34", "1 other short option collecting theta.", "Your decision"} {
		if !strings.Contains(got, want) {
			t.Errorf("deep-ITM step lacks %q:\n%s", want, got)
		}
	}
	if r := v.choices[stepDeep]; r == nil || strings.Join(r.Options, "|") != decisionFollow+"|"+decisionDeepNot+"|"+decisionHold || r.Selected != decisionFollow {
		t.Errorf("deep-ITM decisions %+v", r)
	}
	testkit.Locked(func() { v.show(stepRoll) })
	if got := v.text(); !strings.Contains(got, "Nothing to roll or close.") || strings.Contains(got, "ESZ6 P6400") {
		t.Errorf("the roll step repeats the deep-ITM decisions:\n%s", got)
	}
	testkit.Locked(func() { v.show(stepSummary) })
	got = v.text()
	if !strings.Contains(got, "Attention — no trade") || !strings.Contains(got, "→ let ESZ6 P6400 be assigned as the deep-ITM step says: nothing to trade today") {
		t.Errorf("summary:\n%s", got)
	}
	if strings.Contains(got, "P&L:") || strings.Contains(got, "profit") {
		t.Errorf("the deep-ITM step shows P&L:\n%s", got)
	}
}

// A policy kept from the lab for a layer shows in the run: the step's decision and the
// status line name it beside the settings' bands, and the layer's decision starts with it.
func TestChecklistSaysTheLabsPolicy(t *testing.T) {
	d, j, _ := startChecklistDesk(t, filepath.Join(t.TempDir(), "keel.db"))
	if err := d.SaveHedgePolicy(context.Background(), desk.HedgePolicy{Scope: "SPY options", Policy: "fixed band", Param: 3,
		Label: "±3 units", StartBand: 3, MeasuredOn: "Layer SPY options", StepDays: 0.25}); err != nil {
		t.Fatal(err)
	}
	env := ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: d, Journal: j, Open: func(string, any) {}}
	var v *ChecklistView
	testkit.Locked(func() { v = NewChecklistView(env) })
	v.Settle()
	v.Settle()
	got := v.text()
	for _, want := range []string{"Decision: bands ±5% per layer, ±10% for the book, hedged with SPY; by the lab's policies: SPY options (fixed band ±3 units)",
		" — the lab's fixed band ±3 units, chosen in the lab on Layer SPY options: delta ",
		"; by the lab's policies: SPY options (fixed band ±3 units). Deltas in SPY shares"} {
		if !strings.Contains(got, want) {
			t.Errorf("step 1 lacks %q:\n%s", want, got)
		}
	}
}
