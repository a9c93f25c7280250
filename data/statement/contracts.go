package statement

// Contract helpers: the statement's symbol texts turned into instrument.Instruments through
// engine/instrument (OCC symbols, futures codes, Keel's futures-option notation, contract
// specs and expiry rules all live there). What is here is only the broker-specific
// notation: tastytrade's futures-option symbols and the glue from a statement's columns.

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// newYork is the time zone the brokers here print times in when the file gives none. If the
// zone database is missing, a fixed UTC−5 is used.
var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return time.FixedZone("EST", -5*3600)
	}
	return loc
}()

// tastyFutOption matches a tastytrade futures-option symbol: "./ESZ6 EW3X6 261120C6000" —
// the future, the CME option code, yymmdd, C or P, the strike as printed.
var tastyFutOption = regexp.MustCompile(`^\./([A-Z0-9]{1,4}[FGHJKMNQUVXZ]\d{1,2})\s+([A-Z0-9]+)\s+(\d{6})([CP])(\d+(?:\.\d+)?)$`)

// contractError wraps what engine/instrument said about a symbol.
func contractError(err error) error {
	return fmt.Errorf("is not a contract Keel knows (%v)", err)
}

// stockInstrument is a share of a stock or ETF, with engine/instrument's defaults (beta,
// leverage) when it knows the ticker.
func stockInstrument(sym string, ref time.Time) instrument.Instrument {
	if in, err := instrument.Parse(sym, ref); err == nil && in.Kind == instrument.Stock {
		return in
	}
	return instrument.Instrument{Kind: instrument.Stock, Root: sym, Multiplier: 1, Leverage: 1, Reference: sym}
}

// occInstrument parses an OCC symbol into an equity option; mult is the statement's
// multiplier (0 keeps the standard one).
func occInstrument(sym string, mult float64) (instrument.Instrument, error) {
	in, err := instrument.ParseOCC(strings.TrimSpace(sym))
	if err != nil {
		return in, contractError(err)
	}
	if mult > 0 {
		in.Multiplier = mult
	}
	return in, nil
}

// equityOption builds an equity option from its parts by way of its OCC symbol.
func equityOption(root string, expiry time.Time, right pricing.Right, strike decimal.Decimal, mult float64) (instrument.Instrument, error) {
	cp := "C"
	if right == pricing.Put {
		cp = "P"
	}
	milli := strike.Shift(3)
	if !milli.IsInteger() || milli.Sign() <= 0 || milli.GreaterThanOrEqual(decimal.New(1, 8)) || len(root) > 6 {
		return instrument.Instrument{}, fmt.Errorf("cannot be written as an OCC symbol (root %s, strike %s)", root, strike)
	}
	occ := fmt.Sprintf("%-6s%s%s%08d", root, expiry.Format("060102"), cp, milli.IntPart())
	return occInstrument(occ, mult)
}

// futureInstrument parses a futures code (/ESZ6, MESZ6, /ESZ26); mult is the statement's
// multiplier (0 keeps the contract spec's).
func futureInstrument(code string, ref time.Time, mult float64) (instrument.Instrument, error) {
	in, err := instrument.ParseFutures(strings.TrimSpace(code), ref)
	if err != nil {
		return in, contractError(err)
	}
	if mult > 0 {
		in.Multiplier = mult
	}
	return in, nil
}

// futuresOption builds an option on the future named by code (ESZ6, /ESZ26) through Keel's
// notation "ESZ6 P6300 2026-11-20".
func futuresOption(code string, ref time.Time, right pricing.Right, strike decimal.Decimal, expiry time.Time, mult float64) (instrument.Instrument, error) {
	fc, err := instrument.ParseFuturesCode(strings.TrimSpace(code), ref)
	if err != nil {
		return instrument.Instrument{}, contractError(err)
	}
	cp := "C"
	if right == pricing.Put {
		cp = "P"
	}
	s := fmt.Sprintf("%s %s%s %s", instrument.FormatFutures(fc.Root, fc.Year, fc.Month), cp, strike.String(), expiry.Format("2006-01-02"))
	in, err := instrument.Parse(s, ref)
	if err != nil {
		return in, contractError(err)
	}
	if mult > 0 {
		in.Multiplier = mult
	}
	return in, nil
}

// tastyFuturesOption parses "./ESZ6 EW3X6 261120C6000".
func tastyFuturesOption(sym string, ref time.Time, mult float64) (instrument.Instrument, error) {
	m := tastyFutOption.FindStringSubmatch(strings.TrimSpace(sym))
	if m == nil {
		return instrument.Instrument{}, fmt.Errorf("is not a futures-option symbol like ./ESZ6 EW3X6 261120C6000")
	}
	exp, err := time.ParseInLocation("060102", m[3], newYork)
	if err != nil {
		return instrument.Instrument{}, fmt.Errorf("has an impossible expiration date")
	}
	strike, ok := number(m[5])
	if !ok || strike.Sign() <= 0 {
		return instrument.Instrument{}, fmt.Errorf("has no valid strike")
	}
	right := pricing.Call
	if m[4] == "P" {
		right = pricing.Put
	}
	return futuresOption(m[1], ref, right, strike, exp, mult)
}
