package desk

import (
	"context"
	"strings"
	"testing"

	"github.com/keel-desk/keel/engine/hedge"
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
