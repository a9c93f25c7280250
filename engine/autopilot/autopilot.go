package autopilot

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/keel-desk/keel/engine/automation"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/engine/roll"
	"github.com/keel-desk/keel/engine/tactical"
)

// Rebalance is how a tested short option is brought back into balance.
type Rebalance string

const (
	// RollPlanner rolls to the roll planner's top candidate: the same contracts or fewer
	// (the strategy's way, and the default).
	RollPlanner Rebalance = "roll"
	// Naive sells more of the opposite (untested) leg, as many contracts as the tested
	// option holds: the rebalancing spiral the strategy warns about. For the lab's
	// experiments only; the spiral guard stops it unless Settings.SpiralOff.
	Naive Rebalance = "naive"
)

// Layer is one layer as the rules see it. Tactical, when set, are its tactical
// parameters with Symbol the contract traded (MESZ6, not MES); Underlying is the symbol
// whose price drives the cycles (ESZ6, SPY, VXX). BookHedge says the layer holds the
// book's hedge: Policy decides on the book's beta-weighted delta (benchmark shares) and
// Hedge is the instrument it trades, in benchmark shares per lot.
type Layer struct {
	Name       string
	Bias       portfolio.Bias
	Tactical   *tactical.Params
	Underlying string
	BookHedge  bool
	Policy     hedge.Policy
	Hedge      hedge.Instrument
}

// Settings are the rules' settings. SpiralOff turns the spiral guard off (the lab's naive
// experiment measures what the guard prevents; the desk never sets it).
type Settings struct {
	Lifecycle lifecycle.Settings
	Roll      roll.Settings
	Spiral    hedge.SpiralGuard
	Rebalance Rebalance
	SpiralOff bool
}

// DefaultSettings are the packages' defaults and rolls by the planner.
func DefaultSettings() Settings {
	return Settings{Lifecycle: lifecycle.DefaultSettings(), Roll: roll.DefaultSettings(), Rebalance: RollPlanner}
}

// Settlement is what happened to a short option at or before expiry since the last step:
// Assigned with Units of the deliverable (signed, long positive) at Price (the strike), or
// not assigned (expired worthless or settled in cash) with the Underlying's price.
type Settlement struct {
	At         time.Time
	Symbol     string
	Assigned   bool
	Units      float64
	Price      float64
	Underlying float64
}

// Market is the market at the step. Quotes are by symbol: every held option, the tactical
// and hedge instruments, the layers' underlyings and delivered futures or shares. Chains,
// when not nil, are the chains rolls and re-entries may trade into and mean the daily
// checklist runs this step. SessionClose is today's close (for flat-by-close).
type Market struct {
	Now           time.Time
	SessionClose  time.Time
	Quotes        map[string]liquidity.Quote
	Chains        []liquidity.Chain
	DividendYield map[string]float64
	NetLiq        float64
	Settlements   []Settlement
}

// Input is one step's inputs. The book's positions carry their symbol as ID.
type Input struct {
	Book     portfolio.Book
	Layers   []Layer
	Market   Market
	Settings Settings
}

// State is what the rules remember between steps: the tactical state per layer, the
// lifecycle track per short option (by position ID) and when the book was last hedged.
type State struct {
	Tactical  map[string]tactical.State `json:"tactical"`
	Tracks    []lifecycle.Track         `json:"tracks"`
	LastHedge time.Time                 `json:"last_hedge"`
}

func (s State) clone() State {
	out := State{Tactical: make(map[string]tactical.State, len(s.Tactical)), LastHedge: s.LastHedge}
	for k, v := range s.Tactical {
		out.Tactical[k] = v
	}
	out.Tracks = make([]lifecycle.Track, len(s.Tracks))
	for i, t := range s.Tracks {
		t.History = append([]lifecycle.Transition(nil), t.History...)
		out.Tracks[i] = t
	}
	return out
}

// Leg is one leg of an intent: Quantity positive units (contracts or shares) to buy or
// sell.
type Leg struct {
	Symbol   string  `json:"symbol"`
	Side     string  `json:"side"`
	Quantity float64 `json:"quantity"`
}

// Intent is an order a rule wants: the gate's Action (rule, inputs, client order id) and
// its legs. Action.Symbol, Side and Quantity are the first leg's.
type Intent struct {
	automation.Action
	Legs []Leg `json:"legs"`
}

