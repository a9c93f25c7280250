package sim

import (
	"math"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

func TestIsOpenAndNextOpen(t *testing.T) {
	cases := []struct {
		at   time.Time
		open bool
		next time.Time
	}{
		{ny(2026, 11, 20, 9, 29), false, ny(2026, 11, 20, 9, 30)},
		{ny(2026, 11, 20, 9, 30), true, ny(2026, 11, 20, 9, 30)},
		{ny(2026, 11, 20, 15, 59), true, ny(2026, 11, 20, 15, 59)},
		{ny(2026, 11, 20, 16, 0), false, ny(2026, 11, 23, 9, 30)},                                              // Friday close → Monday
		{ny(2026, 11, 25, 17, 0), false, ny(2026, 11, 27, 9, 30)},                                              // Thanksgiving 2026-11-26
		{ny(2026, 12, 24, 20, 0), false, ny(2026, 12, 28, 9, 30)},                                              // Christmas Friday
		{ny(2027, 3, 25, 16, 30), false, ny(2027, 3, 29, 9, 30)},                                               // Good Friday 2027-03-26
		{time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC), true, time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)}, // 10:00 NY
	}
	for _, c := range cases {
		if got := IsOpenAt(c.at); got != c.open {
			t.Errorf("IsOpenAt(%s) = %v", c.at, got)
		}
		if got := NextOpenAt(c.at); !got.Equal(c.next) {
			t.Errorf("NextOpenAt(%s) = %s, want %s", c.at, got, c.next)
		}
	}
}

func TestClockSkipsClosedHours(t *testing.T) {
	// Wednesday before Thanksgiving, one minute before the close, at 60×: two wall seconds
	// are two market minutes: one to the close, then Friday 09:31.
	c := NewClock(ny(2026, 11, 25, 15, 59), 60)
	if got := c.Tick(2 * time.Second); !got.Equal(ny(2026, 11, 27, 9, 31)) {
		t.Errorf("Tick across Thanksgiving: %s", got)
	}
	// Starting on a Saturday starts at Monday's open.
	c = NewClock(ny(2026, 11, 21, 12, 0), 1)
	if !c.Now().Equal(ny(2026, 11, 23, 9, 30)) {
		t.Errorf("clock started at %s", c.Now())
	}
	// A whole session of market time (6.5 h) from the open lands at the next open.
	if got := c.Tick(time.Duration(6.5 * float64(time.Hour))); !got.Equal(ny(2026, 11, 24, 9, 30)) {
		t.Errorf("one session later: %s", got)
	}
	// Paused: nothing moves; negative elapsed: nothing moves.
	c.SetPaused(true)
	if got := c.Tick(time.Hour); !got.Equal(ny(2026, 11, 24, 9, 30)) || !c.Paused() {
		t.Errorf("paused clock moved to %s", got)
	}
	c.SetPaused(false)
	if got := c.Tick(-time.Hour); !got.Equal(ny(2026, 11, 24, 9, 30)) {
		t.Errorf("negative tick moved to %s", got)
	}
	// Five sessions at 3600× (6.5 s × 5 of wall time) from Tuesday 11-24's open: Tue, Wed,
	// Fri (Thanksgiving is closed), Mon, Tue → Wednesday 12-02's open.
	if err := c.SetSpeed(3600); err != nil {
		t.Fatal(err)
	}
	if got := c.Tick(32500 * time.Millisecond); !got.Equal(ny(2026, 12, 2, 9, 30)) {
		t.Errorf("five sessions later: %s", got)
	}
}

func TestClockSpeed(t *testing.T) {
	c := NewClock(ny(2026, 11, 20, 10, 0), 0) // invalid → 1
	if c.Speed() != 1 {
		t.Errorf("speed %v, want 1", c.Speed())
	}
	for _, s := range []float64{0, -1, 3601, math.NaN(), math.Inf(1)} {
		if err := c.SetSpeed(s); err == nil {
			t.Errorf("SetSpeed(%v) accepted", s)
		}
	}
	if err := c.SetSpeed(60); err != nil || c.Speed() != 60 {
		t.Fatal(err)
	}
	if got := c.Tick(500 * time.Millisecond); !got.Equal(ny(2026, 11, 20, 10, 0).Add(30 * time.Second)) {
		t.Errorf("60× for 0.5 s: %s", got)
	}
	// A huge wall interval is bounded (366 sessions), not a hang.
	if got := c.Tick(time.Duration(math.MaxInt64)); got.Year() > 2028 || !IsOpenAt(got) {
		t.Errorf("huge tick went to %s", got)
	}
}

