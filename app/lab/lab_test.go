package lab

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/lab"
)

// labelOf finds the subject whose label starts with prefix.
func labelOf(t *testing.T, v *View, prefix string) (int, choice) {
	t.Helper()
	for i, c := range v.choices {
		if strings.HasPrefix(c.Label, prefix) {
			return i, c
		}
	}
	t.Fatalf("no subject %q among %d", prefix, len(v.choices))
	return 0, choice{}
}

func quotedView(t *testing.T) (*testkit.Desk, *View) {
	t.Helper()
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	var v *View
	testkit.Locked(func() { v = New(ui.Env{Desk: k.Desk, Now: k.Desk.Latest().Time.Local}) })
	return k, v
}

func TestSubjects(t *testing.T) {
	_, v := quotedView(t)
	tests := []struct {
		prefix string
		ok     bool
		scope  string
		want   string // in the error, or the hedge's name
	}{
		{"Layer SPY options", true, "SPY options", "SPY"},
		{"Layer ES options", true, "ES options", "ES"},
		{"Layer MES futures", false, "", "no live options"},
		{bookName, false, "", "one underlying at a time"},
	}
	for _, tc := range tests {
		t.Run(tc.prefix, func(t *testing.T) {
			_, c := labelOf(t, v, tc.prefix)
			if !tc.ok {
				if c.Err == nil || !strings.Contains(c.Err.Error(), tc.want) {
					t.Fatalf("error %v, want one saying %q", c.Err, tc.want)
				}
				return
			}
			if c.Err != nil {
				t.Fatal(c.Err)
			}
			if c.Subject.Scope != tc.scope || !strings.Contains(c.Subject.Hedge.Name, tc.want) {
				t.Fatalf("scope %q hedge %q, want %q and %q", c.Subject.Scope, c.Subject.Hedge.Name, tc.scope, tc.want)
			}
			if len(c.Subject.Position.Legs) != 2 {
				t.Fatalf("%d legs, want the strangle's 2", len(c.Subject.Position.Legs))
			}
			for _, l := range c.Subject.Position.Legs {
				if l.Quantity >= 0 {
					t.Fatalf("leg %+v: the demo strangles are short", l)
				}
			}
		})
	}
}

// A small run streams every point into the table and the frontier, marks efficient
// points, and "Use this policy" keeps the selected one for the layer through the desk.
func TestRunAndUsePolicy(t *testing.T) {
	k, v := quotedView(t)
	i, _ := labelOf(t, v, "Layer SPY options")
	var seen []int
	testkit.Locked(func() {
		v.subject.SetSelectedIndex(i)
		v.paths.SetText("300")
		v.every.SetText("1, 4")
		v.widths.SetText("1, 4")
		v.families.SetSelected([]string{string(lab.TimeBased), string(lab.FixedBand)})
		v.Run()
	})
	v.Wait()
	testkit.Locked(func() {
		seen = append(seen, len(v.points))
		if len(v.points) != 4 {
			t.Fatalf("%d points, want 2 policies × 2 settings", len(v.points))
		}
		if v.progress.Value != 1 {
			t.Errorf("progress %v, want 1 when done", v.progress.Value)
		}
		if n := len(v.frontierSpec().Series); n != 2 {
			t.Errorf("frontier has %d lines, want one per policy", n)
		}
		if n := len(v.histSpec().Series); n != 2 {
			t.Errorf("%d histograms, want one per policy", n)
		}
		eff := 0
		for _, p := range v.points {
			if !(p.PnLStd > 0) {
				t.Errorf("%s %s: std %v", p.Policy, p.Label, p.PnLStd)
			}
			if p.Efficient {
				eff++
			}
		}
		if eff == 0 {
			t.Error("no efficient point")
		}
		if !strings.Contains(v.status.Text, "4 results") {
			t.Errorf("status %q", v.status.Text)
		}
		v.table.Select(widgetCell(1))
		if v.use.Disabled() {
			t.Fatalf("Use is disabled with a row of a layer selected: %q", v.useNote.Text)
		}
		v.use.OnTapped()
	})
	v.Wait()
	got, err := k.Desk.HedgePolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	hp, ok := got["SPY options"]
	var want lab.Point
	testkit.Locked(func() { want = v.points[1] })
	if !ok || hp.Policy != string(want.Policy) || hp.Param != want.Param || hp.StartBand != want.StartBand || !(hp.StepDays > 0 && hp.StepDays <= 1) {
		t.Fatalf("kept %+v (found %v), want %s %v", hp, ok, want.Policy, want.Param)
	}
	if _, ok := got[desk.BookScope]; ok {
		t.Error("the book's policy changed too")
	}
}

// Cancel stops a long run at once: a million paths of every policy would take minutes;
// cancelled, the run ends within seconds, with fewer points than asked, and says so.
func TestCancel(t *testing.T) {
	_, v := quotedView(t)
	i, _ := labelOf(t, v, "Layer SPY options")
	testkit.Locked(func() {
		v.subject.SetSelectedIndex(i)
		v.paths.SetText("1000000")
		v.Run()
	})
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	testkit.Locked(v.Cancel)
	v.Wait()
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the run took %v to stop after Cancel", took)
	}
	testkit.Locked(func() {
		if !strings.HasPrefix(v.status.Text, "Cancelled") {
			t.Errorf("status %q, want Cancelled", v.status.Text)
		}
		if len(v.points) >= 25 {
			t.Errorf("%d points after cancelling, want fewer than the run's 25", len(v.points))
		}
		if v.run.Disabled() || !v.cancel.Disabled() {
			t.Error("Run should be enabled and Cancel disabled after cancelling")
		}
	})
}

func TestSweepsRescale(t *testing.T) {
	p := lab.ShortStrangle("SPY", 600, 570, 630, 30.0/365, 0.18, 0.04, 10)
	lambda := lab.SPYShares().ProportionalCost(600)
	def, err := lab.DefaultSweeps(p, 120, lambda)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sweeps(p, 120, lambda, lab.Families, []float64{1, 2, 5, 10, 21}, []float64{0.5, 1, 2, 4, 8})
	if err != nil {
		t.Fatal(err)
	}
	// At DefaultSweeps' own multiples the rescaled values are its values.
	for k, s := range def {
		t.Run(string(s.Policy), func(t *testing.T) {
			if got[k].Policy != s.Policy || len(got[k].Values) != len(s.Values) {
				t.Fatalf("got %+v, want %+v", got[k], s)
			}
			for j := range s.Values {
				if d := got[k].Values[j] / s.Values[j]; d < 1-1e-9 || d > 1+1e-9 {
					t.Errorf("value %d: %v, want %v", j, got[k].Values[j], s.Values[j])
				}
			}
		})
	}
}

func widgetCell(row int) widget.TableCellID { return widget.TableCellID{Row: row, Col: 0} }
