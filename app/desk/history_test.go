package desk

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers/paper"
)

// TestHistoryWrittenInBatches: at a fast clock the Greeks history sampled within
// HistoryWriteEvery of wall time waits and is written in one go — every sample kept, the
// positions' day once — and what waits is written when the desk closes.
func TestHistoryWrittenInBatches(t *testing.T) {
	j := tempJournal(t)
	b, err := paper.New(paper.Config{Store: j, Seed: 7, Start: testStart, Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	wall := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC) // the wall clock stands still
	d, err := Start(context.Background(), Config{Broker: b, Journal: j, Publish: 10 * time.Millisecond,
		Wall: func() time.Time { return wall }})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{desk: d, broker: b, journal: j}
	first := r.waitFor(t, "the book valued", func(s *Snapshot) bool { return s.Synced && !s.Book.Now.IsZero() })
	book := d.Book()
	count := func() int {
		pts, err := j.GreekHistory(context.Background(), book, "", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return len(pts)
	}
	deadline := time.Now().Add(10 * time.Second)
	for count() < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d samples written at the start, want the first one", n)
	}
	const more = 5
	for i := 1; i <= more; i++ {
		if err := b.Advance(SampleEvery); err != nil {
			t.Fatal(err)
		}
		want := first.Time.Add(time.Duration(i) * SampleEvery)
		r.waitFor(t, "the advanced market", func(s *Snapshot) bool { return !s.Time.Before(want) })
	}
	time.Sleep(50 * time.Millisecond) // a few more ticks of the loop: nothing is due
	if n := count(); n != 1 {
		t.Fatalf("%d samples written within %v of wall time, want 1 (the rest wait)", n, HistoryWriteEvery)
	}
	d.Close()
	if n := count(); n != 1+more {
		t.Fatalf("%d samples written once the desk closed, want %d", n, 1+more)
	}
	// The positions' day as of the last sample: the SPY positions' price then.
	spy := 0.0
	for _, p := range d.Latest().Book.Positions {
		if p.Err == nil && p.Instrument.Root == "SPY" {
			spy = p.UnderlyingPrice
		}
	}
	days, err := j.UnderlyingDays(context.Background(), book, "SPY")
	if err != nil {
		t.Fatal(err)
	}
	if spy == 0 || len(days) != 1 || math.Abs(days[0].Spot-spy) > 1e-3 {
		t.Fatalf("SPY's recorded days %+v, want one at the last sample's %v", days, spy)
	}
}
