package pricing

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestNormCDF checks N(x) against published values (Abramowitz & Stegun, table 26.1, and
// the tail N(−10) = 7.619853024160527e-24) with relative error.
func TestNormCDF(t *testing.T) {
	tests := []struct{ x, want float64 }{
		{0, 0.5},
		{1, 0.8413447460685429},
		{-1, 0.15865525393145705},
		{2, 0.9772498680518208},
		{-3, 0.0013498980316300946},
		{-10, 7.619853024160527e-24},
	}
	for _, tc := range tests {
		if got := normCDF(tc.x); math.Abs(got/tc.want-1) > 1e-14 {
			t.Errorf("N(%g) = %.17g, want %.17g", tc.x, got, tc.want)
		}
	}
}

// TestGaussLegendre checks the rule integrates x^m exactly for m < 2n.
func TestGaussLegendre(t *testing.T) {
	x, w := gaussLegendre(20)
	for m := 0; m < 40; m++ {
		sum := 0.0
		for i := range x {
			sum += w[i] * math.Pow(x[i], float64(m))
		}
		want := 0.0
		if m%2 == 0 {
			want = 2 / float64(m+1)
		}
		if math.Abs(sum-want) > 1e-14 {
			t.Errorf("∫x^%d = %.17g, want %.17g", m, sum, want)
		}
	}
}

// bigExp is e^x in 300-bit arithmetic: the Taylor series of e^(x/2^20), squared 20 times.
func bigExp(x float64) float64 {
	const prec = 300
	y := new(big.Float).SetPrec(prec).SetMantExp(new(big.Float).SetPrec(prec).SetFloat64(x), -20)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for i := int64(1); i < 30; i++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(i))
		sum.Add(sum, term)
	}
	for range 20 {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}

// TestFastExp checks fastExp against a 300-bit reference: within 1.5 ulp (math.Exp is
// within one) on random arguments over its whole table range, and exact at 0, and that it
// passes NaN, ±Inf and the ends of the range to math.Exp.
func TestFastExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	worst := 0.0
	for i := 0; i < 3000; i++ {
		x := (2*rng.Float64() - 1) * 40
		if i%3 == 0 {
			x = -708 + 1417*rng.Float64()
		}
		worst = math.Max(worst, math.Abs(fastExp(x)/bigExp(x)-1))
	}
	if worst > 1.5*0x1p-53*2 {
		t.Errorf("fastExp worst relative error %.3g", worst)
	}
	t.Logf("fastExp worst relative error %.3g", worst)
	if fastExp(0) != 1 {
		t.Errorf("e^0 = %g", fastExp(0))
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), -708.5, 709.5, -1000} {
		if got, want := fastExp(x), math.Exp(x); !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("fastExp(%g) = %g, math.Exp %g", x, got, want)
		}
	}
}

// TestNormCDFFromExp checks N(x) from the shared exponential and the Mills ratio against
// the published values of TestNormCDF and against millsReference (math.Erfc with the
// rounding of its argument corrected) on a fine grid from −38 to 9: within 1.5e-15
// relative in both tails, and that NaN stays NaN.
func TestNormCDFFromExp(t *testing.T) {
	published := []struct{ x, want float64 }{
		{0, 0.5},
		{1, 0.8413447460685429},
		{-1, 0.15865525393145705},
		{2, 0.9772498680518208},
		{-3, 0.0013498980316300946},
		{-10, 7.619853024160527e-24},
	}
	for _, tc := range published {
		if got := normCDFFromExp(tc.x, expHalfSquare(tc.x)); math.Abs(got/tc.want-1) > 1e-15 {
			t.Errorf("N(%g) = %.17g, want %.17g", tc.x, got, tc.want)
		}
	}
	worst, at := 0.0, 0.0
	for x := -38.0; x <= 9; x += 0.000731 {
		if expHalfSquare(x) < 0x1p-1000 {
			continue // subnormal: the reference loses digits itself
		}
		want := 1 - expHalfSquare(x)*millsReference(x)
		if x <= 0 {
			want = expHalfSquare(x) * millsReference(-x)
		}
		if rel := math.Abs(normCDFFromExp(x, expHalfSquare(x))/want - 1); rel > worst {
			worst, at = rel, x
		}
	}
	if worst > 1.5e-15 {
		t.Errorf("worst relative error %.3g at %g", worst, at)
	}
	t.Logf("worst relative error %.3g at %g", worst, at)
	if v := normCDFFromExp(math.NaN(), expHalfSquare(math.NaN())); !math.IsNaN(v) {
		t.Errorf("N(NaN) = %g", v)
	}
}

