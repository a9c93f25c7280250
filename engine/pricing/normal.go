package pricing

import (
	"math"
	"math/big"
)

const (
	invSqrt2   = 0.70710678118654752440 // 1/√2
	invSqrt2Pi = 0.39894228040143267794 // 1/√(2π)
)

// normCDF is the standard normal distribution function N(x). math.Erfc is accurate to
// about one ulp relative, also deep in the lower tail, which implied volatility needs.
func normCDF(x float64) float64 {
	return 0.5 * math.Erfc(-x*invSqrt2)
}

// normPDF is the standard normal density n(x).
func normPDF(x float64) float64 {
	return invSqrt2Pi * math.Exp(-0.5*x*x)
}

// fastExp is e^x to about one ulp, like math.Exp (whose amd64 assembly is a long chain of
// dependent operations) but with about half its latency: x = (64k + j)·ln2/64 + r with
// |r| ≤ ln2/128, e^x = 2^k · 2^(j/64) · e^r, the 64 powers 2^(j/64) correctly rounded in a
// table and e^r − 1 a degree-5 polynomial (truncation below 1e-18), joined with one fused
// multiply–add. Outside (−708, 709), where results are subnormal or overflow, and for NaN
// it is math.Exp.
func fastExp(x float64) float64 {
	if !(x > -708 && x < 709) {
		return math.Exp(x)
	}
	const (
		shifter  = 0x1.8p52 // adding it rounds to an integer
		ln2Hi64  = 0x1.62e42fefa39efp-1 / 64
		ln2Lo64  = 2.319046813846299615e-17 / 64 // (ln 2 − 0x1.62e42fefa39efp-1)/64
		invLn264 = 64 / math.Ln2
	)
	kf := math.FMA(x, invLn264, shifter) - shifter
	r := math.FMA(-kf, ln2Hi64, x)
	r = math.FMA(-kf, ln2Lo64, r)
	k := int64(kf)
	p := math.FMA(r, 1.0/120, 1.0/24)
	p = math.FMA(p, r, 1.0/6)
	p = math.FMA(p, r, 0.5)
	p = math.FMA(p, r, 1)
	t := exp2Table[k&63]
	return math.FMA(t, p*r, t) * math.Float64frombits(uint64((k>>6)+1023)<<52)
}

// exp2Table holds 2^(j/64), j = 0…63, correctly rounded: 2^j square-rooted six times in
// 300-bit math/big arithmetic.
var exp2Table = func() (t [64]float64) {
	for j := range t {
		x := new(big.Float).SetPrec(300).SetMantExp(big.NewFloat(1), j)
		for range 6 {
			x.Sqrt(x)
		}
		t[j], _ = x.Float64()
	}
	return t
}()

// expHalfSquare is e^(−x²/2) to about one ulp: x² is split exactly with a fused
// multiply–add (x² = hi + lo) so that the rounding of x² does not become a relative error
// of ½·x²·2⁻⁵³ in the result, as it would in math.Exp(−0.5*x*x). NaN gives NaN.
func expHalfSquare(x float64) float64 {
	hi := x * x
	if hi > 1500 {
		return 0 // also x = ±Inf, where lo would be NaN
	}
	lo := math.FMA(x, x, -hi)
	e := fastExp(-0.5 * hi)
	return e - 0.5*lo*e
}

// normCDFFromExp is N(x) given e = e^(−x²/2) = expHalfSquare(x), which the Greeks need
// anyway: N(x) = e·R(−x) for x ≤ 0 and 1 − e·R(x) for x > 0, with R the Mills ratio
// below. It costs one polynomial instead of math.Erfc's two exponentials and is as
// accurate (about 1e-15 relative in both tails; see TestNormCDFFromExp).
func normCDFFromExp(x, e float64) float64 {
	if x <= 0 {
		return e * millsRatio(-x)
	}
	return 1 - e*millsRatio(x)
}

// millsRatio is R(t) = N(−t)·e^(t²/2) for t ≥ 0 (the Mills ratio divided by √(2π)): 1/2
// at 0, falling like 1/(t√(2π)). On [0, 8) it is a polynomial of degree millsDegree on each of 16
// intervals of width ½; on [8, 37] t·R(t) is one polynomial in w = 8/t; beyond, where
// e^(−t²/2)·R(t) is below 1e-298, its asymptotic series.
func millsRatio(t float64) float64 {
	if t < 8 {
		i := int(2 * t)
		c := &millsTable.near[i]
		y := 4*t - float64(2*i+1) // (t − centre)/(half width)
		p := c[millsDegree]
		for k := millsDegree - 1; k >= 0; k-- {
			p = math.FMA(p, y, c[k])
		}
		return p
	}
	if t <= 37 {
		w := 8 / t
		c := &millsTable.tail
		y := (w - millsTailMid) / millsTailHalf
		p := c[millsTailDegree]
		for k := millsTailDegree - 1; k >= 0; k-- {
			p = math.FMA(p, y, c[k])
		}
		return p / t
	}
	// Beyond, the asymptotic series R(t) = 1/(t√(2π))·Σ (−1)ⁿ(2n − 1)!!/t^(2n), whose
	// terms here fall below 1e-17 by n = 7. NaN gives NaN.
	u := 1 / (t * t)
	p := -135135.0
	for _, c := range [...]float64{10395, -945, 105, -15, 3, -1, 1} {
		p = math.FMA(p, u, c)
	}
	return p * invSqrt2Pi / t
}

