package brokers

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
)

// Broker is what Keel needs from a brokerage: the account, positions, market data, orders
// and the events that change them. Every call takes a context and may block on the
// network; callers run them off the UI goroutine. Symbols are Keel's canonical notation
// (instrument.Instrument.Symbol): "SPY", "ESZ6", "SPY   261218P00640000",
// "ESZ6 C6000 2026-12-18 AM".
//
// An implementation must pass the shared suite in brokers/brokertest.
type Broker interface {
	// Name is the broker's short name as the journal files it: "paper", "tastytrade".
	Name() string

	// Connect opens the session (a no-op when already connected); Disconnect closes it.
	// While disconnected every other call except Events returns ErrDisconnected.
	Connect(ctx context.Context) error
	Disconnect() error

	// Events is the one stream of everything the broker reports, in order: quotes for
	// subscribed symbols, order updates, fills, settlements and connection changes. The
	// channel lives as long as the Broker (across reconnects) and is never closed while
	// the Broker is in use. A consumer that falls behind loses quotes (the latest quote is
	// always re-sent), never orders, fills or settlements.
	Events() <-chan Event

	Account(ctx context.Context) (Account, error)
	Positions(ctx context.Context) ([]Position, error)

	// Lookup resolves a symbol to the broker's instrument (multiplier, expiry, style).
	Lookup(ctx context.Context, symbol string) (instrument.Instrument, error)
	// Expirations lists the option expiries listed on an underlying (a stock, ETF or
	// future symbol), soonest first.
	Expirations(ctx context.Context, underlying string) ([]time.Time, error)
	// Chain is the option chain of one underlying and expiry with the quotes of now.
	Chain(ctx context.Context, underlying string, expiry time.Time) (Chain, error)
	// Quote is the latest quote of one symbol.
	Quote(ctx context.Context, symbol string) (Quote, error)

	// Subscribe adds symbols to the quote stream; Unsubscribe removes them. Subscribing
	// twice is harmless. After a reconnect the broker restores the subscriptions.
	Subscribe(ctx context.Context, symbols ...string) error
	Unsubscribe(ctx context.Context, symbols ...string) error

	// Place sends an order. Order.ClientID is the idempotency key: placing again with a
	// ClientID the broker already knows returns that order's status and sends nothing.
	// A refused order returns a *RejectedError.
	Place(ctx context.Context, o Order) (OrderStatus, error)
	// Replace changes a working order's limit price, quantity or time in force (the legs
	// stay); it keeps the order id.
	Replace(ctx context.Context, orderID string, o Order) (OrderStatus, error)
	// Cancel cancels a working order. Cancelling a finished order returns a
	// *RejectedError saying why.
	Cancel(ctx context.Context, orderID string) error
	// Orders lists the orders of the current trading day and all working orders.
	Orders(ctx context.Context) ([]OrderStatus, error)
	// Fills lists executions at or after since, oldest first.
	Fills(ctx context.Context, since time.Time) ([]Fill, error)
	// Settlements lists expirations, assignments and exercises at or after since.
	Settlements(ctx context.Context, since time.Time) ([]Settlement, error)
}

// SimulatedClock is implemented by brokers whose market runs on a simulated clock (the
// paper broker): the desk shows the clock and lets the trader change its speed or pause.
type SimulatedClock interface {
	Clock() ClockState
	SetSpeed(speed float64) error // 1 = real time, 60 = a minute per second
	SetPaused(paused bool)
}

// ClockState is the simulated market's clock as the trader sees it.
type ClockState struct {
	Now    time.Time // market time, in New York
	Speed  float64
	Paused bool
	Open   bool // the regular session is open
}

// Account is the money side of the account. NetLiquidation is cash plus the marked value
// of every position; BuyingPower is what the broker lets the account commit to new
// positions (see the broker's own definition).
type Account struct {
	ID             string
	Currency       string // "USD"
	NetLiquidation decimal.Decimal
	Cash           decimal.Decimal
	BuyingPower    decimal.Decimal
	Maintenance    decimal.Decimal // margin the positions hold now
	RealizedPnL    decimal.Decimal // since the account opened, after costs
}

// Position is a holding as the broker reports it. Quantity is signed: positive long,
// negative short, in contracts or shares. AveragePrice is the average open price per unit
// of the underlying (as quoted, not times the multiplier); Mark the broker's latest mark.
type Position struct {
	Instrument   instrument.Instrument
	Symbol       string
	Quantity     int64
	AveragePrice decimal.Decimal
	Mark         decimal.Decimal
	Opened       time.Time
}

// Quote is the market of one instrument. Prices are per unit of the underlying. IV and
// the Greeks are zero when the broker does not provide them (HasGreeks false); Keel then
// computes its own. Underlying is the underlying's last price, for options.
type Quote struct {
	Symbol       string
	Instrument   instrument.Instrument
	Time         time.Time
	Bid, Ask     decimal.Decimal
	Last         decimal.Decimal
	BidSize      int64
	AskSize      int64
	Volume       int64 // contracts or shares traded today
	OpenInterest int64 // options and futures; 0 when unknown
	Underlying   decimal.Decimal
	IV           float64 // fraction (0.20 = 20%)
	HasGreeks    bool
	Delta        float64 // per unit, as pricing.Greeks
	Gamma        float64
	Theta        float64 // per year
	Vega         float64 // per 1.00 of vol
}

