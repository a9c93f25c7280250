package pricing

import "math"

// t1Share is the Bjerksund–Stensland (2002) split of the life: t1 = ½(√5 − 1)·T.
var t1Share = 0.5 * (math.Sqrt(5) - 1)

// The correlation of the two-period terms, √(t1/T), is the same for every option, so the
// bivariate normal rules are set up once.
var (
	bvnPlus  = newBivariateNormal(math.Sqrt(t1Share))
	bvnMinus = newBivariateNormal(-math.Sqrt(t1Share))
)

// americanPrice is the Bjerksund–Stensland (2002) value, floored at the European value and
// the intrinsic value. Puts use the put–call transformation.
func americanPrice(right Right, s, k, t, r, b, v float64) float64 {
	euro := europeanPrice(right, s, k, t, r, b, v)
	var p, intrinsic float64
	if right == Call {
		p = bs2002Call(s, k, t, r, b, v)
		intrinsic = s - k
	} else {
		p = bs2002Call(k, s, t, r-b, -b, v)
		intrinsic = k - s
	}
	return math.Max(p, math.Max(euro, intrinsic))
}

// isEuropean reports whether early exercise is never worth anything, so the American
// option is worth its European twin: a call with b ≥ r, a put with r ≤ 0.
func isEuropean(right Right, r, b float64) bool {
	if right == Call {
		return b >= r
	}
	return r <= 0
}

// bs2002Call is the Bjerksund–Stensland (2002) approximation of an American call
// (Haug 2nd ed., section 3.1.4).
func bs2002Call(s, k, t, r, b, v float64) float64 {
	if b >= r {
		return europeanPrice(Call, s, k, t, r, b, v)
	}
	v2 := v * v
	t1 := t1Share * t
	// β is the positive root of ½σ²β² + (b − ½σ²)β − r = 0: β = −a + √(a² + c) with
	// a = b/σ² − ½ and c = 2r/σ², written without cancellation when a > 0.
	a, c := b/v2-0.5, 2*r/v2
	root := math.Sqrt(a*a + c)
	beta := root - a
	if a > 0 {
		beta = c / (root + a)
	}
	bInf := beta / (beta - 1) * k
	b0 := k
	if r-b > 0 && r/(r-b)*k > k {
		b0 = r / (r - b) * k
	}
	span := bInf - b0
	h1 := -(b*t1 + 2*v*math.Sqrt(t1)) * k * k / (span * b0)
	h2 := -(b*t + 2*v*math.Sqrt(t)) * k * k / (span * b0)
	i1 := b0 + span*(-math.Expm1(h1))
	i2 := b0 + span*(-math.Expm1(h2))
	if s >= i2 {
		return s - k
	}
	// α·S^β is written (I − K)·(S/I)^β so that large β cannot overflow.
	p := (i2 - k) * math.Pow(s/i2, beta)
	p -= (i2 - k) * phi(s, t1, beta, i2, i2, i2, r, b, v)
	p += phi(s, t1, 1, i2, i2, 1, r, b, v)
	p -= phi(s, t1, 1, i1, i2, 1, r, b, v)
	p -= k * phi(s, t1, 0, i2, i2, 1, r, b, v)
	p += k * phi(s, t1, 0, i1, i2, 1, r, b, v)
	p += (i1 - k) * phi(s, t1, beta, i1, i2, i1, r, b, v)
	p -= (i1 - k) * psi(s, t, beta, i1, i2, i1, t1, i1, r, b, v)
	p += psi(s, t, 1, i1, i2, i1, t1, 1, r, b, v)
	p -= psi(s, t, 1, k, i2, i1, t1, 1, r, b, v)
	p -= k * psi(s, t, 0, i1, i2, i1, t1, 1, r, b, v)
	p += k * psi(s, t, 0, k, i2, i1, t1, 1, r, b, v)
	return p
}

