package pricing

import (
	"errors"
	"fmt"
	"math"
)

// ErrNotFinite is wrapped by the error returned when valid but extreme inputs would make a
// price or Greek overflow or lose all meaning (NaN or ±Inf).
var ErrNotFinite = errors.New("pricing: result is not a finite number")

// Value returns the price and all Greeks of o, in the units documented on Greeks.
// European options are valued in closed form, American ones with Andersen, Lake &
// Offengeim (2016). Invalid input returns an *InputError; a result that would not be
// finite returns an error wrapping ErrNotFinite. No NaN or ±Inf is ever returned with a
// nil error.
func Value(o Option) (g Greeks, err error) {
	err = ValueTo(&g, o)
	return g, err
}

// ValueTo is Value storing the price and Greeks in *g (all zero with an error). It is for
// loops over many options that keep the results in memory: taking Value's result and
// storing it costs a copy of the nine figures, read back in 16-byte pieces from the
// 8-byte stores just made, which the processor cannot forward (a stall that cost a tenth
// of a European valuation).
func ValueTo(g *Greeks, o Option) error {
	if err := validate(o); err != nil {
		*g = Greeks{}
		return err
	}
	if o.Style == European {
		carry := o.Carry // not o.carry(), which copies o
		if o.Underlying == Futures {
			carry = 0
		}
		europeanGreeksTo(g, o.Right, o.Spot, o.Strike, o.Years, o.Rate, carry, o.Vol, o.Underlying == Futures)
	} else {
		*g = americanGreeks(o)
	}
	if !allFinite(g) {
		name := nonFinite(*g)
		*g = Greeks{}
		return notFinite(o, name)
	}
	return nil
}

// allFinite reports whether all nine figures of g are finite numbers. One test for all
// nine: the sum is NaN or ±Inf when any of them is, and x − x is 0 for every finite x. The
// sum is a balanced tree, so the test waits on no long chain. Only when it fails (or the
// sum of finite figures overflows) are they looked at one by one.
func allFinite(g *Greeks) bool {
	s := ((g.Price + g.Delta) + (g.Gamma + g.Vega)) + ((g.Theta + g.Rho) + (g.Vanna + g.Volga)) + g.Charm
	return s-s == 0 || nonFinite(*g) == ""
}

// Price returns only the price of o; it is cheaper than Value. Errors as for Value.
func Price(o Option) (float64, error) {
	if err := validate(o); err != nil {
		return 0, err
	}
	var p float64
	if o.Style == European {
		p = europeanPrice(o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol)
	} else {
		p = americanPrice(o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol)
	}
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return 0, notFinite(o, "Price")
	}
	return p, nil
}

// validate checks every field of o; the first bad one is reported.
func validate(o Option) error {
	switch {
	case o.Style != European && o.Style != American:
		return &InputError{Field: "Style", Value: float64(o.Style), Reason: "is not European or American"}
	case o.Right != Call && o.Right != Put:
		return &InputError{Field: "Right", Value: float64(o.Right), Reason: "is not a call or a put"}
	case o.Underlying != Spot && o.Underlying != Futures:
		return &InputError{Field: "Underlying", Value: float64(o.Underlying), Reason: "is not spot or futures"}
	}
	if err := positive("Spot", o.Spot); err != nil {
		return err
	}
	if err := positive("Strike", o.Strike); err != nil {
		return err
	}
	if err := positive("Years", o.Years); err != nil {
		return err
	}
	if err := positive("Vol", o.Vol); err != nil {
		return err
	}
	if err := finite("Rate", o.Rate); err != nil {
		return err
	}
	return finite("Carry", o.Carry)
}

func positive(field string, v float64) error {
	if !(v > 0) || math.IsInf(v, 1) {
		reason := "must be a positive finite number"
		return &InputError{Field: field, Value: v, Reason: reason}
	}
	return nil
}