// Blocked is an intent (or a decision) the gate stopped, with why.
type Blocked struct {
	Intent  Intent             `json:"intent"`
	Verdict automation.Verdict `json:"verdict"`
}

// Transition is a lifecycle transition of a layer's option.
type Transition struct {
	Layer  string `json:"layer"`
	Symbol string `json:"symbol"`
	lifecycle.Transition
}

// Cycle is a closed tactical cycle of a layer.
type Cycle struct {
	Layer string `json:"layer"`
	tactical.Cycle
}

// Step is what one Decide did: the intents the gate allowed (to send), those it blocked,
// the lifecycle transitions, the tactical cycles closed, each tactical layer's next action
// in words, and the options that could not be assessed or planned (with why).
type Step struct {
	Orders      []Intent          `json:"orders"`
	Blocked     []Blocked         `json:"blocked"`
	Transitions []Transition      `json:"transitions"`
	Cycles      []Cycle           `json:"cycles"`
	Next        map[string]string `json:"next"`
	Problems    []string          `json:"problems"`
}

// decider is one Decide call's working set.
type decider struct {
	in       Input
	st       State
	gate     *automation.Gate
	step     Step
	layers   map[string]*Layer
	risk     map[string]*portfolio.LayerRisk
	tacExp   map[string]float64 // the layer's tactical exposure, beta-weighted dollars
	chainIdx map[string]liquidity.Quote
	settled  map[string]bool // options whose settlement this step brought
}

// Decide is one step of the rules (package doc). It returns the new state; st is not
// changed. gate records the intents it allowed (the caller marks them done once filled or
// cancelled). An error means the inputs are unusable (a layer without a name, a tactical
// layer without a price); what a single option lacks is a Problem, not an error.
func Decide(in Input, st State, gate *automation.Gate) (State, Step, error) {
	if gate == nil {
		return st, Step{}, fmt.Errorf("autopilot: no automation gate")
	}
	if err := in.Settings.Lifecycle.Validate(); err != nil {
		return st, Step{}, err
	}
	if err := in.Settings.Roll.Validate(); err != nil {
		return st, Step{}, err
	}
	d := &decider{in: in, st: st.clone(), gate: gate, layers: map[string]*Layer{}, risk: map[string]*portfolio.LayerRisk{},
		tacExp: map[string]float64{}, step: Step{Next: map[string]string{}}}
	for i := range in.Layers {
		l := &in.Layers[i]
		if strings.TrimSpace(l.Name) == "" {
			return st, Step{}, fmt.Errorf("autopilot: layer %d has no name", i)
		}
		d.layers[l.Name] = l
	}
	for i := range in.Book.Layers {
		d.risk[in.Book.Layers[i].Name] = &in.Book.Layers[i]
	}
	if d.st.Tactical == nil {
		d.st.Tactical = map[string]tactical.State{}
	}
	if err := d.settle(); err != nil {
		return st, Step{}, err
	}
	d.syncTracks()
	if err := d.tactical(); err != nil {
		return st, Step{}, err
	}
	if in.Market.Chains != nil {
		d.checklist()
	}
	d.manageHeld()
	if err := d.hedge(); err != nil {
		return st, Step{}, err
	}
	return d.st, d.step, nil
}

func (d *decider) now() time.Time { return d.in.Market.Now }

// id is a deterministic client order id: the rule's kind, the layer, the step's time and
// the first symbol.
func (d *decider) id(kind automation.Kind, layer, symbol string) string {
	k := strings.ReplaceAll(string(kind), " ", "")
	return fmt.Sprintf("%s-%s-%s-%s", tactical.Slug(layer), k, d.now().UTC().Format("20060102T150405"), strings.ReplaceAll(symbol, " ", ""))
}

// send passes it through the gate: it reports whether it was allowed.
func (d *decider) send(it Intent) bool {
	if len(it.Legs) > 0 {
		it.Symbol, it.Side, it.Quantity = it.Legs[0].Symbol, it.Legs[0].Side, it.Legs[0].Quantity
	}
	it.At = d.now()
	v := d.gate.Send(it.Action)
	if v.Allowed {
		d.step.Orders = append(d.step.Orders, it)
		return true
	}
	d.step.Blocked = append(d.step.Blocked, Blocked{Intent: it, Verdict: v})
	return false
}

func (d *decider) transition(tr *lifecycle.Track, t lifecycle.Transition) {
	d.step.Transitions = append(d.step.Transitions, Transition{Layer: tr.Layer, Symbol: tr.Symbol, Transition: t})
}

