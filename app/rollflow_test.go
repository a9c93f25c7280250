package app

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/roll"
	"github.com/keel-desk/keel/app/ticket"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers"
)

// opens records every Env.Open call.
type opens struct {
	mu    sync.Mutex
	names []string
	args  []any
}

func (o *opens) open(name string, arg any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.names, o.args = append(o.names, name), append(o.args, arg)
}

func (o *opens) last() (string, any, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.names) == 0 {
		return "", nil, 0
	}
	return o.names[len(o.names)-1], o.args[len(o.args)-1], len(o.names)
}

// button finds the visible button whose text starts with prefix in o.
func button(t *testing.T, o fyne.CanvasObject, prefix string) *widget.Button {
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Button:
			if strings.HasPrefix(w.Text, prefix) {
				found = w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(w.Content)
		case fyne.Widget:
			r := test.WidgetRenderer(w)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return found
}

// From a spiral-guard warning to a staged roll in the ticket: on the demo book with the SPY
// calls bought back, a ticket selling SPY calls again is stopped by the spiral guard and
// offers "Plan a roll of SPY options instead…" (click 1); the roll planner opens on that
// layer with the best roll of its untested side chosen, and "Stage in ticket…" (click 2)
// opens a new ticket with the whole roll as one order — closing a held short option and
// opening no more contracts than it closes. Nothing is sent.
func TestSpiralGuardToStagedRollInTwoClicks(t *testing.T) {
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	ctx := context.Background()
	d := k.Desk
	var call desk.Position
	for _, p := range d.Latest().Positions {
		if p.Instrument.Root == "SPY" && p.Instrument.IsOption() && p.Instrument.Right.String() == "call" && p.Quantity < 0 {
			call = p
		}
	}
	if call.Symbol == "" {
		t.Fatal("the demo book has no short SPY call")
	}
	st, err := d.Place(ctx, brokers.Order{ClientID: desk.NewClientID(), Type: brokers.Market, Quantity: -call.Quantity,
		Legs: []brokers.Leg{{Symbol: call.Symbol, Instrument: call.Instrument, Ratio: 1}}})
	if err != nil || st.State != brokers.Filled {
		t.Fatalf("buying the SPY calls back: %v %+v", err, st)
	}
	k.Until(t, "the calls closed and the book valued", func() bool {
		s := d.Latest()
		for _, p := range s.Positions {
			if p.Symbol == call.Symbol {
				return false
			}
		}
		return s.Synced && s.AllQuoted()
	})
	sell := brokers.Order{Quantity: 2, Type: brokers.Limit, TIF: brokers.Day,
		Legs: []brokers.Leg{{Symbol: call.Symbol, Instrument: call.Instrument, Ratio: -1}}}
	if len(d.SpiralStops(sell)) == 0 {
		t.Fatal("the spiral guard lets the opposite-leg add through")
	}
	ordersBefore := len(d.Latest().Orders)

	var got opens
	env := ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: d, Open: got.open}
	var tk *ticket.OrderTicket
	var tkContent fyne.CanvasObject
	testkit.Locked(func() {
		tk = ticket.NewOrderTicket(env, &sell)
		tkContent = tk.Content()
		test.NewWindow(tkContent).Resize(fyne.NewSize(1280, 720))
	})
	t.Cleanup(tk.Settle)
	var planBtn *widget.Button
	testkit.WaitFor(t, "the ticket to offer a roll", func() bool {
		testkit.Locked(func() { planBtn = button(t, tkContent, "Plan a roll") })
		return planBtn != nil
	})
	testkit.Locked(func() { test.Tap(planBtn) }) // click 1
	name, arg, _ := got.last()
	target, ok := arg.(desk.RollTarget)
	if name != "roll" || !ok || target.Layer == "" {
		t.Fatalf("the ticket opened %q %#v, want the roll planner on a layer", name, arg)
	}
	testkit.Locked(func() {
		if !strings.Contains(planBtn.Text, target.Layer) {
			t.Errorf("button %q does not name layer %q", planBtn.Text, target.Layer)
		}
	})

	env.Arg = arg
	var rv *roll.View
	var rvContent fyne.CanvasObject
	testkit.Locked(func() {
		rv = roll.New(env)
		rvContent = rv.Content()
		test.NewWindow(rvContent).Resize(fyne.NewSize(1280, 720))
	})
	rv.Wait()
	var stage *widget.Button
	ready := false
	testkit.Locked(func() {
		stage = button(t, rvContent, "Stage in ticket")
		ready = stage != nil && !stage.Disabled()
	})
	if !ready {
		t.Fatal("the planner has no roll ready to stage")
	}
	testkit.Locked(func() { test.Tap(stage) }) // click 2
	rv.Wait()
	name, arg, n := got.last()
	o, ok := arg.(*brokers.Order)
	if name != "ticket" || n != 2 || !ok {
		t.Fatalf("Stage opened %q %#v (%d opens), want a ticket with an order", name, arg, n)
	}
	held := map[string]int64{}
	for _, p := range d.Latest().Positions {
		held[p.Symbol] = p.Quantity
	}
	var closed, opened int64
	for _, l := range o.Legs {
		if h := held[l.Symbol]; h < 0 && l.Ratio > 0 {
			if l.Ratio > -h {
				t.Errorf("closes %d of %s, which holds %d", l.Ratio, l.Symbol, h)
			}
			closed += l.Ratio
		} else if l.Ratio < 0 {
			opened -= l.Ratio
		}
		if !l.Instrument.IsOption() || l.Instrument.Root != "SPY" {
			t.Errorf("leg %s is not a SPY option", l.Symbol)
		}
	}
	if closed == 0 || opened > closed || o.Quantity != 1 {
		t.Errorf("staged %+v: closes %d, opens %d — want a roll that closes a short and opens no more", o, closed, opened)
	}
	// The ticket shows the staged roll; nothing was sent.
	var staged *ticket.OrderTicket
	testkit.Locked(func() {
		staged = ticket.NewOrderTicket(env, o)
		test.NewWindow(staged.Content())
	})
	t.Cleanup(staged.Settle)
	if got := len(d.Latest().Orders); got != ordersBefore {
		t.Errorf("%d orders after staging, want %d: nothing is sent without confirmation", got, ordersBefore)
	}
}
