package sim

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// listing is one listed expiry of an underlying.
type listing struct {
	expiry  time.Time
	am      bool // AM-settled quarterly futures option
	monthly bool // a standard monthly or quarterly expiry (more open interest)
}

// listingCache holds an underlying's listings for one session date.
type listingCache struct {
	date string
	list []listing
}

// Quote is one instrument's market.
type Quote struct {
	Instrument   instrument.Instrument
	Symbol       string
	Time         time.Time
	Bid, Ask     float64 // rounded to the instrument's tick; Bid may be 0 for far OTM cheap options
	Last         float64
	BidSize      int64
	AskSize      int64
	Volume       int64   // today's volume so far
	OpenInterest int64   //
	Underlying   float64 // underlying price (options)
	IV           float64 // the surface's implied vol for this option (fraction); 0 for non-options
}

// Mid is the midpoint of Bid and Ask.
func (q Quote) Mid() float64 { return (q.Bid + q.Ask) / 2 }

// prevTradingDay is d, or the trading day before it.
func prevTradingDay(d time.Time) time.Time {
	for !instrument.IsTradingDay(d) {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// lastTradingDayOfMonth is the last trading day of year-month (noon New York).
func lastTradingDayOfMonth(y int, mo time.Month) time.Time {
	return prevTradingDay(time.Date(y, mo+1, 0, 12, 0, 0, 0, instrument.NewYork))
}

// listings lists the expiries of underlying (a stock root or a listed future) not expired
// at Now, soonest first.
func (m *Market) listings(underlying string) []listing {
	date := m.day.Date
	c, ok := m.listCache[underlying]
	if !ok || c.date != date {
		c = listingCache{date: date, list: m.buildListings(underlying)}
		m.listCache[underlying] = c
	}
	i := sort.Search(len(c.list), func(i int) bool { return c.list[i].expiry.After(m.now) })
	return c.list[i:]
}

func (m *Market) buildListings(underlying string) []listing {
	ny := m.now.In(instrument.NewYork)
	today := time.Date(ny.Year(), ny.Month(), ny.Day(), 12, 0, 0, 0, instrument.NewYork)
	if r, ok := roots[underlying]; ok && !r.future {
		return equityListings(r, today)
	}
	in, err := m.lookup(underlying)
	if err != nil || in.Kind != instrument.Future {
		return nil
	}
	if _, done := m.settle[underlying]; done {
		return nil
	}
	return futuresListings(roots[in.Root], in, today)
}

// equityListings: Friday weeklies (and Mon/Wed for SPY and QQQ) a few weeks out, the
// third-Friday monthlies six months out, the third Fridays of March, June, September and
// December a year out, and for SPY and QQQ the end-of-quarter expiries a year out. An
// expiry on a holiday moves to the trading day before.
func equityListings(r *root, today time.Time) []listing {
	seen := map[string]int{}
	var out []listing
	add := func(d time.Time, monthly bool) {
		d = prevTradingDay(d)
		if d.Before(today) {
			return
		}
		key := d.Format(time.DateOnly)
		if i, ok := seen[key]; ok {
			out[i].monthly = out[i].monthly || monthly
			return
		}
		seen[key] = len(out)
		out = append(out, listing{expiry: instrument.OptionExpiry(instrument.Option, r.name, d.Year(), d.Month(), d.Day()), monthly: monthly})
	}
	for i := 0; i <= 7*r.weeklyWeeks; i++ {
		d := today.AddDate(0, 0, i)
		for _, wd := range r.weeklyDays {
			if d.Weekday() != wd {
				continue
			}
			if wd == time.Friday || i < 7*r.otherDaysWeeks {
				add(d, false)
			}
		}
	}
	for i := 0; i <= 12; i++ {
		t := time.Date(today.Year(), today.Month()+time.Month(i), 1, 12, 0, 0, 0, instrument.NewYork)
		third := time.Date(t.Year(), t.Month(), instrument.ThirdFriday(t.Year(), t.Month()), 12, 0, 0, 0, instrument.NewYork)
		quarterMonth := t.Month()%3 == 0
		if i <= r.monthlyMonths || quarterMonth {
			add(third, true)
		}
		if quarterMonth && (r.name == "SPY" || r.name == "QQQ") {
			add(lastTradingDayOfMonth(t.Year(), t.Month()), true)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].expiry.Before(out[j].expiry) })
	return out
}

// futuresListings: options on one listed future (ES or MES family): the AM quarterly
// (American) expiring with the future, and PM (European) Friday weeklies, third-Friday
// monthlies and end-of-month options, each delivering the first quarterly future that
// trades after the option expires, kept when that is fut.
func futuresListings(r *root, fut instrument.Instrument, today time.Time) []listing {
	seen := map[int64]bool{}
	var out []listing
	add := func(exp time.Time, am, monthly bool) {
		if exp.Before(today) || seen[exp.UnixNano()] {
			return
		}
		if !am {
			y, mo, err := instrument.NextContract(r.name, exp)
			if err != nil || y != fut.ContractYear || mo != fut.ContractMonth {
				return
			}
		}
		seen[exp.UnixNano()] = true
		out = append(out, listing{expiry: exp, am: am, monthly: monthly})
	}
	add(fut.Expiry, true, true)
	pm := func(d time.Time, monthly bool) {
		d = prevTradingDay(d)
		exp := instrument.OptionExpiry(instrument.FuturesOption, r.name, d.Year(), d.Month(), d.Day())
		add(exp, false, monthly)
	}
	for i := 0; i <= 7*r.weeklyWeeks; i++ {
		if d := today.AddDate(0, 0, i); d.Weekday() == time.Friday {
			pm(d, false)
		}
	}
	for i := 0; i <= r.monthlyMonths; i++ {
		t := time.Date(today.Year(), today.Month()+time.Month(i), 1, 12, 0, 0, 0, instrument.NewYork)
		pm(time.Date(t.Year(), t.Month(), instrument.ThirdFriday(t.Year(), t.Month()), 12, 0, 0, 0, instrument.NewYork), true)
		if i <= 3 {
			pm(lastTradingDayOfMonth(t.Year(), t.Month()), false)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].expiry.Before(out[j].expiry) })
	return out
}

