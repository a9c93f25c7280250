package portfolio

import (
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"
)

// withErrors is benchBook with a few positions that cannot be valued (no vol and no price,
// a NaN quantity, an underlying without a price), so the error path is reused too.
func withErrors(t testing.TB, n int) ([]Position, Market) {
	ps, m := benchBook(t, n)
	quotes := make(map[string]Quote, len(m.Quotes))
	for k, v := range m.Quotes {
		quotes[k] = v
	}
	m.Quotes = quotes
	for i := 3; i < len(ps); i += 97 {
		switch i % 3 {
		case 0:
			ps[i].Instrument.Multiplier = 0
		case 1:
			if ps[i].Instrument.IsOption() {
				m.Quotes[ps[i].ID] = Quote{}
			}
		default:
			ps[i].Instrument.Root = "NOPRICE"
			ps[i].Instrument.Underlying = ""
		}
	}
	return ps, m
}

// TestRevalueIntoMatchesRevalue: revaluing into the same Book again and again — books of
// other sizes, other layers, other markets, errors — gives exactly what Revalue returns.
func TestRevalueIntoMatchesRevalue(t *testing.T) {
	big, mBig := benchBook(t, 400)
	small, mSmall := benchBook(t, 60)
	bad, mBad := withErrors(t, 300)
	impl, mImpl := impliedBook(t, 200)
	layers := []Layer{{Name: "ES options", Bias: Short, Underlyings: []string{"ESZ6", "ESH7"}}, {Name: "Hedges"}}
	tests := []struct {
		name string
		ps   []Position
		m    Market
		cfg  Config
	}{
		{"400 positions", big, mBig, Config{Workers: 2}},
		{"60 positions (shrinks)", small, mSmall, Config{}},
		{"400 again, a minute on (grows)", big, moved(mBig, 0.001, time.Minute), Config{Workers: 3}},
		{"configured layers", big, mBig, Config{Layers: layers, Benchmark: "ESZ6"}},
		{"configured layers again", big, moved(mBig, -0.002, time.Second), Config{Layers: layers, Benchmark: "ESZ6"}},
		{"positions in error", bad, mBad, Config{Workers: 2}},
		{"implied vols", impl, mImpl, Config{Workers: 2}},
		{"no benchmark price", small, Market{Now: now, Rate: 0.04}, Config{}},
		{"400 after an error", big, mBig, Config{}},
	}
	var into, cached Book
	var rInto, rNew Revaluer // fed the same markets: the same cache
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := Revalue(tc.ps, tc.m, tc.cfg)
			err := RevalueInto(&into, tc.ps, tc.m, tc.cfg)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("error %v, Revalue's %v", err, wantErr)
			}
			same := func(got, want Book) bool {
				if len(want.Positions) == 0 { // an error for the whole book: nothing in it
					return len(got.Positions)+len(got.Layers)+len(got.Underlyings)+len(got.Expiries) == 0 &&
						got.Total == Exposure{} && got.Now.IsZero()
				}
				return reflect.DeepEqual(got, want)
			}
			if !same(into, want) {
				t.Fatalf("RevalueInto differs from Revalue:\n%+v\n%+v", into.Total, want.Total)
			}
			// A Revaluer into a reused Book gives what one as warm gives into a new one.
			err = rInto.RevalueInto(&cached, tc.ps, tc.m, tc.cfg)
			fresh, freshErr := rNew.Revalue(tc.ps, tc.m, tc.cfg)
			if fmt.Sprint(err) != fmt.Sprint(freshErr) || !same(cached, fresh) {
				t.Fatalf("Revaluer.RevalueInto differs from Revaluer.Revalue: error %v, %+v; want %v, %+v", err, cached.Total, freshErr, fresh.Total)
			}
		})
	}
}

