package desk

import (
	"testing"
	"time"

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

// A gathering of the chains is due ChainsEvery of market time after the last, but never
// sooner than ChainsWallFloor of wall time: at 600× the market's 5 minutes pass in half a
// wall second, and each gathering prices every option in the roll window.
func TestChainsDue(t *testing.T) {
	var x autoExtra
	market := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	wall := time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC)
	if !x.due(market, wall) {
		t.Fatal("the first gathering is not due")
	}
	for _, tc := range []struct {
		name         string
		market, wall time.Duration // after the last gathering
		want         bool
	}{
		{"a market minute later", time.Minute, 10 * time.Second, false},
		{"5 market minutes in half a wall second (600×)", ChainsEvery, 500 * time.Millisecond, false},
		{"5 market minutes and 2 wall seconds", ChainsEvery, ChainsWallFloor, true},
		{"the market clock set back", -time.Hour, ChainsWallFloor, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := autoExtra{chainsAt: market, wallAt: wall}
			if got := y.due(market.Add(tc.market), wall.Add(tc.wall)); got != tc.want {
				t.Errorf("due %v, want %v", got, tc.want)
			}
		})
	}
	y := autoExtra{}
	y.gathering.Store(true)
	if y.due(market, wall) {
		t.Error("due while a gathering runs")
	}
}
