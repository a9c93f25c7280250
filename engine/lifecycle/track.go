package lifecycle

import (
	"fmt"
	"math"
	"time"

	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// Transition is one move of a Track, for the journal: when, from and to which stage, why,
// and the numbers behind it.
type Transition struct {
	At      time.Time `json:"at"`
	From    Stage     `json:"from"`
	To      Stage     `json:"to"`
	Reason  string    `json:"reason"`
	Numbers Numbers   `json:"numbers"`
}

// Held is the position an assignment delivered. Units are signed (long positive) futures
// contracts or shares, Multiplier the deliverable's units per contract (50 for ES, 1 for a
// share), Price the assignment price (the strike), Breakeven the price at which the
// position and the premium once collected for the option are even, Tick the deliverable's
// tick. Best is the most favourable price Manage has seen (0 before the first); Armed says a trailing
// exit is armed.
type Held struct {
	Symbol     string  `json:"symbol"`
	Into       Stage   `json:"into"`
	Units      float64 `json:"units"`
	Multiplier float64 `json:"multiplier"`
	Price      float64 `json:"price"`
	Breakeven  float64 `json:"breakeven"`
	Tick       float64 `json:"tick"`
	Best       float64 `json:"best"`
	Armed      bool    `json:"armed"`
}

// dir is +1 for a long position, −1 for a short one.
func (h Held) dir() float64 {
	if h.Units < 0 {
		return -1
	}
	return 1
}

// LayerCount is a layer's short option contracts by right.
type LayerCount struct {
	Calls float64 `json:"calls"`
	Puts  float64 `json:"puts"`
}

// Track is the lifecycle of one short option and what it becomes. Contracts is the
// option's size, Premium what was collected for it per unit (the position's average
// price). Before is the layer's option contracts when the let-assign decision was taken:
// the re-entry restores them, never more. History lists every transition, oldest first.
// A Track is a value the desk owns and persists; its methods are pure.
type Track struct {
	ID         string                `json:"id"`
	Layer      string                `json:"layer"`
	Symbol     string                `json:"symbol"`
	Option     instrument.Instrument `json:"option"`
	Contracts  float64               `json:"contracts"`
	Premium    float64               `json:"premium"`
	Stage      Stage                 `json:"stage"`
	Before     LayerCount            `json:"before"`
	Assignment Assignment            `json:"assignment"`
	Held       Held                  `json:"held"`
	History    []Transition          `json:"history"`
}

// NewTrack starts the lifecycle of a short option of contracts sold at premium per unit.
func NewTrack(id, layer, symbol string, option instrument.Instrument, contracts, premium float64) (*Track, error) {
	switch {
	case !option.IsOption():
		return nil, fmt.Errorf("lifecycle: %s is a %s, not an option", symbol, option.Kind)
	case !(contracts > 0) || math.IsInf(contracts, 0):
		return nil, fmt.Errorf("lifecycle: %s: contracts %g must be positive", symbol, contracts)
	case !(premium >= 0) || math.IsInf(premium, 0):
		return nil, fmt.Errorf("lifecycle: %s: premium %g must be a price ≥ 0", symbol, premium)
	}
	return &Track{ID: id, Layer: layer, Symbol: symbol, Option: option, Contracts: contracts, Premium: premium, Stage: Options}, nil
}

func (t *Track) move(at time.Time, to Stage, reason string, n Numbers) Transition {
	tr := Transition{At: at, From: t.Stage, To: to, Reason: reason, Numbers: n}
	t.Stage = to
	t.History = append(t.History, tr)
	return tr
}

func (t *Track) optionStage() bool {
	return t.Stage == Options || t.Stage == Tested || t.Stage == DeepITM || t.Stage == AwaitingAssignment
}

// Observe applies an assessment of the track's option: it moves between options, tested
// and deep ITM, and withdraws a let-assign decision when the option is no longer deep in
// the money. It returns the transition, or nil when the stage did not change.
func (t *Track) Observe(a Assessment, at time.Time) (*Transition, error) {
	if !t.optionStage() {
		return nil, fmt.Errorf("lifecycle: %s is at %s, no longer an option", t.Symbol, t.Stage)
	}
	if a.ID != "" && a.ID != t.ID {
		return nil, fmt.Errorf("lifecycle: assessment of %s applied to the track of %s", a.ID, t.ID)
	}
	if a.Stage == t.Stage || (t.Stage == AwaitingAssignment && a.Stage == DeepITM) {
		return nil, nil
	}
	reason := a.Reason
	if t.Stage == AwaitingAssignment {
		reason = "no longer deep ITM, the let-assign decision is withdrawn: " + reason
	}
	tr := t.move(at, a.Stage, reason, a.Numbers)
	return &tr, nil
}

// LetAssign takes the decision "let it be assigned" from a deep-ITM assessment whose
// action is LetAssign, remembering the layer's option contracts now for the re-entry.
func (t *Track) LetAssign(a Assessment, at time.Time, layer LayerCount) (Transition, error) {
	if t.Stage != DeepITM || a.Action != LetAssign {
		return Transition{}, fmt.Errorf("lifecycle: %s: let assign needs a deep-ITM option whose decision is %q (stage %s, decision %q)", t.Symbol, LetAssign, t.Stage, a.Action)
	}
	t.Before = layer
	t.Assignment = a.Assignment
	n := copyNumbers(a.Numbers)
	n["layer_calls"], n["layer_puts"] = layer.Calls, layer.Puts
	n["units"] = a.Assignment.Units
	return t.move(at, AwaitingAssignment, a.Reason, n), nil
}

// Assigned records the assignment: units (signed, long positive) of the deliverable at
// price. An assignment while the track is still at options, tested or deep ITM is an early
// assignment and says so. The breakeven counts the premium once collected:
// price − premium × (option units ÷ held units) for a long position, + for a short one.
func (t *Track) Assigned(at time.Time, units, price float64) (Transition, error) {
	if !t.optionStage() {
		return Transition{}, fmt.Errorf("lifecycle: %s is at %s: nothing left to assign", t.Symbol, t.Stage)
	}
	if units == 0 || math.IsNaN(units) || math.IsInf(units, 0) || !(price > 0) || math.IsInf(price, 0) {
		return Transition{}, fmt.Errorf("lifecycle: %s: assignment of %g at %g needs non-zero units and a positive price", t.Symbol, units, price)
	}
	sym, into, mult, err := deliverable(t.Option)
	if err != nil {
		return Transition{}, fmt.Errorf("lifecycle: %s cannot be assigned: %w", t.Symbol, err)
	}
	tickOf := instrument.Instrument{Kind: instrument.Stock}
	if into == Future {
		tickOf = instrument.Instrument{Kind: instrument.Future, Root: t.Option.Root}
	}
	h := Held{Symbol: sym, Into: into, Units: units, Multiplier: mult, Price: price, Tick: instrument.Tick(tickOf, price)}
	wantLong := t.Option.Right == pricing.Put
	if (units > 0) != wantLong {
		return Transition{}, fmt.Errorf("lifecycle: %s: a short %s is assigned %s, not %g units", t.Symbol, t.Option.Right, map[bool]string{true: "long", false: "short"}[wantLong], units)
	}
	shift := t.Premium * t.Contracts * t.Option.Multiplier / (math.Abs(units) * mult)
	h.Breakeven = price - h.dir()*shift
	early := ""
	switch {
	case t.Stage == AwaitingAssignment:
	case at.Before(t.Option.Expiry):
		early = fmt.Sprintf(" (early: the track was at %s)", t.Stage)
	default:
		early = fmt.Sprintf(" (exercised at expiry from %s, without a let-assign decision)", t.Stage)
	}
	t.Held = h
	reason := fmt.Sprintf("assigned %+g %s at %g%s; breakeven %g (the %g premium per unit counted)", units, sym, price, early, roundTo(h.Breakeven, 1e-9), t.Premium)
	return t.move(at, into, reason, Numbers{"units": units, "price": price, "breakeven": h.Breakeven, "premium": t.Premium, "tick": h.Tick}), nil
}

// SetBefore sets the layer's option contracts the re-entry restores, for a track assigned
// early (without a let-assign decision).
func (t *Track) SetBefore(layer LayerCount) { t.Before = layer }

// Expired records that the option expired out of the money while awaiting assignment:
// nothing was delivered and the track goes straight to re-enter.
func (t *Track) Expired(at time.Time, underlying float64) (Transition, error) {
	if !t.optionStage() {
		return Transition{}, fmt.Errorf("lifecycle: %s is at %s, not an option", t.Symbol, t.Stage)
	}
	return t.move(at, ReEnter, fmt.Sprintf("expired out of the money (underlying %g, strike %g): nothing assigned", underlying, t.Option.Strike),
		Numbers{"underlying": underlying, "strike": t.Option.Strike}), nil
}

// ExitOrder is the order that closes the held position.
type ExitOrder struct {
	Symbol   string  `json:"symbol"`
	Side     string  `json:"side"` // "buy" or "sell"
	Quantity float64 `json:"quantity"`
}

// Step is what managing the held position says at one price: whether to exit (with the
// order), why and the numbers; and, when not exiting, the layer's hedging policy's decision.
type Step struct {
	Exit    bool            `json:"exit"`
	Order   ExitOrder       `json:"order"`
	Reason  string          `json:"reason"`
	Numbers Numbers         `json:"numbers"`
	Hedge   *hedge.Decision `json:"hedge,omitempty"`
}

// Manage looks at the held position at price: the profit exit (Settings.ProfitTicks beyond
// the breakeven, trailing by Settings.TrailTicks when set) and, when it does not exit, the
// layer's hedging policy on in (nil policy: no hedge decision). It updates the best price.
func (t *Track) Manage(at time.Time, price float64, s Settings, policy hedge.Policy, in hedge.Input) (Step, error) {
	if t.Stage != Future && t.Stage != Shares {
		return Step{}, fmt.Errorf("lifecycle: %s is at %s: nothing held to manage", t.Symbol, t.Stage)
	}
	if !(price > 0) || math.IsInf(price, 0) {
		return Step{}, fmt.Errorf("lifecycle: %s: price %g must be positive", t.Held.Symbol, price)
	}
	if err := s.Validate(); err != nil {
		return Step{}, err
	}
	h := &t.Held
	d := h.dir()
	if h.Best == 0 || d*(price-h.Best) > 0 {
		h.Best = price
	}
	profit := h.Breakeven + d*s.ProfitTicks*h.Tick
	n := Numbers{"price": price, "breakeven": h.Breakeven, "profit_level": profit, "best": h.Best,
		"ticks_beyond_breakeven": d * (price - h.Breakeven) / h.Tick}
	st := Step{Numbers: n}
	side := "sell"
	if d < 0 {
		side = "buy"
	}
	st.Order = ExitOrder{Symbol: h.Symbol, Side: side, Quantity: math.Abs(h.Units)}
	switch {
	case s.TrailTicks > 0:
		if d*(h.Best-profit) >= 0 {
			h.Armed = true
		}
		stop := h.Best - d*s.TrailTicks*h.Tick
		if d*(stop-profit) < 0 {
			stop = profit
		}
		n["trail_stop"] = stop
		if h.Armed && d*(price-stop) <= 0 {
			st.Exit = true
			st.Reason = fmt.Sprintf("trailing exit: %s fell back to %g from its best %g (stop %g, never below the profit level %g = breakeven %g %+g ticks)",
				h.Symbol, price, h.Best, roundTo(stop, h.Tick), roundTo(profit, 1e-9), roundTo(h.Breakeven, 1e-9), s.ProfitTicks)
		}
	case d*(price-profit) >= 0:
		st.Exit = true
		st.Reason = fmt.Sprintf("profit exit: %s at %g is back through the breakeven %g by %.0f ticks (≥ %g)",
			h.Symbol, price, roundTo(h.Breakeven, 1e-9), n["ticks_beyond_breakeven"], s.ProfitTicks)
	}
	if st.Exit {
		return st, nil
	}
	st.Reason = fmt.Sprintf("holding %+g %s: %s is %.1f ticks from the breakeven %g; the profit exit is at %g",
		h.Units, h.Symbol, fmt.Sprint(price), n["ticks_beyond_breakeven"], roundTo(h.Breakeven, 1e-9), roundTo(profit, 1e-9))
	if policy != nil {
		dec, err := policy.Decide(in)
		if err != nil {
			return Step{}, fmt.Errorf("lifecycle: %s: the layer's hedging policy: %w", h.Symbol, err)
		}
		st.Hedge = &dec
	}
	return st, nil
}

// Closed records that the held position was closed at price: the track moves to re-enter.
func (t *Track) Closed(at time.Time, price float64) (Transition, error) {
	if t.Stage != Future && t.Stage != Shares {
		return Transition{}, fmt.Errorf("lifecycle: %s is at %s: nothing held to close", t.Symbol, t.Stage)
	}
	if !(price > 0) || math.IsInf(price, 0) {
		return Transition{}, fmt.Errorf("lifecycle: %s: close price %g must be positive", t.Held.Symbol, price)
	}
	h := t.Held
	ticks := h.dir() * (price - h.Breakeven) / h.Tick
	return t.move(at, ReEnter, fmt.Sprintf("closed %+g %s at %g, %.0f ticks beyond the breakeven %g: back into options",
		h.Units, h.Symbol, price, ticks, roundTo(h.Breakeven, 1e-9)),
		Numbers{"price": price, "breakeven": h.Breakeven, "ticks_beyond_breakeven": ticks, "units": h.Units}), nil
}

// Need is how many calls and puts the re-entry opens: the layer's contracts before the
// let-assign decision less those it holds now, never negative — so the layer never holds
// more option contracts than before.
func (t *Track) Need(now LayerCount) LayerCount {
	return LayerCount{Calls: math.Max(0, t.Before.Calls-now.Calls), Puts: math.Max(0, t.Before.Puts-now.Puts)}
}

// ReEntered records that the re-entry was sent: the track is done and the layer is back
// in options (new tracks follow the new options).
func (t *Track) ReEntered(at time.Time, r ReEntry) (Transition, error) {
	if t.Stage != ReEnter {
		return Transition{}, fmt.Errorf("lifecycle: %s is at %s, not re-enter", t.Symbol, t.Stage)
	}
	return t.move(at, Options, "re-entered: "+r.Reason, Numbers{"calls": float64(r.Calls), "puts": float64(r.Puts), "days_to_expiry": r.DTE}), nil
}

func copyNumbers(n Numbers) Numbers {
	out := make(Numbers, len(n)+3)
	for k, v := range n {
		out[k] = v
	}
	return out
}

// roundTo rounds x to a multiple of step, for words.
func roundTo(x, step float64) float64 {
	if step <= 0 {
		return x
	}
	return math.Round(x/step) * step
}
