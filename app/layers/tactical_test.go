package layers

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/internal/testkit"
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
