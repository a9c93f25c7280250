package hedge

import (
	"fmt"
	"math"
	"time"
)

// Snapshot is one position (or layer, or book) at one moment, in dollars: Spot the
// underlying price, Vol the implied volatility (0.20), Delta in dollars per 1.00 move of
// Spot (quantity × multiplier × per-unit delta: 50 for one ES future, 100 shares' worth
// for a call of delta 1, never contracts), Gamma the change of that Delta per 1.00 move,
// Vega in dollars per volatility point, Theta in dollars per calendar day and Value the
// position's mark in dollars. Delta and Value must be in the same unit, or Δ·dS is off by
// the multiplier and the rest lands in Unexplained.
type Snapshot struct {
	At    time.Time
	Spot  float64
	Vol   float64
	Delta float64
	Gamma float64
	Vega  float64
	Theta float64
	Value float64
}

// Attribution splits a day's P&L by Greek, with the previous snapshot's Greeks:
// Delta = Δ·dS, Gamma = ½·Γ·dS², Theta = Θ·dt (calendar days), Vega = ν·dσ (vol points),
// Actual = Value change, Unexplained = Actual − (Delta + Gamma + Theta + Vega). Dollars.
type Attribution struct {
	Delta, Gamma, Theta, Vega float64
	Explained                 float64
	Actual                    float64
	Unexplained               float64
}

func (a Attribution) add(b Attribution) Attribution {
	return Attribution{a.Delta + b.Delta, a.Gamma + b.Gamma, a.Theta + b.Theta, a.Vega + b.Vega,
		a.Explained + b.Explained, a.Actual + b.Actual, a.Unexplained + b.Unexplained}
}

// Attribute explains the change from prev to cur.
func Attribute(prev, cur Snapshot) (Attribution, error) {
	for _, s := range []Snapshot{prev, cur} {
		for _, v := range []float64{s.Spot, s.Vol, s.Delta, s.Gamma, s.Vega, s.Theta, s.Value} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Attribution{}, fmt.Errorf("hedge: snapshot at %s has a non-finite figure", s.At.Format(time.RFC3339))
			}
		}
	}
	if cur.At.Before(prev.At) {
		return Attribution{}, fmt.Errorf("hedge: current snapshot %s is before the previous one %s", cur.At, prev.At)
	}
	dS := cur.Spot - prev.Spot
	a := Attribution{
		Delta:  prev.Delta * dS,
		Gamma:  0.5 * prev.Gamma * dS * dS,
		Theta:  prev.Theta * cur.At.Sub(prev.At).Hours() / 24,
		Vega:   prev.Vega * (cur.Vol - prev.Vol) * 100,
		Actual: cur.Value - prev.Value,
	}
	a.Explained = a.Delta + a.Gamma + a.Theta + a.Vega
	a.Unexplained = a.Actual - a.Explained
	return a, nil
}

// AttributeAll explains each position (prev[i] to cur[i]) and returns them with their sum.
func AttributeAll(prev, cur []Snapshot) ([]Attribution, Attribution, error) {
	if len(prev) != len(cur) {
		return nil, Attribution{}, fmt.Errorf("hedge: %d previous snapshots but %d current ones", len(prev), len(cur))
	}
	out := make([]Attribution, len(prev))
	var total Attribution
	for i := range prev {
		a, err := Attribute(prev[i], cur[i])
		if err != nil {
			return nil, Attribution{}, fmt.Errorf("position %d: %w", i, err)
		}
		out[i] = a
		total = total.add(a)
	}
	return out, total, nil
}

// RealizedVol is the annualised close-to-close volatility of prices: the sample standard
// deviation (n − 1) of the log returns × √periodsPerYear (252 for daily closes).
func RealizedVol(prices []float64, periodsPerYear float64) (float64, error) {
	if len(prices) < 3 {
		return 0, fmt.Errorf("hedge: realized volatility needs at least 3 prices (got %d)", len(prices))
	}
	if !(periodsPerYear > 0) || math.IsInf(periodsPerYear, 0) {
		return 0, fmt.Errorf("hedge: periods per year %g must be positive", periodsPerYear)
	}
	for i, p := range prices {
		if !(p > 0) || math.IsInf(p, 0) {
			return 0, fmt.Errorf("hedge: price %d (%g) must be positive and finite", i, p)
		}
	}
	n := len(prices) - 1
	rets := make([]float64, n)
	var mean float64
	for i := 1; i < len(prices); i++ {
		rets[i-1] = math.Log(prices[i]) - math.Log(prices[i-1]) // no overflow of the ratio
		mean += rets[i-1]
	}
	mean /= float64(n)
	var ss float64
	for _, r := range rets {
		ss += (r - mean) * (r - mean)
	}
	rv := math.Sqrt(ss / float64(n-1) * periodsPerYear)
	if math.IsInf(rv, 0) || math.IsNaN(rv) {
		return 0, fmt.Errorf("hedge: realized volatility of these prices is %g (periods per year %g): not a volatility", rv, periodsPerYear)
	}
	return rv, nil
}

// VolComparison sets realized against implied volatility: Spread = Implied − Realized (a
// short-premium book earns it), with the verdict in words.
type VolComparison struct {
	Realized, Implied, Spread float64
	Text                      string
}

// CompareVol computes the realized volatility of prices and compares it with implied.
func CompareVol(prices []float64, periodsPerYear, implied float64) (VolComparison, error) {
	if !(implied > 0) || math.IsInf(implied, 0) {
		return VolComparison{}, fmt.Errorf("hedge: implied volatility %g must be positive", implied)
	}
	rv, err := RealizedVol(prices, periodsPerYear)
	if err != nil {
		return VolComparison{}, err
	}
	c := VolComparison{Realized: rv, Implied: implied, Spread: implied - rv}
	rel := "above"
	if c.Spread < 0 {
		rel = "below"
	}
	c.Text = fmt.Sprintf("implied %.1f%% is %.1f points %s realized %.1f%%", 100*implied, 100*math.Abs(c.Spread), rel, 100*rv)
	return c, nil
}
