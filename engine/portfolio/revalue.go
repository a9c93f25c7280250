package portfolio

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
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
	var book Book
	err := revalue(&book, positions, m, cfg, nil)
	return book, err
}

// RevalueInto is Revalue writing the Book into *dst, whose memory it reuses: a caller that
// revalues a book again and again into the same dst allocates no Book once dst has grown
// to it (Revalue allocates about 530 bytes a position per call). Everything dst held is
// overwritten, what its slices point to included (Positions, the groups and their
// Positions lists, the expiries' names excepted): a Book handed to another goroutine must
// not be passed to RevalueInto while that goroutine still reads it — alternate two Books.
// The figures are those Revalue returns, bit for bit.
func RevalueInto(dst *Book, positions []Position, m Market, cfg Config) error {
	return revalue(dst, positions, m, cfg, nil)
}

// reuse returns s resized to n and zeroed (all its capacity, so that nothing past n keeps
// the last book's strings alive), in its own memory when large enough.
func reuse[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:cap(s)]
	clear(s)
	return s[:n]
}

// resetBook empties *book but keeps its memory for the next revaluation.
func resetBook(book *Book) {
	old := *book
	*book = Book{Positions: old.Positions[:0], Layers: old.Layers[:0], Underlyings: old.Underlyings[:0],
		Expiries: old.Expiries[:0], groupIndex: old.groupIndex[:0]}
}

