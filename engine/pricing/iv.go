package pricing

// Implied volatility.
//
// European options (GBSM with cost of carry b, Black-76 on a future with b = 0) are inverted
// on the normalised Black function of Jäckel ("Let's Be Rational", Wilmott 2015):
//
//	b(x, s) = e^{x/2}·N(x/s + s/2) − e^{−x/2}·N(x/s − s/2),  x = ln(F/K),  s = σ√T,
//
// the call price divided by the discount factor and √(F·K). An in-the-money option is first
// turned into the out-of-the-money option of the other right by put–call parity (the
// intrinsic value is taken off in price units, before normalising), and a put with x is a
// call with −x, so the solver only ever sees an out-of-the-money call, x ≤ 0, with
// 0 < b < e^{x/2}.
//
// b is evaluated without the cancellation of the naive difference of two N() terms. With
// h = x/s, t = s/2 and Y(z) = N(z)/n(z) (the Mills ratio of −z),
//
//	b = n(h)·e^{−t²/2}·[Y(h+t) − Y(h−t)],
//
// and for small t (s < 1/2) the bracket is the odd Taylor series 2·Σ t^k/k!·Y⁽ᵏ⁾(h), whose
// derivatives follow from Y' = 1 + z·Y, i.e. Y⁽ᵏ⁺¹⁾ = z·Y⁽ᵏ⁾ + k·Y⁽ᵏ⁻¹⁾. For deeply negative
// arguments Y comes from the package's Mills ratio (millsRatio), so nothing underflows: the log of b
// is available even where b itself is below the smallest double. For s ≥ 1/2 the two N()
// terms are used directly where they do not cancel badly.
//
// The root is found with third-order Householder steps on one of three objectives, chosen by
// where the price lies relative to b_c = b(x, s_c) at the inflection point s_c = √(2|x|):
// ln b (below b_c: deep out of the money or low volatility, where b spans hundreds of
// orders of magnitude), b itself (between b_c and half the upper bound) and
// ln(e^{x/2} − b) (the high-volatility wing, where b approaches its bound and the
// complement is computed directly as a sum of two positive terms). The derivatives in s are
// closed form: b' = n(h)·e^{−t²/2}, b''/b' = x²/s³ − s/4, b'''/b' = (b''/b')² − 3x²/s⁴ − 1/4.
// The start is Jäckel's lower map b ≈ (2π|x|/(3√3))·N(−|x|/(√3·s))³ inverted in closed form
// below b_c (capped by the tangent at s_c, which lies above the root where b is convex), the
// tangent at s_c in the middle, and 2·N(−s/2) ≈ e^{x/2} − b (exact at x = 0) inverted in the
// upper wing. Each step is kept inside a bracket that the iterates shrink, with bisection as
// the fallback. The iteration stops after a step smaller than 3e-4 relative (3e-4/s² for
// s > 1, where the objectives curve more): convergence is cubic, so the error left is of the
// order of that step cubed, far below rounding. On a varied population of strikes, expiries
// and volatilities this takes two steps on average; the start needs no evaluation of b,
// since at s_c both b and b' are closed form. Unlike Let's Be Rational, the start is not
// refined by rational cubic interpolation, so a third step is sometimes needed.
//
// Accuracy, measured by the tests in iv_test.go (a grid of x/s from −5 to 5, expiries from
// one hour to ten years, volatilities from 0.5% to 500%, calls and puts, spot and futures,
// plus 300 000 random points of (x, s)): wherever price/(σ·vega) ≤ 100 the worst relative
// error in volatility is 1.4e-14 on the grid and 1.8e-14 at the random points, alike in
// every region (deep in and out of the money, one hour to ten years, 0.5% to 500%
// volatility). Where price/(σ·vega) is larger (deep in the money, or close to the upper
// bound) the error grows like eps·price/(σ·vega): the rounding of the price itself, which
// no solver can undo.
//
// American options are inverted against Price (Andersen–Lake–Offengeim) with Newton steps,
// vega from a forward difference and then secants, inside a bracket that every evaluation shrinks, falling
// back to bisection when a step leaves it; the start is the European implied volatility of
// the same price. The result reproduces Price to 1e-10 relative in volatility wherever
// price/(σ·vega) ≤ 1000; where the option is worth a tiny fraction of the strike the model
// price is resolved only to about 1e-14 of the strike, and the solver matches it to that.

