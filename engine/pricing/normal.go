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

// fastLog is ln x to about one ulp, like math.Log but with a shorter chain of dependent
// operations: x = 2^e·m with m ∈ [√½, √2), m = (1 + j/128)·(1 + r) with |r| ≤ 1/181, so
// ln x = e·ln 2 + ln(1 + j/128) + ln(1 + r): the logarithms ln(1 + j/128) are a table
// kept to twice double precision, ln(1 + r) a degree-7 polynomial (truncation below
// 1e-19). At j = 0 (x within 0.4% of 1 in that binade) the result is the polynomial
// alone, so ln x keeps its full relative accuracy near 1. Zero, negative, subnormal,
// infinite and NaN arguments are passed to math.Log.
func fastLog(x float64) float64 {
	if !(x >= 0x1p-1022 && x <= math.MaxFloat64) {
		return math.Log(x)
	}
	// Subtracting the bits of √½ makes the exponent field of the difference the e for
	// which m = x/2^e lies in [√½, √2), without a branch.
	const sqrtHalfBits = 0x3fe6a09e667f3bcd
	bits := int64(math.Float64bits(x))
	e := (bits - sqrtHalfBits) >> 52
	m := math.Float64frombits(uint64(bits - e<<52))
	c := &logTable[int((m-1)*128+logTableZero+0.5)] // j = round(128·(m − 1)) ∈ [−37, 53]
	r := math.FMA(m, c.inv, -1)                     // m/(1 + j/128) − 1, exactly rounded
	// ln(1 + r) = r − r²/2 + r³/3 − … + r⁷/7
	p := math.FMA(r, 1.0/7, -1.0/6)
	p = math.FMA(p, r, 1.0/5)
	p = math.FMA(p, r, -1.0/4)
	p = math.FMA(p, r, 1.0/3)
	p = math.FMA(p, r, -0.5)
	p = math.FMA(p, r*r, r)
	const (
		ln2Hi = 0x1.62e42fefa3800p-1 // ln 2 to 42 bits: e·ln2Hi is exact
		ln2Lo = 0x1.ef35793c76730p-45
	)
	ef := float64(e)
	return (ef*ln2Hi + c.logHi) + (ef*ln2Lo + c.logLo - c.corr + p)
}

// logTableZero is the index of j = 0 in logTable.
const logTableZero = 37

// logTable holds, for j = −37 … 53, inv = 1/(1 + j/128) rounded, ln(1 + j/128) as
// logHi + logLo (about 106 bits), and corr = inv·(1 + j/128) − 1, the rounding of inv, so
// that ln(m·inv) − ln(inv) = ln m holds to that precision: ln(1/inv) = ln(1 + j/128) −
// ln(1 + corr) and ln(1 + corr) = corr for |corr| < 2⁻⁵².
var logTable = func() (t [91]struct{ inv, logHi, logLo, corr float64 }) {
	const prec = 160
	for i := range t {
		j := i - logTableZero
		m := 1 + float64(j)/128
		inv := 1 / m
		// ln m = 2·atanh(z), z = (m − 1)/(m + 1) = j/(256 + j), |z| < 0.18: 2·Σ z^(2n+1)/(2n+1).
		z := new(big.Float).SetPrec(prec).Quo(new(big.Float).SetPrec(prec).SetInt64(int64(j)),
			new(big.Float).SetPrec(prec).SetInt64(int64(256+j)))
		z2 := new(big.Float).SetPrec(prec).Mul(z, z)
		pow := new(big.Float).SetPrec(prec).Set(z)
		sum := new(big.Float).SetPrec(prec)
		for n := int64(0); n < 40; n++ {
			term := new(big.Float).SetPrec(prec).Quo(pow, new(big.Float).SetPrec(prec).SetInt64(2*n+1))
			sum.Add(sum, term)
			pow.Mul(pow, z2)
		}
		sum.Mul(sum, new(big.Float).SetPrec(prec).SetInt64(2))
		hi, _ := sum.Float64()
		lo, _ := new(big.Float).SetPrec(prec).Sub(sum, new(big.Float).SetPrec(prec).SetFloat64(hi)).Float64()
		t[i].inv, t[i].logHi, t[i].logLo, t[i].corr = inv, hi, lo, math.FMA(inv, m, -1)
	}
	return t
}()

