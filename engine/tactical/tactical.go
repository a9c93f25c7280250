package tactical

import (
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/keel-desk/keel/engine/portfolio"

	"github.com/keel-desk/keel/format"
)

// Params are one layer's tactical rules (see the package doc).
type Params struct {
	Underlying  string  // what the layer's price is: ES, SPY, VXX
	Symbol      string  // the instrument traded: MESZ6, ESZ6, SPY, SH, VXX
	Multiplier  float64 // the instrument's units per contract (MES 5, ES 50, a share 1)
	Leverage    float64 // +1, or −1 for an inverse fund (SH on a SPY layer)
	PriceTick   float64 // the underlying's tick, for the trigger levels in words (ES 0.25, SPY 0.01)
	StepPercent float64 // the trigger step in % of the reference price; or
	StepPoints  float64 // in points of the underlying (used when StepPercent is 0)
	ExitPercent float64 // the reversal that closes a cycle, in % of the cycle's most adverse price; or
	ExitPoints  float64 // in points (used when ExitPercent is 0)
	Size        float64 // instrument units (contracts or shares) per step, whole
	MaxSteps    int
	MaxFraction float64 // cap: |exposure| ≤ MaxFraction × the layer's delta in its bias's direction (0 < f ≤ 1)
	FlatByClose bool
	FlatMinutes float64 // minutes before the session close to be flat (15)
}

// Defaults are Keel's parameters for a layer of bias on underlying (ES, SPY, VXX), trading
// instrument (an ES layer: "MES" or "ES"; a SPY layer: "SPY" or "SH"; a VXX layer: "VXX";
// empty for the default). Symbol is the root: the desk sets the contract month (MESZ6).
func Defaults(bias portfolio.Bias, underlying, instrument string) (Params, error) {
	if bias != portfolio.Long && bias != portfolio.Short {
		return Params{}, fmt.Errorf("tactical: a %s layer has no bias to trade inside", bias)
	}
	p := Params{Underlying: underlying, Leverage: 1, Multiplier: 1, PriceTick: 0.01, StepPercent: 0.5, ExitPercent: 0.25,
		Size: 10, MaxSteps: 3, MaxFraction: 0.5, FlatByClose: true, FlatMinutes: 15}
	switch underlying {
	case "ES":
		p.PriceTick, p.Size = 0.25, 1
		switch instrument {
		case "", "MES":
			p.Symbol, p.Multiplier = "MES", 5
		case "ES":
			p.Symbol, p.Multiplier = "ES", 50
		}
	case "SPY":
		switch {
		case instrument == "SPY" || (instrument == "" && bias == portfolio.Short):
			p.Symbol = "SPY"
		case instrument == "SH" || instrument == "":
			p.Symbol, p.Leverage = "SH", -1
		}
	case "VXX":
		if instrument == "" || instrument == "VXX" {
			p.Symbol = "VXX"
		}
		p.StepPercent, p.ExitPercent, p.FlatByClose = 3, 1.5, false
	default:
		return Params{}, fmt.Errorf("tactical: no defaults for a layer on %q (ES, SPY, VXX)", underlying)
	}
	if p.Symbol == "" {
		return Params{}, fmt.Errorf("tactical: a %s layer does not trade %q tactically", underlying, instrument)
	}
	return p, nil
}

// Validate names the first parameter that is not usable.
func (p Params) Validate() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < 0 }
	switch {
	case p.Symbol == "":
		return fmt.Errorf("tactical: no instrument symbol")
	case !(p.Multiplier > 0) || math.IsInf(p.Multiplier, 0):
		return fmt.Errorf("tactical: %s multiplier %g must be positive", p.Symbol, p.Multiplier)
	case p.Leverage == 0 || math.IsNaN(p.Leverage) || math.IsInf(p.Leverage, 0):
		return fmt.Errorf("tactical: %s leverage %g must be finite and not 0", p.Symbol, p.Leverage)
	case bad(p.StepPercent) || bad(p.StepPoints) || (p.StepPercent == 0 && p.StepPoints == 0):
		return fmt.Errorf("tactical: the trigger step (%g%%, %g points) must be positive", p.StepPercent, p.StepPoints)
	case bad(p.ExitPercent) || bad(p.ExitPoints) || (p.ExitPercent == 0 && p.ExitPoints == 0):
		return fmt.Errorf("tactical: the reversal exit (%g%%, %g points) must be positive", p.ExitPercent, p.ExitPoints)
	case !(p.Size >= 1) || p.Size != math.Trunc(p.Size) || math.IsInf(p.Size, 0):
		return fmt.Errorf("tactical: size per step %g must be a whole number of units ≥ 1", p.Size)
	case p.MaxSteps < 1:
		return fmt.Errorf("tactical: maximum steps %d must be at least 1", p.MaxSteps)
	case !(p.MaxFraction > 0 && p.MaxFraction <= 1):
		return fmt.Errorf("tactical: the cap %g of the layer's delta must be in (0, 1]: more would flip the layer", p.MaxFraction)
	case bad(p.FlatMinutes) || bad(p.PriceTick):
		return fmt.Errorf("tactical: flat minutes %g and price tick %g must be numbers ≥ 0", p.FlatMinutes, p.PriceTick)
	}
	return nil
}

