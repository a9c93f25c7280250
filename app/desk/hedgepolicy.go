package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// HedgePolicySettingsKey is the journal setting the hedging policies chosen in the lab
// are kept under, as JSON: a map from scope (a layer's name, or BookScope) to the policy.
const HedgePolicySettingsKey = "hedge_policy.v1"

// BookScope is the scope of a policy chosen for the whole book.
const BookScope = "book"

// HedgePolicy is a rebalancing policy the trader chose in the lab for a layer or the book:
// the lab's family ("fixed band", "time-based" …), its parameter in the family's unit,
// the delta band it starts with (underlying units: shares, or index units for ES) and
// what it was measured on, in words.
type HedgePolicy struct {
	Scope      string  `json:"scope"`
	Policy     string  `json:"policy"`
	Param      float64 `json:"param"`
	ParamUnit  string  `json:"param_unit"`
	Label      string  `json:"label"`
	StartBand  float64 `json:"start_band"`
	MeasuredOn string  `json:"measured_on"`
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
// was chosen).
func (s *Service) HedgePolicies(ctx context.Context) (map[string]HedgePolicy, error) {
	j, err := s.journal()
	if err != nil {
		return nil, err
	}
	out := map[string]HedgePolicy{}
	v, ok, err := j.Setting(ctx, HedgePolicySettingsKey)
	if err != nil || !ok {
		return out, err
	}
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return map[string]HedgePolicy{}, fmt.Errorf("setting %s: %w", HedgePolicySettingsKey, err)
	}
	return out, nil
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
	return j.SetSetting(ctx, HedgePolicySettingsKey, string(b))
}
