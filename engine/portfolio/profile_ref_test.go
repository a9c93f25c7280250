package portfolio

import (
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

// referenceProfile is the straightforward computation of Profile's curves, position by
// position (no legs merged), move by move, every valuation done afresh: the European twin
// with pricing.Value, the American premium with pricing.Price at the sample moves (every
// step-th, the last and today's) and linear in between.
func referenceProfile(t *testing.T, book Book, include func(PositionRisk) bool, spec ProfileSpec) [][]ProfilePoint {
	t.Helper()
	return referenceProfileSampled(t, book, include, spec, false)
}

// referenceProfileSampled is referenceProfile, with the American options valued exactly
// at every move when exact.
func referenceProfileSampled(t *testing.T, book Book, include func(PositionRisk) bool, spec ProfileSpec, exact bool) [][]ProfilePoint {
	t.Helper()
	nm := len(spec.Moves)
	zero := 0
	for i, mv := range spec.Moves {
		if math.Abs(mv) < math.Abs(spec.Moves[zero]) {
			zero = i
		}
	}
	var sel []PositionRisk
	first := math.Inf(1)
	for _, p := range book.Positions {
		if p.Err != nil || include != nil && !include(p) {
			continue
		}
		sel = append(sel, p)
		if p.Instrument.IsOption() && p.Years > 0 {
			first = math.Min(first, p.Years)
		}
	}
	step := max((nm-1)/(eepSamples-1), 1)
	if exact {
		step = 1
	}
	spot := func(p PositionRisk, mv float64) (s, benchRel float64) {
		rel := mv
		switch {
		case spec.Benchmark && spec.Points:
			benchRel = mv / book.Benchmark.Price
			rel = p.Beta * benchRel
		case spec.Benchmark:
			benchRel = mv
			rel = p.Beta * mv
		case spec.Points:
			rel = mv / p.UnderlyingPrice
		}
		return math.Max(p.UnderlyingPrice*(1+rel), 0.001*p.UnderlyingPrice), benchRel
	}
	curves := make([][]ProfilePoint, len(spec.Horizons))
	for h, hz := range spec.Horizons {
		dt := hz.Days / 365
		if hz.AtExpiry {
			dt = first
		}
		curves[h] = make([]ProfilePoint, nm)
		for _, p := range sel {
			n := p.Quantity * p.Instrument.Multiplier
			isOpt := p.Instrument.IsOption()
			o := book.optionOf(&p)
			base := p.UnderlyingPrice
			if isOpt {
				base = intrinsic(p.Instrument.Right, p.UnderlyingPrice, p.Instrument.Strike).Price
				if p.Years > 0 {
					var err error
					if base, err = pricing.Price(o); err != nil {
						t.Fatal(err)
					}
				}
			}
			years := p.Years - dt
			open := isOpt && p.Years > 0 && years > 1e-9
			vol := math.Max(o.Vol+spec.VolShift/100, volFloor)
			// The American premium at each sample move, then linear between them.
			eep := make([]float64, nm)
			if open && o.Style == pricing.American {
				prev := -1
				for i := 0; i < nm; i++ {
					if i%step != 0 && i != nm-1 && i != zero {
						continue
					}
					s, _ := spot(p, spec.Moves[i])
					am := pricing.Option{Style: pricing.American, Right: o.Right, Underlying: o.Underlying, Spot: s,
						Strike: o.Strike, Years: years, Rate: o.Rate, Carry: o.Carry, Vol: vol}
					a, err := pricing.Price(am)
					if err != nil {
						t.Fatal(err)
					}
					am.Style = pricing.European
					e, err := pricing.Price(am)
					if err != nil {
						t.Fatal(err)
					}
					eep[i] = math.Max(a-e, 0)
					for j := prev + 1; prev >= 0 && j < i; j++ {
						f := (spec.Moves[j] - spec.Moves[prev]) / (spec.Moves[i] - spec.Moves[prev])
						eep[j] = eep[prev] + f*(eep[i]-eep[prev])
					}
					prev = i
				}
			}
			for i, mv := range spec.Moves {
				s, benchRel := spot(p, mv)
				var gk pricing.Greeks
				switch {
				case !isOpt:
					gk = pricing.Greeks{Price: s, Delta: 1}
				case !open:
					gk = intrinsic(p.Instrument.Right, s, p.Instrument.Strike)
				default:
					eu := o
					eu.Style, eu.Spot, eu.Years, eu.Vol = pricing.European, s, years, vol
					var err error
					if gk, err = pricing.Value(eu); err != nil {
						t.Fatal(err)
					}
					gk.Price += eep[i]
				}
				pt := &curves[h][i]
				pt.PnL += n * (gk.Price - base)
				dd := n * gk.Delta * s
				gamma := 0.01 * s * s * gk.Gamma * n
				if spec.Benchmark {
					dd *= p.Beta
					gamma *= p.Beta * p.Beta
					pt.Delta += dd / (book.Benchmark.UnitValue * (1 + benchRel))
				} else {
					pt.Delta += n * gk.Delta / p.unitMult
				}
				pt.DollarDelta += dd
				pt.Gamma += gamma
				pt.Theta += n * gk.Theta / 365
				pt.Vega += n * gk.Vega / 100
			}
		}
	}
	return curves
}

// TestProfileMatchesStraightforward: Profile (legs merged, the European values reused for
// the premium, today's American value not recomputed, the legs cut into runs summed on
// several workers) gives the straightforward computation's curves to 1e-9 of each curve's
// scale (the largest magnitude of that figure along it: a P&L crossing zero has no
// relative error of its own there), on any number of workers and bit for bit the same on
// each.
func TestProfileMatchesStraightforward(t *testing.T) {
	ps, m := benchBook(t, 300)
	book, err := Revalue(ps, m, Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	three := []Horizon{{}, {Days: 7}, {AtExpiry: true}}
	tests := []struct {
		name    string
		include func(PositionRisk) bool
		spec    ProfileSpec
	}{
		{"book against the benchmark", nil, ProfileSpec{Moves: Moves(0.2, 101), Horizons: three, Benchmark: true}},
		{"book, benchmark points, vol −2", nil, ProfileSpec{Moves: Moves(30, 41), Points: true, Horizons: three, Benchmark: true, VolShift: -2}},
		{"a layer, relative moves, vol +3", InLayer("SPY options"), ProfileSpec{Moves: Moves(0.1, 51), Horizons: three, VolShift: 3}},
		{"one underlying in points", OnUnderlying("ESZ6"), ProfileSpec{Moves: Moves(100, 21), Points: true, Horizons: []Horizon{{}, {Days: 1}}}},
		{"one move", nil, ProfileSpec{Moves: []float64{0}, Horizons: three, Benchmark: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := referenceProfile(t, book, tc.include, tc.spec)
			var first RiskProfile
			for _, workers := range []int{1, 2, 5} {
				spec := tc.spec
				spec.Workers = workers
				var fresh Profiler // nothing remembered: every price valued on these workers
				got, err := fresh.Profile(book, tc.include, spec)
				if err != nil {
					t.Fatal(err)
				}
				if workers == 1 {
					first = got
				} else if !reflect.DeepEqual(got.Curves, first.Curves) {
					t.Errorf("%d workers: curves differ from one worker's", workers)
				}
				for h := range want {
					for _, f := range []struct {
						name string
						get  func(ProfilePoint) float64
					}{
						{"PnL", func(p ProfilePoint) float64 { return p.PnL }},
						{"Delta", func(p ProfilePoint) float64 { return p.Delta }},
						{"DollarDelta", func(p ProfilePoint) float64 { return p.DollarDelta }},
						{"Gamma", func(p ProfilePoint) float64 { return p.Gamma }},
						{"Theta", func(p ProfilePoint) float64 { return p.Theta }},
						{"Vega", func(p ProfilePoint) float64 { return p.Vega }},
					} {
						scale := 0.0
						for _, p := range want[h] {
							scale = math.Max(scale, math.Abs(f.get(p)))
						}
						for i := range want[h] {
							g, w := f.get(got.Curves[h][i]), f.get(want[h][i])
							if math.Abs(g-w) > 1e-9*scale {
								t.Fatalf("%d workers, %s, %s: %s = %v, straightforward %v (scale %g)", workers,
									tc.spec.Horizons[h], formatMove(tc.spec, i), f.name, g, w, scale)
							}
						}
					}
				}
			}
		})
	}
}

// TestProfileAtTheSameTime: profiles drawn at the same time (each with its own scratch)
// are each what it is alone.
func TestProfileAtTheSameTime(t *testing.T) {
	ps, m := benchBook(t, 120)
	book, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	specs := []ProfileSpec{
		{Moves: Moves(0.2, 31), Benchmark: true, Workers: 2},
		{Moves: Moves(0.1, 11), Horizons: []Horizon{{Days: 3}}, VolShift: 2},
		{Moves: Moves(0.3, 21), Benchmark: true, Horizons: []Horizon{{}, {AtExpiry: true}}, Workers: 3},
	}
	want := make([]RiskProfile, len(specs))
	for i, spec := range specs {
		if want[i], err = Profile(book, nil, spec); err != nil {
			t.Fatal(err)
		}
	}
	got := make([]RiskProfile, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	for round := 0; round < 3; round++ {
		for i, spec := range specs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = Profile(book, nil, spec)
			}()
		}
		wg.Wait()
		for i := range specs {
			if errs[i] != nil || !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("round %d, spec %d: %v, the curves differ from those drawn alone", round, i, errs[i])
			}
		}
	}
}