// bigLog is ln x in 200-bit arithmetic: x = 2^e·m, m ∈ [1, 2), ln m = 2·atanh((m−1)/(m+1))
// and ln 2 = 2·atanh(1/3), both summed as series.
func bigLog(x float64) float64 {
	const prec = 200
	atanh2 := func(z *big.Float) *big.Float { // 2·atanh(z), |z| ≤ 1/3
		z2 := new(big.Float).SetPrec(prec).Mul(z, z)
		pow := new(big.Float).SetPrec(prec).Set(z)
		sum := new(big.Float).SetPrec(prec)
		for n := int64(0); n < 80; n++ {
			sum.Add(sum, new(big.Float).SetPrec(prec).Quo(pow, new(big.Float).SetPrec(prec).SetInt64(2*n+1)))
			pow.Mul(pow, z2)
		}
		return sum.Mul(sum, new(big.Float).SetPrec(prec).SetInt64(2))
	}
	frac, exp := math.Frexp(x) // x = frac·2^exp, frac ∈ [½, 1)
	m := new(big.Float).SetPrec(prec).SetFloat64(2 * frac)
	one := new(big.Float).SetPrec(prec).SetInt64(1)
	z := new(big.Float).SetPrec(prec).Quo(new(big.Float).SetPrec(prec).Sub(m, one), new(big.Float).SetPrec(prec).Add(m, one))
	third := new(big.Float).SetPrec(prec).Quo(one, new(big.Float).SetPrec(prec).SetInt64(3))
	ln2 := atanh2(third)
	res := atanh2(z)
	res.Add(res, ln2.Mul(ln2, new(big.Float).SetPrec(prec).SetInt64(int64(exp-1))))
	f, _ := res.Float64()
	return f
}

// TestFastLog checks fastLog against a 200-bit reference: within 2 ulp relative on random
// arguments from 1e-300 to 1e300 and close to 1 (where a table method can lose relative
// accuracy), and that it passes 0, negative, subnormal, infinite and NaN arguments to
// math.Log.
func TestFastLog(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	worst, at := 0.0, 0.0
	for i := 0; i < 4000; i++ {
		x := math.Exp((2*rng.Float64() - 1) * 690)
		switch i % 4 {
		case 1:
			x = 0.5 + 1.5*rng.Float64()
		case 2:
			x = 1 + (2*rng.Float64()-1)*1e-3
		case 3:
			x = 1 + (2*rng.Float64()-1)*1e-9
		}
		if x == 1 {
			continue
		}
		if rel := math.Abs(fastLog(x)/bigLog(x) - 1); rel > worst {
			worst, at = rel, x
		}
	}
	if worst > 2*0x1p-53*2 {
		t.Errorf("fastLog worst relative error %.3g at %.17g", worst, at)
	}
	t.Logf("fastLog worst relative error %.3g at %.17g", worst, at)
	if fastLog(1) != 0 {
		t.Errorf("ln 1 = %g", fastLog(1))
	}
	for _, x := range []float64{0, -1, 1e-310, math.Inf(1), math.NaN()} {
		if got, want := fastLog(x), math.Log(x); !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("fastLog(%g) = %g, math.Log %g", x, got, want)
		}
	}
}

