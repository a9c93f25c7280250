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
	Option                    // an option on a stock or ETF
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
type Instrument struct {
	Kind       Kind
	Root       string
	Underlying string // for options: the underlying symbol (SPY, ESZ6); empty otherwise
	Expiry     time.Time
	Multiplier float64
	Right      pricing.Right // options only
	Strike     float64       // options only
	Style      pricing.Style // options only
}
