package portfolio

import (
	"math"
	"sync"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

// Revaluer revalues the same book again and again, as the desk service does on every
// snapshot, with the results of Revalue but cheaper for American options and implied vols.
//
// An American option's price and Greeks cost about 64 µs (Andersen–Lake–Offengeim with finite-
// difference Greeks) against 0.1 µs for a European one. A Revaluer remembers each American
// option's last exact valuation and, while only its underlying has moved — by at most Band
// of the price since then — and at most MaxAge of calendar time (and 1% of the option's
// remaining life) has passed, extrapolates instead of revaluing, to second order in the
// underlying and first order in time:
//
//	price ≈ P + Δ·dS + ½·Γ·dS² + Θ·dt      delta ≈ Δ + Γ·dS + charm·dt
//
// with gamma, vega and theta kept. Any change of strike, rate, carry, vol or expiry is a
// different option, valued exactly. With the defaults (Band 0.2%, MaxAge 5 minutes), on
// the test book (American options 2–60 days out, strikes within ±10%, vol 15–65%) moved
// 0.15% and 4 minutes on, the worst errors per unit were 2e-7 of the underlying's price in
// value and 6e-4 in delta (6 shares on 100 contracts); set a smaller Band for tighter
// figures. Within one tick of the underlying (a cent, a quarter of an ES point) and a
// minute — the desk's usual step — the cached value is within 1e-4 of that tick of a
// fresh valuation and the delta within 1e-4 (TestRevaluerWithinATick; measured at most
// 2.5e-5 of a tick and 7.7e-6).
//
// An implied vol (a quote without Vol) is found from the last one implied for the same
// option (same strike, expiry, rate and carry), within MaxAge of it:
//
//   - Quote and underlying unchanged in every digit: the vol is reused while the clock
//     alone could have moved it by at most 1e-6 (0.0001 vol points), judged from the last
//     valuation as |Θ|·dt ≤ 1e-6·vega (holding price and underlying, dσ = Θ·dt / vega to
//     first order). A European option is then valued exactly at that vol; an American one
//     is its last valuation moved on in time (price + Θ·dt, delta + charm·dt). The value's
//     error is at most about 1e-6·vega per unit (for a 30-day at-the-money option on a
//     $600 underlying, 7e-5 dollars). Near expiry this lasts seconds (2 days out at 20%
//     vol: 1.7 s); an option without vega (its price at the no-arbitrage bound) is solved
//     every time.
//   - Otherwise, a European option's vol is found by Newton's method started at the last
//     one, valuing the option exactly at each step, and accepted once it reprices the
//     quote to 1e-10·vol·vega — the accuracy pricing.ImpliedVol promises — within three
//     steps (solved from nothing if not).
//   - An American option's vol, a dozen valuations to solve, is moved instead by one Newton
//     step on its last valuation extrapolated as above (within Band and MaxAge and 1% of
//     its life): dσ = (quote − P̂)/vega, P̂ = P + Δ·dS + ½·Γ·dS² + Θ·dt, while the terms
//     the step leaves out, (½·|volga|·dσ² + |vanna·dS·dσ|)/vega, stay below 1e-5; its value
//     is then the quote, and its delta Δ + Γ·dS + charm·dt + vanna·dσ. On the test book
//     quoted at its model values, moved 0.05% and 10 s the worst errors were 8e-7 in vol
//     and 1.6e-4 in delta; moved 0.15% and 4 minutes, 1.9e-5 and 1.5e-3 (15 shares on 100
//     contracts; the value's own extrapolation error over vega dominates). Outside those
//     bounds the vol is solved exactly — by secant steps on the price from the stepped vol
//     (americanVolFrom), or from nothing where those do not settle — and valued afresh,
//     and becomes the new starting point.
//
// A Revaluer is safe for use by several goroutines (calls are serialised while they read
// its cache, not while they price). The zero value is ready to use.
type Revaluer struct {
	// Band is the largest relative underlying move extrapolated from (0 means 0.002).
	Band float64
	// MaxAge is the longest time extrapolated over (0 means five minutes).
	MaxAge time.Duration

	mu           sync.Mutex
	cache        map[uint64]*cacheEntry // American options quoted with a vol, by hashID
	vols         map[uint64]*volEntry   // options whose vol is implied from their price, by hashID
	calls        uint64
	hits, misses uint64
	volReused    uint64 // implied vols reused
	volStepped   uint64 // implied vols of American options moved by a Newton step
	volNewton    uint64 // implied vols of European options found by Newton's method from the last
	volSolved    uint64 // implied vols solved
}

// volDrift is the largest change of an implied vol (as a fraction) that the passing of time
// may have caused while a Revaluer reuses it; see Revaluer.
const volDrift = 1e-6

// volStepError bounds the leading terms a Newton step of an American option's implied vol
// leaves out (volga and vanna), as a change of the vol; see Revaluer.
const volStepError = 1e-5

// Stats counts the American valuations extrapolated (hits) and computed exactly (misses)
// so far.
func (r *Revaluer) Stats() (hits, misses uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits, r.misses
}

// Revalue is Revalue (the function) with the cache.
func (r *Revaluer) Revalue(positions []Position, m Market, cfg Config) (Book, error) {
	var book Book
	err := revalue(&book, positions, m, cfg, r)
	return book, err
}

// RevalueInto is RevalueInto (the function) with the cache: the desk's loop, which then
// allocates no Book (see RevalueInto for the care dst needs).
func (r *Revaluer) RevalueInto(dst *Book, positions []Position, m Market, cfg Config) error {
	return revalue(dst, positions, m, cfg, r)
}

// optionID names an option in a Revaluer's caches independently of the clock and the
// underlying's price: its inputs but Spot and Years (the bits of each), and its expiry in
// whole seconds. The caches are keyed by its hash; an entry whose ID differs (a hash
// collision) is a miss and is replaced.
type optionID struct {
	style                    pricing.Style
	underlying               pricing.Underlying
	right                    pricing.Right
	strike, rate, carry, vol uint64
	expiry                   int64
}

// expiryOf is o's expiry in Unix seconds, o being valued at now.
func expiryOf(o *pricing.Option, now time.Time) int64 {
	return now.Unix() + int64(math.Round(o.Years*365*86400))
}

// hashID is the hash of the ID of o expiring at exp. It is computed from the fields
// themselves: a key struct built and hashed in memory would be read back in wide pieces
// from the narrow stores just made, which stalls the processor.
func hashID(o *pricing.Option, exp int64) uint64 {
	const m = 0x9E3779B97F4A7C15
	h := uint64(o.Style) | uint64(o.Underlying)<<8 | uint64(o.Right)<<16
	for _, v := range [...]uint64{math.Float64bits(o.Strike), math.Float64bits(o.Rate), math.Float64bits(o.Carry),
		math.Float64bits(o.Vol), uint64(exp)} {
		h = (h^v)*m + h>>29
	}
	return h
}

func (id *optionID) set(o *pricing.Option, exp int64) {
	id.style, id.underlying, id.right = o.Style, o.Underlying, o.Right
	id.strike, id.rate = math.Float64bits(o.Strike), math.Float64bits(o.Rate)
	id.carry, id.vol = math.Float64bits(o.Carry), math.Float64bits(o.Vol)
	id.expiry = exp
}

func (id *optionID) is(o *pricing.Option, exp int64) bool {
	return id.style == o.Style && id.underlying == o.Underlying && id.right == o.Right &&
		id.strike == math.Float64bits(o.Strike) && id.rate == math.Float64bits(o.Rate) &&
		id.carry == math.Float64bits(o.Carry) && id.vol == math.Float64bits(o.Vol) && id.expiry == exp
}

// volEntry is the vol last implied for an option from its price, with what it was
// implied at and the Greeks it gave.
type volEntry struct {
	id                      optionID
	price, spot, years, vol float64
	greeks                  pricing.Greeks
	used                    uint64
}

// cacheEntry is the last exact valuation of an American option quoted with a vol.
type cacheEntry struct {
	id          optionID
	spot, years float64
	greeks      pricing.Greeks
	used        uint64
}

func (r *Revaluer) limits() (band, age float64) {
	band, age = r.Band, r.MaxAge.Seconds()/(365*86400)
	if band <= 0 {
		band = 0.002
	}
	if age <= 0 {
		age = 300.0 / (365 * 86400)
	}
	return band, age
}

// extrapolate returns the American option o's value and Greeks from the cache when it
// may (see Revaluer); r.mu is held by the caller.
func (r *Revaluer) extrapolate(o *pricing.Option, now time.Time) (pricing.Greeks, bool) {
	if o.Style != pricing.American || len(r.cache) == 0 {
		return pricing.Greeks{}, false
	}
	exp := expiryOf(o, now)
	e := r.cache[hashID(o, exp)]
	if e == nil || !e.id.is(o, exp) {
		return pricing.Greeks{}, false
	}
	band, age := r.limits()
	dS := o.Spot - e.spot
	dt := e.years - o.Years // years passed since the exact valuation
	if math.Abs(dS) > band*e.spot || dt < 0 || dt > age || dt > 0.01*e.years {
		return pricing.Greeks{}, false
	}
	g := e.greeks
	g.Price += g.Delta*dS + 0.5*g.Gamma*dS*dS + g.Theta*dt
	g.Delta += g.Gamma*dS + g.Charm*dt
	if math.IsNaN(g.Price) || math.IsInf(g.Price, 0) || math.IsNaN(g.Delta) || math.IsInf(g.Delta, 0) {
		return pricing.Greeks{}, false
	}
	e.used = r.calls
	r.hits++
	return g, true
}

// reuseVol values o (Vol 0, implied from price) without solving for its vol, when it may
// (see Revaluer): with the vol last implied for it while its price and underlying are
// unchanged and the clock alone cannot have moved the vol by more than volDrift, and for
// an American option with that vol moved by one Newton step otherwise. It sets o.Vol to
// the vol used. When it may not and o is American, *hint becomes where a solve should
// start (see americanVolFrom). r.mu is held by the caller.
func (r *Revaluer) reuseVol(o *pricing.Option, price float64, now time.Time, hint *volHint) (pricing.Greeks, bool) {
	if len(r.vols) == 0 {
		return pricing.Greeks{}, false
	}
	exp := expiryOf(o, now)
	e := r.vols[hashID(o, exp)]
	if e == nil || !e.id.is(o, exp) {
		return pricing.Greeks{}, false
	}
	band, age := r.limits()
	dt := e.years - o.Years // years passed since the vol was implied
	g := e.greeks
	if dt < 0 || dt > age {
		return pricing.Greeks{}, false
	}
	vol := e.vol
	if e.price != price || e.spot != o.Spot || !(math.Abs(g.Theta)*dt <= volDrift*g.Vega) {
		// An American vol costs a dozen valuations to solve: step from the last one instead,
		// within the bounds of extrapolate and while the terms the step leaves out move the
		// vol by at most volStepError.
		if o.Style == pricing.European {
			return r.newtonVol(o, vol, price, e)
		}
		*hint = volHint{vol: vol, vega: g.Vega}
		dS := o.Spot - e.spot
		if math.Abs(dS) > band*e.spot || dt > 0.01*e.years || !(g.Vega > 0) {
			return pricing.Greeks{}, false
		}
		model := g.Price + g.Delta*dS + 0.5*g.Gamma*dS*dS + g.Theta*dt // at the last vol
		dVol := (price - model) / g.Vega
		if vol+dVol > 0 {
			hint.vol = vol + dVol
		}
		if !((0.5*math.Abs(g.Volga)*dVol*dVol+math.Abs(g.Vanna*dS*dVol))/g.Vega <= volStepError) || !(vol+dVol > 0) {
			return pricing.Greeks{}, false
		}
		vol += dVol
		g.Price = model + g.Vega*dVol
		g.Delta += g.Gamma*dS + g.Charm*dt + g.Vanna*dVol
		r.volStepped++
	} else if o.Style == pricing.European {
		o.Vol = vol
		var err error
		if g, err = pricing.Value(*o); err != nil {
			o.Vol = 0
			return pricing.Greeks{}, false
		}
		r.volReused++
	} else {
		g.Price += g.Theta * dt
		g.Delta += g.Charm * dt
		r.volReused++
	}
	if math.IsNaN(g.Price) || math.IsInf(g.Price, 0) || math.IsNaN(g.Delta) || math.IsInf(g.Delta, 0) {
		return pricing.Greeks{}, false
	}
	o.Vol = vol
	e.used = r.calls
	return g, true
}

// newtonVol implies the vol of the European option o from price by Newton's method
// started at vol (the last one implied), valuing it exactly at each step (a valuation
// costs a twentieth of a solve from nothing). It gives up after three steps, and accepts
// a vol once the price it gives is within 1e-10·vol·vega of price: the vol is then within
// about 1e-10 of its own value of the exact one, as pricing.ImpliedVol promises. On
// success o.Vol is the vol, and the Greeks are those at it.
func (r *Revaluer) newtonVol(o *pricing.Option, vol, price float64, e *volEntry) (pricing.Greeks, bool) {
	var g pricing.Greeks
	for range 3 {
		o.Vol = vol
		if pricing.ValueTo(&g, *o) != nil || !(g.Vega > 0) {
			break
		}
		diff := price - g.Price
		if math.Abs(diff) <= 1e-10*vol*g.Vega {
			e.used = r.calls
			r.volNewton++
			return g, true
		}
		vol += diff / g.Vega
		if !(vol > 0) || math.IsInf(vol, 0) {
			break
		}
	}
	o.Vol = 0
	return pricing.Greeks{}, false
}

// store remembers the American valuations just computed, and every 64 calls forgets the
// options not seen in the last 64.
func (r *Revaluer) store(jobs []pricingJob, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cache == nil {
		r.cache = make(map[uint64]*cacheEntry)
	}
	if r.vols == nil {
		r.vols = make(map[uint64]*volEntry)
	}
	for i := range jobs {
		j := &jobs[i]
		if j.failed {
			continue
		}
		if j.price != 0 {
			r.volSolved++
			exp := expiryOf(&j.opt, now)
			h := hashID(&j.opt, exp)
			e := r.vols[h]
			if e == nil {
				e = &volEntry{}
				r.vols[h] = e
			}
			e.id.set(&j.opt, exp)
			e.price, e.spot, e.years, e.vol, e.greeks, e.used = j.price, j.opt.Spot, j.opt.Years, j.vol, j.greeks, r.calls
			continue
		}
		if j.opt.Style != pricing.American {
			continue
		}
		r.misses++
		exp := expiryOf(&j.opt, now)
		h := hashID(&j.opt, exp)
		e := r.cache[h]
		if e == nil {
			e = &cacheEntry{}
			r.cache[h] = e
		}
		e.id.set(&j.opt, exp)
		e.spot, e.years, e.greeks, e.used = j.opt.Spot, j.opt.Years, j.greeks, r.calls
	}
	if r.calls%64 == 0 {
		for k, e := range r.cache {
			if r.calls-e.used >= 64 {
				delete(r.cache, k)
			}
		}
		for k, e := range r.vols {
			if r.calls-e.used >= 64 {
				delete(r.vols, k)
			}
		}
	}
}

// volHint is where to start solving an American option's implied vol: the last vol found
// for it, moved by a Newton step when one could be taken, and the vega there.
type volHint struct {
	vol, vega float64
}

// americanVolFrom implies the American option o's vol from price by secant steps on
// pricing.Price started at h.vol, the first with slope h.vega. A vol moved by a cent of
// its quote, the usual case on the desk, takes two or three prices this way against the
// eight to twelve of a solve from nothing. It accepts a vol once the step is below 1e-10
// of it (the accuracy pricing.ImpliedVol promises for American options) and where
// price/(vol·vega) ≤ 1000; ok is false otherwise, after at most six prices, and the caller
// solves from nothing (which also tells an undetermined vol).
func americanVolFrom(o pricing.Option, price float64, h volHint) (float64, bool) {
	v, slope := h.vol, h.vega
	if !(v > 0) || !(slope > 0) || math.IsInf(v, 0) {
		return 0, false
	}
	var vPrev, fPrev float64
	for i := 0; i < 6; i++ {
		o.Vol = v
		p, err := pricing.Price(o)
		if err != nil {
			return 0, false
		}
		f := p - price
		if i > 0 {
			if v == vPrev {
				return 0, false
			}
			slope = (f - fPrev) / (v - vPrev)
		}
		if !(slope > 0) || !(price <= 1000*v*slope) {
			return 0, false
		}
		step := -f / slope
		if math.Abs(step) <= 1e-10*v {
			if v += step; !(v > 0) {
				return 0, false
			}
			return v, true
		}
		vPrev, fPrev = v, f
		if v += step; !(v > 0) || math.IsInf(v, 0) {
			return 0, false
		}
	}
	return 0, false
}
