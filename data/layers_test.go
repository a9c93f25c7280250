package data

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/portfolio"
)

func TestLayersSaveRenameAssignAndDelete(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	book := Book("paper", "paper")
	es := portfolio.Layer{Name: "ES options", Bias: portfolio.Short, Underlyings: []string{"ESZ6"}, HedgeInstrument: "MESZ6",
		Limits: portfolio.LayerLimits{MaxContractsPerLeg: 4, MaxContractsPerLayer: 10, MaxDelta: 150}, Notes: "strangles"}
	mes := portfolio.Layer{Name: "MES futures", Bias: portfolio.Long}
	for _, l := range []portfolio.Layer{es, mes} {
		if err := j.SaveLayer(ctx, book, "", l); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.SaveLayer(ctx, book, "", portfolio.Layer{Name: "MES futures"}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate name: %v", err)
	}
	if err := j.SaveLayer(ctx, book, "", portfolio.Layer{Name: "unassigned"}); err == nil {
		t.Fatal("the reserved name was accepted")
	}
	if err := j.SaveLayer(ctx, book, "", portfolio.Layer{Name: "x", Limits: portfolio.LayerLimits{MaxDelta: -1}}); err == nil {
		t.Fatal("a negative limit was accepted")
	}
	got, err := j.Layers(ctx, book)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []portfolio.Layer{es, {Name: "MES futures", Bias: portfolio.Long}}) {
		t.Fatalf("layers %+v", got)
	}
	if err := j.AssignLayer(ctx, book, []string{"ESZ6 P5800 2026-12-18 AM", "ESZ6 C6400 2026-12-18 AM"}, "ES options"); err != nil {
		t.Fatal(err)
	}
	if err := j.AssignLayer(ctx, book, []string{"MESZ6"}, "MES futures"); err != nil {
		t.Fatal(err)
	}
	// A rename keeps the positions.
	es2 := es
	es2.Name = "ES strangles"
	if err := j.SaveLayer(ctx, book, "ES options", es2); err != nil {
		t.Fatal(err)
	}
	pl, _ := j.PositionLayers(ctx, book)
	if pl["ESZ6 P5800 2026-12-18 AM"] != "ES strangles" || pl["MESZ6"] != "MES futures" {
		t.Fatalf("after rename %v", pl)
	}
	// Deleting moves the positions where asked, or leaves them unassigned.
	if err := j.DeleteLayer(ctx, book, "MES futures", "ES strangles"); err != nil {
		t.Fatal(err)
	}
	pl, _ = j.PositionLayers(ctx, book)
	if pl["MESZ6"] != "ES strangles" {
		t.Fatalf("after delete with move %v", pl)
	}
	if err := j.DeleteLayer(ctx, book, "ES strangles", ""); err != nil {
		t.Fatal(err)
	}
	if pl, _ = j.PositionLayers(ctx, book); len(pl) != 0 {
		t.Fatalf("after delete %v, want all unassigned", pl)
	}
	if err := j.AssignLayer(ctx, book, []string{"SPY"}, "nope"); err == nil {
		t.Fatal("assigned to a missing layer")
	}
	// Another book is separate.
	if got, _ := j.Layers(ctx, Book("tastytrade", "5WX01")); len(got) != 0 {
		t.Fatalf("other book sees %v", got)
	}
}

func TestGreekHistoryAndSettings(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	pts := []GreekPoint{
		{Time: t0, BetaDelta: 12, BetaDollar: 7900, Gamma: -410, Theta: 95, Vega: -380},
		{Time: t0.Add(time.Minute), BetaDelta: 15, BetaDollar: 9900, Gamma: -420, Theta: 96, Vega: -381},
		{Time: t0, Scope: "ES options", BetaDelta: -30},
	}
	if err := j.RecordGreekHistory(ctx, "paper/paper", pts); err != nil {
		t.Fatal(err)
	}
	if first, ok, err := j.FirstGreekSample(ctx, "paper/paper"); !ok || err != nil || !first.Equal(t0) {
		t.Fatalf("first sample %v %v %v, want %v", first, ok, err, t0)
	}
	if _, ok, err := j.FirstGreekSample(ctx, "other/book"); ok || err != nil {
		t.Fatalf("a book without samples: %v %v", ok, err)
	}
	got, err := j.GreekHistory(ctx, "paper/paper", "", t0.Add(30*time.Second))
	if err != nil || len(got) != 1 || got[0].BetaDelta != 15 || !got[0].Time.Equal(t0.Add(time.Minute)) {
		t.Fatalf("history %+v %v", got, err)
	}
	if _, ok, _ := j.Setting(ctx, "benchmark"); ok {
		t.Fatal("unset setting reported as set")
	}
	if err := j.SetSetting(ctx, "benchmark", "SPY"); err != nil {
		t.Fatal(err)
	}
	if err := j.SetSetting(ctx, "benchmark", "ESZ6"); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := j.Setting(ctx, "benchmark"); v != "ESZ6" || !ok || err != nil {
		t.Fatalf("setting %q %v %v", v, ok, err)
	}
}