func revalue(book *Book, positions []Position, m Market, cfg Config, cache *Revaluer) error {
	// The expiries' names of the last valuation, reused when the dates are the same.
	oldNames, oldLayers := book.expiryNames, book.Layers
	resetBook(book)
	if math.IsNaN(m.Rate) || math.IsInf(m.Rate, 0) {
		return fmt.Errorf("portfolio: market rate %g is not a finite number", m.Rate)
	}
	sc := getScratch(len(positions))
	defer putScratch(sc)
	bench := &sc.bench
	if err := sc.resolveBenchmark(bench, m, cfg); err != nil {
		return err
	}
	proxy := cfg.ShareProxy
	if proxy == "" {
		proxy = "SPY"
	}
	book.Now, book.Rate = m.Now, m.Rate
	book.Benchmark = bench.Benchmark
	book.SharePrice = m.Underlyings[proxy]
	book.Positions = reuse(book.Positions, len(positions))
	if proxy == bench.Symbol {
		book.SharePrice = bench.Price
	}
	sc.nowSec, sc.nowNs = m.Now.Unix(), int64(m.Now.Nanosecond())
	sc.configureLayers(cfg, oldLayers)
	sc.oldNames = oldNames

	// One pass values every position it can on the spot: stocks, futures, expired options,
	// European options with a vol and, with a cache, the options it may reuse. Each
	// distinct remaining option pricing problem (American options, implied vols) becomes
	// one job, shared between the positions holding it.
	if cache != nil {
		cache.mu.Lock() // until the options are gathered
		cache.calls++
	}
	// The quotes are looked up in a loop of their own: the lookups of successive positions,
	// each mostly waiting on memory, then overlap.
	quotes := sc.quotes[:len(positions)]
	for i := range positions {
		quotes[i] = m.Quotes[positions[i].ID]
	}
	for i := range positions {
		// The position is read from the caller's copy: reading back what the copy into the
		// Book has just stored would wait on those stores.
		src := &positions[i]
		pr := &book.Positions[i]
		pr.Position = *src
		ps := &sc.pos[i]
		// Only the fields read whatever happens are set; the rest are written before use.
		ps.job, ps.layer, ps.under = -1, sc.layerOf(src.Layer), -1
		ps.ok, ps.counted, ps.option = false, false, false
		q := &quotes[i]
		err := bench.prepare(pr, src, q, &m, sc, ps)
		if err != nil {
			pr.Err = err
			sc.failed = append(sc.failed, int32(i))
			continue
		}
		if !isOption(src.Instrument.Kind) || pr.Years <= 0 {
			sc.settle(pr, ps, i, bench.UnitValue)
			continue
		}
		// The pricing inputs, as Book.optionOf builds them, set field by field (a composite
		// literal would be built aside and copied in; see Exposure.setFrom).
		in := &src.Instrument
		var o pricing.Option
		o.Style, o.Right = in.Style, in.Right
		if in.Kind == instrument.FuturesOption {
			o.Underlying = pricing.Futures
		}
		o.Spot, o.Strike, o.Years = pr.UnderlyingPrice, in.Strike, pr.Years
		o.Rate, o.Carry, o.Vol = book.Rate, pr.carry, pr.Vol
		var price float64 // the mark to imply vol from; 0 when Vol is given
		if o.Vol == 0 {
			if !(q.Price > 0) || math.IsInf(q.Price, 0) {
				pr.Err = fmt.Errorf("portfolio: position %s (%s): no volatility and no option price to imply it from", pr.ID, pr.Instrument)
				sc.failed = append(sc.failed, int32(i))
				continue
			}
			price = q.Price
		}
		if o.Style == pricing.European && price == 0 {
			// A closed-form value costs less than looking it up or handing it to another
			// goroutine: value it here.
			// Straight into the position: a local copy would stall (see Exposure.setFrom).
			if err := pricing.ValueTo(&pr.Greeks, o); err != nil {
				pr.Err = fmt.Errorf("portfolio: position %s (%s): %w", pr.ID, pr.Instrument, err)
				sc.failed = append(sc.failed, int32(i))
				continue
			}
			if pr.Mark == 0 {
				pr.Mark = pr.Greeks.Price
			}
			sc.settle(pr, ps, i, bench.UnitValue)
			continue
		}
		var hint volHint
		if cache != nil {
			var g pricing.Greeks
			var ok bool
			if price == 0 {
				g, ok = cache.extrapolate(&o, m.Now)
			} else {
				g, ok = cache.reuseVol(&o, price, m.Now, &hint)
				if ok {
					pr.Vol = o.Vol
				}
			}
			if ok {
				pr.Greeks = g
				if pr.Mark == 0 {
					pr.Mark = g.Price
				}
				sc.settle(pr, ps, i, bench.UnitValue)
				continue
			}
		}
		k := keyBits(o, price)
		j, ok := sc.jobIndex[k]
		if !ok {
			j = int32(len(sc.jobs))
			sc.jobIndex[k] = j
			sc.jobs = append(sc.jobs, pricingJob{opt: o, price: price, hint: hint})
		}
		ps.job = j
		sc.waiting = append(sc.waiting, int32(i))
	}
	if cache != nil {
		cache.mu.Unlock()
	}

	jobs := sc.jobs
	jerrs := &sc.jobErrs
	priceJobs(jobs, cfg.Workers, jerrs)
	if cache != nil {
		cache.store(jobs, m.Now)
	}
	for _, i := range sc.waiting {
		pr, ps := &book.Positions[i], &sc.pos[i]
		jb := &jobs[ps.job]
		if jb.failed {
			pr.Err = fmt.Errorf("portfolio: position %s (%s): %w", pr.ID, pr.Instrument, jerrs.get(int(ps.job)))
			sc.failed = append(sc.failed, i)
			continue
		}
		pr.Greeks = jb.greeks
		pr.Vol = jb.vol
		if pr.Mark == 0 {
			pr.Mark = jb.greeks.Price
		}
		sc.settle(pr, ps, int(i), bench.UnitValue)
	}

	var errs []error
	if len(sc.failed) > 0 {
		slices.Sort(sc.failed) // report them in the order of the positions
		errs = make([]error, len(sc.failed))
		for k, i := range sc.failed {
			errs[k] = book.Positions[i].Err
		}
		book.Errors = len(errs)
	}
	sc.aggregate(book, cfg)
	return errors.Join(errs...)
}

// settle fills the Exposure of position i, valued without error, and notes it for the
// sums (or its error when the figures overflow).
func (sc *scratch) settle(pr *PositionRisk, ps *posScratch, i int, benchUnit float64) {
	ps.e.setFrom(pr, benchUnit)
	if !ps.e.finite() {
		ps.e = Exposure{}
		pr.Err = fmt.Errorf("portfolio: position %s (%s): quantity %g at price %g gives figures too large to represent",
			pr.ID, pr.Instrument, pr.Quantity, pr.UnderlyingPrice)
		sc.failed = append(sc.failed, int32(i))
		return
	}
	pr.Exposure.copyFrom(&ps.e)
	ps.ok = true
	if pr.Instrument.Kind != instrument.Stock {
		ps.legs = math.Abs(pr.Quantity)
		ps.counted = true
	}
	if isOption(pr.Instrument.Kind) {
		ps.option = true
		ps.dte = pr.DTE
	}
}

