package portfolio

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// volFloor is the volatility used for an option whose mark sits at or below its
// no-arbitrage lower bound (deep in the money, no time value left): no volatility reproduces
// such a price, and at this floor the model values it as the forward it has become.
const volFloor = 1e-4

// Revalue prices every position at m and sums the risk per position, per layer, per
// underlying, per expiry and for the book (units: see the package doc).
//
// Options are valued with engine/pricing (Value: European in closed form, American with
// Andersen–Lake–Offengeim). American options and implied vols are computed once per distinct
// option however many positions hold it, on cfg.Workers goroutines; European ones in
// place. An option quote without Vol has its volatility implied from Price; a price at
// its no-arbitrage lower bound (no time value left) is valued at a vol of 0.01%. An
// expired option still held is worth its intrinsic value with delta ±1 in the money and 0
// out of it.
//
// A Benchmark that cannot be resolved or priced returns an error and an empty Book. A
// position that cannot be valued (no price, bad quantity, a price no volatility explains,
// a beta measured against something else than the benchmark) is kept in the Book with
// PositionRisk.Err set and left out of every sum; the returned error then joins all such
// errors, and the Book is still usable for the rest.
func Revalue(positions []Position, m Market, cfg Config) (Book, error) {
	return revalue(positions, m, cfg, nil)
}

func revalue(positions []Position, m Market, cfg Config, cache *Revaluer) (Book, error) {
	if math.IsNaN(m.Rate) || math.IsInf(m.Rate, 0) {
		return Book{}, fmt.Errorf("portfolio: market rate %g is not a finite number", m.Rate)
	}
	bench, err := resolveBenchmark(m, cfg)
	if err != nil {
		return Book{}, err
	}
	proxy := cfg.ShareProxy
	if proxy == "" {
		proxy = "SPY"
	}
	book := Book{
		Now: m.Now, Rate: m.Rate,
		Benchmark:  bench.Benchmark,
		SharePrice: m.Underlyings[proxy],
		Positions:  make([]PositionRisk, len(positions)),
	}
	if proxy == bench.Symbol {
		book.SharePrice = bench.Price
	}

	// Gather inputs; collect each distinct option pricing problem once.
	if cache != nil {
		cache.mu.Lock() // until the options are gathered
		cache.calls++
	}
	var jobIndex map[optKey]int32 // American options and implied vols: shared between positions
	var jobs []pricingJob
	jobOf := make([]int32, len(positions))
	for i := range positions {
		pr := &book.Positions[i]
		pr.Position = positions[i]
		jobOf[i] = -1
		q, err := bench.prepare(pr, m)
		if err != nil {
			pr.Err = err
			continue
		}
		if !pr.Instrument.IsOption() || pr.Years <= 0 {
			continue
		}
		o := book.optionOf(pr)
		var price float64 // the mark to imply vol from; 0 when Vol is given
		if o.Vol == 0 {
			if !(q.Price > 0) || math.IsInf(q.Price, 0) {
				pr.Err = fmt.Errorf("portfolio: position %s (%s): no volatility and no option price to imply it from", pr.ID, pr.Instrument)
				continue
			}
			price = q.Price
		}
		if o.Style == pricing.European && price == 0 {
			// A closed-form value costs less than looking it up or handing it to another
			// goroutine: value it here.
			g, err := pricing.Value(o)
			if err != nil {
				pr.Err = fmt.Errorf("portfolio: position %s (%s): %w", pr.ID, pr.Instrument, err)
				continue
			}
			pr.Greeks = g
			if pr.Mark == 0 {
				pr.Mark = g.Price
			}
			continue
		}
		if cache != nil && price == 0 {
			if g, ok := cache.extrapolate(o, m.Now); ok {
				pr.Greeks = g
				if pr.Mark == 0 {
					pr.Mark = g.Price
				}
				continue
			}
		}
		if jobIndex == nil {
			hint := len(positions) / 4
			if cache != nil {
				hint = 16 // with a cache only the options that moved too far are priced
			}
			jobIndex = make(map[optKey]int32, hint)
		}
		k := keyBits(o, price)
		j, ok := jobIndex[k]
		if !ok {
			j = int32(len(jobs))
			jobIndex[k] = j
			jobs = append(jobs, pricingJob{opt: o, price: price})
		}
		jobOf[i] = j
	}

	if cache != nil {
		cache.mu.Unlock()
	}
	var jerrs jobErrors
	priceJobs(jobs, cfg.Workers, &jerrs)
	if cache != nil {
		cache.store(jobs, m.Now)
	}

	var errs []error
	for i := range book.Positions {
		pr := &book.Positions[i]
		if pr.Err == nil && jobOf[i] >= 0 {
			jb := &jobs[jobOf[i]]
			if jb.failed {
				pr.Err = fmt.Errorf("portfolio: position %s (%s): %w", pr.ID, pr.Instrument, jerrs.get(int(jobOf[i])))
			} else {
				pr.Greeks = jb.greeks
				pr.Vol = jb.vol
				if pr.Mark == 0 {
					pr.Mark = jb.greeks.Price
				}
			}
		}
		if pr.Err != nil {
			errs = append(errs, pr.Err)
			book.Errors++
			continue
		}
		pr.Exposure = exposureOf(pr, bench.UnitValue)
		if !pr.Exposure.finite() {
			pr.Exposure = Exposure{}
			pr.Err = fmt.Errorf("portfolio: position %s (%s): quantity %g at price %g gives figures too large to represent",
				pr.ID, pr.Instrument, pr.Quantity, pr.UnderlyingPrice)
			errs = append(errs, pr.Err)
			book.Errors++
		}
	}
	aggregate(&book, cfg)
	return book, errors.Join(errs...)
}

