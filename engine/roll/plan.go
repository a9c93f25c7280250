package roll

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"

	"github.com/keel-desk/keel/format"
)

// ErrNotShortOption is returned for a position that is not a short option.
var ErrNotShortOption = errors.New("roll: not a short option")

// PlanPosition plans the rolls of one short option of the book, named by its position ID
// or its symbol (any notation instrument.Parse reads). book is the valued book
// (portfolio.Revalue) the plan starts from; m the chains to roll into.
func PlanPosition(book portfolio.Book, position string, m Market, s Settings) (Plan, error) {
	if err := s.Validate(); err != nil {
		return Plan{}, err
	}
	i, err := Find(&book, position)
	if err != nil {
		return Plan{}, err
	}
	return plan(&book, i, m, s)
}

// PlanLayer plans every short option of one layer ("" or portfolio.Unassigned for the
// positions without one), in book order. A position that cannot be planned (no quote for
// it, a book that could not value it) gets a plan with Problem set instead of candidates.
func PlanLayer(book portfolio.Book, layer string, m Market, s Settings) ([]Plan, error) {
	if layer == "" {
		layer = portfolio.Unassigned
	}
	found := false
	for _, lr := range book.Layers {
		found = found || lr.Name == layer
	}
	if !found {
		return nil, fmt.Errorf("roll: the book has no layer %q", layer)
	}
	return planAll(&book, m, s, portfolio.InLayer(layer))
}

// PlanAll plans every short option of the book, in book order (see PlanLayer).
func PlanAll(book portfolio.Book, m Market, s Settings) ([]Plan, error) {
	return planAll(&book, m, s, func(portfolio.PositionRisk) bool { return true })
}

func planAll(book *portfolio.Book, m Market, s Settings, include func(portfolio.PositionRisk) bool) ([]Plan, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	plans := []Plan{}
	for i := range book.Positions {
		p := &book.Positions[i]
		if !include(*p) || !p.Instrument.IsOption() || !(p.Quantity < 0) {
			continue
		}
		pl, err := plan(book, i, m, s)
		if err != nil {
			pl = Plan{Position: positionOf(p), Candidates: []Candidate{}, Problem: err.Error()}
		}
		plans = append(plans, pl)
	}
	return plans, nil
}

// find is the index of the position named by ID or symbol.
// Find is the index in book of the position named by its ID or its symbol (any notation
// instrument.Parse reads), as PlanPosition finds it.
func Find(book *portfolio.Book, name string) (int, error) {
	for i := range book.Positions {
		if book.Positions[i].ID == name {
			return i, nil
		}
	}
	in, err := instrument.Parse(name, book.Now)
	if err != nil {
		return -1, fmt.Errorf("roll: no position %q in the book (%v)", name, err)
	}
	sym := in.Symbol()
	for i := range book.Positions {
		if book.Positions[i].Instrument.Symbol() == sym {
			return i, nil
		}
	}
	return -1, fmt.Errorf("roll: no position %s in the book", sym)
}

func positionOf(p *portfolio.PositionRisk) Holding {
	layer := p.Layer
	if layer == "" {
		layer = portfolio.Unassigned
	}
	return Holding{ID: p.ID, Symbol: p.Instrument.Symbol(), Quantity: p.Quantity, Layer: layer}
}

// exposure is one short contract's (or a position's) figures in the package's units.
type exposure struct {
	delta, gamma, theta, vega, betaDelta float64
}

func (e exposure) times(k float64) exposure {
	return exposure{e.delta * k, e.gamma * k, e.theta * k, e.vega * k, e.betaDelta * k}
}

// planner holds what one plan needs about the held position.
type planner struct {
	book   *portfolio.Book
	s      Settings
	m      Market
	pos    *portfolio.PositionRisk
	in     instrument.Instrument
	n      int64 // contracts held short
	old    exposure
	before State
	target float64
	// unitValue is the money value of one underlying unit (a share; an ES future: S × 50):
	// a delta of one unit gains unitValue × 1% on a 1% move.
	unitValue float64
	closeQ    *liquidity.Quote
	closeLeg  Leg
	costPer   float64
	tested    string
}

