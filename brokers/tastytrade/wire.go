package tastytrade

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// dec is a decimal as tastytrade sends it: a string ("12.5"), sometimes a bare number,
// possibly null, "" or "NaN" (all read as missing: Valid false).
type dec struct {
	D     decimal.Decimal
	Valid bool
}

func (d *dec) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	*d = dec{}
	switch strings.ToLower(s) {
	case "", "null", "nan", "-nan", "infinity", "-infinity", "inf", "-inf":
		return nil
	}
	v, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("not a decimal: %q", s)
	}
	d.D, d.Valid = v, true
	return nil
}

func (d dec) MarshalJSON() ([]byte, error) {
	if !d.Valid {
		return []byte("null"), nil
	}
	return []byte(`"` + d.D.String() + `"`), nil
}

func decOf(v decimal.Decimal) dec { return dec{D: v, Valid: true} }

// flexID is an id sent as a number or a string.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "null" {
		s = ""
	}
	*f = flexID(s)
	return nil
}

// stamp is a time sent as RFC 3339 text or epoch milliseconds.
type stamp struct{ time.Time }

func (t *stamp) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	t.Time = time.Time{}
	if s == "" || s == "null" {
		return nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		t.Time = time.UnixMilli(ms).UTC()
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700"} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return nil
		}
	}
	return fmt.Errorf("not a time: %q", s)
}

func (t stamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.Time.UTC().Format(time.RFC3339Nano))
}

// Instrument types as the API spells them.
const (
	ttEquity       = "Equity"
	ttEquityOption = "Equity Option"
	ttFuture       = "Future"
	ttFutureOption = "Future Option"
)

type items[T any] struct {
	Items []T `json:"items"`
}

type wireAccount struct {
	Account struct {
		AccountNumber string `json:"account-number"`
		Nickname      string `json:"nickname"`
		AccountType   string `json:"account-type-name"`
		MarginOrCash  string `json:"margin-or-cash"`
		IsClosed      bool   `json:"is-closed"`
	} `json:"account"`
	AuthorityLevel string `json:"authority-level"`
}

type wireBalances struct {
	AccountNumber          string `json:"account-number"`
	Currency               string `json:"currency"`
	NetLiquidatingValue    dec    `json:"net-liquidating-value"`
	CashBalance            dec    `json:"cash-balance"`
	DerivativeBuyingPower  dec    `json:"derivative-buying-power"`
	EquityBuyingPower      dec    `json:"equity-buying-power"`
	MaintenanceRequirement dec    `json:"maintenance-requirement"`
}

type wirePosition struct {
	AccountNumber     string `json:"account-number"`
	Symbol            string `json:"symbol"`
	InstrumentType    string `json:"instrument-type"`
	UnderlyingSymbol  string `json:"underlying-symbol"`
	Quantity          dec    `json:"quantity"`
	QuantityDirection string `json:"quantity-direction"` // Long, Short, Zero
	AverageOpenPrice  dec    `json:"average-open-price"`
	ClosePrice        dec    `json:"close-price"`
	Mark              dec    `json:"mark"`
	MarkPrice         dec    `json:"mark-price"`
	Multiplier        dec    `json:"multiplier"`
	CreatedAt         stamp  `json:"created-at"`
	ExpiresAt         stamp  `json:"expires-at"`
}

type wireFill struct {
	FillID    string `json:"fill-id"`
	Quantity  dec    `json:"quantity"`
	FillPrice dec    `json:"fill-price"`
	FilledAt  stamp  `json:"filled-at"`
	ExtExecID string `json:"ext-exec-id,omitempty"`
}

type wireLeg struct {
	InstrumentType    string     `json:"instrument-type"`
	Symbol            string     `json:"symbol"`
	Quantity          dec        `json:"quantity"`
	RemainingQuantity dec        `json:"remaining-quantity"`
	Action            string     `json:"action"`
	Fills             []wireFill `json:"fills"`
}

type wireOrder struct {
	ID                 flexID    `json:"id"`
	AccountNumber      string    `json:"account-number"`
	TimeInForce        string    `json:"time-in-force"`
	OrderType          string    `json:"order-type"`
	Size               dec       `json:"size"`
	UnderlyingSymbol   string    `json:"underlying-symbol"`
	Price              dec       `json:"price"`
	PriceEffect        string    `json:"price-effect"`
	Status             string    `json:"status"`
	Cancellable        bool      `json:"cancellable"`
	Editable           bool      `json:"editable"`
	ReceivedAt         stamp     `json:"received-at"`
	UpdatedAt          stamp     `json:"updated-at"`
	TerminalAt         stamp     `json:"terminal-at"`
	RejectReason       string    `json:"reject-reason"`
	ExternalIdentifier string    `json:"external-identifier"`
	ReplacesOrderID    flexID    `json:"replaces-order-id"`
	ReplacingOrderID   flexID    `json:"replacing-order-id"`
	Legs               []wireLeg `json:"legs"`
}

// Order requests: legs carry unsigned quantities and an action.
type orderLegRequest struct {
	InstrumentType string `json:"instrument-type"`
	Symbol         string `json:"symbol"`
	Quantity       int64  `json:"quantity"`
	Action         string `json:"action"`
}

