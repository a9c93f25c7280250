package desk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/automation"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

const esLayer = "ES options" // the demo book's short-biased ES options layer

// sellInto sells qty of an option at the market and files it in layer, the spiral guard
// overridden (the test builds a position the guard would question), and waits until the
// desk values it.
func sellInto(t *testing.T, k *testkit.Desk, sym, layer string, qty int64) {
	t.Helper()
	ctx := context.Background()
	in, err := k.Desk.Lookup(ctx, sym)
	if err != nil {
		t.Fatal(err)
	}
	o := brokers.Order{ClientID: desk.NewClientID(), Type: brokers.Market, TIF: brokers.Day, Quantity: qty,
		Legs: []brokers.Leg{{Symbol: sym, Instrument: in, Ratio: -1}}}
	st, err := k.Desk.PlaceWithOverride(ctx, o, "test: a short option for the walk-through")
	if err != nil || st.State != brokers.Filled {
		t.Fatalf("selling %s: %v (%v %s)", sym, err, st.State, st.Reason)
	}
	if err := k.Desk.MovePositions(ctx, []string{sym}, layer); err != nil {
		t.Fatal(err)
	}
	k.Until(t, sym+" valued in "+layer, func() bool {
		for _, p := range k.Desk.Latest().Book.Positions {
			if p.ID == sym && p.Layer == layer && p.Err == nil && p.Quantity == float64(-qty) {
				return true
			}
		}
		return false
	})
}

// row is the lifecycle row of symbol (ok false when the desk has none).
func row(k *testkit.Desk, symbol string) (desk.LifecycleRow, bool) {
	for _, r := range k.Desk.Automation().Lifecycle {
		if r.Symbol == symbol {
			return r, true
		}
	}
	return desk.LifecycleRow{}, false
}

// checklistStep gathers the chains and runs the rules until cond holds.
func checklistStep(t *testing.T, k *testkit.Desk, what string, cond func() bool) {
	t.Helper()
	checklistMoving(t, k, what, 0, cond)
}

