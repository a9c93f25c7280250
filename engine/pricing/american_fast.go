package pricing

import "math"

// The Greeks of an American option by a control variate: the American value is the
// European value plus the early exercise premium, and the European Greeks are exact in
// closed form, so only the premium's sensitivities are left to find. Spot does not move
// the exercise boundary, so the premium's delta, gamma and speed are the exact spot
// derivatives of its quadrature on the option's own boundary, at the standard setting;
// the price is the standard one, bit for bit. Theta and charm follow from those by the
// Black–Scholes equation, which the premium satisfies away from the boundary. Vega, volga,
// vanna and rho need the boundary moved: their differences are taken on a coarse setting
// of the solver (aloCoarse) whose boundaries near the option's come from one Newton step
// or two (premiumFamily), a fraction of the work of solving them; the premium of the
// options Keel meets most (days to a few months, rates a few percent) is a small part of
// their value, and the coarse setting's error a share of the premium's own Greeks. Where
// that premium is large or moves fast (long lives, and next to the exercise boundary),
// americanGreeksFull takes differences of the full price instead.

// aloCoarse is the setting on which the premium's volatility and rate differences are
// taken: 3 nodes, 4-point boundary rules, a 12-point premium rule. Its counts, like
// every level's, depend on nothing but the level, so the premium it gives is a smooth
// function of the inputs, as differences need. It is never iterated (iterations 0): see
// premiumFamily.
var aloCoarse = newALOLevel(3, 0, 4, 12, 1, false)

// fastGreeksMinYears and fastGreeksYears are the shortest and the longest life the
// control variate serves: the lives its accuracy is measured on (TestAmericanFastGreeks).
// Beyond a day to 0.2 years the premium grows with the life and the coarse setting's
// share of error with it; in the last hours the boundary's integrals span too little time
// for the coarse setting (a five-minute put's vega came out −630 against 0.13).
const (
	fastGreeksMinYears = 1.0 / 365
	fastGreeksYears    = 0.2
)

// fastGreeksMinRate is the least rate of the put (see putSpace: the dividend yield of a
// call) the control variate serves, and its dividend yield must not be negative: the
// rates its accuracy is measured on. The premium grows from nothing with the rate, so
// below it the premium's rho is large against the premium and the coarse setting's error
// shows (a one-day put at r = 0.1% had rho 0.136 against 0.131).
const fastGreeksMinRate = 0.005

// fastGreeksMinVol and fastGreeksMaxVol bound the volatilities the control variate serves,
// those its accuracy is measured on: at 300% a boundary three nodes carry is too coarse (a
// two-day put's vega came out 0 against 2.8).
const (
	fastGreeksMinVol = 0.05
	fastGreeksMaxVol = 1
)

// nearBoundary is the least distance from the exercise boundary, ln(S/B) in standard
// deviations σ√T of the put (see putSpace), at which the control variate serves: nearer,
// the premium's Greeks change too fast for the coarse setting (vanna was 3e-3 of its
// scale off, charm 1e-4, against 2e-4 and 3e-5 beyond), and the full method serves.
const nearBoundary = 0.5

