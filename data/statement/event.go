package statement

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
)

// Kind is what happened to a position in one statement row.
type Kind int8

const (
	Fill       Kind = iota // a trade executed at a price
	Assignment             // a short option was assigned
	Exercise               // a long option was exercised
	Expiration             // an option expired worthless
	Delivery               // the underlying (shares or a future) delivered by an assignment or exercise
)

func (k Kind) String() string {
	return [...]string{"fill", "assignment", "exercise", "expiration", "delivery"}[k]
}

// Effect says whether a row opens or closes a position, as the broker reports it.
type Effect int8

const (
	EffectUnknown Effect = iota
	Open
	Close
)

// Event is one broker-reported change to a position, in a broker-neutral form. Quantity
// is signed in contracts or shares: positive bought, negative sold. Price is per unit of
// the underlying (the premium as quoted, not times the multiplier). Commission and Fees
// are positive money paid. ID is stable across re-imports of the same or an overlapping
// statement (the broker's execution id where it has one), so importing twice never
// duplicates. Events sharing Order were filled together in one order.
type Event struct {
	Broker     string // "tastytrade", "ibkr", "thinkorswim", "paper"
	Account    string
	ID         string
	Order      string
	Time       time.Time
	Kind       Kind
	Effect     Effect
	Instrument instrument.Instrument
	Symbol     string // the broker's own symbol text, kept for display and audit
	Quantity   decimal.Decimal
	Price      decimal.Decimal
	Commission decimal.Decimal
	Fees       decimal.Decimal
	Source     string // where it came from, for messages: "statement.csv line 14"
	// Cash is the broker's own cash for the row (its cash column: signed from the account's
	// side, commissions and fees included), when HasCash; the import reconciles against it.
	Cash    decimal.Decimal
	HasCash bool
}
