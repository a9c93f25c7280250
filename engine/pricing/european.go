package pricing

import "math"

// The European formulas share one exponential between the normal density and both
// normal distribution values: with e₁ = e^(−d1²/2), N(d1) comes from e₁ and the Mills
// ratio (normCDFFromExp), and e^(−d2²/2) = e₁·F/K because d1² − d2² = 2·ln(F/K), with
// F = S·e^(bT) the forward. Only when e₁ is so small that it has lost precision
// (d1 beyond about ±37) is e^(−d2²/2) computed on its own.

// europeanPrice is the generalized Black–Scholes–Merton price with cost of carry b
// (Haug 2nd ed., eq. 1.1 family): c = S·e^((b−r)T)·N(d1) − K·e^(−rT)·N(d2).
func europeanPrice(right Right, s, k, t, r, b, v float64) float64 {
	// The same operations in the same order as europeanGreeks, so that Price and
	// Value.Price agree to the last bit.
	vst := v * math.Sqrt(t)
	invVst := 1 / vst
	sk := s / k
	d1 := (fastLog(sk) + (b+0.5*v*v)*t) * invVst
	d2 := d1 - vst
	df := fastExp(-r * t)
	growth := 1.0 // e^(bT) = F/S
	if b != 0 {
		growth = fastExp(b * t)
	}
	carryDF := df * growth // e^((b−r)T)
	kdf := k * df          // K·e^(−rT)
	e1 := expHalfSquare(d1)
	e2 := secondExp(e1, d2, sk*growth)
	omega := 1 - 2*float64(right) // +1 call, −1 put
	cn1 := omega * carryDF * normCDFFromExp(omega*d1, e1)
	kn2 := omega * kdf * normCDFFromExp(omega*d2, e2)
	return math.Max(s*cn1-kn2, 0) // rounding in a far out-of-the-money difference
}

// secondExp is e^(−d2²/2) from e1 = e^(−d1²/2) and the forward over the strike, F/K:
// e1·F/K, unless e1 has underflowed into imprecision or the product is out of range.
func secondExp(e1, d2, fk float64) float64 {
	if e1 > 0x1p-960 {
		if e2 := e1 * fk; e2 <= 1 {
			return e2
		}
	}
	return expHalfSquare(d2)
}

// europeanGreeks is the price and the analytic Greeks of the generalized BSM model
// (Haug 2nd ed., ch. 2), in the units documented on Greeks. onFutures selects the rho of
// Black-76 (futures price held fixed); otherwise rho holds the dividend yield fixed.
// The reciprocals are taken once, the divisions being the slowest arithmetic here.
func europeanGreeks(right Right, s, k, t, r, b, v float64, onFutures bool) Greeks {
	var g Greeks
	europeanGreeksTo(&g, right, s, k, t, r, b, v, onFutures)
	return g
}

