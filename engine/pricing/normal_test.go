package pricing

import (
	"math"
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

// bivariateBySimpson is M(a, b; ρ) = ∫_{−∞}^{a} n(x)·N((b − ρx)/√(1 − ρ²)) dx by composite
// Simpson on [−12, a]: a slow independent reference.
func bivariateBySimpson(a, b, rho float64) float64 {
	const lo = -12.0
	if a <= lo {
		return 0
	}
	const n = 20000
	h := (a - lo) / n
	f := func(x float64) float64 { return normPDF(x) * normCDF((b-rho*x)/math.Sqrt(1-rho*rho)) }
	sum := f(lo) + f(a)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * f(lo+float64(i)*h)
	}
	return sum * h / 3
}

// TestBivariateNormal checks M(a, b; ρ) against quadrature and its known closed forms.
func TestBivariateNormal(t *testing.T) {
	for _, rho := range []float64{-0.9, -math.Sqrt(t1Share), -0.3, 0.1, 0.5, math.Sqrt(t1Share), 0.9} {
		m := newBivariateNormal(rho)
		// M(0, 0; ρ) = 1/4 + asin(ρ)/(2π) (Sheppard).
		if got, want := m.cdf(0, 0), 0.25+math.Asin(rho)/(2*math.Pi); math.Abs(got-want) > 1e-15 {
			t.Errorf("ρ=%g: M(0,0) = %.17g, want %.17g", rho, got, want)
		}
		for _, a := range []float64{-4, -1.5, -0.2, 0.7, 2, 5} {
			for _, b := range []float64{-3, -0.5, 0, 1.2, 4} {
				if got, want := m.cdf(a, b), bivariateBySimpson(a, b, rho); math.Abs(got-want) > 1e-13 {
					t.Errorf("ρ=%g: M(%g, %g) = %.17g, quadrature %.17g", rho, a, b, got, want)
				}
			}
		}
	}
}