// americanGreeksFast is the American value and Greeks by the control variate above, and
// true; or false where it does not apply: lives outside fastGreeksMinYears to
// fastGreeksYears or fastGreeksMinVol to fastGreeksMaxVol, put rates below
// fastGreeksMinRate or negative dividend yields, spots within
// nearBoundary of the exercise boundary, and where any bumped valuation would reach the
// band in which aloFine takes over (long lives against the rates' pull, low
// volatility), whose premium is large; there americanGreeks takes americanGreeksFull.
// std is set to the option's standard boundary (see putSpace) once it is solved, which
// the full method can then reuse.
func americanGreeksFast(o Option, std *chebBoundary) (Greeks, bool) {
	right, s, k, t, r, b, v := o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol
	q := r - b
	// aloFineWeight of every bumped valuation is 0 (the rate bump moves r, or r and q
	// together on futures, by rateBump; the time and vol bumps by bumpShare).
	if d := (math.Max(r, q) + 2*rateBump) * math.Sqrt(t*(1+2*bumpShare)) / (v * (1 - 2*bumpShare)); !(d < aloFineFrom) ||
		!(t >= fastGreeksMinYears && t <= fastGreeksYears) || !(v >= fastGreeksMinVol && v <= fastGreeksMaxVol) {
		return Greeks{}, false
	}
	ps, pk, pr, pq := putSpace(right, s, k, r, b)
	if !(pr >= fastGreeksMinRate && pq >= 0) {
		return Greeks{}, false
	}
	eg := europeanGreeks(right, s, k, t, r, b, v, o.Underlying == Futures)
	aloBoundary(std, aloStandard, nil, t, pr, pq, v)
	if !((fastLog(ps/pk)-std.lnB(std.sqrtT))/(v*std.sqrtT) >= nearBoundary) {
		return Greeks{}, false
	}
	p0, eP, eS, eSS, eSSS, floored := premiumOn(std, right, s, k, t, r, b, v)
	if floored {
		// Worth its intrinsic value on the standard boundary though away from it (its
		// premium short of lifting the European value): the full method's differences of
		// that floored price are what Value has always given there.
		return Greeks{}, false
	}
	var fam premiumFamily
	fam.init(std, t, pr, pq, v)
	hv := bumpShare * v
	// One Newton step follows the boundary's first derivatives; the volatility bumps take
	// two, so that volga also has its second.
	f := func(r, b float64) float64 {
		_, _, pr, pq := putSpace(right, s, k, r, b)
		fam.rates(pr, pq, 1)
		e, _ := coarsePremium(&fam.c, right, s, k, t, r, b, v)
		return e
	}
	fam.base(2)
	e0, _ := coarsePremium(&fam.c, right, s, k, t, r, b, v)
	if !(math.Abs(e0-eP) <= 0.5*math.Abs(eP)+1e-6*k) {
		// The coarse boundary has left the option's (a Newton step gone astray where the
		// sweep is nearly singular, at tiny rates): its differences cannot be trusted.
		return Greeks{}, false
	}
	fv := func(v float64) (e, eS float64) {
		fam.vol(v, 2)
		return coarsePremium(&fam.c, right, s, k, t, r, b, v)
	}
	vU, vUS := fv(v + hv)
	vD, vDS := fv(v - hv)
	bUp, bDown := b+rateBump, b-rateBump // q = r − b held fixed
	if o.Underlying == Futures {
		bUp, bDown = 0, 0 // the futures price held fixed
	}
	rU := f(r+rateBump, bUp)
	rD := f(r-rateBump, bDown)
	// Theta and charm of the premium from the Black–Scholes equation, which every term of
	// the premium's integral satisfies in the continuation region, whatever the boundary:
	// Θ = r·e − b·S·e_S − ½σ²S²·e_SS, and its derivative in S.
	thetaE := r*eP - b*s*eS - 0.5*v*v*s*s*eSS
	charmE := (r-b)*eS - b*s*eSS - v*v*s*eSS - 0.5*v*v*s*s*eSSS
	return Greeks{
		Price: p0,
		Delta: eg.Delta + eS,
		Gamma: eg.Gamma + eSS,
		Vega:  eg.Vega + (vU-vD)/(2*hv),
		Volga: eg.Volga + (vU-2*e0+vD)/(hv*hv),
		Theta: eg.Theta + thetaE,
		Rho:   eg.Rho + (rU-rD)/(2*rateBump),
		Vanna: eg.Vanna + (vUS-vDS)/(2*hv),
		Charm: eg.Charm + charmE,
	}, true
}

// putSpace is the put whose value is the option's: the option itself, or for a call the
// put of the symmetry C(S, K, r, q) = P(K, S, q, r); q = r − b.
func putSpace(right Right, s, k, r, b float64) (ps, pk, pr, pq float64) {
	if right == Call {
		return k, s, r - b, r
	}
	return s, k, r, r - b
}

// premiumFamily gives the coarse boundaries of the puts near one (the bumps of one
// option's differences) by Newton steps for the fixed point of the coarse sweep,
// from one start (the option's own standard boundary at the coarse nodes) with one
// Jacobian (the sweep's at that start, for the option's own inputs): d = d₀ + (I − J)⁻¹
// (sweep(d₀) − d₀). Every input of the step but the bumped one is the same for all the
// bumps, so the boundary is a smooth function of the bump, and its change follows the
// fixed point's to first order after one step (what vega, vanna and rho need) and to
// second order after two (volga: with one, its error was 0.7 of its scale on a deep
// in-the-money put): a sweep or two each instead of a solve.
type premiumFamily struct {
	d0 [aloMaxNodes]float64     // d = ln(X/B) at the coarse nodes
	h0 [aloMaxNodes + 1]float64 // d0²
	g0 [aloMaxNodes]float64     // the sweep of d0 for the put init was given
	m  [aloMaxNodes][aloMaxNodes]float64
	w  aloSweeper
	c  chebBoundary // the last boundary
	// The put init was given: its rates and volatility, and its discount factors (the
	// sweep's weights, at its nodes, at the premium's points), which rate bumps scale.
	r0, q0, v0   float64
	wR0, wQ0     [aloMaxNodes * aloMaxBoundaryGL]float64
	dfR0, dfQ0   [aloMaxNodes]float64
	pdfR0, pdfQ0 [aloMaxPriceGL]float64
}

