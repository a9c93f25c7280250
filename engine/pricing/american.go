package pricing

import "math"

// American options are valued by the integral equation of the early exercise premium,
// solved the way Andersen, Lake & Offengeim propose in "High-performance American option
// pricing" (Journal of Computational Finance, 2016). For a put with strike K = 1, rate
// r > 0 and dividend yield q (q = r − b) the exercise boundary B(τ), τ the time to expiry,
// satisfies value matching at B, which they write as the fixed point ("FP-A")
//
//	B(τ) = N(τ, B) / D(τ, B)
//	N = e^(−rτ)·Φ(d₋(τ, B(τ))) + r·∫₀^τ e^(−r(τ−u))·Φ(d₋(τ−u, B(τ)/B(u))) du
//	D = e^(−qτ)·Φ(d₊(τ, B(τ))) + q·∫₀^τ e^(−q(τ−u))·Φ(d₊(τ−u, B(τ)/B(u))) du
//
// with d±(τ, z) = (ln z + (r − q)τ ± ½σ²τ)/(σ√τ), and the price is the European price
// plus the early exercise premium
//
//	∫₀^T [ r·e^(−r(T−u))·Φ(−d₋(T−u, S/B(u))) − q·S·e^(−q(T−u))·Φ(−d₊(T−u, S/B(u))) ] du.
//
// The boundary is carried on Chebyshev–Lobatto nodes in √τ through
// H(√τ) = ln(B(τ)/X)², X = min(1, r/q) being its limit at expiry: H is smooth where B has
// a square-root-times-log shape near expiry. The integrals are Gauss–Legendre rules after
// the change of variable τ − u = s², which makes the integrands smooth at u = τ. Their
// second system ("FP-B", from smooth pasting) converges faster but, in our tests, diverges
// when r/σ² is large (an at-the-money two-year put at r = 8%, σ = 10% ends 1% off), so
// FP-A is iterated. FP-A converges slowly, with a damped oscillation, where the boundary
// hugs the strike (low σ against the rates, long life), so its sweeps are accelerated by
// Anderson mixing of depth two (after two plain sweeps, coefficients capped).
//
// The counts (nodes, sweeps, quadrature points) depend only on T, r, q and σ, never on
// spot or strike, and the two settings are blended smoothly where one hands over to the
// other (aloFineWeight), so the price is a smooth function of every input, as the
// finite-difference Greeks and the implied volatility solver need. Calls use the put–call
// symmetry C(S, K, T, r, q, σ) = P(K, S, T, q, r, σ) (McDonald & Schroder, 1998). Accuracy:
// see TestAmericanAgainstLR (a 10,001-step Leisen–Reimer tree over T to five years, r to
// 10%, σ 5–150%) and TestAmericanAgainstTree.

// aloLevel is one accuracy setting of the solver: its counts and the tables they need.
type aloLevel struct {
	nodes      int     // Chebyshev intervals in √τ; the boundary is solved at nodes points
	iterations int     // fixed-point sweeps of the boundary
	relax      float64 // over-relaxation of each sweep: FP-A converges monotonically
	anderson   bool    // Anderson-accelerated sweeps
	bx, bw     []float64
	px, pw     []float64
	cheb       []float64   // cos(iπ/n), the Chebyshev–Lobatto points
	cos        [][]float64 // cos(iπk/n)
	// interp[(i·len(bx) + j)·nodes + k] is the weight of the node value H_k in the
	// interpolated H at the j-th point u of the boundary integral of node i. In units of
	// √T those points are the same for every option, so one sweep's interpolations are a
	// product of this table with the node values instead of a Clenshaw sum per point.
	interp []float64
	// interpT is interp by node value first, each row padded with zero weights to a
	// multiple of four points: interpT[k·pad4(nodes·len(bx)) + p] is interp[p·nodes + k]
	// (for lnBAtPointsFast).
	interpT []float64
	// priceY are the points, in the Chebyshev variable of [0, √T], where the premium
	// integral needs the boundary.
	priceY []float64
}

// aloPlainSweeps is the number of plain sweeps before Anderson acceleration starts: the
// first sweeps move far from the guess, and extrapolating those moves overshoots.
const aloPlainSweeps = 2

// aloAndersonCap bounds the Anderson coefficients: a larger combination is an
// extrapolation of noise, and the plain sweep is taken instead.
const aloAndersonCap = 1.5

// Upper limits of the counts of every level, which size the arrays of one valuation.
const (
	aloMaxNodes      = 12
	aloMaxBoundaryGL = 16
	aloMaxPriceGL    = 32
)

