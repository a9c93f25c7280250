package statement

// thinkorswim AccountStatement CSV (Monitor → Account Statement → Export to File). The file
// is a stack of sections, each a title line, a header line and rows up to a blank line. The
// layout followed is the one in public descriptions of real exports:
//
//   Account Statement for 12345678 (Individual) since 9/1/26 through 10/31/26
//   Cash Balance
//   DATE,TIME,TYPE,REF #,DESCRIPTION,Misc Fees,Commissions & Fees,AMOUNT,BALANCE
//   Futures Statements
//   Trade Date,Exec Date,Exec Time,Type,Ref #,Description,Misc Fees,Commissions & Fees,Amount,Balance
//   Account Trade History
//   ,Exec Time,Spread,Side,Qty,Pos Effect,Symbol,Exp,Strike,Type,Price,Net Price,Order Type
//
// In Account Trade History the first column is always empty; Qty is signed (+1 bought, -2
// sold); a multi-leg order is a first row with Exec Time, Spread and Order Type followed by
// continuation rows whose Exec Time is blank; Exp is "16 OCT 26"; Type is STOCK, ETF, CALL,
// PUT or FUTURE; futures are "/ESZ26" and options on futures name their future ("./ESZ26"
// or "/ESZ26") with Type CALL or PUT. Times carry no zone: Keel reads them as
// America/New_York (the platform's default for US accounts).
//
// Commissions and fees are not in Trade History. Keel takes them from the Cash Balance TRD
// rows and the Futures Statements rows executed at the same second as an order and shares
// them among all legs executed at that second in proportion to quantity (cents, remainder
// on the first leg). An order with no matching cash row keeps zero commission and fees and
// gets a Statement warning; so does a cash row that matches no trade.
//
// Assignments, exercises and expirations are not in Trade History. They are Cash Balance
// rows of TYPE "RAD" (receive and deliver) whose DESCRIPTION reads
//
//   REMOVAL OF OPTION DUE TO EXPIRATION -2 SPY 100 16 OCT 26 640 PUT
//
// (…DUE TO ASSIGNMENT / …DUE TO EXERCISE): quantity, root, multiplier, an optional
// parenthesised series tag, expiration, strike, CALL or PUT. This is the wording matched by
// public parsers of real exports (e.g. the Haskell thinkorswim parser that reads
// "REMOVAL OF OPTION DUE TO ASSIGNMENT"/"…EXPIRATION" followed by amount, symbol and
// option, and a beancount importer matching `REMOVAL OF OPTION DUE TO (EXPIRATION|
// ASSIGNMENT) (-?[0-9.]+) (.*)`); EXERCISE is read the same way. Those sources do not agree
// on what the printed sign means, so Keel uses only its size: an assignment closes a short
// (+n), an exercise a long (-n), and an expiration closes whichever side the file's own
// trades left open before the row (a RowError if they left none). An assignment or
// exercise of a stock option also yields the Delivery of multiplier × contracts shares at
// the strike, sharing the option event's Order key. A RAD row on a futures option
// ("/ESZ26 …") names the option by contract month and series code, not by date, so its
// expiry and the future it delivers cannot be determined from the row: such rows are
// skipped with a Statement warning. The Schwab-era wording "REMOVED DUE TO EXPIRATION …" (and
// ASSIGNMENT, EXERCISE) is read like the TD-era one. Other Cash Balance rows that are not
// trades (other RAD rows such as transfers and splits, deposits, interest, dividends, fees)
// change no position and are each named in a Statement warning; only the BAL opening-balance
// line is passed over.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

var tosAccount = regexp.MustCompile(`^Account Statement for (\S+)`)

func isThinkorswim(data []byte) bool {
	return bytes.HasPrefix(data, []byte("Account Statement for")) ||
		bytes.Contains(data, []byte("\nAccount Trade History\n")) || bytes.Contains(data, []byte("\nAccount Trade History\r\n"))
}

type tosCash struct {
	line       int
	commission decimal.Decimal // positive paid
	fees       decimal.Decimal
	used       bool
}

