package charts

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/data"
)

// On a fresh account the Greeks chart opens on the smallest window holding the whole
// history ("Last hour" for minutes of samples, not "Last day" where they are a sliver).
func TestFittingWindow(t *testing.T) {
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	at := func(ago time.Duration) []data.GreekPoint {
		return []data.GreekPoint{{Time: now.Add(-ago)}, {Time: now}}
	}
	for _, c := range []struct {
		name string
		pts  []data.GreekPoint
		want string
	}{
		{"no samples yet", nil, "hour"},
		{"ten minutes of samples", at(10 * time.Minute), "hour"},
		{"exactly an hour", at(time.Hour), "hour"},
		{"five hours", at(5 * time.Hour), "day"},
		{"three days", at(72 * time.Hour), "week"},
		{"a month", at(30 * 24 * time.Hour), "week"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := fittingWindow(now, c.pts); got != c.want {
				t.Errorf("fittingWindow = %q, want %q", got, c.want)
			}
		})
	}
}

// A window never told which range to show opens on the one holding the fresh account's
// few samples; switching the risk profile's subject drops the old title and curve at once
// and shows the new profile once computed.
func TestChartsFreshAccountAndProfileSwitch(t *testing.T) {
	test.NewTempApp(t)
	test.ApplyTheme(t, ui.Theme())
	d, _, j := startChartsDesk(t)
	v, _ := openCharts(t, d, j)
	v.apply(func() {
		if v.windowRadio.Selected != "Last hour" {
			t.Errorf("a fresh account's chart opens on %q, want Last hour", v.windowRadio.Selected)
		}
	})
	old := v.profileChart.Spec().Title
	if old == "" {
		t.Fatalf("no profile drawn: %q", v.profileChart.Note())
	}
	var next string
	v.apply(func() {
		for _, o := range v.selection.Options {
			if o != v.selection.Selected {
				next = o
				break
			}
		}
		v.selection.SetSelected(next)
		if got := v.profileChart.Spec().Title; got == old {
			t.Errorf("right after choosing %s the chart still shows %q", next, got)
		}
	})
	v.Settle()
	if got := v.profileChart.Spec().Title; got == "" || got == old {
		t.Errorf("after choosing %s the profile is titled %q (was %q)", next, got, old)
	}
}
