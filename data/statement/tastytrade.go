package statement

// tastytrade transaction-history CSV (History → Transactions → CSV). The layouts followed
// here are the ones seen in public parsers and fixtures of real exports (e.g. laroche/
// tastyworks-pnl, which checks the exact header lines, and several open-source importers):
//
//   current: Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,
//            Average Price,Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,
//            Expiration Date,Strike Price,Call or Put,Order #[,Total],Currency
//   legacy:  Date,Type,Action,Symbol,Instrument Type,Description,Value,Quantity,Average Price,
//            Commissions,Fees,Multiplier,Underlying Symbol,Expiration Date,Strike Price,
//            Call or Put[,Order #]
//
// Conventions of the export: rows newest first; Date like 2026-09-15T10:01:46-0400;
// Quantity unsigned, the direction in Action (BUY_TO_OPEN, SELL_TO_CLOSE, …); Value,
// Commissions and Fees signed from the account's side (paid is negative, "--" for none);
// Average Price is per contract (price × multiplier) and signed like Value; the quoted
// per-unit price is the "@ 1.25" at the end of Description. Option expiration, assignment
// and exercise are Type "Receive Deliver" rows (Sub Type Expiration/Assignment/Exercise, or
// only the Description "… due to expiration." in the legacy layout); the shares or future
// delivered by an assignment are Receive Deliver rows with Sub Type "Buy to Open" etc.
// Symbols: equity options OCC ("SPY   261016P00600000"), futures "/ESZ6", futures options
// "./ESZ6 EW3X6 261120C6000". Money Movement rows (deposits, withdrawals, interest,
// dividends, fees, mark to market) change no position; each is a CashEvent whose amount is
// the row's Total (or Value plus its Commissions and Fees where the layout has no Total).

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
)

var (
	tastyAccountInName = regexp.MustCompile(`transactions_history_([A-Za-z0-9]+)_`)
	atPrice            = regexp.MustCompile(`@\s*\$?(-?[0-9][0-9,]*(?:\.[0-9]+)?)\s*$`)
)

var tastyRequired = []string{"Date", "Type", "Action", "Symbol", "Instrument Type", "Description",
	"Value", "Quantity", "Average Price", "Commissions", "Fees", "Multiplier"}

type tastyRow struct {
	get  func(col string) string
	line int
}

func parseTasty(name string, data []byte, format string, opts Options) (*Statement, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	required := tastyRequired
	if format == FormatTastytrade {
		required = append([]string{"Sub Type"}, required...)
	}
	for _, h := range required {
		if _, ok := col[h]; !ok {
			return nil, &FormatError{File: name, Reason: "the tastytrade header has no " + h + " column"}
		}
	}
	st := &Statement{Format: format}
	if m := tastyAccountInName.FindStringSubmatch(name); m != nil {
		st.Account = m[1]
	}
	ids := newIDMaker("tastytrade:")
	var pending []bool
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		row := tastyRow{line: line, get: func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}}
		if row.get("Type") == "Money Movement" {
			ce, err := tastyMoney(name, row, st.Account, ids)
			if err == nil {
				st.Cash = append(st.Cash, ce)
				continue
			}
			if err := st.rowFailure(opts, name, line, strings.Join(rec, ","), movesPosition(row.get("Symbol"), row.get("Quantity")), err); err != nil {
				return nil, err
			}
			continue
		}
		ev, unsigned, _, err := tastyEvent(name, row, format, st.Account, ids)
		if err != nil {
			typ := row.get("Type")
			tradeLike := movesPosition(row.get("Symbol"), row.get("Quantity")) || (row.get("Symbol") != "" && (typ == "Trade" || typ == "Receive Deliver"))
			if err := st.rowFailure(opts, name, line, strings.Join(rec, ","), tradeLike, err); err != nil {
				return nil, err
			}
			continue
		}
		st.Events = append(st.Events, ev)
		pending = append(pending, unsigned)
	}
	// The export lists newest first; put rows in time order (stable, so the legs of one
	// order keep their relative order) before inferring unsigned expirations.
	n := len(st.Events)
	if n > 1 && st.Events[0].Time.After(st.Events[n-1].Time) {
		for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
			st.Events[i], st.Events[j] = st.Events[j], st.Events[i]
			pending[i], pending[j] = pending[j], pending[i]
		}
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sortStableByTime(idx, st.Events)
	running := map[string]decimal.Decimal{}
	for _, i := range idx {
		ev := &st.Events[i]
		key := strings.Join(strings.Fields(ev.Symbol), " ")
		if pending[i] {
			pos := running[key]
			switch pos.Sign() {
			case 1:
				ev.Quantity = ev.Quantity.Neg()
			case 0:
				return nil, &RowError{File: name, Line: lineOf(ev.Source), Field: "Action", Value: "",
					Reason: "is empty and no earlier row in this file says whether the " + ev.Kind.String() + " closed a long or a short position"}
			}
		}
		running[key] = running[key].Add(ev.Quantity)
	}
	return st, nil
}

