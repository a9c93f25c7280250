package desk

import (
	"math"
	"strings"
	"testing"
)

func TestHedgePolicyValidate(t *testing.T) {
	ok := HedgePolicy{Scope: "SPY options", Policy: "fixed band", Param: 17.5, StartBand: 17.5}
	tests := []struct {
		name string
		edit func(*HedgePolicy)
		want string // in the error; "" for none
	}{
		{"a fixed band", func(*HedgePolicy) {}, ""},
		{"time-based has no band", func(p *HedgePolicy) { p.Policy, p.Param, p.StartBand = "time-based", 5, 0 }, ""},
		{"no scope", func(p *HedgePolicy) { p.Scope = " " }, "no layer or book"},
		{"no policy", func(p *HedgePolicy) { p.Policy = "" }, "no policy"},
		{"zero parameter", func(p *HedgePolicy) { p.Param = 0 }, "above 0"},
		{"NaN parameter", func(p *HedgePolicy) { p.Param = math.NaN() }, "above 0"},
		{"negative band", func(p *HedgePolicy) { p.StartBand = -1 }, "≥ 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := ok
			tc.edit(&p)
			err := p.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