// newALOLevel builds the tables of a level.
func newALOLevel(nodes, iterations, boundaryGL, priceGL int, relax float64, anderson bool) *aloLevel {
	if nodes > aloMaxNodes || boundaryGL > aloMaxBoundaryGL || priceGL > aloMaxPriceGL {
		panic("pricing: ALO level beyond its arrays")
	}
	l := &aloLevel{nodes: nodes, iterations: iterations, relax: relax, anderson: anderson}
	l.bx, l.bw = gaussLegendre(boundaryGL)
	l.px, l.pw = gaussLegendre(priceGL)
	l.cheb = make([]float64, nodes+1)
	l.cos = make([][]float64, nodes+1)
	for i := range l.cheb {
		l.cheb[i] = math.Cos(math.Pi * float64(i) / float64(nodes))
		l.cos[i] = make([]float64, nodes+1)
		for k := range l.cos[i] {
			l.cos[i][k] = math.Cos(math.Pi * float64(i*k) / float64(nodes))
		}
	}
	// The interpolation weights: the Chebyshev interpolant of the k-th unit vector,
	// evaluated where the boundary integrals need H. Node i sits at √τ = √T·(1 + cos(iπ/n))/2
	// and its points at √u = √τ·√(1 − ((1 + y)/2)²).
	l.interp = make([]float64, nodes*boundaryGL*nodes)
	unit := chebBoundary{lv: l}
	for k := 0; k < nodes; k++ {
		var h [aloMaxNodes + 1]float64
		h[k] = 1
		unit.fit(&h)
		for i := 0; i < nodes; i++ {
			for j, y := range l.bx {
				a := 0.5 * (1 + y)
				x := (1+l.cheb[i])*math.Sqrt(1-a*a) - 1
				l.interp[(i*boundaryGL+j)*nodes+k] = unit.h(x)
			}
		}
	}
	np, np4 := nodes*boundaryGL, pad4(nodes*boundaryGL)
	l.interpT = make([]float64, nodes*np4)
	for p := 0; p < np; p++ {
		for k := 0; k < nodes; k++ {
			l.interpT[k*np4+p] = l.interp[p*nodes+k]
		}
	}
	// The premium integral's points: T − u = T·w⁴, w = (1 + y)/2, so √u = √T·√(1 − w⁴).
	l.priceY = make([]float64, priceGL)
	for j, y := range l.px {
		w := 0.5 * (1 + y)
		l.priceY[j] = 2*math.Sqrt(1-w*w*w*w) - 1
	}
	return l
}

// The two accuracy settings. aloStandard (5 nodes, 6-point boundary rules, 6 sweeps)
// serves most inputs; aloFine (12 nodes, 16-point rules, 12 sweeps: about 12 times the
// work) serves options whose life is long against the time the rates take to move the
// boundary by one standard deviation (aloFineWeight), where the boundary hugs the strike
// and FP-A converges slowly: a five-year at-the-money put at σ = 5%, r = 5% was 2.4% low
// with the former single setting (5 nodes, 3 sweeps). aloFine starts from the aloStandard
// boundary, from which 10 sweeps already meet TestAmericanAgainstLR's 1e-4 (from the
// Bjerksund–Stensland guess it needed 18: at 12 the grid's worst was 3.1e-4).
var (
	aloStandard = newALOLevel(5, 6, 6, 24, 1, true)
	aloFine     = newALOLevel(12, 12, 16, 32, 1, true)
)

// Where aloFine takes over: D = max(r, q)·√T/σ from aloFineFrom to aloFineTo, the price
// being blended smoothly between the two settings in between, so that it stays a smooth
// function of T, r, q and σ (the finite-difference Greeks cross the band without a jump).
const (
	aloFineFrom = 0.2
	aloFineTo   = 0.3
)

// aloFineWeight is the weight of aloFine in the price of a put with life t, rate r,
// dividend yield q and volatility v: 0 below the band, 1 above, a smoothstep of ln D
// inside. It does not depend on spot or strike.
func aloFineWeight(t, r, q, v float64) float64 {
	d := math.Max(r, q) * math.Sqrt(t) / v
	if !(d > aloFineFrom) {
		return 0
	}
	if d >= aloFineTo {
		return 1
	}
	x := math.Log(d/aloFineFrom) / math.Log(aloFineTo/aloFineFrom)
	return x * x * (3 - 2*x)
}

