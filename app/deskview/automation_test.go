package deskview

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/automation"
	"github.com/keel-desk/keel/engine/autopilot"
)

func automatedOrders(t *testing.T, dt *testkit.Desk) int {
	t.Helper()
	all, err := dt.Desk.Orders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range all {
		if strings.HasPrefix(o.Order.Note, "automation: ") {
			n++
		}
	}
	return n
}

// TestDeskArmAndKillSwitch arms the MES layer's tactical cycles from the desk window, lets
// them trade on the paper market, then presses the kill switch's shortcut: nothing is
// armed and no automated order is placed after it.
func TestDeskArmAndKillSwitch(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	dt.Quoted(t)
	const layer = "MES futures"
	var w fyne.Window
	env := deskEnv(dt)
	testkit.Locked(func() { w = test.NewTempWindow(t, nil) })
	env.Window = w
	v := NewDeskView(env)
	v.OnUI(func() { w.SetContent(v.Content()); w.Resize(deskWindowSize) })
	t.Cleanup(func() { stopDesk(v) })

	p, ok := dt.Desk.Automation().Params[layer]
	if !ok {
		t.Fatalf("no tactical parameters for %s", layer)
	}
	p.StepPercent, p.StepPoints, p.ExitPercent, p.ExitPoints = 0, 0.25, 0, 0.25 // one tick: the noise trades it
	if err := dt.Desk.SetTacticalParams(layer, p); err != nil {
		t.Fatal(err)
	}
	var killText string
	dt.Until(t, "the layer to arm", func() bool {
		var c bool
		v.OnUI(func() { c = slices.Contains(v.auto.layer.Options, layer); killText = v.auto.kill.Text })
		return c
	})
	if !strings.Contains(killText, "KILL SWITCH") {
		t.Fatalf("kill switch button says %q", killText)
	}
	v.OnUI(func() {
		v.auto.layer.SetSelected(layer)
		for _, k := range automation.Kinds() {
			if c := v.auto.checks[k]; c.Disabled() || c.Checked {
				t.Errorf("%s: the %s check is disabled or checked before arming", layer, k)
			}
		}
		v.auto.checks[automation.Tactical].SetChecked(true) // as a click does
	})
	v.Wait()
	dt.Until(t, "the layer armed", func() bool {
		var s string
		v.OnUI(func() { s = v.auto.status.Text })
		if strings.HasPrefix(s, "Not armed") {
			t.Fatal(s)
		}
		return strings.Contains(s, "ARMED: "+layer+" (tactical)")
	})
	deadline := time.Now().Add(60 * time.Second)
	for automatedOrders(t, dt) < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("no automated order: %+v", dt.Desk.Automation().Last)
		}
		if err := dt.Paper.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
		_ = dt.Desk.AutomationStep(context.Background())
	}
	dt.Until(t, "the last action on the desk", func() bool {
		var s string
		v.OnUI(func() { s = v.auto.last.Text })
		return strings.Contains(s, "MES") && strings.Contains(s, "tactical")
	})

	v.OnUI(func() { w.Canvas().(fyne.Shortcutable).TypedShortcut(KillShortcut) })
	testkit.WaitFor(t, "the kill switch", func() bool { return dt.Desk.Automation().Disarmed == "kill switch" })
	n := automatedOrders(t, dt)
	if dt.Desk.IsArmed(layer, automation.Tactical) {
		t.Fatal("armed after the kill switch")
	}
	for range 90 {
		if err := dt.Paper.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		_ = dt.Desk.AutomationStep(context.Background())
	}
	time.Sleep(1100 * time.Millisecond) // one more of the desk's own runs
	if m := automatedOrders(t, dt); m != n {
		t.Fatalf("%d automated orders after the kill switch", m-n)
	}
	dt.Until(t, "the desk says why", func() bool {
		var s string
		v.OnUI(func() { s = v.auto.status.Text })
		return strings.Contains(s, "disarmed: kill switch")
	})
}

// TestDeskStagedOrderToTicket: an order the rules would send if its layer were armed (here a
// re-entry of one ESH7 put) is offered on the desk; the button opens the ticket on it.
func TestDeskStagedOrderToTicket(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	dt.Quoted(t)
	env := deskEnv(dt)
	var opened []any
	env.Open = func(name string, arg any) {
		if name == "ticket" {
			opened = append(opened, arg)
		}
	}
	v := NewDeskView(env)
	t.Cleanup(func() { stopDesk(v) })
	av := dt.Desk.Automation()
	av.Staged = map[string][]desk.AutoAction{"ES options": {{Layer: "ES options", Kind: automation.ReEntry,
		Rule: "re-enter: sell 1 ESH7 P6420", Order: "sell 1 ESH7 P6420 2026-12-31",
		Legs: []autopilot.Leg{{Symbol: "ESH7 P6420 2026-12-31", Side: "sell", Quantity: 1}}}}}
	var text string
	var visible bool
	v.OnUI(func() {
		v.auto.apply(av)
		text, visible = v.auto.stage.Text, v.auto.stage.Visible()
		test.Tap(v.auto.stage)
	})
	if !visible || text != "Ticket ← staged re-entry: sell 1 ESH7 P6420 2026-12-31" {
		t.Fatalf("the staged button: %q visible %v", text, visible)
	}
	testkit.WaitFor(t, "the ticket", func() bool { var n int; v.OnUI(func() { n = len(opened) }); return n == 1 })
	var o *brokers.Order
	v.OnUI(func() { o, _ = opened[0].(*brokers.Order) })
	if o == nil || len(o.Legs) != 1 || o.Legs[0].Symbol != "ESH7 P6420 2026-12-31" || o.Legs[0].Ratio != -1 || o.Quantity != 1 {
		t.Fatalf("the ticket opened on %+v", o)
	}
	v.OnUI(func() {
		av.Staged = nil
		v.auto.apply(av)
		visible = v.auto.stage.Visible()
	})
	if visible {
		t.Error("the staged button stays with nothing staged")
	}
}
