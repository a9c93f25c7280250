package layers

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/engine/automation"
)

// The layers window shows a biased layer's tactical parameters — tactical.Defaults for a
// long MES layer: MES, 0.5% step, 0.25% exit, 1 per step, 3 steps, 50% cap — and saves the
// trader's edits to the desk's rules.
func TestLayerEditorTacticalParameters(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	v, _ := openLayerEditor(t, dt)
	const layer = "MES futures"
	dt.Until(t, "tactical parameters of "+layer, func() bool {
		_, ok := dt.Desk.Automation().Params[layer]
		return ok
	})
	v.OnUI(func() { v.selectInList(layer) })
	v.Wait()
	tb := v.tac
	var got []string
	v.OnUI(func() {
		got = []string{tb.step.Text, tb.exit.Text, tb.unit.Selected, tb.size.Text, tb.steps.Text, tb.capPct.Text, tb.title.Text}
	})
	want := []string{"0.5", "0.25", unitPercent, "1", "3", "50"}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("field %d shows %q, want %q (tactical.Defaults)", i, got[i], w)
		}
	}
	if !strings.Contains(got[6], "MES") || !strings.Contains(got[6], "not armed") {
		t.Errorf("title %q", got[6])
	}
	t.Run("save", func(t *testing.T) {
		v.OnUI(func() {
			tb.unit.SetSelected(unitPoints)
			tb.step.SetText("2")
			tb.exit.SetText("1")
			tb.steps.SetText("2")
			test.Tap(tb.save)
		})
		p := dt.Desk.Automation().Params[layer]
		if p.StepPoints != 2 || p.ExitPoints != 1 || p.StepPercent != 0 || p.MaxSteps != 2 {
			t.Fatalf("desk trades with %+v", p)
		}
	})
	t.Run("a cap above 100% is refused", func(t *testing.T) {
		var note string
		v.OnUI(func() {
			tb.capPct.SetText("150")
			test.Tap(tb.save)
			note = tb.note.Text
		})
		if !strings.Contains(note, "flip") {
			t.Fatalf("note %q", note)
		}
		if p := dt.Desk.Automation().Params[layer]; p.MaxFraction != 0.5 {
			t.Fatalf("cap %g saved", p.MaxFraction)
		}
	})
}

// TestLayerEditorTacticalScreenshot trades the MES layer's tactical cycles on the paper
// market (a 1-point step and exit, the trader's edit) until a cycle has closed, then shows
// the layer's tactical tab: docs/screenshots/layers-tactical.png with KEEL_SHOTS=1.
func TestLayerEditorTacticalScreenshot(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	v, _ := openLayerEditor(t, dt)
	const layer = "MES futures"
	dt.Until(t, "tactical parameters", func() bool { _, ok := dt.Desk.Automation().Params[layer]; return ok })
	p := dt.Desk.Automation().Params[layer]
	p.StepPercent, p.StepPoints, p.ExitPercent, p.ExitPoints = 0, 1, 0, 1
	if err := dt.Desk.SetTacticalParams(layer, p); err != nil {
		t.Fatal(err)
	}
	if err := dt.Desk.ArmAutomation(layer, automation.Tactical, false); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for dt.Desk.Automation().Tactical[layer].Stats.Cycles < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("no tactical cycle closed: %+v", dt.Desk.Automation().Last)
		}
		if err := dt.Paper.Advance(5 * time.Second); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
		if err := dt.Desk.AutomationStep(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	v.OnUI(func() {
		v.selectInList(layer)
		v.tabs.SelectIndex(1)
	})
	v.Wait()
	var stats string
	v.OnUI(func() { stats = v.tac.stats.Text })
	if !strings.Contains(stats, "cycles ") || !strings.Contains(stats, "hit rate") {
		t.Fatalf("stats %q", stats)
	}
	if os.Getenv("KEEL_SHOTS") != "" {
		v.OnUI(func() {
			testkit.Shot(t, container.NewStack(v.Content()), layerEditorSize, "../../docs/screenshots/layers-tactical.png")
		})
	}
}
