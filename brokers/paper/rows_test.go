package paper

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
)

var rowsStart = time.Date(2026, 11, 17, 15, 0, 0, 0, time.UTC) // 10:00 New York

func openJournal(t testing.TB) (*data.Journal, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keel.db")
	j, err := data.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j, path
}

func manualConfig(store Store) Config {
	return Config{Store: store, Seed: 42, Start: rowsStart, Manual: true, Speed: 60,
		Wall: func() time.Time { return rowsStart }}
}

// fill buys (qty > 0) or sells SPY shares at the market and requires a fill.
func fill(t testing.TB, b *Broker, qty int64) {
	t.Helper()
	if err := b.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	ratio := int64(1)
	if qty < 0 {
		ratio, qty = -1, -qty
	}
	st, err := b.Place(context.Background(), brokers.Order{Legs: []brokers.Leg{{Symbol: "SPY", Ratio: ratio}},
		Quantity: qty, Type: brokers.Market, TIF: brokers.Day})
	if err != nil || st.State != brokers.Filled {
		t.Fatalf("%+v, %v", st, err)
	}
}

type resumed struct {
	Account   brokers.Account
	Positions []brokers.Position
	Orders    []brokers.OrderStatus
	Fills     []brokers.Fill
	Settles   []brokers.Settlement
	Clock     brokers.ClockState
}

func state(t testing.TB, b *Broker) resumed {
	t.Helper()
	ctx := context.Background()
	if err := b.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	var r resumed
	var err error
	r.Account, err = b.Account(ctx)
	if err == nil {
		r.Positions, err = b.Positions(ctx)
	}
	if err == nil {
		r.Orders, err = b.Orders(ctx)
	}
	if err == nil {
		r.Fills, err = b.Fills(ctx, time.Time{})
	}
	if err == nil {
		r.Settles, err = b.Settlements(ctx, time.Time{})
	}
	if err != nil {
		t.Fatal(err)
	}
	r.Clock = b.Clock()
	return r
}

// same compares two states as their JSON: a time read back has the zone's offset, not
// its name.
func same(a, b resumed) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// TestAccountResumesFromRows trades, closes and reopens the account from its rows: the
// account is the same, a closed position's row is gone, and a fill writes a handful of
// rows, not the account.
func TestAccountResumesFromRows(t *testing.T) {
	j, _ := openJournal(t)
	b, err := New(manualConfig(j))
	if err != nil {
		t.Fatal(err)
	}
	fill(t, b, 100)
	fill(t, b, -40)
	if err := b.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	before := state(t, b)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b2, err := New(manualConfig(j))
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	after := state(t, b2)
	if !same(before, after) {
		t.Fatalf("resumed\n%+v\nbefore\n%+v", after, before)
	}
	rows, err := j.LoadPaper(context.Background(), DefaultAccount)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range rows {
		kinds[r.Kind]++
	}
	if kinds[rowAccount] != 1 || kinds[rowMarket] != 1 || kinds[rowFill] != len(before.Fills) ||
		kinds[rowPosition] != len(before.Positions) || kinds[rowLegacy] != 0 {
		t.Errorf("rows %v; want one account and market row, %d fills, %d positions", kinds, len(before.Fills), len(before.Positions))
	}
	// One more fill writes the header, the market, its order, its fill and the position.
	var wrote []Row
	spy := &spyStore{Store: j, saved: func(rs []Row) { wrote = rs }}
	b2.run(context.Background(), false, func() error { b2.cfg.Store = spy; return nil })
	fill(t, b2, 1)
	if len(wrote) != 5 {
		t.Errorf("a fill wrote %d rows; want 5 (account, market, order, fill, position)", len(wrote))
	}
}

type spyStore struct {
	Store
	saved func([]Row)
}

func (s *spyStore) SavePaper(ctx context.Context, account string, rows []Row) error {
	s.saved(rows)
	return s.Store.SavePaper(ctx, account, rows)
}