type tosOrder struct {
	first int // index in events of the first leg
	legs  int
	when  time.Time
	line  int
}

func parseThinkorswim(name string, data []byte) (*Statement, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	st := &Statement{Format: FormatThinkorswim}
	section := ""
	var header []string
	cash := map[time.Time][]*tosCash{}
	var orders []*tosOrder
	ids := newIDMaker("thinkorswim:")
	orderIDs := newIDMaker("")
	sawTrades := false
	first := true
	var removals []*tosRemovalRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if m := tosAccount.FindStringSubmatch(rec[0]); m != nil {
				st.Account = m[1]
				continue
			}
		}
		blank := true
		for _, f := range rec {
			if strings.TrimSpace(f) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		// encoding/csv skips empty lines, so a section starts at its title: a line with one
		// field and no commas.
		if len(rec) == 1 {
			section, header = strings.TrimSpace(rec[0]), nil
			if section == "Account Trade History" {
				sawTrades = true
			}
			continue
		}
		if section == "" {
			continue
		}
		if header == nil {
			header = rec
			for i := range header {
				header[i] = strings.TrimSpace(header[i])
			}
			if section == "Account Trade History" && (len(header) < 13 || header[1] != "Exec Time" || header[6] != "Symbol") {
				return nil, &RowError{File: name, Line: line, Reason: "Account Trade History header is not \",Exec Time,Spread,Side,Qty,Pos Effect,Symbol,Exp,Strike,Type,Price,Net Price,Order Type\""}
			}
			continue
		}
		get := func(col string) string {
			for i, h := range header {
				if strings.EqualFold(h, col) && i < len(rec) {
					return strings.TrimSpace(rec[i])
				}
			}
			return ""
		}
		bad := func(field, value, reason string) error {
			return &RowError{File: name, Line: line, Field: field, Value: value, Reason: reason}
		}
		switch section {
		case "Cash Balance":
			if get("TYPE") == "RAD" {
				r, skip, err := tosRemoval(name, line, get, bad)
				if err != nil {
					return nil, err
				}
				if skip != "" {
					st.Warnings = append(st.Warnings, fmt.Sprintf("%s line %d: %s", name, line, skip))
				}
				if r != nil {
					removals = append(removals, r)
				}
				continue
			}
			if get("TYPE") != "TRD" {
				if note := tosCashNote(get); note != "" {
					st.Warnings = append(st.Warnings, fmt.Sprintf("%s line %d: %s", name, line, note))
				}
				continue
			}
			when, err := time.ParseInLocation("1/2/06 15:04:05", get("DATE")+" "+get("TIME"), newYork)
			if err != nil {
				return nil, bad("DATE", get("DATE")+" "+get("TIME"), "is not a date and time like 9/15/26 10:01:46")
			}
			c, err := tosCashRow(get("Commissions & Fees"), get("Misc Fees"), bad)
			if err != nil {
				return nil, err
			}
			c.line = line
			cash[when] = append(cash[when], c)
		case "Futures Statements":
			when, err := time.ParseInLocation("1/2/06 15:04:05", get("Exec Date")+" "+get("Exec Time"), newYork)
			if err != nil {
				return nil, bad("Exec Date", get("Exec Date")+" "+get("Exec Time"), "is not a date and time like 9/15/26 10:01:46")
			}
			if get("Type") != "TRD" {
				continue
			}
			c, err := tosCashRow(get("Commissions & Fees"), get("Misc Fees"), bad)
			if err != nil {
				return nil, err
			}
			c.line = line
			cash[when] = append(cash[when], c)
		case "Account Trade History":
			exec := get("Exec Time")
			var ord *tosOrder
			if exec == "" {
				if len(orders) == 0 {
					return nil, bad("Exec Time", "", "is blank on a row that does not follow an order")
				}
				ord = orders[len(orders)-1]
			} else {
				when, err := time.ParseInLocation("1/2/06 15:04:05", exec, newYork)
				if err != nil {
					return nil, bad("Exec Time", exec, "is not a date and time like 9/15/26 10:01:46")
				}
				ord = &tosOrder{first: len(st.Events), when: when, line: line}
				orders = append(orders, ord)
			}
			ev, err := tosLeg(name, line, get, ord.when, bad)
			if err != nil {
				return nil, err
			}
			ev.Account = st.Account
			ev.ID = ids.make(ord.when.Format(time.RFC3339), get("Spread"), get("Side"), get("Qty"), get("Pos Effect"),
				get("Symbol"), get("Exp"), get("Strike"), get("Type"), get("Price"))
			if exec != "" {
				ord.legs = 0
				st.Events = append(st.Events, ev)
				st.Events[len(st.Events)-1].Order = "thinkorswim:" + orderIDs.make(ord.when.Format(time.RFC3339),
					get("Spread"), get("Side"), get("Qty"), get("Symbol"), get("Exp"), get("Strike"), get("Type"), get("Price"), get("Order Type"))
			} else {
				ev.Order = st.Events[ord.first].Order
				st.Events = append(st.Events, ev)
			}
			ord.legs++
		}
	}
	if !sawTrades {
		return nil, &FormatError{File: name, Reason: "the thinkorswim statement has no \"Account Trade History\" section"}
	}
	tosShareCosts(name, st, orders, cash)
	if err := tosAddRemovals(name, st, removals); err != nil {
		return nil, err
	}
	return st, nil
}

