package pricing

import "fmt"

// Right is the option right: a call or a put.
type Right int8

const (
	Call Right = iota
	Put
)

func (r Right) String() string {
	if r == Put {
		return "put"
	}
	return "call"
}

// Style says when the option may be exercised.
type Style int8

const (
	European Style = iota
	American
)

func (s Style) String() string {
	if s == American {
		return "American"
	}
	return "European"
}

// Underlying says what the option is written on. For Spot (stocks, ETFs, indices) the
// cost of carry b is taken from Option.Carry (b = r − q with a dividend yield q) and rho is
// the sensitivity to r with q held fixed. For Futures, b = 0 (Black-76) whatever Carry says
// and rho is the sensitivity to r with the futures price held fixed.
type Underlying int8

const (
	Spot Underlying = iota
	Futures
)

func (u Underlying) String() string {
	if u == Futures {
		return "futures"
	}
	return "spot"
}

// Option holds everything a model needs to value one option. Spot is the underlying price
// (the futures price for Futures), Years the time to expiry as an ACT/365 year fraction of
// calendar time, Rate the continuously compounded risk-free rate, Carry the cost of carry b
// and Vol the annualised volatility (0.20 for 20%).
type Option struct {
	Style      Style
	Underlying Underlying
	Right      Right
	Spot       float64
	Strike     float64
	Years      float64
	Rate       float64
	Carry      float64
	Vol        float64
}

// carry is the cost of carry the models use: b from the option, or 0 on a future.
func (o Option) carry() float64 {
	if o.Underlying == Futures {
		return 0
	}
	return o.Carry
}

// Greeks are per unit of the underlying, in Haug's units: Vega per 1.00 of volatility,
// Theta per year of calendar time (the change in value as time passes, usually negative),
// Rho per 1.00 of rate, Vanna = dDelta/dVol, Volga = dVega/dVol, Charm = dDelta/dt per year
// of calendar time passing.
type Greeks struct {
	Price float64
	Delta float64
	Gamma float64
	Vega  float64
	Theta float64
	Rho   float64
	Vanna float64
	Volga float64
	Charm float64
}

// InputError reports an input that no model can value, naming the field and its value.
type InputError struct {
	Field  string
	Value  float64
	Reason string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("pricing: %s %g %s", e.Field, e.Value, e.Reason)
}
