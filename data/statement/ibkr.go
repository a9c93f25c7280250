package statement

// IBKR Flex Query XML (Reports → Flex Queries → Activity Flex Query, format XML). The layout
// followed is IBKR's Flex Queries reference as seen in real exports and in parsers such as
// csingley/ibflex: FlexQueryResponse/FlexStatements/FlexStatement(accountId) holding
// <Trades><Trade …/></Trades>, <OptionEAE><OptionEAE …/></OptionEAE> and
// <OpenPositions><OpenPosition …/></OpenPositions>. Conventions of the export:
//   - Trade: quantity signed (sell negative) and buySell BUY/SELL; tradePrice per unit;
//     ibCommission and taxes negative when paid; openCloseIndicator O, C or C;O;
//     dateTime "20260915;100146" (also "2026-09-15;10:01:46"), in the time zone set on the
//     query (Keel reads it as America/New_York, IBKR's default for US accounts).
//   - OptionEAE: one row per option assigned (transactionType Assignment), exercised
//     (Exercise) or expired (Expiration), with quantity the signed change to the position
//     (a short put assigned is +1), followed by the Buy/Sell rows of the shares or future
//     delivered, on the date attribute.
//   - The Trades section repeats assignments, exercises and expirations as trades with notes
//     codes A, Ex and Ep. When the statement has an OptionEAE section those rows are skipped
//     (OptionEAE is the fuller record); without it they are read as the same events.
//   - assetCategory STK (stocks and ETFs), OPT, FUT, FOP; for FOP underlyingSymbol is the
//     future (ESZ6); multiplier is the contract multiplier; expiry yyyyMMdd.
//   - proceeds (−quantity × price × multiplier) and netCash (proceeds with ibCommission and
//     taxes) are IBKR's cash and the truth for money: proceeds must match the price and
//     multiplier to the cent, netCash the proceeds and costs, or the row fails. A future's
//     proceeds are its notional (settled as variation margin), so its trade's cash is its
//     costs.
//   - CashTransactions/CashTransaction (type Deposits/Withdrawals, Dividends, Payment In Lieu
//     Of Dividends, Withholding Tax, Broker Interest Paid/Received, Other Fees, Commission
//     Adjustments, …; amount signed): money movements, read as CashEvents (DETAIL rows; a
//     SUMMARY row is listed as skipped).
//   - Rows not read — Trades summary rows (levelOfDetail ORDER etc.), Trades rows repeated by
//     OptionEAE, and every row of the Transfers, CorporateActions and SalesTaxes sections —
//     are listed in Statement.Skipped; a Transfers or CorporateActions row with a symbol and
//     a quantity fails the file unless SkipUnknown, since it moves a position Keel does not
//     read. A trade whose buySell is a cancellation ("BUY (Ca.)") fails the same way.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

type flexRow struct {
	elem    string // Trade, OptionEAE, OpenPosition
	index   int    // 1-based among rows of the same element
	line    int
	account string // the enclosing FlexStatement's accountId
	attrs   map[string]string
	section string // the parent element: Trades, OptionEAE, CashTransactions, …
}

// flexUnread are the Flex sections that move positions or cash but that Keel does not read:
// each of their rows is listed in Statement.Skipped (and one with a symbol and a quantity
// fails the file unless Options.SkipUnknown), never passed over in silence.
var flexUnread = map[string]bool{"Transfers": true, "CorporateActions": true, "SalesTaxes": true}

// maxFlexDepth bounds element nesting: FlexQueryResponse/FlexStatements/FlexStatement/
// Trades/Trade is 5 deep, so anything past 32 is not a statement and is refused at once,
// before a deeply nested file costs gigabytes.
const maxFlexDepth = 32