func (d *decider) problem(format string, args ...any) {
	d.step.Problems = append(d.step.Problems, fmt.Sprintf(format, args...))
}

// layerCount is a layer's short option contracts by right.
func (d *decider) layerCount(layer string) lifecycle.LayerCount {
	var c lifecycle.LayerCount
	for _, p := range d.in.Book.Positions {
		if p.Layer != layer || !p.Instrument.IsOption() || p.Quantity >= 0 {
			continue
		}
		if p.Instrument.Right == pricing.Call {
			c.Calls -= p.Quantity
		} else {
			c.Puts -= p.Quantity
		}
	}
	return c
}

func (d *decider) contracts(layer string) float64 {
	if lr := d.risk[layer]; lr != nil {
		return lr.Contracts
	}
	return 0
}

func (d *decider) track(id string) *lifecycle.Track {
	for i := range d.st.Tracks {
		if d.st.Tracks[i].ID == id {
			return &d.st.Tracks[i]
		}
	}
	return nil
}

func optionStage(s lifecycle.Stage) bool {
	return s == lifecycle.Options || s == lifecycle.Tested || s == lifecycle.DeepITM || s == lifecycle.AwaitingAssignment
}

// settle applies the settlements to the tracks.
func (d *decider) settle() error {
	d.settled = map[string]bool{}
	for _, s := range d.in.Market.Settlements {
		d.settled[s.Symbol] = true
		tr := d.track(s.Symbol)
		if tr == nil || !optionStage(tr.Stage) {
			continue
		}
		switch {
		case s.Assigned:
			if tr.Stage != lifecycle.AwaitingAssignment {
				before := d.layerCount(tr.Layer)
				if tr.Option.Right == pricing.Call {
					before.Calls += tr.Contracts
				} else {
					before.Puts += tr.Contracts
				}
				tr.SetBefore(before)
			}
			t, err := tr.Assigned(s.At, s.Units, s.Price)
			if err != nil {
				return fmt.Errorf("autopilot: %w", err)
			}
			d.transition(tr, t)
		case tr.Stage == lifecycle.AwaitingAssignment:
			t, err := tr.Expired(s.At, s.Underlying)
			if err != nil {
				return fmt.Errorf("autopilot: %w", err)
			}
			d.transition(tr, t)
		}
	}
	return nil
}

// SettleWait is how long after its expiry the track of an option no longer held waits for
// its settlement: a broker may report the positions without the option before the
// settlement that says whether it was assigned.
const SettleWait = 4 * 24 * time.Hour

// syncTracks starts a track for every new short option and drops those of options no
// longer held (rolled, closed or expired) that were not assigned. An expired option's
// track stays until its settlement comes (at most SettleWait).
func (d *decider) syncTracks() {
	held := map[string]bool{}
	for _, p := range d.in.Book.Positions {
		if !p.Instrument.IsOption() || p.Quantity >= 0 {
			continue
		}
		held[p.ID] = true
		if d.track(p.ID) != nil {
			continue
		}
		premium := p.Mark
		if !(premium >= 0) || math.IsInf(premium, 0) {
			premium = 0
		}
		tr, err := lifecycle.NewTrack(p.ID, p.Layer, p.Instrument.Symbol(), p.Instrument, -p.Quantity, premium)
		if err != nil {
			d.problem("%s: %v", p.ID, err)
			continue
		}
		d.st.Tracks = append(d.st.Tracks, *tr)
	}
	keep := d.st.Tracks[:0]
	for _, t := range d.st.Tracks {
		if optionStage(t.Stage) && !held[t.ID] {
			expired := !t.Option.Expiry.After(d.now())
			if !expired || d.settled[t.ID] || d.now().After(t.Option.Expiry.Add(SettleWait)) {
				continue
			}
		}
		if optionStage(t.Stage) {
			for _, p := range d.in.Book.Positions {
				if p.ID == t.ID {
					t.Contracts = -p.Quantity
					t.Layer = p.Layer // the trader may file it in another layer
				}
			}
		}
		keep = append(keep, t)
	}
	d.st.Tracks = keep
}

