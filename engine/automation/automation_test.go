package automation

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/tactical"
)

// Monday 7 December 2026, a trading day.
func ny(h, m, s int) time.Time { return time.Date(2026, 12, 7, h, m, s, 0, instrument.NewYork) }

func action(at time.Time, id string) Action {
	return Action{At: at, Layer: "ES", Kind: Tactical, ClientOrderID: id, Symbol: "MESZ6", Side: "buy", Quantity: 1,
		Contracts: 1, LayerContracts: 5, Rule: "step 1 of 3"}
}

func armed(t *testing.T, l Limits) *Gate {
	t.Helper()
	g, err := NewGate(l)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Arm("ES", Tactical, ny(9, 30, 0)); err != nil {
		t.Fatal(err)
	}
	return g
}

func blockedBy(v Verdict) []Guardrail {
	var out []Guardrail
	for _, b := range v.Blocks {
		out = append(out, b.Guardrail)
	}
	return out
}

// TestGuardrailsAtThresholds checks each guardrail one step either side of its threshold
// with the default limits: exactly one guardrail blocks on the far side, none on the near.
func TestGuardrailsAtThresholds(t *testing.T) {
	fail := liquidity.Result{Symbol: "ES P", Verdict: liquidity.Fail, Reasons: []string{"open interest 10 is not above 1,000"}}
	warn := liquidity.Result{Symbol: "ES P", Verdict: liquidity.Warn}
	cases := []struct {
		name string
		mod  func(a *Action)
		want Guardrail // "" allowed
	}{
		{"allowed", func(a *Action) {}, ""},
		{"other layer not armed", func(a *Action) { a.Layer = "SPY" }, Armed},
		{"other kind not armed", func(a *Action) { a.Kind = Roll }, Armed},
		{"10 contracts an order", func(a *Action) { a.Contracts = 10 }, ""},
		{"11 contracts an order", func(a *Action) { a.Contracts = 11 }, ContractsPerOrder},
		{"40 contracts in the layer", func(a *Action) { a.LayerContracts = 40 }, ""},
		{"41 contracts in the layer", func(a *Action) { a.LayerContracts = 41 }, ContractsPerLayer},
		{"liquidity warns", func(a *Action) { a.Liquidity = &warn }, ""},
		{"liquidity fails", func(a *Action) { a.Liquidity = &fail }, Liquidity},
		{"spiral guard passes", func(a *Action) { a.SpiralGuard = &hedge.Verdict{} }, ""},
		{"spiral guard stops", func(a *Action) { a.SpiralGuard = &hedge.Verdict{Stop: true, Reason: "adds puts"} }, Spiral},
		{"09:34:59, first 5 minutes", func(a *Action) { a.At = ny(9, 34, 59) }, MarketHours},
		{"09:35:00", func(a *Action) { a.At = ny(9, 35, 0) }, ""},
		{"15:54:59", func(a *Action) { a.At = ny(15, 54, 59) }, ""},
		{"15:55:00, last 5 minutes", func(a *Action) { a.At = ny(15, 55, 0) }, MarketHours},
		{"09:00 before the open", func(a *Action) { a.At = ny(9, 0, 0) }, MarketHours},
		{"Saturday", func(a *Action) { a.At = ny(11, 0, 0).AddDate(0, 0, 5) }, MarketHours},
		{"Christmas Day", func(a *Action) { a.At = time.Date(2026, 12, 25, 11, 0, 0, 0, instrument.NewYork) }, MarketHours},
		{"no client order id", func(a *Action) { a.ClientOrderID = "" }, Duplicate},
	}
	t.Run("a longer session", func(t *testing.T) {
		l := DefaultLimits()
		l.Open, l.Close = 8*time.Hour, 17*time.Hour
		g := armed(t, l)
		if v := g.Check(action(ny(8, 5, 0), "x")); !v.Allowed {
			t.Fatalf("08:05 in an 08:00–17:00 session: %s", v.Why())
		}
		if v := g.Check(action(ny(16, 55, 0), "x")); v.Allowed {
			t.Fatal("16:55 in the last 5 minutes passed")
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := armed(t, DefaultLimits())
			a := action(ny(11, 0, 0), "es-tac-c1-s1")
			tc.mod(&a)
			v := g.Check(a)
			got := blockedBy(v)
			if tc.want == "" {
				if !v.Allowed {
					t.Fatalf("blocked: %s", v.Why())
				}
				return
			}
			if v.Allowed || len(got) != 1 || got[0] != tc.want || v.Blocks[0].Why == "" {
				t.Fatalf("blocks %v (%s), want only %s", got, v.Why(), tc.want)
			}
		})
	}
}