// Expirations lists the listed option expiries of an underlying symbol (SPY, QQQ, VXX,
// SQQQ, SH, and the listed ES and MES futures), soonest first, not expired at Now. Equity
// options expire at 16:00 New York; futures options at 16:00 New York (PM, European) or,
// for the quarterly, with the future at 09:30 New York (AM, American); the times are in the
// exchange's zone (Chicago for futures options).
func (m *Market) Expirations(underlying string) []time.Time {
	ls := m.listings(underlying)
	out := make([]time.Time, len(ls))
	for i, l := range ls {
		out[i] = l.expiry
	}
	return out
}

// findListing is the listing of underlying expiring at exp.
func (m *Market) findListing(underlying string, exp time.Time) (listing, bool) {
	for _, l := range m.listings(underlying) {
		if l.expiry.Equal(exp) {
			return l, true
		}
	}
	return listing{}, false
}

// dayRef is the underlying's price at today's open (the anchor of strike grids).
func (m *Market) dayRef(underlying string) float64 {
	if p, ok := m.day.Ref[underlying]; ok {
		return p
	}
	in, err := m.lookup(underlying)
	if err != nil {
		return 0
	}
	f, _ := m.underlyingFair(in)
	return f
}

// sessionOpenTime is today's 09:30 New York.
func (m *Market) sessionOpenTime() time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, m.day.Date, instrument.NewYork)
	return d.Add(9*time.Hour + 30*time.Minute)
}