import (
	"errors"
	"fmt"
	"math"
)

// ErrVolUndetermined is what ImpliedVol's error matches (errors.Is) when the price carries
// no usable information about volatility: it sits at the lower no-arbitrage bound (an
// option worth exactly its intrinsic value, such as a deep in-the-money American put), or
// vega is so small that the rounding of the price alone would move the volatility by more
// than ImpliedVol's accuracy (see ivMaxKappa). A caller should keep the volatility it had,
// or value the option at its intrinsic value.
var ErrVolUndetermined = errors.New("pricing: the volatility is undetermined")

// PriceBoundsError reports an option price that no volatility can produce: it is not above
// the lower no-arbitrage bound (the intrinsic value — discounted intrinsic value of the
// forward for a European option) or not below the upper bound (the discounted forward for a
// call, the discounted strike for a put). A price at the lower bound, or within the rounding
// of the bounds, matches ErrVolUndetermined.
type PriceBoundsError struct {
	Price float64
	Lower float64
	Upper float64
	Right Right
	Style Style
	// slack is how far below Lower a price still counts as at the bound: the rounding of
	// the bound, a difference of two discounted amounts.
	slack float64
}

func (e *PriceBoundsError) Error() string {
	switch {
	case !(e.Price < e.Upper):
		return fmt.Sprintf("pricing: %s %s price %g is not below its upper bound %g: no volatility gives it",
			e.Style, e.Right, e.Price, e.Upper)
	case e.Price == e.Lower:
		return fmt.Sprintf("pricing: %s %s price %g equals its lower bound (intrinsic value): the volatility is undetermined",
			e.Style, e.Right, e.Price)
	case e.Price < e.Lower && e.Lower-e.Price <= e.slack:
		return fmt.Sprintf("pricing: %s %s price %g equals its lower bound %g (intrinsic value) within rounding: the volatility is undetermined",
			e.Style, e.Right, e.Price, e.Lower)
	case e.Price < e.Lower:
		return fmt.Sprintf("pricing: %s %s price %g is below its lower bound %g (intrinsic value): no volatility gives it",
			e.Style, e.Right, e.Price, e.Lower)
	}
	return fmt.Sprintf("pricing: %s %s price %g is within rounding of its bounds (%g, %g): the volatility is undetermined",
		e.Style, e.Right, e.Price, e.Lower, e.Upper)
}

// Is reports whether the price is at its lower bound or within rounding of the bounds,
// where the volatility is undetermined rather than impossible: errors.Is(err,
// ErrVolUndetermined).
func (e *PriceBoundsError) Is(target error) bool {
	return target == ErrVolUndetermined && e.Price < e.Upper && e.Price >= e.Lower-e.slack
}

// VolUndeterminedError reports a price strictly inside its no-arbitrage bounds that hardly
// depends on volatility: vega is so small (price/(σ·vega) = Kappa, above ivMaxKappa) that
// the rounding of the price alone moves the volatility by more than ImpliedVol's accuracy.
// Vol (positive and finite) is the volatility the solver reached, one of the many that give
// the price: a caller that must value the option can use it. It matches ErrVolUndetermined.
type VolUndeterminedError struct {
	Price float64
	Right Right
	Style Style
	Vol   float64
	Kappa float64
}

func (e *VolUndeterminedError) Error() string {
	if !(e.Kappa > 0) || math.IsInf(e.Kappa, 1) {
		return fmt.Sprintf("pricing: %s %s price %g does not move with volatility near vol %.4g: the volatility is undetermined",
			e.Style, e.Right, e.Price, e.Vol)
	}
	return fmt.Sprintf("pricing: %s %s price %g hardly depends on volatility (price/(vol·vega) = %.3g near vol %.4g, "+
		"so the rounding of the price alone moves the volatility by %.2g of itself): the volatility is undetermined",
		e.Style, e.Right, e.Price, e.Kappa, e.Vol, 0x1p-53*e.Kappa)
}

