package statement

// The older tastyworks transaction CSV, the one years of history were exported in (Activity →
// History → CSV), with this header (as laroche/tastyworks-pnl checks it):
//
//   Date/Time,Transaction Code,Transaction Subcode,Symbol,Buy/Sell,Open/Close,Quantity,
//   Expiration Date,Strike,Call/Put,Price,Fees,Amount,Description,Account Reference
//
// Conventions of the export: rows newest first; times like "09/22/2026 10:30 AM" in New York;
// the underlying alone in Symbol ("SPY", "/ESZ6"), the option's parts in Expiration Date
// (MM/DD/YYYY), Strike and Call/Put (C or P); Quantity unsigned, the direction in Buy/Sell and
// Open/Close; Price per unit of the underlying; Fees positive (commissions and fees together);
// Amount signed from the account's side and without the fees. The legs of one order share a
// timestamp and have no order number. Receive Deliver rows are expirations, assignments,
// exercises (Transaction Subcode) and the shares or future they deliver (Buy to Open, …).
// Money Movement rows (deposits, interest, dividends, fee adjustments) change no position;
// each is a CashEvent of Amount less Fees.
//
// Amount is the broker's cash and the truth for money: a trade's Amount must equal price ×
// quantity × the contract's multiplier (from engine/instrument, as the layout has no
// multiplier column) to the cent, or the row fails; a future's Amount is zero.

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// FormatTastyworksClassic is the older 15-column tastyworks transaction CSV.
const FormatTastyworksClassic = "tastyworks-classic"

const tastyworksClassicHeader = "Date/Time,Transaction Code,Transaction Subcode,Symbol,Buy/Sell,Open/Close,Quantity,Expiration Date,Strike,Call/Put,Price,Fees,Amount,Description,Account Reference"

func isTastyworksClassic(first string) bool {
	return strings.HasPrefix(strings.ReplaceAll(first, ", ", ","), "Date/Time,Transaction Code,")
}

func parseTastyworksClassic(name string, data []byte, opts Options) (*Statement, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, h := range strings.Split(tastyworksClassicHeader, ",") {
		if _, ok := col[h]; !ok && h != "Account Reference" {
			return nil, &FormatError{File: name, Reason: "the tastyworks header has no " + h + " column"}
		}
	}
	st := &Statement{Format: FormatTastyworksClassic}
	ids := newIDMaker("tastyworks:")
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
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if get("Transaction Code") == "Money Movement" {
			ce, err := tastyworksClassicCash(name, line, get, ids)
			if err == nil {
				st.Cash = append(st.Cash, ce)
			} else if err := st.rowFailure(opts, name, line, strings.Join(rec, ","), movesPosition(get("Symbol"), get("Quantity")), err); err != nil {
				return nil, err
			}
			continue
		}
		ev, unsigned, _, err := tastyworksClassicEvent(name, line, get, ids)
		if err != nil {
			q, code := get("Quantity"), get("Transaction Code")
			tradeLike := get("Symbol") != "" && (q != "" && q != "0" || code == "Trade" || code == "Receive Deliver")
			if err := st.rowFailure(opts, name, line, strings.Join(rec, ","), tradeLike, err); err != nil {
				return nil, err
			}
			continue
		}
		if st.Account == "" {
			st.Account = get("Account Reference")
		}
		st.Events = append(st.Events, ev)
		pending = append(pending, unsigned)
	}
	// Newest first in the file; oldest first here, keeping the legs of one order in order.
	n := len(st.Events)
	if n > 1 && st.Events[0].Time.After(st.Events[n-1].Time) {
		for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
			st.Events[i], st.Events[j] = st.Events[j], st.Events[i]
			pending[i], pending[j] = pending[j], pending[i]
		}
	}
	// An expiration with no Buy/Sell closes whatever this file holds of the contract.
	running := map[string]decimal.Decimal{}
	for i := range st.Events {
		ev := &st.Events[i]
		key := ev.Instrument.String()
		if pending[i] {
			switch running[key].Sign() {
			case 1:
				ev.Quantity = ev.Quantity.Neg()
			case 0:
				return nil, &RowError{File: name, Line: lineOf(ev.Source), Field: "Buy/Sell", Value: "",
					Reason: "is empty and no earlier row in this file says whether the " + ev.Kind.String() + " closed a long or a short position"}
			}
		}
		running[key] = running[key].Add(ev.Quantity)
	}
	return st, nil
}