func TestOrderCounts(t *testing.T) {
	t.Run("per hour", func(t *testing.T) {
		g := armed(t, DefaultLimits())
		// 20 orders from 10:00:30 to 10:19:30; at 11:00:30 the first has left the hour.
		for i := 0; i < 20; i++ {
			if v := g.Send(action(ny(10, i, 30), fmt.Sprint("h", i))); !v.Allowed {
				t.Fatalf("order %d: %s", i, v.Why())
			}
		}
		if v := g.Check(action(ny(10, 59, 0), "next")); v.Allowed || blockedBy(v)[0] != OrdersPerHour {
			t.Fatalf("the 21st order in an hour passed: %+v", v)
		}
		if v := g.Check(action(ny(11, 0, 30), "next")); !v.Allowed {
			t.Fatalf("an hour after the first: %s", v.Why())
		}
	})
	t.Run("per day", func(t *testing.T) {
		l := DefaultLimits()
		l.MaxOrdersPerHour = 1000
		g := armed(t, l)
		for i := 0; i < 60; i++ {
			if v := g.Send(action(ny(10, 0, 0).Add(time.Duration(i)*time.Minute), fmt.Sprint("d", i))); !v.Allowed {
				t.Fatalf("order %d: %s", i, v.Why())
			}
		}
		if v := g.Check(action(ny(15, 0, 0), "next")); v.Allowed || blockedBy(v)[0] != OrdersPerDay {
			t.Fatalf("the 61st order of the day passed: %+v", v)
		}
		if v := g.Check(action(ny(10, 0, 0).AddDate(0, 0, 1), "next")); !v.Allowed {
			t.Fatalf("the next day: %s", v.Why())
		}
	})
	t.Run("duplicate id", func(t *testing.T) {
		g := armed(t, DefaultLimits())
		g.Send(action(ny(10, 0, 0), "same"))
		if v := g.Send(action(ny(10, 5, 0), "same")); v.Allowed || blockedBy(v)[0] != Duplicate {
			t.Fatalf("a duplicate id passed: %+v", v)
		}
	})
}

func TestDailyLossLimit(t *testing.T) {
	g := armed(t, DefaultLimits())
	if tripped, err := g.DayLoss(ny(12, 0, 0), -1999.99, 100000); err != nil || tripped {
		t.Fatalf("$1,999.99 of $100,000 tripped the 2%% limit (%v)", err)
	}
	if tripped, _ := g.DayLoss(ny(12, 1, 0), -2000, 100000); !tripped {
		t.Fatal("$2,000 of $100,000 did not trip the 2% limit")
	}
	if g.IsArmed("ES", Tactical) {
		t.Fatal("still armed after the daily loss limit")
	}
	v := g.Check(action(ny(12, 2, 0), "x"))
	if v.Allowed {
		t.Fatal("allowed after the daily loss limit")
	}
	if err := g.Arm("ES", Tactical, ny(13, 0, 0)); err == nil {
		t.Fatal("re-armed on the day the loss limit tripped")
	}
	if err := g.Arm("ES", Tactical, ny(9, 30, 0).AddDate(0, 0, 1)); err != nil {
		t.Fatalf("the next day: %v", err)
	}
	if _, err := g.DayLoss(ny(12, 0, 0), 0, 0); err == nil {
		t.Fatal("net liquidation 0 accepted")
	}
}

func TestKillSwitch(t *testing.T) {
	g := armed(t, DefaultLimits())
	if err := g.Arm("SPY", Hedge, ny(9, 30, 0)); err != nil {
		t.Fatal(err)
	}
	g.Send(action(ny(10, 0, 0), "b"))
	g.Send(action(ny(10, 1, 0), "a"))
	g.Send(action(ny(10, 2, 0), "c"))
	g.Done("c") // filled
	cancel := g.Kill(ny(10, 3, 0))
	if len(cancel) != 2 || cancel[0].ClientOrderID != "a" || cancel[1].ClientOrderID != "b" {
		t.Fatalf("to cancel %+v, want a and b", cancel)
	}
	for _, k := range Kinds() {
		if g.IsArmed("ES", k) || g.IsArmed("SPY", k) {
			t.Fatalf("%s still armed after the kill switch", k)
		}
	}
	if v := g.Check(action(ny(10, 4, 0), "d")); v.Allowed || blockedBy(v)[0] != Armed {
		t.Fatalf("allowed after the kill switch: %+v", v)
	}
}

