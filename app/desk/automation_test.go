package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/automation"
)

const mesLayer = "MES futures" // the demo book's long-biased MES layer

// automated lists the broker's orders the desk's rules placed.
func automated(t *testing.T, k *testkit.Desk) []brokers.OrderStatus {
	t.Helper()
	all, err := k.Desk.Orders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []brokers.OrderStatus
	for _, o := range all {
		if strings.HasPrefix(o.Order.Note, "automation: ") {
			out = append(out, o)
		}
	}
	return out
}

// armTight arms the MES layer's tactical cycles with a one-tick step, so the simulated
// market's noise trades them within minutes.
func armTight(t *testing.T, k *testkit.Desk) {
	t.Helper()
	p, ok := k.Desk.Automation().Params[mesLayer]
	if !ok {
		t.Fatalf("no tactical parameters for %s: %v", mesLayer, k.Desk.Automation().Problems)
	}
	if !strings.HasPrefix(p.Symbol, "MES") || p.Multiplier != 5 {
		t.Fatalf("MES layer trades %s ×%g, want MES ×5 (tactical.Defaults)", p.Symbol, p.Multiplier)
	}
	p.StepPercent, p.StepPoints, p.ExitPercent, p.ExitPoints = 0, 0.25, 0, 0.25
	if err := k.Desk.SetTacticalParams(mesLayer, p); err != nil {
		t.Fatal(err)
	}
	if err := k.Desk.ArmAutomation(mesLayer, automation.Tactical, false); err != nil {
		t.Fatal(err)
	}
}

// step moves the market a second and runs the rules once.
func step(t *testing.T, k *testkit.Desk) {
	t.Helper()
	if err := k.Paper.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if err := k.Desk.AutomationStep(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func auditIDs(t *testing.T, k *testkit.Desk) map[string]string {
	t.Helper()
	log, err := k.Desk.AuditLog(context.Background(), time.Time{}, time.Now().AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range log {
		if e.Kind != string(automation.Tactical) || !strings.HasPrefix(e.Rule, "tactical") {
			t.Errorf("audit %s: kind %q rule %q", e.ClientOrderID, e.Kind, e.Rule)
		}
		out[e.ClientOrderID] = e.OrderID
	}
	return out
}

func TestArmedTacticalTradesAndKillStops(t *testing.T) {
	k := testkit.NewDesk(t, testkit.PaperStart)
	k.Quoted(t)
	if n := len(automated(t, k)); n != 0 {
		t.Fatalf("%d automated orders before arming", n)
	}
	// nothing armed: the rules place nothing
	for range 30 {
		step(t, k)
	}
	if n := len(automated(t, k)); n != 0 {
		t.Fatalf("%d automated orders while disarmed", n)
	}
	armTight(t, k)
	deadline := time.Now().Add(60 * time.Second)
	for len(automated(t, k)) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("armed tactical rules placed %d orders; last: %+v next: %v", len(automated(t, k)), k.Desk.Automation().Last, k.Desk.Automation().Next)
		}
		step(t, k)
	}
	t.Run("audited before sent", func(t *testing.T) {
		ids := auditIDs(t, k)
		for _, o := range automated(t, k) {
			oid, ok := ids[o.Order.ClientID]
			if !ok {
				t.Errorf("order %s (%s) is not in the audit log", o.ID, o.Order.ClientID)
			} else if oid != o.ID {
				t.Errorf("audit of %s records order %q, the broker %q", o.Order.ClientID, oid, o.ID)
			}
		}
	})
	t.Run("the desk shows what the rules did and will do", func(t *testing.T) {
		v := k.Desk.Automation()
		if len(v.Last) == 0 || v.Next[mesLayer] == "" {
			t.Fatalf("last %v next %v", v.Last, v.Next)
		}
		if !v.ArmedAny() {
			t.Fatal("nothing armed")
		}
	})
	if err := k.Desk.Kill(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := len(automated(t, k))
	for _, a := range k.Desk.Automation().Last {
		t.Logf("%s %s %s: %s", a.At.Format("15:04:05"), a.Order, a.Rule, a.Outcome)
	}
	v := k.Desk.Automation()
	if v.ArmedAny() || v.Disarmed != "kill switch" {
		t.Fatalf("after the kill switch: armed %v, disarmed %q", v.Armed, v.Disarmed)
	}
	for range 120 {
		step(t, k)
	}
	if after := len(automated(t, k)); after != before {
		t.Fatalf("%d automated orders after the kill switch", after-before)
	}
	for _, o := range automated(t, k) {
		if o.State == brokers.Working {
			t.Errorf("automated order %s still working after the kill switch", o.ID)
		}
	}
}

func TestDisconnectDisarmsNoDuplicate(t *testing.T) {
	k := testkit.NewDesk(t, testkit.PaperStart)
	k.Quoted(t)
	armTight(t, k)
	if err := k.Paper.SimulateDisconnect(3 * time.Second); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, "the desk sees the disconnect", func() bool {
		_ = k.Desk.AutomationStep(context.Background())
		return strings.HasPrefix(k.Desk.Automation().Disarmed, "broker disconnected")
	})
	if k.Desk.Automation().ArmedAny() {
		t.Fatal("a disconnect left layers armed")
	}
	k.Until(t, "reconnected", func() bool { return k.Desk.Latest().Connected })
	n := len(automated(t, k))
	for range 60 {
		step(t, k)
	}
	if m := len(automated(t, k)); m != n {
		t.Fatalf("%d automated orders after the reconnect before re-arming", m-n)
	}
	if err := k.Desk.ArmAutomation(mesLayer, automation.Tactical, false); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(automated(t, k)) < n+2 && time.Now().Before(deadline) {
		step(t, k)
	}
	seen := map[string]bool{}
	for _, o := range automated(t, k) {
		if seen[o.Order.ClientID] {
			t.Errorf("client order id %s sent twice", o.Order.ClientID)
		}
		seen[o.Order.ClientID] = true
	}
	if len(seen) < n+2 {
		t.Fatalf("re-armed rules placed %d orders, want ≥ 2", len(seen)-n)
	}
}