// tastyworksClassicEvent turns one row into an event, or into a note saying why the row is
// not a position change (money movements).
func tastyworksClassicEvent(name string, line int, get func(string) string, ids *idMaker) (ev Event, unsigned bool, note string, err error) {
	bad := func(field, value, reason string) error {
		return &RowError{File: name, Line: line, Field: field, Value: value, Reason: reason}
	}
	code, sub := get("Transaction Code"), get("Transaction Subcode")
	kind := Fill
	switch code {
	case "Trade":
	case "Receive Deliver":
		switch s := strings.ToLower(sub); {
		case strings.Contains(s, "expiration"):
			kind = Expiration
		case strings.Contains(s, "assignment"):
			kind = Assignment
		case strings.Contains(s, "exercise"):
			kind = Exercise
		case s == "buy to open" || s == "sell to open" || s == "buy to close" || s == "sell to close":
			kind = Delivery
		default:
			return ev, false, "", bad("Transaction Subcode", sub, "is not a Receive Deliver row Keel can read (Expiration, Assignment, Exercise, Buy/Sell to Open/Close)")
		}
	default:
		return ev, false, "", bad("Transaction Code", code, "is not a tastyworks transaction code (Trade, Receive Deliver, Money Movement)")
	}
	when, ok := tastyTime(get("Date/Time"))
	if !ok {
		return ev, false, "", bad("Date/Time", get("Date/Time"), "is not a time like 09/22/2026 10:30 AM")
	}
	qty, ok := number(get("Quantity"))
	if !ok || qty.Sign() <= 0 {
		return ev, false, "", bad("Quantity", get("Quantity"), "is not a positive number (the direction is in Buy/Sell)")
	}
	switch bs := get("Buy/Sell"); bs {
	case "Buy":
	case "Sell":
		qty = qty.Neg()
	case "":
		if kind == Fill || kind == Delivery {
			return ev, false, "", bad("Buy/Sell", "", "is empty; a trade is a Buy or a Sell")
		}
		unsigned = true
	default:
		return ev, false, "", bad("Buy/Sell", bs, "is not Buy or Sell")
	}
	effect := EffectUnknown
	switch oc := get("Open/Close"); oc {
	case "Open":
		effect = Open
	case "Close":
		effect = Close
	case "":
	default:
		return ev, false, "", bad("Open/Close", oc, "is not Open or Close")
	}
	if kind == Expiration || kind == Assignment || kind == Exercise {
		effect = Close
	}
	inst, err := tastyworksClassicInstrument(get, when, bad)
	if err != nil {
		return ev, false, "", err
	}
	if !inst.IsOption() && kind != Fill && kind != Delivery {
		return ev, false, "", bad("Call/Put", get("Call/Put"), "is empty; only an option expires, is assigned or is exercised")
	}
	price, fees, err := tastyworksClassicMoney(get, kind, qty, inst, bad)
	if err != nil {
		return ev, false, "", err
	}
	stamp := when.UTC().Format("20060102T150405")
	order := "tw:" + stamp + ":" + get("Account Reference")
	if kind != Fill {
		// the option leaving and the shares or future arriving at the same moment belong together
		order = "rd:" + stamp + ":" + inst.Root
	}
	ev = Event{
		Broker:     "tastytrade",
		Account:    get("Account Reference"),
		ID:         ids.make(get("Date/Time"), code, sub, get("Symbol"), get("Buy/Sell"), get("Open/Close"), get("Quantity"), get("Expiration Date"), get("Strike"), get("Call/Put"), get("Price"), get("Amount"), get("Description")),
		Order:      order,
		Time:       when,
		Kind:       kind,
		Effect:     effect,
		Instrument: inst,
		Symbol:     get("Symbol"),
		Quantity:   qty,
		Price:      price,
		Fees:       fees,
		Source:     name + " line " + itoa(line),
	}
	if amount, ok := optionalMoney(get("Amount")); ok {
		ev.Cash, ev.HasCash = amount.Sub(fees), true
	}
	return ev, unsigned, "", nil
}