func parseFlex(name string, data []byte, opts Options) (*Statement, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = xmlCharset
	var stack []string
	var rows []flexRow
	counts := map[string]int{}
	stmtAccount := ""
	accounts := map[string]bool{}
	hasEAE := false
	sawRoot := false
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !sawRoot {
				return nil, &FormatError{File: name, Reason: "not a Flex Query XML file (" + err.Error() + ")"}
			}
			l, _ := dec.InputPos()
			return nil, &RowError{File: name, Line: l, Reason: "is not well-formed XML: " + err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !sawRoot {
				if t.Name.Local != "FlexQueryResponse" {
					return nil, &FormatError{File: name, Reason: fmt.Sprintf("the XML root is <%s>, not <FlexQueryResponse>", t.Name.Local)}
				}
				sawRoot = true
			}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			stack = append(stack, t.Name.Local)
			if len(stack) > maxFlexDepth {
				l, _ := dec.InputPos()
				return nil, &RowError{File: name, Line: l, Reason: fmt.Sprintf("nests elements more than %d deep; a Flex Query statement is 5 deep", maxFlexDepth)}
			}
			attrs := map[string]string{}
			for _, a := range t.Attr {
				attrs[a.Name.Local] = strings.TrimSpace(a.Value)
			}
			switch {
			case t.Name.Local == "FlexStatement":
				stmtAccount = attrs["accountId"]
			case t.Name.Local == "OptionEAE" && parent == "FlexStatement":
				hasEAE = true
			case (t.Name.Local == "Trade" && parent == "Trades") ||
				(t.Name.Local == "OptionEAE" && parent == "OptionEAE") ||
				(t.Name.Local == "OpenPosition" && parent == "OpenPositions") ||
				(t.Name.Local == "CashTransaction" && parent == "CashTransactions") ||
				(flexUnread[parent] && len(stack) == 5):
				counts[t.Name.Local]++
				rows = append(rows, flexRow{elem: t.Name.Local, index: counts[t.Name.Local], line: line, account: stmtAccount, attrs: attrs, section: parent})
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if !sawRoot {
		return nil, &FormatError{File: name, Reason: "no <FlexQueryResponse> element"}
	}
	// InputPos before Token() points at the end of the previous token; the element begins
	// after any whitespace, so recompute each row's line from the raw bytes.
	fixLines(data, rows)

	st := &Statement{Format: FormatIBKRFlex}
	ids := newIDMaker("ibkr:")
	for _, r := range rows {
		acct := r.attrs["accountId"]
		if acct == "" {
			acct = r.account
		}
		if acct != "" {
			accounts[acct] = true
		}
		tradeLike := r.attrs["symbol"] != "" && r.attrs["quantity"] != "" && r.attrs["quantity"] != "0"
		fail := func(err error) error {
			return st.rowFailure(opts, name, r.line, r.text(), tradeLike, err)
		}
		if flexUnread[r.section] {
			if err := fail(r.bad(name, "", "is in the "+r.section+" section, which Keel does not read")); err != nil {
				return nil, err
			}
			continue
		}
		switch r.elem {
		case "Trade":
			ev, skip, err := flexTrade(name, r, acct, hasEAE, ids)
			if err != nil {
				if err := fail(err); err != nil {
					return nil, err
				}
				continue
			}
			if skip != "" {
				st.skip(name, r.line, r.text(), skip)
				continue
			}
			st.Events = append(st.Events, ev)
		case "OptionEAE":
			ev, err := flexEAE(name, r, acct, ids)
			if err != nil {
				if err := fail(err); err != nil {
					return nil, err
				}
				continue
			}
			st.Events = append(st.Events, ev)
		case "CashTransaction":
			ce, skip, err := flexCash(name, r, acct, ids)
			if err != nil {
				if err := fail(err); err != nil {
					return nil, err
				}
				continue
			}
			if skip != "" {
				st.skip(name, r.line, r.text(), skip)
				continue
			}
			st.Cash = append(st.Cash, ce)
		case "OpenPosition":
			p, err := flexPosition(name, r, acct)
			if err != nil {
				return nil, err
			}
			st.Positions = append(st.Positions, p)
		}
	}
	if len(accounts) == 1 {
		for a := range accounts {
			st.Account = a
		}
	}
	return st, nil
}

// fixLines moves each row's line forward over the whitespace before its '<'.
func fixLines(data []byte, rows []flexRow) {
	lineStarts := []int{0}
	for i, c := range data {
		if c == '\n' {
			lineStarts = append(lineStarts, i+1)
		}
	}
	for i := range rows {
		l := rows[i].line
		if l < 1 || l > len(lineStarts) {
			continue
		}
		// scan from the recorded position's line for the row's opening tag
		pos := lineStarts[l-1]
		tag := []byte("<" + rows[i].elem)
		j := bytes.Index(data[pos:], tag)
		if j < 0 {
			continue
		}
		rows[i].line = l + bytes.Count(data[pos:pos+j], []byte("\n"))
	}
}

func (r flexRow) bad(name, field, reason string) error {
	return &RowError{File: name, Line: r.line, Element: fmt.Sprintf("%s #%d", r.elem, r.index), Field: field, Value: r.attrs[field], Reason: reason}
}

var flexTimeLayouts = []string{"20060102;150405", "2006-01-02;15:04:05", "2006-01-02;150405", "20060102 150405",
	"2006-01-02 15:04:05", "2006-01-02T15:04:05", "20060102", "2006-01-02"}

func flexTime(s string) (time.Time, bool) {
	for _, l := range flexTimeLayouts {
		if t, err := time.ParseInLocation(l, s, newYork); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func flexDate(s string) (time.Time, bool) {
	for _, l := range []string{"20060102", "2006-01-02"} {
		if t, err := time.ParseInLocation(l, s, newYork); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// num parses a required numeric attribute.
func (r flexRow) num(name, field string) (decimal.Decimal, error) {
	d, ok := number(r.attrs[field])
	if !ok {
		return d, r.bad(name, field, numberProblem(r.attrs[field]))
	}
	if d.Sign() < 0 && strings.HasSuffix(strings.ToLower(field), "price") {
		return d, r.bad(name, field, "must not be negative")
	}
	return d, nil
}

// optNum parses an optional numeric attribute (empty is zero).
func (r flexRow) optNum(name, field string) (decimal.Decimal, error) {
	if r.attrs[field] == "" {
		return decimal.Zero, nil
	}
	return r.num(name, field)
}

// flexInstrument builds the contract a row is about from its attributes.
func flexInstrument(name string, r flexRow, ref time.Time) (instrument.Instrument, error) {
	a := r.attrs
	if ref.IsZero() {
		if e, ok := flexDate(a["expiry"]); ok {
			ref = e
		}
	}
	var mult float64
	if a["multiplier"] != "" {
		d, ok := number(a["multiplier"])
		if !ok || d.Sign() <= 0 {
			return instrument.Instrument{}, r.bad(name, "multiplier", "is not a positive number")
		}
		mult = d.InexactFloat64()
	}
	sym := a["symbol"]
	switch cat := a["assetCategory"]; cat {
	case "STK":
		if sym == "" {
			return instrument.Instrument{}, r.bad(name, "symbol", "is empty")
		}
		return stockInstrument(sym, ref), nil
	case "OPT", "FOP":
		exp, ok := flexDate(a["expiry"])
		if !ok {
			if cat == "OPT" {
				if in, err := occInstrument(sym, mult); err == nil {
					return in, nil
				}
			}
			return instrument.Instrument{}, r.bad(name, "expiry", "is not a date like 20261016")
		}
		right := pricing.Call
		switch a["putCall"] {
		case "C":
		case "P":
			right = pricing.Put
		default:
			return instrument.Instrument{}, r.bad(name, "putCall", "is not C or P")
		}
		strike, ok := number(a["strike"])
		if !ok || strike.Sign() <= 0 {
			return instrument.Instrument{}, r.bad(name, "strike", "is not a positive number")
		}
		under := a["underlyingSymbol"]
		if under == "" {
			return instrument.Instrument{}, r.bad(name, "underlyingSymbol", "is empty")
		}
		var in instrument.Instrument
		var err error
		if cat == "OPT" {
			in, err = equityOption(under, exp, right, strike, mult)
		} else {
			in, err = futuresOption(under, ref, right, strike, exp, mult)
		}
		if err != nil {
			return in, r.bad(name, "underlyingSymbol", err.Error())
		}
		return in, nil
	case "FUT":
		in, err := futureInstrument(sym, ref, mult)
		if err != nil {
			return in, r.bad(name, "symbol", err.Error())
		}
		return in, nil
	default:
		return instrument.Instrument{}, r.bad(name, "assetCategory", "is not supported (STK, OPT, FUT, FOP)")
	}
}

func hasNote(notes, code string) bool {
	for _, n := range strings.Split(notes, ";") {
		if strings.TrimSpace(n) == code {
			return true
		}
	}
	return false
}

func flexTrade(name string, r flexRow, acct string, hasEAE bool, ids *idMaker) (Event, string, error) {
	a := r.attrs
	if lod := a["levelOfDetail"]; lod != "" && lod != "EXECUTION" {
		return Event{}, "a " + lod + " row sums executions; Keel imports the EXECUTION rows", nil
	}
	when, ok := flexTime(a["dateTime"])
	if !ok {
		if a["dateTime"] != "" || a["tradeDate"] == "" {
			return Event{}, "", r.bad(name, "dateTime", "is not a time like 20260915;100146")
		}
		if when, ok = flexDate(a["tradeDate"]); !ok {
			return Event{}, "", r.bad(name, "tradeDate", "is not a date like 20260915")
		}
	}
	kind := Fill
	cat := a["assetCategory"]
	isOpt := cat == "OPT" || cat == "FOP"
	switch notes := a["notes"]; {
	case hasNote(notes, "A"):
		kind = Delivery
		if isOpt {
			kind = Assignment
		}
	case hasNote(notes, "Ex"):
		kind = Delivery
		if isOpt {
			kind = Exercise
		}
	case hasNote(notes, "Ep"):
		kind = Expiration
	}
	if kind != Fill && hasEAE {
		return Event{}, "the " + kind.String() + " is imported from the statement's OptionEAE section", nil
	}
	qty, err := r.num(name, "quantity")
	if err != nil {
		return Event{}, "", err
	}
	switch a["buySell"] {
	case "BUY":
		if qty.Sign() < 0 {
			return Event{}, "", r.bad(name, "quantity", "is negative on a BUY")
		}
	case "SELL":
		if qty.Sign() > 0 {
			return Event{}, "", r.bad(name, "quantity", "is positive on a SELL")
		}
	case "":
	default:
		return Event{}, "", r.bad(name, "buySell", "is not BUY or SELL")
	}
	if qty.IsZero() {
		return Event{}, "", r.bad(name, "quantity", "is zero")
	}
	price, err := r.num(name, "tradePrice")
	if err != nil {
		return Event{}, "", err
	}
	comm, err := r.optNum(name, "ibCommission")
	if err != nil {
		return Event{}, "", err
	}
	taxes, err := r.optNum(name, "taxes")
	if err != nil {
		return Event{}, "", err
	}
	in, err := flexInstrument(name, r, when)
	if err != nil {
		return Event{}, "", err
	}
	effect := EffectUnknown
	switch a["openCloseIndicator"] {
	case "O":
		effect = Open
	case "C":
		effect = Close
	}
	if kind == Assignment || kind == Exercise || kind == Expiration {
		effect = Close
	}
	var id string
	switch {
	case a["ibExecID"] != "":
		id = "ibkr:" + a["ibExecID"]
	case a["tradeID"] != "":
		id = "ibkr:trade:" + a["tradeID"]
	case a["transactionID"] != "":
		id = "ibkr:txn:" + a["transactionID"]
	default:
		id = ids.make("Trade", acct, a["dateTime"], a["tradeDate"], a["symbol"], a["quantity"], a["tradePrice"], a["ibOrderID"])
	}
	order := a["ibOrderID"]
	if kind != Fill {
		// IBKR books assignments, exercises and expirations with no order (ibOrderID 0 or
		// empty, the same on every such row of the file): the option leaving and the shares or
		// future it delivers that day belong together, as in the OptionEAE section.
		order = "eae:" + when.Format("20060102") + ":" + in.Root
	}
	ev := Event{
		Broker: "ibkr", Account: acct, ID: id, Order: order, Time: when, Kind: kind, Effect: effect,
		Instrument: in, Symbol: a["symbol"], Quantity: qty, Price: price.Abs(),
		Commission: comm.Neg(), Fees: taxes.Neg(),
		Source: fmt.Sprintf("%s line %d (Trade #%d)", name, r.line, r.index),
	}
	if err := flexMoney(name, r, &ev, comm.Add(taxes)); err != nil {
		return Event{}, "", err
	}
	return ev, "", nil
}

func flexEAE(name string, r flexRow, acct string, ids *idMaker) (Event, error) {
	a := r.attrs
	day, ok := flexDate(a["date"])
	if !ok {
		return Event{}, r.bad(name, "date", "is not a date like 20261016")
	}
	// Assignments, exercises and expirations happen after the close: 16:00 ET that day.
	when := time.Date(day.Year(), day.Month(), day.Day(), 16, 0, 0, 0, newYork)
	cat := a["assetCategory"]
	isOpt := cat == "OPT" || cat == "FOP"
	var kind Kind
	switch tt := a["transactionType"]; tt {
	case "Assignment":
		kind = Assignment
	case "Exercise":
		kind = Exercise
	case "Expiration":
		kind = Expiration
	case "Buy", "Sell":
		kind = Delivery
	default:
		return Event{}, r.bad(name, "transactionType", "is not Assignment, Exercise, Expiration, Buy or Sell")
	}
	if (kind == Delivery) == isOpt {
		return Event{}, r.bad(name, "transactionType", "does not fit assetCategory "+strconv.Quote(cat))
	}
	qty, err := r.num(name, "quantity")
	if err != nil {
		return Event{}, err
	}
	if qty.IsZero() || (a["transactionType"] == "Buy" && qty.Sign() < 0) || (a["transactionType"] == "Sell" && qty.Sign() > 0) {
		return Event{}, r.bad(name, "quantity", "has the wrong sign for "+a["transactionType"])
	}
	price, err := r.optNum(name, "tradePrice")
	if err != nil {
		return Event{}, err
	}
	comm, err := r.optNum(name, "commisionsAndTax")
	if err != nil {
		return Event{}, err
	}
	in, err := flexInstrument(name, r, when)
	if err != nil {
		return Event{}, err
	}
	effect := Close
	if kind == Delivery {
		effect = EffectUnknown
	}
	id := "ibkr:eae:" + a["tradeID"]
	if a["tradeID"] == "" {
		id = ids.make("OptionEAE", acct, a["date"], a["transactionType"], a["symbol"], a["quantity"], a["tradePrice"])
	}
	under := a["underlyingSymbol"]
	if under == "" {
		under = in.Root
	}
	ev := Event{
		Broker: "ibkr", Account: acct, ID: id, Order: "eae:" + day.Format("20060102") + ":" + in.Root,
		Time: when, Kind: kind, Effect: effect, Instrument: in, Symbol: a["symbol"], Quantity: qty,
		Price: price.Abs(), Commission: comm.Neg(), Fees: decimal.Zero,
		Source: fmt.Sprintf("%s line %d (OptionEAE #%d)", name, r.line, r.index),
	}
	if err := flexMoney(name, r, &ev, comm); err != nil {
		return Event{}, err
	}
	return ev, nil
}

// flexMoney takes the row's cash from IBKR's own columns, the truth for money: proceeds
// (−quantity × price × multiplier, signed from the account's side) must match the price and
// the contract's multiplier to the cent, or the row fails naming proceeds; the event's cash
// is netCash (proceeds with commission and taxes) where the row has it. A future's proceeds
// are its notional, settled through variation margin rather than paid, so the cash its trade
// moves is only its costs.
func flexMoney(name string, r flexRow, ev *Event, costs decimal.Decimal) error {
	a := r.attrs
	if a["proceeds"] == "" && a["netCash"] == "" {
		return nil
	}
	proceeds := decimal.Zero
	if a["proceeds"] != "" {
		p, err := r.num(name, "proceeds")
		if err != nil {
			return err
		}
		proceeds = p
		want := ev.Quantity.Neg().Mul(ev.Price).Mul(decimal.NewFromFloat(ev.Instrument.Multiplier))
		if ev.Kind == Assignment || ev.Kind == Exercise || ev.Kind == Expiration {
			want = decimal.Zero
		}
		if want.Sub(p).Abs().GreaterThan(decimal.New(1, -2)) {
			return r.bad(name, "proceeds", fmt.Sprintf("is not −quantity %s × price %s × multiplier %v = %s (the statement's cash disagrees with the contract)",
				ev.Quantity, ev.Price, ev.Instrument.Multiplier, want.StringFixed(2)))
		}
	}
	cash := proceeds.Add(costs)
	if a["netCash"] != "" {
		n, err := r.num(name, "netCash")
		if err != nil {
			return err
		}
		if a["proceeds"] != "" && n.Sub(cash).Abs().GreaterThan(decimal.New(1, -2)) {
			return r.bad(name, "netCash", fmt.Sprintf("is not proceeds %s plus commission and taxes %s", proceeds, costs))
		}
		cash = n
	}
	if ev.Instrument.Kind == instrument.Future {
		cash = costs
	}
	ev.Cash, ev.HasCash = cash, true
	return nil
}

// flexCash reads a CashTransaction: a deposit or withdrawal, interest, a dividend, a
// withholding tax, a fee or its adjustment, with IBKR's own amount. A SUMMARY row repeats
// the DETAIL rows and is listed as skipped.
func flexCash(name string, r flexRow, acct string, ids *idMaker) (CashEvent, string, error) {
	a := r.attrs
	if lod := a["levelOfDetail"]; lod != "" && lod != "DETAIL" {
		return CashEvent{}, "a " + lod + " row sums the DETAIL rows, which are imported", nil
	}
	when, ok := flexTime(a["dateTime"])
	if !ok {
		if when, ok = flexDate(a["reportDate"]); !ok || a["dateTime"] != "" {
			return CashEvent{}, "", r.bad(name, "dateTime", "is not a time like 20260915;100146")
		}
	}
	amount, err := r.num(name, "amount")
	if err != nil {
		return CashEvent{}, "", err
	}
	typ := a["type"]
	if typ == "" {
		return CashEvent{}, "", r.bad(name, "type", "is empty; a cash transaction says what it is (Deposits/Withdrawals, Dividends, …)")
	}
	kind := cashKind(typ+" "+a["description"], amount)
	switch typ {
	case "Deposits/Withdrawals", "Deposits & Withdrawals":
		kind = Deposit
		if amount.Sign() < 0 {
			kind = Withdrawal
		}
	case "Commission Adjustments":
		kind = FeeAdjustment
	}
	id := "ibkr:cash:" + a["transactionID"]
	if a["transactionID"] == "" {
		id = ids.make("CashTransaction", acct, a["dateTime"], a["reportDate"], typ, a["symbol"], a["amount"], a["description"])
	}
	return CashEvent{
		Broker: "ibkr", Account: acct, ID: id, Time: when, Kind: kind, Amount: amount, Currency: a["currency"],
		Symbol: a["symbol"], Description: joinText(typ, a["description"]),
		Source: fmt.Sprintf("%s line %d (CashTransaction #%d)", name, r.line, r.index),
	}, "", nil
}

// text is the row as the file wrote it, for a skipped-row listing: its element and attributes.
func (r flexRow) text() string {
	keys := make([]string, 0, len(r.attrs))
	for k := range r.attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("<" + r.elem)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, r.attrs[k])
	}
	b.WriteString("/>")
	return b.String()
}

func flexPosition(name string, r flexRow, acct string) (Position, error) {
	a := r.attrs
	when, ok := flexDate(a["reportDate"])
	if !ok && a["reportDate"] != "" {
		return Position{}, r.bad(name, "reportDate", "is not a date like 20261016")
	}
	qty, err := r.num(name, "position")
	if err != nil {
		return Position{}, err
	}
	if strings.EqualFold(a["side"], "Short") && qty.Sign() > 0 {
		qty = qty.Neg()
	}
	mark, err := r.optNum(name, "markPrice")
	if err != nil {
		return Position{}, err
	}
	cost, err := r.optNum(name, "costBasisPrice")
	if err != nil {
		return Position{}, err
	}
	in, err := flexInstrument(name, r, when)
	if err != nil {
		return Position{}, err
	}
	return Position{Account: acct, Instrument: in, Symbol: a["symbol"], Quantity: qty, Mark: mark, Cost: cost,
		Time: when, Source: fmt.Sprintf("%s line %d (OpenPosition #%d)", name, r.line, r.index)}, nil
}
