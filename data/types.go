package data

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/instrument"
)

// AccountKind says whether an account trades real money.
type AccountKind string

const (
	Live  AccountKind = "live"
	Paper AccountKind = "paper"
)

// AccountRef names the account an import is filed under. Empty Broker or Account are taken
// from each event, then from the statement, else Account is DefaultAccount; an empty Kind means Paper for the "paper" broker and Live otherwise.
// Sample marks the bundled sample history so windows can hide it; it is set when the account
// is first recorded.
type AccountRef struct {
	Broker  string
	Account string
	Kind    AccountKind
	Sample  bool
}

// Account is a recorded account.
type Account struct {
	ID int64
	AccountRef
}

// ImportResult counts what an Import did. Events = New + Skipped.
type ImportResult struct {
	Events       int // events in the statement
	New          int // events recorded now
	Skipped      int // events already in the journal (same account and event id)
	TradesOpened int
	TradesClosed int
	Rolls        int
	// The reconciliation: over the new events whose statement row has a cash column
	// (CashRows of them), the broker's net cash and the journal's (−quantity × price ×
	// multiplier − costs); and the legs open at the end in the accounts imported into.
	CashRows      int
	StatementCash decimal.Decimal
	JournalCash   decimal.Decimal
	OpenLegs      int
	// Money movements (deposits, interest, dividends, fees, …): in the statement, recorded
	// now, already in the journal. Those recorded now count in CashRows and both cash sums.
	CashEvents  int
	CashNew     int
	CashAlready int
	// NotImported lists the statement's rows that are neither a position change nor a money
	// movement — file, line, text and why — so none is dropped in silence.
	NotImported []statement.SkippedRow
	// FiledUnder lists the accounts the new and already-recorded events were filed under,
	// in the order first met, each with where its name came from.
	FiledUnder []FiledAccount
}

// Where an imported event's account name came from.
const (
	AccountGiven     = "given"     // the caller named it (--account or the account selected in the window)
	AccountInRows    = "rows"      // the statement's rows name it
	AccountStatement = "statement" // the statement names it (its file name or header)
	AccountDefault   = "default"   // nothing named one: DefaultAccount
)

// FiledAccount is one account an import filed events under and where its name came from
// (AccountGiven, AccountInRows, AccountStatement or AccountDefault).
type FiledAccount struct {
	Broker, Account string
	From            string
}

// Filed says where an import filed its events, for the import's summary line:
// "filed under tastytrade 5WT12345 (named by the statement)" or, when nothing named an
// account, "filed under tastytrade default (the statement names no account; choose one
// with --account)". chooseHint is how the caller picks one (a flag or a menu).
func (r ImportResult) Filed(chooseHint string) string {
	if len(r.FiledUnder) == 0 {
		return ""
	}
	parts := make([]string, len(r.FiledUnder))
	for i, a := range r.FiledUnder {
		why := ""
		switch a.From {
		case AccountGiven:
			why = "as asked"
		case AccountInRows:
			why = "named in the statement's rows"
		case AccountStatement:
			why = "named by the statement"
		case AccountDefault:
			why = "the statement names no account"
			if chooseHint != "" {
				why += "; " + chooseHint
			}
		}
		parts[i] = fmt.Sprintf("%s %s (%s)", a.Broker, a.Account, why)
	}
	return "Filed under " + strings.Join(parts, ", ") + "."
}

// Status is whether a trade still has open legs.
type Status string

const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// Side is whether a leg is long or short.
type Side string

const (
	Long  Side = "long"
	Short Side = "short"
)

// TagKind groups tags: the strategy a trade followed, a mistake made, an emotion felt.
type TagKind string

const (
	StrategyTag TagKind = "strategy"
	MistakeTag  TagKind = "mistake"
	EmotionTag  TagKind = "emotion"
)

// Tag labels trades for review and filtering.
type Tag struct {
	Kind TagKind
	Name string
}

// TradeSummary is one row of the journal list. Money is in the account currency; Costs are
// Commission + Fees + HedgeCost. ClosedAt is zero while the trade is open; DaysHeld counts
// calendar days (fractional) to the close, or to now while open.
type TradeSummary struct {
	ID          int64
	AccountID   int64
	Underlying  string
	Strategy    string
	Status      Status
	OpenedAt    time.Time
	ClosedAt    time.Time
	Premium     decimal.Decimal // credit from options sold to open, before costs
	Commission  decimal.Decimal
	Fees        decimal.Decimal
	HedgeCost   decimal.Decimal
	RealizedPnL decimal.Decimal // closed lots, costs included
	Rolls       int
	Hedges      int
	DaysHeld    float64
}

