package portfolio

import (
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
