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
// Commissions, fees and cash are not in Trade History. Keel takes them from the Cash
// Balance TRD rows and the Futures Statements TRD rows executed at the same second as an
// order and shares the costs among all legs executed at that second in proportion to
// quantity (cents, remainder on the first leg). The rows' AMOUNT (Cash Balance) or Amount
// (Futures Statements) is the trade's net cash, costs included (BALANCE moves by it); it
// must equal the legs' premium (price × quantity × the contract's multiplier; a future's
// trade moves none) less the costs to the cent, or the file fails naming the row and the
// column. An order with no matching cash row keeps zero commission and fees and gets a
// Statement warning; a cash row that matches no trade is listed in Statement.Skipped.
//
// Assignments, exercises and expirations are not in Trade History. They are RAD (receive and
// deliver) rows, in Cash Balance or, for options on futures, in Futures Statements, whose
// description reads
//
//   REMOVAL OF OPTION DUE TO EXPIRATION -2 SPY 100 16 OCT 26 640 PUT          (TD era)
//   REMOVED DUE TO ASSIGNMENT -1 SPY 100 16 OCT 26 600 PUT                    (Schwab era)
//   REMOVED DUE TO EXPIRATION -1 /ESZ26 1/50 NOV 26 (EW3) 6200 PUT            (on a future)
//
// (…EXERCISE likewise): quantity, root, multiplier, an optional parenthesised series tag,
// expiration, strike, CALL or PUT. This is the wording matched by public parsers of real
// exports (a Haskell thinkorswim parser and a beancount importer matching `REMOVAL OF OPTION
// DUE TO (EXPIRATION|ASSIGNMENT) (-?[0-9.]+) (.*)`). Those sources do not agree on what the
// printed sign means, so Keel uses only its size: an assignment closes a short (+n), an
// exercise a long (-n), and an expiration closes whichever side the file's own trades left
// open before the row (a RowError if they left none). An option on a future is named by its
// month and series code, not its date, so it is matched to the one series the file's trades
// hold on the same future, month, strike and right (none or several: a RowError). An
// assignment or exercise also yields the Delivery of multiplier × contracts shares (or one
// future per contract) at the strike, sharing the option event's Order key; its AMOUNT must
// be the delivery's cash less costs. A RAD row that moves a security some other way (a
// transfer, a split: a signed quantity and a symbol) fails the file unless SkipUnknown.
//
// Money movements: the Cash Balance rows that are not trades (funding EFN/WIR/ACH, DOI
// dividends and interest, ADJ adjustments, other RAD rows without a security) and the
// Futures Statements rows that are not trades are CashEvents of their AMOUNT. A sweep between
// the futures and cash sides (TYPE FSWP, or "CASH MOVEMENT … FUTURES/EQUITIES", "SWEEP")
// appears on both sides and moves no money in or out: both rows are listed in Skipped. The
// BAL opening balance and the TOTAL lines are passed over; other sections (Profits and
// Losses, Account Summary, …) are summaries and are listed once each in Skipped.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"sort"
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
	amount     decimal.Decimal // the row's AMOUNT: the trade's net cash, costs included
	hasAmount  bool
	field      string // the amount's column name, for messages
	text       string // the row as written
	used       bool
}

type tosOrder struct {
	first int // index in events of the first leg
	legs  int
	when  time.Time
	line  int
}

