package portfolio

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

// Horizon is a date a risk profile is drawn at: Days calendar days from Book.Now (T+0,
// T+n), or, with AtExpiry, the first expiry among the selected options still open.
type Horizon struct {
	Days     float64
	AtExpiry bool
}

func (h Horizon) String() string {
	if h.AtExpiry {
		return "expiry"
	}
	return fmt.Sprintf("T+%g", h.Days)
}

// ProfileSpec says which moves and dates a risk profile covers.
type ProfileSpec struct {
	// Moves, in increasing order, are relative moves of the underlying (−0.20 … +0.20, see Moves) or, with
	// Points, moves in price points (−100 … +100 ES points).
	Moves  []float64
	Points bool
	// Horizons are the dates to draw; empty means T+0 and expiry.
	Horizons []Horizon
	// VolShift is added to every option's volatility, in vol points (+2 is 0.18 → 0.20);
	// the shifted volatility is floored at 0.01%.
	VolShift float64
	// Benchmark moves the benchmark instead: each underlying moves beta × the benchmark's
	// relative move (SQQQ −3.45 × SPY's), and deltas and gammas are beta-weighted.
	Benchmark bool
	// Workers is how many goroutines value the grid; 0 or 1 uses the caller's.
	Workers int
}

// Moves returns steps relative moves evenly spaced from −span to +span: Moves(0.2, 101) is
// −20% … +20% in 0.4% steps, with 0 in the middle when steps is odd.
func Moves(span float64, steps int) []float64 {
	if steps < 2 {
		return []float64{0}
	}
	out := make([]float64, steps)
	for i := range out {
		out[i] = -span + 2*span*float64(i)/float64(steps-1)
	}
	return out
}

// ProfilePoint is the selection at one move and date. Price is the price of what moves
// (the underlying, or the benchmark) at that move; 0 when several underlyings move by the
// same percentage. PnL is the change in value from today's at today's prices and vols.
// Delta is in underlying units (benchmark units when against the benchmark), DollarDelta
// and Gamma in money (beta-weighted when against the benchmark), Theta per day, Vega per
// vol point.
type ProfilePoint struct {
	Move        float64
	Price       float64
	PnL         float64
	Delta       float64
	DollarDelta float64
	Gamma       float64
	Theta       float64
	Vega        float64
}

// RiskProfile is P&L and Greeks of a selection across moves, one curve per horizon.
// Against is what moves: the underlying's symbol, the benchmark's, or "" for several
// underlyings moved by the same percentage; Price is its price today.
type RiskProfile struct {
	Against  string
	Price    float64
	Horizons []Horizon
	Dates    []time.Time
	Curves   [][]ProfilePoint // [horizon][move]
}

// InLayer selects the positions of one layer ("" or Unassigned for the unassigned ones).
func InLayer(name string) func(PositionRisk) bool {
	if name == "" {
		name = Unassigned
	}
	return func(p PositionRisk) bool {
		l := p.Layer
		if l == "" {
			l = Unassigned
		}
		return l == name
	}
}

// OnUnderlying selects the positions on one underlying symbol (SPY, ESZ6).
func OnUnderlying(symbol string) func(PositionRisk) bool {
	return func(p PositionRisk) bool { return p.Underlying == symbol }
}

// WithIDs selects positions by ID.
func WithIDs(ids ...string) func(PositionRisk) bool {
	return func(p PositionRisk) bool { return slices.Contains(ids, p.ID) }
}

// profileLeg is one distinct thing to revalue: positions with identical pricing inputs are
// summed into one leg (n is Σ quantity × multiplier).
type profileLeg struct {
	n        float64
	s0       float64
	beta     float64
	unitMult float64
	option   bool
	right    pricing.Right
	strike   float64
	opt      pricing.Option // options still open; Years ≤ 0 for expired ones
	base     float64        // value per unit today
	// baseUnset: base is to be taken from the first horizon's prices (see addLeg).
	baseUnset bool
	id        string // the first position's, for errors
}