// FuzzClockAndMarket drives a Clock and a Market with random starts, speeds and wall
// intervals: market time stays in a session, moves forward, and no price, quote or IV is
// ever NaN or infinite.
func FuzzClockAndMarket(f *testing.F) {
	f.Add(uint64(1), int64(0), 1.0, int64(100), int64(3_600_000))
	f.Add(uint64(2), int64(86400*200+3600*7), 3600.0, int64(60_000), int64(1))
	f.Add(uint64(3), int64(-86400*30), 60.0, int64(1), int64(7*86_400_000))
	f.Fuzz(func(t *testing.T, seed uint64, offset int64, speed float64, wallMs, bigMs int64) {
		base := time.Date(2026, 11, 20, 10, 0, 0, 0, instrument.NewYork)
		start := base.Add(time.Duration(offset%(3*365*86400)) * time.Second)
		m, err := New(Config{Seed: seed, Start: start})
		if err != nil {
			t.Fatal(err)
		}
		c := NewClock(start, speed)
		if !IsOpenAt(c.Now()) || !c.Now().Equal(m.Now()) {
			t.Fatalf("clock %s, market %s", c.Now(), m.Now())
		}
		wall := []time.Duration{time.Duration(wallMs%10_000) * time.Millisecond, time.Duration(bigMs%(100*3_600_000)) * time.Millisecond}
		for i := range 6 {
			before := c.Now()
			now := c.Tick(wall[i%2])
			if now.Before(before) || !IsOpenAt(now) {
				t.Fatalf("clock went from %s to %s", before, now)
			}
			m.Advance(now)
			if !m.Now().Equal(now) {
				t.Fatalf("market at %s, clock at %s", m.Now(), now)
			}
			checkFinite(t, m)
		}
	})
}

// checkFinite quotes every underlying and the nearest chain of each and fails on any
// non-finite or inverted value.
func checkFinite(t *testing.T, m *Market) {
	t.Helper()
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	for _, u := range m.Underlyings() {
		q, err := m.Quote(u.Symbol())
		if err != nil {
			t.Fatal(err)
		}
		if bad(q.Bid) || bad(q.Ask) || !(q.Bid > 0) || q.Ask < q.Bid {
			t.Fatalf("%s: %+v", u.Symbol(), q)
		}
		ex := m.Expirations(u.Symbol())
		if len(ex) == 0 {
			continue
		}
		for _, oq := range m.Chain(u.Symbol(), ex[0]) {
			if bad(oq.Bid) || bad(oq.Ask) || bad(oq.IV) || bad(oq.Underlying) || oq.Bid < 0 || oq.Ask <= oq.Bid {
				t.Fatalf("%s: %+v", oq.Symbol, oq)
			}
		}
	}
}

// FuzzAdvance moves a market to random times, open or closed, forwards or backwards:
// Now follows the latest target and nothing turns NaN.
func FuzzAdvance(f *testing.F) {
	f.Add(uint64(1), int64(3600), int64(86400*3), int64(-500))
	f.Add(uint64(9), int64(1), int64(20*86400), int64(7*86400+1))
	f.Fuzz(func(t *testing.T, seed uint64, a, b, c int64) {
		m, err := New(Config{Seed: seed, Start: time.Date(2026, 12, 17, 15, 0, 0, 0, instrument.NewYork)})
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range []int64{a, b, c} {
			before := m.Now()
			to := before.Add(time.Duration(off%(30*86400)) * time.Second)
			m.Advance(to)
			want := before
			if to.After(before) {
				want = to
			}
			if !m.Now().Equal(want) {
				t.Fatalf("Advance(%s) from %s: Now %s", to, before, m.Now())
			}
			checkFinite(t, m)
		}
	})
}

// TestExtremeStatesFinite: at the vol state's floor and ceiling every chain still quotes
// finite, ordered markets.
func TestExtremeStatesFinite(t *testing.T) {
	for _, x := range []float64{minLogVol, maxLogVol} {
		m := newMarket(t, 1, ny(2026, 11, 20, 15, 59))
		m.p.LogVol = x
		checkFinite(t, m)
		for _, u := range []string{"SPY", "VXX", "SQQQ"} {
			for _, e := range m.Expirations(u) {
				for _, q := range m.Chain(u, e) {
					if math.IsNaN(q.Bid+q.Ask+q.IV) || q.Ask <= q.Bid {
						t.Fatalf("%s at log-vol %.2f: %+v", q.Symbol, x, q)
					}
				}
			}
		}
	}
}