// aloSolution is the exercise boundary of one put at the accuracy aloFineWeight asks
// for: one boundary a, or inside the blending band two (a at aloStandard, b at aloFine)
// and the weight w of b.
type aloSolution struct {
	w    float64
	a, b chebBoundary
}

// solve finds the boundaries of a put with strike 1. The fine boundary starts from the
// standard one.
func (sol *aloSolution) solve(t, r, q, v float64) {
	sol.w = aloFineWeight(t, r, q, v)
	switch sol.w {
	case 0:
		aloBoundary(&sol.a, aloStandard, nil, t, r, q, v)
	case 1:
		aloBoundary(&sol.b, aloStandard, nil, t, r, q, v)
		aloBoundary(&sol.a, aloFine, &sol.b, t, r, q, v)
		sol.w = 0
	default:
		aloBoundary(&sol.a, aloStandard, nil, t, r, q, v)
		aloBoundary(&sol.b, aloFine, &sol.a, t, r, q, v)
	}
}

// price values the put on the solved boundaries.
func (sol *aloSolution) price(s, k, t, r, q, v float64) float64 {
	p := americanPutOn(&sol.a, s, k, t, r, q, v)
	if sol.w > 0 {
		p += sol.w * (americanPutOn(&sol.b, s, k, t, r, q, v) - p)
	}
	return p
}

// americanPrice is the American value, floored at the intrinsic value. Where early
// exercise is worth nothing (isEuropean) it is the European value.
func americanPrice(right Right, s, k, t, r, b, v float64) float64 {
	if isEuropean(right, r, b) {
		return europeanPrice(right, s, k, t, r, b, v)
	}
	if right == Call {
		return americanPut(k, s, t, r-b, r, v) // C(S, K, r, q) = P(K, S, q, r)
	}
	return americanPut(s, k, t, r, r-b, v)
}

// isEuropean reports whether early exercise is never worth anything, so the American
// option is worth its European twin: a call with b ≥ r, a put with r ≤ 0.
func isEuropean(right Right, r, b float64) bool {
	if right == Call {
		return b >= r
	}
	return r <= 0
}

// chebBoundary is the exercise boundary of one put, as H(√τ) = ln(B(τ)/X)² on the
// Chebyshev nodes of [0, √T], in units of the strike.
type chebBoundary struct {
	lv    *aloLevel
	sqrtT float64
	lnX   float64
	coef  [aloMaxNodes + 1]float64 // Chebyshev coefficients of H
	// What the premium integral needs at its points, none of which depends on the spot or
	// the strike: ln(B(u)/K) and the discount factors e^(−r(T−u)) and e^(−q(T−u)).
	priceLnB, priceDfR, priceDfQ [aloMaxPriceGL]float64
}

// fit sets the coefficients from the values h[i] at √τ = √T·(1 + cos(iπ/n))/2.
func (c *chebBoundary) fit(h *[aloMaxNodes + 1]float64) {
	n := c.lv.nodes
	tab := c.lv.cos
	for k := 0; k <= n; k++ {
		sum := 0.5 * (h[0] + h[n]*tab[n][k])
		for i := 1; i < n; i++ {
			sum += h[i] * tab[i][k]
		}
		c.coef[k] = 2 * sum / float64(n)
	}
	c.coef[0] *= 0.5
	c.coef[n] *= 0.5
}

// h is the interpolated H at y ∈ [−1, 1] (y = 2√τ/√T − 1), by Clenshaw's recurrence.
func (c *chebBoundary) h(y float64) float64 {
	var b1, b2 float64
	for k := c.lv.nodes; k >= 1; k-- {
		b1, b2 = 2*y*b1-b2+c.coef[k], b1
	}
	return y*b1 - b2 + c.coef[0]
}

// lnB is ln(B(τ)/K) at z = √τ.
func (c *chebBoundary) lnB(z float64) float64 {
	return c.lnBAt(2*z/c.sqrtT - 1)
}

// lnBAt is ln(B(τ)/K) at y = 2√τ/√T − 1.
func (c *chebBoundary) lnBAt(y float64) float64 {
	h := c.h(y)
	if h < 0 {
		h = 0
	}
	return c.lnX - math.Sqrt(h)
}

// preparePrice fills what the premium integral needs of the boundary of a put with rate
// r and dividend yield q.
func (c *chebBoundary) preparePrice(r, q float64) {
	lv := c.lv
	var ar, aq [aloMaxPriceGL]float64 // the discount factors' exponents
	npts := len(lv.px)
	for j, y := range lv.px {
		w := 0.5 * (1 + y)
		z := c.sqrtT * w * w
		tau := z * z
		c.priceLnB[j] = c.lnBAt(lv.priceY[j])
		ar[j], aq[j] = -r*tau, -q*tau
		c.priceDfQ[j] = 1 // fastExp(−0) is 1
	}
	fastExps(ar[:npts], c.priceDfR[:npts])
	if q != 0 {
		fastExps(aq[:npts], c.priceDfQ[:npts])
	}
}

