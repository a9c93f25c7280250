package desk

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lab"
	"github.com/keel-desk/keel/engine/portfolio"
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

// A policy kept from the lab maps to the engine policy the checklist runs, its fixed band
// converted from the lab's underlying units into benchmark units; one the once-a-day
// checklist cannot follow says why.
func TestHedgePolicyRule(t *testing.T) {
	base := HedgePolicy{Scope: "ES options", Param: 4, StepDays: 0.25}
	tests := []struct {
		family  lab.Family
		param   float64
		toBench float64
		want    hedge.Policy
		err     string
	}{
		{lab.FixedBand, 4, 10, hedge.FixedBand{Width: 40, Unit: hedge.BandShares}, ""},
		{lab.FixedBand, 4, 0, nil, "no valued option"},
		{lab.GammaScaled, 250, 1, hedge.GammaScaled{Budget: 250, Horizon: 0.25 / 365}, ""},
		{lab.WhalleyWilmott, 1e-4, 1, hedge.WhalleyWilmott{RiskAversion: 1e-4}, ""},
		{lab.CostBenefit, 1e-4, 1, hedge.CostBenefit{RiskAversion: 1e-4, Multiple: 2, Horizon: 0.25 / 365}, ""},
		{lab.TimeBased, 4, 1, hedge.TimeBased{Hour: 15, Minute: 45}, ""},          // every 4 × ¼ day: daily
		{lab.TimeBased, 8, 1, nil, "every 2 days; the checklist runs once a day"}, // every 2 days
		{"bespoke", 1, 1, nil, "not a policy"},
	}
	for _, tc := range tests {
		t.Run(string(tc.family), func(t *testing.T) {
			p := base
			p.Policy, p.Param = string(tc.family), tc.param
			got, err := p.Rule(tc.toBench, 15, 45)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("%+v, error %v, want one saying %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("%#v %v, want %#v", got, err, tc.want)
			}
		})
	}
}

// An ES option's underlying unit is worth 10 SPY shares at ES 6,000 and SPY 600 (beta 1);
// a layer on two underlyings has no one conversion.
func TestToBenchmarkUnits(t *testing.T) {
	es := instrument.Instrument{Kind: instrument.FuturesOption, Root: "ES"}
	b := &portfolio.Book{Benchmark: portfolio.Benchmark{Symbol: "SPY", Price: 600, UnitValue: 600, Beta: 1}}
	b.Positions = []portfolio.PositionRisk{
		{Position: portfolio.Position{Instrument: es}, Underlying: "ESZ6", UnderlyingPrice: 6000, Beta: 1},
		{Position: portfolio.Position{Instrument: instrument.Instrument{Kind: instrument.Future, Root: "ES"}}, Underlying: "ESZ6", UnderlyingPrice: 6000, Beta: 1},
		{Position: portfolio.Position{Instrument: instrument.Instrument{Kind: instrument.Option, Root: "QQQ"}}, Underlying: "QQQ", UnderlyingPrice: 500, Beta: 1.2},
	}
	if f, err := ToBenchmarkUnits(b, []int{0, 1}); err != nil || math.Abs(f-10) > 1e-12 {
		t.Fatalf("ES: %v %v, want 10", f, err)
	}
	if f, err := ToBenchmarkUnits(b, []int{2}); err != nil || math.Abs(f-1.0) > 1e-12 {
		t.Fatalf("QQQ at beta 1.2: %v %v, want 500 × 1.2 ÷ 600 = 1", f, err)
	}
	if _, err := ToBenchmarkUnits(b, []int{0, 2}); err == nil || !strings.Contains(err.Error(), "one underlying") {
		t.Fatalf("ES and QQQ: %v, want a refusal", err)
	}
	if _, err := ToBenchmarkUnits(b, []int{1}); err == nil {
		t.Fatal("a future alone has no option to convert by")
	}
}