func (e *VolUndeterminedError) Unwrap() error { return ErrVolUndetermined }

// ivMaxKappa is the largest price/(σ·vega) at which ImpliedVol returns a volatility. The
// rounding of a price (half an ulp, 1.1e-16 relative) moves the volatility by that times
// price/(σ·vega): up to 1.1e-7 relative here, and the solver's own error is bounded by
// 64·eps·price/(σ·vega) = 1.4e-5. No quoted price carries volatility information beyond
// this: its tick is millions of times larger than the time value it would resolve.
const ivMaxKappa = 1e9

// ivLnMaxKappa is ln ivMaxKappa.
const ivLnMaxKappa = 20.723265836946411156

// ImpliedVol returns the annualised volatility at which the model price of o equals price
// (in the same units as Spot and Strike). o.Vol is ignored; every other field is used.
// Invalid fields return an *InputError naming the field; a price outside the no-arbitrage
// bounds returns a *PriceBoundsError. Where the price does not determine the volatility —
// at the lower bound (an option worth exactly its intrinsic value) or with a vega so small
// that price/(σ·vega) > ivMaxKappa = 1e9 — the error matches ErrVolUndetermined
// (errors.Is): a *PriceBoundsError at the bound, a *VolUndeterminedError inside it. The
// bounds are formed with the same exponential as Price, so Keel's own price of an option
// worth its intrinsic value is "undetermined", never "below the bound". No NaN or ±Inf is
// returned with a nil error.
func ImpliedVol(o Option, price float64) (float64, error) {
	if err := validateIV(o, price); err != nil {
		return 0, err
	}
	if o.Style == American {
		return impliedVolAmerican(o, price)
	}
	return impliedVolEuropean(o, price)
}

func validateIV(o Option, price float64) error {
	o.Vol = 1 // ImpliedVol ignores Vol; every other field is checked as for Value
	if err := validate(o); err != nil {
		return err
	}
	return finite("Price", price)
}

// errNoVol is returned when valid inputs are so extreme that the forward, the discount
// factor or the normalised price cannot be represented.
func errNoVol(o Option, price float64, what string) error {
	return fmt.Errorf("%w: implied volatility of %s %s %s at price %g (spot %g, strike %g, years %g, rate %g, carry %g): %s",
		ErrNotFinite, o.Style, o.Underlying, o.Right, price, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), what)
}