// legKey is what makes positions one leg: the same pricing inputs.
type legKey struct {
	opt      pricing.Option
	s0       float64
	beta     float64
	unitMult float64
	option   bool
	right    pricing.Right
	strike   float64
}

// eepSamples is about how many moves per horizon an American option is valued exactly at.
const eepSamples = 11

// Profile draws P&L and Greeks of the positions of book that include selects (nil: all;
// positions with Err are skipped) across spec.Moves at each horizon.
//
// Options are revalued with engine/pricing at every move and date, with the time left
// shortened by the horizon and the volatility shifted by VolShift; options expired by a
// horizon are worth their intrinsic value there (the "at expiry" curve is therefore exact
// for options expiring that day). American options are valued as their European twin plus
// the early-exercise premium, computed exactly (Andersen–Lake–Offengeim) at about eleven moves
// per horizon and today's move, and interpolated linearly between them; their Greeks
// are the European twin's. Stocks and futures move one for one. A move that would take a
// price to zero or below is floored at 0.1% of today's price.
//
// Profile remembers the American prices of the last profile it drew (see Profiler): a
// profile drawn again on unchanged inputs — the trader changing an overlay, a paused
// market — does not value them again.
func Profile(book Book, include func(PositionRisk) bool, spec ProfileSpec) (RiskProfile, error) {
	return sharedProfiler.Profile(book, include, spec)
}

// Profiler draws risk profiles as Profile does, remembering the American prices it found
// for the next profiles: the prices of one option at one horizon, at all its sample
// moves, by the exact bits of every input (the spots and the time left included). Prices
// whose inputs did not change are not valued again, and the curves are the same, bit for
// bit, whether they were remembered or not. Only the prices used by the last profile
// drawn are kept (with those of the one being drawn). A Profiler is safe for use by
// several goroutines; the zero value is ready to use. Profile uses one shared by the
// package.
type Profiler struct {
	mu     sync.Mutex
	gen    uint64           // profiles drawn
	at     map[uint64]int32 // hash of a row's inputs → its index in rows
	rows   []memoRow
	hits   uint64
	misses uint64
}

// maxMemoSamples is the most sample moves a remembered row holds (a profile of 101 moves
// has 11 or 12; one of 20 moves, 20).
const maxMemoSamples = 24

// memoRow is the prices of one American option at its sample spots.
type memoRow struct {
	key    optKey // the option, Spot left 0
	n      int
	spots  [maxMemoSamples]float64
	prices [maxMemoSamples]float64
	gen    uint64 // the last profile that used it
}

var sharedProfiler Profiler

// rowHash is the hash of an option's inputs (key) and the spots.
func rowHash(key *optKey, spots []float64) uint64 {
	const m = 0x9E3779B97F4A7C15
	h := uint64(len(spots))
	for _, v := range key {
		h = (h^v)*m + h>>29
	}
	for _, s := range spots {
		h = (h^math.Float64bits(s))*m + h>>29
	}
	return h
}

// matches reports whether r holds the prices of the option of key at exactly spots.
func (r *memoRow) matches(key *optKey, spots []float64) bool {
	if r.key != *key || r.n != len(spots) {
		return false
	}
	for k, s := range spots {
		if math.Float64bits(r.spots[k]) != math.Float64bits(s) {
			return false
		}
	}
	return true
}

// lookup fills out with the remembered prices of the option of key at spots, if any.
func (pf *Profiler) lookup(key *optKey, spots, out []float64) bool {
	h := rowHash(key, spots)
	pf.mu.Lock()
	defer pf.mu.Unlock()
	if i, ok := pf.at[h]; ok {
		if r := &pf.rows[i]; r.matches(key, spots) {
			copy(out, r.prices[:r.n])
			r.gen = pf.gen
			pf.hits += uint64(len(spots))
			return true
		}
	}
	return false
}