// Strikes lists the strikes of underlying's chain for expiry, ascending: the near
// increment (SPY/QQQ $1, VXX/SQQQ/SH $0.50, ES/MES 5 points) within about 1.6 standard
// deviations of today's opening price and the far increment ($5, $1, 25 points) out to
// about 4.5. The grid is fixed for the session.
func (m *Market) Strikes(underlying string, expiry time.Time) []float64 {
	r := rootOf(underlying)
	if r == nil {
		return nil
	}
	if _, ok := m.findListing(underlying, expiry); !ok {
		return nil
	}
	ref := m.dayRef(underlying)
	t := math.Max(instrument.YearFraction(m.sessionOpenTime(), expiry), 1.0/365)
	sd := longRunVol(r) * r.ivPrem * math.Sqrt(t)
	near := ref * math.Min(0.10, math.Max(0.03, 1.6*sd))
	far := ref * math.Min(0.6, math.Max(0.08, 4.5*sd+0.04))
	ratio := int64(math.Round(r.farInc / r.nearInc))
	lo := int64(math.Ceil((ref - far) / r.nearInc))
	hi := int64(math.Floor((ref + far) / r.nearInc))
	var out []float64
	for i := max(lo, 1); i <= hi; i++ {
		k := float64(i) * r.nearInc
		if math.Abs(k-ref) <= near || i%ratio == 0 {
			out = append(out, cleanPrice(k))
		}
	}
	return out
}

// rootOf is the root of an underlying symbol: the ticker, or the root of an ES or MES
// quarterly futures code (ESZ6, MESH27); nil for anything else.
func rootOf(underlying string) *root {
	if r, ok := roots[underlying]; ok {
		return r
	}
	for _, name := range []string{"MES", "ES"} {
		n := len(name)
		if len(underlying) < n+2 || len(underlying) > n+3 || underlying[:n] != name {
			continue
		}
		switch underlying[n] {
		case 'H', 'M', 'U', 'Z':
		default:
			return nil
		}
		for i := n + 1; i < len(underlying); i++ {
			if c := underlying[i]; c < '0' || c > '9' {
				return nil
			}
		}
		return roots[name]
	}
	return nil
}

// optionOn builds the option instrument of underlying at expiry.
func optionOn(underlying string, l listing, right pricing.Right, k float64) (instrument.Instrument, error) {
	r := rootOf(underlying)
	if !r.future {
		ny := l.expiry.In(instrument.NewYork)
		return instrument.NewOption(instrument.OCCOption{Root: underlying, Year: ny.Year(), Month: ny.Month(), Day: ny.Day(), Right: right, Strike: k}), nil
	}
	code, err := instrument.ParseFuturesCode(underlying, l.expiry)
	if err != nil {
		return instrument.Instrument{}, err
	}
	ch := l.expiry.In(instrument.Chicago)
	return instrument.NewFuturesOption(code, right, k, ch.Year(), ch.Month(), ch.Day(), l.am)
}

// Chain lists the option quotes of one underlying and expiry, strikes ascending, the call
// before the put at each strike. It is empty for an expiry that is not listed.
func (m *Market) Chain(underlying string, expiry time.Time) []Quote {
	l, ok := m.findListing(underlying, expiry)
	if !ok {
		return nil
	}
	ks := m.Strikes(underlying, expiry)
	out := make([]Quote, 0, 2*len(ks))
	for _, k := range ks {
		for _, right := range []pricing.Right{pricing.Call, pricing.Put} {
			in, err := optionOn(underlying, l, right, k)
			if err != nil {
				continue
			}
			q, err := m.optionQuote(in, in.Symbol(), l)
			if err != nil {
				continue
			}
			out = append(out, q)
		}
	}
	return out
}

// parse resolves symbol text to an instrument and its canonical symbol, cached.
func (m *Market) parse(symbol string) (instrument.Instrument, string, error) {
	if p, ok := m.parsed[symbol]; ok {
		return p.in, p.sym, p.err
	}
	in, err := instrument.Parse(symbol, m.now)
	sym := ""
	if err != nil {
		err = fmt.Errorf("%w: %q: %v", ErrUnknownSymbol, symbol, err)
	} else {
		sym = in.Symbol()
	}
	if len(m.parsed) > 200000 {
		m.parsed = map[string]parsedSymbol{}
	}
	m.parsed[symbol] = parsedSymbol{in: in, sym: sym, err: err}
	return in, sym, err
}