// tactical steps every tactical layer.
func (d *decider) tactical() error {
	for i := range d.in.Layers {
		l := &d.in.Layers[i]
		if l.Tactical == nil {
			continue
		}
		p := *l.Tactical
		lr := d.risk[l.Name]
		if lr == nil {
			continue // the layer holds nothing: nothing to trade inside
		}
		uq, ok1 := d.in.Market.Quotes[l.Underlying]
		iq, ok2 := d.in.Market.Quotes[p.Symbol]
		if !ok1 || !ok2 || !(uq.Mid() > 0) || !(iq.Mid() > 0) {
			return fmt.Errorf("autopilot: layer %q: tactical needs quotes of %s and %s", l.Name, l.Underlying, p.Symbol)
		}
		price, ip := uq.Mid(), iq.Mid()
		ts, ok := d.st.Tactical[l.Name]
		if !ok {
			ts = tactical.State{Layer: l.Name, Bias: l.Bias}
		}
		perUnit := p.Multiplier * p.Leverage * ip / price
		tacDelta := ts.Position * perUnit
		units := 0.0
		for _, pos := range d.in.Book.Positions {
			if pos.Layer != l.Name {
				continue
			}
			q := pos.Quantity
			if pos.ID == p.Symbol {
				q -= ts.Position
			}
			units += math.Abs(q) * pos.Instrument.Multiplier
		}
		// The layer's delta in dollars per point of the tactical underlying (portfolio's
		// Delta counts futures contracts; DollarDelta ÷ price is the same for every kind),
		// less the tactical position it holds.
		tk := tactical.Tick{At: d.now(), Price: price, InstrumentPrice: ip, LayerDelta: lr.Exposure.DollarDelta/price - tacDelta,
			LayerUnits: units, SessionClose: d.in.Market.SessionClose}
		next, res, err := tactical.Step(p, ts, tk)
		if err != nil {
			return fmt.Errorf("autopilot: layer %q: %w", l.Name, err)
		}
		exposure := res.Exposure.Delta
		ok = true
		for _, o := range res.Orders {
			contracts := 0.0
			if p.Multiplier > 1 {
				contracts = o.Quantity
			}
			after := d.contracts(l.Name) + contracts
			if !o.Opens {
				after = d.contracts(l.Name) - contracts
			}
			inputs := o.Inputs
			inputs["instrument_price"] = o.Price
			it := Intent{Action: automation.Action{Layer: l.Name, Kind: automation.Tactical, ClientOrderID: o.ClientOrderID,
				Contracts: contracts, LayerContracts: math.Max(0, after), Reduces: !o.Opens, Rule: "tactical: " + o.Rule, Inputs: inputs},
				Legs: []Leg{{Symbol: o.Symbol, Side: o.Side, Quantity: o.Quantity}}}
			if !d.send(it) {
				ok = false
				break
			}
		}
		if ok {
			d.st.Tactical[l.Name] = next
			if res.Closed != nil {
				d.step.Cycles = append(d.step.Cycles, Cycle{Layer: l.Name, Cycle: *res.Closed})
			}
			d.step.Next[l.Name] = res.Next
		} else {
			exposure = tacDelta
			d.step.Next[l.Name] = "blocked: " + d.step.Blocked[len(d.step.Blocked)-1].Verdict.Why()
		}
		// beta-weighted dollars, as the spiral guard counts legs: $ per point × price × beta
		beta := 1.0
		if lr.Exposure.DollarDelta != 0 && lr.Exposure.BetaDollarDelta != 0 {
			beta = lr.Exposure.BetaDollarDelta / lr.Exposure.DollarDelta
		}
		d.tacExp[l.Name] = exposure * price * beta
	}
	return nil
}

// guardLayer is what the spiral guard sees of a layer: its option legs and its tactical
// exposure.
func (d *decider) guardLayer(layer string) hedge.Layer {
	gl := hedge.Layer{Name: layer, Rate: d.in.Book.Rate, Now: d.now(), Tactical: d.tacExp[layer]}
	for _, p := range d.in.Book.Positions {
		if p.Layer != layer || !p.Instrument.IsOption() || p.Err != nil || p.Quantity == 0 {
			continue
		}
		gl.Legs = append(gl.Legs, guardLeg(p.ID, p.Instrument, p.Quantity, p.Greeks.Delta, p.UnderlyingPrice, p.Vol, p.Beta))
	}
	return gl
}

func guardLeg(sym string, in instrument.Instrument, qty, delta, spot, vol, beta float64) hedge.Leg {
	if beta == 0 || math.IsNaN(beta) {
		beta = 1
	}
	return hedge.Leg{Symbol: sym, Right: in.Right, Strike: in.Strike, Expiry: in.Expiry, Quantity: qty, Delta: delta,
		Multiplier: in.Multiplier, Spot: spot, Vol: vol, Beta: beta}
}

