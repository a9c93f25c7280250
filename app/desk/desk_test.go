package desk

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
)

// testStart is a Wednesday morning session, so the market is open.
var testStart = time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC).Add(5 * time.Hour)

type rig struct {
	desk    *Service
	broker  *paper.Broker
	journal *data.Journal
}

// tempJournal is a new journal in a temporary directory, closed when the test ends.
func tempJournal(t *testing.T) *data.Journal {
	t.Helper()
	j, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "keel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func newRig(t *testing.T) *rig {
	t.Helper()
	j := tempJournal(t)
	b, err := paper.New(paper.Config{Store: j, Seed: 7, Start: testStart, Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Start(context.Background(), Config{Broker: b, Journal: j, Publish: 10 * time.Millisecond,
		DividendYield: map[string]float64{"SPY": 0.012}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		d.Close()
		b.Close()
	})
	return &rig{desk: d, broker: b, journal: j}
}

// waitFor waits for a snapshot that satisfies ok, advancing the market a little each time
// so quotes flow.
func (r *rig) waitFor(t *testing.T, what string, ok func(*Snapshot) bool) *Snapshot {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if s := r.desk.Latest(); ok(s) {
			return s
		}
		if err := r.broker.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; last status %q", what, r.desk.Latest().Status)
	return nil
}

func valued(s *Snapshot) bool {
	if !s.Synced || len(s.Positions) == 0 {
		return false
	}
	for _, p := range s.Positions {
		if p.Risk.Err != nil {
			return false
		}
	}
	return true
}

func TestDeskValuesTheDemoBookAndJournalsItsFills(t *testing.T) {
	r := newRig(t)
	s := r.waitFor(t, "the demo book valued", valued)
	if !s.Connected || s.Clock == nil || s.Account.NetLiquidation.IsZero() {
		t.Fatalf("snapshot: connected %v clock %v netliq %s", s.Connected, s.Clock, s.Account.NetLiquidation)
	}
	// The demo book is roughly delta-neutral: its beta-weighted dollar delta is small next to
	// its gross exposure.
	tot := s.Book.Total
	if gross := tot.Bull - tot.Bear; gross == 0 || abs(tot.Net()) > 0.25*gross {
		t.Errorf("book net β$Δ %.0f vs gross %.0f: not roughly neutral", tot.Net(), gross)
	}
	// Every demo fill reaches the journal, with entry Greeks for the options.
	fills, err := r.broker.Fills(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	waitJournal(t, r, len(fills))
}

func waitJournal(t *testing.T, r *rig, fills int) data.TradeList {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		list, err := r.journal.ListTrades(context.Background(), data.Filter{}, data.Page{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tr := range list.Trades {
			d, err := r.journal.TradeDetail(context.Background(), tr.ID)
			if err != nil {
				t.Fatal(err)
			}
			n += len(d.Fills)
		}
		if n >= fills {
			if n > fills {
				t.Fatalf("journal has %d fills, the broker %d: duplicated", n, fills)
			}
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("journal has %d of %d fills", n, fills)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestDeskPlacesThroughChecksAndRecordsEntryGreeks(t *testing.T) {
	r := newRig(t)
	r.waitFor(t, "the demo book valued", valued)
	ctx := context.Background()
	exps, err := r.broker.Expirations(ctx, "SPY")
	if err != nil || len(exps) < 3 {
		t.Fatalf("expirations %v %v", exps, err)
	}
	chain, err := r.broker.Chain(ctx, "SPY", exps[2])
	if err != nil {
		t.Fatal(err)
	}
	put := chain.Strikes[len(chain.Strikes)/3].Put
	o := brokers.Order{ClientID: NewClientID(), Quantity: 1, Type: brokers.Market,
		Legs: []brokers.Leg{{Symbol: put.Symbol, Instrument: put.Instrument, Ratio: -1}}}

	// Pre-trade size limit stops an oversized order before the broker sees it.
	big := o
	big.Quantity = 500
	big.ClientID = NewClientID()
	var ce *CheckError
	if _, err := r.desk.Place(ctx, big); !errors.As(err, &ce) {
		t.Fatalf("500 contracts: err %v, want a CheckError", err)
	}
	p, err := r.desk.Preview(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if p.GreeksErr != nil || p.Change.Vega >= 0 || p.Change.Theta <= 0 {
		t.Fatalf("a short put should add negative vega and positive theta: %+v (%v)", p.Change, p.GreeksErr)
	}
	if !p.CostsKnown {
		t.Error("the paper broker's costs are not estimated")
	}
	before, _ := r.broker.Fills(ctx, time.Time{})
	st, err := r.desk.Place(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	// A retry with the same client id places nothing new.
	st2, err := r.desk.Place(ctx, o)
	if err != nil || st2.ID != st.ID {
		t.Fatalf("retry: %v, order %s vs %s", err, st2.ID, st.ID)
	}
	after, _ := r.broker.Fills(ctx, time.Time{})
	if len(after) != len(before)+1 {
		t.Fatalf("fills %d → %d, want one more", len(before), len(after))
	}
	r.waitFor(t, "the new position", func(s *Snapshot) bool {
		for _, p := range s.Positions {
			if p.Symbol == put.Symbol && p.Risk.Err == nil {
				return true
			}
		}
		return false
	})
	list := waitJournal(t, r, len(after))
	var found bool
	for _, tr := range list.Trades {
		d, _ := r.journal.TradeDetail(ctx, tr.ID)
		for _, f := range d.Fills {
			if f.Symbol == put.Symbol {
				found = len(d.EntryGreeks) > 0 && d.EntryGreeks[0].Vega < 0 && d.EntryGreeks[0].IV > 0
			}
		}
	}
	if !found {
		t.Error("the put's fill is not in the journal with its entry Greeks")
	}
}

func TestDeskRecoversFromADisconnectWithoutDuplicates(t *testing.T) {
	r := newRig(t)
	r.waitFor(t, "the demo book valued", valued)
	ctx := context.Background()
	if err := r.broker.SimulateDisconnect(300 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "the disconnect to show", func(s *Snapshot) bool { return !s.Connected })
	if _, err := r.broker.Quote(ctx, "SPY"); !errors.Is(err, brokers.ErrDisconnected) {
		t.Fatalf("quote while disconnected: %v", err)
	}
	s := r.waitFor(t, "reconnected and valued", func(s *Snapshot) bool { return s.Connected && valued(s) })
	if s.Status != "connected" {
		t.Errorf("status %q", s.Status)
	}
	fills, _ := r.broker.Fills(ctx, time.Time{})
	waitJournal(t, r, len(fills))
}

func TestDeskWeighsToTheFrontESFutureWhenAsked(t *testing.T) {
	r := newRig(t)
	s := r.waitFor(t, "the demo book valued", valued)
	spyUnits := s.Book.Total.BetaDelta
	r.desk.SetBenchmark("ES")
	s = r.waitFor(t, "the book weighed to ES", func(s *Snapshot) bool {
		return valued(s) && s.Book.Benchmark.Symbol == "ESZ6"
	})
	// The same beta-weighted dollars, now in ES contracts (50 × the future's price each).
	if got, want := s.Book.Total.BetaDelta*s.Book.Benchmark.UnitValue, s.Book.Total.BetaDollarDelta; abs(got-want) > 1e-6*abs(want)+1e-9 {
		t.Fatalf("ES units %v × %v ≠ β$Δ %v", s.Book.Total.BetaDelta, s.Book.Benchmark.UnitValue, want)
	}
	if s.Book.Benchmark.UnitValue < 50*5000 || spyUnits == s.Book.Total.BetaDelta {
		t.Fatalf("benchmark %+v: ES contracts should be worth 50 × the future", s.Book.Benchmark)
	}
}