// lookup resolves and validates a symbol; for an option it does not check the listing.
func (m *Market) lookup(symbol string) (instrument.Instrument, error) {
	in, _, err := m.lookupSym(symbol)
	return in, err
}

// lookupSym is lookup that also returns the canonical symbol.
func (m *Market) lookupSym(symbol string) (instrument.Instrument, string, error) {
	in, sym, err := m.parse(symbol)
	if err != nil {
		return in, sym, err
	}
	return in, sym, m.validate(in, symbol, sym)
}

// validate checks that in is simulated here: a listed root, a listed future, an option
// strike on the grid.
func (m *Market) validate(in instrument.Instrument, symbol, sym string) error {
	unknown := func(why string) error { return fmt.Errorf("%w: %q: %s", ErrUnknownSymbol, symbol, why) }
	switch in.Kind {
	case instrument.Stock:
		if r, ok := roots[in.Root]; !ok || r.future {
			return unknown("the simulated market trades SPY, QQQ, VXX, SQQQ, SH, ES and MES")
		}
	case instrument.Future:
		if in.Root != "ES" && in.Root != "MES" {
			return unknown("only ES and MES futures are simulated")
		}
		if _, done := m.settle[sym]; done {
			return nil
		}
		f := m.front(in.Root)
		if sym != f[0].Symbol() && sym != f[1].Symbol() {
			return unknown(fmt.Sprintf("the listed %s futures are %s and %s", in.Root, f[0].Symbol(), f[1].Symbol()))
		}
	case instrument.Option, instrument.FuturesOption:
		u := in.Underlying
		if in.Kind == instrument.Option {
			u = in.Root
		}
		r := rootOf(u)
		if r == nil || r.future != (in.Kind == instrument.FuturesOption) {
			return unknown("no options on this underlying in the simulated market")
		}
		if q := in.Strike / r.nearInc; math.Abs(q-math.Round(q)) > 1e-9*math.Max(1, q) {
			return unknown(fmt.Sprintf("strike %g is not a multiple of %g", in.Strike, r.nearInc))
		}
	}
	return nil
}

// Lookup resolves any listed symbol (canonical Instrument.Symbol() text: "SPY", "ESZ6",
// "SPY   261218P00640000", "ESZ6 P6000 2026-12-18 AM") to its instrument. Options resolve
// while listed and after they expire (so expiries can be settled); a strike must be on the
// underlying's strike increment.
func (m *Market) Lookup(symbol string) (instrument.Instrument, bool) {
	in, err := m.lookup(symbol)
	if err != nil {
		return instrument.Instrument{}, false
	}
	if in.IsOption() {
		if !in.Expiry.After(m.now) {
			return in, true
		}
		if _, ok := m.findListing(in.Underlying, in.Expiry); !ok {
			return instrument.Instrument{}, false
		}
	}
	return in, true
}

// Quote is the current market of any listed symbol. It fails for an unknown symbol
// (wrapping ErrUnknownSymbol) and for an expired option (wrapping ErrExpired).
func (m *Market) Quote(symbol string) (Quote, error) {
	in, sym, err := m.lookupSym(symbol)
	if err != nil {
		return Quote{}, err
	}
	if !in.IsOption() {
		return m.underlyingQuote(in), nil
	}
	if !in.Expiry.After(m.now) {
		return Quote{}, fmt.Errorf("%w: %s expired %s", ErrExpired, symbol, in.Expiry.Format(time.RFC3339))
	}
	l, ok := m.findListing(in.Underlying, in.Expiry)
	if !ok {
		return Quote{}, fmt.Errorf("%w: %q: expiry %s is not listed", ErrUnknownSymbol, symbol, in.Expiry.Format(time.RFC3339))
	}
	return m.optionQuote(in, sym, l)
}