func parseThinkorswim(name string, data []byte, opts Options) (*Statement, error) {
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
	droppedOrder := 0 // the line of an order whose first leg was skipped (--skip-unknown)
	// summary sections (P&L, positions): one listing each, with its title line and row count
	otherLine, otherRows := map[string]int{}, map[string]int{}
	var otherOrder []string
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
			if _, seen := otherLine[section]; !tosReadSections[section] && !seen {
				otherLine[section] = line
				otherOrder = append(otherOrder, section)
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
		if !tosReadSections[section] {
			otherRows[section]++
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
		text := strings.Join(rec, ",")
		// fail lists a row that could not be read, or fails the file when it is a trade
		fail := func(tradeLike bool, err error) error {
			return st.rowFailure(opts, name, line, text, tradeLike, err)
		}
		// rad reads a receive-and-deliver row (either section, its columns named as in Cash
		// Balance): an option removed, a security moved (refused: not read), or money.
		rad := func(get func(string) string) error {
			desc := get("DESCRIPTION")
			switch {
			case tosIsRemoval(desc):
				r, _, err := tosRemoval(name, line, get, bad)
				if err != nil {
					return fail(true, err)
				}
				r.text = text
				removals = append(removals, r)
			case tosMovesSecurity.MatchString(desc):
				return fail(true, bad("DESCRIPTION", desc, "is a receive-and-deliver row that moves a security (a transfer, a split, …), which Keel does not read; record it by hand"))
			default:
				ce, err := tosMoney(name, line, get, ids)
				if err != nil {
					return fail(false, err)
				}
				ce.Account = st.Account
				st.Cash = append(st.Cash, ce)
			}
			return nil
		}
		switch section {
		case "Cash Balance":
			if get("TYPE") == "RAD" {
				if err := rad(get); err != nil {
					return nil, err
				}
				continue
			}
			if get("TYPE") != "TRD" {
				if get("TYPE") == "BAL" || strings.EqualFold(get("DATE"), "TOTAL") {
					continue // the opening balance and the section's total: no movement
				}
				if tosIsSweep(get("TYPE"), get("DESCRIPTION")) {
					st.skip(name, line, text, tosSweepWhy)
					continue
				}
				ce, err := tosMoney(name, line, get, ids)
				if err != nil {
					if err := fail(false, err); err != nil {
						return nil, err
					}
					continue
				}
				ce.Account = st.Account
				st.Cash = append(st.Cash, ce)
				continue
			}
			when, err := time.ParseInLocation("1/2/06 15:04:05", get("DATE")+" "+get("TIME"), newYork)
			if err != nil {
				if err := fail(true, bad("DATE", get("DATE")+" "+get("TIME"), "is not a date and time like 9/15/26 10:01:46")); err != nil {
					return nil, err
				}
				continue
			}
			c, err := tosCashRow(get("Commissions & Fees"), get("Misc Fees"), bad)
			if err == nil {
				err = c.readAmount(get, "AMOUNT", bad)
			}
			if err != nil {
				if err := fail(true, err); err != nil {
					return nil, err
				}
				continue
			}
			c.line, c.text = line, text
			cash[when] = append(cash[when], c)
		case "Futures Statements":
			if strings.EqualFold(get("Trade Date"), "TOTAL") || get("Type") == "BAL" {
				continue
			}
			when, err := time.ParseInLocation("1/2/06 15:04:05", get("Exec Date")+" "+get("Exec Time"), newYork)
			if get("Type") == "RAD" {
				// an option on a future removed on the futures side: read with the Cash
				// Balance names for its date and time
				if err := rad(func(c string) string {
					switch c {
					case "DATE":
						return get("Exec Date")
					case "TIME":
						return get("Exec Time")
					case "TYPE":
						return get("Type")
					}
					return get(c)
				}); err != nil {
					return nil, err
				}
				continue
			}
			if get("Type") != "TRD" {
				if tosIsSweep(get("Type"), get("Description")) {
					st.skip(name, line, text, tosSweepWhy)
					continue
				}
				// the futures side's own money: daily settlement of futures, interest, fees
				ce, err := tosFuturesMoney(name, line, get, ids)
				if err != nil {
					if err := fail(false, err); err != nil {
						return nil, err
					}
					continue
				}
				ce.Account = st.Account
				st.Cash = append(st.Cash, ce)
				continue
			}
			if err != nil {
				if err := fail(true, bad("Exec Date", get("Exec Date")+" "+get("Exec Time"), "is not a date and time like 9/15/26 10:01:46")); err != nil {
					return nil, err
				}
				continue
			}
			c, err := tosCashRow(get("Commissions & Fees"), get("Misc Fees"), bad)
			if err == nil {
				err = c.readAmount(get, "Amount", bad)
			}
			if err != nil {
				if err := fail(true, err); err != nil {
					return nil, err
				}
				continue
			}
			c.line, c.text = line, text
			cash[when] = append(cash[when], c)
		case "Account Trade History":
			exec := get("Exec Time")
			var ord *tosOrder
			if exec == "" && droppedOrder > 0 {
				st.skip(name, line, text, fmt.Sprintf("a leg of the order on line %d, which was skipped", droppedOrder))
				continue
			}
			droppedOrder = 0
			if exec == "" {
				if len(orders) == 0 {
					if err := fail(true, bad("Exec Time", "", "is blank on a row that does not follow an order")); err != nil {
						return nil, err
					}
					continue
				}
				ord = orders[len(orders)-1]
			} else {
				when, err := time.ParseInLocation("1/2/06 15:04:05", exec, newYork)
				if err != nil {
					if err := fail(true, bad("Exec Time", exec, "is not a date and time like 9/15/26 10:01:46")); err != nil {
						return nil, err
					}
					continue
				}
				ord = &tosOrder{first: len(st.Events), when: when, line: line}
				orders = append(orders, ord)
			}
			ev, err := tosLeg(name, line, get, ord.when, bad)
			if err != nil {
				if err := fail(true, err); err != nil {
					return nil, err
				}
				if exec != "" {
					orders, droppedOrder = orders[:len(orders)-1], line
				}
				continue
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
	if err := tosShareCosts(name, st, orders, cash); err != nil {
		return nil, err
	}
	if err := tosAddRemovals(name, st, removals, opts); err != nil {
		return nil, err
	}
	for _, sec := range otherOrder {
		if n := otherRows[sec]; n > 0 {
			st.skip(name, otherLine[sec], sec, fmt.Sprintf("the %d rows of this section are a summary at the statement's date, not transactions; Keel does not import them", n))
		}
	}
	return st, nil
}

// tosReadSections are the sections whose rows are read one by one.
var tosReadSections = map[string]bool{"Cash Balance": true, "Futures Statements": true, "Account Trade History": true}

// readAmount reads the trade's net cash from the row's amount column.
func (c *tosCash) readAmount(get func(string) string, col string, bad func(field, value, reason string) error) error {
	v := get(col)
	c.field = col
	if v == "" || v == "--" {
		return nil
	}
	d, ok := number(v)
	if !ok {
		return bad(col, v, numberProblem(v))
	}
	c.amount, c.hasAmount = d, true
	return nil
}

// tosSweepWhy says why a sweep is not a money movement.
const tosSweepWhy = "a sweep between the account's futures and cash sides; no money enters or leaves the account"

// tosIsSweep says whether a row moves cash between the account's futures and cash sides
// (TYPE FSWP, or a description of a sweep or of funds moved to or from the futures
// account): it appears on both sides and nets to zero, so neither side is a cash event.
func tosIsSweep(typ, desc string) bool {
	up := strings.ToUpper(desc)
	return typ == "FSWP" || strings.Contains(up, "SWEEP") ||
		(strings.Contains(up, "CASH MOVEMENT") && (strings.Contains(up, "FUTURES") || strings.Contains(up, "EQUITIES")))
}

// tosFuturesMoney reads a Futures Statements row that is not a trade: a future's daily
// settlement (mark to market), interest or a fee on the futures side, with its Amount.
func tosFuturesMoney(name string, line int, get func(string) string, ids *idMaker) (CashEvent, error) {
	bad := func(field, value, reason string) error {
		return &RowError{File: name, Line: line, Field: field, Value: value, Reason: reason}
	}
	when, err := time.ParseInLocation("1/2/06 15:04:05", get("Exec Date")+" "+get("Exec Time"), newYork)
	if err != nil {
		if when, err = time.ParseInLocation("1/2/06", get("Trade Date"), newYork); err != nil {
			return CashEvent{}, bad("Trade Date", get("Trade Date"), "is not a date like 9/15/26")
		}
	}
	amount, ok := optionalMoney(get("Amount"))
	if !ok {
		return CashEvent{}, bad("Amount", get("Amount"), numberProblem(get("Amount")))
	}
	desc := strings.Join(strings.Fields(get("Description")), " ")
	kind := cashKind(desc, amount)
	if kind == OtherCash && strings.Contains(strings.ToUpper(desc), "MARK") {
		kind = MarkToMarket
	}
	ref := strings.Trim(strings.TrimPrefix(get("Ref #"), "="), `"`)
	return CashEvent{
		Broker: "thinkorswim", ID: ids.make(when.Format(time.RFC3339), "futures", get("Type"), ref, desc, get("Amount")),
		Time: when, Kind: kind, Amount: amount, Description: joinText(get("Type"), desc),
		Source: fmt.Sprintf("%s line %d", name, line),
	}, nil
}

// tosMoney reads a Cash Balance row that is neither a trade nor an option removal: a
// deposit (funding), a withdrawal, interest, a dividend, a fee or an adjustment, a futures
// sweep. Its cash is AMOUNT (the balance moves by it), with any Misc Fees and Commissions.
func tosMoney(name string, line int, get func(string) string, ids *idMaker) (CashEvent, error) {
	bad := func(field, value, reason string) error {
		return &RowError{File: name, Line: line, Field: field, Value: value, Reason: reason}
	}
	when, err := time.ParseInLocation("1/2/06 15:04:05", get("DATE")+" "+get("TIME"), newYork)
	if err != nil {
		return CashEvent{}, bad("DATE", get("DATE")+" "+get("TIME"), "is not a date and time like 9/15/26 10:01:46")
	}
	amount, ok := optionalMoney(get("AMOUNT"))
	if !ok {
		return CashEvent{}, bad("AMOUNT", get("AMOUNT"), numberProblem(get("AMOUNT")))
	}
	desc := strings.Join(strings.Fields(get("DESCRIPTION")), " ")
	typ := get("TYPE")
	kind := cashKind(desc, amount)
	switch {
	case typ == "EFN" || typ == "WIR" || typ == "ACH":
		kind = Deposit
		if amount.Sign() < 0 {
			kind = Withdrawal
		}
	}
	ref := strings.Trim(strings.TrimPrefix(get("REF #"), "="), `"`)
	return CashEvent{
		Broker: "thinkorswim", ID: ids.make(when.Format(time.RFC3339), typ, ref, desc, get("AMOUNT")),
		Time: when, Kind: kind, Amount: amount, Description: joinText(typ, desc),
		Source: fmt.Sprintf("%s line %d", name, line),
	}, nil
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
	amount     decimal.Decimal // AMOUNT: the delivery's cash, costs included
	hasAmount  bool
	text       string
	// an option on a future, found among the file's trades when signed
	futures    bool
	future     instrument.Instrument // the future it delivers
	underlying string                // its code as options name it (ESZ6)
	month      time.Time             // the option's expiry month
	mult       decimal.Decimal
	right      pricing.Right
}

var tosRemovalDesc = regexp.MustCompile(`(?i)^REMOVAL OF OPTION DUE TO (EXPIRATION|ASSIGNMENT|EXERCISE)\s+([-+]?[0-9.,]+)\s+(\S+)\s+([0-9.]+)\s+((?:\([^)]*\)\s*)*)(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2})\s+([0-9.]+)\s+(CALL|PUT)$`)

var tosFutRemovalDesc = regexp.MustCompile(`(?i)^REMOVAL OF OPTION DUE TO (EXPIRATION|ASSIGNMENT|EXERCISE)\s+([-+]?[0-9.,]+)\s+\.?(/[A-Z0-9]+)\s+1/([0-9.]+)\s+([A-Za-z]{3})\s+(\d{2})\s+((?:\([^)]*\)\s*)*)([0-9.]+)\s+(CALL|PUT)$`)

// tosFutRemoval reads the removal of an option on a future ("… -1 /ESZ26 1/50 NOV 26 (EW3)
// 7100 CALL"). The row names the option by its month and series code, not its date, so the
// option is found among the file's own trades (same future, month, strike and right) when
// the removals are signed; the delivery, for an assignment or exercise, is one future per
// contract at the strike.
func tosFutRemoval(name string, line int, when time.Time, desc string, m []string, get func(string) string, bad func(field, value, reason string) error) (*tosRemovalRow, string, error) {
	r := &tosRemovalRow{line: line, when: when, kind: Expiration, futures: true}
	switch strings.ToUpper(m[1]) {
	case "ASSIGNMENT":
		r.kind = Assignment
	case "EXERCISE":
		r.kind = Exercise
	}
	qty, ok := number(m[2])
	if !ok || qty.IsZero() || !qty.IsInteger() {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), "does not give a whole, non-zero number of contracts")
	}
	r.count = qty.Abs()
	fut, err := futureInstrument(m[3], when, 0)
	if err != nil {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), err.Error())
	}
	r.future = fut
	fc, err := instrument.ParseFuturesCode(m[3], when)
	if err != nil {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), err.Error())
	}
	r.underlying = instrument.FormatFutures(fc.Root, fc.Year, fc.Month)
	if r.mult, ok = number(m[4]); !ok || r.mult.Sign() <= 0 {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), "does not give a positive multiplier (1/50)")
	}
	month, err := time.ParseInLocation("Jan 06", titleMonth(m[5])+" "+m[6], newYork)
	if err != nil {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), "does not give an option month like NOV 26")
	}
	r.month = month
	if r.strike, ok = number(m[8]); !ok || r.strike.Sign() <= 0 {
		return nil, "", bad("DESCRIPTION", get("DESCRIPTION"), "does not give a positive strike")
	}
	r.right = pricing.Call
	if strings.EqualFold(m[9], "PUT") {
		r.right = pricing.Put
	}
	r.symbol = strings.Join(strings.Fields(strings.Join([]string{strings.ToUpper(m[3]), strings.ToUpper(m[5]), m[6], m[7], m[8], strings.ToUpper(m[9])}, " ")), " ")
	if err := r.readCash(get, bad); err != nil {
		return nil, "", err
	}
	r.idFields = []string{when.Format(time.RFC3339), "RAD", r.ref, desc}
	return r, "", nil
}