// "Use this policy" in the lab changes what the checklist does: the SPY options layer is
// hedged by the lab's ±3-share band instead of ±5% of net liquidation (about ±19 shares),
// the book by the lab's Whalley–Wilmott band, the layer editor shows the lab's band, and a
// time-based policy the once-a-day checklist cannot follow leaves the settings' band with a
// note that says why, as does one kept for a biased layer.
func TestChecklistHedgesByTheLabsPolicy(t *testing.T) {
	r := layeredRig(t)
	ctx := context.Background()
	step := func(res ChecklistResult, scope string) hedge.HedgeStep {
		t.Helper()
		for _, h := range res.Run.Hedges {
			if h.Layer == scope {
				return h
			}
		}
		t.Fatalf("no %s step in %+v", scope, res.Run.Hedges)
		return hedge.HedgeStep{}
	}
	notes := func(res ChecklistResult) string { return strings.Join(res.Notes, "\n") }
	res, err := r.desk.RunChecklist(ctx, ChecklistConfig{})
	if err != nil {
		t.Fatal(err)
	}
	before := step(res, "SPY options").Decision
	if before.Policy != "fixed band" || before.Band.Hi < 10 {
		t.Fatalf("the settings' band: %+v, want ±5%% of net liquidation (well over 10 shares)", before)
	}

	keep := func(p HedgePolicy) {
		t.Helper()
		if err := r.desk.SaveHedgePolicy(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	keep(HedgePolicy{Scope: "SPY options", Policy: string(lab.FixedBand), Param: 3, Label: "±3 units", StartBand: 3, MeasuredOn: "Layer SPY options", StepDays: 0.25})
	keep(HedgePolicy{Scope: BookScope, Policy: string(lab.WhalleyWilmott), Param: 1e-4, Label: "γ 0.0001/$", MeasuredOn: "Book", StepDays: 0.25})
	keep(HedgePolicy{Scope: "VXX", Policy: string(lab.FixedBand), Param: 2, Label: "±2 units", StartBand: 2, MeasuredOn: "Layer VXX", StepDays: 0.25})
	res, err = r.desk.RunChecklist(ctx, ChecklistConfig{})
	if err != nil {
		t.Fatal(err)
	}
	spy := step(res, "SPY options").Decision
	// SPY options on the SPY benchmark: one underlying unit is one benchmark share.
	if spy.Policy != "fixed band" || math.Abs(spy.Band.Hi-spy.Target-3) > 1e-6 || math.Abs(spy.Target-spy.Band.Lo-3) > 1e-6 {
		t.Errorf("SPY options by the lab: %+v, want the ±3-share band", spy)
	}
	if !strings.HasPrefix(spy.Reason, "the lab's fixed band ±3 units, chosen in the lab on Layer SPY options: ") {
		t.Errorf("reason %q, want it to name the lab's policy", spy.Reason)
	}
	if book := step(res, "book").Decision; book.Policy != "Whalley–Wilmott band" {
		t.Errorf("book by the lab: %+v, want the Whalley–Wilmott band", book)
	}
	if n := notes(res); !strings.Contains(n, "SPY options is hedged by the lab's fixed band") || !strings.Contains(n, "book is hedged by the lab's Whalley–Wilmott band") {
		t.Errorf("notes %q, want both scopes named", n)
	}
	if n := notes(res); !strings.Contains(n, "VXX is short-biased") || !strings.Contains(n, "(the lab's fixed band ±2 units kept for it is not used)") {
		t.Errorf("notes %q, want the short-biased VXX layer's kept policy said unused", n)
	}
	layers, err := r.journal.Layers(ctx, r.desk.Book())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		if l.Name != "SPY options" {
			continue
		}
		b, err := r.desk.LayerBand(ctx, l, ChecklistConfig{})
		if err != nil || b.Lab != "the lab's fixed band ±3 units" || math.Abs(b.Half-3) > 1e-6 || b.Percent != 0 {
			t.Errorf("the layer editor's band: %+v %v, want the lab's ±3 shares", b, err)
		}
	}

	keep(HedgePolicy{Scope: "SPY options", Policy: string(lab.TimeBased), Param: 8, Label: "every 8 steps", MeasuredOn: "Layer SPY options", StepDays: 0.25})
	res, err = r.desk.RunChecklist(ctx, ChecklistConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if got := step(res, "SPY options").Decision; got.Policy != "fixed band" || math.Abs(got.Band.Hi-before.Band.Hi) > 0.05*before.Band.Hi {
		t.Errorf("every 2 days: %+v, want the settings' band (about ±%.1f)", got, before.Band.Hi)
	}
	if n := notes(res); !strings.Contains(n, "the lab's time-based every 8 steps kept for SPY options is not applied") {
		t.Errorf("notes %q, want the reason the time-based policy is not applied", n)
	}
}