// pricingJob is one distinct option to value (and its vol to imply when opt.Vol is 0). It
// holds no pointers, so a book's worth of jobs costs the garbage collector nothing; the
// rare errors live in jobErrors.
type pricingJob struct {
	opt    pricing.Option
	price  float64
	hint   volHint // where to start solving an American vol (a Revaluer's), when vol > 0
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

// parsedKey is what a parsed benchmark symbol depends on: the symbol and the day.
type parsedKey struct {
	sym string
	y   int
	m   time.Month
	d   int
	loc *time.Location
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
		iv, ok := 0.0, false
		var err error
		if j.hint.vol > 0 && o.Style == pricing.American {
			iv, ok = americanVolFrom(o, j.price, j.hint)
		}
		if !ok {
			iv, err = pricing.ImpliedVol(o, j.price)
		}
		if err != nil {
			var pb *pricing.PriceBoundsError
			var ue *pricing.VolUndeterminedError
			switch {
			case errors.As(err, &ue):
				iv = ue.Vol // vega too small to tell vols apart: any near this one gives the price
			case errors.As(err, &pb) && j.price <= pb.Lower:
				iv = volFloor
			default:
				j.failed = true
				errs.set(i, fmt.Errorf("implying volatility from price %g: %w", j.price, err))
				return
			}
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

// priceJobs runs every job, on up to workers goroutines (the caller's one of them) each
// taking the next few jobs not yet taken: American and European jobs cost very different
// amounts, and on a busy machine one goroutine may be held up, so the work goes to
// whoever is free. Each job writes only its own result, so the results do not depend on
// the number of workers or on who ran what.
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
	const batch = 4
	var next atomic.Int64
	work := func() {
		for {
			end := int(next.Add(batch))
			start := end - batch
			if start >= len(jobs) {
				return
			}
			for i := start; i < min(end, len(jobs)); i++ {
				jobs[i].run(i, errs)
			}
		}
	}
	var wg sync.WaitGroup
	wg.Add(workers - 1)
	for w := 1; w < workers; w++ {
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
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

// resolveBenchmark sets *b to cfg's benchmark in m. The benchmark's symbol is parsed once a
// day (sc remembers the last one).
func (sc *scratch) resolveBenchmark(b *benchmark, m Market, cfg Config) error {
	sym := cfg.Benchmark
	if sym == "" {
		sym = "SPY"
	}
	y, mo, d := m.Now.Date()
	key := parsedKey{sym, y, mo, d, m.Now.Location()}
	in := sc.benchIn
	if !sc.benchParsed || sc.benchKey != key {
		var err error
		if in, err = instrument.Parse(sym, m.Now); err != nil {
			return fmt.Errorf("portfolio: benchmark %q: %w", sym, err)
		}
		sc.benchIn, sc.benchKey, sc.benchParsed = in, key, true
	}
	*b = benchmark{stocks: cfg.Stocks, futBetas: cfg.FuturesBetas, rate: m.Rate,
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
		return fmt.Errorf("portfolio: benchmark %q is an option; use a stock, an ETF or a futures contract", sym)
	}
	if b.measured == "" || b.beta == 0 {
		return fmt.Errorf("portfolio: benchmark %s has no beta to the equity market", b.Symbol)
	}
	p, ok := m.Underlyings[b.Symbol]
	if !ok {
		p = m.Underlyings[sym]
	}
	if !(p > 0) || math.IsInf(p, 0) {
		return fmt.Errorf("portfolio: benchmark %s has no price in Market.Underlyings (got %g)", b.Symbol, p)
	}
	b.Price, b.UnitValue, b.Benchmark.Beta = p, p*unit, b.beta
	return nil
}

// betaOf is in's beta to the benchmark (leverage included) and its leverage and reference;
// ul, in's underlying, remembers the registry look-ups for the positions after it.
func (b *benchmark) betaOf(in *instrument.Instrument, ul *underlyingInfo) (beta, lev float64, ref string, err error) {
	beta, measured, lev, ref := in.Beta, in.Benchmark, in.Leverage, in.Reference
	switch in.Kind {
	case instrument.Stock, instrument.Option:
		if b.stocks != nil {
			// The ticker looked up (an option's underlying, else its root) is ul's name.
			if !ul.profileKnown {
				ul.profile, ul.profileKnown = b.stocks.Lookup(ul.name), true
			}
			p := &ul.profile
			beta, measured, lev, ref = p.Beta, p.Benchmark, p.Leverage, p.Reference
		}
	case instrument.Future, instrument.FuturesOption:
		if !ul.futKnown || ul.futRoot != in.Root {
			ul.futBeta, ul.futOK = b.futBetas[in.Root]
			ul.futRoot, ul.futKnown = in.Root, true
		}
		if ul.futOK {
			beta = ul.futBeta
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

// prepare fills pr's market inputs (underlying, price, time, beta, pricing inputs) from
// its position src (which pr holds a copy of) and quote q; ps.under becomes its
// underlying's slot in sc.
func (b *benchmark) prepare(pr *PositionRisk, src *Position, q *Quote, m *Market, sc *scratch, ps *posScratch) error {
	in := &src.Instrument
	if math.IsNaN(src.Quantity) || math.IsInf(src.Quantity, 0) {
		return failf(pr, "quantity %g is not a number", pr.Quantity)
	}
	if !(in.Multiplier > 0) || math.IsInf(in.Multiplier, 0) {
		return failf(pr, "multiplier %g must be positive", in.Multiplier)
	}
	if math.IsNaN(q.Price) || math.IsNaN(q.Underlying) || math.IsNaN(q.Vol) || math.IsInf(q.Vol, 0) {
		return failf(pr, "quote %+v has a value that is not a number", *q)
	}
	if q.Vol < 0 {
		return failf(pr, "volatility %g must not be negative", q.Vol)
	}
	pr.unitMult = 1
	var u int32
	switch in.Kind {
	case instrument.Stock:
		u = sc.underlying(in.Root, m.Underlyings)
	case instrument.Future:
		u = sc.future(in.Root, in.ContractYear, in.ContractMonth, m.Underlyings)
		pr.unitMult = in.Multiplier
	case instrument.Option, instrument.FuturesOption:
		name := in.Underlying
		if name == "" {
			name = in.Root
		}
		u = sc.underlying(name, m.Underlyings)
		if in.Kind == instrument.FuturesOption {
			// CME lists equity index options with the future's multiplier (ES 50, MES 5).
			pr.unitMult = in.Multiplier
		}
	default:
		return failf(pr, "unknown kind %v", in.Kind)
	}
	ps.under = u
	ul := &sc.under[u]
	pr.Underlying = ul.name
	s := q.Underlying
	option := isOption(in.Kind)
	if !(s > 0) && !option {
		s = q.Price
	}
	if !(s > 0) {
		s = ul.price
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return failf(pr, "no price for the underlying %s", pr.Underlying)
	}
	pr.UnderlyingPrice = s
	if q.Price > 0 && !math.IsInf(q.Price, 0) {
		pr.Mark = q.Price
	} else if !option {
		pr.Mark = s
	}
	beta, lev, ref, err := b.betaOf(in, ul)
	if err != nil {
		return failf(pr, "%v", err)
	}
	pr.Beta, pr.Leverage, pr.Reference = beta, lev, ref
	if in.Kind != instrument.Stock && !in.Expiry.IsZero() { // in.HasExpiry()
		// instrument.YearFraction(m.Now, in.Expiry), with the clock read once per book.
		ps.expSec, ps.expNs = in.Expiry.Unix(), int64(in.Expiry.Nanosecond())
		pr.Years = (float64(ps.expSec-sc.nowSec) + float64(ps.expNs-sc.nowNs)/1e9) / secondsPerYear
		pr.DTE = pr.Years * 365
	}
	switch {
	case !option:
		pr.Greeks = pricing.Greeks{Price: pr.Mark, Delta: 1}
	case pr.Years <= 0:
		pr.Greeks = intrinsic(in.Right, s, in.Strike)
		if pr.Mark == 0 {
			pr.Mark = pr.Greeks.Price
		}
	default:
		if !(in.Strike > 0) || math.IsInf(in.Strike, 0) {
			return failf(pr, "strike %g must be positive", in.Strike)
		}
		if in.Kind == instrument.Option {
			if !ul.divKnown {
				ul.div, ul.divKnown = b.dividends[ul.name], true
			}
			pr.carry = b.rate - ul.div
		}
		pr.Vol = q.Vol
	}
	return nil
}

// secondsPerYear is ACT/365's year, as instrument.YearFraction counts it.
const secondsPerYear = 365 * 86400

// isOption is Instrument.IsOption without copying the Instrument, which the method's value
// receiver costs in a loop over a book.
func isOption(k instrument.Kind) bool { return k == instrument.Option || k == instrument.FuturesOption }

// failf is the error of a position that cannot be valued.
func failf(pr *PositionRisk, format string, args ...any) error {
	return fmt.Errorf("portfolio: position %s (%s): %s", pr.ID, pr.Instrument, fmt.Sprintf(format, args...))
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