// readCash reads a removal row's costs, its AMOUNT (the cash of the delivery an assignment
// or exercise makes) and its REF #.
func (r *tosRemovalRow) readCash(get func(string) string, bad func(field, value, reason string) error) error {
	c, err := tosCashRow(get("Commissions & Fees"), get("Misc Fees"), bad)
	if err == nil {
		err = c.readAmount(get, "AMOUNT", bad)
	}
	if err != nil {
		return err
	}
	r.commission, r.fees, r.amount, r.hasAmount = c.commission, c.fees, c.amount, c.hasAmount
	r.ref = strings.Trim(strings.TrimPrefix(get("REF #"), "="), `"`)
	return nil
}

// tosIsRemoval says whether a RAD row's description removes an option (TD or Schwab wording).
func tosIsRemoval(desc string) bool {
	up := strings.ToUpper(strings.TrimSpace(desc))
	return strings.HasPrefix(up, "REMOVED DUE TO ") || strings.HasPrefix(up, "REMOVAL OF OPTION")
}

// tosMovesSecurity finds a signed quantity followed by a symbol in a RAD row's description
// ("TRANSFER OF SECURITY OR OPTION IN +100 SPY"): such a row moves a position.
var tosMovesSecurity = regexp.MustCompile(`(?:^|\s)[-+][0-9][0-9,.]*\s+\.?/?[A-Z][A-Z0-9]*`)

