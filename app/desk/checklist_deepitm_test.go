package desk

import (
	"context"
	"strings"
	"testing"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/engine/liquidity"
)

// The checklist carries every short option's lifecycle decision, and a run that shows a
// deep-ITM roll or close counts it as an action, a let-assign as attention.
func TestChecklistDeepITMDecisions(t *testing.T) {
	r := layeredRig(t)
	res, err := r.desk.RunChecklist(context.Background(), ChecklistConfig{})
	if err != nil {
		t.Fatal(err)
	}
	shorts := 0
	for _, p := range r.desk.Latest().Book.Positions {
		if p.Instrument.IsOption() && p.Quantity < 0 {
			shorts++
		}
	}
	if shorts == 0 || len(res.DeepITM) != shorts {
		t.Fatalf("%d assessments for %d short options", len(res.DeepITM), shorts)
	}
	for _, a := range res.DeepITM {
		for k := range a.Numbers {
			if strings.Contains(k, "pnl") || strings.Contains(k, "profit") {
				t.Errorf("%s carries P&L %q", a.ID, k)
			}
		}
	}

	for _, c := range []struct {
		name string
		a    lifecycle.Assessment
		sev  hedge.Severity
		rule string
		none bool
	}{
		{name: "roll is an action", a: lifecycle.Assessment{ID: "ESZ6 P5600", Stage: lifecycle.DeepITM, Action: lifecycle.Roll, Reason: "deep ITM"}, sev: hedge.Act, rule: "deep ITM"},
		{name: "close is an action", a: lifecycle.Assessment{ID: "SPY P700", Stage: lifecycle.DeepITM, Action: lifecycle.Close, Reason: "deep ITM"}, sev: hedge.Act, rule: "deep ITM"},
		{name: "let assign needs attention", a: lifecycle.Assessment{ID: "ESZ6 P5600", Stage: lifecycle.DeepITM, Action: lifecycle.LetAssign, Reason: "deep ITM"}, sev: hedge.Warn, rule: "deep ITM"},
		{name: "tested needs a roll plan", a: lifecycle.Assessment{ID: "SPY C690", Stage: lifecycle.Tested, Action: lifecycle.PlanRoll}, sev: hedge.Warn, rule: "tested"},
		{name: "not assessed warns", a: lifecycle.Assessment{ID: "SPY C690", Problem: "no quote"}, sev: hedge.Warn, rule: "lifecycle"},
		{name: "holding is nothing", a: lifecycle.Assessment{ID: "SPY C720", Stage: lifecycle.Options, Action: lifecycle.Hold}, none: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := deepITMFindings([]lifecycle.Assessment{c.a})
			if c.none {
				if len(fs) != 0 {
					t.Fatalf("findings %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Severity != c.sev || fs[0].Rule != c.rule || fs[0].Symbol != c.a.ID {
				t.Fatalf("findings %+v", fs)
			}
		})
	}

	a := lifecycle.Assessment{ID: "ESZ6 P5600", Stage: lifecycle.DeepITM, Action: lifecycle.LetAssign, Reason: "deep ITM: let it be assigned",
		Numbers:   lifecycle.Numbers{"delta": -0.86, "extrinsic": 2.4, "extrinsic_dollars": 120, "roll_credit": 80},
		Liquidity: liquidity.Result{Verdict: liquidity.Fail}}
	got := DeepITMWords(a)
	for _, want := range []string{"let assign", "delta −0.86", "extrinsic left $120 (2.40 a unit)", "liquidity fail", "best roll collects $80 at natural"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}

// An adjustment outside the checklist is a hedge trade the checklist could have proposed:
// futures, shares or ETFs in a hedge instrument of the book, not the desk's own rules'.
// Option trades from the ticket (a strangle, a roll, a buy-back) are trading, never counted.
func TestHedgeAdjustmentRule(t *testing.T) {
	r := layeredRig(t)
	ctx := context.Background()
	snap := r.desk.Latest()
	call, ok := optionOf(snap, "SPY", "call")
	if !ok {
		t.Fatal("the demo book holds no SPY call")
	}
	put, _ := optionOf(snap, "SPY", "put")
	look := func(sym string) instrument.Instrument {
		in, err := r.broker.Lookup(ctx, sym)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	leg := func(sym string, ratio int64) brokers.Leg {
		return brokers.Leg{Symbol: sym, Instrument: look(sym), Ratio: ratio}
	}
	for _, c := range []struct {
		name string
		o    brokers.Order
		want bool
	}{
		{"SPY shares bought from the ticket", brokers.Order{Legs: []brokers.Leg{leg("SPY", 1)}}, true},
		{"MES futures sold from the ticket", brokers.Order{Legs: []brokers.Leg{leg("MESZ6", -1)}}, true},
		{"a strangle sold from the ticket", brokers.Order{Legs: []brokers.Leg{{Symbol: call.Symbol, Instrument: call.Instrument, Ratio: -1},
			{Symbol: put.Symbol, Instrument: put.Instrument, Ratio: -1}}}, false},
		{"a call bought back", brokers.Order{Legs: []brokers.Leg{{Symbol: call.Symbol, Instrument: call.Instrument, Ratio: 1}}}, false},
		{"a covered hedge with an option leg", brokers.Order{Legs: []brokers.Leg{leg("SPY", 1), {Symbol: put.Symbol, Instrument: put.Instrument, Ratio: 1}}}, false},
		{"an automated tactical MES buy", brokers.Order{Note: autoNote + "tactical", Legs: []brokers.Leg{leg("MESZ6", 1)}}, false},
		{"shares of a stock the book does not hedge with", brokers.Order{Legs: []brokers.Leg{leg("QQQ", 1)}}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := r.desk.isHedgeAdjustment(snap, c.o); got != c.want {
				t.Errorf("isHedgeAdjustment = %v, want %v", got, c.want)
			}
		})
	}
}
