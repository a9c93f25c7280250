package lifecycle

import (
	"testing"

	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/roll"
)

// TestAssessBook assesses a valued book: the deep-ITM put (illiquid) is let be assigned, the
// far call held, the long put skipped, and the put with no quote reported, not dropped.
func TestAssessBook(t *testing.T) {
	put := mustParse(t, "ESH7 P6000 2026-12-31")
	call := mustParse(t, "ESH7 C6600 2026-12-31")
	other := mustParse(t, "ESH7 P5000 2026-12-31")
	ps := []portfolio.Position{
		{ID: "put", Instrument: put, Quantity: -2, Layer: "ES strangle"},
		{ID: "call", Instrument: call, Quantity: -2, Layer: "ES strangle"},
		{ID: "long", Instrument: put, Quantity: 1, Layer: "ES strangle"},
		{ID: "noquote", Instrument: other, Quantity: -1, Layer: "ES strangle"},
	}
	m := portfolio.Market{Now: now, Rate: 0.04, Underlyings: map[string]float64{"ESH7": 5300, "SPY": 530},
		Quotes: map[string]portfolio.Quote{"put": {Price: 702}, "call": {Price: 0.5}, "long": {Price: 702}, "noquote": {Price: 1}}}
	book, err := portfolio.Revalue(ps, m, portfolio.Config{Layers: []portfolio.Layer{{Name: "ES strangle", Bias: portfolio.Short}}})
	if err != nil {
		t.Fatal(err)
	}
	in := BookInput{Quotes: map[string]liquidity.Quote{
		put.Symbol():  quote(put, 5300, 701, 703, false),
		call.Symbol(): quote(call, 5300, 0.45, 0.55, true),
	}, Plans: []roll.Plan{{Position: roll.Holding{ID: "call"}, Candidates: []roll.Candidate{{Shape: roll.CloseOnly, NetNatural: -110}}}}}
	as, err := AssessBook(book, in, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 3 {
		t.Fatalf("%d assessments, want 3 (the long put is not short)", len(as))
	}
	byID := map[string]Assessment{}
	for _, a := range as {
		byID[a.ID] = a
	}
	if a := byID["put"]; a.Stage != DeepITM || a.Action != LetAssign || a.Layer != "ES strangle" || a.Problem != "" {
		t.Fatalf("put %+v", a)
	}
	if a := byID["call"]; a.Stage != Options || a.Action != Hold {
		t.Fatalf("call %+v", a)
	}
	if _, ok := byID["call"].Numbers["roll_credit"]; ok {
		t.Fatal("a close-only candidate counted as the best roll")
	}
	if a := byID["noquote"]; a.Problem != "no quote" || a.Stage != "" {
		t.Fatalf("noquote %+v", a)
	}
}

func TestLayerStage(t *testing.T) {
	cases := []struct {
		stages []Stage
		want   Stage
	}{
		{nil, Options},
		{[]Stage{Options, Tested}, Tested},
		{[]Stage{Tested, Future, DeepITM}, Future},
		{[]Stage{AwaitingAssignment, Shares}, Shares},
		{[]Stage{ReEnter, Future}, ReEnter},
	}
	for _, tc := range cases {
		var tracks []Track
		for i, s := range tc.stages {
			tracks = append(tracks, Track{ID: string(rune('a' + i)), Stage: s})
		}
		if got, _ := LayerStage(tracks); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.stages, got, tc.want)
		}
	}
}