// premiumArgs sets, at each point of the early exercise premium's quadrature (z = √T·w²,
// w = (1 + y)/2, T − u = z²), σz and the arguments −d₋ and −d₊ of the spot ln S/K = lnx
// against the boundary there, d± = (ln(S/B(u)) + drift·z²)/(σz) with drift r − q ± σ²/2;
// it returns the number of points.
func (bnd *chebBoundary) premiumArgs(lnx, v, drift float64, vzs, xm, xp *[aloMaxPriceGL]float64) int {
	for j, y := range bnd.lv.px {
		w := 0.5 * (1 + y)
		z := bnd.sqrtT * (w * w)
		tau := z * z
		m := lnx - bnd.priceLnB[j] // ln(S/B(u))
		vz := v * z
		dp := (m + drift*tau) / vz
		dm := dp - vz
		vzs[j], xm[j], xp[j] = vz, -dm, -dp
	}
	return len(bnd.lv.px)
}

// americanPut values an American put with r > 0 by Andersen–Lake–Offengeim.
func americanPut(s, k, t, r, q, v float64) float64 {
	var sol aloSolution
	sol.solve(t, r, q, v)
	return sol.price(s, k, t, r, q, v)
}

// americanPutOn values the put given its exercise boundary, solved by aloBoundary for the
// same t, r, q and v (the boundary is in units of the strike, so it serves every spot
// and strike).
func americanPutOn(bnd *chebBoundary, s, k, t, r, q, v float64) float64 {
	x := s / k
	lnx := fastLog(x)
	if lnx <= bnd.lnB(bnd.sqrtT) {
		return k - s // inside the exercise region
	}
	// Premium: T − u = z² and z = √T·w², so du = 2z·dz = 4T·w³·dw, w = (1 + y)/2. The
	// square in w crowds the points towards expiry (z → 0), where the integrand turns
	// sharply when the spot is close to the boundary.
	drift := r - q + 0.5*v*v
	var sum float64
	lv := bnd.lv
	// The arguments −d₋ and −d₊ at every point first, their distributions in one pass
	// (normCDFs).
	var vzs, xm, xp, nm, np [aloMaxPriceGL]float64
	npts := bnd.premiumArgs(lnx, v, drift, &vzs, &xm, &xp)
	normCDFs(xm[:npts], nm[:npts], nil)
	if q != 0 {
		normCDFs(xp[:npts], np[:npts], nil)
	}
	for j, y := range lv.px {
		w := 0.5 * (1 + y)
		w2 := w * w
		f := r * bnd.priceDfR[j] * nm[j]
		if q != 0 { // with q = 0 the term is 0, and f − 0 is f
			f -= q * x * bnd.priceDfQ[j] * np[j]
		}
		sum += lv.pw[j] * w2 * w * f
	}
	p := europeanPrice(Put, s, k, t, r, r-q, v) + 2*k*t*sum
	return math.Max(p, math.Max(k-s, 0))
}