// optionLeg is an option order leg as the guard sees it, from its quote.
type optionLeg struct {
	Leg
	in    instrument.Instrument
	delta float64
	spot  float64
	vol   float64
}

// spiral checks an option order, closing legs first, then each opening leg; it returns
// the first verdict that stops (or the last one).
func (d *decider) spiral(layer string, legs []optionLeg) (*hedge.Verdict, error) {
	if d.in.Settings.SpiralOff {
		return nil, nil
	}
	gl := d.guardLayer(layer)
	signed := func(l optionLeg) float64 {
		if l.Side == "sell" {
			return -l.Quantity
		}
		return l.Quantity
	}
	beta := 1.0
	for _, g := range gl.Legs {
		beta = g.Beta
		break
	}
	var last *hedge.Verdict
	apply := func(l optionLeg) {
		for i := range gl.Legs {
			if gl.Legs[i].Symbol == l.Symbol {
				gl.Legs[i].Quantity += signed(l)
				return
			}
		}
		gl.Legs = append(gl.Legs, guardLeg(l.Symbol, l.in, signed(l), l.delta, l.spot, l.vol, beta))
	}
	// A right whose contracts the whole order does not increase (a roll closer on the
	// untested side closes as many as it opens) adds nothing to that side: only the legs
	// of a right the order grows are judged.
	grows := map[pricing.Right]float64{}
	for _, l := range legs {
		held := 0.0
		for _, g := range gl.Legs {
			if g.Symbol == l.Symbol {
				held = g.Quantity
			}
		}
		grows[l.in.Right] += math.Abs(held+signed(l)) - math.Abs(held)
	}
	opens := func(l optionLeg) bool {
		for _, g := range gl.Legs {
			if g.Symbol == l.Symbol {
				return math.Abs(g.Quantity+signed(l)) > math.Abs(g.Quantity)
			}
		}
		return true
	}
	for pass := 0; pass < 2; pass++ {
		for _, l := range legs {
			if opens(l) != (pass == 1) {
				continue
			}
			if pass == 1 && grows[l.in.Right] > 0 {
				v, err := d.in.Settings.Spiral.Check(gl, guardLeg(l.Symbol, l.in, signed(l), l.delta, l.spot, l.vol, beta), nil)
				if err != nil {
					return nil, err
				}
				last = &v
				if v.Stop {
					return last, nil
				}
			}
			apply(l)
		}
	}
	return last, nil
}

// worst is the worst liquidity result of legs (nil without one).
func worst(rs []liquidity.Result) *liquidity.Result {
	var out *liquidity.Result
	for i := range rs {
		r := rs[i]
		if out == nil || r.Verdict > out.Verdict {
			out = &r
		}
	}
	return out
}

// optionOrder sends an option order of legs for layer under kind and rule.
func (d *decider) optionOrder(kind automation.Kind, layer, rule string, legs []optionLeg, liq []liquidity.Result, inputs map[string]float64) bool {
	if len(legs) == 0 {
		return false
	}
	it := Intent{Action: automation.Action{Layer: layer, Kind: kind, ClientOrderID: d.id(kind, layer, legs[0].Symbol), Rule: rule, Inputs: inputs,
		Liquidity: worst(liq)}}
	opened, closed, most := 0.0, 0.0, 0.0
	gl := d.guardLayer(layer)
	for _, l := range legs {
		it.Legs = append(it.Legs, l.Leg)
		most = math.Max(most, l.Quantity)
		held := 0.0
		for _, g := range gl.Legs {
			if g.Symbol == l.Symbol {
				held = g.Quantity
			}
		}
		s := l.Quantity
		if l.Side == "sell" {
			s = -s
		}
		change := math.Abs(held+s) - math.Abs(held)
		if change > 0 {
			opened += change
		} else {
			closed -= change
		}
	}
	it.Contracts = most
	it.LayerContracts = math.Max(0, d.contracts(layer)+opened-closed)
	it.Reduces = opened == 0
	v, err := d.spiral(layer, legs)
	if err != nil {
		d.problem("%s: spiral guard: %v", layer, err)
		return false
	}
	it.SpiralGuard = v
	return d.send(it)
}