// Mid is the midpoint of bid and ask, or Last when either side is missing.
func (q Quote) Mid() decimal.Decimal {
	if q.Bid.IsPositive() && q.Ask.IsPositive() {
		return q.Bid.Add(q.Ask).Div(decimal.NewFromInt(2))
	}
	return q.Last
}

// Chain is one expiry of an underlying's option chain, strikes ascending.
type Chain struct {
	Underlying string
	Expiry     time.Time
	Price      decimal.Decimal // the underlying's last price when the chain was taken
	Strikes    []Strike
}

// Strike is one row of a chain: the call and the put at one strike.
type Strike struct {
	Strike    float64
	Call, Put Quote
}

// OrderType is how an order is priced.
type OrderType int8

const (
	Limit  OrderType = iota // fill at the limit or better
	Market                  // fill at the market now
)

func (t OrderType) String() string { return [...]string{"limit", "market"}[t] }

// TimeInForce is how long an order works.
type TimeInForce int8

const (
	Day TimeInForce = iota // until the session closes
	GTC                    // good till cancelled
)

func (t TimeInForce) String() string { return [...]string{"day", "GTC"}[t] }

// Order is a single-leg or multi-leg order. Each leg has a signed Ratio (+1 buy one,
// −2 sell two per unit of the order); Quantity is how many units of the whole order (so a
// 3-lot strangle is two legs of −1 with Quantity 3; a single leg of −5 contracts is Ratio
// −1, Quantity 5). Limit is the net price per unit of the order per unit of underlying:
// Σ Ratio × leg price, positive a debit paid, negative a credit received. Multi-leg orders
// fill all legs or none.
type Order struct {
	ClientID string // idempotency key, unique per intended order
	Legs     []Leg
	Quantity int64
	Type     OrderType
	Limit    decimal.Decimal // ignored for Market
	TIF      TimeInForce
	Note     string // why the trader sent it; kept by the journal
}

// Leg is one instrument of an order.
type Leg struct {
	Symbol     string
	Instrument instrument.Instrument
	Ratio      int64
}

// OrderState is where an order is in its life.
type OrderState int8

const (
	Working   OrderState = iota // accepted, not (fully) filled
	Filled                      // completely filled
	Cancelled                   // cancelled by the trader or at the end of its day
	Rejected                    // refused by the broker
)

func (s OrderState) String() string {
	return [...]string{"working", "filled", "cancelled", "rejected"}[s]
}

// Done says whether the order can change no more.
func (s OrderState) Done() bool { return s != Working }

// OrderStatus is the broker's view of one order.
type OrderStatus struct {
	ID        string // the broker's order id
	Order     Order
	State     OrderState
	Filled    int64           // units of the order filled
	AvgPrice  decimal.Decimal // net price per unit of the fills so far
	Reason    string          // why it was rejected or cancelled, in words
	Submitted time.Time
	Updated   time.Time
}

// Fill is the execution of one leg. Fills of a multi-leg order share OrderID and Time.
// Quantity is signed (bought positive); Price per unit of the underlying; Commission and
// Fees positive money paid for this leg.
type Fill struct {
	ID         string // stable execution id: seeing it twice means the same fill
	OrderID    string
	ClientID   string
	Time       time.Time
	Symbol     string
	Instrument instrument.Instrument
	Quantity   int64
	Price      decimal.Decimal
	Commission decimal.Decimal
	Fees       decimal.Decimal
}

// SettlementKind is what happened to an option at or before expiry.
type SettlementKind int8

const (
	Expired   SettlementKind = iota // expired out of the money: removed at zero
	Assigned                        // a short option was assigned
	Exercised                       // a long option was exercised
)

func (k SettlementKind) String() string {
	return [...]string{"expired", "assigned", "exercised"}[k]
}

// Settlement is an option leaving the account other than by a trade. Quantity is the
// signed change to the option position (+2 closes two short contracts). For an
// assignment or exercise, Delivered is the shares or future received or delivered and
// DeliveredQuantity its signed change, at Price (the strike).
type Settlement struct {
	ID                string // stable id
	Time              time.Time
	Kind              SettlementKind
	Symbol            string
	Instrument        instrument.Instrument
	Quantity          int64
	Delivered         instrument.Instrument
	DeliveredSymbol   string
	DeliveredQuantity int64
	Price             decimal.Decimal
	Fees              decimal.Decimal
	Reason            string // e.g. "deep in the money with 0.03 of extrinsic value left"
}

// CostEstimator is implemented by brokers that can say before sending what an order will
// cost: commission and exchange/regulatory fees, positive money, for the whole order.
type CostEstimator interface {
	EstimateCosts(o Order) (commission, fees decimal.Decimal, err error)
}