// tosRemovalRow is a Cash Balance RAD row that removed an option, before its sign is known.
type tosRemovalRow struct {
	line       int
	when       time.Time
	kind       Kind
	count      decimal.Decimal // contracts, positive
	inst       instrument.Instrument
	strike     decimal.Decimal
	symbol     string
	ref        string // REF #, without the ="…" quoting
	idFields   []string
	commission decimal.Decimal
	fees       decimal.Decimal
}

var tosRemovalDesc = regexp.MustCompile(`(?i)^REMOVAL OF OPTION DUE TO (EXPIRATION|ASSIGNMENT|EXERCISE)\s+([-+]?[0-9.,]+)\s+(\S+)\s+([0-9.]+)\s+((?:\([^)]*\)\s*)*)(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2})\s+([0-9.]+)\s+(CALL|PUT)$`)

// tosRemoval reads a RAD row. It returns nil with a warning for RAD rows that are not option
// removals and for removals of futures options (see the file comment).
func tosRemoval(name string, line int, get func(string) string, bad func(field, value, reason string) error) (*tosRemovalRow, string, error) {
	desc := strings.Join(strings.Fields(get("DESCRIPTION")), " ")
	if up := strings.ToUpper(desc); strings.HasPrefix(up, "REMOVED DUE TO ") {
		// the Schwab-era wording of the same removal
		desc = "REMOVAL OF OPTION DUE TO " + desc[len("REMOVED DUE TO "):]
	} else if !strings.HasPrefix(up, "REMOVAL OF OPTION") {
		return nil, tosCashNote(get), nil
	}
	when, err := time.ParseInLocation("1/2/06 15:04:05", get("DATE")+" "+get("TIME"), newYork)
	if err != nil {
		return nil, "", bad("DATE", get("DATE")+" "+get("TIME"), "is not a date and time like 9/15/26 10:01:46")
	}
	if f := strings.Fields(desc); len(f) > 7 && (strings.HasPrefix(f[7], "/") || strings.HasPrefix(f[7], "./")) {
		return nil, "futures option " + strings.TrimPrefix(f[7], ".") + " not imported: the row gives no expiration date or delivered future; record it by hand", nil
	}
	m := tosRemovalDesc.FindStringSubmatch(desc)
	if m == nil {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), "is not like REMOVAL OF OPTION DUE TO EXPIRATION -1 SPY 100 16 OCT 26 640 PUT")
	}
	r := &tosRemovalRow{line: line, when: when, kind: Expiration}
	switch strings.ToUpper(m[1]) {
	case "ASSIGNMENT":
		r.kind = Assignment
	case "EXERCISE":
		r.kind = Exercise
	}
	qty, ok := number(strings.ReplaceAll(m[2], ",", ""))
	if !ok || qty.IsZero() || !qty.IsInteger() {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), "does not give a whole, non-zero number of contracts")
	}
	r.count = qty.Abs()
	mult, ok := number(m[4])
	if !ok || mult.Sign() <= 0 {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), "does not give a positive multiplier")
	}
	exp, err := time.ParseInLocation("2 Jan 06", m[6]+" "+titleMonth(m[7])+" "+m[8], newYork)
	if err != nil {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), "does not give an expiration like 16 OCT 26")
	}
	strike, ok := number(m[9])
	if !ok || strike.Sign() <= 0 {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), "does not give a positive strike")
	}
	right := pricing.Call
	if strings.EqualFold(m[10], "PUT") {
		right = pricing.Put
	}
	sym := strings.ToUpper(m[3])
	// mult 0 keeps the contract spec's, as Trade History legs do, so the removal names the
	// same instrument as the trades that opened it.
	if r.inst, err = equityOption(sym, exp, right, strike, 0); err != nil {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), err.Error())
	}
	if r.inst.Multiplier != mult.InexactFloat64() {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), fmt.Sprintf("gives multiplier %s; Keel knows %s options as %g", m[4], sym, r.inst.Multiplier))
	}
	r.strike = strike
	r.symbol = strings.Join(strings.Fields(strings.Join([]string{sym, m[6], strings.ToUpper(m[7]), m[8], m[9], strings.ToUpper(m[10])}, " ")), " ")
	c, err := tosCashRow(get("Commissions & Fees"), get("Misc Fees"), bad)
	if err != nil {
		return nil, "", err
	}
	r.commission, r.fees = c.commission, c.fees
	r.ref = strings.Trim(strings.TrimPrefix(get("REF #"), "="), `"`)
	r.idFields = []string{when.Format(time.RFC3339), "RAD", r.ref, desc}
	return r, "", nil
}