// hashUnit is a deterministic number in [0, 1) for (seed, text, key, salt): FNV-1a over
// the bytes, finished with a 64-bit mixer.
func (m *Market) hashUnit(text string, key int64, salt byte) float64 {
	const prime = 1099511628211
	x := uint64(14695981039346656037)
	for i := range 8 {
		x = (x ^ uint64(byte(m.seed>>(8*i)))) * prime
	}
	for i := range 8 {
		x = (x ^ uint64(byte(uint64(key)>>(8*i)))) * prime
	}
	x = (x ^ uint64(salt)) * prime
	for i := 0; i < len(text); i++ {
		x = (x ^ uint64(text[i])) * prime
	}
	x ^= x >> 31
	x *= 0x7fb5d329728ea185
	x ^= x >> 27
	return float64(x>>11) / (1 << 53)
}

// dayKey is the session date as a number (20261120), the key of per-day randomness.
func (m *Market) dayKey() int64 {
	var k int64
	for i := 0; i < len(m.day.Date); i++ {
		if c := m.day.Date[i]; c >= '0' && c <= '9' {
			k = k*10 + int64(c-'0')
		}
	}
	return k
}

// sessionFraction is the share of a day's volume traded by Now: intraday volume is
// U-shaped (intensity 1 + 1.5·(2u − 1)² over the session fraction u).
func (m *Market) sessionFraction() float64 {
	open := m.sessionOpenTime()
	u := m.now.Sub(open).Seconds() / sessionSeconds
	u = math.Max(0, math.Min(1, u))
	c := 2*u - 1
	return (u + 0.25*(c*c*c+1)) / 1.5
}

func (m *Market) underlyingQuote(in instrument.Instrument) Quote {
	sym := in.Symbol()
	r := roots[in.Root]
	fair, _ := m.underlyingFair(in)
	bid, ask := touch(fair, r.tick)
	if s, ok := m.settle[sym]; ok {
		bid, ask = s, s
	}
	date := m.dayKey()
	vol := r.dailyVol * (0.7 + 0.6*m.hashUnit(sym, date, 1))
	var oi int64
	if in.Kind == instrument.Future {
		f := m.front(in.Root)
		if sym != f[0].Symbol() {
			vol *= 0.05
			oi = int64(r.dailyVol * 0.1 * (0.9 + 0.2*m.hashUnit(sym, date, 2)))
		} else {
			oi = int64(r.dailyVol * 1.4 * (0.9 + 0.2*m.hashUnit(sym, date, 2)))
		}
	}
	size := func(salt byte) int64 {
		base := 200.0
		if in.Kind == instrument.Future {
			base = 40
		}
		return 1 + int64(base*m.hashUnit(sym, m.now.Unix()/60, salt))
	}
	return Quote{
		Instrument: in, Symbol: sym, Time: m.now,
		Bid: bid, Ask: ask, Last: cleanPrice(math.Round(fair/r.tick) * r.tick),
		BidSize: size(3), AskSize: size(4),
		Volume: int64(vol * m.sessionFraction()), OpenInterest: oi,
	}
}

// optionTick is the minimum price increment of an option on r quoted at price p
// (instrument.Tick: the reduced tick of cheap options included).
func optionTick(r *root, p float64) float64 {
	kind := instrument.Option
	if r.future {
		kind = instrument.FuturesOption
	}
	return instrument.Tick(instrument.Instrument{Kind: kind, Root: r.name}, p)
}

// optionFair is the model (theoretical) price of option in on the surface, with its
// implied vol, the underlying's mid, the forward and the years to expiry.
func (m *Market) optionFair(in instrument.Instrument, r *root, sym string) (p, iv, s, fwd, t float64, err error) {
	uin, err := m.lookup(in.Underlying)
	if err != nil {
		return 0, 0, 0, 0, 0, err
	}
	s = m.underlyingMid(uin)
	t = instrument.YearFraction(m.now, in.Expiry)
	if !(t > 0) {
		return 0, 0, 0, 0, 0, fmt.Errorf("%w: %s", ErrExpired, sym)
	}
	q := r.yield
	kind := pricing.Spot
	fwd = s * math.Exp((riskFree-q)*t)
	if r.future {
		kind, q, fwd = pricing.Futures, 0, s
	}
	iv = surfaceVol(r, m.p.LogVol, fwd, in.Strike, t)
	o := pricing.Option{Style: in.Style, Underlying: kind, Right: in.Right, Spot: s, Strike: in.Strike,
		Years: t, Rate: riskFree, Carry: riskFree - q, Vol: iv}
	p, err = pricing.Price(o)
	if err != nil || !(p >= 0) {
		p = math.Max(0, s-in.Strike)
		if in.Right == pricing.Put {
			p = math.Max(0, in.Strike-s)
		}
	}
	return p, iv, s, fwd, t, nil
}