// init sets the start from the put's standard boundary std, solved for t, r, q and v,
// and the Newton step's matrix. Then base, vol (any number of times) and rates are to be
// called in that order: the first two reuse init's sweeper, which rates then changes.
func (f *premiumFamily) init(std *chebBoundary, t, r, q, v float64) {
	lv := aloCoarse
	n, nb := lv.nodes, len(lv.bx)
	for i := 0; i < n; i++ {
		f.d0[i] = math.Sqrt(math.Max(std.h(lv.cheb[i]), 0))
		f.h0[i] = f.d0[i] * f.d0[i]
	}
	w := &f.w
	w.init(&f.c, lv, t, r, q, v)
	f.r0, f.q0, f.v0 = r, q, v
	for p := range n * nb {
		f.wR0[p], f.wQ0[p] = w.pts[p].wR, w.pts[p].wQ
	}
	f.dfR0, f.dfQ0 = w.dfR, w.dfQ
	var ar, aq [aloMaxPriceGL]float64 // the discount factors' exponents
	npts := len(lv.px)
	for j, y := range lv.px {
		z := f.c.sqrtT * 0.25 * (1 + y) * (1 + y)
		ar[j], aq[j] = -r*z*z, -q*z*z
	}
	fastExps(ar[:npts], f.pdfR0[:npts])
	fastExps(aq[:npts], f.pdfQ0[:npts])
	// a = I − J.
	var a [aloMaxNodes][aloMaxNodes]float64
	w.sweepJacobian(&f.h0, &f.d0, &f.g0, &a)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a[i][j] = -a[i][j]
		}
		a[i][i]++
	}
	invert(&a, &f.m, n)
}

// base sets f.c to the coarse boundary of the put init was given, by steps Newton steps.
func (f *premiumFamily) base(steps int) {
	g := f.g0
	f.newton(&g, steps, 0, 0)
}

// vol sets f.c to the coarse boundary of the put init was given at volatility v instead,
// by steps Newton steps.
func (f *premiumFamily) vol(v float64, steps int) {
	f.w.setVol(v)
	var g [aloMaxNodes]float64
	f.w.sweep(&f.h0, &f.d0, &g)
	f.newton(&g, steps, 0, 0)
}

// rates sets f.c to the coarse boundary of the put init was given at rate r and dividend
// yield q instead, by steps Newton steps. The discount factors are init's scaled by
// e^(−Δr·τ), which expSmall gives to the last bit for the rate bumps of the Greeks.
func (f *premiumFamily) rates(r, q float64, steps int) {
	w := &f.w
	lv := aloCoarse
	n, nb := lv.nodes, len(lv.bx)
	dr, dq := r-f.r0, q-f.q0
	w.r, w.q, w.v = r, q, f.v0
	w.xb = 1
	if q > r {
		w.xb = r / q
	}
	w.lnX = math.Log(w.xb)
	f.c.lnX = w.lnX
	w.drift = r - q + 0.5*f.v0*f.v0
	for p := range n * nb {
		pt := &w.pts[p]
		s2 := pt.s * pt.s
		pt.vs = f.v0 * pt.s
		pt.invVs = 1 / pt.vs
		pt.drift = w.drift * s2
		pt.wR, pt.wQ = f.wR0[p]*expSmall(-dr*s2), f.wQ0[p]*expSmall(-dq*s2)
	}
	for i := 0; i < n; i++ {
		z := w.sqrtT * 0.5 * (1 + lv.cheb[i])
		w.dfR[i], w.dfQ[i] = f.dfR0[i]*expSmall(-dr*z*z), f.dfQ0[i]*expSmall(-dq*z*z)
	}
	var g [aloMaxNodes]float64
	w.sweep(&f.h0, &f.d0, &g)
	f.newton(&g, steps, dr, dq)
}