// store remembers the prices of the option of key at spots, valued was how many of them
// were valued (the others were known).
func (pf *Profiler) store(key *optKey, spots, prices []float64, valued int) {
	h := rowHash(key, spots)
	pf.mu.Lock()
	defer pf.mu.Unlock()
	pf.misses += uint64(valued)
	if pf.at == nil {
		pf.at = make(map[uint64]int32)
	}
	i, ok := pf.at[h]
	if !ok {
		i = int32(len(pf.rows))
		pf.rows = append(pf.rows, memoRow{})
		pf.at[h] = i
	}
	r := &pf.rows[i] // a new row, or one whose hash collides: replaced
	r.key, r.n, r.gen = *key, len(spots), pf.gen
	copy(r.spots[:], spots)
	copy(r.prices[:], prices)
}

// turn ends a profile: the rows it used are kept, the others forgotten.
func (pf *Profiler) turn() {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	kept := pf.rows[:0]
	clear(pf.at)
	for _, r := range pf.rows {
		if r.gen == pf.gen {
			pf.at[rowHash(&r.key, r.spots[:r.n])] = int32(len(kept))
			kept = append(kept, r)
		}
	}
	pf.rows = kept
	pf.gen++
}

// Stats counts the American prices taken from memory (hits) and valued (misses) so far.
func (pf *Profiler) Stats() (hits, misses uint64) {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	return pf.hits, pf.misses
}

// Profile is Profile (the function) with pf's memory.
func (pf *Profiler) Profile(book Book, include func(PositionRisk) bool, spec ProfileSpec) (RiskProfile, error) {
	defer pf.turn()
	if len(spec.Moves) == 0 {
		return RiskProfile{}, errors.New("portfolio: profile has no moves")
	}
	for i, mv := range spec.Moves {
		if math.IsNaN(mv) || math.IsInf(mv, 0) {
			return RiskProfile{}, fmt.Errorf("portfolio: profile move %g is not a number", mv)
		}
		if i > 0 && mv <= spec.Moves[i-1] {
			return RiskProfile{}, fmt.Errorf("portfolio: profile moves must increase (%g after %g)", mv, spec.Moves[i-1])
		}
	}
	if math.IsNaN(spec.VolShift) || math.IsInf(spec.VolShift, 0) {
		return RiskProfile{}, fmt.Errorf("portfolio: vol shift %g is not a number", spec.VolShift)
	}
	horizons := spec.Horizons
	if len(horizons) == 0 {
		horizons = []Horizon{{}, {AtExpiry: true}}
	}
	sc := getGridScratch()
	defer putGridScratch(sc)
	legAt := sc.legAt
	legs := sc.legs[:0]
	under := ""
	several := false
	var underPrice float64
	firstExpiry := math.Inf(1)
	for _, p := range book.Positions {
		if p.Err != nil || (include != nil && !include(p)) {
			continue
		}
		if under == "" {
			under, underPrice = p.Underlying, p.UnderlyingPrice
		} else if p.Underlying != under {
			several = true
		}
		isOpt := p.Instrument.IsOption()
		k := legKey{s0: p.UnderlyingPrice, beta: p.Beta, unitMult: p.unitMult, option: isOpt}
		if isOpt {
			k.right, k.strike = p.Instrument.Right, p.Instrument.Strike
			if p.Years > 0 {
				k.opt = book.optionOf(&p)
				firstExpiry = math.Min(firstExpiry, p.Years)
			}
		}
		i, ok := legAt[k]
		if !ok {
			i = len(legs)
			legAt[k] = i
			l := profileLeg{s0: k.s0, beta: k.beta, unitMult: k.unitMult, option: isOpt,
				right: k.right, strike: k.strike, opt: k.opt, base: k.s0, id: p.ID}
			if isOpt {
				// An open option's value today is found by the workers (see addLeg).
				l.base = intrinsic(l.right, l.s0, l.strike).Price
			}
			legs = append(legs, l)
		}
		legs[i].n += p.Quantity * p.Instrument.Multiplier
	}
	rp := RiskProfile{Horizons: horizons, Against: under, Price: underPrice}
	if spec.Benchmark {
		rp.Against, rp.Price = book.Benchmark.Symbol, book.Benchmark.Price
	} else if several {
		if spec.Points {
			return RiskProfile{}, errors.New("portfolio: moves in points need a selection on one underlying (or the benchmark)")
		}
		rp.Against, rp.Price = "", 0
	}
	if math.IsInf(firstExpiry, 1) {
		firstExpiry = 0
	}
	shifts := make([]float64, len(horizons)) // years passed at each horizon
	for h, hz := range horizons {
		if math.IsNaN(hz.Days) || math.IsInf(hz.Days, 0) || hz.Days < 0 {
			return RiskProfile{}, fmt.Errorf("portfolio: horizon of %g days is not a number of days ≥ 0", hz.Days)
		}
		shifts[h] = hz.Days / 365
		if hz.AtExpiry {
			shifts[h] = firstExpiry
		}
		rp.Dates = append(rp.Dates, book.Now.Add(time.Duration(shifts[h]*365*24*float64(time.Hour))))
	}
	nm := len(spec.Moves)
	zero := 0
	for i, mv := range spec.Moves {
		if math.Abs(mv) < math.Abs(spec.Moves[zero]) {
			zero = i
		}
	}
	sc.legs = legs
	g := &grid{spec: spec, book: &book, legs: legs, shifts: shifts, nm: nm, zero: zero, sc: sc, memo: pf}
	curves, err := g.run()
	if err != nil {
		return RiskProfile{}, err
	}
	for h := range curves {
		for i := range curves[h] {
			pt := &curves[h][i]
			for _, v := range [...]float64{pt.PnL, pt.Delta, pt.DollarDelta, pt.Gamma, pt.Theta, pt.Vega} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return RiskProfile{}, fmt.Errorf("portfolio: profile at %s, %s: figures too large to represent", formatMove(spec, i), horizons[h])
				}
			}
			pt.Move = spec.Moves[i]
			if rp.Price > 0 {
				if spec.Points {
					pt.Price = rp.Price + pt.Move
				} else {
					pt.Price = rp.Price * (1 + pt.Move)
				}
			}
		}
	}
	rp.Curves = curves
	return rp, nil
}