// aloBoundary solves the exercise boundary of a put with strike 1, rate r > 0, dividend
// yield q and volatility v over a life t, at the accuracy lv, starting from start (a
// boundary of the same put at another accuracy) or, if it is nil, from aloGuess.
func aloBoundary(c *chebBoundary, lv *aloLevel, start *chebBoundary, t, r, q, v float64) {
	var w aloSweeper
	w.init(c, lv, t, r, q, v)
	n := lv.nodes
	var h [aloMaxNodes + 1]float64
	if start != nil {
		for i := 0; i < n; i++ {
			h[i] = math.Max(start.h(lv.cheb[i]), 0)
		}
	} else {
		aloGuess(&h, lv, c.sqrtT, r, q, v, w.xb)
	}
	// cur holds the iterate as d = √H = ln(X/B) at the nodes (d = 0 at τ = 0, node n).
	var cur, sweep, sweepPrev, sweepPrev2, res, resPrev, resPrev2 [aloMaxNodes]float64
	for i := 0; i < n; i++ {
		cur[i] = math.Sqrt(h[i])
	}
	for it := 0; it < lv.iterations; it++ {
		w.sweep(&h, &cur, &sweep)
		// Anderson acceleration (type II) of depth up to two: the next iterate is the
		// sweep minus a combination of the last changes of the sweep, fitted so that the
		// same combination of the changes of the residual (sweep − iterate) cancels as
		// much of the residual as it can.
		var a11, a12, a22, b1, b2 float64
		for i := 0; i < n; i++ {
			f := sweep[i] - cur[i]
			res[i] = f
			df1 := f - resPrev[i]
			df2 := resPrev[i] - resPrev2[i]
			a11 += df1 * df1
			a12 += df1 * df2
			a22 += df2 * df2
			b1 += df1 * f
			b2 += df2 * f
		}
		var g1, g2 float64
		if lv.anderson && it >= aloPlainSweeps {
			if det := a11*a22 - a12*a12; it > aloPlainSweeps && det > 1e-10*a11*a22 {
				g1, g2 = (a22*b1-a12*b2)/det, (a11*b2-a12*b1)/det
			} else if a11 > 0 {
				g1 = b1 / a11
			}
			// Safeguard: an extrapolation far beyond the last moves is not trusted.
			if math.Abs(g1)+math.Abs(g2) > aloAndersonCap {
				g1, g2 = 0, 0
			}
		}
		for i := 0; i < n; i++ {
			d := lv.relax*sweep[i] + (1-lv.relax)*cur[i] - g1*(sweep[i]-sweepPrev[i]) - g2*(sweepPrev[i]-sweepPrev2[i])
			sweepPrev2[i], resPrev2[i] = sweepPrev[i], resPrev[i]
			sweepPrev[i], resPrev[i] = sweep[i], res[i]
			cur[i] = math.Max(d, 0)
			h[i] = cur[i] * cur[i]
		}
	}
	c.fit(&h)
	c.preparePrice(r, q)
}

// aloSweeper is what one fixed-point sweep of a put's boundary needs, for one t, r, q
// and v at one level.
type aloSweeper struct {
	lv      *aloLevel
	sqrtT   float64
	xb, lnX float64 // X = min(1, r/q), the boundary's limit at expiry, and ln X
	r, q, v float64
	drift   float64 // r − q + ½σ²
	// The points u of every boundary integral, and all that does not depend on the
	// boundary there, stay the same from one sweep to the next: σs, 1/(σs), the drift
	// (r − q + ½σ²)s² and the quadrature weights times the discount factors.
	pts      [aloMaxNodes * aloMaxBoundaryGL]struct{ s, vs, invVs, drift, wR, wQ float64 }
	dfR, dfQ [aloMaxNodes]float64 // e^(−rτ) and e^(−qτ) at the nodes
	// A sweep's arguments of the normal distribution, d₋ and d₊, and their values.
	xm, xp, nm, nq [aloMaxNodes*aloMaxBoundaryGL + aloMaxNodes]float64
}

// init prepares the sweeps of the put's boundary and sets c's level, √T and ln X, X =
// min(1, r/q) being the boundary's limit at expiry.
func (w *aloSweeper) init(c *chebBoundary, lv *aloLevel, t, r, q, v float64) {
	c.lv = lv
	n := lv.nodes
	c.sqrtT = math.Sqrt(t)
	xb := 1.0
	if q > r {
		xb = r / q
	}
	c.lnX = math.Log(xb)
	w.lv, w.sqrtT, w.xb, w.lnX, w.r, w.q, w.v = lv, c.sqrtT, xb, c.lnX, r, q, v
	drift := r - q + 0.5*v*v
	w.drift = drift
	nb := len(lv.bx)
	// The discount factors' exponents at every point (τ − u = sj²) and then at the nodes,
	// their exponentials in one pass (fastExps; the sweeps' buffers serve).
	np := n * nb
	ar, aq, er, eq := w.xm[:np+n], w.xp[:np+n], w.nm[:np+n], w.nq[:np+n]
	for i := 0; i < n; i++ {
		z := c.sqrtT * 0.5 * (1 + lv.cheb[i])
		ar[np+i], aq[np+i] = -r*z*z, -q*z*z
		for j, y := range lv.bx {
			sj := 0.5 * z * (1 + y)
			ar[i*nb+j], aq[i*nb+j] = -r*sj*sj, -q*sj*sj
		}
	}
	fastExps(ar, er)
	if q != 0 {
		fastExps(aq, eq)
	}
	for i := 0; i < n; i++ {
		z := c.sqrtT * 0.5 * (1 + lv.cheb[i])
		// e^(−q·τ) is 1 without a dividend yield, as fastExp(−0) gives it.
		w.dfR[i], w.dfQ[i] = er[np+i], 1
		if q != 0 {
			w.dfQ[i] = eq[np+i]
		}
		for j, y := range lv.bx {
			sj := 0.5 * z * (1 + y) // τ − u = sj²
			p := &w.pts[i*nb+j]
			p.s = sj
			p.vs = v * sj
			p.invVs = 1 / p.vs
			p.drift = drift * sj * sj
			wt := lv.bw[j] * sj
			p.wR, p.wQ = wt*er[i*nb+j], wt
			if q != 0 {
				p.wQ = wt * eq[i*nb+j]
			}
		}
	}
}

