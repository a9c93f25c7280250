package checklist

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ticket"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/paper"
)

// TestMeasurePrefill times the parts of the old "Prefill order" path on a live paper desk
// (the market clock running, as in the app): recording the proposal in the journal, and
// building the ticket with the order. KEEL_MEASURE=1 runs it.
func TestMeasurePrefill(t *testing.T) {
	if os.Getenv("KEEL_MEASURE") == "" {
		t.Skip("KEEL_MEASURE=1 runs the measurement")
	}
	testkit.App(t)
	j := testkit.Journal(t, filepath.Join(t.TempDir(), "keel.db"))
	d, stop, err := desk.StartPaper(j, desk.PaperOptions{Seed: 7, Start: testkit.PaperStart})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	testkit.WaitFor(t, "quoted", func() bool { s := d.Latest(); return s.Synced && s.AllQuoted() })
	_ = d.Paper().(*paper.Broker)
	ctx := context.Background()
	spy, _ := d.Lookup(ctx, "SPY")
	o := desk.ChecklistOrder{Scope: "book", Words: "sell 100 SPY", Order: brokers.Order{ClientID: desk.NewClientID(), Type: brokers.Market, Quantity: 100,
		Legs: []brokers.Leg{{Symbol: "SPY", Instrument: spy, Ratio: -1}}}}
	var prop, build []time.Duration
	for i := 0; i < 10; i++ {
		t0 := time.Now()
		if _, err := d.ProposeChecklistOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		prop = append(prop, time.Since(t0))
		t0 = time.Now()
		var tk *ticket.OrderTicket
		order := o.Order
		testkit.Locked(func() { tk = ticket.NewOrderTicket(ui.Env{Desk: d, Journal: j}, &order) })
		build = append(build, time.Since(t0))
		tk.Settle()
		time.Sleep(200 * time.Millisecond)
	}
	med := func(ds []time.Duration) time.Duration {
		sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
		return ds[len(ds)/2]
	}
	t.Logf("proposal journaled: median %v, max %v; ticket built: median %v, max %v", med(prop), prop[len(prop)-1], med(build), build[len(build)-1])
}

// TestPrepareBreachJournal leaves a journal whose paper book is outside its band (4 MES
// bought) at $KEEL_PREP, to look at "Prefill order" in the app.
func TestPrepareBreachJournal(t *testing.T) {
	path := os.Getenv("KEEL_PREP")
	if path == "" {
		t.Skip("KEEL_PREP=FILE prepares the journal")
	}
	d, _, stop := startChecklistDesk(t, path)
	buyMES(t, d)
	stop()
}
