package liquidity

import (
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/liquidity"
)

// recorder records what the window asked Env.Open for.
type recorder struct {
	mu   sync.Mutex
	name string
	arg  any
}

func (o *recorder) open(name string, arg any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.name, o.arg = name, arg
}

func (o *recorder) get() (string, any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.name, o.arg
}

// From the liquidity window to a prefilled ticket: the demo book's ES chain loads off the
// UI goroutine with one row per strike and right, the ATM strike marked, every verdict the
// engine's for the row's own quote; "Passes only" leaves only passing rows; a double-click
// on a row opens the ticket with that option sold.
func TestChainToPrefilledTicket(t *testing.T) {
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	var got recorder
	env := ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: k.Desk, Open: got.open}
	v := open(env)
	v.Wait()
	if v.underlying.Selected == MyPositions || v.expiry.Selected == "" {
		t.Fatalf("opened on %q %q, want a chain", v.underlying.Selected, v.expiry.Selected)
	}
	var atm int
	rules := k.Desk.LiquiditySettings().Rules
	testkit.Locked(func() {
		if len(v.rows) == 0 {
			t.Fatalf("no rows; status %q", v.status.Text)
		}
		for _, r := range v.rows {
			if r.ATM {
				atm++
			}
			if r.Right != "call" && r.Right != "put" {
				t.Errorf("%s: right %q", r.Symbol, r.Right)
			}
			if math.Abs(r.Mid-(r.Bid+r.Ask)/2) > 1e-9 {
				t.Errorf("%s: mid %v is not (bid %v + ask %v) / 2", r.Symbol, r.Mid, r.Bid, r.Ask)
			}
			if r.Bid > 0 {
				want := 100 * (r.Ask - r.Bid) / r.Mid
				if math.Abs(r.SpreadPct-want) > 1e-6 {
					t.Errorf("%s: spread %v%%, want %v%%", r.Symbol, r.SpreadPct, want)
				}
			}
			if (r.Verdict == liquidity.Pass) != (len(r.Reasons) == 0) {
				t.Errorf("%s: verdict %v with reasons %q", r.Symbol, r.Verdict, r.Reasons)
			}
			if r.OI <= rules.MinOpenInterest && r.Verdict != liquidity.Fail {
				t.Errorf("%s: open interest %d is at most %d but the verdict is %v", r.Symbol, r.OI, rules.MinOpenInterest, r.Verdict)
			}
		}
	})
	if atm < 1 || atm > 2 {
		t.Errorf("%d rows marked ATM, want the call and put of one strike", atm)
	}
	testkit.Locked(func() { v.passesOnly.SetChecked(true) })
	testkit.Locked(func() {
		for _, r := range v.rows {
			if r.Verdict != liquidity.Pass {
				t.Errorf("passes only shows %s (%v)", r.Symbol, r.Verdict)
			}
		}
	})
	testkit.Locked(func() { v.passesOnly.SetChecked(false); v.sortBy.SetSelected(byVerdict) })
	var want string
	var c *cell
	testkit.Locked(func() {
		for i := 1; i < len(v.rows); i++ {
			if v.rows[i].Verdict > v.rows[i-1].Verdict {
				t.Errorf("sorted worst first, row %d (%v) follows %v", i, v.rows[i].Verdict, v.rows[i-1].Verdict)
			}
		}
		want = v.rows[0].Symbol
		c = v.table.CreateCell().(*cell)
		v.table.UpdateCell(widget.TableCellID{Row: 1, Col: 1}, c)
	})
	testkit.Locked(func() { test.DoubleTap(c) })
	v.Wait()
	name, arg := got.get()
	if name != "ticket" {
		t.Fatalf("double-click opened %q, want the ticket", name)
	}
	o, ok := arg.(*brokers.Order)
	if !ok || len(o.Legs) != 1 {
		t.Fatalf("the ticket got %#v, want one leg", arg)
	}
	if o.Legs[0].Symbol != want || o.Legs[0].Ratio != -1 || o.Quantity != 1 || !o.Legs[0].Instrument.IsOption() {
		t.Errorf("prefilled %+v × %d, want a sale of 1 %s", o.Legs[0], o.Quantity, want)
	}
}

// "My positions" lists every option the book holds with its liquidity for closing it, and
// a double-click opens the closing trade.
func TestMyPositions(t *testing.T) {
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	var got recorder
	env := ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: k.Desk, Open: got.open, Arg: MyPositions}
	v := open(env)
	v.Wait()
	held := map[string]int64{}
	for _, p := range k.Desk.Latest().Positions {
		if p.Instrument.IsOption() && p.Quantity != 0 {
			held[p.Symbol] = p.Quantity
		}
	}
	testkit.Locked(func() {
		if len(v.rows) != len(held) {
			t.Fatalf("%d rows, want the %d options held; status %q", len(v.rows), len(held), v.status.Text)
		}
		for _, r := range v.rows {
			if r.Held != held[r.Symbol] {
				t.Errorf("%s: held %d, want %d", r.Symbol, r.Held, held[r.Symbol])
			}
		}
		if !strings.Contains(v.status.Text, "option positions") {
			t.Errorf("status %q", v.status.Text)
		}
	})
	var sym string
	testkit.Locked(func() { sym = v.rows[0].Symbol })
	testkit.Locked(func() { v.openRow(0) })
	v.Wait()
	_, arg := got.get()
	o := arg.(*brokers.Order)
	if o.Legs[0].Symbol != sym || o.Legs[0].Ratio*held[sym] >= 0 || o.Quantity != abs(held[sym]) {
		t.Errorf("closing %s (held %d): got %+v × %d", sym, held[sym], o.Legs[0], o.Quantity)
	}
}

// open builds the window in a test window as the UI goroutine would, and waits for its
// first loads.
func open(env ui.Env) *View {
	var v *View
	testkit.Locked(func() {
		v = New(env)
		test.NewWindow(v.Content()).Resize(fyne.NewSize(1280, 720))
	})
	v.Wait()
	return v
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
