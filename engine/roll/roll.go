package roll

import (
	"fmt"
	"math"
	"time"

	"github.com/keel-desk/keel/engine/liquidity"
)

// Shape is the kind of roll a candidate is.
type Shape string

const (
	Closer    Shape = "closer"       // the untested side rolled closer to the money
	OutAway   Shape = "out and away" // the tested side rolled out in time and away
	CloseOnly Shape = "close only"   // buy the position back
)

// Weights turn a candidate's components into its score (see the package doc); all are in
// dollars per unit of their component.
type Weights struct {
	Delta  float64 // per dollar a 1% move costs off target (1)
	Credit float64 // per dollar of net credit at mid, subtracted (0.1)
	Costs  float64 // per dollar of commissions and half-spreads (1)
	Gamma  float64 // per dollar of gamma's cost of a 1% move added to the layer (1)
	Theta  float64 // per dollar per day of layer theta gained, subtracted (1)
	Vega   float64 // per dollar per vol point of layer vega added (1)
	Price  float64 // per 1% of the underlying the strike moves (0: shown, not weighed)
	Time   float64 // per calendar day the expiry moves (0: shown, not weighed)
	Warn   float64 // per leg whose liquidity warns (25)
}

// Settings are the planner's rules. DefaultSettings are the guide's numbers where it has
// them (roll or close by 7 days, the liquidity checklist) and Keel's otherwise.
type Settings struct {
	RollByDays     float64 // new legs expire more than this many calendar days out (7)
	MaxDays        float64 // and at most this many (60)
	AllowDebit     bool    // list rolls that cost a debit at mid (false)
	FewerContracts bool    // also offer the fewer contracts that best restore delta (true)
	// BiasDelta is a biased layer's target option delta per contract (0.05): a short-biased
	// layer of 4 SPY option contracts aims at −0.05 × 4 × 100 = −20 shares.
	BiasDelta float64
	// Targets overrides the target of a layer by name, in the product's underlying units.
	Targets map[string]float64
	// MaxCandidates is how many rolls a plan lists (10); close only comes on top of them.
	MaxCandidates int
	// EquityOptionCost and FuturesOptionCost are commission and fees per contract traded,
	// in dollars (0.70 and 2.50, the paper broker's default rates).
	EquityOptionCost  float64
	FuturesOptionCost float64
	Liquidity         liquidity.Rules
	Weights           Weights
}

// DefaultSettings are the planner's defaults.
func DefaultSettings() Settings {
	return Settings{RollByDays: 7, MaxDays: 60, FewerContracts: true, BiasDelta: 0.05, MaxCandidates: 10,
		EquityOptionCost: 0.70, FuturesOptionCost: 2.50, Liquidity: liquidity.DefaultRules(),
		Weights: Weights{Delta: 1, Credit: 0.1, Costs: 1, Gamma: 1, Theta: 1, Vega: 1, Warn: 25}}
}

// Validate reports the first setting that is not usable, naming it.
func (s Settings) Validate() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < 0 }
	switch {
	case bad(s.RollByDays) || bad(s.MaxDays) || s.MaxDays <= s.RollByDays:
		return fmt.Errorf("roll: the window (%g, %g] days must be numbers with the maximum above the roll-by days", s.RollByDays, s.MaxDays)
	case bad(s.BiasDelta) || s.BiasDelta > 1:
		return fmt.Errorf("roll: bias delta %g must be in [0, 1]", s.BiasDelta)
	case s.MaxCandidates < 1:
		return fmt.Errorf("roll: max candidates %d must be at least 1", s.MaxCandidates)
	case bad(s.EquityOptionCost) || bad(s.FuturesOptionCost):
		return fmt.Errorf("roll: costs per contract %g and %g must be numbers ≥ 0", s.EquityOptionCost, s.FuturesOptionCost)
	}
	w := s.Weights
	for _, f := range []struct {
		name string
		v    float64
	}{{"delta", w.Delta}, {"credit", w.Credit}, {"costs", w.Costs}, {"gamma", w.Gamma}, {"theta", w.Theta},
		{"vega", w.Vega}, {"price", w.Price}, {"time", w.Time}, {"warn", w.Warn}} {
		if bad(f.v) {
			return fmt.Errorf("roll: weight %s %g must be a number ≥ 0", f.name, f.v)
		}
	}
	for name, t := range s.Targets {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return fmt.Errorf("roll: target of layer %q is not a number", name)
		}
	}
	return s.Liquidity.Validate()
}

// Market is what the planner reads besides the book: the option chains of the product (every
// expiry a roll may go to, and the held option's own, for its closing quote) and dividend
// yields by underlying ticker (SPY: 0.012) for options on stocks and ETFs.
type Market struct {
	Chains        []liquidity.Chain
	DividendYield map[string]float64
}

// Side is buy or sell; it marshals as "buy" or "sell".
type Side string