// checklistMoving is checklistStep moving the market by move between tries.
func checklistMoving(t *testing.T, k *testkit.Desk, what string, move time.Duration, cond func() bool) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			v := k.Desk.Automation()
			for _, a := range v.Last {
				t.Logf("last: %s %s %s %s: %s", a.At.Format("01-02 15:04"), a.Layer, a.Order, a.Rule, a.Outcome)
			}
			t.Fatalf("timed out waiting for %s; lifecycle %+v; problems %v; chains %s", what, v.Lifecycle, v.Problems, v.Chains)
		}
		if err := k.Desk.GatherChains(ctx); err != nil {
			t.Fatal(err)
		}
		if err := k.Desk.AutomationStep(ctx); err != nil {
			t.Fatal(err)
		}
		if !cond() && move > 0 {
			if err := k.Paper.Advance(move); err != nil {
				t.Fatal(err)
			}
			want := k.Paper.Clock().Now
			testkit.WaitFor(t, "the snapshot", func() bool { return !k.Desk.Latest().Time.Before(want) })
		} else if !cond() {
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func transitions(t *testing.T, k *testkit.Desk, symbol string) []data.LifecycleEvent {
	t.Helper()
	evs, err := k.Journal.LifecycleEvents(context.Background(), k.Desk.Book(), time.Time{}, time.Now().AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var out []data.LifecycleEvent
	for _, e := range evs {
		if e.Symbol == symbol {
			out = append(out, e)
		}
	}
	return out
}

func audited(t *testing.T, k *testkit.Desk, kind automation.Kind) []data.AuditEntry {
	t.Helper()
	log, err := k.Desk.AuditLog(context.Background(), time.Time{}, time.Now().AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var out []data.AuditEntry
	for _, e := range log {
		if e.Kind == string(kind) {
			out = append(out, e)
		}
	}
	return out
}

// TestDeepITMWalkThrough walks a deep-ITM ES put through its lifecycle on the paper
// account: let-assign → the future the paper broker assigns at expiry → the profit exit →
// the re-entry, staged while re-entries are not armed and placed once they are; every
// transition is journaled with its reason and every automated order audited.
func TestDeepITMWalkThrough(t *testing.T) {
	k := testkit.NewDesk(t, testkit.PaperStart)
	k.Quoted(t)
	ctx := context.Background()
	// ESZ6 is near 6,615 at the start (seed 7): the 6,900 put expiring today at 16:00 New
	// York is 285 points in the money, |delta| ≈ 1, and far from the money its open
	// interest fails the liquidity checklist: deep ITM.
	// The put gets a layer of its own: the re-entry restores that layer's one put, and the
	// demo's ES strangle (tested when ES rallies) does not bring in the spiral guard.
	const put, walk = "ESZ6 P6900 2026-11-20", "ES walk-through"
	if err := k.Desk.SaveLayer(ctx, "", portfolio.Layer{Name: walk, Bias: portfolio.Neutral, Underlyings: []string{"ESZ6"}}); err != nil {
		t.Fatal(err)
	}
	k.Desk.LayersChanged()
	sellInto(t, k, put, walk, 1)

	// 1. not armed: the desk shows the stage and what arming would do, and does nothing
	checklistStep(t, k, "the put deep ITM", func() bool { r, _ := row(k, put); return r.Stage == lifecycle.DeepITM })
	r, _ := row(k, put)
	if !strings.Contains(r.Next, "let it be assigned into ESZ6") || !strings.Contains(r.Next, "not armed") {
		t.Errorf("deep ITM, not armed: next %q", r.Next)
	}
	if r.Numbers["delta"] > -0.8 || r.Reason == "" {
		t.Errorf("deep ITM row: reason %q numbers %v", r.Reason, r.Numbers)
	}
	if ls := k.Desk.Automation().LayerStages[walk]; ls.Stage != lifecycle.DeepITM {
		t.Errorf("the layer's stage is %q, want deep ITM", ls.Stage)
	}

	// 2. armed for let-assign: the decision is taken
	if err := k.Desk.ArmAutomation(walk, automation.LetAssign, false); err != nil {
		t.Fatal(err)
	}
	checklistStep(t, k, "awaiting assignment", func() bool { r, _ := row(k, put); return r.Stage == lifecycle.AwaitingAssignment })

	// 3. the expiry: the paper broker assigns the put into the ESZ6 future
	if err := k.Paper.Advance(6*time.Hour + 5*time.Minute); err != nil { // 10:00 → 16:05 New York
		t.Fatal(err)
	}
	// The desk's own runs may take it further (the profit exit) before the test looks: the
	// journal says it went through the future.
	assigned := func() (data.LifecycleEvent, bool) {
		for _, e := range transitions(t, k, put) {
			if e.From == string(lifecycle.AwaitingAssignment) && e.To == string(lifecycle.Future) {
				return e, true
			}
		}
		return data.LifecycleEvent{}, false
	}
	k.Until(t, "the assigned future", func() bool {
		if err := k.Desk.AutomationStep(ctx); err != nil {
			t.Log(err)
		}
		_, ok := assigned()
		return ok
	})
	e, _ := assigned()
	if !strings.HasPrefix(e.Reason, "assigned +1 ESZ6 at 6900; breakeven 661") {
		t.Errorf("the assignment's reason: %q", e.Reason)
	}
	if r, _ := row(k, put); r.Stage == lifecycle.Future {
		if r.Numbers["units"] != 1 || r.Numbers["price"] != 6900 || !(r.Numbers["breakeven"] < 6900) {
			t.Errorf("the future's row: %+v", r)
		}
		if !strings.HasPrefix(r.Next, "sell 1 ESZ6 if ESZ6 ≥ ") {
			t.Errorf("future: next %q", r.Next)
		}
	}
	t.Run("the future is filed in the put's layer", func(t *testing.T) {
		filed, err := k.Journal.PositionLayers(ctx, k.Desk.Book())
		if err != nil || filed["ESZ6"] != walk {
			t.Fatalf("ESZ6 is filed in %q (%v), want %s", filed["ESZ6"], err, walk)
		}
	})

	// 4. the profit exit: the market moves five minutes at a time until ESZ6 is back
	// through the breakeven by the profit ticks, in the session
	deadline := k.Paper.Clock().Now.AddDate(0, 0, 14)
	for {
		if r, _ := row(k, put); r.Stage == lifecycle.ReEnter {
			break
		}
		if k.Paper.Clock().Now.After(deadline) {
			r, _ := row(k, put)
			t.Fatalf("no profit exit in two weeks of market: %+v; last %+v", r, k.Desk.Automation().Last)
		}
		if err := k.Paper.Advance(5 * time.Minute); err != nil {
			t.Fatal(err)
		}
		want := k.Paper.Clock().Now
		testkit.WaitFor(t, "the snapshot", func() bool { return !k.Desk.Latest().Time.Before(want) })
		if err := k.Desk.AutomationStep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	exits := audited(t, k, automation.LetAssign)
	if len(exits) != 1 || !strings.Contains(exits[0].Rule, "profit exit") || !strings.Contains(exits[0].Legs, `"side":"sell"`) || exits[0].Outcome != "filled" {
		t.Fatalf("the profit exit's audit: %+v", exits)
	}
	k.Until(t, "ESZ6 flat", func() bool {
		for _, p := range k.Desk.Latest().Positions {
			if p.Symbol == "ESZ6" && p.Quantity != 0 {
				return false
			}
		}
		return true
	})

	// 5. the re-entry: staged while re-entries are not armed (once the session's volume
	// lets its legs pass the liquidity checklist) …
	checklistMoving(t, k, "a staged re-entry", 15*time.Minute, func() bool {
		for _, x := range k.Desk.Automation().Staged[walk] {
			if x.Kind == automation.ReEntry {
				return true
			}
		}
		return false
	})
	if n := len(audited(t, k, automation.ReEntry)); n != 0 {
		t.Fatalf("%d re-entries sent while not armed", n)
	}
	t.Run("the staged re-entry goes to the ticket as an order", func(t *testing.T) {
		var staged desk.AutoAction
		for _, x := range k.Desk.Automation().Staged[walk] {
			if x.Kind == automation.ReEntry {
				staged = x
			}
		}
		o, err := k.Desk.StagedOrder(ctx, staged)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Legs) != 1 || o.Quantity != 1 || o.Legs[0].Ratio != -1 || o.Legs[0].Instrument.Root != "ES" ||
			o.Legs[0].Instrument.Right != pricing.Put || o.ClientID == staged.ClientOrderID || !strings.Contains(o.Note, "re-enter") {
			t.Fatalf("the staged re-entry as an order: %+v", o)
		}
	})
	r, _ = row(k, put)
	if !strings.HasPrefix(r.Next, "re-enter: sell 1 ES") {
		t.Errorf("re-enter: next %q", r.Next)
	}
	// … and placed once they are
	if err := k.Desk.ArmAutomation(walk, automation.ReEntry, false); err != nil {
		t.Fatal(err)
	}
	checklistStep(t, k, "the re-entry placed", func() bool { return len(audited(t, k, automation.ReEntry)) > 0 })
	re := audited(t, k, automation.ReEntry)[0]
	if re.Outcome != "filled" || !strings.HasPrefix(re.Rule, "re-enter: ") || re.Inputs == "{}" {
		t.Errorf("the re-entry's audit: %+v", re)
	}

	t.Run("every step journaled with its reason", func(t *testing.T) {
		var path []string
		for _, e := range transitions(t, k, put) {
			if e.Reason == "" {
				t.Errorf("%s → %s without a reason", e.From, e.To)
			}
			path = append(path, e.From+" → "+e.To)
		}
		want := []string{"options → deep ITM", "deep ITM → awaiting assignment", "awaiting assignment → future", "future → re-enter", "re-enter → options"}
		if strings.Join(path, "; ") != strings.Join(want, "; ") {
			t.Fatalf("journaled %v, want %v", path, want)
		}
	})
	t.Run("the re-entry is filed in the layer and restores its one put", func(t *testing.T) {
		n := 0.0
		k.Until(t, "the re-entry filed", func() bool {
			for _, p := range k.Desk.Latest().Book.Positions {
				if p.Layer == walk && p.Instrument.IsOption() {
					return true
				}
			}
			return false
		})
		for _, p := range k.Desk.Latest().Book.Positions {
			if p.Layer == walk && p.Instrument.IsOption() {
				n -= p.Quantity
			}
		}
		if n != 1 { // the put's re-entry
			t.Fatalf("%s holds %g option contracts, it held 1 before the let-assign decision", walk, n)
		}
	})
}

// TestRulesResumeAfterRestart: the tactical state and the lifecycle tracks are kept in the
// journal, and a desk started again on it resumes them.
func TestRulesResumeAfterRestart(t *testing.T) {
	k := testkit.NewDesk(t, testkit.PaperStart)
	k.Quoted(t)
	armTight(t, k)
	deadline := time.Now().Add(60 * time.Second)
	for k.Desk.Automation().Tactical[mesLayer].Steps == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no tactical step opened: %+v", k.Desk.Automation().Last)
		}
		step(t, k)
	}
	k.Desk.Close() // the rules stop: what they kept last is what a restart resumes
	time.Sleep(100 * time.Millisecond)
	before := k.Desk.Automation()
	ts := before.Tactical[mesLayer]
	p := before.Params[mesLayer]
	k2 := testkit.DeskOn(t, k.Journal, testkit.PaperStart)
	k2.Quoted(t)
	after := k2.Desk.Automation()
	got := after.Tactical[mesLayer]
	if got.Reference != ts.Reference || got.Steps != ts.Steps || got.Position != ts.Position || got.Stats.Cycles != ts.Stats.Cycles {
		t.Fatalf("after a restart the tactical state is %+v, want %+v", got, ts)
	}
	if after.Params[mesLayer].StepPoints != p.StepPoints {
		t.Errorf("the tactical parameters: step %g points after a restart, want %g", after.Params[mesLayer].StepPoints, p.StepPoints)
	}
	if after.ArmedAny() {
		t.Error("a restart re-armed the rules: arming is per session")
	}
}

// TestHedgesAndRollsArmed: a layer armed for hedges keeps the book inside the checklist's
// band; a tested option in a layer armed for rolls is rolled to the planner's top
// candidate; a second hedge layer is refused.
func TestHedgesAndRollsArmed(t *testing.T) {
	k := testkit.NewDesk(t, testkit.PaperStart)
	k.Quoted(t)
	ctx := context.Background()
	cs, _ := k.Desk.ChecklistSettings(ctx)
	cs.BookBand = 0.01 // ±0.01 % of net liquidation: the demo book is outside it
	if err := k.Desk.SaveChecklistSettings(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if err := k.Desk.ArmAutomation("Hedge", automation.Hedge, false); err != nil {
		t.Fatal(err)
	}
	t.Run("one hedge layer", func(t *testing.T) {
		if err := k.Desk.ArmAutomation(esLayer, automation.Hedge, false); err == nil {
			t.Fatal("a second layer was armed to hedge the book")
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for len(audited(t, k, automation.Hedge)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no hedge: next %v last %+v problems %v", k.Desk.Automation().Next, k.Desk.Automation().Last, k.Desk.Automation().Problems)
		}
		step(t, k)
	}
	h := audited(t, k, automation.Hedge)[0]
	if h.Layer != "Hedge" || !strings.HasPrefix(h.Rule, "hedge: ") || !strings.Contains(h.Inputs, "band_hi") {
		t.Errorf("the hedge's audit: %+v", h)
	}
	if n := strings.Count(k.Desk.Automation().Next["Hedge"], "hedge the book in"); n != 1 {
		t.Errorf("the hedge layer's next: %q", k.Desk.Automation().Next["Hedge"])
	}
	k.Desk.DisarmAutomation("Hedge", automation.Hedge)

	// a put near the money on ESH7 (|delta| ≈ 0.45): tested
	snap := k.Desk.Latest()
	var esh7 float64
	for _, p := range snap.Book.Positions {
		if p.Instrument.Underlying == "ESH7" {
			esh7 = p.UnderlyingPrice
		}
	}
	strike := float64(int(esh7/10)) * 10
	sym := fmt.Sprintf("ESH7 P%g 2026-12-31", strike)
	sellInto(t, k, sym, esLayer, 1)
	checklistStep(t, k, "the put tested", func() bool { r, _ := row(k, sym); return r.Stage == lifecycle.Tested })
	if n := len(audited(t, k, automation.Roll)); n != 0 {
		t.Fatalf("%d rolls sent while not armed", n)
	}
	if err := k.Desk.ArmAutomation(esLayer, automation.Roll, false); err != nil {
		t.Fatal(err)
	}
	// the candidates' legs pass the liquidity checklist once the session has some volume
	checklistMoving(t, k, "a roll", 15*time.Minute, func() bool {
		if len(audited(t, k, automation.Roll)) > 0 {
			return true
		}
		for _, a := range k.Desk.Automation().Last {
			if a.Kind == automation.Roll && strings.HasPrefix(a.Outcome, "blocked") {
				t.Logf("roll blocked: %s", a.Outcome)
			}
		}
		return false
	})
	roll := audited(t, k, automation.Roll)[0]
	if !strings.HasPrefix(roll.Rule, "tested: the roll planner's top candidate") || !strings.Contains(roll.Legs, sym) {
		t.Errorf("the roll's audit: %+v", roll)
	}
}

// TestKillCancelsWorkingAutomatedOrders: the kill switch cancels the automated orders the
// broker still works — here one left from before a restart (the gate no longer knows it),
// recognised by its note — and leaves the trader's own orders alone.
func TestKillCancelsWorkingAutomatedOrders(t *testing.T) {
	k := testkit.NewDesk(t, testkit.PaperStart)
	k.Quoted(t)
	ctx := context.Background()
	in, err := k.Desk.Lookup(ctx, "SPY")
	if err != nil {
		t.Fatal(err)
	}
	place := func(id, note string) string {
		o := brokers.Order{ClientID: id, Type: brokers.Limit, Limit: decimal.NewFromInt(400), TIF: brokers.Day, Quantity: 1, Note: note,
			Legs: []brokers.Leg{{Symbol: "SPY", Instrument: in, Ratio: 1}}}
		st, err := k.Desk.Place(ctx, o)
		if err != nil || st.State != brokers.Working {
			t.Fatalf("placing %s: %v %v", id, err, st.State)
		}
		return st.ID
	}
	auto := place("hedge-hedge-20261120T150000-SPY", "automation: hedge: a limit far below the market")
	own := place(desk.NewClientID(), "the trader's own bid")
	if err := k.Desk.ArmAutomation(mesLayer, automation.Tactical, false); err != nil {
		t.Fatal(err)
	}
	if err := k.Desk.Kill(ctx); err != nil {
		t.Fatal(err)
	}
	states := map[string]brokers.OrderState{}
	all, err := k.Desk.Orders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		states[o.ID] = o.State
	}
	if states[auto] != brokers.Cancelled {
		t.Errorf("the automated order is %v after the kill switch, want cancelled", states[auto])
	}
	if states[own] != brokers.Working {
		t.Errorf("the trader's own order is %v after the kill switch, want working", states[own])
	}
	if k.Desk.IsArmed(mesLayer, automation.Tactical) {
		t.Error("armed after the kill switch")
	}
}
