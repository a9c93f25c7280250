package instrument

import (
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

// Kind is what sort of contract an Instrument is.
type Kind int8

const (
	Stock         Kind = iota // a stock or an ETF (leveraged and inverse ETFs included)
	Future                    // a futures contract
	Option                    // an option on a stock, an ETF or a cash index (OCC-cleared)
	FuturesOption             // an option on a futures contract
)

func (k Kind) String() string {
	switch k {
	case Future:
		return "future"
	case Option:
		return "option"
	case FuturesOption:
		return "futures option"
	}
	return "stock"
}

// Instrument is one tradable contract. Root is the underlying's root symbol (SPY, ES);
// for a futures option Underlying names the future it delivers. Expiry is the last
// trading moment in the exchange's time zone (zero for stocks). Multiplier is the
// contract's units per point: 1 for a share, 100 for an equity option, 50 for ES.
//
// ContractYear and ContractMonth name the futures contract month (ESZ6: 2026, December)
// for futures and futures options; they are zero otherwise. The contract month is not
// always the month of Expiry (CLZ6 stops trading in November).
//
// Beta, Benchmark, Leverage and Reference carry the exposure defaults Parse fills in from
// the stock registry and the futures specs (see Stocks and FuturesSpec): a 1% move in
// Benchmark moves the underlying by about Beta %; Leverage is the daily factor relative to
// Reference (SQQQ: −3 × QQQ). For an option they describe its underlying. They are
// editable defaults, not facts: the app may overwrite them from the user's settings.
type Instrument struct {
	Kind       Kind
	Root       string
	Underlying string // for options: the underlying symbol (SPY, ESZ6); empty otherwise
	Expiry     time.Time
	Multiplier float64
	Right      pricing.Right // options only
	Strike     float64       // options only
	Style      pricing.Style // options only

	ContractYear  int        // futures and futures options: the contract year (2026)
	ContractMonth time.Month // futures and futures options: the contract month

	Beta      float64 // % move per 1% move of Benchmark
	Benchmark string  // the ticker Beta is measured against (SPY); empty when unknown
	Leverage  float64 // daily factor relative to Reference (−3 for SQQQ); 1 for plain ones
	Reference string  // what Leverage multiplies (QQQ for SQQQ); the ticker itself if plain
}

// HasExpiry reports whether the instrument expires (futures and options do, stocks don't).
func (in Instrument) HasExpiry() bool { return in.Kind != Stock && !in.Expiry.IsZero() }

// IsOption reports whether the instrument is an option of either kind.
func (in Instrument) IsOption() bool { return in.Kind == Option || in.Kind == FuturesOption }