// tosRemoval reads a RAD row that removes an option (tosIsRemoval).
func tosRemoval(name string, line int, get func(string) string, bad func(field, value, reason string) error) (*tosRemovalRow, string, error) {
	desc := strings.Join(strings.Fields(get("DESCRIPTION")), " ")
	if up := strings.ToUpper(desc); strings.HasPrefix(up, "REMOVED DUE TO ") {
		// the Schwab-era wording of the same removal
		desc = "REMOVAL OF OPTION DUE TO " + desc[len("REMOVED DUE TO "):]
	}
	when, err := time.ParseInLocation("1/2/06 15:04:05", get("DATE")+" "+get("TIME"), newYork)
	if err != nil {
		return nil, "", bad("DATE", get("DATE")+" "+get("TIME"), "is not a date and time like 9/15/26 10:01:46")
	}
	if m := tosFutRemovalDesc.FindStringSubmatch(desc); m != nil {
		return tosFutRemoval(name, line, when, desc, m, get, bad)
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
	if err := r.readCash(get, bad); err != nil {
		return nil, "", err
	}
	r.idFields = []string{when.Format(time.RFC3339), "RAD", r.ref, desc}
	return r, "", nil
}

// tosAddRemovals signs the removals against the position the file's fills and earlier
// removals leave open, and appends their events (and deliveries) to st.
func tosAddRemovals(name string, st *Statement, removals []*tosRemovalRow, opts Options) error {
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
	sort.SliceStable(removals, func(i, j int) bool { return removals[i].when.Before(removals[j].when) })
	ids := newIDMaker("thinkorswim:")
	var done []change
	for _, r := range removals {
		fail := func(field, value, reason string) error {
			return st.rowFailure(opts, name, r.line, r.text, true, &RowError{File: name, Line: r.line, Field: field, Value: value, Reason: reason})
		}
		if r.futures {
			// the option on a future: the one the file's trades hold on the same future,
			// month, strike and right
			var found []instrument.Instrument
			for _, f := range fills {
				in := f.inst
				if in.Kind == instrument.FuturesOption && in.Underlying == r.underlying && in.Right == r.right &&
					decimal.NewFromFloat(in.Strike).Equal(r.strike) && in.Expiry.Year() == r.month.Year() && in.Expiry.Month() == r.month.Month() {
					dup := false
					for _, g := range found {
						dup = dup || g == in
					}
					if !dup {
						found = append(found, in)
					}
				}
			}
			if len(found) != 1 {
				why := "names an option on a future that no trade in this file holds, so its expiration date is unknown"
				if len(found) > 1 {
					why = fmt.Sprintf("names an option on a future that matches %d series the file's trades hold (same month, strike and right), so which one is unknown", len(found))
				}
				if err := fail("DESCRIPTION", r.symbol, why); err != nil {
					return err
				}
				continue
			}
			r.inst = found[0]
			if !decimal.NewFromFloat(r.inst.Multiplier).Equal(r.mult) {
				if err := fail("DESCRIPTION", r.symbol, fmt.Sprintf("gives multiplier %s; Keel knows %s options as %g", r.mult, r.inst.Root, r.inst.Multiplier)); err != nil {
					return err
				}
				continue
			}
		}
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
				if err := fail("DESCRIPTION", r.symbol, "expires an option that no earlier trade in this file left open, so whether it was long or short is unknown"); err != nil {
					return err
				}
				continue
			}
		}
		// The delivery: a call assigned (+n) delivers the underlying away and exercised (-n)
		// brings it in; a put the other way round. Shares by the multiplier, one future per
		// contract.
		under := qty
		var underInst instrument.Instrument
		if r.futures {
			underInst = r.future
		} else {
			under = qty.Mul(decimal.NewFromFloat(r.inst.Multiplier))
			underInst = stockInstrument(r.inst.Root, r.when)
		}
		if r.inst.Right == pricing.Call {
			under = under.Neg()
		}
		costs := r.commission.Add(r.fees)
		// AMOUNT is the removal's cash: the delivery's at the strike (a future's moves none),
		// less the row's costs; it must agree to the cent.
		deliveryCash := decimal.Zero
		if r.kind != Expiration && !r.futures {
			deliveryCash = under.Neg().Mul(r.strike)
		}
		if r.hasAmount && deliveryCash.Sub(costs).Sub(r.amount).Abs().GreaterThan(decimal.New(1, -2)) {
			if err := fail("AMOUNT", r.amount.String(), fmt.Sprintf("is not the %s's cash, %s (the delivery at the strike less costs)", r.kind, deliveryCash.Sub(costs).StringFixed(2))); err != nil {
				return err
			}
			continue
		}
		done = append(done, change{r.when, r.inst, qty})
		src := fmt.Sprintf("%s line %d", name, r.line)
		// The option removed and what it delivers share one key; rows removing other
		// options at the same moment keep their own (by REF #, or by the option otherwise).
		key := r.ref
		if key == "" {
			key = strings.ReplaceAll(r.symbol, " ", "")
		}
		order := "thinkorswim:rad:" + r.when.UTC().Format("20060102T150405") + ":" + key
		opt := Event{
			Broker: "thinkorswim", Account: st.Account, ID: ids.make(r.idFields...), Order: order,
			Time: r.when, Kind: r.kind, Effect: Close, Instrument: r.inst, Symbol: r.symbol,
			Quantity: qty, Price: decimal.Zero, Commission: r.commission, Fees: r.fees, Source: src,
		}
		if r.hasAmount {
			opt.Cash, opt.HasCash = costs.Neg(), true
			if r.kind == Expiration || r.futures {
				opt.Cash = r.amount
			}
		}
		st.Events = append(st.Events, opt)
		if r.kind == Expiration {
			continue
		}
		del := Event{
			Broker: "thinkorswim", Account: st.Account, ID: ids.make(append(r.idFields, "delivery")...), Order: order,
			Time: r.when, Kind: Delivery, Instrument: underInst, Symbol: underInst.Root,
			Quantity: under, Price: r.strike, Commission: decimal.Zero, Fees: decimal.Zero, Source: src,
		}
		if r.futures {
			del.Symbol = r.future.String()
		}
		if r.hasAmount && !r.futures {
			del.Cash, del.HasCash = r.amount.Add(costs), true
		}
		st.Events = append(st.Events, del)
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
func tosShareCosts(name string, st *Statement, orders []*tosOrder, cash map[time.Time][]*tosCash) error {
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
		if err := tosCheckAmount(name, rows, legs); err != nil {
			return err
		}
	}
	var unused []*tosCash
	for _, rows := range cash {
		for _, c := range rows {
			if !c.used {
				unused = append(unused, c)
			}
		}
	}
	sort.Slice(unused, func(i, j int) bool { return unused[i].line < unused[j].line })
	for _, c := range unused {
		st.skip(name, c.line, c.text, "a trade's cash row that matches no execution in Account Trade History (same second), so no position change goes with it")
	}
	return nil
}