// pricingJob is one distinct option to value (and its vol to imply when opt.Vol is 0). It
// holds no pointers, so a book's worth of jobs costs the garbage collector nothing; the
// rare errors live in jobErrors.
type pricingJob struct {
	opt    pricing.Option
	price  float64
	greeks pricing.Greeks
	vol    float64
	failed bool
}

// optKey identifies pricing inputs exactly (the bits of every field) and hashes fast.
type optKey [8]uint64

func keyBits(o pricing.Option, last float64) optKey {
	b := math.Float64bits
	return optKey{uint64(uint8(o.Style)) | uint64(uint8(o.Underlying))<<8 | uint64(uint8(o.Right))<<16,
		b(o.Spot), b(o.Strike), b(o.Years), b(o.Rate), b(o.Carry), b(o.Vol), b(last)}
}

// jobErrors collects the errors of failed jobs, from any goroutine.
type jobErrors struct {
	mu    sync.Mutex
	byJob map[int]error
}

func (e *jobErrors) set(i int, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.byJob == nil {
		e.byJob = make(map[int]error)
	}
	e.byJob[i] = err
}

func (e *jobErrors) get(i int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.byJob[i]
}

func (j *pricingJob) run(i int, errs *jobErrors) {
	o := j.opt
	if o.Vol == 0 {
		iv, err := pricing.ImpliedVol(o, j.price)
		if err != nil {
			var pb *pricing.PriceBoundsError
			if !errors.As(err, &pb) || j.price > pb.Lower {
				j.failed = true
				errs.set(i, fmt.Errorf("implying volatility from price %g: %w", j.price, err))
				return
			}
			iv = volFloor
		}
		o.Vol = iv
	}
	g, err := pricing.Value(o)
	if err != nil {
		j.failed = true
		errs.set(i, err)
		return
	}
	j.greeks, j.vol = g, o.Vol
}

// priceJobs runs every job, on up to workers goroutines taking jobs in turn (American and
// European jobs cost very different amounts, so interleaving spreads them evenly).
func priceJobs(jobs []pricingJob, workers int, errs *jobErrors) {
	if workers > len(jobs)/8 {
		workers = len(jobs) / 8
	}
	if workers <= 1 {
		for i := range jobs {
			jobs[i].run(i, errs)
		}
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(jobs); i += workers {
				jobs[i].run(i, errs)
			}
		}(w)
	}
	wg.Wait()
}

// benchmark is the resolved Config.Benchmark with what beta conversion needs.
type benchmark struct {
	Benchmark
	root      string  // SPY, ES
	measured  string  // what its own beta is measured against (SPY)
	beta      float64 // its beta to measured
	stocks    instrument.Stocks
	futBetas  map[string]float64
	rate      float64
	dividends map[string]float64
	now       time.Time
}