// rollLegs are a roll candidate's legs.
func (d *decider) rollLegs(c roll.Candidate) ([]optionLeg, []liquidity.Result) {
	var legs []optionLeg
	var liq []liquidity.Result
	for _, l := range c.Legs {
		q, ok := d.in.Market.Quotes[l.Symbol]
		if !ok {
			q = d.chainQuote(l.Symbol)
		}
		in := q.Instrument
		legs = append(legs, optionLeg{Leg: Leg{Symbol: l.Symbol, Side: string(l.Side), Quantity: float64(l.Quantity)},
			in: in, delta: l.Delta, spot: q.Underlying, vol: q.IV})
		liq = append(liq, l.Liquidity)
	}
	return legs, liq
}

// chainQuote is symbol's quote in the chains (zero when not there).
func (d *decider) chainQuote(symbol string) liquidity.Quote {
	if d.chainIdx == nil {
		d.chainIdx = map[string]liquidity.Quote{}
		for _, c := range d.in.Market.Chains {
			for _, q := range c.Quotes {
				d.chainIdx[q.Symbol] = q
			}
		}
	}
	return d.chainIdx[symbol]
}

// checklist is the daily checklist's decisions for every short option, then re-entries.
func (d *decider) checklist() {
	s := d.in.Settings
	rm := roll.Market{Chains: d.in.Market.Chains, DividendYield: d.in.Market.DividendYield}
	var plans []roll.Plan
	planOf := map[string]roll.Plan{}
	for _, p := range d.in.Book.Positions {
		if !p.Instrument.IsOption() || p.Quantity >= 0 || p.Err != nil {
			continue
		}
		if math.Abs(p.Greeks.Delta) < s.Lifecycle.TestedDelta && p.DTE > s.Roll.RollByDays {
			continue
		}
		pl, err := roll.PlanPosition(d.in.Book, p.ID, rm, s.Roll)
		if err != nil {
			d.problem("%s: roll plan: %v", p.ID, err)
			continue
		}
		plans = append(plans, pl)
		planOf[p.ID] = pl
	}
	as, err := lifecycle.AssessBook(d.in.Book, lifecycle.BookInput{Quotes: d.in.Market.Quotes, Plans: plans}, s.Lifecycle)
	if err != nil {
		d.problem("checklist: %v", err)
		return
	}
	for _, a := range as {
		if a.Problem != "" {
			d.problem("%s: %s", a.ID, a.Problem)
			continue
		}
		tr := d.track(a.ID)
		if tr == nil || !optionStage(tr.Stage) {
			continue
		}
		if t, err := tr.Observe(a, d.now()); err != nil {
			d.problem("%s: %v", a.ID, err)
			continue
		} else if t != nil {
			d.transition(tr, *t)
		}
		pos := d.position(a.ID)
		if pos == nil {
			continue
		}
		pl, planned := planOf[a.ID]
		// The planner's top candidate that rolls (closing alone would leave the layer
		// without its options: the strategy restores balance by rolling) and whose legs do
		// not fail the liquidity checklist.
		top := func() (roll.Candidate, bool) {
			if !planned || pl.Problem != "" {
				return roll.Candidate{}, false
			}
			for _, c := range pl.Candidates {
				if c.Shape != roll.CloseOnly && c.Liquidity != liquidity.Fail {
					return c, true
				}
			}
			return roll.Candidate{}, false
		}
		switch {
		case a.Action == lifecycle.LetAssign && tr.Stage == lifecycle.DeepITM:
			it := Intent{Action: automation.Action{At: d.now(), Layer: tr.Layer, Kind: automation.LetAssign,
				ClientOrderID: d.id(automation.LetAssign, tr.Layer, tr.Symbol), Symbol: tr.Symbol, LayerContracts: d.contracts(tr.Layer),
				Rule: "deep ITM: let it be assigned", Inputs: a.Numbers}}
			if v := d.gate.Check(it.Action); !v.Allowed {
				d.step.Blocked = append(d.step.Blocked, Blocked{Intent: it, Verdict: v})
				continue
			}
			t, err := tr.LetAssign(a, d.now(), d.layerCount(tr.Layer))
			if err != nil {
				d.problem("%s: %v", a.ID, err)
				continue
			}
			d.transition(tr, t)
		case a.Action == lifecycle.Roll && tr.Stage == lifecycle.DeepITM:
			if c := lifecycle.BestRoll(pl); c != nil {
				legs, liq := d.rollLegs(*c)
				d.optionOrder(automation.Roll, tr.Layer, "deep ITM: roll ("+string(c.Shape)+")", legs, liq, a.Numbers)
			}
		case a.Action == lifecycle.Close && tr.Stage == lifecycle.DeepITM:
			q := d.in.Market.Quotes[a.Symbol]
			legs := []optionLeg{{Leg: Leg{Symbol: pos.ID, Side: "buy", Quantity: -pos.Quantity}, in: pos.Instrument,
				delta: pos.Greeks.Delta, spot: pos.UnderlyingPrice, vol: pos.Vol}}
			d.optionOrder(automation.LetAssign, tr.Layer, "deep ITM: close", legs, []liquidity.Result{a.Liquidity}, a.Numbers)
			_ = q
		case a.Action == lifecycle.PlanRoll && s.Rebalance == Naive:
			d.naive(tr, pos, a)
		case a.Action == lifecycle.PlanRoll, a.Action == lifecycle.Hold && pos.DTE <= s.Roll.RollByDays:
			c, ok := top()
			if !ok {
				if planned && pl.Problem != "" {
					d.problem("%s: %s", a.ID, pl.Problem)
				}
				continue
			}
			rule := "tested: the roll planner's top candidate (" + string(c.Shape) + ")"
			if a.Action == lifecycle.Hold {
				rule = fmt.Sprintf("%.0f days to expiry (roll by %g): the roll planner's top candidate (%s)", pos.DTE, s.Roll.RollByDays, c.Shape)
			}
			legs, liq := d.rollLegs(c)
			in := map[string]float64{"delta": a.Numbers["delta"], "days_to_expiry": pos.DTE, "net_natural": c.NetNatural, "score": c.Score.Total}
			d.optionOrder(automation.Roll, tr.Layer, rule, legs, liq, in)
		}
	}
	d.reEnter()
}