const (
	Buy  Side = "buy"
	Sell Side = "sell"
)

// Effect is open or close.
type Effect string

const (
	Open  Effect = "open"
	Close Effect = "close"
)

// Leg is one order leg of a roll. Quantity is positive contracts; Bid and Ask are the leg's
// own quote, per unit. Delta is per unit (Haug); Liquidity the checklist for this leg's
// size.
type Leg struct {
	Symbol     string           `json:"symbol"`
	Side       Side             `json:"side"`
	Effect     Effect           `json:"effect"`
	Quantity   int64            `json:"quantity"`
	Multiplier float64          `json:"multiplier"`
	Bid        float64          `json:"bid"`
	Ask        float64          `json:"ask"`
	Expiry     time.Time        `json:"expiry"`
	Strike     float64          `json:"strike"`
	Right      string           `json:"right"`
	DTE        float64          `json:"dte"`
	Delta      float64          `json:"delta"`
	Liquidity  liquidity.Result `json:"liquidity"`
}

// Greeks are a layer's or the book's figures in the package's units.
type Greeks struct {
	Gamma float64 `json:"gamma"` // change of dollar delta for a 1% move
	Theta float64 `json:"theta"` // dollars per calendar day
	Vega  float64 `json:"vega"`  // dollars per vol point
}

// State is the layer (and the book) before or after a roll. LayerDelta is on the product,
// in its underlying's units; Contracts counts the layer's option and futures contracts;
// Gamma, Theta and Vega are the layer's; Book the whole book's, with its beta-weighted
// delta in benchmark units.
type State struct {
	LayerDelta    float64 `json:"layer_delta"`
	Contracts     float64 `json:"contracts"`
	Gamma         float64 `json:"gamma"`
	Theta         float64 `json:"theta"`
	Vega          float64 `json:"vega"`
	Book          Greeks  `json:"book"`
	BookBetaDelta float64 `json:"book_beta_delta"`
}

// Score is a candidate's components, raw, and their weighted sum (lower is better).
type Score struct {
	Total       float64 `json:"total"`
	DeltaOff    float64 `json:"delta_off"`    // dollars a 1% move costs off target, after
	Credit      float64 `json:"credit"`       // net credit at mid
	Costs       float64 `json:"costs"`        // commissions and half-spreads
	Commissions float64 `json:"commissions"`  // of which commissions and fees
	HalfSpreads float64 `json:"half_spreads"` // and of which half-spreads: net at mid − net at natural
	GammaCost   float64 `json:"gamma_cost"`   // ½ × 1% × (|layer gamma after| − |before|): a 1% move's gamma P&L
	ThetaGain   float64 `json:"theta_gain"`   // layer theta after − before, per day
	VegaAdded   float64 `json:"vega_added"`   // |layer vega after| − |before|, per vol point
	StrikeMove  float64 `json:"strike_move"`  // |new strike − old| in % of the underlying
	DaysMoved   float64 `json:"days_moved"`   // new expiry − old, calendar days
	WarningLegs int     `json:"warning_legs"` // legs whose liquidity warns
}

// Candidate is one roll, ranked in its plan (1 = best).
type Candidate struct {
	Rank         int               `json:"rank"`
	Shape        Shape             `json:"shape"`
	Legs         []Leg             `json:"legs"`
	NetMid       float64           `json:"net_mid"`     // dollars, credit positive
	NetNatural   float64           `json:"net_natural"` // dollars at the bid/ask, credit positive
	After        State             `json:"after"`
	Liquidity    liquidity.Verdict `json:"liquidity"`
	Why          string            `json:"why"`
	Score        Score             `json:"score"`
	NewContracts int64             `json:"new_contracts"`
}

// Holding is the position a plan rolls. Quantity is signed (negative: short).
type Holding struct {
	ID       string  `json:"id"`
	Symbol   string  `json:"symbol"`
	Quantity float64 `json:"quantity"`
	Layer    string  `json:"layer"`
}

// Plan is the ranked candidates for one short option. Tested says which side it is:
// "tested", "untested" or "alone" (no short option of the other right in its layer).
// Problem, when set, says why the plan has no candidates.
type Plan struct {
	Position    Holding     `json:"position"`
	TargetDelta float64     `json:"target_delta"`
	Before      State       `json:"before"`
	Tested      string      `json:"tested"`
	Candidates  []Candidate `json:"candidates"`
	Problem     string      `json:"problem,omitempty"`
}

// Report is `keel roll --json`: the plans as of a moment. The field names are a contract
// (issue 14).
type Report struct {
	AsOf  time.Time `json:"as_of"`
	Plans []Plan    `json:"plans"`
}

// BuildReport is the report of plans taken at asOf (never a nil list of plans).
func BuildReport(asOf time.Time, plans []Plan) Report {
	if plans == nil {
		plans = []Plan{}
	}
	return Report{AsOf: asOf, Plans: plans}
}