func impliedVolEuropean(o Option, price float64) (float64, error) {
	b := o.carry()
	// The discount factors exactly as europeanPrice forms them, so that its price of an
	// option worth only its intrinsic value is not an ulp off the bound here.
	disc := fastExp(-o.Rate * o.Years)
	growth := 1.0
	if b != 0 {
		growth = fastExp(b * o.Years)
	}
	df := o.Spot * (disc * growth)            // discounted forward
	dk := o.Strike * disc                     // discounted strike
	x := fastLog(o.Spot/o.Strike) + b*o.Years // ln(F/K)
	if !(df > 0) || !(dk > 0) || math.IsInf(df, 0) || math.IsInf(dk, 0) || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, errNoVol(o, price, "the discounted forward or strike is not representable")
	}
	intrinsic, upper := math.Max(df-dk, 0), df
	if o.Right == Put {
		intrinsic, upper = math.Max(dk-df, 0), dk
		x = -x
	}
	slack := ivBoundSlack * (df + dk)
	if !(price > intrinsic) || !(price < upper) {
		return 0, &PriceBoundsError{Price: price, Lower: intrinsic, Upper: upper, Right: o.Right, Style: European, slack: slack}
	}
	// Out-of-the-money equivalent: an in-the-money call is the put with the same strike
	// plus the intrinsic value, and a put with x is a call with −x.
	otm := price - intrinsic
	if x > 0 {
		x = -x
	}
	if x < -1400 {
		return 0, errNoVol(o, price, "the forward and the strike differ by a factor beyond e^1400")
	}
	scale := math.Sqrt(df) * math.Sqrt(dk)
	beta := otm / scale
	if !(beta > 0) || math.IsInf(beta, 0) {
		return 0, errNoVol(o, price, "the normalised price is not representable")
	}
	bmax := fastExp(0.5 * x)
	if !(beta < bmax) {
		// Within rounding of the upper bound once normalised.
		return 0, &PriceBoundsError{Price: price, Lower: intrinsic, Upper: upper, Right: o.Right, Style: European, slack: slack}
	}
	s := ivNormalisedVol(x, beta, bmax)
	v := s / math.Sqrt(o.Years)
	if !(s > 0) || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, errNoVol(o, price, "the volatility is not representable")
	}
	// price/(σ·vega) = price/(s·scale·b'(s)) with b'(s) = e^{−(h² + t²)/2}/√(2π), in logs
	// because b' underflows far from the money.
	h, t := x/s, 0.5*s
	if lnKappa := fastLog(price) - fastLog(s) - fastLog(scale) + 0.5*(h*h+t*t) + ivLnSqrt2Pi; !(lnKappa <= ivLnMaxKappa) {
		return 0, &VolUndeterminedError{Price: price, Right: o.Right, Style: European, Vol: v, Kappa: math.Exp(lnKappa)}
	}
	return v, nil
}

// ivBoundSlack, times the discounted forward plus the discounted strike, is the rounding of
// a bound or a price that is their difference: a price that far below its lower bound is
// taken as at the bound.
const ivBoundSlack = 4 * 0x1p-52

const (
	ivSqrt2Pi    = 2.50662827463100050242 // √(2π)
	ivLnSqrt2Pi  = 0.91893853320467274178 // ln √(2π)
	ivTaylorMaxT = 0.25                   // t = s/2 below which the Taylor series in t is used
	ivCFMaxZ     = -4                     // b from Y(h±t) rather than N(h±t) below this h+t
)

// ivMills returns Y(z) = N(z)/n(z) for z ≤ 0: √(2π)·R(−z), R being the package's Mills
// ratio (polynomials on [0, 37], the asymptotic series beyond), about 1e-15 relative
// everywhere, with nothing that underflows.
func ivMills(z float64) float64 {
	return ivSqrt2Pi * millsRatio(-z)
}

// ivBlack returns b(x, s) for x ≤ 0, s > 0 and its natural log, which stays finite where b
// underflows.
func ivBlack(x, s float64) (b, lnb float64) {
	m, e := ivBlackScaled(x, s, math.Exp(0.5*x))
	if e == 0 {
		return m, math.Log(m)
	}
	return m * math.Exp(e), math.Log(m) + e
}

// ivBlackScaled returns b(x, s) = m·exp(e) for x ≤ 0, s > 0, given ex = e^{x/2}. Either
// e = −(h² + t²)/2, so that b' = exp(e)/√(2π) and b'/b = 1/(√(2π)·m), or e = 0 and m = b.
func ivBlackScaled(x, s, ex float64) (m, e float64) {
	h, t := x/s, 0.5*s
	if t < ivTaylorMaxT {
		// b = n(h)·e^{−t²/2}·2·Σ_{k odd} t^k/k!·Y⁽ᵏ⁾(h)
		y0 := ivMills(h)
		y1 := 1 + h*y0
		t2 := t * t
		term := t // t^k/k!
		sum := t * y1
		for k := 1; k < 40; k += 2 {
			y2 := h*y1 + float64(k)*y0 // Y⁽ᵏ⁺¹⁾
			y3 := h*y2 + float64(k+1)*y1
			y0, y1 = y2, y3
			term *= t2 * ivInvPair[k>>1]
			d := term * y1
			sum += d
			if d <= 1e-16*sum { // every term is positive: Y⁽ᵏ⁾(h) > 0 for h ≤ 0
				break
			}
		}
		return 2 * sum / ivSqrt2Pi, -0.5 * (h*h + t2)
	}
	if h+t >= ivCFMaxZ {
		return ex*ivNormCDF(h+t) - ivNormCDF(h-t)/ex, 0
	}
	return (ivMills(h+t) - ivMills(h-t)) / ivSqrt2Pi, -0.5 * (h*h + t*t)
}