// grid is one profile's computation: every leg at every horizon and move.
//
// The legs are cut into at most profileChunks runs of consecutive legs; each run sums its
// legs into its own figures, in order, and the runs are added in order at the end. The
// workers take the next run not yet taken, so a busy or slow worker holds up nobody, and
// the curves are the same, bit for bit, whatever the number of workers.
type grid struct {
	spec     ProfileSpec
	book     *Book
	legs     []profileLeg
	shifts   []float64
	nm       int
	zero     int
	samples  []int     // the moves an American option's premium is valued exactly at, increasing
	benchRel []float64 // the benchmark's relative move at each move (0 unless against the benchmark)
	sc       *gridScratch
	memo     *Profiler
}

// profileChunks is the most runs the legs are cut into (see grid).
const profileChunks = 32

// pointSums are the figures of one profile point being summed.
type pointSums struct {
	pnl, delta, dollarDelta, gamma, theta, vega float64
}

// gridScratch is the memory of one Profile call, kept between calls: the legs, the sums of
// each run, and each worker's rows.
type gridScratch struct {
	legAt   map[legKey]int
	legs    []profileLeg
	sums    []pointSums // [run][horizon·moves + move]
	workers []legScratch
}

// legScratch is what one worker values a leg with: the spot at each move, the European
// Greeks along one horizon and the early-exercise premium there.
type legScratch struct {
	spots  []float64
	greeks []pricing.Greeks
	eep    []float64
	// The American option's sample moves: the spots and the prices there.
	sampleSpots, samplePrices []float64
}

var gridPool = sync.Pool{New: func() any { return &gridScratch{legAt: make(map[legKey]int)} }}

// lastGrid keeps the last call's scratch for the next one, through garbage collections
// (which empty gridPool); see lastScratch.
var lastGrid atomic.Pointer[gridScratch]

