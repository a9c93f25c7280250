package hedge

import (
	"fmt"
	"strings"

	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/format"
)

// Outcome is what a checklist run concludes from every finding.
type Outcome string

const (
	// OutcomeAction: something to trade — a hedge outside its band, or a rule that says
	// close, roll or hedge now (an "act" finding).
	OutcomeAction Outcome = "action"
	// OutcomeAttention: nothing to trade by the bands, but warnings to attend to, each with
	// what to do.
	OutcomeAttention Outcome = "attention"
	// OutcomeNothing: every delta inside its band, no rule breached, nothing warns.
	OutcomeNothing Outcome = "nothing to do"
)

// Attention is one warning of a run with what to do about it. Tool names where the trader
// does it: "roll" (the roll planner, for Symbol when it is a position), "layers" (the layer
// and its tactical hedge), "settings" (the checklist's bands), "events" or "" (no tool:
// the warning is to be read and weighed).
type Attention struct {
	Scope  string // the layer, position or "book" the warning is about
	Rule   string
	Text   string
	Advice string
	Tool   string
}

// adviceFor is what to do about a warning of rule on scope.
func adviceFor(f Finding) (string, string) {
	switch f.Rule {
	case string(portfolio.AlertBias):
		return fmt.Sprintf("bring %s back to its bias: let its tactical hedge trade inside the bias, or roll the tested side (roll planner)", f.Symbol), "layers"
	case string(portfolio.AlertGammaExpiry):
		return "spread the expiries: roll some of that expiry out in the roll planner before its gamma grows", "roll"
	case "gamma":
		return fmt.Sprintf("reduce %s as the rule says, or roll it further out (roll planner)", f.Symbol), "roll"
	case "DTE", string(portfolio.AlertDTE), string(portfolio.AlertATMExpiry):
		return fmt.Sprintf("plan the roll of %s before the size rule forces it (roll planner)", f.Symbol), "roll"
	case "spiral":
		return "add no size: roll the untested side closer instead (roll planner)", "roll"
	case "event":
		return "weigh the vega the event puts at risk; reduce vega before it if that move is more than you accept", "events"
	case "band narrower than a lot":
		return "widen the band in the checklist's settings, or hedge with a smaller lot", "settings"
	case string(portfolio.AlertLayerLeg), string(portfolio.AlertLayerContract):
		return fmt.Sprintf("add no contracts to %s; bring it back under the limit at its next roll", f.Symbol), "layers"
	case string(portfolio.AlertLayerOutside):
		return "move the position to the layer that lists its underlying (layers window)", "layers"
	case "deep ITM":
		return fmt.Sprintf("let %s be assigned as the deep-ITM step says: nothing to trade today; the layer's hedging manages what is delivered", f.Symbol), ""
	case "tested":
		return fmt.Sprintf("plan the roll of %s in the roll planner before it goes deep in the money", f.Symbol), "roll"
	case string(portfolio.AlertUnpriced), string(portfolio.AlertUnchecked), "lifecycle":
		return "check the quotes: the checklist cannot judge what it cannot value", ""
	}
	return "read it and decide: the checklist names no trade for it", ""
}

// Conclude counts the run's actions (hedge orders and act findings), lists every warning
// with what to do, and sets Outcome, ActionNeeded and Summary. Run calls it; call it again
// after adding findings to a run.
func (r *Run) Conclude() {
	r.Actions, r.Attention = 0, nil
	for _, h := range r.Hedges {
		if h.Decision.Hedge {
			r.Actions++
		}
	}
	for _, fs := range [][]Finding{r.Positions, r.Vega, r.Limits} {
		for _, f := range fs {
			switch f.Severity {
			case Act:
				r.Actions++
			case Warn:
				what, tool := adviceFor(f)
				r.Attention = append(r.Attention, Attention{Scope: f.Symbol, Rule: f.Rule, Text: f.Text, Advice: what, Tool: tool})
			}
		}
	}
	warn := format.Count(len(r.Attention), "warning", "")
	switch {
	case r.Actions > 0:
		r.Outcome = OutcomeAction
		r.Summary = format.Count(r.Actions, "action", "") + " needed"
		if len(r.Attention) > 0 {
			r.Summary += ", and " + warn + " to attend to"
		}
	case len(r.Attention) > 0:
		r.Outcome = OutcomeAttention
		var rules []string
		for _, a := range r.Attention {
			rules = append(rules, a.Rule)
		}
		verb := "need"
		if len(r.Attention) == 1 {
			verb = "needs"
		}
		r.Summary = fmt.Sprintf("no trade: every delta is inside its band, but %s %s attention (%s)", warn, verb, strings.Join(uniq(rules), ", "))
	default:
		r.Outcome = OutcomeNothing
		r.Summary = "nothing to do: every delta is inside its band, no rule is breached and nothing warns"
	}
	r.ActionNeeded = r.Outcome == OutcomeAction
}

func uniq(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