// setVol changes the volatility of the sweeps to v: the discount factors stay.
func (w *aloSweeper) setVol(v float64) {
	w.v = v
	w.drift = w.r - w.q + 0.5*v*v
	for i := range w.lv.nodes * len(w.lv.bx) {
		p := &w.pts[i]
		p.vs = v * p.s
		p.invVs = 1 / p.vs
		p.drift = w.drift * p.s * p.s
	}
}

// sweep sets out to one FP-A sweep of the iterate: d = ln(X/B) = cur and H = d² = h at
// the nodes (node n, τ = 0, being 0).
func (w *aloSweeper) sweep(h *[aloMaxNodes + 1]float64, cur, out *[aloMaxNodes]float64) {
	lv := w.lv
	n, nb := lv.nodes, len(lv.bx)
	r, q, v, drift := w.r, w.q, w.v, w.drift
	var lnBu [aloMaxNodes * aloMaxBoundaryGL]float64 // ln(B(u)) at every point u
	lnBAtPoints(lv, h, w.lnX, &lnBu)
	// The arguments of every normal distribution the sweep needs, d₋ (xm) and d₊ (xp) at
	// the points u of each node's integrals and then at the nodes themselves, are set
	// first and their distributions taken in one pass (normCDFs). The integrals over
	// u ∈ [0, τ] have τ − u = s², du = 2s·ds, s = z(1 + y)/2.
	np := n * nb
	xm, xp, nm, nq := w.xm[:np+n], w.xp[:np+n], w.nm[:np+n], w.nq[:np+n]
	for i := 0; i < n; i++ {
		lnBt := w.lnX - cur[i]
		for j := 0; j < nb; j++ {
			p := &w.pts[i*nb+j]
			m := lnBt - lnBu[i*nb+j] // ln(B(τ)/B(u))
			dp := (m + p.drift) * p.invVs
			xm[i*nb+j], xp[i*nb+j] = dp-p.vs, dp
		}
		z := w.sqrtT * 0.5 * (1 + lv.cheb[i])
		tau := z * z
		vz := v * z
		dp := (lnBt + drift*tau) / vz
		xm[np+i], xp[np+i] = dp-vz, dp
	}
	normCDFs(xm, nm, nil)
	if q == 0 {
		// No dividend yield: the denominator's integral is multiplied by q = 0, and left
		// out (dInt = 0) it gives the same sum, bit for bit; only the nodes' d₊ count.
		normCDFs(xp[np:], nq[np:], nil)
	} else {
		normCDFs(xp, nq, nil)
	}
	for i := 0; i < n; i++ {
		z := w.sqrtT * 0.5 * (1 + lv.cheb[i])
		old := cur[i]
		var nInt, dInt float64
		for j := 0; j < nb; j++ {
			nInt += w.pts[i*nb+j].wR * nm[i*nb+j]
		}
		if q != 0 {
			for j := 0; j < nb; j++ {
				dInt += w.pts[i*nb+j].wQ * nq[i*nb+j]
			}
		}
		num := w.dfR[i]*nm[np+i] + r*z*nInt
		den := w.dfQ[i]*nq[np+i] + q*z*dInt
		g := old // keep the old value where the sweep gives no number
		if lnNew := fastLog(num / den); !math.IsNaN(lnNew) && !math.IsInf(lnNew, 0) {
			g = w.lnX - lnNew
		}
		out[i] = g
	}
}

// lnBAtPoints sets lnBu[p] to ln(B(u)) = ln X − √H(u) at every point u of lv's boundary
// integrals, H(u) interpolated from its node values h (lnBAtPointsFast where there is
// assembly for it, the same figures bit for bit). lnBu has room for pad4 of the points.
func lnBAtPoints(lv *aloLevel, h *[aloMaxNodes + 1]float64, lnX float64, lnBu *[aloMaxNodes * aloMaxBoundaryGL]float64) {
	if !lnBAtPointsFast(lv, h, lnX, lnBu) {
		lnBAtPointsGo(lv, h, lnX, lnBu)
	}
}

