package portfolio

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

// TestRevaluerWithinATick is the Revaluer's promise for the desk's common case, stated in
// its doc: an American option whose underlying has moved by at most one tick, at most a
// minute after its exact valuation, is served from the cache with its price within 1e-4
// of a tick of a fresh valuation's and its delta within 1e-4 (measured on the 402
// American options of the realistic book: at most 2.5e-5 of a tick and 7.7e-6). Beyond
// the tick the extrapolation goes on, within the Revaluer's band, with the errors stated
// in TestRevaluerMatchesRevalue.
func TestRevaluerWithinATick(t *testing.T) {
	ps, m := benchBook(t, 1000)
	_, american := countAmerican(ps)
	tests := []struct {
		name  string
		ticks float64
		later time.Duration
	}{
		{"one tick up, 100 ms", 1, 100 * time.Millisecond},
		{"one tick down, 1 s", -1, time.Second},
		{"one tick up, a minute", 1, time.Minute},
		{"half a tick down, a minute", -0.5, time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r Revaluer
			if _, err := r.Revalue(ps, m, Config{Workers: 2}); err != nil {
				t.Fatal(err)
			}
			mk := m
			mk.Now = m.Now.Add(tc.later)
			mk.Underlyings = make(map[string]float64, len(m.Underlyings))
			for sym, v := range m.Underlyings {
				mk.Underlyings[sym] = v + tc.ticks*underlyingTick(sym)
			}
			hitsBefore, _ := r.Stats()
			got, err := r.Revalue(ps, mk, Config{})
			if err != nil {
				t.Fatal(err)
			}
			want, _ := Revalue(ps, mk, Config{})
			if h, _ := r.Stats(); h-hitsBefore != uint64(american) {
				t.Fatalf("%d of the %d American options from the cache", h-hitsBefore, american)
			}
			var worstPrice, worstDelta float64
			for i := range got.Positions {
				g, w := &got.Positions[i], &want.Positions[i]
				if !g.Instrument.IsOption() || g.Instrument.Style != pricing.American {
					continue
				}
				tick := underlyingTick(g.Underlying)
				worstPrice = math.Max(worstPrice, math.Abs(g.Greeks.Price-w.Greeks.Price)/tick)
				worstDelta = math.Max(worstDelta, math.Abs(g.Greeks.Delta-w.Greeks.Delta))
			}
			t.Logf("worst errors: price %.2g of a tick, delta %.2g", worstPrice, worstDelta)
			if worstPrice > tickPriceTolerance || worstDelta > tickDeltaTolerance {
				t.Errorf("errors %g of a tick in price, %g in delta; allowed %g and %g", worstPrice, worstDelta, tickPriceTolerance, tickDeltaTolerance)
			}
		})
	}
}

// The tolerances of TestRevaluerWithinATick (see Revaluer).
const (
	tickPriceTolerance = 1e-4 // of the underlying's tick, per unit
	tickDeltaTolerance = 1e-4
)

// underlyingTick is the smallest price step of an underlying of the test books: 0.25 index
// points for the E-mini and Micro E-mini S&P 500 and Nasdaq-100 futures, 0.10 for the
// E-mini Russell 2000 (CME contract specifications), one cent for stocks and ETFs.
func underlyingTick(sym string) float64 {
	switch {
	case strings.HasPrefix(sym, "RTY"):
		return 0.10
	case strings.HasPrefix(sym, "ES"), strings.HasPrefix(sym, "MES"), strings.HasPrefix(sym, "NQ"):
		return 0.25
	}
	return 0.01
}
