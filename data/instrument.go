package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// monthCodes are the futures month letters, January to December.
const monthCodes = "FGHJKMNQUVXZ"

// Symbol is Keel's canonical text for an instrument, unique per contract:
//
//	stock or ETF     SPY
//	future           ESZ26          (root, month code, two-digit year of expiry)
//	option           SPY 2026-12-18 450 P
//	futures option   ESZ26 2026-12-18 5000 C   (the future it delivers, then as an option)
func Symbol(in instrument.Instrument) string {
	switch in.Kind {
	case instrument.Future:
		if in.Expiry.IsZero() {
			return in.Root
		}
		return fmt.Sprintf("%s%c%02d", in.Root, monthCodes[in.Expiry.Month()-1], in.Expiry.Year()%100)
	case instrument.Option, instrument.FuturesOption:
		u := in.Underlying
		if u == "" {
			u = in.Root
		}
		if in.Kind == instrument.FuturesOption {
			u = futureSymbol(in.Root, u, in.Expiry)
		}
		r := "C"
		if in.Right == pricing.Put {
			r = "P"
		}
		return fmt.Sprintf("%s %s %s %s", u, in.Expiry.Format("2006-01-02"), strconv.FormatFloat(in.Strike, 'f', -1, 64), r)
	}
	return in.Root
}

// futureSymbol writes a futures option's underlying with a two-digit year, as Symbol writes
// futures: ESZ6 on an option expiring in 2026 is ESZ26 (the future expires in the option's
// year or within the nine after it). Other texts are kept as they are.
func futureSymbol(root, u string, optionExpiry time.Time) string {
	n := len(root)
	if len(u) != n+2 || u[:n] != root || !strings.ContainsRune(monthCodes, rune(u[n])) || u[n+1] < '0' || u[n+1] > '9' {
		return u
	}
	digit := int(u[n+1] - '0')
	year := optionExpiry.Year()
	for year%10 != digit {
		year++
	}
	return fmt.Sprintf("%s%02d", u[:n+1], year%100)
}

func isOption(k instrument.Kind) bool {
	return k == instrument.Option || k == instrument.FuturesOption
}

// checkInstrument rejects what the journal cannot store faithfully.
func checkInstrument(in instrument.Instrument) error {
	if strings.TrimSpace(in.Root) == "" {
		return fmt.Errorf("instrument has no root symbol")
	}
	if math.IsNaN(in.Multiplier) || math.IsInf(in.Multiplier, 0) || in.Multiplier <= 0 {
		return fmt.Errorf("instrument %s: multiplier %v must be a positive number", in.Root, in.Multiplier)
	}
	if isOption(in.Kind) {
		if math.IsNaN(in.Strike) || math.IsInf(in.Strike, 0) || in.Strike <= 0 {
			return fmt.Errorf("option on %s: strike %v must be a positive number", in.Root, in.Strike)
		}
		if in.Expiry.IsZero() {
			return fmt.Errorf("option on %s %v: no expiry", in.Root, in.Strike)
		}
	}
	return nil
}

func kindText(k instrument.Kind) string { return k.String() }