func getGridScratch() *gridScratch {
	if sc := lastGrid.Swap(nil); sc != nil {
		return sc
	}
	return gridPool.Get().(*gridScratch)
}

func putGridScratch(sc *gridScratch) {
	clear(sc.legAt)
	clear(sc.legs[:cap(sc.legs)]) // drop the IDs
	sc.legs = sc.legs[:0]
	if !lastGrid.CompareAndSwap(nil, sc) {
		gridPool.Put(sc)
	}
}

// samplesFor are the moves at which American options are valued exactly: every step-th
// move from the first, the last and today's (zero).
func samplesFor(nm, zero int) []int {
	step := (nm - 1) / (eepSamples - 1)
	if step < 1 {
		step = 1
	}
	var out []int
	for i := 0; i < nm; i++ {
		if i%step == 0 || i == nm-1 || i == zero {
			out = append(out, i)
		}
	}
	return out
}

// spot is leg l's underlying price at move i.
func (g *grid) spot(l *profileLeg, i int) float64 {
	mv := g.spec.Moves[i]
	var rel float64
	switch {
	case g.spec.Benchmark:
		rel = l.beta * g.benchRel[i]
	case g.spec.Points:
		rel = mv / l.s0
	default:
		rel = mv
	}
	s := l.s0 * (1 + rel)
	if s < 0.001*l.s0 {
		s = 0.001 * l.s0
	}
	return s
}

func (g *grid) run() ([][]ProfilePoint, error) {
	g.samples = samplesFor(g.nm, g.zero)
	g.benchRel = make([]float64, g.nm)
	if g.spec.Benchmark {
		for i, mv := range g.spec.Moves {
			g.benchRel[i] = mv
			if g.spec.Points {
				g.benchRel[i] = mv / g.book.Benchmark.Price
			}
		}
	}
	runs := min(len(g.legs), profileChunks)
	workers := max(min(g.spec.Workers, runs), 1) // one, the caller, even without legs
	points := len(g.shifts) * g.nm
	sc := g.sc
	sc.sums = reuse(sc.sums, runs*points)
	if len(sc.workers) < workers {
		sc.workers = append(sc.workers, make([]legScratch, workers-len(sc.workers))...)
	}
	for w := 0; w < workers; w++ {
		ls := &sc.workers[w]
		ls.spots = reuse(ls.spots, g.nm)
		ls.greeks = reuse(ls.greeks, g.nm)
		ls.eep = reuse(ls.eep, g.nm)
	}

	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, runs)
	work := func(ls *legScratch) {
		for !failed.Load() {
			r := int(next.Add(1)) - 1
			if r >= runs {
				return
			}
			sums := sc.sums[r*points : (r+1)*points]
			for li := r * len(g.legs) / runs; li < (r+1)*len(g.legs)/runs; li++ {
				if err := g.addLeg(&g.legs[li], sums, ls); err != nil {
					errs[r] = err
					failed.Store(true)
					return
				}
			}
		}
	}
	var wg sync.WaitGroup
	wg.Add(workers - 1)
	for w := 1; w < workers; w++ {
		go func(ls *legScratch) { defer wg.Done(); work(ls) }(&sc.workers[w])
	}
	work(&sc.workers[0])
	wg.Wait()
	// The runs are taken in order and a run once taken is finished unless it fails: the
	// first error in run order is the one a single worker meets.
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	out := make([][]ProfilePoint, len(g.shifts))
	all := make([]ProfilePoint, points)
	for h := range out {
		out[h] = all[h*g.nm : (h+1)*g.nm : (h+1)*g.nm]
	}
	for r := 0; r < runs; r++ {
		sums := sc.sums[r*points : (r+1)*points]
		for k := range all {
			a, b := &all[k], &sums[k]
			a.PnL += b.pnl
			a.Delta += b.delta
			a.DollarDelta += b.dollarDelta
			a.Gamma += b.gamma
			a.Theta += b.theta
			a.Vega += b.vega
		}
	}
	return out, nil
}

