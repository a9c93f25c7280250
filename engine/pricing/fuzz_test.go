package pricing

import (
	"errors"
	"math"
	"testing"
)

// FuzzValue checks that Value and Price never return NaN or ±Inf without an error, that
// errors are an *InputError or wrap ErrNotFinite, and that prices are never negative.
func FuzzValue(f *testing.F) {
	seeds := []struct {
		style, under, right int8
		s, k, t, r, b, v    float64
	}{
		{0, 0, 0, 100, 100, 1, 0.05, 0.05, 0.2},
		{1, 0, 1, 100, 110, 0.5, 0.08, 0.02, 0.3},
		{1, 1, 0, 19, 19, 0.75, 0.1, 0, 0.28},
		{0, 0, 1, 1e-6, 1e6, 50, 0.5, -0.5, 10},
		{1, 0, 0, 1e6, 1e-6, 50, 0.5, -0.5, 10},
		{1, 0, 1, 1e6, 1e-6, 1e-9, -0.1, 0.3, 1e-6},
		{0, 1, 0, 1, 1, 1e-12, 0, 0, 1e-8},
		{1, 0, 0, 100, 100, 2, 0.08, -0.06, 0.01},
		{0, 0, 0, 100, 100, 1, 1e300, -1e300, 0.2},
		{0, 0, 0, math.NaN(), 100, 1, 0, 0, 0.2},
		{0, 0, 0, 100, 100, 1, math.Inf(1), 0, 0.2},
		{1, 1, 1, 100, 100, math.Inf(1), 0, 0, 0.2},
		{3, 0, 0, 100, 100, 1, 0, 0, 0.2},
	}
	for _, s := range seeds {
		f.Add(s.style, s.under, s.right, s.s, s.k, s.t, s.r, s.b, s.v)
	}
	f.Fuzz(func(t *testing.T, style, under, right int8, s, k, years, r, b, v float64) {
		o := Option{Style: Style(style), Underlying: Underlying(under), Right: Right(right),
			Spot: s, Strike: k, Years: years, Rate: r, Carry: b, Vol: v}
		g, err := Value(o)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) && !errors.Is(err, ErrNotFinite) {
				t.Fatalf("%+v: unexpected error type %T: %v", o, err, err)
			}
		} else {
			if name := nonFinite(g); name != "" {
				t.Fatalf("%+v: %s not finite in %+v", o, name, g)
			}
			if g.Price < 0 {
				t.Fatalf("%+v: negative price %g", o, g.Price)
			}
		}
		p, err := Price(o)
		if err == nil && (math.IsNaN(p) || math.IsInf(p, 0) || p < 0) {
			t.Fatalf("%+v: price %g", o, p)
		}
	})
}
