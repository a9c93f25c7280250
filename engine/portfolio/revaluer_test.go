package portfolio

import (
	"maps"
	"math"
	"testing"
	"time"
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

	// One option whose vol was reused has its price a cent higher: it is solved again,
	// and its vol is the one Revalue implies.
	i := 0
	for !ps[i].Instrument.IsOption() || warm.Positions[i].Vol != cold.Positions[i].Vol {
		i++
	}
	moved := later
	moved.Now = later.Now.Add(100 * time.Millisecond)
	moved.Quotes = make(map[string]Quote, len(m.Quotes))
	for k, q := range m.Quotes {
		moved.Quotes[k] = q
	}
	q := moved.Quotes[ps[i].ID]
	q.Price += 0.01
	moved.Quotes[ps[i].ID] = q
	solved, reused := r.volSolved, r.volReused
	got, _ := r.Revalue(ps, moved, Config{})
	want, _ := Revalue(ps, moved, Config{})
	if r.volSolved == solved || r.volReused-reused < uint64(options)*9/10 {
		t.Errorf("one price changed: %d vols solved, %d reused", r.volSolved-solved, r.volReused-reused)
	}
	if got.Positions[i].Vol != want.Positions[i].Vol || got.Positions[i].Greeks != want.Positions[i].Greeks {
		t.Errorf("changed price: vol %v, want %v", got.Positions[i].Vol, want.Positions[i].Vol)
	}

	// An underlying a cent higher: its options are solved again, exactly.
	u := ps[i].Instrument.Underlying
	if u == "" {
		u = ps[i].Instrument.Root
	}
	moved.Underlyings = maps.Clone(m.Underlyings)
	moved.Underlyings[u] += 0.01
	moved.Now = moved.Now.Add(100 * time.Millisecond)
	solved = r.volSolved
	got, _ = r.Revalue(ps, moved, Config{})
	want, _ = Revalue(ps, moved, Config{})
	onIt := 0
	for k := range got.Positions {
		if got.Positions[k].Underlying == u && got.Positions[k].Instrument.IsOption() {
			onIt++
			if got.Positions[k].Vol != want.Positions[k].Vol {
				t.Errorf("%s moved: %s vol %v, want %v", u, ps[k].ID, got.Positions[k].Vol, want.Positions[k].Vol)
			}
		}
	}
	if n := r.volSolved - solved; onIt == 0 || n < uint64(onIt) {
		t.Errorf("%s moved: %d vols solved for its %d options", u, n, onIt)
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