// tastyworksClassicCash reads a Money Movement row (a deposit, interest, a dividend, a fee
// adjustment, …): its cash is Amount less the positive Fees.
func tastyworksClassicCash(name string, line int, get func(string) string, ids *idMaker) (CashEvent, error) {
	bad := func(field, value, reason string) error {
		return &RowError{File: name, Line: line, Field: field, Value: value, Reason: reason}
	}
	if movesPosition(get("Symbol"), get("Quantity")) {
		return CashEvent{}, bad("Transaction Code", get("Transaction Code"), "is a money movement with a symbol and a quantity (a transfer of a position?), which Keel cannot read as cash or as a trade")
	}
	when, ok := tastyTime(get("Date/Time"))
	if !ok {
		return CashEvent{}, bad("Date/Time", get("Date/Time"), "is not a time like 09/22/2026 10:30 AM")
	}
	amount, ok := optionalMoney(get("Amount"))
	if !ok {
		return CashEvent{}, bad("Amount", get("Amount"), numberProblem(get("Amount")))
	}
	fees, ok := optionalMoney(get("Fees"))
	if !ok || fees.IsNegative() {
		return CashEvent{}, bad("Fees", get("Fees"), "is not a positive number (tastyworks prints fees paid as positive)")
	}
	amount = amount.Sub(fees)
	sub, desc := get("Transaction Subcode"), get("Description")
	return CashEvent{
		Broker: "tastytrade", Account: get("Account Reference"),
		ID:   ids.make(get("Date/Time"), "Money Movement", sub, get("Symbol"), get("Amount"), get("Fees"), desc),
		Time: when, Kind: cashKind(sub+" "+desc, amount), Amount: amount, Symbol: get("Symbol"),
		Description: joinText(sub, desc), Source: name + " line " + itoa(line),
	}, nil
}

// tastyworksClassicInstrument builds the contract from Symbol (the underlying) and, for an
// option, Expiration Date, Strike and Call/Put.
func tastyworksClassicInstrument(get func(string) string, when time.Time, bad func(field, value, reason string) error) (instrument.Instrument, error) {
	sym := get("Symbol")
	if sym == "" || strings.ContainsAny(sym, " \t") {
		return instrument.Instrument{}, bad("Symbol", sym, "is not an underlying symbol like SPY or /ESZ6")
	}
	cp := strings.ToUpper(get("Call/Put"))
	if cp == "" {
		if strings.HasPrefix(sym, "/") {
			in, err := futureInstrument(sym, when, 0)
			if err != nil {
				return in, bad("Symbol", sym, err.Error())
			}
			return in, nil
		}
		return stockInstrument(sym, when), nil
	}
	right := pricing.Call
	switch cp {
	case "C", "CALL":
	case "P", "PUT":
		right = pricing.Put
	default:
		return instrument.Instrument{}, bad("Call/Put", get("Call/Put"), "is not C or P")
	}
	exp, err := time.ParseInLocation("01/02/2006", get("Expiration Date"), newYork)
	if err != nil {
		return instrument.Instrument{}, bad("Expiration Date", get("Expiration Date"), "is not a date like 10/16/2026")
	}
	strike, ok := number(get("Strike"))
	if !ok || strike.Sign() <= 0 {
		return instrument.Instrument{}, bad("Strike", get("Strike"), "is not a positive number")
	}
	var in instrument.Instrument
	if strings.HasPrefix(sym, "/") {
		in, err = futuresOption(sym, when, right, strike, exp, 0)
	} else {
		in, err = equityOption(sym, exp, right, strike, 0)
	}
	if err != nil {
		return in, bad("Symbol", sym, err.Error())
	}
	return in, nil
}

// tastyworksClassicMoney reads Price, Fees and Amount and checks that the broker's Amount is
// price × quantity × multiplier, with the sign of the trade's direction, to the cent.
func tastyworksClassicMoney(get func(string) string, kind Kind, qty decimal.Decimal, in instrument.Instrument, bad func(field, value, reason string) error) (price, fees decimal.Decimal, err error) {
	price, ok := optionalMoney(get("Price"))
	if !ok || price.IsNegative() {
		return price, fees, bad("Price", get("Price"), "is not a price")
	}
	fees, ok = optionalMoney(get("Fees"))
	if !ok || fees.IsNegative() {
		return price, fees, bad("Fees", get("Fees"), "is not a positive number (tastyworks prints fees paid as positive)")
	}
	if kind != Fill && kind != Delivery {
		if amount, ok := optionalMoney(get("Amount")); !ok || !amount.IsZero() || !price.IsZero() {
			return price, fees, bad("Amount", get("Amount"), "is not zero on an "+kind.String()+"; Keel closes it at zero")
		}
		return price, fees, nil
	}
	if err := checkCash(get("Amount"), kind, qty, price, in); err != nil {
		return price, fees, bad("Amount", get("Amount"), err.Error())
	}
	return price, fees, nil
}
