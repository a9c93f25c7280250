package desk

import (
	"testing"

	"github.com/keel-desk/keel/engine/automation"
	"github.com/keel-desk/keel/engine/lifecycle"
)

func TestLayerStages(t *testing.T) {
	rows := []LifecycleRow{
		{Layer: "ES options", Symbol: "ESH7 C6940", Stage: lifecycle.Options},
		{Layer: "ES options", Symbol: "ESZ6 P6900", Stage: lifecycle.Future},
		{Layer: "ES options", Symbol: "ESH7 P6230", Stage: lifecycle.Tested},
		{Layer: "SPY options", Symbol: "SPY C690", Stage: lifecycle.Tested},
		{Layer: "SPY options", Symbol: "SPY P632", Stage: lifecycle.Options},
		{Layer: "VXX", Symbol: "VXX C53", Stage: lifecycle.ReEnter},
	}
	got := LayerStages(rows)
	for _, tc := range []struct {
		layer  string
		stage  lifecycle.Stage
		symbol string
	}{
		{"ES options", lifecycle.Future, "ESZ6 P6900"}, // the furthest: future beats tested and options
		{"SPY options", lifecycle.Tested, "SPY C690"},
		{"VXX", lifecycle.ReEnter, "VXX C53"},
	} {
		t.Run(tc.layer, func(t *testing.T) {
			if r := got[tc.layer]; r.Stage != tc.stage || r.Symbol != tc.symbol {
				t.Fatalf("%s at %q (%s), want %q (%s)", tc.layer, r.Stage, r.Symbol, tc.stage, tc.symbol)
			}
		})
	}
	if len(got) != 3 {
		t.Fatalf("%d layers, want 3", len(got))
	}
}

func TestOnlyUnarmed(t *testing.T) {
	armed := automation.Block{Guardrail: automation.Armed, Why: "not armed"}
	spiral := automation.Block{Guardrail: automation.Spiral, Why: "the call side is tested"}
	for _, tc := range []struct {
		name string
		v    automation.Verdict
		want bool
	}{
		{"not armed alone: staged", automation.Verdict{Blocks: []automation.Block{armed}}, true},
		{"not armed and the spiral guard: blocked", automation.Verdict{Blocks: []automation.Block{armed, spiral}}, false},
		{"the spiral guard alone: blocked", automation.Verdict{Blocks: []automation.Block{spiral}}, false},
		{"allowed", automation.Verdict{Allowed: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := onlyUnarmed(tc.v); got != tc.want {
				t.Fatalf("onlyUnarmed = %v, want %v", got, tc.want)
			}
		})
	}
}