func (p Params) step(ref float64) float64 {
	if p.StepPercent > 0 {
		return ref * p.StepPercent / 100
	}
	return p.StepPoints
}

func (p Params) exit(price float64) float64 {
	if p.ExitPercent > 0 {
		return price * p.ExitPercent / 100
	}
	return p.ExitPoints
}

// Stats are a layer's closed cycles: how many, how many made money, their realized P&L
// (dollars) and the sum of their average-price improvements (points).
type Stats struct {
	Cycles      int     `json:"cycles"`
	Wins        int     `json:"wins"`
	Realized    float64 `json:"realized"`
	Improvement float64 `json:"improvement"`
}

// HitRate is the share of closed cycles that made money (0 with none).
func (s Stats) HitRate() float64 {
	if s.Cycles == 0 {
		return 0
	}
	return float64(s.Wins) / float64(s.Cycles)
}

// AvgImprovement is the average-price improvement per closed cycle, in points (0 with none).
func (s Stats) AvgImprovement() float64 {
	if s.Cycles == 0 {
		return 0
	}
	return s.Improvement / float64(s.Cycles)
}

// State is a layer's tactical book. Position is the instrument units held (signed),
// AvgEntry their average price; Steps the trigger levels taken in the open cycle and
// Extreme its most adverse underlying price; Cycle counts cycles opened and Seq orders
// sent (both feed the client order ids); Realized is the open cycle's realized P&L so far
// (a cap reduction realizes part of it).
type State struct {
	Layer     string         `json:"layer"`
	Bias      portfolio.Bias `json:"bias"`
	Reference float64        `json:"reference"`
	Position  float64        `json:"position"`
	AvgEntry  float64        `json:"avg_entry"`
	Steps     int            `json:"steps"`
	Extreme   float64        `json:"extreme"`
	Opened    time.Time      `json:"opened"`
	Realized  float64        `json:"realized"`
	Cycle     int            `json:"cycle"`
	Seq       int            `json:"seq"`
	Stats     Stats          `json:"stats"`
}

// Tick is one look at the market (see the package doc for units). InstrumentPrice 0 means
// the instrument trades at Price (MES on an ES layer, shares on their own layer).
// SessionClose is today's close (zero: unknown, no flat-by-close).
type Tick struct {
	At              time.Time
	Price           float64
	InstrumentPrice float64
	LayerDelta      float64
	LayerUnits      float64
	SessionClose    time.Time
}

// Order is one tactical order: Quantity instrument units, positive, at the tick's price;
// Rule names the rule that placed it and Inputs its numbers; ClientOrderID is deterministic
// for the state (layer, cycle, sequence), so a reconnect that replays a step produces the
// same id and the broker, or the guardrails, refuse the duplicate.
type Order struct {
	ClientOrderID string             `json:"client_order_id"`
	Symbol        string             `json:"symbol"`
	Side          string             `json:"side"` // "buy" or "sell"
	Quantity      float64            `json:"quantity"`
	Price         float64            `json:"price"`
	Opens         bool               `json:"opens"` // adds to the tactical position (else reduces it)
	Rule          string             `json:"rule"`
	Inputs        map[string]float64 `json:"inputs"`
}

// Cycle is a closed cycle, for the journal.
type Cycle struct {
	Number      int       `json:"number"`
	Opened      time.Time `json:"opened"`
	Closed      time.Time `json:"closed"`
	Steps       int       `json:"steps"`
	Realized    float64   `json:"realized"`    // dollars
	Improvement float64   `json:"improvement"` // points of the layer's average price
	Rule        string    `json:"rule"`        // what closed it
}

// Exposure is the tactical position as the spiral guard and the book count it: Units of
// Symbol and Delta in dollars per point of the layer's underlying; LayerDelta is the layer's
// delta with it.
type Exposure struct {
	Symbol     string  `json:"symbol"`
	Units      float64 `json:"units"`
	Delta      float64 `json:"delta"`
	LayerDelta float64 `json:"layer_delta"`
}