// TestLegacyBlobMigratesIntoRows opens a journal whose account an older Keel saved as one
// blob (kept by the journal's migration as the account's legacy row): it resumes exactly,
// and the first open rewrites it as rows without the blob.
func TestLegacyBlobMigratesIntoRows(t *testing.T) {
	j, _ := openJournal(t)
	mem, err := New(manualConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	fill(t, mem, 7)
	before := state(t, mem)
	var blob []byte
	mem.run(context.Background(), false, func() error { // the account in the old one-blob layout
		ms, err := mem.market.State()
		if err != nil {
			return err
		}
		old := *mem.acct
		old.Market, old.Now, old.Speed, old.Paused = ms, mem.clock.Now(), mem.clock.Speed(), mem.clock.Paused()
		blob, err = old.marshal()
		return err
	})
	mem.Close()
	if err := j.SavePaper(context.Background(), DefaultAccount, []Row{{Kind: rowLegacy, Body: blob}}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // the first open migrates, the second reads the rows
		b, err := New(manualConfig(j))
		if err != nil {
			t.Fatal(err)
		}
		after := state(t, b)
		b.Close()
		if !same(before, after) {
			t.Fatalf("open %d:\n%+v\nbefore\n%+v", i+1, after, before)
		}
		rows, _ := j.LoadPaper(context.Background(), DefaultAccount)
		for _, r := range rows {
			if r.Kind == rowLegacy {
				t.Fatalf("open %d: the legacy blob is still there", i+1)
			}
		}
	}
}

// fullDisk is a store whose writes fail while full is set.
type fullDisk struct {
	Store
	mu   sync.Mutex
	full bool
}

func (f *fullDisk) SavePaper(ctx context.Context, account string, rows []Row) error {
	f.mu.Lock()
	full := f.full
	f.mu.Unlock()
	if full {
		return errors.New("database or disk is full")
	}
	return f.Store.SavePaper(ctx, account, rows)
}

func (f *fullDisk) set(full bool) { f.mu.Lock(); f.full = full; f.mu.Unlock() }

// TestFailedSaveIsReportedAndRetried fills while the store refuses writes: SaveError says
// so, the next tick after space returns saves everything, and SaveError clears.
func TestFailedSaveIsReportedAndRetried(t *testing.T) {
	j, _ := openJournal(t)
	var mu sync.Mutex
	wall := rowsStart
	cfg := manualConfig(nil)
	cfg.Wall = func() time.Time { mu.Lock(); defer mu.Unlock(); return wall }
	disk := &fullDisk{Store: j}
	cfg.Store = disk
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	disk.set(true)
	fill(t, b, 3)
	if err := b.SaveError(); err == nil {
		t.Fatal("a failed save is not reported")
	}
	disk.set(false)
	mu.Lock()
	wall = wall.Add(retryEvery)
	mu.Unlock()
	if err := b.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	if err := b.SaveError(); err != nil {
		t.Fatalf("after space returned: %v", err)
	}
	want := state(t, b)
	// Read back from the journal without closing b (Close would save anyway).
	other, err := New(manualConfig(j))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	got := state(t, other)
	if len(got.Fills) != len(want.Fills) || len(got.Fills) == 0 || got.Fills[len(got.Fills)-1].ID != want.Fills[len(want.Fills)-1].ID {
		t.Errorf("saved fills %d; want %d", len(got.Fills), len(want.Fills))
	}
	b.Close()
}

// TestFillIDsDoNotCollide opens the same saved account twice, as two processes would: the
// fills each makes have ids the other never hands out.
func TestFillIDsDoNotCollide(t *testing.T) {
	j, _ := openJournal(t)
	a, err := New(manualConfig(j))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	c, err := New(manualConfig(j))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fill(t, a, 1)
	fill(t, c, 1)
	fa, fc := state(t, a).Fills, state(t, c).Fills
	if fa[len(fa)-1].ID == fc[len(fc)-1].ID || fa[len(fa)-1].OrderID == fc[len(fc)-1].OrderID {
		t.Errorf("both processes handed out fill %s / order %s", fa[len(fa)-1].ID, fa[len(fa)-1].OrderID)
	}
}

// BenchmarkFill times one market order's fill, saved to an on-disk journal, on a new
// account and on one that already has 20,000 fills, and reports the journal's size.
func BenchmarkFill(b *testing.B) {
	for _, n := range []int{0, 20000} {
		b.Run(map[int]string{0: "first", 20000: "after20000"}[n], func(b *testing.B) {
			j, path := openJournal(b)
			br, err := New(manualConfig(j))
			if err != nil {
				b.Fatal(err)
			}
			defer br.Close()
			ctx := context.Background()
			if err := br.Connect(ctx); err != nil {
				b.Fatal(err)
			}
			// The history is made in memory and saved once, as a migrated journal would be.
			br.run(ctx, false, func() error { br.cfg.Store = nil; return nil })
			for i := range n {
				fill(b, br, 1-2*int64(i%2))
			}
			br.run(ctx, false, func() error {
				br.cfg.Store = j
				br.acct.everything()
				return br.save()
			})
			var blob, market int
			br.run(ctx, false, func() error {
				ms, _ := br.market.State()
				market = len(ms)
				old, _ := br.acct.marshal()
				blob = len(old) + len(ms)*4/3
				return nil
			})
			b.ResetTimer()
			i := 0
			for b.Loop() {
				fill(b, br, 1-2*int64(i%2))
				i++
			}
			b.StopTimer()
			if fi, err := os.Stat(path); err == nil {
				b.ReportMetric(float64(fi.Size())/1e6, "db_MB")
			}
			b.ReportMetric(float64(blob)/1e6, "oldblob_MB")
			b.ReportMetric(float64(market), "market_B")
		})
	}
}