// ivInvPair[j] = 1/((k+1)(k+2)) for k = 2j+1: the ratio of t^{k+2}/(k+2)! to t²·t^k/k!.
var ivInvPair = func() (p [20]float64) {
	for j := range p {
		k := float64(2*j + 1)
		p[j] = 1 / ((k + 1) * (k + 2))
	}
	return p
}()

// ivBlackComplement returns e^{x/2} − b(x, s) = e^{x/2}·N(−x/s − s/2) + e^{−x/2}·N(x/s − s/2)
// for x ≤ 0, without cancellation, given ex = e^{x/2}.
func ivBlackComplement(x, s, ex float64) float64 {
	h, t := x/s, 0.5*s
	return ex*ivNormCDF(-h-t) + ivNormCDF(h-t)/ex
}

// ivNormCDF is N(z) from the Mills ratio (normCDFFromExp), as accurate as normCDF in both
// tails and cheaper than math.Erfc.
func ivNormCDF(z float64) float64 {
	return normCDFFromExp(z, expHalfSquare(z))
}

// ivInvNormCDF returns z with N(z) = p for 0 < p ≤ 0.5, to the accuracy a starting guess
// needs (about 1e-9 relative, better for small p).
func ivInvNormCDF(p float64) float64 {
	if p > 1e-10 {
		return math.Sqrt2 * math.Erfinv(2*p-1)
	}
	// Asymptotic start, then Newton on ln N(z) − ln p with N/n = Y from the Mills ratio.
	lp := math.Log(p)
	l := -2 * lp
	z := -math.Sqrt(l - math.Log(l) - 2*ivLnSqrt2Pi)
	for i := 0; i < 3; i++ {
		y := ivMills(z)
		lnN := math.Log(y) - 0.5*z*z - ivLnSqrt2Pi
		z -= (lnN - lp) * y
	}
	return z
}