func plan(book *portfolio.Book, i int, m Market, s Settings) (Plan, error) {
	p := &book.Positions[i]
	if p.Err != nil {
		return Plan{}, fmt.Errorf("roll: %s could not be valued: %w", p.Instrument.Symbol(), p.Err)
	}
	in := p.Instrument
	if !in.IsOption() || !(p.Quantity < 0) || p.Quantity != math.Trunc(p.Quantity) {
		return Plan{}, fmt.Errorf("%w: %s, quantity %g", ErrNotShortOption, in.Symbol(), p.Quantity)
	}
	pl := &planner{book: book, s: s, m: m, pos: p, in: in, n: int64(-p.Quantity)}
	pl.costPer = s.EquityOptionCost
	if in.Kind == instrument.FuturesOption {
		pl.costPer = s.FuturesOptionCost
	}
	pl.old = exposure{p.Exposure.Delta, p.Exposure.Gamma, p.Exposure.Theta, p.Exposure.Vega, p.Exposure.BetaDelta}
	pl.unitValue = p.UnderlyingPrice * unitMult(in)
	layerName := positionOf(p).Layer
	var lr *portfolio.LayerRisk
	for j := range book.Layers {
		if book.Layers[j].Name == layerName {
			lr = &book.Layers[j]
		}
	}
	if lr == nil {
		return Plan{}, fmt.Errorf("roll: the book has no layer %q for %s", layerName, in.Symbol())
	}
	pl.before = State{Contracts: lr.Contracts, Gamma: lr.Exposure.Gamma, Theta: lr.Exposure.Theta, Vega: lr.Exposure.Vega,
		Book:          Greeks{Gamma: book.Total.Gamma, Theta: book.Total.Theta, Vega: book.Total.Vega},
		BookBetaDelta: book.Total.BetaDelta}
	optContracts, opposite, hasOpposite := 0.0, 0.0, false
	for _, j := range lr.Positions {
		q := &book.Positions[j]
		if q.Err != nil || !sameProduct(q.Instrument, in) {
			continue
		}
		pl.before.LayerDelta += q.Exposure.Delta
		if q.Instrument.IsOption() {
			optContracts += math.Abs(q.Quantity)
			if q.Quantity < 0 && q.Instrument.Right != in.Right {
				hasOpposite = true
				opposite = math.Max(opposite, math.Abs(q.Greeks.Delta))
			}
		}
	}
	if t, ok := s.Targets[layerName]; ok {
		pl.target = t
	} else {
		perContract := s.BiasDelta * in.Multiplier / unitMult(in)
		switch lr.Layer.Bias {
		case portfolio.Long:
			pl.target = optContracts * perContract
		case portfolio.Short:
			pl.target = -optContracts * perContract
		}
	}
	shapes := []Shape{Closer, OutAway}
	mine := math.Abs(p.Greeks.Delta)
	switch {
	case !hasOpposite:
		// Alone, both shapes, but only rolls that leave the layer's delta nearer its target
		// (score): rolling a lone short VXX call closer while the layer was already shorter
		// than its bias asks used to rank first.
		pl.tested = "alone"
	case mine > opposite:
		pl.tested, shapes = "tested", []Shape{OutAway}
	case mine < opposite:
		pl.tested, shapes = "untested", []Shape{Closer}
	default:
		pl.tested = "even"
	}

	pl.closeQ = pl.findQuote()
	if pl.closeQ == nil {
		return Plan{}, fmt.Errorf("roll: no quote for the held %s in the chains given", in.Symbol())
	}
	closeLeg, err := pl.leg(pl.closeQ, Buy, Close, pl.n, p.Greeks.Delta)
	if err != nil {
		return Plan{}, err
	}
	pl.closeLeg = closeLeg

	out := Plan{Position: positionOf(p), TargetDelta: pl.target, Before: pl.before, Tested: pl.tested}
	cands, err := pl.candidates(shapes)
	if err != nil {
		return Plan{}, err
	}
	out.Candidates = cands
	return out, nil
}

// unitMult is the multiplier of one underlying unit: 1 share, or the future's multiplier
// (CME lists equity index options with the future's multiplier), as engine/portfolio counts.
func unitMult(in instrument.Instrument) float64 {
	if in.Kind == instrument.FuturesOption {
		return in.Multiplier
	}
	return 1
}

