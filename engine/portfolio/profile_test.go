package portfolio

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

func TestMoves(t *testing.T) {
	m := Moves(0.2, 101)
	if len(m) != 101 || m[0] != -0.2 || m[100] != 0.2 || m[50] != 0 || !near(m[51], 0.004, 1e-12) {
		t.Errorf("Moves(0.2, 101) = %v … %v, mid %v", m[0], m[100], m[50])
	}
	if m := Moves(5, 1); len(m) != 1 || m[0] != 0 {
		t.Errorf("Moves(5, 1) = %v", m)
	}
}

func TestProfileTodayMatchesBook(t *testing.T) {
	ps, m, _ := optionsBook(t)
	book, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	rp, err := Profile(book, nil, ProfileSpec{Moves: Moves(0.2, 41), Horizons: []Horizon{{}, {Days: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if rp.Against != "" || rp.Price != 0 || len(rp.Curves) != 2 || len(rp.Curves[0]) != 41 {
		t.Fatalf("profile of several underlyings: %q %v %d×%d", rp.Against, rp.Price, len(rp.Curves), len(rp.Curves[0]))
	}
	// T+0, no move: no P&L, and the Greeks are the book's.
	p := rp.Curves[0][20]
	if p.Move != 0 || math.Abs(p.PnL) > 1e-9 {
		t.Errorf("T+0 at 0 move: %+v", p)
	}
	tot := book.Total
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"dollar delta", p.DollarDelta, tot.DollarDelta}, {"gamma", p.Gamma, tot.Gamma}, {"theta", p.Theta, tot.Theta},
		{"vega", p.Vega, tot.Vega}, {"delta", p.Delta, tot.Delta}} {
		if !near(c.got, c.want, 1e-9) {
			t.Errorf("T+0 %s = %v, book %v", c.name, c.got, c.want)
		}
	}
	// One day later, no move: the P&L is about one day of theta (−81.75); second-order
	// terms (theta changes over the day) keep it within 3%.
	if d := rp.Curves[1][20]; !near(d.PnL, tot.Theta, 0.03) {
		t.Errorf("T+1 P&L %v, theta %v", d.PnL, tot.Theta)
	}
	if !rp.Dates[1].Equal(book.Now.Add(24 * time.Hour)) {
		t.Errorf("T+1 date %v", rp.Dates[1])
	}
	// Up 1 vol point: P&L about the vega (901.7), within 1% (volga).
	rv, err := Profile(book, nil, ProfileSpec{Moves: []float64{0}, Horizons: []Horizon{{}}, VolShift: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !near(rv.Curves[0][0].PnL, tot.Vega, 0.01) {
		t.Errorf("+1 vol point P&L %v, vega %v", rv.Curves[0][0].PnL, tot.Vega)
	}
	// Small moves: the P&L slope is the dollar delta (1% of it per 1%).
	rs, err := Profile(book, OnUnderlying("ESZ6"), ProfileSpec{Moves: []float64{-0.0001, 0, 0.0001}, Horizons: []Horizon{{}}})
	if err != nil {
		t.Fatal(err)
	}
	var esDD float64
	for _, u := range book.Underlyings {
		if u.Name == "ESZ6" {
			esDD = u.Exposure.DollarDelta
		}
	}
	slope := (rs.Curves[0][2].PnL - rs.Curves[0][0].PnL) / 0.0002
	if rs.Against != "ESZ6" || rs.Price != 6000 || !near(slope, esDD, 1e-5) {
		t.Errorf("ESZ6 slope %v, dollar delta %v (against %s at %v)", slope, esDD, rs.Against, rs.Price)
	}
}

// TestProfileStrangleAtExpiry: short one SPY 580 put and one 620 call (American, 10 days,
// SPY 600, vol 0.20). At expiry the P&L is exact: the premiums taken in, less the
// intrinsic value at the new price: 100 × (p + c) − 100 × (max(580 − S, 0) + max(S − 620, 0)).
func TestProfileStrangleAtExpiry(t *testing.T) {
	put := mustParse(t, "SPY   261130P00580000")
	call := mustParse(t, "SPY   261130C00620000")
	at := put.Expiry.Add(-10 * 24 * time.Hour)
	ps := []Position{{ID: "p", Instrument: put, Quantity: -1}, {ID: "c", Instrument: call, Quantity: -1}}
	m := Market{Now: at, Rate: 0.04, DividendYield: map[string]float64{"SPY": 0.012},
		Underlyings: map[string]float64{"SPY": 600}, Quotes: map[string]Quote{"p": {Vol: 0.2}, "c": {Vol: 0.2}}}
	book, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	credit := 100 * (book.Positions[0].Greeks.Price + book.Positions[1].Greeks.Price)
	rp, err := Profile(book, InLayer(""), ProfileSpec{Moves: Moves(0.2, 101), Horizons: []Horizon{{}, {Days: 5}, {AtExpiry: true}}, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !rp.Dates[2].Equal(put.Expiry) || rp.Against != "SPY" || rp.Price != 600 {
		t.Errorf("expiry date %v, against %s %v", rp.Dates[2], rp.Against, rp.Price)
	}
	for i, p := range rp.Curves[2] {
		s := 600 * (1 + p.Move)
		want := credit - 100*(math.Max(580-s, 0)+math.Max(s-620, 0))
		if math.Abs(p.PnL-want) > 1e-9 || !near(p.Price, s, 1e-12) {
			t.Errorf("expiry at %v (%d): P&L %v, want %v", s, i, p.PnL, want)
		}
		// Past expiry nothing decays; delta is ±100 shares outside the strikes.
		if p.Theta != 0 || p.Vega != 0 {
			t.Errorf("expiry Greeks at %v: %+v", s, p)
		}
	}
	if d := rp.Curves[2][0].Delta; d != 100 { // S = 480: short put in the money, delta +100 shares
		t.Errorf("expiry delta at 480 = %v", d)
	}
	// T+0 at no move: 0 (the early-exercise premium is exact at today's price). American
	// T+0 elsewhere lies between the European twin's value and that plus the premium at the
	// nearest samples; it is at least the expiry value's intrinsic bound: the short strangle
	// loses no more at T+0 than at expiry far out of the strikes.
	if p := rp.Curves[0][50]; math.Abs(p.PnL) > 1e-9 {
		t.Errorf("T+0 at 0: %v", p.PnL)
	}
	// T+5 lies between T+0 and expiry at the money (time decay of a short strangle earns).
	if t0, t5, te := rp.Curves[0][50].PnL, rp.Curves[1][50].PnL, rp.Curves[2][50].PnL; !(t0 < t5 && t5 < te) {
		t.Errorf("at the money: T+0 %v, T+5 %v, expiry %v", t0, t5, te)
	}
	// The American premium: compared with pricing.Price at a move that is not a sample
	// (index 53: +1.2%), the interpolated value is within 1 cent a share.
	s := 600 * 1.012
	var want float64
	for _, pr := range book.Positions {
		o := book.optionOf(&pr)
		o.Spot = s
		v, err := pricing.Price(o)
		if err != nil {
			t.Fatal(err)
		}
		want += -100 * (v - pr.Greeks.Price)
	}
	if got := rp.Curves[0][53].PnL; math.Abs(got-want) > 2*100*0.01 {
		t.Errorf("T+0 at +1.2%%: %v, exact American %v", got, want)
	}
}

func TestProfileBenchmarkAndPoints(t *testing.T) {
	ps, m := linearBook(t)
	book, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	// Against SPY: every underlying moves beta × the move, so a linear book's P&L is
	// the beta-weighted dollar delta × the move: 556,700 × m.
	rp, err := Profile(book, nil, ProfileSpec{Moves: Moves(0.2, 11), Benchmark: true, Horizons: []Horizon{{}}})
	if err != nil {
		t.Fatal(err)
	}
	if rp.Against != "SPY" || rp.Price != 600 {
		t.Errorf("against %s %v", rp.Against, rp.Price)
	}
	for _, p := range rp.Curves[0] {
		if !near(p.PnL, 556700*p.Move, 1e-9) {
			t.Errorf("benchmark move %v: P&L %v, want %v", p.Move, p.PnL, 556700*p.Move)
		}
	}
	if p := rp.Curves[0][5]; !near(p.Delta, book.Total.BetaDelta, 1e-12) || !near(p.DollarDelta, 556700, 1e-12) {
		t.Errorf("benchmark delta at 0: %+v", p)
	}
	// In SPY points: +6 points is +1%: 5,567.
	rp, err = Profile(book, nil, ProfileSpec{Moves: []float64{-6, 0, 6}, Points: true, Benchmark: true})
	if err != nil {
		t.Fatal(err)
	}
	if p := rp.Curves[0][2]; !near(p.PnL, 5567, 1e-9) || p.Price != 606 {
		t.Errorf("+6 SPY points: %+v", p)
	}
	// ES alone in points: 2 contracts × $50 × points; Price is the future's.
	rp, err = Profile(book, OnUnderlying("ESZ6"), ProfileSpec{Moves: []float64{-50, 0, 25}, Points: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rp.Curves[0] {
		if !near(p.PnL, 100*p.Move, 1e-9) || p.Price != 6000+p.Move || p.Delta != 2 {
			t.Errorf("ES %v points: %+v", p.Move, p)
		}
	}
	// A selection by ID and a layer.
	rp, err = Profile(book, WithIDs("sqqq", "sh"), ProfileSpec{Moves: []float64{0.01}, Benchmark: true, Horizons: []Horizon{{}}})
	if err != nil {
		t.Fatal(err)
	}
	// −13,800 − 12,000 = −25,800 per 100%: −258 for +1%.
	if !near(rp.Curves[0][0].PnL, -258, 1e-9) {
		t.Errorf("inverse ETFs at +1%% SPY: %v", rp.Curves[0][0].PnL)
	}
	// A move that would take SQQQ below zero is floored: +40% × −3.45 = −138%.
	rp, err = Profile(book, WithIDs("sqqq"), ProfileSpec{Moves: []float64{0.4}, Benchmark: true, Horizons: []Horizon{{}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := 200 * (0.02 - 20); !near(rp.Curves[0][0].PnL, want, 1e-9) {
		t.Errorf("floored SQQQ: %v, want %v", rp.Curves[0][0].PnL, want)
	}
}

func TestProfileErrors(t *testing.T) {
	ps, m := linearBook(t)
	book, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		spec ProfileSpec
		want string
	}{
		{ProfileSpec{}, "no moves"},
		{ProfileSpec{Moves: []float64{0, 0}}, "must increase"},
		{ProfileSpec{Moves: []float64{math.NaN()}}, "not a number"},
		{ProfileSpec{Moves: []float64{-1, 1}, Points: true}, "one underlying"},
		{ProfileSpec{Moves: []float64{0}, Horizons: []Horizon{{Days: -1}}}, "days"},
		{ProfileSpec{Moves: []float64{0}, VolShift: math.Inf(1)}, "vol shift"},
	} {
		if _, err := Profile(book, nil, c.spec); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.spec, err, c.want)
		}
	}
	if h := (Horizon{Days: 5}).String() + " " + (Horizon{AtExpiry: true}).String(); h != "T+5 expiry" {
		t.Errorf("horizon names %q", h)
	}
}

// TestProfileParallelSame: two workers give the same curves as one.
func TestProfileParallelSame(t *testing.T) {
	ps, m := benchBook(t, 300)
	book, err := Revalue(ps, m, Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	spec := ProfileSpec{Moves: Moves(0.2, 21), Horizons: []Horizon{{}, {Days: 7}, {AtExpiry: true}}, Benchmark: true, VolShift: -2}
	one, err := Profile(book, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	spec.Workers = 2
	two, err := Profile(book, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	for h := range one.Curves {
		for i := range one.Curves[h] {
			a, b := one.Curves[h][i], two.Curves[h][i]
			if !near(a.PnL, b.PnL, 1e-9) || !near(a.Gamma, b.Gamma, 1e-9) || !near(a.Delta, b.Delta, 1e-9) {
				t.Fatalf("horizon %d move %d: %+v vs %+v", h, i, a, b)
			}
		}
	}
	// And Revalue on two workers matches one.
	b1, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if b1.Total != book.Total {
		t.Errorf("workers change the total: %+v vs %+v", b1.Total, book.Total)
	}
}

// A book valued by a Revaluer carries extrapolated prices; the profile still starts from
// its own price of today, so the T+0 curve is exactly 0 at today's price.
func TestProfileTodayIsZeroWhateverTheBooksPrices(t *testing.T) {
	ps, m, _ := optionsBook(t)
	book, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range book.Positions {
		book.Positions[i].Greeks.Price *= 1.001 // as a cache's extrapolation might be off
	}
	rp, err := Profile(book, nil, ProfileSpec{Moves: Moves(0.2, 41), Horizons: []Horizon{{}}})
	if err != nil {
		t.Fatal(err)
	}
	if p := rp.Curves[0][20]; p.Move != 0 || math.Abs(p.PnL) > 1e-9 {
		t.Errorf("T+0 at 0 move: %+v", p)
	}
}
