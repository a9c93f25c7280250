package paper

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
)

// Store keeps the paper account between runs as rows (see Row). LoadPaper returns the
// account's rows in the order they were first written, none when the account has never
// been saved; SavePaper writes rows in one transaction, replacing a row of the same kind
// and key and deleting it when Body is nil. *data.Journal implements it.
type Store interface {
	LoadPaper(ctx context.Context, account string) ([]Row, error)
	SavePaper(ctx context.Context, account string, rows []Row) error
}

// Config says which paper account to open and how it trades. The zero value of every
// field but Store has a working default.
type Config struct {
	// Store keeps the account; nil keeps it in memory only (tests, benchmarks, load tests).
	Store Store
	// Account names the paper account in the store and in Account.ID; default "paper".
	Account string
	// Seed makes the simulated market of a new account reproducible.
	Seed uint64
	// Start is the market time a NEW account starts at (moved to the next session open
	// when the market is closed then); default the wall clock's now, which the clock moves
	// to the next open. A saved account resumes at its own saved market time.
	Start time.Time
	// Speed is how many market seconds pass per wall second for a new account: 1 is real
	// time, 60 a market minute per second; at most 3600. Default 1.
	Speed float64
	// Commissions are the costs charged per fill; nil means DefaultCommissions.
	Commissions *Commissions
	// Slippage is how many ticks beyond the touch a market order fills at (buys above the
	// ask, sells below the bid); 0 fills at the touch.
	Slippage int
	// StartingCash is a new account's cash; zero means $250,000.
	StartingCash decimal.Decimal
	// EmptyAccount opens a new account with cash only instead of the demo book.
	EmptyAccount bool
	// Wall is the wall clock the market clock follows; default time.Now.
	Wall func() time.Time
	// Manual turns the 100 ms wall ticker off: the market then moves only through
	// Advance (tests and benchmarks).
	Manual bool
	// EventBuffer is the capacity of the Events channel; default 256. Past it, events wait
	// in the broker, where a newer quote replaces an older one of the same symbol.
	EventBuffer int
}

// Commissions are the per-fill costs, positive money per contract or share on both
// opening and closing fills. Commission pays the broker; Fees pass through the exchange
// and regulators. Assignment and exercise cost AssignmentFee per contract.
type Commissions struct {
	EquityOption     decimal.Decimal // per stock/ETF option contract
	FuturesOption    decimal.Decimal // per futures option contract
	Future           decimal.Decimal // per futures contract
	Share            decimal.Decimal // per share
	EquityOptionFees decimal.Decimal // exchange and regulatory fees per stock/ETF option contract
	FuturesFees      decimal.Decimal // exchange and NFA fees per futures or futures option contract
	ShareFees        decimal.Decimal // regulatory fees per share
	AssignmentFee    decimal.Decimal // per contract assigned or exercised
}

// DefaultCommissions are typical US retail rates: $0.65 per stock option contract plus
// about $0.05 of regulatory and clearing fees, $1.50 per futures or futures option
// contract plus about $1.00 of exchange and NFA fees, commission-free shares, and no
// assignment fee.
func DefaultCommissions() Commissions {
	return Commissions{
		EquityOption:     decimal.RequireFromString("0.65"),
		FuturesOption:    decimal.RequireFromString("1.50"),
		Future:           decimal.RequireFromString("1.50"),
		Share:            decimal.Zero,
		EquityOptionFees: decimal.RequireFromString("0.05"),
		FuturesFees:      decimal.RequireFromString("1.00"),
		ShareFees:        decimal.Zero,
		AssignmentFee:    decimal.Zero,
	}
}

// costs is the commission and fees of trading qty (signed or not) of in.
func (c Commissions) costs(in instrument.Instrument, qty int64) (commission, fees decimal.Decimal) {
	n := decimal.NewFromInt(qty).Abs()
	switch in.Kind {
	case instrument.Option:
		return c.EquityOption.Mul(n), c.EquityOptionFees.Mul(n)
	case instrument.FuturesOption:
		return c.FuturesOption.Mul(n), c.FuturesFees.Mul(n)
	case instrument.Future:
		return c.Future.Mul(n), c.FuturesFees.Mul(n)
	}
	return c.Share.Mul(n), c.ShareFees.Mul(n)
}

// ErrClosed is returned by every call after Close.
var ErrClosed = errors.New("paper broker: closed")

// Default values.
const (
	DefaultAccount     = "paper"
	defaultEventBuffer = 256
	tickEvery          = 100 * time.Millisecond
	saveEvery          = 5 * time.Second
	retryEvery         = time.Second // after a failed save
	storeTimeout       = 10 * time.Second
)

// DefaultStartingCash is a new paper account's cash.
var DefaultStartingCash = decimal.NewFromInt(250_000)

func (c Config) withDefaults() (Config, error) {
	if c.Account == "" {
		c.Account = DefaultAccount
	}
	if c.Wall == nil {
		c.Wall = time.Now
	}
	if c.Start.IsZero() {
		c.Start = c.Wall()
	}
	if c.Speed == 0 {
		c.Speed = 1
	}
	if !(c.Speed > 0 && c.Speed <= 3600) {
		return c, errors.New("paper broker: speed must be above 0 and at most 3600")
	}
	if c.Commissions == nil {
		d := DefaultCommissions()
		c.Commissions = &d
	}
	if c.Slippage < 0 {
		return c, errors.New("paper broker: slippage must be zero or more ticks")
	}
	if c.StartingCash.IsZero() {
		c.StartingCash = DefaultStartingCash
	}
	if c.StartingCash.IsNegative() {
		return c, errors.New("paper broker: starting cash must be positive")
	}
	if c.EventBuffer <= 0 {
		c.EventBuffer = defaultEventBuffer
	}
	return c, nil
}
