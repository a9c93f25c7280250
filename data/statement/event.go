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

// CashKind is what a money movement was, in the trader's words.
type CashKind string

const (
	Deposit       CashKind = "deposit"
	Withdrawal    CashKind = "withdrawal"
	Interest      CashKind = "interest"       // credit or debit interest, margin interest
	Dividend      CashKind = "dividend"       // dividends and payments in lieu, withholding tax on them
	Fee           CashKind = "fee"            // account, data, exchange and regulatory fees
	FeeAdjustment CashKind = "fee adjustment" // a fee or commission refunded or corrected
	MarkToMarket  CashKind = "mark to market" // a future's daily variation margin
	OtherCash     CashKind = "other"          // any other money movement, kept with its text
)

// CashEvent is a money movement that changes no position: a deposit, a withdrawal, interest,
// a dividend, a fee or its adjustment. Amount is the broker's own figure, signed from the
// account's side (received positive, paid negative). ID is stable across re-imports, like an
// Event's, so a statement imported twice records each movement once.
type CashEvent struct {
	Broker      string
	Account     string
	ID          string
	Time        time.Time
	Kind        CashKind
	Amount      decimal.Decimal
	Currency    string // empty when the statement does not say (the account's currency)
	Symbol      string // the security a dividend or fee is about, when the row names one
	Description string // the broker's text for the row
	Source      string // "statement.csv line 14"
}