// ivNormalisedVol returns s = σ√T with b(x, s) = beta, for x ≤ 0 and 0 < beta < bmax,
// bmax = e^{x/2}.
func ivNormalisedVol(x, beta, bmax float64) float64 {
	ax := -x
	// Inflection point s_c and the tangent there. At s_c = √(2|x|), h + t = 0 and
	// h·h + t·t = |x|, so b_c = e^{x/2}/2 − e^{−x/2}·N(−s_c) and b'(s_c) = e^{x/2}/√(2π).
	// (b_c only steers the start, so the cancellation in it for tiny |x| does no harm.)
	var sc, bc float64
	vc := bmax / ivSqrt2Pi
	if ax > 0 {
		sc = math.Sqrt(2 * ax)
		bc = math.Max(0.5*bmax-ivNormCDF(-sc)/bmax, 0)
	}

	const (
		objLog = iota
		objPlain
		objUpper
	)
	var obj int
	var s float64
	var lnBeta, lnCBeta float64
	switch {
	case beta <= bc:
		obj = objLog
		lnBeta = fastLog(beta)
		// Jäckel's lower map b ≈ (2π|x|/(3√3))·N(−|x|/(√3 s))³, inverted.
		p := math.Cbrt(beta * 3 * math.Sqrt(3) / (2 * math.Pi * ax))
		s = sc + (beta-bc)/vc // tangent: above the root where b is convex
		if p < 0.5 {
			if sl := ax / (math.Sqrt(3) * -ivInvNormCDF(p)); sl < s {
				s = sl
			}
		}
		if !(s > 0) {
			s = 0.5 * sc
		}
	case beta <= 0.5*bmax:
		obj = objPlain
		s = sc + (beta-bc)/vc // tangent: below the root where b is concave
	default:
		obj = objUpper
		cb := bmax - beta
		lnCBeta = fastLog(cb)
		s = math.Max(sc+(beta-bc)/vc, -2*ivInvNormCDF(0.5*cb))
	}

	lo, hi := 0.0, math.Inf(1)
	for i := 0; i < 100; i++ {
		h := x / s
		q := x*x/(s*s*s) - 0.25*s // b''/b'
		r := q*q - 3*h*h/(s*s) - 0.25
		var g, g1 float64 // objective and its first derivative
		var below bool    // b(s) < beta
		switch obj {
		case objLog:
			m, e := ivBlackScaled(x, s, bmax)
			if e == 0 {
				g = fastLog(m) - lnBeta
				g1 = fastExp(-0.5*(h*h+0.25*s*s)) / (ivSqrt2Pi * m) // b'/b
			} else {
				g = fastLog(m) + e - lnBeta
				g1 = 1 / (ivSqrt2Pi * m)
			}
			below = g < 0
		case objPlain:
			m, e := ivBlackScaled(x, s, bmax)
			if e == 0 {
				g = m - beta
				g1 = fastExp(-0.5*(h*h+0.25*s*s)) / ivSqrt2Pi
			} else {
				ee := fastExp(e)
				g = m*ee - beta
				g1 = ee / ivSqrt2Pi
			}
			below = g < 0
		default:
			c := ivBlackComplement(x, s, bmax)
			g = fastLog(c) - lnCBeta
			below = g > 0
			g1 = -fastExp(-0.5*(h*h+0.25*s*s)) / (ivSqrt2Pi * c) // −b'/c
		}
		var g2, g3 float64 // g''/g', g'''/g'
		if obj == objPlain {
			g2, g3 = q, r
		} else {
			g2 = q - g1
			g3 = r - 3*g1*q + 2*g1*g1
		}
		if below {
			lo = s
		} else {
			hi = s
		}
		if g == 0 {
			return s
		}
		nu := -g / g1
		step := nu * (1 + 0.5*g2*nu) / (1 + nu*(g2+g3*nu/6))
		if math.Abs(step)*math.Max(1, s*s) <= 3e-4*s {
			// Third-order convergence: the error left after this step is of the order of
			// step³, far below rounding. (A NaN step fails the test and is bisected.)
			return s + step
		}
		next := s + step
		if !(next > lo && next < hi) {
			// Householder left the bracket: bisect, geometrically while the bracket is
			// open above or its lower end is 0.
			switch {
			case math.IsInf(hi, 1):
				next = 2 * s
			case lo == 0:
				next = 0.5 * hi
			default:
				next = 0.5 * (lo + hi)
			}
		}
		if hi-lo <= 4e-16*s {
			return next
		}
		s = next
	}
	return s
}