func parseKind(s string) (instrument.Kind, error) {
	for _, k := range []instrument.Kind{instrument.Stock, instrument.Future, instrument.Option, instrument.FuturesOption} {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("journal holds an unknown instrument kind %q", s)
}

// instrumentRow is an instrument as stored, with its id and exact multiplier and strike.
type instrumentRow struct {
	ID         int64
	Symbol     string
	Instrument instrument.Instrument
	Multiplier decimal.Decimal
	Strike     decimal.Decimal
	// shape is what the stored row says (which names a trade's strategy); created is set when
	// the row was inserted by the current transaction, so no position in it was recorded before.
	shape   instrumentShape
	created bool
}

// instrumentShape is an instrument as its stored columns describe it: its kind, whether it
// is a put, and the strike and expiry texts ("" when NULL).
type instrumentShape struct {
	kind   instrument.Kind
	put    bool
	strike string
	expiry string
}

// Statements that find and record instruments; the importer prepares them once per transaction.
const (
	// the instruments among a JSON array of symbols, in one query
	findInstrumentsSQL = `SELECT symbol, id, kind, option_right, strike, expiry FROM instruments
		WHERE symbol IN (SELECT value FROM json_each(?))`
	insertInstrumentSQL = `INSERT INTO instruments (symbol, kind, root, underlying, expiry, multiplier, option_right, strike, style)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// storedInstrument is an instrument's row as the journal holds it.
type storedInstrument struct {
	id    int64
	shape instrumentShape
}

// findInstruments adds to found the stored row of each of symbols, or nil for a symbol the
// journal does not hold; find is findInstrumentsSQL prepared in the transaction.
func findInstruments(ctx context.Context, find *sql.Stmt, symbols []string, found map[string]*storedInstrument) error {
	list, err := json.Marshal(symbols)
	if err != nil {
		return err
	}
	for _, s := range symbols {
		found[s] = nil
	}
	rows, err := find.QueryContext(ctx, string(list))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var symbol, kind string
		var right, strike, expiry sql.NullString
		st := &storedInstrument{}
		if err := rows.Scan(&symbol, &st.id, &kind, &right, &strike, &expiry); err != nil {
			return err
		}
		k, err := parseKind(kind)
		if err != nil {
			return fmt.Errorf("instrument %s: %w", symbol, err)
		}
		st.shape = instrumentShape{kind: k, put: right.String == "put", strike: strike.String, expiry: expiry.String}
		found[symbol] = st
	}
	return rows.Err()
}

// ensureInstrument returns the row of the instrument with in's canonical symbol: stored when
// the journal holds it, else inserted with insert (insertInstrumentSQL prepared in the
// writing transaction).
func ensureInstrument(ctx context.Context, insert *sql.Stmt, in instrument.Instrument, stored *storedInstrument) (instrumentRow, error) {
	if err := checkInstrument(in); err != nil {
		return instrumentRow{}, err
	}
	row := instrumentRow{Symbol: Symbol(in), Instrument: in, Multiplier: decimal.NewFromFloat(in.Multiplier)}
	if isOption(in.Kind) {
		row.Strike = decimal.NewFromFloat(in.Strike)
	}
	if stored != nil {
		row.ID, row.shape = stored.id, stored.shape
		return row, nil
	}
	row.shape = instrumentShape{kind: in.Kind}
	var expiryArg, rightArg, strikeArg, styleArg any
	if !in.Expiry.IsZero() {
		row.shape.expiry = in.Expiry.Format(time.RFC3339Nano)
		expiryArg = row.shape.expiry
	}
	if isOption(in.Kind) {
		row.shape.put, row.shape.strike = in.Right == pricing.Put, row.Strike.String()
		rightArg, strikeArg, styleArg = in.Right.String(), row.shape.strike, in.Style.String()
	}
	res, err := insert.ExecContext(ctx, row.Symbol, kindText(in.Kind), in.Root, in.Underlying, expiryArg, row.Multiplier.String(),
		rightArg, strikeArg, styleArg)
	if err != nil {
		return row, fmt.Errorf("recording instrument %s: %w", row.Symbol, err)
	}
	row.created = true
	row.ID, err = res.LastInsertId()
	return row, err
}

// scanInstrument rebuilds an instrument from its stored columns.
func scanInstrument(id int64, symbol, kind, root, underlying string, expiry sql.NullString, mult string, right, strike, style sql.NullString) (instrumentRow, error) {
	k, err := parseKind(kind)
	if err != nil {
		return instrumentRow{}, err
	}
	r := instrumentRow{ID: id, Symbol: symbol}
	r.Instrument = instrument.Instrument{Kind: k, Root: root, Underlying: underlying}
	if expiry.Valid {
		if r.Instrument.Expiry, err = time.Parse(time.RFC3339Nano, expiry.String); err != nil {
			return r, fmt.Errorf("instrument %s: bad expiry %q", symbol, expiry.String)
		}
	}
	if r.Multiplier, err = decimal.NewFromString(mult); err != nil {
		return r, fmt.Errorf("instrument %s: bad multiplier %q", symbol, mult)
	}
	r.Instrument.Multiplier = r.Multiplier.InexactFloat64()
	if strike.Valid {
		if r.Strike, err = decimal.NewFromString(strike.String); err != nil {
			return r, fmt.Errorf("instrument %s: bad strike %q", symbol, strike.String)
		}
		r.Instrument.Strike = r.Strike.InexactFloat64()
	}
	if right.String == "put" {
		r.Instrument.Right = pricing.Put
	}
	if style.String == "American" {
		r.Instrument.Style = pricing.American
	}
	return r, nil
}