// Result is what one Step decided.
type Result struct {
	Orders   []Order  `json:"orders"`
	Closed   *Cycle   `json:"closed,omitempty"`
	Exposure Exposure `json:"exposure"`
	Next     string   `json:"next"`
}

// Step applies the rules to one tick. The orders are assumed filled at the tick's
// instrument price in the state returned; the desk steps again with the actual fills'
// state if they differ.
func Step(p Params, st State, tk Tick) (State, Result, error) {
	if err := p.Validate(); err != nil {
		return st, Result{}, err
	}
	if st.Bias != portfolio.Long && st.Bias != portfolio.Short {
		return st, Result{}, fmt.Errorf("tactical: layer %q is %s: no bias to trade inside", st.Layer, st.Bias)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"price", tk.Price}, {"instrument price", tk.InstrumentPrice}, {"layer delta", tk.LayerDelta}, {"layer units", tk.LayerUnits}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return st, Result{}, fmt.Errorf("tactical: layer %q: %s %g must be finite", st.Layer, f.name, f.v)
		}
	}
	if !(tk.Price > 0) || tk.InstrumentPrice < 0 {
		return st, Result{}, fmt.Errorf("tactical: layer %q: price %g must be positive (instrument price %g)", st.Layer, tk.Price, tk.InstrumentPrice)
	}
	ip := tk.InstrumentPrice
	if ip == 0 {
		ip = tk.Price
	}
	b := 1.0 // the bias's sign: +1 long, −1 short
	if st.Bias == portfolio.Short {
		b = -1
	}
	c := -b                                              // the counter-trade's direction in the underlying
	perUnit := p.Multiplier * p.Leverage * ip / tk.Price // exposure per instrument unit, $ per point
	unitSign := math.Copysign(1, c*perUnit)              // the sign of the units that counter the bias
	if st.Reference == 0 {
		st.Reference = tk.Price
	}
	res := Result{}
	send := func(units float64, opens bool, rule string, inputs map[string]float64) {
		st.Seq++
		side := "buy"
		if units < 0 {
			side = "sell"
		}
		if inputs == nil {
			inputs = map[string]float64{}
		}
		inputs["price"], inputs["layer_delta"] = tk.Price, tk.LayerDelta
		res.Orders = append(res.Orders, Order{ClientOrderID: fmt.Sprintf("%s-tac-c%d-s%d", Slug(st.Layer), st.Cycle, st.Seq),
			Symbol: p.Symbol, Side: side, Quantity: math.Abs(units), Price: ip, Opens: opens, Rule: rule, Inputs: inputs})
		if opens {
			st.AvgEntry = (st.AvgEntry*st.Position + ip*units) / (st.Position + units)
		} else {
			st.Realized += (ip - st.AvgEntry) * -units * p.Multiplier
		}
		st.Position += units
		if st.Position == 0 {
			st.AvgEntry = 0
		}
	}
	closeCycle := func(rule string) {
		if st.Position != 0 {
			send(-st.Position, false, rule, map[string]float64{"extreme": st.Extreme, "avg_entry": st.AvgEntry})
		}
		cy := &Cycle{Number: st.Cycle, Opened: st.Opened, Closed: tk.At, Steps: st.Steps, Realized: st.Realized, Rule: rule}
		if tk.LayerUnits > 0 {
			cy.Improvement = st.Realized / tk.LayerUnits
		}
		st.Stats.Cycles++
		if st.Realized > 0 {
			st.Stats.Wins++
		}
		st.Stats.Realized += st.Realized
		st.Stats.Improvement += cy.Improvement
		res.Closed = cy
		st.Steps, st.Realized, st.Extreme, st.Reference, st.Opened = 0, 0, 0, tk.Price, time.Time{}
	}
	inCycle := st.Steps > 0 || st.Position != 0
	if inCycle && (st.Extreme == 0 || c*(tk.Price-st.Extreme) > 0) {
		st.Extreme = tk.Price
	}
	if !inCycle && b*(tk.Price-st.Reference) > 0 {
		st.Reference = tk.Price // flat: the reference follows the price in the bias's favour
	}
	closing := p.FlatByClose && !tk.SessionClose.IsZero() &&
		!tk.At.Before(tk.SessionClose.Add(-time.Duration(p.FlatMinutes*float64(time.Minute))))

	// The cap comes first: the layer's own delta may have shrunk.
	capDelta := p.MaxFraction * math.Max(0, b*tk.LayerDelta)
	expo := st.Position * perUnit
	switch {
	case inCycle && closing:
		closeCycle("flat by the session close")
	case inCycle && c*(st.Extreme-tk.Price) >= p.exit(st.Extreme)*(1-1e-12):
		closeCycle("reversal exit")
	case math.Abs(expo) > capDelta*(1+1e-12) && st.Position != 0:
		keep := math.Floor(capDelta / math.Abs(perUnit))
		send(unitSign*keep-st.Position, false, "cap: at most a fraction of the layer's delta",
			map[string]float64{"cap": capDelta, "exposure": expo, "max_fraction": p.MaxFraction})
		if st.Position == 0 {
			closeCycle("cap: at most a fraction of the layer's delta")
		}
	}
	// New steps.
	step := p.step(st.Reference)
	if !closing {
		k := int(math.Floor(c * (tk.Price - st.Reference) / step * (1 + 1e-12)))
		if k > p.MaxSteps {
			k = p.MaxSteps
		}
		if k > st.Steps {
			room := math.Floor((capDelta - math.Abs(st.Position*perUnit)) / math.Abs(perUnit) * (1 + 1e-12))
			units := math.Min(float64(k-st.Steps)*p.Size, math.Max(0, room))
			if units > 0 {
				if st.Steps == 0 && st.Position == 0 {
					st.Cycle++
					st.Opened, st.Extreme = tk.At, tk.Price
				}
				send(unitSign*units, true, fmt.Sprintf("step %d of %d", k, p.MaxSteps),
					map[string]float64{"reference": st.Reference, "step": step, "level": st.Reference + c*float64(k)*step, "cap": capDelta})
				st.Steps = k
			}
		}
	}
	res.Exposure = Exposure{Symbol: p.Symbol, Units: st.Position, Delta: st.Position * perUnit, LayerDelta: tk.LayerDelta + st.Position*perUnit}
	res.Next = next(p, st, tk, c, unitSign, closing, capDelta, perUnit)
	return st, res, nil
}