// lnBAtPointsGo is lnBAtPoints in Go.
func lnBAtPointsGo(lv *aloLevel, h *[aloMaxNodes + 1]float64, lnX float64, lnBu *[aloMaxNodes * aloMaxBoundaryGL]float64) {
	n := lv.nodes
	for p := 0; p < n*len(lv.bx); p++ {
		row := lv.interp[p*n : p*n+n]
		var hu float64
		for k, wk := range row {
			hu += wk * h[k]
		}
		if hu < 0 {
			hu = 0
		}
		lnBu[p] = lnX - math.Sqrt(hu)
	}
}

// pad4 is n rounded up to a multiple of four.
func pad4(n int) int { return (n + 3) &^ 3 }

// aloGuess is the starting boundary: the shape of the Bjerksund–Stensland (1993) trigger,
// I(τ) = B₀ + (B∞ − B₀)(1 − e^(h(τ))) for the symmetric call, whose boundary is 1/B.
// It runs from X at expiry towards the perpetual boundary.
func aloGuess(h *[aloMaxNodes + 1]float64, lv *aloLevel, sqrtT, r, q, v, xb float64) {
	v2 := v * v
	b := r - q
	// β₋ < 0 solves ½σ²β² + (b − ½σ²)β − r = 0; the perpetual put boundary is β₋/(β₋ − 1).
	a := b/v2 - 0.5
	betaM := -a - math.Sqrt(a*a+2*r/v2)
	i0, iInf := 1/xb, (betaM-1)/betaM
	for i := 0; i < lv.nodes; i++ {
		z := sqrtT * 0.5 * (1 + lv.cheb[i])
		hh := math.Min(-(-b*z*z+2*v*z)*i0/(iInf-i0), 0)
		d := math.Log(xb * (i0 + (iInf-i0)*(-math.Expm1(hh))))
		if d > 0 && !math.IsInf(d, 0) {
			h[i] = d * d
		}
	}
}

// Bumps for the finite-difference Greeks of American options. The price is smooth and its
// rounding noise is about 1e-15 of the strike, so a 1e-4 relative bump keeps both the
// truncation error of the central differences (≈1e-8 relative) and the rounding noise of
// the second differences (≈1e-7 relative) far below what a trader can see.
const (
	bumpShare = 1e-4 // spot, volatility and time bumps, as a share of their value
	rateBump  = 1e-5 // absolute rate bump
)

// americanGreeks is the American value and its Greeks. Where early exercise is worth
// nothing the analytic European Greeks are exact and returned instead; otherwise they are
// the control variate's (americanGreeksFast) where it applies, and americanGreeksFull's
// elsewhere.
func americanGreeks(o Option) Greeks {
	if isEuropean(o.Right, o.Rate, o.carry()) {
		return europeanGreeks(o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol, o.Underlying == Futures)
	}
	var std chebBoundary
	if g, ok := americanGreeksFast(o, &std); ok {
		return g
	}
	if std.lv != nil && deepExercised(o, &std) {
		return differenceGreeks(o, exercisedPrice) // americanGreeksFull's, bit for bit
	}
	var cache boundaryCache
	if std.lv != nil { // solved for the option's own inputs, where aloFineWeight is 0
		q := o.Rate - o.carry()
		r := o.Rate
		if o.Right == Call {
			r, q = q, r
		}
		cache.keys[0], cache.sols[0], cache.n = [4]float64{o.Years, r, q, o.Vol}, aloSolution{a: std}, 1
	}
	return differenceGreeks(o, cache.price) // americanGreeksFull's, bit for bit
}

// deepExercised reports whether the option's spot lies inside the exercise region of
// its put's standard boundary std (see putSpace) by nearBoundary standard deviations σ√T
// or more, where americanGreeksFast left it (std is solved only inside the control
// variate's domain: lives of a day and more, vol from 5%, put rates from 0.5%, no
// aloFine). There every valuation of americanGreeksFull's differences — spot moved by
// 1e-4 of itself, vol and life by 1e-4 of theirs, rates by 1e-5, each moving the
// boundary by about as little — is inside its own exercise region too (half a standard
// deviation is 1.3e-3 or more in ln S), where americanPutOn gives the intrinsic value
// whatever the boundary: exercisedPrice gives the same without solving the six bumped
// boundaries (TestAmericanDeepExercised checks it bit for bit).
func deepExercised(o Option, std *chebBoundary) bool {
	ps, pk, _, _ := putSpace(o.Right, o.Spot, o.Strike, o.Rate, o.carry())
	return (fastLog(ps/pk)-std.lnB(std.sqrtT))/(o.Vol*std.sqrtT) <= -nearBoundary
}

