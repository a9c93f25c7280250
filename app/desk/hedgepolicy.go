package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"strings"

	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/lab"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/format"
)

// HedgePolicySettingsKey is the journal setting the hedging policies chosen in the lab
// are kept under, as JSON: a map from scope (a layer's name, or BookScope) to the policy.
const HedgePolicySettingsKey = "hedge_policy.v1"

// BookScope is the scope of a policy chosen for the whole book.
const BookScope = "book"

// HedgePolicy is a rebalancing policy the trader chose in the lab for a layer or the book:
// the lab's family ("fixed band", "time-based" …), its parameter in the family's unit,
// the delta band it starts with (underlying units: shares, or index units for ES) and
// what it was measured on, in words. StepDays is one step of the lab's time grid in days:
// the horizon of the gamma-scaled and cost–benefit bands, and what a time-based policy's
// parameter counts (0 in a policy kept before it was recorded: one calendar day).
//
// The daily checklist hedges a neutral layer (or the book) whose scope has a policy with
// it instead of the settings' band (Rule), and so does the armed book hedge.
type HedgePolicy struct {
	Scope      string  `json:"scope"`
	Policy     string  `json:"policy"`
	Param      float64 `json:"param"`
	ParamUnit  string  `json:"param_unit"`
	Label      string  `json:"label"`
	StartBand  float64 `json:"start_band"`
	MeasuredOn string  `json:"measured_on"`
	StepDays   float64 `json:"step_days,omitempty"`
}

// Validate names the first field no policy can be kept with.
func (p HedgePolicy) Validate() error {
	switch {
	case strings.TrimSpace(p.Scope) == "":
		return fmt.Errorf("hedge policy: no layer or book named")
	case strings.TrimSpace(p.Policy) == "":
		return fmt.Errorf("hedge policy for %s: no policy named", p.Scope)
	case math.IsNaN(p.Param) || math.IsInf(p.Param, 0) || p.Param <= 0:
		return fmt.Errorf("hedge policy for %s: parameter %v must be a number above 0", p.Scope, p.Param)
	case math.IsNaN(p.StartBand) || math.IsInf(p.StartBand, 0) || p.StartBand < 0:
		return fmt.Errorf("hedge policy for %s: band %v must be a number ≥ 0", p.Scope, p.StartBand)
	}
	return nil
}

// HedgePolicies are the policies chosen for layers and the book, by scope (empty when none
// was chosen): read from the journal once, then kept as SaveHedgePolicy changes them. The
// map is the caller's.
func (s *Service) HedgePolicies(ctx context.Context) (map[string]HedgePolicy, error) {
	if p := s.hedgePolicies.Load(); p != nil {
		return maps.Clone(*p), nil
	}
	j, err := s.journal()
	if err != nil {
		return nil, err
	}
	out := map[string]HedgePolicy{}
	v, ok, err := j.Setting(ctx, HedgePolicySettingsKey)
	if err != nil {
		return out, err
	}
	if ok {
		if err := json.Unmarshal([]byte(v), &out); err != nil {
			return map[string]HedgePolicy{}, fmt.Errorf("setting %s: %w", HedgePolicySettingsKey, err)
		}
	}
	s.hedgePolicies.Store(&out)
	return maps.Clone(out), nil
}

// SaveHedgePolicy keeps p as the policy of its scope, replacing the one chosen before.
func (s *Service) SaveHedgePolicy(ctx context.Context, p HedgePolicy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	j, err := s.journal()
	if err != nil {
		return err
	}
	s.policyMu.Lock()
	defer s.policyMu.Unlock()
	all, err := s.HedgePolicies(ctx)
	if err != nil {
		return err
	}
	all[p.Scope] = p
	b, err := json.Marshal(all)
	if err != nil {
		return err
	}
	if err := j.SetSetting(ctx, HedgePolicySettingsKey, string(b)); err != nil {
		return err
	}
	s.hedgePolicies.Store(&all)
	return nil
}

// Words name the policy as the checklist says it: "the lab's fixed band ±12 units".
func (p HedgePolicy) Words() string {
	return strings.TrimSpace("the lab's " + p.Policy + " " + p.Label)
}

// Rule is the engine policy p stands for in the checklist, whose deltas are in benchmark
// units (SPY shares, beta-weighted). toBench is one unit of the lab subject's underlying in
// benchmark units (its beta × price ÷ the benchmark unit's value, ToBenchmarkUnits): only
// the fixed band, set in underlying units, needs it — the other bands are set in dollars
// and scale themselves. The checklist runs once a day at hour:minute, so a time-based
// policy applies only when the lab hedged at least once a day: it then trades back to the
// target at every run. An error says why p cannot be applied (the settings' band then is).
func (p HedgePolicy) Rule(toBench float64, hour, minute int) (hedge.Policy, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	step := p.StepDays
	if !(step > 0) || math.IsInf(step, 0) {
		step = 1
	}
	horizon := step / 365 // the lab's grid is in ACT/365 days, as pricing's Years
	switch lab.Family(p.Policy) {
	case lab.FixedBand:
		if !(toBench > 0) || math.IsInf(toBench, 0) {
			return nil, fmt.Errorf("%s: %s holds no valued option to convert its band into benchmark units", p.Words(), p.Scope)
		}
		return hedge.FixedBand{Width: p.Param * toBench, Unit: hedge.BandShares}, nil
	case lab.GammaScaled:
		return hedge.GammaScaled{Budget: p.Param, Horizon: horizon}, nil
	case lab.WhalleyWilmott:
		return hedge.WhalleyWilmott{RiskAversion: p.Param}, nil
	case lab.CostBenefit:
		return hedge.CostBenefit{RiskAversion: p.Param, Multiple: 2, Horizon: horizon}, nil
	case lab.TimeBased:
		if days := p.Param * step; days > 1+1e-9 {
			return nil, fmt.Errorf("%s hedges every %s days; the checklist runs once a day and does not count the days between hedges",
				p.Words(), format.Num(days, -1))
		}
		return hedge.TimeBased{Hour: hour, Minute: minute}, nil
	}
	return nil, fmt.Errorf("%s: not a policy this Keel knows", p.Words())
}

// ToBenchmarkUnits is what one unit of the underlying of the valued options among idx (the
// book's positions) is worth in benchmark units: beta × price ÷ the benchmark unit's value.
// It fails when they are on more than one underlying (the lab hedges one at a time) or
// none is valued.
func ToBenchmarkUnits(b *portfolio.Book, idx []int) (float64, error) {
	f, under := 0.0, ""
	for _, i := range idx {
		p := &b.Positions[i]
		if p.Err != nil || !p.Instrument.IsOption() || !(p.UnderlyingPrice > 0) {
			continue
		}
		if under != "" && p.Underlying != under {
			return 0, fmt.Errorf("options on %s and %s: the lab's policy is for one underlying", under, p.Underlying)
		}
		under, f = p.Underlying, p.UnderlyingPrice*p.Beta/b.Benchmark.UnitValue
	}
	if under == "" || !(f > 0) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("no valued option")
	}
	return f, nil
}