func resolveBenchmark(m Market, cfg Config) (*benchmark, error) {
	sym := cfg.Benchmark
	if sym == "" {
		sym = "SPY"
	}
	in, err := instrument.Parse(sym, m.Now)
	if err != nil {
		return nil, fmt.Errorf("portfolio: benchmark %q: %w", sym, err)
	}
	b := &benchmark{stocks: cfg.Stocks, futBetas: cfg.FuturesBetas, rate: m.Rate,
		dividends: m.DividendYield, now: m.Now}
	b.Symbol = in.Symbol()
	b.root = in.Root
	unit := 1.0
	switch in.Kind {
	case instrument.Stock:
		b.measured, b.beta = in.Benchmark, in.Beta
		if cfg.Stocks != nil {
			p := cfg.Stocks.Lookup(in.Root)
			b.measured, b.beta = p.Benchmark, p.Beta
		}
	case instrument.Future:
		b.measured, b.beta = in.Benchmark, in.Beta
		if v, ok := cfg.FuturesBetas[in.Root]; ok {
			b.beta = v
		}
		unit = in.Multiplier
	default:
		return nil, fmt.Errorf("portfolio: benchmark %q is an option; use a stock, an ETF or a futures contract", sym)
	}
	if b.measured == "" || b.beta == 0 {
		return nil, fmt.Errorf("portfolio: benchmark %s has no beta to the equity market", b.Symbol)
	}
	p, ok := m.Underlyings[b.Symbol]
	if !ok {
		p = m.Underlyings[sym]
	}
	if !(p > 0) || math.IsInf(p, 0) {
		return nil, fmt.Errorf("portfolio: benchmark %s has no price in Market.Underlyings (got %g)", b.Symbol, p)
	}
	b.Price, b.UnitValue, b.Benchmark.Beta = p, p*unit, b.beta
	return b, nil
}

// betaOf is in's beta to the benchmark (leverage included) and its leverage and reference.
func (b *benchmark) betaOf(in instrument.Instrument) (beta, lev float64, ref string, err error) {
	beta, measured, lev, ref := in.Beta, in.Benchmark, in.Leverage, in.Reference
	switch in.Kind {
	case instrument.Stock, instrument.Option:
		if b.stocks != nil {
			t := in.Root
			if in.Kind == instrument.Option && in.Underlying != "" {
				t = in.Underlying
			}
			p := b.stocks.Lookup(t)
			beta, measured, lev, ref = p.Beta, p.Benchmark, p.Leverage, p.Reference
		}
	case instrument.Future, instrument.FuturesOption:
		if v, ok := b.futBetas[in.Root]; ok {
			beta = v
			if measured == "" {
				measured = "SPY"
			}
		}
	}
	if lev == 0 {
		lev = 1
	}
	if ref == "" {
		ref = in.Root
	}
	switch {
	case measured == "" || beta == 0:
		return 0, lev, ref, nil
	case measured == b.Symbol || measured == b.root:
		return beta, lev, ref, nil
	case measured == b.measured:
		return beta / b.beta, lev, ref, nil
	}
	return 0, lev, ref, fmt.Errorf("beta %g is measured against %s, the benchmark %s against %s", beta, measured, b.Symbol, b.measured)
}

// prepare fills pr's market inputs (underlying, price, time, beta, pricing inputs) and
// returns its quote.
func (b *benchmark) prepare(pr *PositionRisk, m Market) (Quote, error) {
	in := pr.Instrument
	q := m.Quotes[pr.ID]
	fail := func(format string, args ...any) (Quote, error) {
		return q, fmt.Errorf("portfolio: position %s (%s): %s", pr.ID, in, fmt.Sprintf(format, args...))
	}
	if math.IsNaN(pr.Quantity) || math.IsInf(pr.Quantity, 0) {
		return fail("quantity %g is not a number", pr.Quantity)
	}
	if !(in.Multiplier > 0) || math.IsInf(in.Multiplier, 0) {
		return fail("multiplier %g must be positive", in.Multiplier)
	}
	if math.IsNaN(q.Price) || math.IsNaN(q.Underlying) || math.IsNaN(q.Vol) || q.Vol < 0 || math.IsInf(q.Vol, 0) {
		return fail("quote %+v has a value that is not a number", q)
	}
	pr.unitMult = 1
	switch in.Kind {
	case instrument.Stock:
		pr.Underlying = in.Root
	case instrument.Future:
		pr.Underlying = instrument.FormatFutures(in.Root, in.ContractYear, in.ContractMonth)
		pr.unitMult = in.Multiplier
	case instrument.Option, instrument.FuturesOption:
		pr.Underlying = in.Underlying
		if pr.Underlying == "" {
			pr.Underlying = in.Root
		}
		if in.Kind == instrument.FuturesOption {
			// CME lists equity index options with the future's multiplier (ES 50, MES 5).
			pr.unitMult = in.Multiplier
		}
	default:
		return fail("unknown kind %v", in.Kind)
	}
	s := q.Underlying
	if !(s > 0) && !in.IsOption() {
		s = q.Price
	}
	if !(s > 0) {
		s = m.Underlyings[pr.Underlying]
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return fail("no price for the underlying %s", pr.Underlying)
	}
	pr.UnderlyingPrice = s
	if q.Price > 0 && !math.IsInf(q.Price, 0) {
		pr.Mark = q.Price
	} else if !in.IsOption() {
		pr.Mark = s
	}
	beta, lev, ref, err := b.betaOf(in)
	if err != nil {
		return fail("%v", err)
	}
	pr.Beta, pr.Leverage, pr.Reference = beta, lev, ref
	if in.HasExpiry() {
		pr.Years = instrument.YearFraction(m.Now, in.Expiry)
		pr.DTE = pr.Years * 365
	}
	switch {
	case !in.IsOption():
		pr.Greeks = pricing.Greeks{Price: pr.Mark, Delta: 1}
	case pr.Years <= 0:
		pr.Greeks = intrinsic(in.Right, s, in.Strike)
		if pr.Mark == 0 {
			pr.Mark = pr.Greeks.Price
		}
	default:
		if !(in.Strike > 0) || math.IsInf(in.Strike, 0) {
			return fail("strike %g must be positive", in.Strike)
		}
		if in.Kind == instrument.Option {
			pr.carry = b.rate - b.dividends[pr.Underlying]
		}
		pr.Vol = q.Vol
	}
	return q, nil
}