func (d *decider) position(id string) *portfolio.PositionRisk {
	for i := range d.in.Book.Positions {
		if d.in.Book.Positions[i].ID == id {
			return &d.in.Book.Positions[i]
		}
	}
	return nil
}

// naive sells, on the untested side of the tested option's layer, as many contracts as
// the tested option holds: the option of the other right the layer holds with the most
// contracts.
func (d *decider) naive(tr *lifecycle.Track, pos *portfolio.PositionRisk, a lifecycle.Assessment) {
	var other *portfolio.PositionRisk
	for i := range d.in.Book.Positions {
		p := &d.in.Book.Positions[i]
		if p.Layer == tr.Layer && p.Instrument.IsOption() && p.Quantity < 0 && p.Instrument.Right != pos.Instrument.Right && p.Err == nil &&
			(other == nil || p.Quantity < other.Quantity) {
			other = p
		}
	}
	if other == nil {
		return
	}
	q := d.in.Market.Quotes[other.ID]
	legs := []optionLeg{{Leg: Leg{Symbol: other.ID, Side: "sell", Quantity: -pos.Quantity}, in: other.Instrument,
		delta: other.Greeks.Delta, spot: other.UnderlyingPrice, vol: other.Vol}}
	liq, err := d.in.Settings.Lifecycle.Liquidity.Check(q, int64(-pos.Quantity))
	var rs []liquidity.Result
	if err == nil {
		rs = append(rs, liq)
	}
	d.optionOrder(automation.Roll, tr.Layer, "naive rebalance: add size to the opposite leg", legs, rs,
		map[string]float64{"delta": a.Numbers["delta"], "contracts": -pos.Quantity})
}