// sameProduct reports whether p trades on the same product as the option in: the same root,
// futures and futures options with futures options, stock and options with options.
func sameProduct(p, in instrument.Instrument) bool {
	if p.Root != in.Root {
		return false
	}
	if in.Kind == instrument.FuturesOption {
		return p.Kind == instrument.Future || p.Kind == instrument.FuturesOption
	}
	return p.Kind == instrument.Stock || p.Kind == instrument.Option
}

// findQuote is the chains' quote of the held option.
func (pl *planner) findQuote() *liquidity.Quote {
	in := &pl.in
	for c := range pl.m.Chains {
		ch := &pl.m.Chains[c]
		for k := range ch.Quotes {
			q := &ch.Quotes[k].Instrument
			if q.Kind == in.Kind && q.Root == in.Root && q.Right == in.Right && q.Strike == in.Strike &&
				q.Expiry.Equal(in.Expiry) && q.Underlying == in.Underlying {
				return &ch.Quotes[k]
			}
		}
	}
	return nil
}

// leg is one leg with its liquidity check.
func (pl *planner) leg(q *liquidity.Quote, side Side, eff Effect, qty int64, delta float64) (Leg, error) {
	res, err := pl.s.Liquidity.Check(*q, qty)
	if err != nil {
		return Leg{}, err
	}
	in := q.Instrument
	sym := q.Symbol
	if sym == "" {
		sym = in.Symbol()
	}
	return Leg{Symbol: sym, Side: side, Effect: eff, Quantity: qty, Multiplier: in.Multiplier, Bid: q.Bid, Ask: q.Ask,
		Expiry: in.Expiry, Strike: in.Strike, Right: in.Right.String(),
		DTE: instrument.DaysToExpiry(pl.book.Now, in), Delta: delta, Liquidity: res}, nil
}

// greeks values one short contract of q's option: with the European model to screen, or
// with the instrument's own style (American for stock options).
func (pl *planner) greeks(q *liquidity.Quote, s float64, exact bool) (pricing.Greeks, exposure, error) {
	in := &q.Instrument
	o := pricing.Option{Style: pricing.European, Right: in.Right, Spot: s, Strike: in.Strike,
		Years: instrument.YearFraction(pl.book.Now, in.Expiry), Rate: pl.book.Rate, Vol: q.IV}
	if exact {
		o.Style = in.Style
	}
	if in.Kind == instrument.FuturesOption {
		o.Underlying = pricing.Futures
	} else {
		name := in.Underlying
		if name == "" {
			name = in.Root
		}
		o.Carry = pl.book.Rate - pl.m.DividendYield[name]
	}
	if !(o.Vol > 0) {
		v, err := pricing.ImpliedVol(o, q.Mid())
		if err != nil {
			return pricing.Greeks{}, exposure{}, err
		}
		o.Vol = v
	}
	g, err := pricing.Value(o)
	if err != nil {
		return pricing.Greeks{}, exposure{}, err
	}
	mult := in.Multiplier
	e := exposure{delta: -mult * g.Delta / unitMult(*in), gamma: -0.01 * s * s * g.Gamma * mult,
		theta: -mult * g.Theta / 365, vega: -mult * g.Vega / 100}
	if bu := pl.book.Benchmark.UnitValue; bu > 0 {
		e.betaDelta = -mult * g.Delta * s * pl.pos.Beta / bu
	}
	return g, e, nil
}

// screen is one candidate before its legs are written out.
type screen struct {
	q     *liquidity.Quote
	s     float64 // the underlying's price the option was valued at
	qty   int64
	shape Shape
	score Score
	fail  bool
}

// better ranks a before b: passing or warning before failing, then the lower score.
func better(a, b *screen) bool {
	if a.fail != b.fail {
		return b.fail
	}
	return a.score.Total < b.score.Total
}

// shortlist keeps the k best screens offered, best first, without sorting them all.
type shortlist struct {
	k     int
	items []screen
}

func (l *shortlist) offer(x *screen) {
	n := len(l.items)
	if n == l.k && !better(x, &l.items[n-1]) {
		return
	}
	i := 0
	for i < n && !better(x, &l.items[i]) {
		i++
	}
	if n < l.k {
		l.items = append(l.items, screen{})
		n++
	}
	copy(l.items[i+1:n], l.items[i:n-1])
	l.items[i] = *x
}

func (pl *planner) window(exp time.Time) bool {
	d := exp.Sub(pl.book.Now).Hours() / 24
	return d > pl.s.RollByDays && d <= pl.s.MaxDays
}