// sortStableByTime orders idx by event time once (n log n), keeping rows of the same moment in
// file order.
func sortStableByTime(idx []int, evs []Event) {
	sort.SliceStable(idx, func(a, b int) bool { return evs[idx[a]].Time.Before(evs[idx[b]].Time) })
}

func lineOf(source string) int {
	var n int
	if i := strings.LastIndex(source, " line "); i >= 0 {
		for _, c := range source[i+6:] {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
	}
	return n
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		reason := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			reason = "has a different number of fields from the header"
		}
		return &RowError{File: name, Line: pe.Line, Reason: reason}
	}
	return &RowError{File: name, Line: 1, Reason: err.Error()}
}

var tastyTimeLayouts = []string{"2006-01-02T15:04:05-0700", "2006-01-02T15:04:05Z07:00", "01/02/2006 3:04 PM", "1/2/2006 3:04 PM"}

func tastyTime(s string) (time.Time, bool) {
	for _, l := range tastyTimeLayouts {
		if t, err := time.ParseInLocation(l, s, newYork); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// optionalMoney parses a cell that may be empty or "--" (zero).
func optionalMoney(s string) (decimal.Decimal, bool) {
	if s == "" || s == "--" {
		return decimal.Zero, true
	}
	return number(s)
}

// tastyEvent turns one row into an event. unsigned reports an expiration/assignment/exercise
// with no Action, whose sign the caller infers from the running position.
func tastyEvent(name string, r tastyRow, format, account string, ids *idMaker) (ev Event, unsigned, skip bool, err error) {
	bad := func(field, value, reason string) error {
		return &RowError{File: name, Line: r.line, Field: field, Value: value, Reason: reason}
	}
	typ := r.get("Type")
	switch typ {
	case "Money Movement":
		return ev, false, true, nil
	case "Trade", "Receive Deliver":
	default:
		return ev, false, false, bad("Type", typ, "is not a tastytrade transaction type (Trade, Receive Deliver, Money Movement)")
	}
	when, ok := tastyTime(r.get("Date"))
	if !ok {
		return ev, false, false, bad("Date", r.get("Date"), "is not a date like 2026-09-15T10:01:46-0400")
	}
	sub := r.get("Sub Type")
	desc := r.get("Description")
	action := strings.ToUpper(strings.ReplaceAll(r.get("Action"), " ", "_"))

	kind := Fill
	if typ == "Receive Deliver" {
		probe := strings.ToLower(sub)
		if format == FormatTastyworksLegacy {
			probe = strings.ToLower(desc)
		}
		switch {
		case strings.Contains(probe, "expiration"):
			kind = Expiration
		case strings.Contains(probe, "assignment"):
			kind = Assignment
		case strings.Contains(probe, "exercise"):
			kind = Exercise
		case format == FormatTastytrade && (probe == "buy to open" || probe == "sell to open" || probe == "buy to close" || probe == "sell to close"):
			kind = Delivery
		case format == FormatTastyworksLegacy && action != "" && atPrice.MatchString(desc):
			kind = Delivery
		default:
			if format == FormatTastyworksLegacy {
				return ev, false, false, bad("Description", desc, "is not an expiration, assignment, exercise or delivery Keel can read")
			}
			return ev, false, false, bad("Sub Type", sub, "is not a Receive Deliver row Keel can read (Expiration, Assignment, Exercise, Buy/Sell to Open/Close)")
		}
	}

	qty, ok := number(r.get("Quantity"))
	if !ok {
		return ev, false, false, bad("Quantity", r.get("Quantity"), "is not a number")
	}
	if qty.Sign() <= 0 {
		return ev, false, false, bad("Quantity", r.get("Quantity"), "must be positive (the direction is in Action)")
	}
	effect := EffectUnknown
	switch action {
	case "BUY_TO_OPEN", "BUY_TO_CLOSE", "BUY":
	case "SELL_TO_OPEN", "SELL_TO_CLOSE", "SELL":
		qty = qty.Neg()
	case "":
		if kind == Fill || kind == Delivery {
			return ev, false, false, bad("Action", "", "is empty; a trade needs BUY_TO_OPEN, SELL_TO_CLOSE, …")
		}
		unsigned = true
	default:
		return ev, false, false, bad("Action", r.get("Action"), "is not BUY_TO_OPEN, BUY_TO_CLOSE, SELL_TO_OPEN or SELL_TO_CLOSE")
	}
	switch {
	case strings.HasSuffix(action, "_TO_OPEN"):
		effect = Open
	case strings.HasSuffix(action, "_TO_CLOSE"):
		effect = Close
	}
	if kind == Expiration || kind == Assignment || kind == Exercise {
		effect = Close
	}

	var mult float64
	if m := r.get("Multiplier"); m != "" && m != "--" {
		d, ok := number(m)
		if !ok {
			return ev, false, false, bad("Multiplier", m, numberProblem(m))
		}
		if d.Sign() <= 0 {
			return ev, false, false, bad("Multiplier", m, "must be positive")
		}
		mult = d.InexactFloat64()
	}
	if e := r.get("Expiration Date"); e != "" {
		if _, err := time.ParseInLocation("1/2/06", e, newYork); err != nil {
			return ev, false, false, bad("Expiration Date", e, "is not a date like 11/20/26")
		}
	}
	sym := r.get("Symbol")
	var inst instrument.Instrument
	switch it := r.get("Instrument Type"); it {
	case "Equity":
		if sym == "" {
			return ev, false, false, bad("Symbol", sym, "is empty")
		}
		inst = stockInstrument(sym, when)
	case "Equity Option":
		if inst, err = occInstrument(sym, mult); err != nil {
			return ev, false, false, bad("Symbol", sym, "is not an OCC option symbol like SPY   261016P00600000")
		}
	case "Future":
		if inst, err = futureInstrument(sym, when, mult); err != nil {
			return ev, false, false, bad("Symbol", sym, err.Error())
		}
	case "Future Option":
		// tastytrade writes Multiplier 1 on futures options while the price is in index points:
		// the contract spec's multiplier is the one that matches Value, checked below
		if inst, err = tastyFuturesOption(sym, when, 0); err != nil {
			return ev, false, false, bad("Symbol", sym, err.Error())
		}
	default:
		return ev, false, false, bad("Instrument Type", it, "is not supported (Equity, Equity Option, Future, Future Option)")
	}

	for _, c := range []string{"Value", "Total"} {
		if _, ok := optionalMoney(r.get(c)); !ok {
			return ev, false, false, bad(c, r.get(c), "is not a number")
		}
	}
	avg, ok := optionalMoney(r.get("Average Price"))
	if !ok {
		return ev, false, false, bad("Average Price", r.get("Average Price"), "is not a number")
	}
	price := decimal.Zero
	if kind == Fill || kind == Delivery {
		if m := atPrice.FindStringSubmatch(desc); m != nil {
			if price, ok = number(m[1]); !ok {
				return ev, false, false, bad("Description", desc, "has an \"@ price\" that "+numberProblem(m[1]))
			}
			if price.Sign() < 0 {
				return ev, false, false, bad("Description", desc, "has an \"@ price\" that must not be negative")
			}
		} else if avg.Sign() != 0 {
			price = avg.Abs().Div(decimal.NewFromFloat(inst.Multiplier))
			if price.Cmp(maxMagnitude) >= 0 {
				return ev, false, false, bad("Average Price", r.get("Average Price"), "gives a price per unit of 10,000,000,000 or more")
			}
		} else {
			return ev, false, false, bad("Average Price", r.get("Average Price"), "is missing and the Description has no \"@ price\"")
		}
	}
	if err := checkCash(r.get("Value"), kind, qty, price, inst); err != nil {
		return ev, false, false, bad("Value", r.get("Value"), err.Error())
	}
	comm, ok := optionalMoney(r.get("Commissions"))
	if !ok {
		return ev, false, false, bad("Commissions", r.get("Commissions"), "is not a number")
	}
	fees, ok := optionalMoney(r.get("Fees"))
	if !ok {
		return ev, false, false, bad("Fees", r.get("Fees"), "is not a number")
	}

	order := r.get("Order #")
	if order == "" && kind != Fill {
		// Receive Deliver rows carry no order number; the option leaving and the shares or
		// future arriving at the same moment on the same root belong together.
		order = "rd:" + when.UTC().Format("20060102T150405") + ":" + inst.Root
	}
	ev = Event{
		Broker:     "tastytrade",
		Account:    account,
		ID:         ids.make(r.get("Date"), typ, sub, action, strings.Join(strings.Fields(sym), " "), r.get("Quantity"), r.get("Average Price"), r.get("Value"), r.get("Order #"), desc),
		Order:      order,
		Time:       when,
		Kind:       kind,
		Effect:     effect,
		Instrument: inst,
		Symbol:     sym,
		Quantity:   qty,
		Price:      price,
		Commission: comm.Neg(),
		Fees:       fees.Neg(),
		Source:     name + " line " + itoa(r.line),
	}
	ev.Cash, ev.HasCash = tastyCash(r)
	if t := r.get("Total"); ev.HasCash && t != "" && t != "--" {
		// Total is Value with the (negative) Commissions and Fees: a Total that is not says a
		// column was misread
		value, _ := optionalMoney(r.get("Value"))
		if want := value.Sub(ev.Commission).Sub(ev.Fees); want.Sub(ev.Cash).Abs().GreaterThan(decimal.New(1, -2)) {
			return ev, false, false, bad("Total", t, fmt.Sprintf("is not Value %s with Commissions and Fees %s = %s", value, ev.Commission.Add(ev.Fees).Neg(), want.StringFixed(2)))
		}
	}
	return ev, unsigned, false, nil
}

// tastyMoney reads a Money Movement row: a deposit, withdrawal, interest, dividend, fee or
// mark to market, its amount the row's cash (Total, or Value with its commissions and fees).
func tastyMoney(name string, r tastyRow, account string, ids *idMaker) (CashEvent, error) {
	bad := func(field, value, reason string) error {
		return &RowError{File: name, Line: r.line, Field: field, Value: value, Reason: reason}
	}
	if movesPosition(r.get("Symbol"), r.get("Quantity")) {
		return CashEvent{}, bad("Type", r.get("Type"), "is a money movement with a symbol and a quantity (a transfer of a position?), which Keel cannot read as cash or as a trade")
	}
	when, ok := tastyTime(r.get("Date"))
	if !ok {
		return CashEvent{}, bad("Date", r.get("Date"), "is not a date like 2026-09-15T10:01:46-0400")
	}
	amount, ok := tastyCash(r)
	if !ok {
		field := "Value"
		if t := r.get("Total"); t != "" && t != "--" {
			field = "Total"
		}
		return CashEvent{}, bad(field, r.get(field), "is not a number")
	}
	sub, desc := r.get("Sub Type"), r.get("Description")
	return CashEvent{
		Broker: "tastytrade", Account: account,
		ID:   ids.make(r.get("Date"), "Money Movement", sub, r.get("Symbol"), r.get("Value"), r.get("Total"), desc),
		Time: when, Kind: cashKind(sub+" "+desc, amount), Amount: amount, Currency: r.get("Currency"),
		Symbol: r.get("Symbol"), Description: joinText(sub, desc),
		Source: name + " line " + itoa(r.line),
	}, nil
}

func itoa(n int) string {
	return decimal.NewFromInt(int64(n)).String()
}