// TestRevalueIntoAllocatesNoBook: once the Book has grown to the book, revaluing into it
// allocates nothing on one goroutine, and only the goroutines' own few bytes on two.
func TestRevalueIntoAllocatesNoBook(t *testing.T) {
	ps, m := benchEuropean(t, 1000)
	layers := []Layer{{Name: "ES options", Bias: Short, Underlyings: []string{"ESZ6"}}}
	tests := []struct {
		name     string
		workers  int
		maxAlloc float64
	}{
		{"one worker", 1, 0},
		{"two workers", 2, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var book Book
			cfg := Config{Workers: tc.workers, Layers: layers}
			// Quotes without vols give the jobs something to do on the workers.
			mk := m
			mk.Quotes = make(map[string]Quote, len(m.Quotes))
			for k, q := range m.Quotes {
				if q.Vol > 0 && len(mk.Quotes)%2 == 0 {
					q = Quote{Price: 5}
				}
				mk.Quotes[k] = q
			}
			if err := RevalueInto(&book, ps, mk, cfg); err != nil {
				t.Logf("%v", err) // a few quotes of 5 below the bounds: kept in error, alike every call
			}
			allocs := testing.AllocsPerRun(5, func() { _ = RevalueInto(&book, ps, m, cfg) })
			if allocs > tc.maxAlloc {
				t.Errorf("%g allocations a call, want at most %g", allocs, tc.maxAlloc)
			}
		})
	}
}

// TestRevalueSameWhateverTheWorkers: the Book is the same, bit for bit, on any number of
// workers, with or without a Revaluer (whose cache, warmed the same way, makes the same
// choices).
func TestRevalueSameWhateverTheWorkers(t *testing.T) {
	ps, m := benchBook(t, 600)
	impl, mImpl := impliedBook(t, 300)
	for _, book := range []struct {
		name string
		ps   []Position
		m    Market
	}{{"vols", ps, m}, {"prices", impl, mImpl}} {
		t.Run(book.name, func(t *testing.T) {
			want, wantErr := Revalue(book.ps, book.m, Config{Workers: 1})
			later := moved(book.m, 0.0007, 3*time.Second)
			var r1 Revaluer
			_, _ = r1.Revalue(book.ps, book.m, Config{Workers: 1})
			wantCached, _ := r1.Revalue(book.ps, later, Config{Workers: 1})
			for _, workers := range []int{0, 2, 3, 7, 16} {
				got, err := Revalue(book.ps, book.m, Config{Workers: workers})
				if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
					t.Errorf("%d workers: the book differs from one worker's", workers)
				}
				var r Revaluer
				_, _ = r.Revalue(book.ps, book.m, Config{Workers: workers})
				var into Book
				_ = r.RevalueInto(&into, book.ps, later, Config{Workers: workers})
				if !reflect.DeepEqual(into, wantCached) {
					t.Errorf("%d workers: the Revaluer's book differs from one worker's", workers)
				}
			}
		})
	}
}

// FuzzRevalueIntoSameAsRevalue: whatever the quotes, revaluing into a Book that held
// another valuation gives what Revalue gives (compared as printed, so that a NaN quantity
// kept in an erring position equals itself).
func FuzzRevalueIntoSameAsRevalue(f *testing.F) {
	f.Add(600.0, 12.5, 0.2, 5.0, 0.04)
	f.Add(0.0, 0.0, 0.0, -1.0, 0.0)
	f.Add(math.NaN(), math.Inf(1), -0.5, 1e300, 1.0)
	f.Add(1e-300, 1e300, 1e-9, 0.0, math.NaN())
	f.Fuzz(func(t *testing.T, under, price, vol, qty, rate float64) {
		ps, m, _ := optionsBook(t)
		var into Book
		if err := RevalueInto(&into, ps, m, Config{Workers: 2}); err != nil {
			t.Fatal(err)
		}
		m.Rate = rate
		m.Quotes = make(map[string]Quote, len(ps))
		for i := range ps {
			ps[i].Quantity = qty
			m.Quotes[ps[i].ID] = Quote{Underlying: under, Price: price, Vol: vol}
		}
		want, wantErr := Revalue(ps, m, Config{})
		err := RevalueInto(&into, ps, m, Config{Workers: 2})
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("error %v, Revalue's %v", err, wantErr)
		}
		if len(want.Positions) == 0 {
			if len(into.Positions) != 0 || into.Total != (Exposure{}) {
				t.Fatalf("an error for the whole book, yet %d positions", len(into.Positions))
			}
			return
		}
		if g, w := fmt.Sprintf("%+v", into), fmt.Sprintf("%+v", want); g != w {
			t.Fatalf("RevalueInto differs from Revalue:\n%s\n%s", g, w)
		}
	})
}