// exercisedPrice is boundaryCache.price for an option inside the exercise region of
// every boundary it is asked about: americanPutOn's intrinsic value of the put (K − S,
// or S − K for the call by the symmetry), the European value where early exercise is
// worth nothing.
func exercisedPrice(right Right, s, k, t, r, b, v float64) float64 {
	if isEuropean(right, r, b) {
		return europeanPrice(right, s, k, t, r, b, v)
	}
	if right == Call {
		return s - k // the put P(K, S): its k − s
	}
	return k - s
}

// americanGreeksFull is the American value and its Greeks by differenceGreeks of
// americanPrice. Of its 17 valuations only 7 have a different time, rate or volatility;
// the others move spot alone and reuse the boundary solved for their twin, which is most
// of the work.
func americanGreeksFull(o Option) Greeks {
	var cache boundaryCache
	return differenceGreeks(o, cache.price)
}

// boundaryCache remembers the exercise boundaries it has solved, by (t, r, q, v).
type boundaryCache struct {
	n    int
	keys [8][4]float64
	sols [8]aloSolution
}

// price is americanPrice with the boundaries kept in c.
func (c *boundaryCache) price(right Right, s, k, t, r, b, v float64) float64 {
	if isEuropean(right, r, b) {
		return europeanPrice(right, s, k, t, r, b, v)
	}
	q := r - b
	if right == Call {
		s, k, r, q = k, s, q, r // C(S, K, r, q) = P(K, S, q, r)
	}
	key := [4]float64{t, r, q, v}
	for i := 0; i < c.n; i++ {
		if c.keys[i] == key {
			return c.sols[i].price(s, k, t, r, q, v)
		}
	}
	if c.n == len(c.keys) {
		return americanPut(s, k, t, r, q, v)
	}
	i := c.n
	c.n++
	c.keys[i] = key
	c.sols[i].solve(t, r, q, v)
	return c.sols[i].price(s, k, t, r, q, v)
}

// differenceGreeks are the Greeks of a price function by central finite differences, in
// the units documented on Greeks. The time bump is relative, so T − h stays inside the
// option's life however close to expiry it is; rate bumps hold q = r − b fixed on spot
// and the futures price (b = 0) on futures.
func differenceGreeks(o Option, price func(right Right, s, k, t, r, b, v float64) float64) Greeks {
	right, s, k, t, r, b, v := o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol
	f := func(s, t, r, b, v float64) float64 { return price(right, s, k, t, r, b, v) }
	hs, hv, ht := bumpShare*s, bumpShare*v, bumpShare*t
	p0 := f(s, t, r, b, v)
	sUp, sDown := f(s+hs, t, r, b, v), f(s-hs, t, r, b, v)
	vUp, vDown := f(s, t, r, b, v+hv), f(s, t, r, b, v-hv)
	tUp, tDown := f(s, t+ht, r, b, v), f(s, t-ht, r, b, v)
	bUp, bDown := b+rateBump, b-rateBump // q = r − b held fixed
	if o.Underlying == Futures {
		bUp, bDown = 0, 0 // the futures price held fixed
	}
	rUp, rDown := f(s, t, r+rateBump, bUp, v), f(s, t, r-rateBump, bDown, v)
	svUU, svUD := f(s+hs, t, r, b, v+hv), f(s+hs, t, r, b, v-hv)
	svDU, svDD := f(s-hs, t, r, b, v+hv), f(s-hs, t, r, b, v-hv)
	stUU, stUD := f(s+hs, t+ht, r, b, v), f(s+hs, t-ht, r, b, v)
	stDU, stDD := f(s-hs, t+ht, r, b, v), f(s-hs, t-ht, r, b, v)
	return Greeks{
		Price: p0,
		Delta: (sUp - sDown) / (2 * hs),
		Gamma: (sUp - 2*p0 + sDown) / (hs * hs),
		Vega:  (vUp - vDown) / (2 * hv),
		Volga: (vUp - 2*p0 + vDown) / (hv * hv),
		Theta: -(tUp - tDown) / (2 * ht),
		Rho:   (rUp - rDown) / (2 * rateBump),
		Vanna: (svUU - svUD - svDU + svDD) / (4 * hs * hv),
		Charm: -(stUU - stUD - stDU + stDD) / (4 * hs * ht),
	}
}
