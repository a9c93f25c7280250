package desk

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/format"
)

// checklistDeepITM is the checklist's lifecycle step: every short option of snap's book
// assessed by lifecycle.AssessBook with the desk's liquidity rules (default thresholds:
// tested at |delta| 0.30, deep at 0.80). Only options at or beyond the deep threshold get a
// roll plan (one chain request per expiry), since only their decision (let assign, roll or
// close) depends on what a roll collects. Dividends are not given: an American stock
// option's early-assignment estimate then counts the interest on the strike only.
func (s *Service) checklistDeepITM(ctx context.Context, snap *Snapshot) ([]lifecycle.Assessment, error) {
	set := lifecycle.DefaultSettings()
	set.Liquidity = s.LiquiditySettings().Rules
	in := lifecycle.BookInput{Quotes: map[string]liquidity.Quote{}}
	for _, p := range snap.Book.Positions {
		if !p.Instrument.IsOption() || !(p.Quantity < 0) || p.Err != nil {
			continue
		}
		sym := p.Instrument.Symbol()
		q, ok := snap.Quote(p.ID)
		if !ok || !q.Ask.IsPositive() {
			var err error
			if q, err = s.broker.Quote(ctx, p.ID); err != nil {
				continue // AssessBook says "no quote"
			}
		}
		lq := brokers.LiquidityQuote(q)
		lq.Instrument = p.Instrument
		in.Quotes[sym] = lq
		if math.Abs(p.Greeks.Delta) >= set.DeepDelta {
			plans, err := s.PlanRolls(ctx, RollTarget{Position: p.ID})
			if err != nil {
				continue // no plan: the decision is let assign or close
			}
			in.Plans = append(in.Plans, plans...)
		}
	}
	return lifecycle.AssessBook(snap.Book, in, set)
}

// deepITMFindings are the lifecycle decisions as checklist findings: rolling or closing a
// deep-ITM option is an action; letting it be assigned, or a tested option, needs attention;
// an option that could not be assessed warns.
func deepITMFindings(as []lifecycle.Assessment) []hedge.Finding {
	var out []hedge.Finding
	for _, a := range as {
		f := hedge.Finding{Symbol: a.ID, Text: a.ID + ": " + a.Reason}
		switch {
		case a.Problem != "":
			f.Rule, f.Severity, f.Text = "lifecycle", hedge.Warn, a.ID+": the deep-ITM check could not assess it: "+a.Problem
		case a.Action == lifecycle.Roll || a.Action == lifecycle.Close:
			f.Rule, f.Severity = "deep ITM", hedge.Act
		case a.Action == lifecycle.LetAssign:
			f.Rule, f.Severity = "deep ITM", hedge.Warn
		case a.Stage == lifecycle.Tested:
			f.Rule, f.Severity = "tested", hedge.Warn
		default:
			continue
		}
		out = append(out, f)
	}
	return out
}

// LifecycleFinding says whether f is one of deepITMFindings' (shown with the deep-ITM
// decisions, so the roll-or-close step leaves it out).
func LifecycleFinding(f hedge.Finding) bool {
	return f.Rule == "deep ITM" || f.Rule == "tested" || f.Rule == "lifecycle"
}

// RollOrCloseFindings are the run's position findings other than the lifecycle's: days to
// expiry, at the money near expiry, gamma, the spiral.
func RollOrCloseFindings(fs []hedge.Finding) []hedge.Finding {
	var out []hedge.Finding
	for _, f := range fs {
		if !LifecycleFinding(f) {
			out = append(out, f)
		}
	}
	return out
}

// DeepITMWords is one lifecycle decision in a line, with the numbers behind it: delta,
// extrinsic value left, the liquidity verdict, what the best roll collects. No P&L.
func DeepITMWords(a lifecycle.Assessment) string {
	if a.Problem != "" {
		return fmt.Sprintf("%s: not assessed — %s", a.ID, a.Problem)
	}
	n := a.Numbers
	parts := []string{
		"delta " + format.Num(n["delta"], 2),
		fmt.Sprintf("extrinsic left %s (%s a unit)", format.USD(n["extrinsic_dollars"], 0), format.Num(n["extrinsic"], 2)),
		"liquidity " + a.Liquidity.Verdict.String(),
	}
	if c, ok := n["roll_credit"]; ok {
		parts = append(parts, "best roll collects "+format.USD(c, 0)+" at natural")
	} else if a.Stage == lifecycle.DeepITM {
		parts = append(parts, "no roll that collects a credit")
	}
	return fmt.Sprintf("%s — %s: %s. %s", a.ID, a.Action, strings.Join(parts, ", "), a.Reason)
}