// addLeg adds leg l's P&L and Greeks at every horizon and move to sums ([horizon·moves +
// move]), with ls's rows.
func (g *grid) addLeg(l *profileLeg, sums []pointSums, ls *legScratch) error {
	spots := ls.spots
	for i := range spots {
		spots[i] = g.spot(l, i)
	}
	// Today's value as the profile itself prices it, so every T+0 curve is exactly 0 at
	// today's price: the book's own figure may come from a Revaluer's extrapolation or an
	// implied vol solved to a tolerance. An American option's is one of the prices of the
	// horizon with no time passed (today's move, same vol), whose exercise boundary it
	// shares: that horizon is drawn first and sets it (see earlyExercise).
	first := -1
	l.baseUnset = false
	if l.option && l.opt.Years > 0 {
		if l.opt.Style == pricing.American {
			for h, dt := range g.shifts {
				if dt == 0 {
					first = h
					break
				}
			}
		}
		if first >= 0 {
			l.baseUnset = true
		} else if err := g.todayValue(l, ls); err != nil {
			return err
		}
	}
	if first >= 0 {
		if err := g.addHorizon(l, first, sums, ls); err != nil {
			return err
		}
	}
	for h := range g.shifts {
		if h == first {
			continue
		}
		if err := g.addHorizon(l, h, sums, ls); err != nil {
			return err
		}
	}
	return nil
}

// todayValue sets l.base, today's value of the option leg l, with pricing.Prices.
func (g *grid) todayValue(l *profileLeg, ls *legScratch) error {
	ls.sampleSpots = append(ls.sampleSpots[:0], l.opt.Spot)
	ls.samplePrices = reuse(ls.samplePrices, 1)
	if _, err := g.americanPrices(l.opt, ls, -1, 0); err != nil {
		return fmt.Errorf("portfolio: profile of %s: %w", l.id, err)
	}
	l.base = ls.samplePrices[0]
	l.baseUnset = false
	return nil
}

// addHorizon adds leg l's figures at horizon h, its spots at each move in ls.spots.
func (g *grid) addHorizon(l *profileLeg, h int, sums []pointSums, ls *legScratch) error {
	spots := ls.spots
	dt := g.shifts[h]
	row := sums[h*g.nm : (h+1)*g.nm]
	years := l.opt.Years - dt
	open := l.option && l.opt.Years > 0 && years > 1e-9
	if !open {
		for i, s := range spots {
			gk := pricing.Greeks{Price: s, Delta: 1}
			if l.option {
				gk = intrinsic(l.right, s, l.strike)
			}
			g.accumulate(&row[i], l, &gk, s, i)
		}
		return nil
	}
	o := l.opt
	o.Years, o.Style = years, pricing.European
	o.Vol = math.Max(o.Vol+g.spec.VolShift/100, volFloor)
	greeks := ls.greeks
	if err := pricing.ValuesTo(o, spots, greeks); err != nil {
		// Find the move that fails, for the message.
		for i, s := range spots {
			o.Spot = s
			if err := pricing.ValueTo(&greeks[i], o); err != nil {
				return fmt.Errorf("portfolio: profile at %s, %g days: %w", formatMove(g.spec, i), dt*365, err)
			}
		}
		return fmt.Errorf("portfolio: profile at %g days: %w", dt*365, err)
	}
	if l.opt.Style == pricing.American {
		if err := g.earlyExercise(l, o, ls); err != nil {
			return err
		}
		for i := range greeks {
			greeks[i].Price += ls.eep[i]
		}
	}
	for i, s := range spots {
		g.accumulate(&row[i], l, &greeks[i], s, i)
	}
	return nil
}

// accumulate adds leg l's figures at move i, valued gk at underlying price s, to pt.
func (g *grid) accumulate(pt *pointSums, l *profileLeg, gk *pricing.Greeks, s float64, i int) {
	pt.pnl += l.n * (gk.Price - l.base)
	dd := l.n * gk.Delta * s
	gamma := 0.01 * s * s * gk.Gamma * l.n
	if g.spec.Benchmark {
		dd *= l.beta
		gamma *= l.beta * l.beta
		pt.delta += dd / (g.book.Benchmark.UnitValue * (1 + g.benchRel[i]))
	} else {
		pt.delta += l.n * gk.Delta / l.unitMult
	}
	pt.dollarDelta += dd
	pt.gamma += gamma
	pt.theta += l.n * gk.Theta / 365
	pt.vega += l.n * gk.Vega / 100
}