type orderRequest struct {
	TimeInForce        string            `json:"time-in-force"`
	OrderType          string            `json:"order-type"`
	Price              *dec              `json:"price,omitempty"`
	PriceEffect        string            `json:"price-effect,omitempty"`
	ExternalIdentifier string            `json:"external-identifier,omitempty"`
	Source             string            `json:"source,omitempty"`
	Legs               []orderLegRequest `json:"legs"`
}

type wireMessage struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type wireBuyingPowerEffect struct {
	ChangeInMarginRequirement       dec    `json:"change-in-margin-requirement"`
	ChangeInMarginRequirementEffect string `json:"change-in-margin-requirement-effect"`
	ChangeInBuyingPower             dec    `json:"change-in-buying-power"`
	ChangeInBuyingPowerEffect       string `json:"change-in-buying-power-effect"`
	CurrentBuyingPower              dec    `json:"current-buying-power"`
	CurrentBuyingPowerEffect        string `json:"current-buying-power-effect"`
	NewBuyingPower                  dec    `json:"new-buying-power"`
	NewBuyingPowerEffect            string `json:"new-buying-power-effect"`
	IsolatedOrderMarginRequirement  dec    `json:"isolated-order-margin-requirement"`
	IsSpread                        bool   `json:"is-spread"`
	Impact                          dec    `json:"impact"`
	Effect                          string `json:"effect"`
}

type wireFeeCalculation struct {
	RegulatoryFees dec    `json:"regulatory-fees"`
	ClearingFees   dec    `json:"clearing-fees"`
	Commission     dec    `json:"commission"`
	TotalFees      dec    `json:"total-fees"`
	TotalEffect    string `json:"total-fees-effect"`
}

type wireOrderResponse struct {
	Order             wireOrder             `json:"order"`
	BuyingPowerEffect wireBuyingPowerEffect `json:"buying-power-effect"`
	FeeCalculation    *wireFeeCalculation   `json:"fee-calculation"`
	Warnings          []wireMessage         `json:"warnings"`
	Errors            []wireMessage         `json:"errors"`
}

type wireEquity struct {
	Symbol         string `json:"symbol"`
	InstrumentType string `json:"instrument-type"`
	StreamerSymbol string `json:"streamer-symbol"`
	Description    string `json:"description"`
}

type wireEquityOption struct {
	Symbol           string `json:"symbol"`
	InstrumentType   string `json:"instrument-type"`
	UnderlyingSymbol string `json:"underlying-symbol"`
	StrikePrice      dec    `json:"strike-price"`
	OptionType       string `json:"option-type"`
	ExpirationDate   string `json:"expiration-date"`
	SharesPerDeliver dec    `json:"shares-per-contract"`
	StreamerSymbol   string `json:"streamer-symbol"`
}

type wireFuture struct {
	Symbol         string `json:"symbol"`
	ProductCode    string `json:"product-code"`
	ExpirationDate string `json:"expiration-date"`
	StreamerSymbol string `json:"streamer-symbol"`
	TickSize       dec    `json:"tick-size"`
	Multiplier     dec    `json:"notional-multiplier"`
}

type wireFutureOption struct {
	Symbol           string `json:"symbol"`
	UnderlyingSymbol string `json:"underlying-symbol"`
	ProductCode      string `json:"product-code"`
	ExpirationDate   string `json:"expiration-date"`
	StrikePrice      dec    `json:"strike-price"`
	OptionType       string `json:"option-type"`
	SettlementType   string `json:"settlement-type"`
	StreamerSymbol   string `json:"streamer-symbol"`
}

type wireStrike struct {
	StrikePrice        dec    `json:"strike-price"`
	Call               string `json:"call"`
	CallStreamerSymbol string `json:"call-streamer-symbol"`
	Put                string `json:"put"`
	PutStreamerSymbol  string `json:"put-streamer-symbol"`
}

type wireExpiration struct {
	UnderlyingSymbol string       `json:"underlying-symbol"` // futures chains: the future ("/ESZ6")
	OptionRootSymbol string       `json:"option-root-symbol"`
	ExpirationType   string       `json:"expiration-type"`
	ExpirationDate   string       `json:"expiration-date"`
	SettlementType   string       `json:"settlement-type"` // AM or PM
	Strikes          []wireStrike `json:"strikes"`
}

type wireNestedChain struct {
	UnderlyingSymbol string           `json:"underlying-symbol"`
	RootSymbol       string           `json:"root-symbol"`
	Expirations      []wireExpiration `json:"expirations"`
}

type wireFuturesChains struct {
	Futures      []wireFuture      `json:"futures"`
	OptionChains []wireNestedChain `json:"option-chains"`
}

type wireMarketData struct {
	Symbol         string `json:"symbol"`
	InstrumentType string `json:"instrument-type"`
	UpdatedAt      stamp  `json:"updated-at"`
	Bid            dec    `json:"bid"`
	Ask            dec    `json:"ask"`
	Last           dec    `json:"last"`
	Mark           dec    `json:"mark"`
	BidSize        dec    `json:"bid-size"`
	AskSize        dec    `json:"ask-size"`
	Volume         dec    `json:"volume"`
	OpenInterest   dec    `json:"open-interest"`
}

type wireQuoteToken struct {
	Token     string `json:"token"`
	DXLinkURL string `json:"dxlink-url"`
	Level     string `json:"level"`
}

// intOf is a whole, finite decimal as int64 (quantities).
func intOf(d dec) int64 {
	if !d.Valid {
		return 0
	}
	f, _ := d.D.Float64()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return d.D.Round(0).IntPart()
}