// europeanGreeksTo is europeanGreeks writing into *g, which it overwrites field by field:
// Value passes its result, so no copy of the nine figures is made (and read back in
// 16-byte pieces from 8-byte stores still in flight, which stalls the processor).
func europeanGreeksTo(g *Greeks, right Right, s, k, t, r, b, v float64, onFutures bool) {
	sqrtT := math.Sqrt(t)
	vst := v * sqrtT
	invVst, invS, invT, invV := 1/vst, 1/s, 1/t, 1/v
	sk := s / k
	d1 := (fastLog(sk) + (b+0.5*v*v)*t) * invVst
	d2 := d1 - vst
	df := fastExp(-r * t)
	growth := 1.0 // e^(bT) = F/S
	if b != 0 {
		growth = fastExp(b * t)
	}
	carryDF := df * growth // e^((b−r)T)
	kdf := k * df          // K·e^(−rT)
	e1 := expHalfSquare(d1)
	e2 := secondExp(e1, d2, sk*growth)
	cpdf := carryDF * invSqrt2Pi * e1 // e^((b−r)T)·n(d1)

	g.Vega = s * cpdf * sqrtT
	g.Gamma = cpdf * invVst * invS         // e^((b−r)T)·n(d1) / (S·σ·√T)
	g.Vanna = -g.Vega * d2 * invVst * invS // −e^((b−r)T)·n(d1)·d2 / σ
	g.Volga = g.Vega * d1 * d2 * invV
	decay := -0.5 * g.Vega * v * invT // −S·e^((b−r)T)·n(d1)·σ / (2√T)
	dd1dT := b*invVst - 0.5*d2*invT   // ∂d1/∂T = b/(σ√T) − d2/(2T)
	// Calls and puts in one formula with ω = +1 (call) or −1 (put), N(ω·d1) and N(ω·d2),
	// so that a book mixing both does not mispredict a branch on every option.
	omega := 1 - 2*float64(right)
	nd1, nd2 := normCDFFromExp(omega*d1, e1), normCDFFromExp(omega*d2, e2)
	cn1 := omega * carryDF * nd1 // ω·e^((b−r)T)·N(ω·d1)
	kn2 := omega * kdf * nd2     // ω·K·e^(−rT)·N(ω·d2)
	g.Price = s*cn1 - kn2
	g.Delta = cn1
	g.Theta = decay - (b-r)*s*cn1 - r*kn2
	g.Rho = t * kn2
	g.Charm = -(b-r)*cn1 - cpdf*dd1dT
	if g.Price < 0 { // rounding in a far out-of-the-money difference
		g.Price = 0
	}
	if onFutures {
		g.Rho = -t * g.Price
	}
}

// europeanGreeksAt is europeanGreeksTo at each spot of spots (out[i] for spots[i]), the
// terms that do not depend on the spot (the discount factors, σ√T, the reciprocals)
// computed once: the same operations in the same order per spot, so each out[i] is
// europeanGreeksTo's, bit for bit (TestValuesToMatchesValueTo). A risk profile values one
// option at a hundred spots this way.
func europeanGreeksAt(out []Greeks, spots []float64, right Right, k, t, r, b, v float64, onFutures bool) {
	sqrtT := math.Sqrt(t)
	vst := v * sqrtT
	invVst, invT, invV := 1/vst, 1/t, 1/v
	drift := (b + 0.5*v*v) * t
	df := fastExp(-r * t)
	growth := 1.0 // e^(bT) = F/S
	if b != 0 {
		growth = fastExp(b * t)
	}
	carryDF := df * growth // e^((b−r)T)
	kdf := k * df          // K·e^(−rT)
	carryPDF := carryDF * invSqrt2Pi
	bInvVst := b * invVst
	omega := 1 - 2*float64(right)
	for i, s := range spots {
		g := &out[i]
		invS := 1 / s
		sk := s / k
		d1 := (fastLog(sk) + drift) * invVst
		d2 := d1 - vst
		e1 := expHalfSquare(d1)
		e2 := secondExp(e1, d2, sk*growth)
		cpdf := carryPDF * e1

		g.Vega = s * cpdf * sqrtT
		g.Gamma = cpdf * invVst * invS
		g.Vanna = -g.Vega * d2 * invVst * invS
		g.Volga = g.Vega * d1 * d2 * invV
		decay := -0.5 * g.Vega * v * invT
		dd1dT := bInvVst - 0.5*d2*invT
		nd1, nd2 := normCDFFromExp(omega*d1, e1), normCDFFromExp(omega*d2, e2)
		cn1 := omega * carryDF * nd1
		kn2 := omega * kdf * nd2
		g.Price = s*cn1 - kn2
		g.Delta = cn1
		g.Theta = decay - (b-r)*s*cn1 - r*kn2
		g.Rho = t * kn2
		g.Charm = -(b-r)*cn1 - cpdf*dd1dT
		if g.Price < 0 {
			g.Price = 0
		}
		if onFutures {
			g.Rho = -t * g.Price
		}
	}
}
