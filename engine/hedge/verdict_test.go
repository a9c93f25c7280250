package hedge

import (
	"strings"
	"testing"

	"github.com/keel-desk/keel/engine/portfolio"
)

// TestChecklistOutcome: the run's outcome reflects every finding — a hedge or an act
// finding is an action; warnings alone are attention, each with what to do; nothing else is
// nothing to do. (Issue 15 item 1: a run with "[warn] … on the wrong side" and "[warn] 63% of
// the book's gamma expires on …" on screen concluded "no action".)
func TestChecklistOutcome(t *testing.T) {
	quiet := func(t *testing.T) ChecklistInput { // both layers inside their bands, DTE 40
		in := checklistInput(t)
		in.Layers[1].HedgeHeld = -400
		in.Layers[1].Positions[0].DTE = 40
		return in
	}
	for _, c := range []struct {
		name     string
		in       func(t *testing.T) ChecklistInput
		add      []Finding // findings the desk adds after the run (its alerts), then Conclude
		outcome  Outcome
		actions  int
		warnings int
		summary  string
		tools    []string // each warning's tool, in order
		advice   string   // a word the first warning's advice must hold
	}{
		{name: "a hedge outside its band is an action, warnings listed too", in: checklistInput,
			outcome: OutcomeAction, actions: 1, warnings: 3,
			summary: "1 action needed, and 3 warnings to attend to", tools: []string{"roll", "events", "events"}, advice: "roll"},
		{name: "an act limit alone is an action", in: func(t *testing.T) ChecklistInput {
			in := quiet(t)
			in.Events = nil
			return in
		}, add: []Finding{{Symbol: "book", Rule: string(portfolio.AlertDelta), Severity: Act, Text: "book delta beyond the limit"}},
			outcome: OutcomeAction, actions: 1, summary: "1 action needed"},
		{name: "two acts are actions in the plural", in: checklistInput,
			add:     []Finding{{Symbol: "book", Rule: string(portfolio.AlertVega), Severity: Act, Text: "vega beyond the limit"}},
			outcome: OutcomeAction, actions: 2, warnings: 3, summary: "2 actions needed, and 3 warnings to attend to"},
		{name: "events warn: attention", in: quiet, outcome: OutcomeAttention, warnings: 2,
			summary: "no trade: every delta is inside its band, but 2 warnings need attention (event)", tools: []string{"events", "events"}, advice: "vega"},
		{name: "wrong side of the bias points to the tactical hedge or a roll", in: func(t *testing.T) ChecklistInput {
			in := quiet(t)
			in.Events = nil
			return in
		}, add: []Finding{{Symbol: "SPY options", Rule: string(portfolio.AlertBias), Severity: Warn,
			Text: "SPY options: short-biased but net long $7,996 beta-weighted: $7,996 on the wrong side"}},
			outcome: OutcomeAttention, warnings: 1, summary: "no trade: every delta is inside its band, but 1 warning needs attention (layer bias)",
			tools: []string{"layers"}, advice: "tactical hedge"},
		{name: "gamma concentration points to the roll planner", in: func(t *testing.T) ChecklistInput {
			in := quiet(t)
			in.Events = nil
			return in
		}, add: []Finding{{Symbol: "book", Rule: string(portfolio.AlertGammaExpiry), Severity: Warn, Text: "63% of the book's gamma expires on 2026-11-27"}},
			outcome: OutcomeAttention, warnings: 1, tools: []string{"roll"}, advice: "roll planner"},
		{name: "info findings only: nothing to do", in: func(t *testing.T) ChecklistInput {
			in := quiet(t)
			in.Events = nil
			return in
		}, outcome: OutcomeNothing, summary: "nothing to do: every delta is inside its band, no rule is breached and nothing warns"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := DefaultChecklist().Run(c.in(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.add) > 0 {
				r.Limits = append(r.Limits, c.add...)
				r.Conclude()
			}
			if r.Outcome != c.outcome || r.Actions != c.actions || len(r.Attention) != c.warnings || r.ActionNeeded != (c.outcome == OutcomeAction) {
				t.Fatalf("outcome %s, %d actions, %d warnings, action needed %v; want %s, %d, %d", r.Outcome, r.Actions, len(r.Attention),
					r.ActionNeeded, c.outcome, c.actions, c.warnings)
			}
			if c.summary != "" && r.Summary != c.summary {
				t.Errorf("summary %q, want %q", r.Summary, c.summary)
			}
			for i, tool := range c.tools {
				if r.Attention[i].Tool != tool {
					t.Errorf("warning %d (%s) tool %q, want %q", i, r.Attention[i].Rule, r.Attention[i].Tool, tool)
				}
			}
			for _, a := range r.Attention {
				if a.Advice == "" || a.Text == "" {
					t.Errorf("warning %+v says nothing to do", a)
				}
			}
			if c.advice != "" && !strings.Contains(r.Attention[0].Advice, c.advice) {
				t.Errorf("advice %q does not mention %q", r.Attention[0].Advice, c.advice)
			}
		})
	}
}