func finite(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return &InputError{Field: field, Value: v, Reason: "must be a finite number"}
	}
	return nil
}

// nonFinite names the first field of g that is NaN or ±Inf, or returns "".
func nonFinite(g Greeks) string {
	fields := [...]struct {
		name string
		v    float64
	}{
		{"Price", g.Price}, {"Delta", g.Delta}, {"Gamma", g.Gamma}, {"Vega", g.Vega},
		{"Theta", g.Theta}, {"Rho", g.Rho}, {"Vanna", g.Vanna}, {"Volga", g.Volga}, {"Charm", g.Charm},
	}
	for _, f := range fields {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return f.name
		}
	}
	return ""
}

func notFinite(o Option, field string) error {
	return fmt.Errorf("%w: %s of %s %s %s (spot %g, strike %g, years %g, rate %g, carry %g, vol %g)",
		ErrNotFinite, field, o.Style, o.Underlying, o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol)
}

// Prices sets out[i] to Price(o) at Spot = spots[i], for every i, to the last bit. It is
// the way to value one option over a grid of spots (a risk profile): an American option's
// exercise boundary depends on neither spot nor strike, so it is solved once for all the
// spots instead of once per price. out must be at least as long as spots. Errors as for
// Price, naming the first spot that fails.
func Prices(o Option, spots, out []float64) error {
	if len(out) < len(spots) {
		return fmt.Errorf("pricing: %d spots but room for %d prices", len(spots), len(out))
	}
	if len(spots) == 0 {
		return nil
	}
	for _, s := range spots {
		o.Spot = s
		if err := validate(o); err != nil {
			return err
		}
	}
	right, k, t, r, b, v := o.Right, o.Strike, o.Years, o.Rate, o.carry(), o.Vol
	switch {
	case o.Style == European || isEuropean(right, r, b):
		for i, s := range spots {
			out[i] = europeanPrice(right, s, k, t, r, b, v)
		}
	default:
		q := r - b
		if right == Call {
			r, q = q, r // C(S, K, r, q) = P(K, S, q, r)
		}
		var sol aloSolution
		sol.solve(t, r, q, v)
		for i, s := range spots {
			if right == Call {
				out[i] = sol.price(k, s, t, r, q, v)
			} else {
				out[i] = sol.price(s, k, t, r, q, v)
			}
		}
	}
	for i, p := range out[:len(spots)] {
		if math.IsNaN(p) || math.IsInf(p, 0) {
			o.Spot = spots[i]
			return notFinite(o, "Price")
		}
	}
	return nil
}

// ValuesTo sets out[i] to Value(o) at Spot = spots[i], for every i, bit for bit: the way to
// value one option with all its Greeks over a grid of spots (a risk profile). A European
// option's terms that do not depend on the spot are computed once; an American option is
// valued spot by spot. out must be at least as long as spots. Errors as for Value, naming
// the first spot that fails; out is then undefined.
func ValuesTo(o Option, spots []float64, out []Greeks) error {
	if len(out) < len(spots) {
		return fmt.Errorf("pricing: %d spots but room for %d values", len(spots), len(out))
	}
	if len(spots) == 0 {
		return nil
	}
	if err := validate(o); err != nil {
		return err
	}
	if o.Style != European {
		for i, s := range spots {
			o.Spot = s
			if err := ValueTo(&out[i], o); err != nil {
				return err
			}
		}
		return nil
	}
	for _, s := range spots {
		if err := positive("Spot", s); err != nil {
			return err
		}
	}
	carry := o.Carry
	if o.Underlying == Futures {
		carry = 0
	}
	europeanGreeksAt(out, spots, o.Right, o.Strike, o.Years, o.Rate, carry, o.Vol, o.Underlying == Futures)
	for i := range spots {
		if !allFinite(&out[i]) {
			o.Spot = spots[i]
			return notFinite(o, nonFinite(out[i]))
		}
	}
	return nil
}