// tosAddRemovals signs the removals against the position the file's fills and earlier
// removals leave open, and appends their events (and deliveries) to st.
func tosAddRemovals(name string, st *Statement, removals []*tosRemovalRow) error {
	if len(removals) == 0 {
		return nil
	}
	type change struct {
		when time.Time
		inst instrument.Instrument
		qty  decimal.Decimal
	}
	var fills []change
	for _, ev := range st.Events {
		fills = append(fills, change{ev.Time, ev.Instrument, ev.Quantity})
	}
	// removals in time order (stable: the file's order at equal times)
	for i := 1; i < len(removals); i++ {
		for j := i; j > 0 && removals[j].when.Before(removals[j-1].when); j-- {
			removals[j], removals[j-1] = removals[j-1], removals[j]
		}
	}
	ids := newIDMaker("thinkorswim:")
	var done []change
	for _, r := range removals {
		pos := decimal.Zero
		for _, f := range fills {
			if f.inst == r.inst && !f.when.After(r.when) {
				pos = pos.Add(f.qty)
			}
		}
		for _, d := range done {
			if d.inst == r.inst {
				pos = pos.Add(d.qty)
			}
		}
		qty := r.count
		switch r.kind {
		case Exercise:
			qty = qty.Neg()
		case Expiration:
			switch pos.Sign() {
			case 1:
				qty = qty.Neg()
			case 0:
				return &RowError{File: name, Line: r.line, Field: "DESCRIPTION", Value: r.symbol,
					Reason: "expires an option that no earlier trade in this file left open, so whether it was long or short is unknown"}
			}
		}
		done = append(done, change{r.when, r.inst, qty})
		src := fmt.Sprintf("%s line %d", name, r.line)
		// The option removed and the shares it delivers share one key; rows removing other
		// options at the same moment keep their own (by REF #, or by the option otherwise).
		key := r.ref
		if key == "" {
			key = strings.ReplaceAll(r.symbol, " ", "")
		}
		order := "thinkorswim:rad:" + r.when.UTC().Format("20060102T150405") + ":" + key
		st.Events = append(st.Events, Event{
			Broker: "thinkorswim", Account: st.Account, ID: ids.make(r.idFields...), Order: order,
			Time: r.when, Kind: r.kind, Effect: Close, Instrument: r.inst, Symbol: r.symbol,
			Quantity: qty, Price: decimal.Zero, Commission: r.commission, Fees: r.fees, Source: src,
		})
		if r.kind == Expiration {
			continue
		}
		// A call assigned (+n) delivers shares away and exercised (-n) brings them in; a
		// put the other way round.
		shares := qty.Mul(decimal.NewFromFloat(r.inst.Multiplier))
		if r.inst.Right == pricing.Call {
			shares = shares.Neg()
		}
		st.Events = append(st.Events, Event{
			Broker: "thinkorswim", Account: st.Account, ID: ids.make(append(r.idFields, "delivery")...), Order: order,
			Time: r.when, Kind: Delivery, Instrument: stockInstrument(r.inst.Root, r.when), Symbol: r.inst.Root,
			Quantity: shares, Price: r.strike, Commission: decimal.Zero, Fees: decimal.Zero, Source: src,
		})
	}
	return nil
}