// next is the next action in words.
func next(p Params, st State, tk Tick, c, unitSign float64, closing bool, capDelta, perUnit float64) string {
	var parts []string
	cmp := "≥"
	if c < 0 {
		cmp = "≤"
	}
	open, shut := "buy", "sell"
	if unitSign < 0 {
		open, shut = "sell", "buy"
	}
	switch {
	case closing:
		parts = append(parts, "flat until the next session")
	case st.Steps >= p.MaxSteps:
		parts = append(parts, fmt.Sprintf("all %d steps taken", p.MaxSteps))
	default:
		level := st.Reference + c*float64(st.Steps+1)*p.step(st.Reference)
		if p.PriceTick > 0 { // the first tick at or beyond the level
			level = math.Ceil(c*level/p.PriceTick-1e-9) * p.PriceTick * c
		}
		room := math.Floor((capDelta - math.Abs(st.Position*perUnit)) / math.Abs(perUnit) * (1 + 1e-12))
		if units := math.Min(p.Size, room); units > 0 {
			parts = append(parts, fmt.Sprintf("%s %s %s if %s %s %s", open, units2(units), p.Symbol, p.Underlying, cmp, price(level, p.PriceTick)))
		} else {
			parts = append(parts, "no new step: the cap of "+strconv.FormatFloat(100*p.MaxFraction, 'f', -1, 64)+"% of the layer's delta is used")
		}
	}
	if st.Position != 0 && !closing {
		level := st.Extreme - c*p.exit(st.Extreme)
		if p.PriceTick > 0 { // the first tick at or beyond the level, towards the reversal
			level = -c * math.Ceil(-c*level/p.PriceTick-1e-9) * p.PriceTick
		}
		rev := "≤"
		if c < 0 {
			rev = "≥"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s (close the cycle) if %s %s %s", shut, units2(math.Abs(st.Position)), p.Symbol, p.Underlying, rev, price(level, p.PriceTick)))
	}
	return strings.Join(parts, "; ")
}

func units2(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// price writes a price with thousands separators at the tick's decimals: 6,012.25.
func price(x, tick float64) string {
	dec := 2
	if tick > 0 {
		dec = 0
		for t := tick; t != math.Trunc(t) && dec < 6; t *= 10 {
			dec++
		}
		if dec < 2 && tick < 1 {
			dec = 2
		}
	}
	return format.Num(x, dec)
}

// Slug is a layer name fit for a client order id: lower case letters and digits, others
// '-', then 8 hex digits of the exact name's FNV-1a hash so two names that read alike
// ("ES strangle", "ES-strangle") never share ids.
func Slug(s string) string {
	h := fnv.New32a()
	h.Write([]byte(s))
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		b.WriteString("layer")
	}
	return fmt.Sprintf("%s-%08x", b.String(), h.Sum32())
}