// expSmall is e^x for |x| below about 1e-4, to the last bit (the series' next term is
// below x⁴/24).
func expSmall(x float64) float64 {
	return 1 + x*(1+0.5*x*(1+x/3))
}

// newton takes steps Newton steps from f.d0, whose sweep is g, with the sweeper f.w, and
// sets f.c to the boundary reached, its premium's discount factors init's scaled by
// e^(−dr·τ) and e^(−dq·τ).
func (f *premiumFamily) newton(g *[aloMaxNodes]float64, steps int, dr, dq float64) {
	n := aloCoarse.nodes
	d, h := f.d0, f.h0
	for step := 0; step < steps; step++ {
		if step > 0 {
			f.w.sweep(&h, &d, g)
		}
		next := d
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				next[i] += f.m[i][j] * (g[j] - d[j])
			}
		}
		for i := 0; i < n; i++ {
			d[i] = math.Max(next[i], 0)
			h[i] = d[i] * d[i]
		}
	}
	c := &f.c
	c.fit(&h)
	for j, y := range c.lv.px {
		c.priceLnB[j] = c.lnBAt(c.lv.priceY[j])
		c.priceDfR[j], c.priceDfQ[j] = f.pdfR0[j], f.pdfQ0[j]
		if dr != 0 || dq != 0 {
			z := c.sqrtT * 0.25 * (1 + y) * (1 + y)
			c.priceDfR[j] *= expSmall(-dr * z * z)
			c.priceDfQ[j] *= expSmall(-dq * z * z)
		}
	}
}

// invert sets m to the inverse of the n×n matrix a (destroyed), by Gauss–Jordan
// elimination with partial pivoting. A singular a gives the identity: the Newton step is
// then a plain sweep.
func invert(a, m *[aloMaxNodes][aloMaxNodes]float64, n int) {
	*m = [aloMaxNodes][aloMaxNodes]float64{}
	for i := 0; i < n; i++ {
		m[i][i] = 1
	}
	for col := 0; col < n; col++ {
		p := col
		for i := col + 1; i < n; i++ {
			if math.Abs(a[i][col]) > math.Abs(a[p][col]) {
				p = i
			}
		}
		if !(math.Abs(a[p][col]) > 0) {
			*m = [aloMaxNodes][aloMaxNodes]float64{}
			for i := 0; i < n; i++ {
				m[i][i] = 1
			}
			return
		}
		a[col], a[p] = a[p], a[col]
		m[col], m[p] = m[p], m[col]
		inv := 1 / a[col][col]
		for j := 0; j < n; j++ {
			a[col][j] *= inv
			m[col][j] *= inv
		}
		for i := 0; i < n; i++ {
			if i == col || a[i][col] == 0 {
				continue
			}
			c := a[i][col]
			for j := 0; j < n; j++ {
				a[i][j] -= c * a[col][j]
				m[i][j] -= c * m[col][j]
			}
		}
	}
}

// premiumOn is the American price of the option on the boundary bnd of its put (see
// putSpace; americanPrice's, bit for bit, when bnd is the put's standard boundary), the
// early exercise premium e (American less European) and e's first three derivatives in
// the spot; or, floored, the price alone, where it is the intrinsic value.
func premiumOn(bnd *chebBoundary, right Right, s, k, t, r, b, v float64) (price, e, eS, eSS, eSSS float64, floored bool) {
	ps, pk, pr, pq := putSpace(right, s, k, r, b)
	price, u, u1, u2, u3, floored := putGreeksOn(bnd, ps, pk, t, pr, pq, v)
	if floored {
		return price, 0, 0, 0, 0, true
	}
	if right == Put {
		return price, pk * u, u1, u2 / pk, u3 / (pk * pk), false
	}
	// The call is S·u(K/S) with u the put's premium per unit of its strike at x = K/S.
	x := ps / pk
	return price, pk * u, u - x*u1, x * x * u2 / pk, -x * x * (3*u2 + x*u3) / (pk * pk), false
}