// impliedVolAmerican inverts Price for an American option: Newton steps with vega from a
// forward difference at the start and from the secant through the last two points after
// that, kept inside a bracket [lo, hi] that every evaluation shrinks, with bisection
// (geometric while the bracket spans more than a factor 4) as the fallback.
func impliedVolAmerican(o Option, price float64) (float64, error) {
	b := o.carry()
	disc := fastExp(-o.Rate * o.Years) // as europeanPrice forms it
	growth := 1.0
	if b != 0 {
		growth = fastExp(b * o.Years)
	}
	df := o.Spot * (disc * growth) // discounted forward
	dk := o.Strike * disc          // discounted strike
	// Never below the intrinsic value nor below the European price's lower bound; never
	// above the spot (a call; the discounted forward when carry exceeds the rate, where
	// early exercise is never optimal) or the strike (a put).
	lower, upper := math.Max(math.Max(o.Spot-o.Strike, 0), df-dk), math.Max(o.Spot, df)
	if o.Right == Put {
		lower, upper = math.Max(math.Max(o.Strike-o.Spot, 0), dk-df), o.Strike
	}
	slack := ivBoundSlack * (df + dk)
	if !(price > lower) || !(price < upper) || math.IsInf(df, 0) || math.IsInf(dk, 0) {
		return 0, &PriceBoundsError{Price: price, Lower: lower, Upper: upper, Right: o.Right, Style: American, slack: slack}
	}
	// undetermined is the error for a price that hardly moves with volatility near v,
	// where the secant or difference slope is vega.
	undetermined := func(v, vega float64) error {
		return &VolUndeterminedError{Price: price, Right: o.Right, Style: American, Vol: v, Kappa: price / (v * vega)}
	}
	priceAt := func(v float64) (float64, error) {
		p := o
		p.Vol = v
		return Price(p)
	}
	const (
		minVol = 1e-6 // below this the price is taken as its zero-volatility limit
		maxVol = 1e3  // 100 000%: beyond any market
	)
	// Start from the European implied volatility of the same price when there is one: the
	// early-exercise premium makes it an overestimate, usually a close one.
	e := o
	e.Style = European
	v, err := ImpliedVol(e, price)
	if err != nil || !(v > minVol && v < maxVol) {
		v = 0.3
	}
	// forwardSlope is vega at v, where the price is p, by a forward difference.
	forwardSlope := func(v, p float64) float64 {
		dv := 1e-7 * v
		if pu, err := priceAt(v + dv); err == nil {
			return (pu - p) / dv
		}
		return math.NaN()
	}
	// done returns v, or the undetermined error where vega is too small there
	// (price/(σ·vega) above ivMaxKappa). Vega is a central difference over ±1e-4 of v, wide
	// enough to average the model's own noise, which is about 1e-14 of the strike; the
	// secant slope is not trusted for this, since a step across the edge of the exercise
	// region can make it large where vega is nearly zero.
	done := func(v, slope float64) (float64, error) {
		dv := 1e-4 * v
		pu, errU := priceAt(v + dv)
		pd, errD := priceAt(v - dv)
		if errU == nil && errD == nil {
			slope = (pu - pd) / (2 * dv)
		}
		if !(slope > 0) || !(price/(v*slope) <= ivMaxKappa) {
			return 0, undetermined(v, slope)
		}
		return v, nil
	}
	lo, hi := 0.0, math.Inf(1)
	pLo, pHi := lower, upper            // prices at lo and hi, for the error message
	var vPrev, fPrev, lastSlope float64 // the previous point, for the secant slope
	for i := 0; i < 200; i++ {
		p, err := priceAt(v)
		if err != nil {
			return 0, err
		}
		f := p - price
		if f == 0 {
			slope := lastSlope
			if i == 0 {
				slope = forwardSlope(v, p)
			}
			return done(v, slope)
		}
		if f < 0 {
			lo, pLo = v, p
		} else {
			hi, pHi = v, p
		}
		if hi <= minVol {
			return 0, &PriceBoundsError{Price: price, Lower: pHi, Upper: upper, Right: o.Right, Style: American}
		}
		if lo >= maxVol {
			return 0, &PriceBoundsError{Price: price, Lower: lower, Upper: pLo, Right: o.Right, Style: American}
		}
		// Vega: a forward difference at the first point, then the secant through the last two.
		var slope float64
		if i == 0 {
			slope = forwardSlope(v, p)
		} else {
			slope = (f - fPrev) / (v - vPrev)
		}
		vPrev, fPrev, lastSlope = v, f, slope
		next := math.NaN()
		if slope > 0 {
			step := -f / slope
			if math.Abs(step) <= 1e-13*v {
				return done(v+step, slope)
			}
			next = v + step
		}
		if !(next > lo && next < hi) {
			switch {
			case math.IsInf(hi, 1):
				next = 2 * v
			case lo == 0:
				next = 0.25 * hi
			case hi > 4*lo:
				next = math.Sqrt(lo * hi)
			default:
				next = 0.5 * (lo + hi)
			}
		}
		if hi-lo <= 1e-14*v {
			return done(next, slope)
		}
		v = next
	}
	// The bracket halves at least every other step, so this is reached only when the
	// price does not move with volatility at the precision of a double.
	return 0, undetermined(v, lastSlope)
}
