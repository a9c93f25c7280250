package portfolio

import (
	"maps"
	"math"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

func moved(m Market, by float64, later time.Duration) Market {
	out := m
	out.Now = m.Now.Add(later)
	out.Underlyings = make(map[string]float64, len(m.Underlyings))
	for k, v := range m.Underlyings {
		out.Underlyings[k] = v * (1 + by)
	}
	return out
}

func TestRevaluerMatchesRevalue(t *testing.T) {
	ps, m := benchBook(t, 300)
	var r Revaluer
	cold, err := r.Revalue(ps, m, Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	exact, _ := Revalue(ps, m, Config{})
	if cold.Total != exact.Total {
		t.Fatalf("cold Revaluer %+v, Revalue %+v", cold.Total, exact.Total)
	}
	hits, misses := r.Stats()
	_, american := countAmerican(ps)
	if hits != 0 || misses == 0 || misses > uint64(american) {
		t.Fatalf("cold: %d hits, %d misses of %d American positions", hits, misses, american)
	}
	// Everything 0.15% up, 4 minutes later: extrapolated. Measured worst errors per unit:
	// 2.0e-7 of the underlying's price in value, 6.1e-4 in delta; the test allows 5e-7 and
	// 1e-3. (At 0.05% and 10 s they were 8.8e-9 and 6.8e-5.)
	m2 := moved(m, 0.0015, 4*time.Minute)
	warm, err := r.Revalue(ps, m2, Config{})
	if err != nil {
		t.Fatal(err)
	}
	exact, _ = Revalue(ps, m2, Config{})
	h2, m2s := r.Stats()
	if h2 == 0 || m2s != misses {
		t.Fatalf("warm: %d hits, %d misses (cold %d)", h2, m2s, misses)
	}
	var worstP, worstD float64
	for i := range warm.Positions {
		w, e := warm.Positions[i], exact.Positions[i]
		worstP = math.Max(worstP, math.Abs(w.Greeks.Price-e.Greeks.Price)/e.UnderlyingPrice)
		worstD = math.Max(worstD, math.Abs(w.Greeks.Delta-e.Greeks.Delta))
	}
	t.Logf("worst extrapolation error: price %.2g of the underlying, delta %.2g", worstP, worstD)
	if worstP > 5e-7 || worstD > 1e-3 {
		t.Errorf("extrapolation error: price %g of S, delta %g", worstP, worstD)
	}
	// 0.35% further (beyond the 0.2% band), then the same prices 6 minutes later (beyond
	// five): exact again.
	for _, mk := range []Market{moved(m, 0.005, 5*time.Minute), moved(m, 0.005, 11*time.Minute)} {
		hBefore, _ := r.Stats()
		got, _ := r.Revalue(ps, mk, Config{})
		want, _ := Revalue(ps, mk, Config{})
		if h, _ := r.Stats(); h != hBefore || got.Total != want.Total {
			t.Errorf("beyond the band or age: %d new hits, totals %+v vs %+v", h-hBefore, got.Total, want.Total)
		}
	}
}

// impliedBook is benchBook with every option quoted by its price (the model value at its
// vol, to the cent) instead of its vol, as the desk quotes them.
func impliedBook(t testing.TB, n int) ([]Position, Market) {
	ps, m := benchBook(t, n)
	exact, err := Revalue(ps, m, Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	quotes := make(map[string]Quote, len(m.Quotes))
	for _, p := range exact.Positions {
		q := m.Quotes[p.ID]
		if p.Instrument.IsOption() {
			q = Quote{Price: math.Max(0.01, math.Round(p.Greeks.Price*100)/100)}
		}
		quotes[p.ID] = q
	}
	m.Quotes = quotes
	return ps, m
}

func TestRevaluerReusesImpliedVolsOfUnchangedQuotes(t *testing.T) {
	ps, m := impliedBook(t, 200)
	var r Revaluer
	cold, err := r.Revalue(ps, m, Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	exact, _ := Revalue(ps, m, Config{})
	if cold.Total != exact.Total || r.volReused != 0 || r.volSolved == 0 {
		t.Fatalf("cold: totals %+v vs %+v, %d vols reused, %d solved", cold.Total, exact.Total, r.volReused, r.volSolved)
	}
	options, _ := countAmerican(ps)

	// The same quotes 200 ms later: the vols are reused, but for the few options whose vol
	// the clock alone moves faster (theta/vega above 160 a year: days from expiry, far from
	// the money, or at the price floor). Each reused vol differs from the one solved anew
	// by at most the drift allowed (1e-6, to first order; 2e-6 tested), and each value by at
	// most vega times that.
	solved := r.volSolved
	later := m
	later.Now = m.Now.Add(200 * time.Millisecond)
	warm, err := r.Revalue(ps, later, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if r.volReused < uint64(options)*9/10 || r.volReused+r.volSolved-solved < uint64(options)-uint64(options)/10 {
		t.Fatalf("unchanged quotes: %d vols solved again, %d of %d reused", r.volSolved-solved, r.volReused, options)
	}
	exact, _ = Revalue(ps, later, Config{})
	var worstVol, worstPrice float64
	for i := range warm.Positions {
		w, e := warm.Positions[i], exact.Positions[i]
		if !w.Instrument.IsOption() {
			continue
		}
		worstVol = math.Max(worstVol, math.Abs(w.Vol-e.Vol))
		worstPrice = math.Max(worstPrice, math.Abs(w.Greeks.Price-e.Greeks.Price)/math.Max(e.Greeks.Vega, 1e-9))
	}
	t.Logf("reused vols: worst error %.2g in vol, %.2g vegas in value", worstVol, worstPrice)
	if worstVol > 2e-6 || worstPrice > 2e-6 {
		t.Errorf("reused vols: error %g in vol, %g vegas in value", worstVol, worstPrice)
	}

	// One European option whose vol was reused has its price a cent higher: its vol is
	// found again (by Newton's method from the last one), to 1e-10 of itself as ImpliedVol
	// finds it (1e-9 tested).
	i := 0
	for !ps[i].Instrument.IsOption() || ps[i].Instrument.Style != pricing.European || warm.Positions[i].Vol != cold.Positions[i].Vol {
		i++
	}
	moved := later
	moved.Now = later.Now.Add(100 * time.Millisecond)
	moved.Quotes = maps.Clone(m.Quotes)
	q := moved.Quotes[ps[i].ID]
	q.Price += 0.01
	moved.Quotes[ps[i].ID] = q
	newton, reused := r.volNewton+r.volSolved, r.volReused
	got, _ := r.Revalue(ps, moved, Config{})
	want, _ := Revalue(ps, moved, Config{})
	if r.volNewton+r.volSolved == newton || r.volReused-reused < uint64(options)*9/10 {
		t.Errorf("one price changed: %d vols found again, %d reused", r.volNewton+r.volSolved-newton, r.volReused-reused)
	}
	if g, w := got.Positions[i], want.Positions[i]; g.Vol == warm.Positions[i].Vol || !near(g.Vol, w.Vol, 1e-9) || !near(g.Greeks.Delta, w.Greeks.Delta, 1e-9) {
		t.Errorf("changed price: vol %v delta %v, want %v and %v", g.Vol, g.Greeks.Delta, w.Vol, w.Greeks.Delta)
	}

	// An underlying a cent higher: the vols of its European options are found again (to
	// 1e-10 of themselves), and those of its American ones stepped (see
	// TestRevaluerStepsAmericanImpliedVols).
	u := ps[i].Instrument.Underlying
	if u == "" {
		u = ps[i].Instrument.Root
	}
	moved.Underlyings = maps.Clone(m.Underlyings)
	moved.Underlyings[u] += 0.01
	moved.Now = moved.Now.Add(100 * time.Millisecond)
	found := r.volSolved + r.volStepped + r.volNewton
	got, _ = r.Revalue(ps, moved, Config{})
	want, _ = Revalue(ps, moved, Config{})
	onIt := 0
	for k := range got.Positions {
		g, w := got.Positions[k], want.Positions[k]
		if g.Underlying != u || !g.Instrument.IsOption() {
			continue
		}
		onIt++
		if g.Instrument.Style == pricing.European && !near(g.Vol, w.Vol, 1e-9) ||
			math.Abs(g.Vol-w.Vol) > 2e-6 || math.Abs(g.Greeks.Delta-w.Greeks.Delta) > 3e-4 {
			t.Errorf("%s moved: %s vol %v delta %v, want %v and %v", u, ps[k].ID, g.Vol, g.Greeks.Delta, w.Vol, w.Greeks.Delta)
		}
	}
	if n := r.volSolved + r.volStepped + r.volNewton - found; onIt == 0 || n < uint64(onIt) {
		t.Errorf("%s moved: %d vols found again for its %d options", u, n, onIt)
	}

	// Past MaxAge the vols are solved again whatever the quotes.
	solved = r.volSolved
	stale := m
	stale.Now = m.Now.Add(6 * time.Minute)
	if _, err := r.Revalue(ps, stale, Config{}); err != nil {
		t.Fatal(err)
	}
	if r.volSolved == solved {
		t.Error("six minutes on: no vol solved again")
	}
}

// priceQuoted is m with every option of ps quoted by its exact value (and no vol) at m's
// vols scaled by 1+volUp.
func priceQuoted(t *testing.T, ps []Position, m Market, volUp float64) Market {
	t.Helper()
	withVols := m
	withVols.Quotes = make(map[string]Quote, len(m.Quotes))
	for k, q := range m.Quotes {
		q.Vol *= 1 + volUp
		withVols.Quotes[k] = q
	}
	book, err := Revalue(ps, withVols, Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	out := m
	out.Quotes = make(map[string]Quote, len(m.Quotes))
	for _, p := range book.Positions {
		q := m.Quotes[p.ID]
		if p.Instrument.IsOption() {
			q = Quote{Price: p.Greeks.Price}
		}
		out.Quotes[p.ID] = q
	}
	return out
}

func TestRevaluerStepsAmericanImpliedVols(t *testing.T) {
	ps, m := benchBook(t, 400)
	_, american := countAmerican(ps)
	tests := []struct {
		name        string
		move, volUp float64
		later       time.Duration
		stepped     int     // at least
		vol, delta  float64 // largest errors allowed
	}{
		// Measured worst errors: 7.9e-7 in vol, 1.6e-4 in delta.
		{"0.05%, 10 s", 0.0005, 0, 10 * time.Second, american * 9 / 10, 2e-6, 3e-4},
		// Measured: 1.9e-5 in vol (the extrapolated value's error over vega), 1.5e-3 in delta.
		{"0.15%, 4 min", 0.0015, 0, 4 * time.Minute, american * 9 / 10, 4e-5, 2e-3},
		// Vols 1% higher: the step's volga term rules most out (measured: 29 stepped, 8.5e-6
		// in vol, 2.2e-4 in delta).
		{"0.15%, 4 min, vols +1%", 0.0015, 0.01, 4 * time.Minute, 1, 2e-5, 5e-4},
		// Beyond the band: every American vol solved (European ones are found by Newton's
		// method from the last, to 1e-10 of themselves).
		{"0.3%", 0.003, 0, time.Second, 0, 1e-9, 1e-9},
	}
	for _, tc := range tests {
		var r Revaluer
		if _, err := r.Revalue(ps, priceQuoted(t, ps, m, 0), Config{Workers: 2}); err != nil {
			t.Fatal(err)
		}
		mk := priceQuoted(t, ps, moved(m, tc.move, tc.later), tc.volUp)
		got, err := r.Revalue(ps, mk, Config{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := Revalue(ps, mk, Config{})
		var worstVol, worstDelta float64
		for i := range got.Positions {
			g, w := got.Positions[i], want.Positions[i]
			// The value is the quote either way (to the implied-vol solver's tolerance).
			if g.Mark != w.Mark || math.Abs(g.Greeks.Price-w.Greeks.Price) > 1e-8*w.UnderlyingPrice {
				t.Errorf("%s: %s marked %v, value %v; want %v, %v", tc.name, ps[i].ID, g.Mark, g.Greeks.Price, w.Mark, w.Greeks.Price)
			}
			worstVol = math.Max(worstVol, math.Abs(g.Vol-w.Vol))
			worstDelta = math.Max(worstDelta, math.Abs(g.Greeks.Delta-w.Greeks.Delta))
		}
		t.Logf("%s: %d of %d American vols stepped; worst errors %.2g in vol, %.2g in delta", tc.name, r.volStepped, american, worstVol, worstDelta)
		if int(r.volStepped) < tc.stepped || tc.stepped == 0 && r.volStepped != 0 || worstVol > tc.vol || worstDelta > tc.delta {
			t.Errorf("%s: %d stepped, errors %g in vol and %g in delta", tc.name, r.volStepped, worstVol, worstDelta)
		}
	}
}