func tosCashRow(comm, misc string, bad func(field, value, reason string) error) (*tosCash, error) {
	c, ok := optionalMoney(comm)
	if !ok {
		return nil, bad("Commissions & Fees", comm, "is not a number")
	}
	m, ok := optionalMoney(misc)
	if !ok {
		return nil, bad("Misc Fees", misc, "is not a number")
	}
	return &tosCash{commission: c.Neg(), fees: m.Neg()}, nil
}

var tosExpParen = regexp.MustCompile(`\([^)]*\)`)

func tosLeg(name string, line int, get func(string) string, when time.Time, bad func(field, value, reason string) error) (Event, error) {
	side := get("Side")
	qty, ok := number(get("Qty"))
	if !ok {
		return Event{}, bad("Qty", get("Qty"), "is not a number")
	}
	switch {
	case qty.IsZero():
		return Event{}, bad("Qty", get("Qty"), "is zero")
	case side == "BUY" && qty.Sign() < 0, side == "SELL" && qty.Sign() > 0:
		return Event{}, bad("Qty", get("Qty"), "has the wrong sign for Side "+side)
	case side != "BUY" && side != "SELL":
		return Event{}, bad("Side", side, "is not BUY or SELL")
	}
	price, ok := number(get("Price"))
	if !ok {
		return Event{}, bad("Price", get("Price"), numberProblem(get("Price")))
	}
	if price.Sign() < 0 {
		return Event{}, bad("Price", get("Price"), "must not be negative")
	}
	effect := EffectUnknown
	switch pe := get("Pos Effect"); pe {
	case "TO OPEN":
		effect = Open
	case "TO CLOSE":
		effect = Close
	case "", "AUTO":
	default:
		return Event{}, bad("Pos Effect", pe, "is not TO OPEN or TO CLOSE")
	}
	sym := strings.TrimSpace(tosExpParen.ReplaceAllString(get("Symbol"), ""))
	var in instrument.Instrument
	switch typ := get("Type"); typ {
	case "STOCK", "ETF":
		if sym == "" {
			return Event{}, bad("Symbol", get("Symbol"), "is empty")
		}
		in = stockInstrument(sym, when)
	case "FUTURE":
		var err error
		if in, err = futureInstrument(sym, when, 0); err != nil {
			return Event{}, bad("Symbol", get("Symbol"), err.Error())
		}
	case "CALL", "PUT":
		right := pricing.Call
		if typ == "PUT" {
			right = pricing.Put
		}
		expTokens := strings.Fields(tosExpParen.ReplaceAllString(get("Exp"), ""))
		if len(expTokens) < 3 {
			return Event{}, bad("Exp", get("Exp"), "is not a date like 16 OCT 26")
		}
		exp, err := time.ParseInLocation("2 Jan 06", expTokens[0]+" "+titleMonth(expTokens[1])+" "+expTokens[2], newYork)
		if err != nil {
			return Event{}, bad("Exp", get("Exp"), "is not a date like 16 OCT 26")
		}
		strike, ok := number(get("Strike"))
		if !ok || strike.Sign() <= 0 {
			return Event{}, bad("Strike", get("Strike"), "is not a positive number")
		}
		if sym == "" {
			return Event{}, bad("Symbol", get("Symbol"), "is empty")
		}
		if strings.HasPrefix(sym, "/") || strings.HasPrefix(sym, "./") {
			fut := strings.Fields(strings.TrimPrefix(sym, "."))[0]
			in, err = futuresOption(fut, when, right, strike, exp, 0)
		} else {
			in, err = equityOption(sym, exp, right, strike, 0)
		}
		if err != nil {
			return Event{}, bad("Symbol", get("Symbol"), err.Error())
		}
	default:
		return Event{}, bad("Type", typ, "is not STOCK, ETF, FUTURE, CALL or PUT")
	}
	display := strings.Join(strings.Fields(strings.Join([]string{get("Symbol"), get("Exp"), get("Strike"), get("Type")}, " ")), " ")
	return Event{
		Broker: "thinkorswim", Time: when, Kind: Fill, Effect: effect, Instrument: in, Symbol: display,
		Quantity: qty, Price: price, Commission: decimal.Zero, Fees: decimal.Zero,
		Source: fmt.Sprintf("%s line %d", name, line),
	}, nil
}