// earlyExercise fills ls.eep with the American option's premium over its European twin eu
// (l's option at one horizon, its European Greeks at each move in ls.greeks) at every
// move: exact at the sample moves (about eepSamples, the ends and today's move), linear in
// between. The European values are those already in ls.greeks, and today's American value
// at today's price (l.base) is not computed again.
func (g *grid) earlyExercise(l *profileLeg, eu pricing.Option, ls *legScratch) error {
	am := eu
	am.Style = pricing.American
	today := -1 // the sample whose inputs are today's value's
	ls.sampleSpots = ls.sampleSpots[:0]
	for k, i := range g.samples {
		s := ls.spots[i]
		if s == l.s0 && am.Years == l.opt.Years && am.Vol == l.opt.Vol {
			today = k
		}
		ls.sampleSpots = append(ls.sampleSpots, s)
	}
	ls.samplePrices = reuse(ls.samplePrices, len(g.samples))
	known := today
	if l.baseUnset {
		known = -1 // today's value is one of these prices
	}
	if k, err := g.americanPrices(am, ls, known, l.base); err != nil {
		return fmt.Errorf("portfolio: profile of %s at %s: %w", l.id, formatMove(g.spec, g.samples[k]), err)
	}
	if l.baseUnset {
		if today >= 0 {
			l.base, l.baseUnset = ls.samplePrices[today], false
		} else {
			// Today's move or vol is not among these: value it on its own, then the
			// samples again (todayValue used their memory).
			if err := g.todayValue(l, ls); err != nil {
				return err
			}
			return g.earlyExercise(l, eu, ls)
		}
	}
	eep := ls.eep
	prev := -1
	for k, i := range g.samples {
		eep[i] = math.Max(ls.samplePrices[k]-ls.greeks[i].Price, 0)
		if prev >= 0 {
			mv := g.spec.Moves
			for j := prev + 1; j < i; j++ {
				f := (mv[j] - mv[prev]) / (mv[i] - mv[prev])
				eep[j] = eep[prev] + f*(eep[i]-eep[prev])
			}
		}
		prev = i
	}
	return nil
}

// americanPrices sets ls.samplePrices[k] to the price of o (American, or European for
// today's value of a European leg) at ls.sampleSpots[k], but for the known-th, which is
// price; with an error, k is the spot's index. American prices come from g.memo when it
// remembers them all, or else from pricing.Prices, which solves the exercise boundary
// (which depends on neither the spot nor the strike) once for all the spots.
func (g *grid) americanPrices(o pricing.Option, ls *legScratch, known int, price float64) (k int, err error) {
	spots, out := ls.sampleSpots, ls.samplePrices
	memo := o.Style == pricing.American && len(spots) <= maxMemoSamples
	var key optKey
	if memo {
		o.Spot = 0
		key = keyBits(o, 0)
		if g.memo.lookup(&key, spots, out) {
			return 0, nil
		}
	}
	if err := pricing.Prices(o, spots, out); err != nil {
		// Find the spot that fails, for the message.
		for k, s := range spots {
			o.Spot = s
			if _, err := pricing.Price(o); err != nil {
				return k, err
			}
		}
		return 0, err
	}
	valued := len(spots)
	if known >= 0 && known < len(spots) {
		out[known] = price
		valued--
	}
	if memo {
		g.memo.store(&key, spots, out, valued)
	}
	return 0, nil
}

func formatMove(spec ProfileSpec, i int) string {
	if spec.Points {
		return fmt.Sprintf("a move of %g points", spec.Moves[i])
	}
	return fmt.Sprintf("a move of %g%%", 100*spec.Moves[i])
}