func (pl *planner) candidates(shapes []Shape) ([]Candidate, error) {
	in := &pl.in
	wantCloser, wantOut := slices.Contains(shapes, Closer), slices.Contains(shapes, OutAway)
	closeVerdict := pl.closeLeg.Liquidity.Verdict
	// The shortlist is valued again with the instrument's own style (American for stock
	// options, some 64 µs each): half as many again as will be shown leaves room for the
	// small reordering the exact Greeks bring.
	short := shortlist{k: pl.s.MaxCandidates + (pl.s.MaxCandidates+1)/2}
	for c := range pl.m.Chains {
		ch := &pl.m.Chains[c]
		if !ch.Expiry.IsZero() && !pl.window(ch.Expiry) {
			continue
		}
		for k := range ch.Quotes {
			q := &ch.Quotes[k]
			qi := &q.Instrument
			if qi.Kind != in.Kind || qi.Root != in.Root || qi.Right != in.Right || !(q.Bid > 0) || !pl.window(qi.Expiry) {
				continue
			}
			s := q.Underlying
			if !(s > 0) {
				s = ch.Price
			}
			if !(s > 0) {
				continue
			}
			shape, ok := pl.shapeOf(qi, s, wantCloser, wantOut)
			if !ok {
				continue
			}
			_, e, err := pl.greeks(q, s, false)
			if err != nil {
				continue // a quote no volatility explains is not a candidate
			}
			for _, qty := range pl.quantities(e) {
				sc, ok := pl.score(q, qty, e, shape, closeVerdict, s)
				if ok {
					short.offer(&sc)
				}
			}
		}
	}
	list := short.items
	type exact struct {
		g pricing.Greeks
		e exposure
	}
	values := map[*liquidity.Quote]exact{}
	kept := list[:0]
	for i := range list {
		sc := list[i]
		x, ok := values[sc.q]
		if !ok {
			g, e, err := pl.greeks(sc.q, sc.s, true)
			if err != nil {
				return nil, fmt.Errorf("roll: valuing %s: %w", sc.q.Symbol, err)
			}
			x = exact{g, e}
			values[sc.q] = x
		}
		// A debit at mid cannot appear from a re-valuation; a lone option's roll that the
		// exact Greeks show moving the layer off its target can.
		if re, ok := pl.score(sc.q, sc.qty, x.e, sc.shape, closeVerdict, sc.s); ok {
			kept = append(kept, re)
		}
	}
	list = kept
	slices.SortStableFunc(list, func(a, b screen) int {
		switch {
		case better(&a, &b):
			return -1
		case better(&b, &a):
			return 1
		}
		return 0
	})
	if len(list) > pl.s.MaxCandidates {
		list = list[:pl.s.MaxCandidates]
	}
	out := make([]Candidate, 0, len(list)+1)
	for _, sc := range list {
		x := values[sc.q]
		c, err := pl.candidate(sc, x.g, x.e)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	closeOnly, err := pl.closeOnly()
	if err != nil {
		return nil, err
	}
	out = append(out, closeOnly)
	slices.SortStableFunc(out, func(a, b Candidate) int {
		fa, fb := a.Liquidity == liquidity.Fail, b.Liquidity == liquidity.Fail
		if fa != fb {
			if fa {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Score.Total, b.Score.Total)
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out, nil
}

// shapeOf says which roll q's option would be: closer (a strike strictly nearer the money,
// still out of it) or out and away (a later expiry, the same or a farther strike).
func (pl *planner) shapeOf(qi *instrument.Instrument, s float64, wantCloser, wantOut bool) (Shape, bool) {
	k, old := qi.Strike, pl.in.Strike
	if wantCloser {
		if qi.Right == pricing.Put && k > old && k <= s {
			return Closer, true
		}
		if qi.Right == pricing.Call && k < old && k >= s {
			return Closer, true
		}
	}
	if wantOut && qi.Expiry.After(pl.in.Expiry) {
		if (qi.Right == pricing.Put && k <= old) || (qi.Right == pricing.Call && k >= old) {
			return OutAway, true
		}
	}
	return "", false
}

// quantities are the contract counts offered for a new leg whose one short contract has
// exposure e: as many as held, and, when allowed, the fewer that bring the layer's delta
// nearest its target.
func (pl *planner) quantities(e exposure) []int64 {
	qs := []int64{pl.n}
	if !pl.s.FewerContracts || pl.n < 2 || e.delta == 0 {
		return qs
	}
	base := pl.before.LayerDelta - pl.old.delta
	best := math.Round((pl.target - base) / e.delta)
	if best >= 1 && best < float64(pl.n) {
		qs = append(qs, int64(best))
	}
	return qs
}

// score is the candidate rolling into qty contracts of q (one short contract: e).
func (pl *planner) score(q *liquidity.Quote, qty int64, e exposure, shape Shape, closeVerdict liquidity.Verdict, s float64) (screen, bool) {
	mult := q.Instrument.Multiplier
	oldMult := pl.in.Multiplier
	n := float64(pl.n)
	netMid := q.Mid()*float64(qty)*mult - pl.closeQ.Mid()*n*oldMult
	if !pl.s.AllowDebit && netMid < 0 {
		return screen{}, false
	}
	after := e.times(float64(qty))
	if pl.tested == "alone" && math.Abs(pl.after(after).LayerDelta-pl.target) > math.Abs(pl.before.LayerDelta-pl.target) {
		return screen{}, false // alone, a roll is for balance: never one that leaves the layer further off
	}
	netNat := q.Bid*float64(qty)*mult - pl.closeQ.Ask*n*oldMult
	v, err := pl.s.Liquidity.Verdict(*q, qty)
	if err != nil {
		return screen{}, false
	}
	sc := screen{q: q, s: s, qty: qty, shape: shape}
	sc.score = pl.components(netMid, netNat, pl.n+qty, after, closeVerdict, v)
	sc.score.StrikeMove = 100 * math.Abs(q.Instrument.Strike-pl.in.Strike) / s
	sc.score.DaysMoved = q.Instrument.Expiry.Sub(pl.in.Expiry).Hours() / 24
	sc.score.Total += pl.s.Weights.Price*sc.score.StrikeMove + pl.s.Weights.Time*math.Abs(sc.score.DaysMoved)
	sc.fail = v == liquidity.Fail || closeVerdict == liquidity.Fail
	return sc, true
}

// components fills a Score for a roll that closes the position and opens exposure added.
func (pl *planner) components(netMid, netNat float64, traded int64, added exposure, verdicts ...liquidity.Verdict) Score {
	w := pl.s.Weights
	a := pl.after(added)
	var sc Score
	sc.DeltaOff = math.Abs(a.LayerDelta-pl.target) * pl.unitValue * 0.01
	sc.Credit = netMid
	sc.Commissions = float64(traded) * pl.costPer
	sc.HalfSpreads = netMid - netNat
	sc.Costs = sc.Commissions + sc.HalfSpreads
	sc.GammaCost = 0.5 * 0.01 * (math.Abs(a.Gamma) - math.Abs(pl.before.Gamma))
	sc.ThetaGain = a.Theta - pl.before.Theta
	sc.VegaAdded = math.Abs(a.Vega) - math.Abs(pl.before.Vega)
	for _, v := range verdicts {
		if v == liquidity.Warn {
			sc.WarningLegs++
		}
	}
	sc.Total = w.Delta*sc.DeltaOff - w.Credit*sc.Credit + w.Costs*sc.Costs + w.Gamma*sc.GammaCost -
		w.Theta*sc.ThetaGain + w.Vega*sc.VegaAdded + w.Warn*float64(sc.WarningLegs)
	return sc
}

// after is the layer and book once the position is closed and added opened.
func (pl *planner) after(added exposure) State {
	b, o := pl.before, pl.old
	return State{
		LayerDelta: b.LayerDelta - o.delta + added.delta,
		Gamma:      b.Gamma - o.gamma + added.gamma,
		Theta:      b.Theta - o.theta + added.theta,
		Vega:       b.Vega - o.vega + added.vega,
		Book: Greeks{Gamma: b.Book.Gamma - o.gamma + added.gamma, Theta: b.Book.Theta - o.theta + added.theta,
			Vega: b.Book.Vega - o.vega + added.vega},
		BookBetaDelta: b.BookBetaDelta - o.betaDelta + added.betaDelta,
	}
}

// candidate writes out a screened roll: its legs, money, state after and words.
func (pl *planner) candidate(sc screen, g pricing.Greeks, e exposure) (Candidate, error) {
	open, err := pl.leg(sc.q, Sell, Open, sc.qty, g.Delta)
	if err != nil {
		return Candidate{}, err
	}
	c := Candidate{Shape: sc.shape, Legs: []Leg{pl.closeLeg, open}, NewContracts: sc.qty, Score: sc.score}
	c.NetMid, c.NetNatural = pl.net(c.Legs)
	c.After = pl.after(e.times(float64(sc.qty)))
	c.After.Contracts = pl.before.Contracts - float64(pl.n) + float64(sc.qty)
	c.Liquidity = pl.closeLeg.Liquidity.Verdict.Worse(open.Liquidity.Verdict)
	c.Why = pl.why(c, open)
	return c, nil
}

func (pl *planner) closeOnly() (Candidate, error) {
	c := Candidate{Shape: CloseOnly, Legs: []Leg{pl.closeLeg}, Liquidity: pl.closeLeg.Liquidity.Verdict}
	c.NetMid, c.NetNatural = pl.net(c.Legs)
	c.After = pl.after(exposure{})
	c.After.Contracts = pl.before.Contracts - float64(pl.n)
	c.Score = pl.components(c.NetMid, c.NetNatural, pl.n, exposure{}, c.Liquidity)
	c.Why = pl.why(c, Leg{})
	return c, nil
}

// net is the legs' net credit at mid and at natural (selling at the bid, buying at the ask),
// dollars, a credit positive: the sum of the legs' own quotes.
func (pl *planner) net(legs []Leg) (mid, natural float64) {
	for _, l := range legs {
		k := float64(l.Quantity) * l.Multiplier
		m := (l.Bid + l.Ask) / 2
		if l.Side == Sell {
			mid += m * k
			natural += l.Bid * k
		} else {
			mid -= m * k
			natural -= l.Ask * k
		}
	}
	return mid, natural
}

// why says the candidate in a sentence.
func (pl *planner) why(c Candidate, open Leg) string {
	var b strings.Builder
	side := pl.tested
	if side == "alone" || side == "even" {
		side = ""
	} else {
		side += " "
	}
	right := pl.in.Right.String()
	switch c.Shape {
	case CloseOnly:
		fmt.Fprintf(&b, "close the %s%s: buy back %d", side, right, pl.n)
	default:
		how := "closer to the money"
		if c.Shape == OutAway {
			how = "out and away"
		}
		fmt.Fprintf(&b, "roll the %s%s %s: %s → %s, %s → %s, %d → %d contracts", side, right, how,
			strikeText(pl.in.Strike), strikeText(open.Strike),
			pl.in.Expiry.Format("Jan 2"), open.Expiry.Format("Jan 2"), pl.n, open.Quantity)
	}
	if c.NetMid >= 0 {
		fmt.Fprintf(&b, ", %s credit at mid (%s at natural)", dollars(c.NetMid), signedDollars(c.NetNatural))
	} else {
		fmt.Fprintf(&b, ", %s debit at mid (%s at natural)", dollars(-c.NetMid), signedDollars(c.NetNatural))
	}
	fmt.Fprintf(&b, "; layer delta %s → %s (target %s)", signed(pl.before.LayerDelta), signed(c.After.LayerDelta), signed(pl.target))
	fmt.Fprintf(&b, "; liquidity %s", c.Liquidity)
	for _, l := range c.Legs {
		// The leg's worst rules in words: its failing ones, or its warnings when none fails.
		var words []string
		for _, ch := range l.Liquidity.Checks {
			if ch.Verdict == l.Liquidity.Verdict && ch.Verdict != liquidity.Pass {
				words = append(words, ch.Words)
			}
		}
		if len(words) > 0 {
			fmt.Fprintf(&b, " (%s: %s)", l.Symbol, strings.Join(words, "; "))
		}
	}
	return b.String()
}

func strikeText(k float64) string { return fmt.Sprint(k) }

func dollars(v float64) string { return format.USD(v, 2) }

func signedDollars(v float64) string {
	if v < 0 {
		return "−" + dollars(-v)
	}
	return "+" + dollars(v)
}

func signed(v float64) string {
	if math.Abs(v) < 0.005 {
		return "0"
	}
	if v < 0 {
		return fmt.Sprintf("−%.2f", -v)
	}
	return fmt.Sprintf("+%.2f", v)
}