// optionQuote prices in on the surface and builds its market.
func (m *Market) optionQuote(in instrument.Instrument, sym string, l listing) (Quote, error) {
	r := rootOf(in.Underlying)
	if r == nil {
		return Quote{}, fmt.Errorf("%w: %q", ErrUnknownSymbol, sym)
	}
	p, iv, s, fwd, t, err := m.optionFair(in, r, sym)
	if err != nil {
		return Quote{}, err
	}
	return m.optionMarket(in, sym, l, r, p, iv, s, fwd, t), nil
}

// optionMarket is the quote of option in around its model price p (optionFair's results).
func (m *Market) optionMarket(in instrument.Instrument, sym string, l listing, r *root, p, iv, s, fwd, t float64) Quote {
	atm := atmVol(r, m.p.LogVol, t)
	mny := math.Log(in.Strike/fwd) / (atm * math.Sqrt(t))
	if math.IsNaN(mny) || math.IsInf(mny, 0) {
		mny = 0
	}
	mny = math.Max(-8, math.Min(8, mny))
	dte := t * 365
	half := r.halfSpread*(1+0.5*math.Abs(mny))*(1+2/(1+dte)) + r.propSpread*p
	bidTick, askTick := optionTick(r, math.Max(0, p-half)), optionTick(r, p+half)
	bid := math.Max(0, math.Floor((p-half)/bidTick+1e-9)*bidTick)
	ask := math.Ceil((p+half)/askTick-1e-9) * askTick
	if ask < bid+askTick {
		ask = bid + askTick
	}
	tick := optionTick(r, p)
	oi, dayVol, liq := m.optionActivity(in, sym, r, l)
	size := func(salt byte) int64 {
		return 1 + int64((5+300*liq)*m.hashUnit(sym, m.now.Unix()/60, salt))
	}
	last := cleanPrice(math.Round(p/tick) * tick)
	return Quote{
		Instrument: in, Symbol: sym, Time: m.now,
		Bid: cleanPrice(bid), Ask: cleanPrice(ask), Last: last,
		BidSize: size(5), AskSize: size(6),
		Volume: int64(dayVol * m.sessionFraction()), OpenInterest: oi,
		Underlying: s, IV: iv,
	}
}

// optionActivity is the option's open interest, full-day volume and a liquidity score in
// (0, 1], deterministic per (seed, symbol, day): highest near today's opening price and at
// monthly expiries, thinning with distance from the money and with maturity.
func (m *Market) optionActivity(in instrument.Instrument, sym string, r *root, l listing) (oi int64, dayVol, liq float64) {
	date := m.dayKey()
	ref := m.dayRef(in.Underlying)
	t := math.Max(instrument.YearFraction(m.sessionOpenTime(), in.Expiry), 1.0/365)
	sd := longRunVol(r) * r.ivPrem * math.Sqrt(t)
	z := 0.0
	if ref > 0 && sd > 0 {
		z = math.Log(in.Strike/ref) / sd
	}
	liq = math.Exp(-z * z / (2 * 1.4 * 1.4))
	if !l.monthly {
		liq *= 0.4 // weeklies carry less open interest than the standard monthlies
	}
	liq *= 1 / (1 + 1.5*t)
	if in.Strike == math.Round(in.Strike/r.farInc)*r.farInc {
		liq *= 1.3 // round strikes draw more
	}
	liq = math.Min(1, liq)
	n1, n2 := m.hashUnit(sym, date, 7), m.hashUnit(sym, date, 8)
	oi = int64(r.optOI * liq * (0.5 + n1))
	dte := t * 365
	dayVol = r.optOI * liq * 0.25 * (1 + 4/(1+dte)) * (0.5 + n2)
	return oi, dayVol, liq
}
