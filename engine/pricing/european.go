package pricing

import "math"

// europeanPrice is the generalized Black–Scholes–Merton price with cost of carry b
// (Haug 2nd ed., eq. 1.1 family): c = S·e^((b−r)T)·N(d1) − K·e^(−rT)·N(d2).
func europeanPrice(right Right, s, k, t, r, b, v float64) float64 {
	vst := v * math.Sqrt(t)
	d1 := (math.Log(s/k) + (b+0.5*v*v)*t) / vst
	d2 := d1 - vst
	fwd := s * math.Exp((b-r)*t) // S·e^((b−r)T)
	kdf := k * math.Exp(-r*t)    // K·e^(−rT)
	var p float64
	if right == Call {
		p = fwd*normCDF(d1) - kdf*normCDF(d2)
	} else {
		p = kdf*normCDF(-d2) - fwd*normCDF(-d1)
	}
	return math.Max(p, 0) // rounding in a far out-of-the-money difference
}

// europeanGreeks is the price and the analytic Greeks of the generalized BSM model
// (Haug 2nd ed., ch. 2), in the units documented on Greeks. onFutures selects the rho of
// Black-76 (futures price held fixed); otherwise rho holds the dividend yield fixed.
func europeanGreeks(right Right, s, k, t, r, b, v float64, onFutures bool) Greeks {
	sqrtT := math.Sqrt(t)
	vst := v * sqrtT
	invVst := 1 / vst
	d1 := (math.Log(s/k) + (b+0.5*v*v)*t) * invVst
	d2 := d1 - vst
	carryDF := math.Exp((b - r) * t) // e^((b−r)T)
	kdf := k * math.Exp(-r*t)        // K·e^(−rT)
	cpdf := carryDF * normPDF(d1)    // e^((b−r)T)·n(d1)

	var g Greeks
	g.Vega = s * cpdf * sqrtT
	g.Gamma = cpdf * invVst / s         // e^((b−r)T)·n(d1) / (S·σ·√T)
	g.Vanna = -g.Vega * d2 * invVst / s // −e^((b−r)T)·n(d1)·d2 / σ
	g.Volga = g.Vega * d1 * d2 / v
	decay := -0.5 * g.Vega * v / t // −S·e^((b−r)T)·n(d1)·σ / (2√T)
	dd1dT := b*invVst - 0.5*d2/t   // ∂d1/∂T = b/(σ√T) − d2/(2T)
	if right == Call {
		nd1, nd2 := normCDF(d1), normCDF(d2)
		cn1 := carryDF * nd1
		g.Price = s*cn1 - kdf*nd2
		g.Delta = cn1
		g.Theta = decay - (b-r)*s*cn1 - r*kdf*nd2
		g.Rho = t * kdf * nd2
		g.Charm = -(b-r)*cn1 - cpdf*dd1dT
	} else {
		nd1, nd2 := normCDF(-d1), normCDF(-d2)
		cn1 := carryDF * nd1
		g.Price = kdf*nd2 - s*cn1
		g.Delta = -cn1
		g.Theta = decay + (b-r)*s*cn1 + r*kdf*nd2
		g.Rho = -t * kdf * nd2
		g.Charm = (b-r)*cn1 - cpdf*dd1dT
	}
	if g.Price < 0 { // rounding in a far out-of-the-money difference
		g.Price = 0
	}
	if onFutures {
		g.Rho = -t * g.Price
	}
	return g
}