// tosCheckAmount holds the legs executed at one second to the broker's cash for them, the
// truth for money: the rows' AMOUNT (Cash Balance) or Amount (Futures Statements) is the net
// cash, costs included, and must equal the legs' premium (−quantity × price × multiplier; a
// future's trade moves none) less their commissions and fees to the cent, or the file fails
// naming the first row. The legs then carry that cash (the cent of rounding on the first).
func tosCheckAmount(name string, rows []*tosCash, legs []*Event) error {
	sum := decimal.Zero
	for _, c := range rows {
		if !c.hasAmount {
			return nil // a row without an amount: nothing to hold the legs to
		}
		sum = sum.Add(c.amount)
	}
	want := decimal.Zero
	cash := make([]decimal.Decimal, len(legs))
	for i, ev := range legs {
		premium := decimal.Zero
		if ev.Instrument.Kind != instrument.Future {
			premium = ev.Quantity.Neg().Mul(ev.Price).Mul(decimal.NewFromFloat(ev.Instrument.Multiplier))
		}
		cash[i] = premium.Sub(ev.Commission).Sub(ev.Fees)
		want = want.Add(cash[i])
	}
	if want.Sub(sum).Abs().GreaterThan(decimal.New(1, -2)) {
		c := rows[0]
		return &RowError{File: name, Line: c.line, Field: c.field, Value: c.amount.String(),
			Reason: fmt.Sprintf("is not the trade's premium less commissions and fees, %s, from the legs in Account Trade History (price × quantity × the contract's multiplier); the statement's cash disagrees with the contract", want.StringFixed(2))}
	}
	cash[0] = cash[0].Add(sum.Sub(want))
	for i, ev := range legs {
		ev.Cash, ev.HasCash = cash[i], true
	}
	return nil
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
