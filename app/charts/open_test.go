package charts

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// The charts window opens without reading the journal on the UI goroutine: on a journal of
// 10,000 fills and a day of the book's Greek samples (one each 15 s: 5,760), building its
// content and every callback it runs on the UI goroutine while it loads stay short; the
// history is read and the charts drawn on the window's own goroutine.
func TestChartsOpenOnABigJournalDoesNotBlockTheUI(t *testing.T) {
	test.NewTempApp(t)
	test.ApplyTheme(t, ui.Theme())
	d, _, j := startChartsDesk(t)
	ctx := context.Background()
	start := chartsNow.Add(-400 * 24 * time.Hour)
	var events []statement.Event
	for i := range 10000 {
		at := start.Add(time.Duration(i) * 50 * time.Minute)
		put := instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY",
			Expiry: at.AddDate(0, 0, 30).Truncate(24 * time.Hour).Add(20 * time.Hour), Multiplier: 100,
			Right: pricing.Put, Strike: float64(500 + i%100), Style: pricing.American}
		events = append(events, statement.Event{Broker: "tastytrade", Account: "BIG", ID: fmt.Sprintf("f%d", i),
			Order: fmt.Sprintf("f%d", i), Time: at, Kind: statement.Fill, Instrument: put, Symbol: data.Symbol(put),
			Quantity: decimal.NewFromInt(int64(1 - 2*(i%2))), Price: decimal.NewFromFloat(1.5 + float64(i%7)/10),
			Commission: decimal.NewFromInt(1), Source: "test"})
	}
	if _, err := j.Import(ctx, data.AccountRef{}, &statement.Statement{Events: events}); err != nil {
		t.Fatal(err)
	}
	var pts []data.GreekPoint
	for i := range 5760 {
		at := d.Latest().Time.Add(-time.Duration(i) * 15 * time.Second)
		pts = append(pts, data.GreekPoint{Time: at, BetaDelta: float64(i % 50), Gamma: -1, Theta: 30, Vega: -80})
	}
	if err := j.RecordGreekHistory(ctx, d.Book(), pts); err != nil {
		t.Fatal(err)
	}
	if err := j.SetSetting(ctx, chartsSettingKey, `{"greek":"delta","window":"week","scopes":[""]}`); err != nil {
		t.Fatal(err)
	}

	ui.ResetLongestCallback()
	began := time.Now()
	var v *ChartsView
	var shownFirst string
	// Holding the UI lock while it is built, the window cannot have applied anything read
	// from the journal yet: what it shows then was built without reading it.
	testkit.Locked(func() {
		v = NewChartsView(ui.Env{Now: func() time.Time { return chartsNow }, Desk: d, Journal: j})
		v.Content()
		shownFirst = v.windowRadio.Selected
	})
	built := time.Since(began)
	if shownFirst != "Last day" {
		t.Errorf("the window opened on %q, not the default while its choices load", shownFirst)
	}
	t.Cleanup(func() { stopCharts(v) })
	v.Settle()
	loaded := time.Since(began)
	longest := ui.LongestCallback()
	if n := len(v.greekChart.Spec().Series); n != 1 || len(v.greekChart.Spec().Series[0].Times) < 5000 {
		t.Fatalf("the Greeks chart shows %d series, want the book's day of samples", n)
	}
	var shown string
	v.apply(func() { shown = v.windowRadio.Selected })
	if shown != "Last week" {
		t.Errorf("the saved window was not shown once loaded: %q", shown)
	}
	t.Logf("charts window on 10,000 fills and 5,760 samples: content built in %v, loaded and drawn in %v; longest UI-goroutine callback %v",
		built, loaded, longest)
	// Generous bounds, for a loaded machine under the race detector; the figures logged
	// above are the measurement.
	if built > 2*time.Second || longest > 2*time.Second {
		t.Errorf("the UI goroutine was held: building %v, longest callback %v", built, longest)
	}
}