const (
	millsDegree     = 11
	millsTailDegree = 12
	millsTailMid    = 0.5 * (1 + 8.0/37) // w = 8/t runs over [8/37, 1]
	millsTailHalf   = 0.5 * (1 - 8.0/37)
)

// millsTable holds the polynomial coefficients of millsRatio in the local variable
// y ∈ [−1, 1] of each interval. They are the interpolating polynomials at the Chebyshev
// points of each interval of R computed from math.Erfc (with the rounding of t/√2
// corrected) and expHalfSquare, fitted once at start-up in exact arithmetic (math/big)
// so that the coefficients carry only their own final rounding.
var millsTable = func() (m struct {
	near [16][millsDegree + 1]float64
	tail [millsTailDegree + 1]float64
}) {
	for i := range m.near {
		a := 0.5 * float64(i)
		copy(m.near[i][:], interpolateMonomial(millsReference, a, a+0.5, millsDegree))
	}
	tail := func(w float64) float64 { t := 8 / w; return t * millsReference(t) }
	copy(m.tail[:], interpolateMonomial(tail, 8.0/37, 1, millsTailDegree))
	return m
}()

// millsReference is R(t) from math.Erfc, slow and accurate: the argument t/√2 is rounded,
// and that rounding is corrected with the first term of its Taylor expansion.
func millsReference(t float64) float64 {
	y := t * invSqrt2
	const sqrt2Low = -9.667293313452913e-17         // √2 − math.Sqrt2
	res := math.FMA(y, math.Sqrt2, -t) + y*sqrt2Low // y·√2 − t, the rounding of y
	n := 0.5 * (math.Erfc(y) + 2/math.SqrtPi*math.Exp(-y*y)*res/math.Sqrt2)
	return n / expHalfSquare(t)
}

// interpolateMonomial returns the coefficients, lowest first, in y = (x − mid)/half of
// the polynomial of degree deg through f at the deg+1 Chebyshev points of [a, b]. The
// divided differences and the expansion are done in 256-bit math/big arithmetic.
func interpolateMonomial(f func(float64) float64, a, b float64, deg int) []float64 {
	n := deg + 1
	mid, half := 0.5*(a+b), 0.5*(b-a)
	num := func(x float64) *big.Float { return new(big.Float).SetPrec(256).SetFloat64(x) }
	ys := make([]*big.Float, n)
	dd := make([]*big.Float, n)
	for j := range ys {
		y := math.Cos(math.Pi * (float64(j) + 0.5) / float64(n))
		ys[j] = num(y)
		dd[j] = num(f(mid + half*y))
	}
	for k := 1; k < n; k++ {
		for j := n - 1; j >= k; j-- {
			d := num(0).Sub(dd[j], dd[j-1])
			dd[j] = d.Quo(d, num(0).Sub(ys[j], ys[j-k]))
		}
	}
	// Newton form to monomials: p ← p·(y − y_k) + dd[k], from the top.
	mono := make([]*big.Float, n)
	for i := range mono {
		mono[i] = num(0)
	}
	mono[0].Set(dd[n-1])
	for k := n - 2; k >= 0; k-- {
		for i := n - 1; i >= 1; i-- {
			mono[i] = num(0).Sub(mono[i-1], num(0).Mul(mono[i], ys[k]))
		}
		mono[0] = num(0).Sub(dd[k], num(0).Mul(mono[0], ys[k]))
	}
	out := make([]float64, n)
	for i := range out {
		out[i], _ = mono[i].Float64()
	}
	return out
}

// gaussLegendre returns the n nodes and weights of the Gauss–Legendre rule on [−1, 1],
// found by Newton's method on the Legendre polynomial P_n from its three-term recurrence.
func gaussLegendre(n int) (nodes, weights []float64) {
	nodes = make([]float64, n)
	weights = make([]float64, n)
	for i := 0; i < (n+1)/2; i++ {
		x := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for iter := 0; iter < 100; iter++ {
			p0, p1 := 1.0, x
			for k := 2; k <= n; k++ {
				p0, p1 = p1, ((2*float64(k)-1)*x*p1-(float64(k)-1)*p0)/float64(k)
			}
			dp = float64(n) * (x*p1 - p0) / (x*x - 1)
			dx := p1 / dp
			x -= dx
			if math.Abs(dx) < 1e-16 {
				break
			}
		}
		p0, p1 := 1.0, x
		for k := 2; k <= n; k++ {
			p0, p1 = p1, ((2*float64(k)-1)*x*p1-(float64(k)-1)*p0)/float64(k)
		}
		dp = float64(n) * (x*p1 - p0) / (x*x - 1)
		w := 2 / ((1 - x*x) * dp * dp)
		nodes[i], weights[i] = -x, w
		nodes[n-1-i], weights[n-1-i] = x, w
	}
	return nodes, weights
}