// Costs is everything the trade paid that is not premium: commission, fees and hedges.
func (t TradeSummary) Costs() decimal.Decimal {
	return t.Commission.Add(t.Fees).Add(t.HedgeCost)
}

// Leg is one instrument position within a trade. Quantity is what is still open.
type Leg struct {
	ID         int64
	Symbol     string
	Instrument instrument.Instrument
	Side       Side
	Quantity   decimal.Decimal
	OpenedAt   time.Time
	ClosedAt   time.Time
}

// FillRow is one recorded fill part. Quantity is signed (+ bought, − sold); Price is per
// unit as quoted; Cash is −Quantity × Price × multiplier − Commission − Fees.
type FillRow struct {
	ID          int64
	LegID       int64
	ExecID      string
	Part        int
	Order       string
	Kind        string // fill, assignment, exercise, expiration, delivery
	Effect      string // open, close
	Time        time.Time
	Symbol      string
	Quantity    decimal.Decimal
	Price       decimal.Decimal
	Commission  decimal.Decimal
	Fees        decimal.Decimal
	Cash        decimal.Decimal
	RealizedPnL decimal.Decimal
	Source      string
}

// ChainStep is one order in a trade's life: Step is "open" (the entry), "roll", "add",
// "close", "assignment", "exercise",
// "expiration" or "delivery" (the shares or future an assignment delivered). Credit is the step's own cash (costs
// included, + received), Cumulative the running total, Breakevens the underlying prices at
// which the legs open after the step, held to expiry, would make the whole trade break even.
type ChainStep struct {
	Time       time.Time
	Order      string
	Step       string
	Opened     []string // symbols opened by the step
	Closed     []string // symbols closed by the step
	Credit     decimal.Decimal
	Cumulative decimal.Decimal
	Breakevens []decimal.Decimal
}

// Settlement is an assignment, exercise or expiration of an option leg.
type Settlement struct {
	ID            int64
	Kind          string
	Time          time.Time
	OptionLegID   int64
	Quantity      decimal.Decimal
	DeliveredLeg  int64 // 0 if nothing was delivered
	OptionSymbol  string
	DeliveredWhat string
}

// Hedge records that a trade was hedged: why, under which policy, at what cost. HedgeTradeID
// is the trade holding the hedge's fills, 0 if none is recorded.
type Hedge struct {
	ID           int64
	TradeID      int64
	HedgeTradeID int64
	Time         time.Time
	Reason       string
	Policy       string
	Cost         decimal.Decimal
}

// GreekSnapshot is the Greeks of a trade (LegID 0) or one leg at a moment, in the desk's
// position units: delta in underlying units, gamma in delta per point, theta per calendar
// day, vega per vol point, IV a fraction (0.20 = 20%).
type GreekSnapshot struct {
	ID              int64
	TradeID         int64
	LegID           int64
	Entry           bool // taken at entry (else a daily snapshot)
	Time            time.Time
	Delta           float64
	Gamma           float64
	Theta           float64
	Vega            float64
	IV              float64
	UnderlyingPrice decimal.Decimal
}

// Lesson is a lesson learned, tied to a trade, a calendar day ("2006-01-02") or a layer.
// Underlying is the linked trade's underlying, for display.
type Lesson struct {
	ID         int64
	TradeID    int64
	Underlying string
	Day        string
	Layer      string
	Text       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TradeDetail is everything the journal knows about one trade.
type TradeDetail struct {
	TradeSummary
	Account          Account
	Legs             []Leg
	Fills            []FillRow
	Chain            []ChainStep
	CumulativeCredit decimal.Decimal   // all cash so far, costs included
	Breakevens       []decimal.Decimal // for the legs open now; empty when flat
	Settlements      []Settlement
	Hedges           []Hedge
	EntryGreeks      []GreekSnapshot
	Attribution      []AttributionRow // the trade's P&L by Greek per day and position (desk trades)
	HoldVol          *VolDuringHold   // realized vs implied vol while held; nil before two recorded days
	Tags             []Tag
	Lessons          []Lesson
	CostShare        decimal.Decimal // Costs / Premium; valid only when HasCostShare
	HasCostShare     bool
}
