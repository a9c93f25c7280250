package lab

import (
	"context"
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
)

// The one run-finish handler both tabs use: how a run ends decides the status line and its
// importance, the buttons come back, and what the run showed live reached the UI.
func TestRunnerEndings(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
		imp  widget.Importance
	}{
		{"done", nil, "3 results", widget.MediumImportance},
		{"failed", errors.New("no quote for SPY"), "no quote for SPY", widget.DangerImportance},
		{"cancelled", context.Canceled, "Cancelled after 3 results.", widget.WarningImportance},
		{"cancelled, wrapped", errors.Join(errors.New("run"), context.Canceled), "Cancelled after 3 results.", widget.WarningImportance},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w ui.Work
			var r *runner
			shown := 0
			testkit.Locked(func() {
				r = newRunner(func() {}, "Run it.")
				r.launch(&w, "Running …", func() string { return "Cancelled after 3 results." },
					func(ctx context.Context, live func(func())) (func() string, error) {
						for i := 0; i < 3; i++ {
							live(func() { shown++ })
						}
						return func() string { return "3 results" }, tc.err
					})
				if !r.run.Disabled() || r.cancel.Disabled() || r.status.Text != "Running …" {
					t.Errorf("while running: Run disabled %v, Cancel disabled %v, status %q", r.run.Disabled(), r.cancel.Disabled(), r.status.Text)
				}
			})
			w.Wait()
			testkit.Locked(func() {
				if r.status.Text != tc.want || r.status.Importance != tc.imp {
					t.Errorf("status %q (%v), want %q (%v)", r.status.Text, r.status.Importance, tc.want, tc.imp)
				}
				if r.run.Disabled() || !r.cancel.Disabled() || r.stop != nil {
					t.Error("after the run: Run should be enabled, Cancel disabled and nothing left to stop")
				}
				if shown != 3 {
					t.Errorf("%d live updates shown, want 3", shown)
				}
			})
		})
	}
}

// A run superseded by a newer one is cancelled, and neither what it shows live nor how it
// ends reaches the tab: the status is the newer run's.
func TestRunnerSupersededRunIsStale(t *testing.T) {
	var w ui.Work
	var r *runner
	release, cancelled := make(chan struct{}), make(chan struct{})
	staleShown := false
	testkit.Locked(func() {
		r = newRunner(func() {}, "Run it.")
		r.launch(&w, "first …", func() string { return "first cancelled" },
			func(ctx context.Context, live func(func())) (func() string, error) {
				<-ctx.Done()
				close(cancelled)
				<-release
				live(func() { staleShown = true })
				return func() string { return "first done" }, nil
			})
		r.launch(&w, "second …", func() string { return "second cancelled" },
			func(ctx context.Context, live func(func())) (func() string, error) {
				<-cancelled // the first run was cancelled when the second started
				return func() string { return "second done" }, nil
			})
	})
	// Let the second run finish first, then the first.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		var text string
		testkit.Locked(func() { text = r.status.Text })
		if text == "second done" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %q, want the second run done", text)
		}
	}
	close(release)
	w.Wait()
	testkit.Locked(func() {
		if r.status.Text != "second done" || staleShown {
			t.Errorf("status %q, stale update shown %v; want the second run's and none of the first's", r.status.Text, staleShown)
		}
	})
}