// putGreeksOn is americanPutOn (the same price, bit for bit) with the early exercise
// premium per unit of strike, u, and its first two derivatives in x = s/k, from the same
// quadrature. floored reports a price at the intrinsic value (inside the exercise
// region, or a premium that does not lift the European value above it), where u is not
// the premium.
func putGreeksOn(bnd *chebBoundary, s, k, t, r, q, v float64) (p, u, u1, u2, u3 float64, floored bool) {
	x := s / k
	lnx := fastLog(x)
	if lnx <= bnd.lnB(bnd.sqrtT) {
		return k - s, 0, 0, 0, 0, true
	}
	drift := r - q + 0.5*v*v
	var sum, sum1, sum2, sum3 float64
	lv := bnd.lv
	invX := 1 / x
	// The arguments −d₋ and −d₊ at every point first, their distributions in one pass
	// (normCDFs; e^(−d²/2) is the same for −d as for d).
	var vzs, xm, xp, nms, nps, ems, eps [aloMaxPriceGL]float64
	npts := bnd.premiumArgs(lnx, v, drift, &vzs, &xm, &xp)
	normCDFs(xm[:npts], nms[:npts], ems[:npts])
	if q != 0 {
		normCDFs(xp[:npts], nps[:npts], eps[:npts])
	}
	for j, y := range lv.px {
		w := 0.5 * (1 + y)
		w2 := w * w
		vz, dm, dp, em := vzs[j], -xm[j], -xp[j], ems[j]
		rdf := r * bnd.priceDfR[j]
		f := rdf * nms[j]
		// The integrand's derivatives in x: dd±/dx = 1/(x·σz).
		invVz := 1 / vz
		phiM := invSqrt2Pi * em
		gm := 1 + dm*invVz
		f1 := -rdf * phiM * invVz * invX
		f2 := rdf * phiM * gm * invVz * invX * invX
		f3 := rdf * phiM * (invVz*invVz - dm*invVz*gm - 2*gm) * invVz * invX * invX * invX
		if q != 0 { // the dividend yield's terms, 0 without one (f − 0 is f, bit for bit)
			ep := eps[j]
			qdf := q * bnd.priceDfQ[j]
			np, phiP := nps[j], invSqrt2Pi*ep
			gp := 1 - dp*invVz
			f -= q * x * bnd.priceDfQ[j] * np
			f1 += qdf*phiP*invVz - qdf*np
			f2 += qdf * phiP * gp * invVz * invX
			f3 += qdf * phiP * (-dp*invVz*gp - invVz*invVz - gp) * invVz * invX * invX
		}
		wt := lv.pw[j] * w2 * w
		sum += wt * f
		sum1 += wt * f1
		sum2 += wt * f2
		sum3 += wt * f3
	}
	p = europeanPrice(Put, s, k, t, r, r-q, v) + 2*k*t*sum
	if intrinsic := math.Max(k-s, 0); !(p > intrinsic) {
		return math.Max(p, intrinsic), 0, 0, 0, 0, true
	}
	return p, 2 * t * sum, 2 * t * sum1, 2 * t * sum2, 2 * t * sum3, false
}

// coarsePremium is the early exercise premium of the option on the boundary bnd of its
// put and the premium's derivative in the spot: premiumOn's, without the price and the
// higher derivatives, and without the floor at the intrinsic value outside the exercise
// region (a premium that does not lift the European value above intrinsic is an error of
// the coarse boundary, smoother kept than floored).
func coarsePremium(bnd *chebBoundary, right Right, s, k, t, r, b, v float64) (e, eS float64) {
	ps, pk, pr, pq := putSpace(right, s, k, r, b)
	x := ps / pk
	lnx := fastLog(x)
	if lnx <= bnd.lnB(bnd.sqrtT) {
		eg := europeanGreeks(right, s, k, t, r, b, v, false)
		if right == Call {
			return s - k - eg.Price, intrinsicDelta(right, s, k) - eg.Delta
		}
		return k - s - eg.Price, intrinsicDelta(right, s, k) - eg.Delta
	}
	drift := pr - pq + 0.5*v*v
	var sum, sum1 float64
	lv := bnd.lv
	// The arguments −d₋ and −d₊ at every point first, their distributions in one pass
	// (normCDFs; e^(−d²/2) is the same for −d as for d).
	var vzs, xm, xp, nm, np, em, ep [aloMaxPriceGL]float64
	npts := bnd.premiumArgs(lnx, v, drift, &vzs, &xm, &xp)
	normCDFs(xm[:npts], nm[:npts], em[:npts])
	if pq != 0 {
		normCDFs(xp[:npts], np[:npts], ep[:npts])
	}
	for j, y := range lv.px {
		w := 0.5 * (1 + y)
		w2 := w * w
		vz := vzs[j]
		rdf := pr * bnd.priceDfR[j]
		wt := lv.pw[j] * w2 * w
		f, f1 := rdf*nm[j], -rdf*em[j]*invSqrt2Pi/(vz*x)
		if pq != 0 {
			qdf := pq * bnd.priceDfQ[j]
			f -= qdf * x * np[j]
			f1 += qdf*ep[j]*invSqrt2Pi/vz - qdf*np[j]
		}
		sum += wt * f
		sum1 += wt * f1
	}
	u, u1 := 2*t*sum, 2*t*sum1
	if right == Put {
		return pk * u, u1
	}
	return pk * u, u - x*u1
}