// TestProfilerRemembersUnchangedPrices: a profile drawn again on the same book values no
// American price again and gives the same curves, bit for bit; on a book a tick later
// (every spot and time left moved) it values them again. Either way the curves are those
// of a Profiler that remembers nothing.
func TestProfilerRemembersUnchangedPrices(t *testing.T) {
	ps, m := benchBook(t, 200)
	book, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	later, err := Revalue(ps, moved(m, 0.0001, 100*time.Millisecond), Config{})
	if err != nil {
		t.Fatal(err)
	}
	spec := ProfileSpec{Moves: Moves(0.2, 41), Horizons: []Horizon{{}, {Days: 7}, {AtExpiry: true}}, Benchmark: true, Workers: 2}
	var pf Profiler
	tests := []struct {
		name     string
		book     Book
		remember bool // every American price remembered, none valued
	}{
		{"first", book, false},
		{"the same book again", book, true},
		{"the same again (kept while used)", book, true},
		{"a tick later", later, false},
		{"the first book, two profiles ago (forgotten)", book, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h0, m0 := pf.Stats()
			got, err := pf.Profile(tc.book, nil, spec)
			if err != nil {
				t.Fatal(err)
			}
			// Within one profile, today's value of each American leg is also its T+0
			// price at today's spot: remembered even the first time.
			h, mi := pf.Stats()
			if tc.remember && (mi != m0 || h == h0) || !tc.remember && mi-m0 < 10*(h-h0) {
				t.Errorf("%d prices remembered, %d valued", h-h0, mi-m0)
			}
			var fresh Profiler
			want, err := fresh.Profile(tc.book, nil, spec)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Error("the curves differ from those of a Profiler that remembers nothing")
			}
		})
	}
}

