package lab

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
)

// A tiny strategy run (2 seeds × 3 days) fills the table with the six variants and the chart
// with roll and naive contracts per day. KEEL_SHOTS=DIR then runs 4 seeds × 15 days (three
// days barely move the book) and saves the tab as DIR/lab-strategy.png.
func TestStrategyRun(t *testing.T) {
	_, v := quotedView(t)
	s := v.Strategy
	testkit.Locked(func() {
		v.ShowStrategy()
		s.seeds.SetText("2")
		s.days.SetText("3")
		s.Run()
		if !s.run.Disabled() || s.cancel.Disabled() {
			t.Error("Run should be disabled and Cancel enabled while running")
		}
	})
	s.Wait()
	testkit.Locked(func() {
		r := s.Result()
		if r == nil {
			t.Fatalf("no result; status %q", s.status.Text)
		}
		if r.Seeds != 2 || r.Days != 3 || len(r.Rows) != 6 {
			t.Fatalf("%d seeds × %d days, %d rows; want 2 × 3, 6 rows", r.Seeds, r.Days, len(r.Rows))
		}
		if s.progress.Value != 1 {
			t.Errorf("progress %v, want 1 when done", s.progress.Value)
		}
		spec := s.chartSpec()
		if len(spec.Series) != 6 {
			t.Fatalf("%d chart lines, want median, 10th and 90th for roll and naive", len(spec.Series))
		}
		for _, sr := range spec.Series {
			if len(sr.X) != 3 || sr.X[0] != 1 || sr.X[2] != 3 {
				t.Errorf("%s: days %v, want 1 to 3", sr.Name, sr.X)
			}
		}
		if spec.Series[0].Name != "naive median" || spec.Series[1].Name != "roll planner median" || spec.Series[5].Name != "roll planner 90th" {
			t.Errorf("series %q, %q … %q, want naive then roll planner, medians first", spec.Series[0].Name, spec.Series[1].Name, spec.Series[5].Name)
		}
		if got, want := spec.Series[1].Y, r.Rows[0].ContractsByDay; got[2] != want[2].P50 {
			t.Errorf("roll median on day 3 %v, want the result's %v", got[2], want[2].P50)
		}
		// The table shows the result's own quantiles.
		naive := r.Rows[1]
		want := spread(naive.MaxContracts)
		if got := cellText(s, 1, 2); got != want {
			t.Errorf("naive most contracts cell %q, want %q", got, want)
		}
		if got := cellText(s, 0, 5); got != spread(r.Rows[0].PnL) {
			t.Errorf("P&L cell %q", got)
		}
		if !strings.Contains(s.status.Text, "2 seeds × 3 trading days") {
			t.Errorf("status %q", s.status.Text)
		}
	})
	if dir := os.Getenv("KEEL_SHOTS"); dir != "" {
		testkit.Locked(func() {
			s.seeds.SetText("4")
			s.days.SetText("15")
			s.Run()
		})
		s.Wait()
		c := software.NewCanvas()
		c.SetPadded(true)
		testkit.Locked(func() {
			c.SetContent(v.Content())
			c.Resize(Size)
		})
		v.Settle()
		var img image.Image
		testkit.Locked(func() { img = software.RenderCanvas(c, ui.Theme()) })
		testkit.SavePNG(t, img, filepath.Join(dir, "lab-strategy.png"))
	}
}

func cellText(s *StrategyView, row, col int) string {
	var l = newCellLabel()
	s.cell(cellID(row, col), l)
	return l.Text
}

// Cancel stops a 20-seed × 20-day run within seconds and leaves no figures.
func TestStrategyCancel(t *testing.T) {
	_, v := quotedView(t)
	s := v.Strategy
	testkit.Locked(func() {
		s.seeds.SetText("20")
		s.days.SetText("20")
		s.Run()
	})
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	testkit.Locked(s.Cancel)
	s.Wait()
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the run took %v to stop after Cancel", took)
	}
	testkit.Locked(func() {
		if !strings.HasPrefix(s.status.Text, "Cancelled") {
			t.Errorf("status %q, want Cancelled", s.status.Text)
		}
		if s.Result() != nil || s.rows() != 0 {
			t.Error("a cancelled run shows figures")
		}
		if s.run.Disabled() || !s.cancel.Disabled() {
			t.Error("Run should be enabled and Cancel disabled after cancelling")
		}
	})
}

// Seeds and days must be whole numbers above 0; the status says which is wrong.
func TestStrategyInputs(t *testing.T) {
	tests := []struct{ seeds, days, want string }{
		{"0", "3", "seeds: give a whole number"},
		{"2", "x", "days: give a whole number"},
		{"2", "-1", "days: give a whole number"},
		{"2", "999", "days 999 must be between"},
	}
	_, v := quotedView(t)
	s := v.Strategy
	for _, tc := range tests {
		t.Run(tc.seeds+"×"+tc.days, func(t *testing.T) {
			testkit.Locked(func() {
				s.seeds.SetText(tc.seeds)
				s.days.SetText(tc.days)
				s.Run()
			})
			s.Wait()
			testkit.Locked(func() {
				if !strings.Contains(s.status.Text, tc.want) {
					t.Errorf("status %q, want %q", s.status.Text, tc.want)
				}
			})
		})
	}
}

func newCellLabel() *widget.Label { return widget.NewLabel("") }

func cellID(row, col int) widget.TableCellID { return widget.TableCellID{Row: row, Col: col} }