// intrinsic is an expired option's value and delta: ±1 in the money, 0 out of it.
func intrinsic(r pricing.Right, s, k float64) pricing.Greeks {
	if r == pricing.Call && s > k {
		return pricing.Greeks{Price: s - k, Delta: 1}
	}
	if r == pricing.Put && s < k {
		return pricing.Greeks{Price: k - s, Delta: -1}
	}
	return pricing.Greeks{}
}

func (e Exposure) finite() bool {
	for _, v := range [...]float64{e.Delta, e.DollarDelta, e.BetaDollarDelta, e.BetaDelta, e.Gamma, e.BetaGamma,
		e.Theta, e.Vega, e.Notional, e.Value, e.Bull, e.Bear} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// exposureOf turns per-unit Greeks into the position's money figures.
func exposureOf(pr *PositionRisk, benchUnit float64) Exposure {
	in := pr.Instrument
	n := pr.Quantity * in.Multiplier // units of the underlying per unit of price
	s := pr.UnderlyingPrice
	g := pr.Greeks
	e := Exposure{
		Delta:       n * g.Delta / pr.unitMult,
		DollarDelta: n * g.Delta * s,
		Gamma:       0.01 * s * (s * g.Gamma) * n,
		Theta:       n * g.Theta / 365,
		Vega:        n * g.Vega / 100,
		Notional:    math.Abs(n) * s,
		Value:       n * pr.Mark,
	}
	if in.Kind == instrument.Future {
		e.Value = 0
	}
	e.BetaDollarDelta = e.DollarDelta * pr.Beta
	e.BetaDelta = e.BetaDollarDelta / benchUnit
	if g.Gamma == 0 { // stocks, futures, expired options: no gamma (and no 0 · ∞)
		e.Gamma = 0
	}
	e.BetaGamma = e.Gamma * pr.Beta * pr.Beta
	if e.BetaDollarDelta > 0 {
		e.Bull = e.BetaDollarDelta
	} else {
		e.Bear = e.BetaDollarDelta
	}
	return e
}

// aggregate fills the layer, underlying and expiry groups and the book total. A first pass
// names each position's groups and counts them, so every group's index list is carved from
// one allocation.
func aggregate(book *Book, cfg Config) {
	band := cfg.NeutralBand
	if band <= 0 {
		band = 0.10
	}
	n := len(book.Positions)
	layerAt := make(map[string]int32, len(cfg.Layers)+4)
	for _, l := range cfg.Layers {
		if _, dup := layerAt[l.Name]; dup {
			continue
		}
		layerAt[l.Name] = int32(len(book.Layers))
		l.Underlyings = slices.Clone(l.Underlyings) // the Book shares nothing mutable with cfg
		book.Layers = append(book.Layers, LayerRisk{Layer: l, Group: Group{Name: l.Name}, Configured: true})
	}
	configured := len(book.Layers)
	underAt := make(map[string]int32, 32)
	type dateKey struct {
		y int
		m time.Month
		d int
	}
	expAt := make(map[dateKey]int32, 16)
	instantAt := make(map[int64]int32, 32) // expiry moment → its date's group
	ids := make([]int32, 3*n)              // layer, underlying, expiry (−1: none) of each position
	var counts []int                       // positions per layer, then per underlying, then per expiry
	layerCount := make([]int, 0, 8)
	var underCount, expCount []int
	lastLayer, lastUnder := "\x00", "\x00"
	var li, ui int32
	for i := range book.Positions {
		pr := &book.Positions[i]
		name := pr.Layer
		if name == "" {
			name = Unassigned
		}
		if name != lastLayer {
			var ok bool
			if li, ok = layerAt[name]; !ok {
				li = int32(len(book.Layers))
				layerAt[name] = li
				book.Layers = append(book.Layers, LayerRisk{Layer: Layer{Name: name}, Group: Group{Name: name}})
			}
			lastLayer = name
		}
		for int(li) >= len(layerCount) {
			layerCount = append(layerCount, 0)
		}
		layerCount[li]++
		ids[3*i], ids[3*i+1], ids[3*i+2] = li, -1, -1
		if pr.Err != nil {
			continue
		}
		if pr.Underlying != lastUnder {
			var ok bool
			if ui, ok = underAt[pr.Underlying]; !ok {
				ui = int32(len(book.Underlyings))
				underAt[pr.Underlying] = ui
				book.Underlyings = append(book.Underlyings, Group{Name: pr.Underlying})
				underCount = append(underCount, 0)
			}
			lastUnder = pr.Underlying
		}
		underCount[ui]++
		ids[3*i+1] = ui
		if pr.Instrument.IsOption() {
			exp := pr.Instrument.Expiry
			ei, ok := instantAt[exp.Unix()]
			if !ok {
				y, mo, d := exp.Date()
				k := dateKey{y, mo, d}
				if ei, ok = expAt[k]; !ok {
					ei = int32(len(book.Expiries))
					expAt[k] = ei
					book.Expiries = append(book.Expiries, ExpiryGroup{Group: Group{Name: exp.Format(time.DateOnly)}, Expiry: exp, DTE: pr.DTE})
					expCount = append(expCount, 0)
				}
				instantAt[exp.Unix()] = ei
			}
			expCount[ei]++
			ids[3*i+2] = ei
		}
	}
	counts = append(append(append(counts, layerCount...), underCount...), expCount...)
	total := 0
	for _, c := range counts {
		total += c
	}
	backing := make([]int, 0, total)
	carve := func(c int) []int {
		s := backing[len(backing) : len(backing) : len(backing)+c]
		backing = backing[:len(backing)+c]
		return s
	}
	for i := range book.Layers {
		c := 0
		if i < len(layerCount) {
			c = layerCount[i]
		}
		book.Layers[i].Positions = carve(c)
	}
	for i := range book.Underlyings {
		book.Underlyings[i].Positions = carve(underCount[i])
	}
	for i := range book.Expiries {
		book.Expiries[i].Positions = carve(expCount[i])
	}
	for i := range book.Positions {
		pr := &book.Positions[i]
		lr := &book.Layers[ids[3*i]]
		lr.Positions = append(lr.Positions, i)
		if pr.Err != nil {
			continue
		}
		lr.Exposure.add(pr.Exposure)
		if pr.Instrument.Kind != instrument.Stock {
			a := math.Abs(pr.Quantity)
			lr.Contracts += a
			lr.LargestLeg = math.Max(lr.LargestLeg, a)
		}
		book.Total.add(pr.Exposure)
		u := &book.Underlyings[ids[3*i+1]]
		u.Positions = append(u.Positions, i)
		u.Exposure.add(pr.Exposure)
		if ei := ids[3*i+2]; ei >= 0 {
			eg := &book.Expiries[ei]
			eg.Positions = append(eg.Positions, i)
			eg.Exposure.add(pr.Exposure)
			if exp := pr.Instrument.Expiry; exp.Before(eg.Expiry) {
				eg.Expiry, eg.DTE = exp, pr.DTE
			}
		}
	}
	extra := book.Layers[configured:]
	slices.SortStableFunc(extra, func(a, b LayerRisk) int {
		if (a.Name == Unassigned) != (b.Name == Unassigned) {
			if b.Name == Unassigned {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	for i := range book.Layers {
		lr := &book.Layers[i]
		lr.Bias = checkLayerBias(book, lr, band)
	}
	slices.SortFunc(book.Underlyings, func(a, b Group) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(book.Expiries, func(a, b ExpiryGroup) int { return a.Expiry.Compare(b.Expiry) })
}
