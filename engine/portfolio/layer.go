package portfolio

import (
	"fmt"
	"math"
	"strings"

	"github.com/keel-desk/keel/format"
)

// Bias is the side a layer means to be on.
type Bias int8

const (
	Neutral Bias = iota
	Long
	Short
)

func (b Bias) String() string {
	switch b {
	case Long:
		return "long"
	case Short:
		return "short"
	case Neutral:
		return "neutral"
	}
	return fmt.Sprintf("Bias(%d)", int8(b))
}

// ParseBias reads "long", "short" or "neutral" (any case, surrounding space ignored).
func ParseBias(s string) (Bias, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "long":
		return Long, nil
	case "short":
		return Short, nil
	case "neutral":
		return Neutral, nil
	}
	return Neutral, fmt.Errorf("portfolio: bias %q is not long, short or neutral", s)
}

// LayerLimits are a layer's own limits; a zero field means no limit. Contracts count options
// and futures only (shares are not contracts). MaxDelta bounds |BetaDelta| of the layer, in
// benchmark units (SPY shares, or ES contracts when the benchmark is a future).
type LayerLimits struct {
	MaxContractsPerLeg   float64
	MaxContractsPerLayer float64
	MaxDelta             float64
}

// Layer is a group of positions with a directional bias that hedges itself locally: "ES
// options, short-biased", "MES futures, long-biased". HedgeInstrument is the symbol it
// prefers to hedge with (MESZ6, SPY).
type Layer struct {
	Name            string
	Bias            Bias
	Underlyings     []string
	HedgeInstrument string
	Limits          LayerLimits
	Notes           string
}

// Validate reports the first problem with l in words naming the field.
func (l Layer) Validate() error {
	if strings.TrimSpace(l.Name) == "" {
		return fmt.Errorf("layer name is empty")
	}
	if l.Bias < Neutral || l.Bias > Short {
		return fmt.Errorf("layer %q: bias %d is not long, short or neutral", l.Name, l.Bias)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"max contracts per leg", l.Limits.MaxContractsPerLeg},
		{"max contracts per layer", l.Limits.MaxContractsPerLayer},
		{"max delta", l.Limits.MaxDelta}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return fmt.Errorf("layer %q: %s must be a number ≥ 0 (0 for no limit), not %g", l.Name, f.name, f.v)
		}
	}
	return nil
}

// BiasCheck says whether a layer's exposure is on the side its bias says. A layer whose
// positions are all on one underlying is judged in that underlying, as a trader says it (a
// short-biased VXX layer is short VXX, though VXX's negative beta makes that bullish for
// the book; long SH is short SPY, its Reference at leverage −1): Net is then the layer's
// dollar delta in it and Underlying names it. A layer across several underlyings is judged
// on its beta-weighted exposure.
//
// Side is where the exposure is: Long when Balance > band, Short when Balance < −band,
// Neutral within (band is Config.NeutralBand, 0.10 by default). A long-biased layer is OK
// when its net beta-weighted dollar delta is positive, a short-biased one when it is
// negative, a neutral one when |Balance| ≤ band. Off is how far it is on the wrong side, in
// beta-weighted dollars (0 when OK): the net itself for a long or short bias, the part of
// |net| beyond band × gross for a neutral one. A layer with no exposure at all is OK only
// when neutral. Words says it in a sentence.
type BiasCheck struct {
	Layer     string
	Bias      Bias
	Side      Bias
	OK        bool
	Net       float64 // beta-weighted dollar delta
	NetUnits  float64 // the same in benchmark units (SPY shares, ES contracts); 0 if unknown
	Benchmark string
	// Underlying is set when the layer is judged in its one underlying; NetUnits is then
	// its delta in that underlying's units (shares, contracts).
	Underlying string
	Balance    float64
	Off        float64
}

// checkLayerBias judges a layer in its own underlying when it has just one (a leveraged or
// inverse ETF counts as its Reference times its leverage: long SH is short SPY), else on its
// beta-weighted exposure.
func checkLayerBias(book *Book, lr *LayerRisk, band float64) BiasCheck {
	under := ""
	var own Exposure
	for n, i := range lr.Positions {
		p := &book.Positions[i]
		if p.Err != nil {
			continue
		}
		ref, lev := p.Reference, p.Leverage
		if ref == "" {
			ref = p.Underlying
		}
		if lev == 0 {
			lev = 1
		}
		if n > 0 && ref != under {
			return checkBias(lr.Name, lr.Layer.Bias, lr.Exposure, band, book.Benchmark)
		}
		under = ref
		own.Delta += p.Delta * lev
		if dd := p.DollarDelta * lev; dd > 0 {
			own.Bull += dd
		} else {
			own.Bear += dd
		}
	}
	if under == "" {
		return checkBias(lr.Name, lr.Layer.Bias, lr.Exposure, band, book.Benchmark)
	}
	c := checkBias(lr.Name, lr.Layer.Bias, own, band, Benchmark{})
	c.Underlying, c.NetUnits = under, own.Delta
	return c
}

func checkBias(name string, bias Bias, e Exposure, band float64, bench Benchmark) BiasCheck {
	net := e.Net()
	bal := e.Balance()
	c := BiasCheck{Layer: name, Bias: bias, Net: net, Balance: bal, Side: Neutral, Benchmark: bench.Symbol}
	if bench.UnitValue > 0 {
		c.NetUnits = net / bench.UnitValue
	}
	switch {
	case bal > band:
		c.Side = Long
	case bal < -band:
		c.Side = Short
	}
	gross := e.Bull - e.Bear
	switch bias {
	case Long:
		c.OK = net > 0
		if !c.OK {
			c.Off = -net
		}
	case Short:
		c.OK = net < 0
		if !c.OK {
			c.Off = net
		}
	default:
		c.OK = math.Abs(bal) <= band
		if !c.OK {
			c.Off = math.Abs(net) - band*gross
		}
	}
	return c
}

// Words is the check in a sentence: "ES options: short-biased but net long $8,742 (14.6
// SPY) beta-weighted: $8,742 on the wrong side".
func (c BiasCheck) Words() string {
	units, basis := "", "beta-weighted"
	if c.Benchmark != "" && c.NetUnits != 0 {
		units = fmt.Sprintf(" (%s %s)", fmtQty(c.NetUnits), c.Benchmark)
	}
	if c.Underlying != "" {
		units, basis = "", "of "+c.Underlying
		if c.NetUnits != 0 {
			units = fmt.Sprintf(" (%s delta)", fmtQty(c.NetUnits))
		}
	}
	side := "flat"
	switch {
	case c.Net > 0:
		side = "net long " + fmtMoney(c.Net) + units
	case c.Net < 0:
		side = "net short " + fmtMoney(-c.Net) + units
	}
	if c.OK {
		return fmt.Sprintf("%s: %s-biased and %s %s: on its side", c.Layer, c.Bias, side, basis)
	}
	return fmt.Sprintf("%s: %s-biased but %s %s: %s on the wrong side", c.Layer, c.Bias, side, basis, fmtMoney(c.Off))
}

// fmtMoney writes a dollar amount with thousands separators and no cents: $12,345.
func fmtMoney(v float64) string { return format.USD(v, 0) }

// fmtQty writes a quantity with up to one decimal and thousands separators.
func fmtQty(v float64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	intPart, frac, _ := strings.Cut(s, ".")
	s = format.Group(intPart)
	if frac != "" {
		s += "." + frac
	}
	if neg {
		return "−" + s
	}
	return s
}
