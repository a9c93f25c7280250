package portfolio

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
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
func Profile(book Book, include func(PositionRisk) bool, spec ProfileSpec) (RiskProfile, error) {
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
	type legKey struct {
		opt      pricing.Option
		s0       float64
		beta     float64
		unitMult float64
		option   bool
		right    pricing.Right
		strike   float64
	}
	legAt := make(map[legKey]int)
	var legs []profileLeg
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
				right: k.right, strike: k.strike, opt: k.opt, base: k.s0}
			if isOpt {
				l.base = intrinsic(l.right, l.s0, l.strike).Price
				if p.Years > 0 {
					// Today's value as the profile itself prices it, so every T+0 curve is
					// exactly 0 at today's price: the book's own figure may come from a
					// Revaluer's extrapolation or an implied vol solved to a tolerance.
					price, err := pricing.Price(k.opt)
					if err != nil {
						return RiskProfile{}, fmt.Errorf("portfolio: profile of %s: %w", p.ID, err)
					}
					l.base = price
				}
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
	g := &grid{spec: spec, book: &book, legs: legs, shifts: shifts, nm: nm, zero: zero}
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

type grid struct {
	spec   ProfileSpec
	book   *Book
	legs   []profileLeg
	shifts []float64
	nm     int
	zero   int
}

// spot is leg l's underlying price at move i, and the benchmark's relative move there.
func (g *grid) spot(l *profileLeg, i int) (s, benchRel float64) {
	mv := g.spec.Moves[i]
	var rel float64
	switch {
	case g.spec.Benchmark && g.spec.Points:
		benchRel = mv / g.book.Benchmark.Price
		rel = l.beta * benchRel
	case g.spec.Benchmark:
		benchRel = mv
		rel = l.beta * mv
	case g.spec.Points:
		rel = mv / l.s0
	default:
		rel = mv
	}
	s = l.s0 * (1 + rel)
	if s < 0.001*l.s0 {
		s = 0.001 * l.s0
	}
	return s, benchRel
}

func (g *grid) run() ([][]ProfilePoint, error) {
	workers := g.spec.Workers
	if workers > len(g.legs) {
		workers = len(g.legs)
	}
	if workers < 1 {
		workers = 1
	}
	parts := make([][][]ProfilePoint, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		parts[w] = g.newCurves()
		work := func(w int) {
			for li := w; li < len(g.legs); li += workers {
				if err := g.addLeg(&g.legs[li], parts[w]); err != nil {
					errs[w] = err
					return
				}
			}
		}
		if workers == 1 {
			work(0)
			break
		}
		wg.Add(1)
		go func(w int) { defer wg.Done(); work(w) }(w)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := parts[0]
	for _, p := range parts[1:] {
		for h := range out {
			for i := range out[h] {
				a, b := &out[h][i], p[h][i]
				a.PnL += b.PnL
				a.Delta += b.Delta
				a.DollarDelta += b.DollarDelta
				a.Gamma += b.Gamma
				a.Theta += b.Theta
				a.Vega += b.Vega
			}
		}
	}
	return out, nil
}

func (g *grid) newCurves() [][]ProfilePoint {
	c := make([][]ProfilePoint, len(g.shifts))
	for h := range c {
		c[h] = make([]ProfilePoint, g.nm)
	}
	return c
}

// addLeg adds leg l's P&L and Greeks at every horizon and move to curves.
func (g *grid) addLeg(l *profileLeg, curves [][]ProfilePoint) error {
	var eep []float64
	for h, dt := range g.shifts {
		years := l.opt.Years - dt
		open := l.option && l.opt.Years > 0 && years > 1e-9
		american := open && l.opt.Style == pricing.American
		if american {
			var err error
			if eep, err = g.earlyExercise(l, years, eep); err != nil {
				return err
			}
		}
		for i := 0; i < g.nm; i++ {
			s, benchRel := g.spot(l, i)
			var gk pricing.Greeks
			switch {
			case !l.option:
				gk = pricing.Greeks{Price: s, Delta: 1}
			case !open:
				gk = intrinsic(l.right, s, l.strike)
			default:
				o := l.opt
				o.Spot, o.Years, o.Style = s, years, pricing.European
				o.Vol = math.Max(o.Vol+g.spec.VolShift/100, volFloor)
				var err error
				if gk, err = pricing.Value(o); err != nil {
					return fmt.Errorf("portfolio: profile at %s, %g days: %w", formatMove(g.spec, i), dt*365, err)
				}
				if american {
					gk.Price += eep[i]
				}
			}
			pt := &curves[h][i]
			pt.PnL += l.n * (gk.Price - l.base)
			dd := l.n * gk.Delta * s
			gamma := 0.01 * s * s * gk.Gamma * l.n
			if g.spec.Benchmark {
				dd *= l.beta
				gamma *= l.beta * l.beta
				pt.Delta += dd / (g.book.Benchmark.UnitValue * (1 + benchRel))
			} else {
				pt.Delta += l.n * gk.Delta / l.unitMult
			}
			pt.DollarDelta += dd
			pt.Gamma += gamma
			pt.Theta += l.n * gk.Theta / 365
			pt.Vega += l.n * gk.Vega / 100
		}
	}
	return nil
}

// earlyExercise fills eep (reused between horizons) with the American option's premium
// over its European twin at every move: exact at the sample moves (about eepSamples, the
// ends and today's move), linear in between.
func (g *grid) earlyExercise(l *profileLeg, years float64, eep []float64) ([]float64, error) {
	if cap(eep) < g.nm {
		eep = make([]float64, g.nm)
	}
	eep = eep[:g.nm]
	step := (g.nm - 1) / (eepSamples - 1)
	if step < 1 {
		step = 1
	}
	prev := -1
	for i := 0; i < g.nm; i++ {
		if i%step != 0 && i != g.nm-1 && i != g.zero {
			continue
		}
		s, _ := g.spot(l, i)
		o := l.opt
		o.Spot, o.Years = s, years
		o.Vol = math.Max(o.Vol+g.spec.VolShift/100, volFloor)
		am, err := pricing.Price(o)
		if err != nil {
			return nil, fmt.Errorf("portfolio: profile at %s: %w", formatMove(g.spec, i), err)
		}
		o.Style = pricing.European
		eu, err := pricing.Price(o)
		if err != nil {
			return nil, fmt.Errorf("portfolio: profile at %s: %w", formatMove(g.spec, i), err)
		}
		eep[i] = math.Max(am-eu, 0)
		if prev >= 0 {
			for j := prev + 1; j < i; j++ {
				mv := g.spec.Moves
				f := (mv[j] - mv[prev]) / (mv[i] - mv[prev])
				eep[j] = eep[prev] + f*(eep[i]-eep[prev])
			}
		}
		prev = i
	}
	return eep, nil
}

func formatMove(spec ProfileSpec, i int) string {
	if spec.Points {
		return fmt.Sprintf("a move of %g points", spec.Moves[i])
	}
	return fmt.Sprintf("a move of %g%%", 100*spec.Moves[i])
}
