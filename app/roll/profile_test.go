package roll

import (
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/roll"
	"github.com/keel-desk/keel/widgets"
)

// Selecting a roll draws its layer's risk profile under the table, off the UI goroutine:
// today's T+0 and at-expiry curves dashed, the same after the roll solid, over the
// underlying's price with today's price marked. The after-curves differ from today's where
// the roll's legs change the layer, and the profile's after-book is the book before plus
// the roll's legs.
func TestSelectingARollDrawsItsProfile(t *testing.T) {
	testkit.App(t)
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	v := New(ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: k.Desk})
	v.Wait()
	spec := func() (s widgets.ProfileChartSpec) {
		testkit.Locked(func() { s = v.profile.Spec() })
		return
	}
	var plan roll.Plan
	testkit.WaitFor(t, "the best roll's profile", func() bool {
		ok := false
		testkit.Locked(func() {
			ok = len(v.plans) > 0 && v.selected == 0 && strings.Contains(v.profile.Spec().Title, "roll #1")
			if ok {
				plan = v.plans[v.cur]
			}
		})
		return ok
	})
	if got := len(spec().Curves); got != 4 {
		t.Fatalf("%d curves, want today and after, each at T+0 and at expiry", got)
	}
	// Choose the first candidate that opens a new leg (a roll, not a close).
	pick := -1
	for i, c := range plan.Candidates {
		if c.Shape != roll.CloseOnly && i > 0 {
			pick = i
			break
		}
	}
	if pick < 0 {
		t.Fatalf("plan %s has no second roll that opens a leg", plan.Position.Symbol)
	}
	c := plan.Candidates[pick]
	testkit.Locked(func() { v.table.Select(widget.TableCellID{Row: pick + 1, Col: 1}) })
	var shown desk.RollProfile
	testkit.WaitFor(t, "the chosen roll's profile", func() bool {
		ok := false
		testkit.Locked(func() {
			ok = strings.Contains(v.profile.Spec().Title, "roll #"+itoa(c.Rank)+" ")
			shown = v.shown
		})
		return ok
	})
	s := spec()
	if len(s.Curves) != 4 || len(s.X) != 101 {
		t.Fatalf("%d curves over %d prices", len(s.Curves), len(s.X))
	}
	if s.Current <= s.X[0] || s.Current >= s.X[len(s.X)-1] || !strings.Contains(s.XLabel, "price (") || !strings.Contains(s.PnL, "$") {
		t.Errorf("axis %q from %v to %v, today at %v; P&L axis %q", s.XLabel, s.X[0], s.X[len(s.X)-1], s.Current, s.PnL)
	}
	for i, cv := range s.Curves {
		if cv.Dashed != (i < 2) || cv.Line != i%2+1 {
			t.Errorf("curve %q: dashed %v line %d; want today's dashed, after solid, sharing colours", cv.Name, cv.Dashed, cv.Line)
		}
	}
	// At today's price the T+0 curves start from today's value: both 0. Somewhere on the
	// axis the roll changes the layer's P&L, at T+0 and at expiry.
	mid := len(s.X) / 2
	for h := 0; h < 2; h++ {
		before, after := s.Curves[h].Values, s.Curves[h+2].Values
		if h == 0 && (math.Abs(before[mid]) > 1e-6 || math.Abs(after[mid]) > 1e-6) {
			t.Errorf("T+0 at today's price: before %v, after %v, want 0", before[mid], after[mid])
		}
		most := 0.0
		for i := range before {
			most = math.Max(most, math.Abs(after[i]-before[i]))
		}
		if most < 1 {
			t.Errorf("%s: the roll changes the P&L by at most $%.2f", s.Curves[h+2].Name, most)
		}
	}
	// The after-book is the book before plus the legs.
	want := map[string]float64{}
	for _, p := range shown.BeforePositions {
		want[p.ID] += p.Quantity
	}
	for _, l := range c.Legs {
		q := float64(l.Quantity)
		if l.Side == roll.Sell {
			q = -q
		}
		want[l.Symbol] += q
	}
	got := map[string]float64{}
	for _, p := range shown.AfterPositions {
		got[p.ID] += p.Quantity
	}
	for sym, q := range want {
		if got[sym] != q {
			t.Errorf("%s: %g after the roll, want %g", sym, got[sym], q)
		}
	}
}

func itoa(i int) string { return strings.TrimSpace(ui.Num(float64(i), 0)) }