func titleMonth(s string) string {
	if len(s) < 2 {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

// tosShareCosts moves the cash rows' commissions and fees onto the legs executed at the
// same second.
func tosShareCosts(name string, st *Statement, orders []*tosOrder, cash map[time.Time][]*tosCash) {
	byTime := map[time.Time][]*tosOrder{}
	var times []time.Time
	for _, o := range orders {
		if _, ok := byTime[o.when]; !ok {
			times = append(times, o.when)
		}
		byTime[o.when] = append(byTime[o.when], o)
	}
	for _, t := range times {
		rows := cash[t]
		if len(rows) == 0 {
			for _, o := range byTime[t] {
				st.Warnings = append(st.Warnings, fmt.Sprintf("%s line %d: no Cash Balance or Futures Statements row at %s; commission and fees left at zero",
					name, o.line, t.Format("1/2/06 15:04:05")))
			}
			continue
		}
		comm, fees := decimal.Zero, decimal.Zero
		for _, c := range rows {
			comm, fees = comm.Add(c.commission), fees.Add(c.fees)
			c.used = true
		}
		var legs []*Event
		total := decimal.Zero
		for _, o := range byTime[t] {
			for i := o.first; i < o.first+o.legs; i++ {
				legs = append(legs, &st.Events[i])
				total = total.Add(st.Events[i].Quantity.Abs())
			}
		}
		share := func(amount decimal.Decimal, set func(*Event, decimal.Decimal)) {
			given := decimal.Zero
			for i, ev := range legs {
				if i == 0 {
					continue
				}
				part := amount.Mul(ev.Quantity.Abs()).Div(total).Round(2)
				set(ev, part)
				given = given.Add(part)
			}
			set(legs[0], amount.Sub(given))
		}
		share(comm, func(e *Event, d decimal.Decimal) { e.Commission = d })
		share(fees, func(e *Event, d decimal.Decimal) { e.Fees = d })
	}
	var lines []int
	for _, rows := range cash {
		for _, c := range rows {
			if !c.used {
				lines = append(lines, c.line)
			}
		}
	}
	sortInts(lines)
	for _, l := range lines {
		st.Warnings = append(st.Warnings, fmt.Sprintf("%s line %d: trade cash row matches no execution in Account Trade History; its commission and fees are not on any event", name, l))
	}
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// tosCashNote says why a Cash Balance row that is not a trade or an option removal is not
// imported; the opening-balance line (BAL) needs no word.
func tosCashNote(get func(string) string) string {
	if t := get("TYPE"); t == "BAL" || t == "" {
		return ""
	}
	return fmt.Sprintf("%s %q (AMOUNT %s) not imported: not a position change; Keel's journal does not record cash yet", get("TYPE"), get("DESCRIPTION"), get("AMOUNT"))
}