// phi is Bjerksund–Stensland's φ(S, T, γ, H, I) with S^γ replaced by (S/scale)^γ.
func phi(s, t, gamma, h, i, scale, r, b, v float64) float64 {
	v2 := v * v
	vst := v * math.Sqrt(t)
	lambda := (-r + gamma*b + 0.5*gamma*(gamma-1)*v2) * t
	d := -(math.Log(s/h) + (b+(gamma-0.5)*v2)*t) / vst
	kappa := 2*b/v2 + 2*gamma - 1
	lis := math.Log(i / s)
	pre := lambda + gamma*math.Log(s/scale)
	return scaled(pre, normCDF(d)) - scaled(pre+kappa*lis, normCDF(d-2*lis/vst))
}

// scaled returns e^logFactor·p for a probability p, in one exponential so that a huge
// factor times a vanishing probability is a small number, not Inf·0.
func scaled(logFactor, p float64) float64 {
	if p <= 0 {
		return 0
	}
	return math.Exp(logFactor + math.Log(p))
}

// psi is Bjerksund–Stensland's ψ(S, T, γ, H, I2, I1, t1) with S^γ replaced by (S/scale)^γ.
func psi(s, t, gamma, h, i2, i1, t1, scale, r, b, v float64) float64 {
	v2 := v * v
	mu := b + (gamma-0.5)*v2
	vst1 := v * math.Sqrt(t1)
	vst := v * math.Sqrt(t)
	e1 := (math.Log(s/i1) + mu*t1) / vst1
	e2 := (math.Log(i2*i2/(s*i1)) + mu*t1) / vst1
	e3 := (math.Log(s/i1) - mu*t1) / vst1
	e4 := (math.Log(i2*i2/(s*i1)) - mu*t1) / vst1
	f1 := (math.Log(s/h) + mu*t) / vst
	f2 := (math.Log(i2*i2/(s*h)) + mu*t) / vst
	f3 := (math.Log(i1*i1/(s*h)) + mu*t) / vst
	f4 := (math.Log(s*i1*i1/(h*i2*i2)) + mu*t) / vst
	lambda := (-r + gamma*b + 0.5*gamma*(gamma-1)*v2) * t
	kappa := 2*b/v2 + 2*gamma - 1
	pre := lambda + gamma*math.Log(s/scale)
	return scaled(pre, bvnPlus.cdf(-e1, -f1)) -
		scaled(pre+kappa*math.Log(i2/s), bvnPlus.cdf(-e2, -f2)) -
		scaled(pre+kappa*math.Log(i1/s), bvnMinus.cdf(-e3, -f3)) +
		scaled(pre+kappa*math.Log(i1/i2), bvnMinus.cdf(-e4, -f4))
}

// Relative bumps for the finite-difference Greeks of American options. With prices
// accurate to about 1e-15 relative, a 1e-4 relative bump keeps both the truncation error
// of the central differences (≈1e-8 relative) and the rounding noise of the second
// differences (≈1e-7) far below what a trader can see.
const (
	bumpShare = 1e-4 // spot, volatility and time bumps, as a share of their value
	rateBump  = 1e-5 // absolute rate bump
)

// americanGreeks is the Bjerksund–Stensland value and its Greeks. Where early exercise is
// worth nothing the analytic European Greeks are exact and returned instead. Otherwise the
// Greeks are central finite differences; the time bump is relative, so T − h stays inside
// the option's life however close to expiry it is.
func americanGreeks(o Option) Greeks {
	right, s, k, t, r, b, v := o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol
	futures := o.Underlying == Futures
	if isEuropean(right, r, b) {
		return europeanGreeks(right, s, k, t, r, b, v, futures)
	}
	f := func(s, t, r, b, v float64) float64 { return americanPrice(right, s, k, t, r, b, v) }
	hs, hv, ht := bumpShare*s, bumpShare*v, bumpShare*t
	p0 := f(s, t, r, b, v)
	sUp, sDown := f(s+hs, t, r, b, v), f(s-hs, t, r, b, v)
	vUp, vDown := f(s, t, r, b, v+hv), f(s, t, r, b, v-hv)
	tUp, tDown := f(s, t+ht, r, b, v), f(s, t-ht, r, b, v)
	bUp, bDown := b+rateBump, b-rateBump // q = r − b held fixed
	if futures {
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