// TestDisconnectNoDuplicates runs a tactical rule through a disconnect: its order is sent,
// the broker drops, the rule steps again from the same state (it never saw the fill) and
// produces the same client order id, which is refused before and after re-arming; stepping
// from the state with the fill gives a new id, which passes.
func TestDisconnectNoDuplicates(t *testing.T) {
	g := armed(t, DefaultLimits())
	p, _ := tactical.Defaults(portfolio.Short, "ES", "")
	st := tactical.State{Layer: "ES", Bias: portfolio.Short, Reference: 6000}
	tick := tactical.Tick{At: ny(11, 0, 0), Price: 6030, LayerDelta: -100}
	filled, res, err := tactical.Step(p, st, tick)
	if err != nil || len(res.Orders) != 1 {
		t.Fatalf("step: %+v %v", res, err)
	}
	toAction := func(o tactical.Order, at time.Time) Action {
		return Action{At: at, Layer: "ES", Kind: Tactical, ClientOrderID: o.ClientOrderID, Symbol: o.Symbol, Side: o.Side,
			Quantity: o.Quantity, Contracts: o.Quantity, LayerContracts: 2 + o.Quantity, Rule: o.Rule, Inputs: o.Inputs}
	}
	if v := g.Send(toAction(res.Orders[0], tick.At)); !v.Allowed {
		t.Fatal(v.Why())
	}
	g.Disconnected(ny(11, 1, 0))
	_, replay, _ := tactical.Step(p, st, tick) // the same state: the fill was not seen
	a := toAction(replay.Orders[0], ny(11, 2, 0))
	v := g.Check(a)
	if v.Allowed || !contains(blockedBy(v), Broker) || !contains(blockedBy(v), Armed) || !contains(blockedBy(v), Duplicate) {
		t.Fatalf("while disconnected: %+v", v)
	}
	if err := g.Arm("ES", Tactical, ny(11, 2, 0)); err == nil {
		t.Fatal("armed while disconnected")
	}
	g.Connected()
	if g.IsArmed("ES", Tactical) {
		t.Fatal("a reconnect re-armed the layer")
	}
	if err := g.Arm("ES", Tactical, ny(11, 3, 0)); err != nil {
		t.Fatal(err)
	}
	a.At = ny(11, 3, 0)
	if v := g.Send(a); v.Allowed || len(v.Blocks) != 1 || v.Blocks[0].Guardrail != Duplicate {
		t.Fatalf("the replayed order after re-arming: %+v", v)
	}
	// With the fill seen, the next step (price up another step) has a new id.
	_, next, _ := tactical.Step(p, filled, tactical.Tick{At: ny(11, 4, 0), Price: 6061, LayerDelta: -100})
	if len(next.Orders) != 1 || next.Orders[0].ClientOrderID == res.Orders[0].ClientOrderID {
		t.Fatalf("next step %+v", next.Orders)
	}
	if v := g.Send(toAction(next.Orders[0], ny(11, 4, 0))); !v.Allowed {
		t.Fatal(v.Why())
	}
}

func TestArmRejects(t *testing.T) {
	g, _ := NewGate(DefaultLimits())
	if err := g.Arm("ES", "scalp", ny(10, 0, 0)); err == nil {
		t.Fatal("an unknown kind armed")
	}
	if err := g.Arm(" ", Hedge, ny(10, 0, 0)); err == nil {
		t.Fatal("an empty layer armed")
	}
	bad := DefaultLimits()
	bad.MaxContractsPerOrder = 0
	if _, err := NewGate(bad); err == nil {
		t.Fatal("0 contracts an order accepted")
	}
	bad = DefaultLimits()
	bad.Open, bad.Close = 16*time.Hour, 9*time.Hour
	if _, err := NewGate(bad); err == nil {
		t.Fatal("a session closing before it opens accepted")
	}
}

func contains(gs []Guardrail, g Guardrail) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

func TestArmedLayers(t *testing.T) {
	g, err := NewGate(DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, instrument.NewYork)
	for _, tc := range []struct {
		name string
		do   func()
		want []string
	}{
		{"nothing armed", func() {}, nil},
		{"two layers, sorted", func() {
			_ = g.Arm("VXX", Tactical, at)
			_ = g.Arm("ES options", LetAssign, at)
			_ = g.Arm("ES options", ReEntry, at)
		}, []string{"ES options", "VXX"}},
		{"one kind disarmed, another left", func() { g.Disarm("ES options", LetAssign) }, []string{"ES options", "VXX"}},
		{"every kind disarmed", func() { g.Disarm("ES options", ReEntry) }, []string{"VXX"}},
		{"the kill switch", func() { g.Kill(at) }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.do()
			if got := g.ArmedLayers(); !slices.Equal(got, tc.want) {
				t.Fatalf("ArmedLayers = %v, want %v", got, tc.want)
			}
		})
	}
}