// reEnter plans the re-entry of every track at re-enter.
func (d *decider) reEnter() {
	s := d.in.Settings.Lifecycle
	for i := range d.st.Tracks {
		tr := &d.st.Tracks[i]
		if tr.Stage != lifecycle.ReEnter {
			continue
		}
		need := tr.Need(d.layerCount(tr.Layer))
		if need.Calls == 0 && need.Puts == 0 {
			t, err := tr.ReEntered(d.now(), lifecycle.ReEntry{Layer: tr.Layer, Reason: "the layer holds its contracts: nothing to re-enter"})
			if err == nil {
				d.transition(tr, t)
			}
			continue
		}
		var chains []liquidity.Chain
		for _, c := range d.in.Market.Chains {
			if len(c.Quotes) > 0 && c.Quotes[0].Instrument.Root == tr.Option.Root && c.Quotes[0].Instrument.Kind == tr.Option.Kind {
				chains = append(chains, c)
			}
		}
		re, err := lifecycle.PlanReEntry(chains, lifecycle.ReEntryRequest{Layer: tr.Layer, Need: need, Now: d.now(), Rate: d.in.Book.Rate,
			DividendYield: d.in.Market.DividendYield[tr.Option.Root]}, s)
		if err != nil {
			d.problem("%s: re-entry: %v", tr.ID, err)
			continue
		}
		if re.Liquidity == liquidity.Fail {
			d.problem("%s: re-entry waits: its legs fail the liquidity checklist", tr.ID)
			continue
		}
		legs, liq := d.rollLegs(roll.Candidate{Legs: re.Legs})
		if !d.optionOrder(automation.ReEntry, tr.Layer, "re-enter: "+re.Reason, legs, liq,
			map[string]float64{"calls": float64(re.Calls), "puts": float64(re.Puts), "days_to_expiry": re.DTE, "net_natural": re.NetNatural}) {
			continue
		}
		t, err := tr.ReEntered(d.now(), re)
		if err == nil {
			d.transition(tr, t)
		}
	}
}

// manageHeld takes an assigned position to its profit exit.
func (d *decider) manageHeld() {
	for i := range d.st.Tracks {
		tr := &d.st.Tracks[i]
		if tr.Stage != lifecycle.Future && tr.Stage != lifecycle.Shares {
			continue
		}
		q, ok := d.in.Market.Quotes[tr.Held.Symbol]
		if !ok {
			d.problem("%s: no quote of the assigned %s", tr.ID, tr.Held.Symbol)
			continue
		}
		price := q.Bid // a long position exits at the bid
		if tr.Held.Units < 0 {
			price = q.Ask
		}
		if !(price > 0) {
			continue
		}
		st, err := tr.Manage(d.now(), price, d.in.Settings.Lifecycle, nil, hedge.Input{})
		if err != nil {
			d.problem("%s: %v", tr.ID, err)
			continue
		}
		if !st.Exit {
			continue
		}
		contracts := 0.0
		if tr.Stage == lifecycle.Future {
			contracts = st.Order.Quantity
		}
		it := Intent{Action: automation.Action{Layer: tr.Layer, Kind: automation.LetAssign, ClientOrderID: d.id(automation.LetAssign, tr.Layer, tr.Held.Symbol),
			Contracts: contracts, LayerContracts: math.Max(0, d.contracts(tr.Layer)-contracts), Reduces: true, Rule: st.Reason, Inputs: st.Numbers},
			Legs: []Leg{{Symbol: st.Order.Symbol, Side: st.Order.Side, Quantity: st.Order.Quantity}}}
		if !d.send(it) {
			continue
		}
		t, err := tr.Closed(d.now(), price)
		if err == nil {
			d.transition(tr, t)
		}
	}
}

// hedge keeps the book's beta-weighted delta inside the hedge layer's band.
func (d *decider) hedge() error {
	for i := range d.in.Layers {
		l := &d.in.Layers[i]
		if !l.BookHedge || l.Policy == nil {
			continue
		}
		b := d.in.Book
		in := hedge.Input{Now: d.now(), LastHedge: d.st.LastHedge, Delta: b.Total.BetaDelta, Spot: b.Benchmark.Price,
			Rate: b.Rate, NetLiq: d.in.Market.NetLiq, Hedge: l.Hedge}
		dec, err := l.Policy.Decide(in)
		if err != nil {
			return fmt.Errorf("autopilot: layer %q: the hedge policy: %w", l.Name, err)
		}
		if !dec.Hedge || dec.Order.Empty() {
			continue
		}
		for _, line := range dec.Order.Lines {
			side := "buy"
			if line.Quantity < 0 {
				side = "sell"
			}
			it := Intent{Action: automation.Action{Layer: l.Name, Kind: automation.Hedge, ClientOrderID: d.id(automation.Hedge, l.Name, line.Symbol),
				LayerContracts: d.contracts(l.Name), Rule: "hedge: " + dec.Reason,
				Inputs: map[string]float64{"delta": dec.Delta, "band_lo": dec.Band.Lo, "band_hi": dec.Band.Hi, "after": dec.After}},
				Legs: []Leg{{Symbol: line.Symbol, Side: side, Quantity: math.Abs(float64(line.Quantity))}}}
			if d.send(it) {
				d.st.LastHedge = d.now()
			}
		}
	}
	return nil
}