// TestNormCDFs checks the batch normCDFs (its assembly, where there is one) and
// normCDFsGo against normCDFFromExp and expHalfSquare, bit for bit, over both tails, all
// of millsRatio's branches, fastExp's subnormal range and the special values.
func TestNormCDFs(t *testing.T) {
	var xs []float64
	for x := -40.0; x <= 40; x += 0.000137 {
		xs = append(xs, x)
	}
	xs = append(xs, 0, math.Copysign(0, -1), 1e-300, -1e-300, 7.999999999, -7.999999999, 8, -8, 36, -36, 37, -37,
		37.6, -37.6, 38.5, -38.5, 54.7, -54.7, 1e10, -1e10, math.Inf(1), math.Inf(-1), math.NaN())
	out := make([]float64, len(xs))
	ex := make([]float64, len(xs))
	normCDFs(xs, out, ex)
	only := make([]float64, len(xs))
	normCDFs(xs, only, nil)
	goOut, goEx := make([]float64, len(xs)), make([]float64, len(xs))
	normCDFsGo(xs, goOut, goEx)
	b := math.Float64bits
	for i, x := range xs {
		e := expHalfSquare(x)
		want := normCDFFromExp(x, e)
		if b(out[i]) != b(want) || b(ex[i]) != b(e) || b(only[i]) != b(want) {
			t.Fatalf("x = %g: normCDFs gives N %g, e %g (alone %g); want %g, %g", x, out[i], ex[i], only[i], want, e)
		}
		if b(goOut[i]) != b(want) || b(goEx[i]) != b(e) {
			t.Fatalf("x = %g: normCDFsGo gives N %g, e %g; want %g, %g", x, goOut[i], goEx[i], want, e)
		}
	}
}

// TestFastExps checks fastExps (its assembly, where there is one) against fastExp, bit for
// bit, across fastExp's own range, past both its ends and at the special values, in runs
// long and short enough for every path of the assembly.
func TestFastExps(t *testing.T) {
	var xs []float64
	for x := -800.0; x <= 800; x += 0.00731 {
		xs = append(xs, x)
	}
	for x := -1e-3; x <= 1e-3; x += 1.37e-7 {
		xs = append(xs, x)
	}
	xs = append(xs, 0, math.Copysign(0, -1), -708, 709, math.Nextafter(-708, 0), math.Nextafter(709, 0),
		-745.2, 1e-310, math.Inf(1), math.Inf(-1), math.NaN())
	b := math.Float64bits
	for _, n := range []int{len(xs), 1, 2, 3, 5, 7} {
		out := make([]float64, n)
		for start := 0; start+n <= len(xs); start += max(n, len(xs)/97) {
			fastExps(xs[start:start+n], out)
			for i, x := range xs[start : start+n] {
				if want := fastExp(x); b(out[i]) != b(want) {
					t.Fatalf("fastExps gives e^%g = %g, fastExp %g", x, out[i], want)
				}
			}
		}
	}
}

// TestLnBAtPoints checks lnBAtPoints (its assembly, where there is one) against
// lnBAtPointsGo, bit for bit, at every level and for node values of every sign, zeros,
// values that interpolate below zero and NaN.
func TestLnBAtPoints(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	b := math.Float64bits
	for _, lv := range []*aloLevel{aloStandard, aloFine, aloCoarse, newALOLevel(7, 1, 9, 8, 1, false)} {
		np := lv.nodes * len(lv.bx)
		for trial := range 2000 {
			var h [aloMaxNodes + 1]float64
			for k := 0; k < lv.nodes; k++ {
				switch {
				case trial%7 == 0:
					h[k] = 0
				case trial%5 == 0:
					h[k] = rng.NormFloat64() // negative ones too
				default:
					h[k] = 3 * rng.Float64() * rng.Float64()
				}
			}
			if trial == 3 {
				h[1] = math.NaN()
			}
			lnX := -rng.Float64()
			var got, want [aloMaxNodes * aloMaxBoundaryGL]float64
			lnBAtPoints(lv, &h, lnX, &got)
			lnBAtPointsGo(lv, &h, lnX, &want)
			for p := 0; p < np; p++ {
				if b(got[p]) != b(want[p]) {
					t.Fatalf("%d nodes, h %v: point %d gives %g, the Go loop %g", lv.nodes, h[:lv.nodes], p, got[p], want[p])
				}
			}
		}
	}
}