// fastExps sets out[i] to fastExp(x[i]), bit for bit, in assembly where there is one
// (fastExpsFast): a boundary's set-up needs a discount factor at each of its points. out
// is at least as long as x and does not share its memory.
func fastExps(x, out []float64) {
	out = out[:len(x)]
	if fastExpsFast(x, out) {
		return
	}
	for i, xi := range x {
		out[i] = fastExp(xi)
	}
}

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
	// Without a branch, which the sign of x (at random in a book) would mispredict:
	// above is 1 for x > 0 and 0 otherwise, and p + above·(1 − 2p) is then 1 − p or p.
	p := e * millsRatio(math.Abs(x))
	above := float64(math.Float64bits(x)>>63 ^ 1)
	if x == 0 || x != x {
		above = 0 // N(±0) = p = ½; NaN stays NaN
	}
	return p + above*(1-2*p)
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
		// Estrin's scheme: the same polynomial in a third of Horner's chain of
		// dependent operations.
		y2 := y * y
		y4 := y2 * y2
		b0 := math.FMA(math.FMA(c[3], y, c[2]), y2, math.FMA(c[1], y, c[0]))
		b1 := math.FMA(math.FMA(c[7], y, c[6]), y2, math.FMA(c[5], y, c[4]))
		b2 := math.FMA(math.FMA(c[11], y, c[10]), y2, math.FMA(c[9], y, c[8]))
		return math.FMA(math.FMA(b2, y4, b1), y4, b0)
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
	millsDegree     = 11 // fixed: millsRatio evaluates exactly 12 coefficients
	millsTailDegree = 12
	millsTailMid    = 0.5 * (1 + 8.0/37) // w = 8/t runs over [8/37, 1]
	millsTailHalf   = 0.5 * (1 - 8.0/37)
)

// millsTable holds the polynomial coefficients of millsRatio in the local variable
// y ∈ [−1, 1] of each interval. They are the interpolating polynomials at the Chebyshev
// points of each interval of R computed from math.Erfc (with the rounding of t/√2
// corrected) and expHalfSquare, fitted once at start-up in exact arithmetic (math/big)
// so that the coefficients carry only their own final rounding. normal_amd64.s reads it
// (near first, then tail) and exp2Table by their layout, and repeats fastExp's and
// millsRatio's constants: TestNormCDFs and TestFastExps compare it with the Go code.
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

// normCDFs sets out[i] to N(x[i]) and, when ex is not nil, ex[i] to e^(−x[i]²/2):
// normCDFFromExp(x[i], expHalfSquare(x[i])) and expHalfSquare(x[i]), bit for bit — the
// same operations in the same order, written out in one loop (normCDFsGo, or its
// assembly where there is one: normCDFsFast). Those functions are too large for the
// compiler to inline, and a call per value spills every live float (Go saves none across
// calls) and keeps successive values from overlapping; a loop over the points of a
// boundary sweep or a premium quadrature runs them side by side. out and ex are at least
// as long as x, and neither shares its memory with x.
func normCDFs(x, out, ex []float64) {
	out = out[:len(x)]
	if ex != nil {
		ex = ex[:len(x)]
	}
	if !normCDFsFast(x, out, ex) {
		normCDFsGo(x, out, ex)
	}
}

// normCDFsGo is normCDFs in Go.
func normCDFsGo(x, out, ex []float64) {
	out = out[:len(x)]
	if ex != nil {
		ex = ex[:len(x)]
	}
	for i, xi := range x {
		// expHalfSquare(xi).
		var e float64
		hi := xi * xi
		if !(hi > 1500) {
			lo := math.FMA(xi, xi, -hi)
			a := -0.5 * hi // ≤ 0 (or NaN): fastExp's upper limit never applies
			ea := fastExp(a)
			e = ea - 0.5*lo*ea
		}
		if ex != nil {
			ex[i] = e
		}
		// normCDFFromExp(xi, e), with millsRatio's first branch inside it.
		t := math.Abs(xi)
		var mr float64
		if t < 8 {
			j := int(2 * t)
			c := &millsTable.near[j]
			y := 4*t - float64(2*j+1)
			y2 := y * y
			y4 := y2 * y2
			b0 := math.FMA(math.FMA(c[3], y, c[2]), y2, math.FMA(c[1], y, c[0]))
			b1 := math.FMA(math.FMA(c[7], y, c[6]), y2, math.FMA(c[5], y, c[4]))
			b2 := math.FMA(math.FMA(c[11], y, c[10]), y2, math.FMA(c[9], y, c[8]))
			mr = math.FMA(math.FMA(b2, y4, b1), y4, b0)
		} else {
			mr = millsRatio(t)
		}
		p := e * mr
		above := float64(math.Float64bits(xi)>>63 ^ 1)
		if xi == 0 || xi != xi {
			above = 0
		}
		out[i] = p + above*(1-2*p)
	}
}