// TestProfileAmericanInterpolationError states what the profile's interpolation of the
// American early-exercise premium (exact at about eleven moves per horizon, linear in
// between) costs against valuing every American option exactly at every move, on the
// benchmark book (American options 2–60 days out, strikes within ±10%, vol 15–65%) over
// ±20% of the benchmark: the P&L curves today and in 7 days are within 5e-4 of the
// largest P&L along each curve (measured 1.8e-4 today and 1.4e-4 in 7 days, $213 on a
// $1.18M scale, at −10%). The Greeks along the curves are the European twin's in both.
func TestProfileAmericanInterpolationError(t *testing.T) {
	ps, m := benchBook(t, 200)
	book, err := Revalue(ps, m, Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	spec := ProfileSpec{Moves: Moves(0.2, 101), Horizons: []Horizon{{}, {Days: 7}}, Benchmark: true, Workers: 2}
	var pf Profiler
	got, err := pf.Profile(book, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	exact := referenceProfileSampled(t, book, nil, spec, true)
	for h := range exact {
		scale, worst, at := 0.0, 0.0, 0
		for i, p := range exact[h] {
			scale = math.Max(scale, math.Abs(p.PnL))
			if d := math.Abs(got.Curves[h][i].PnL - p.PnL); d > worst {
				worst, at = d, i
			}
		}
		t.Logf("%s: worst P&L difference %.4g at %s, %.2g of the curve's scale %.4g",
			spec.Horizons[h], worst, formatMove(spec, at), worst/scale, scale)
		if worst > 5e-4*scale {
			t.Errorf("%s: P&L off by %.4g at %s, above 5e-4 of the curve's scale %.4g",
				spec.Horizons[h], worst, formatMove(spec, at), scale)
		}
	}
}
