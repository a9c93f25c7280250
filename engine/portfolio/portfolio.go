package portfolio

import (
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// Unassigned is the layer of a position whose Layer is empty.
const Unassigned = "Unassigned"

// Position is one holding as the broker reports it, with the layer Keel assigned it to.
// Quantity is signed: contracts for options and futures, shares for stocks and ETFs.
type Position struct {
	ID         string
	Instrument instrument.Instrument
	Quantity   float64
	Layer      string // empty: Unassigned
}

// Quote is the market for one position. Underlying is the price of what the position is
// written on (the future for a futures option; for a stock or future it may be left 0 and
// Price used). Price is the mark per unit (per share, per point of an option). Vol is the
// option's implied volatility as a fraction (0.18); 0 derives it from Price.
type Quote struct {
	Underlying float64
	Price      float64
	Vol        float64
}

// Market is everything Revalue reads besides the positions. Rate is the continuously
// compounded risk-free rate (0.04); DividendYield is by underlying ticker (SPY: 0.012), used
// for options on stocks, ETFs and indices. Quotes are by Position.ID; Underlyings are prices by
// underlying symbol (SPY, ESZ6) and serve every position without its own underlying quote.
type Market struct {
	Now           time.Time
	Rate          float64
	DividendYield map[string]float64
	Quotes        map[string]Quote
	Underlyings   map[string]float64
}

// Config says how to weigh and group the book.
type Config struct {
	// Benchmark is the symbol beta-weighted figures are expressed against: "SPY" (the
	// default when empty) or a futures contract such as "ESZ6". Its price must be in
	// Market.Underlyings.
	Benchmark string
	// Stocks, when not nil, overrides the beta, benchmark and leverage of stocks, ETFs and
	// the underlyings of stock options (see instrument.Stocks.Lookup).
	Stocks instrument.Stocks
	// FuturesBetas overrides the beta of futures and futures options by root (ES, VX).
	FuturesBetas map[string]float64
	// Layers are the trader's layers, in display order. Positions naming a layer not listed
	// get a neutral layer of that name; positions with no layer go to Unassigned.
	Layers []Layer
	// NeutralBand is the |Balance| within which a layer counts as neutral (see BiasCheck);
	// 0 means 0.10.
	NeutralBand float64
	// ShareProxy is the ticker whose shares the delta limit counts (the guide's "500 shares
	// per $100k"); "" means SPY. Its price is read from Market.Underlyings when present.
	ShareProxy string
	// Workers is how many goroutines price options; 0 or 1 prices on the caller's goroutine.
	Workers int
}

// Exposure is the risk of a position or of a sum of positions, as the trader reads it. It is
// Keel's one exposure type: the book, its layers, underlyings and expiries, an order's
// preview and the hedging checklist (engine/hedge's LayerState) all carry it. Units (the
// package doc says more):
//
//   - Delta: underlying units (shares; futures contracts for futures and their options),
//     meaningful within one underlying only. BetaDelta: benchmark units (SPY shares, or ES
//     contracts when the benchmark is ESZ6), beta and leverage included.
//   - DollarDelta, BetaDollarDelta: dollars of the underlying (of the benchmark) held; a
//     +1% move gains about a hundredth of it.
//   - Gamma: dollar gamma, the delta a +1% move of the underlying adds, in dollars at
//     today's price: (0.01·S·Γ·quantity·multiplier units) × S = 0.01·S²·Γ·quantity·multiplier;
//     BetaGamma the same for a +1% move of the benchmark (Gamma·beta²).
//     A policy that wants gamma in units per 1.00 move divides by 0.01·S² (hedge does,
//     in one place).
//   - Theta: dollars per calendar day. Vega: dollars per vol point. Notional, Value:
//     dollars. Bull, Bear: the positive and negative parts of BetaDollarDelta.
type Exposure struct {
	Delta           float64
	DollarDelta     float64
	BetaDollarDelta float64
	BetaDelta       float64 // benchmark units: SPY shares, ES contracts
	Gamma           float64
	BetaGamma       float64
	Theta           float64
	Vega            float64
	Notional        float64
	Value           float64
	Bull            float64 // sum of positive BetaDollarDelta
	Bear            float64 // sum of negative BetaDollarDelta (≤ 0)
}

// Net is Bull + Bear, the net beta-weighted dollar delta.
func (e Exposure) Net() float64 { return e.Bull + e.Bear }

// Balance is Net / (Bull + |Bear|), in [−1, 1]: 0 balanced, +1 all bull, −1 all bear; 0 when
// there is no beta-weighted exposure at all.
func (e Exposure) Balance() float64 {
	gross := e.Bull - e.Bear
	if gross <= 0 {
		return 0
	}
	return (e.Bull + e.Bear) / gross
}

// Plus is e and o summed, field by field: the exposure of the two together.
func (e Exposure) Plus(o Exposure) Exposure {
	e.accumulate(&o)
	return e
}

func (e *Exposure) add(o Exposure) { e.accumulate(&o) }

// accumulate adds o to e without copying it.
func (e *Exposure) accumulate(o *Exposure) {
	e.Delta += o.Delta
	e.DollarDelta += o.DollarDelta
	e.BetaDollarDelta += o.BetaDollarDelta
	e.BetaDelta += o.BetaDelta
	e.Gamma += o.Gamma
	e.BetaGamma += o.BetaGamma
	e.Theta += o.Theta
	e.Vega += o.Vega
	e.Notional += o.Notional
	e.Value += o.Value
	e.Bull += o.Bull
	e.Bear += o.Bear
}

// PositionRisk is one position valued: the inputs used and its Exposure. A position that
// could not be valued has Err set, a zero Exposure and is left out of every sum.
type PositionRisk struct {
	Position
	Underlying      string  // the underlying's symbol: SPY, ESZ6; the ticker for a stock
	UnderlyingPrice float64 // S, the price the Greeks were taken at
	Mark            float64 // price per unit used for Value
	Vol             float64 // volatility used (given or implied); 0 for non-options and expired options
	Years           float64 // ACT/365 time to expiry; 0 for stocks, ≤ 0 once expired
	DTE             float64 // calendar days to expiry (fractional); 0 for stocks
	Beta            float64 // to the book's benchmark, leverage included
	Leverage        float64 // daily factor relative to Reference (SQQQ −3)
	Reference       string  // what Leverage multiplies (QQQ for SQQQ)
	Greeks          pricing.Greeks
	Exposure
	Err error

	carry    float64 // cost of carry b used (options on spot)
	unitMult float64 // multiplier of one underlying unit (1 share; 50 for an ES future)
}

// optionOf rebuilds the pricing inputs of an option position valued in b.
func (b *Book) optionOf(p *PositionRisk) pricing.Option {
	in := p.Instrument
	o := pricing.Option{Style: in.Style, Right: in.Right, Spot: p.UnderlyingPrice, Strike: in.Strike,
		Years: p.Years, Rate: b.Rate, Carry: p.carry, Vol: p.Vol}
	if in.Kind == instrument.FuturesOption {
		o.Underlying = pricing.Futures
	}
	return o
}

// Group is the sum of some positions: a layer, an underlying or an expiry. Positions are
// indexes into Book.Positions.
type Group struct {
	Name      string
	Exposure  Exposure
	Positions []int
}

// ExpiryGroup sums the options expiring on one calendar date (in the exchange's time zone).
type ExpiryGroup struct {
	Group
	Expiry time.Time // the earliest expiry moment on that date
	DTE    float64
}

// LayerRisk is one layer's sums, its bias check and its use of the layer limits.
type LayerRisk struct {
	Layer Layer
	Group
	Configured bool // false for a layer only named by positions (and for Unassigned)
	Bias       BiasCheck
	Contracts  float64 // Σ|quantity| of its options and futures
	LargestLeg float64 // the largest |quantity| of one option or futures position
}

// Benchmark is what beta-weighted figures are expressed against. UnitValue is the money
// value of one benchmark unit: the share price of SPY, price × 50 for an ES contract.
// Beta-weighted dollars against a benchmark with Beta b are 1/b of those against SPY.
type Benchmark struct {
	Symbol    string
	Price     float64
	UnitValue float64
	Beta      float64 // its own beta to what betas are measured against (SPY): 1 for SPY and ES
}

// Book is the valued book: every position, its groupings and the totals. It holds no
// pointers into the inputs and may be handed to other goroutines.
type Book struct {
	Now         time.Time
	Benchmark   Benchmark
	SharePrice  float64 // price of Config.ShareProxy (SPY), 0 when not quoted
	Positions   []PositionRisk
	Layers      []LayerRisk   // configured layers in order, then others by name, then Unassigned
	Underlyings []Group       // by underlying symbol, sorted
	Expiries    []ExpiryGroup // options only, by date
	Total       Exposure
	Rate        float64
	Errors      int // positions left out (PositionRisk.Err set)

	// The memory of the groups' Positions lists and the expiries' names (one string), for
	// RevalueInto to reuse.
	groupIndex  []int
	expiryNames string
}