// sweepJacobian is sweep, with jac set to its Jacobian: jac[i][k] = ∂out[i]/∂cur[k], h
// being cur² at the nodes (as it is in premiumFamily). Every derivative comes from the
// normal densities the sweep has at hand: one pass for the sweep and all its derivatives.
func (w *aloSweeper) sweepJacobian(h *[aloMaxNodes + 1]float64, cur, out *[aloMaxNodes]float64, jac *[aloMaxNodes][aloMaxNodes]float64) {
	lv := w.lv
	n, nb := lv.nodes, len(lv.bx)
	r, q, v, drift := w.r, w.q, w.v, w.drift
	var sqrtHu [aloMaxNodes * aloMaxBoundaryGL]float64 // √H(u) = ln(X/B(u)) at every point u
	for p := 0; p < n*nb; p++ {
		row := lv.interp[p*n : p*n+n]
		var hu float64
		for k, wk := range row {
			hu += wk * h[k]
		}
		sqrtHu[p] = math.Sqrt(math.Max(hu, 0))
	}
	for i := 0; i < n; i++ {
		z := w.sqrtT * 0.5 * (1 + lv.cheb[i])
		tau := z * z
		old := cur[i]
		lnBt := w.lnX - old
		var nInt, dInt float64
		var dN, dD [aloMaxNodes]float64 // the integrals' derivatives in cur[k]
		for j := 0; j < nb; j++ {
			p := i*nb + j
			pt := &w.pts[p]
			m := sqrtHu[p] - old // ln(B(τ)/B(u))
			dp := (m + pt.drift) * pt.invVs
			dm := dp - pt.vs
			em := expHalfSquare(dm)
			nInt += pt.wR * normCDFFromExp(dm, em)
			// ∂m/∂cur[k] = W[p][k]·cur[k]/√H(u) − δ_ik; ∂d±/∂cur[k] = that·invVs.
			fm, fp := pt.wR*invSqrt2Pi*em*pt.invVs, 0.0
			if q != 0 { // else the denominator's integral counts for nothing
				ep := expHalfSquare(dp)
				dInt += pt.wQ * normCDFFromExp(dp, ep)
				fp = pt.wQ * invSqrt2Pi * ep * pt.invVs
			}
			dN[i] -= fm
			dD[i] -= fp
			if sqrtHu[p] > 0 {
				row := lv.interp[p*n : p*n+n]
				for k, wk := range row {
					dmk := wk * cur[k] / sqrtHu[p]
					dN[k] += fm * dmk
					dD[k] += fp * dmk
				}
			}
		}
		vz := v * z
		dp := (lnBt + drift*tau) / vz
		dm := dp - vz
		em, ep := expHalfSquare(dm), expHalfSquare(dp)
		num := w.dfR[i]*normCDFFromExp(dm, em) + r*z*nInt
		den := w.dfQ[i]*normCDFFromExp(dp, ep) + q*z*dInt
		g := old
		lnNew := fastLog(num / den)
		ok := !math.IsNaN(lnNew) && !math.IsInf(lnNew, 0)
		if ok {
			g = w.lnX - lnNew
		}
		out[i] = g
		for k := 0; k < n; k++ {
			if !ok {
				jac[i][k] = 0
				if k == i {
					jac[i][k] = 1
				}
				continue
			}
			dnum, dden := r*z*dN[k], q*z*dD[k]
			if k == i { // ∂d±/∂cur[i] = −1/(σz) at the node itself
				dnum -= w.dfR[i] * invSqrt2Pi * em / vz
				dden -= w.dfQ[i] * invSqrt2Pi * ep / vz
			}
			jac[i][k] = dden/den - dnum/num
		}
	}
}

// intrinsicDelta is the delta of the intrinsic value: ±1 in the money, 0 out of it (a
// worthless option floored at an intrinsic value of 0 has none).
func intrinsicDelta(right Right, s, k float64) float64 {
	switch {
	case right == Call && s > k:
		return 1
	case right == Put && s < k:
		return -1
	}
	return 0
}
