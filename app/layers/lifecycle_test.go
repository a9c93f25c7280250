package layers

import (
	"context"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/lifecycle"
)

// The Lifecycle tab shows each short option of the selected layer with its stage, why and
// what comes next, and the layer's own stage: a 6,900 ESZ6 put sold with ESZ6 near 6,615
// (seed 7) is deep in the money and illiquid, so the ES options layer is at deep ITM.
func TestLayerEditorLifecycle(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	v, _ := openLayerEditor(t, dt)
	dt.Quoted(t)
	ctx := context.Background()
	const layer, put = "ES options", "ESZ6 P6900 2026-11-20"
	in, err := dt.Desk.Lookup(ctx, put)
	if err != nil {
		t.Fatal(err)
	}
	o := brokers.Order{ClientID: desk.NewClientID(), Type: brokers.Market, TIF: brokers.Day, Quantity: 1,
		Legs: []brokers.Leg{{Symbol: put, Instrument: in, Ratio: -1}}}
	if _, err := dt.Desk.PlaceWithOverride(ctx, o, "test: a deep-ITM put for the lifecycle tab"); err != nil {
		t.Fatal(err)
	}
	if err := dt.Desk.MovePositions(ctx, []string{put}, layer); err != nil {
		t.Fatal(err)
	}
	dt.Until(t, "the put deep ITM in "+layer, func() bool {
		if err := dt.Desk.GatherChains(ctx); err != nil {
			t.Fatal(err)
		}
		if err := dt.Desk.AutomationStep(ctx); err != nil {
			t.Fatal(err)
		}
		r, ok := desk.LayerStages(dt.Desk.Automation().Lifecycle)[layer]
		return ok && r.Stage == lifecycle.DeepITM && r.Symbol == put
	})
	v.OnUI(func() { v.selectInList(layer) })
	var rows []desk.LifecycleRow
	var summary string
	dt.Until(t, "the Lifecycle tab", func() bool {
		v.Wait()
		v.OnUI(func() { rows, summary = v.life.rows, v.life.summary.Text })
		return strings.HasPrefix(summary, layer+" is at deep ITM")
	})
	found := false
	for i, r := range rows {
		if r.Layer != layer {
			t.Errorf("row of %s in %s's tab", r.Layer, layer)
		}
		if r.Symbol != put {
			continue
		}
		found = true
		if r.Stage != lifecycle.DeepITM || !strings.Contains(r.Reason, "deep ITM") || !strings.Contains(r.Next, "let it be assigned into ESZ6") {
			t.Errorf("the put's row: %+v", r)
		}
		var detail string
		v.OnUI(func() {
			v.life.table.Select(widgetCell(i))
			detail = v.life.detail.Text
		})
		if !strings.Contains(detail, "delta −") || !strings.Contains(detail, "extrinsic") {
			t.Errorf("the chosen row's detail: %q", detail)
		}
	}
	if !found || len(rows) != 3 {
		t.Fatalf("rows %+v, want the demo's strangle and the put", rows)
	}
	if os.Getenv("KEEL_SHOTS") != "" {
		content := v.Content()
		v.OnUI(func() {
			v.tabs.SelectIndex(2)
			testkit.Shot(t, container.NewStack(content), layerEditorSize, "/tmp/auto-layers-lifecycle.png")
		})
	}
}

func widgetCell(row int) widget.TableCellID { return widget.TableCellID{Row: row, Col: 0} }
