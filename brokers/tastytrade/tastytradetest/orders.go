package tastytradetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

type orderBody struct {
	TimeInForce        string `json:"time-in-force"`
	OrderType          string `json:"order-type"`
	Price              string `json:"price"`
	PriceEffect        string `json:"price-effect"`
	ExternalIdentifier string `json:"external-identifier"`
	Legs               []struct {
		InstrumentType string          `json:"instrument-type"`
		Symbol         string          `json:"symbol"`
		Quantity       json.RawMessage `json:"quantity"`
		Action         string          `json:"action"`
	} `json:"legs"`
}

// newOrder reads and checks an order body as the preflight would; msg says why it fails.
// Call with mu held.
func (s *Server) newOrder(r *http.Request) (*order, string) {
	var b orderBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		return nil, "the order is not valid JSON: " + err.Error()
	}
	return s.build(b)
}

func (s *Server) build(b orderBody) (*order, string) {
	o := &order{ExternalID: b.ExternalIdentifier, TIF: b.TimeInForce, Type: b.OrderType, Effect: b.PriceEffect,
		Received: s.now, Updated: s.now}
	if len(b.Legs) == 0 {
		return nil, "an order needs legs"
	}
	futures, options := 0, 0
	for _, l := range b.Legs {
		c := s.contracts[l.Symbol]
		if c == nil || c.Type != l.InstrumentType {
			return nil, fmt.Sprintf("invalid symbol %q for %s", l.Symbol, l.InstrumentType)
		}
		q, err := strconv.ParseInt(string(trimQuotes(l.Quantity)), 10, 64)
		if err != nil || q <= 0 {
			return nil, fmt.Sprintf("leg %s: quantity must be a positive whole number", l.Symbol)
		}
		switch l.Action {
		case "Buy to Open", "Buy to Close", "Sell to Open", "Sell to Close":
			if c.Type == future {
				return nil, "futures legs take the action Buy or Sell"
			}
		case "Buy", "Sell":
			if c.Type != future {
				return nil, "only futures legs take the action Buy or Sell"
			}
		default:
			return nil, fmt.Sprintf("leg %s: unknown action %q", l.Symbol, l.Action)
		}
		switch c.Type {
		case future:
			futures++
		case equityOption, futureOption:
			options++
		}
		o.Legs = append(o.Legs, &leg{c: c, Qty: q, Remaining: q, Action: l.Action})
	}
	if futures > 0 && options > 0 {
		return nil, "a future cannot share an order with options"
	}
	if options > 4 {
		return nil, "an options order takes at most 4 legs"
	}
	switch b.OrderType {
	case "Market":
	case "Limit":
		p, err := decimal.NewFromString(b.Price)
		if err != nil || !p.IsPositive() {
			return nil, "a limit order needs a positive price"
		}
		if b.PriceEffect != "Debit" && b.PriceEffect != "Credit" {
			return nil, "price-effect must be Debit or Credit"
		}
		if !onGrid(p, o.Legs[0].c.Tick) {
			return nil, fmt.Sprintf("price %s is not in increments of %g", p, o.Legs[0].c.Tick)
		}
		o.Price = p
	default:
		return nil, fmt.Sprintf("order type %q is not served by the fake", b.OrderType)
	}
	if b.TimeInForce != "Day" && b.TimeInForce != "GTC" {
		return nil, "time-in-force must be Day or GTC"
	}
	if need, bp := s.requirement(o), s.buyingPower(); need.GreaterThan(bp) {
		return nil, fmt.Sprintf("insufficient buying power: the order needs %s, the account has %s", need.StringFixed(2), bp.StringFixed(2))
	}
	return o, ""
}

func trimQuotes(b []byte) []byte {
	if len(b) >= 2 && b[0] == '"' {
		return b[1 : len(b)-1]
	}
	return b
}

// requirement is the fake's margin for an order: the premium of long legs, 20% of the
// underlying for short options, 15,000 a future.
func (s *Server) requirement(o *order) decimal.Decimal {
	need := 0.0
	for _, l := range o.Legs {
		q := quoteOf(l.c, s.now, s.under)
		switch {
		case l.c.Type == future:
			need += 15000 * float64(l.Qty)
		case l.buy():
			need += q.Ask * l.c.Mult * float64(l.Qty)
		case l.c.Type == equity:
			need += 0.5 * q.Bid * float64(l.Qty)
		default:
			need += 0.2 * s.under[l.c.Underlying] * l.c.Mult * float64(l.Qty)
		}
	}
	return decimal.NewFromFloat(need).Round(2)
}

func (s *Server) buyingPower() decimal.Decimal {
	nl, maint := s.netLiq()
	return decimal.Max(decimal.Zero, nl.Sub(maint))
}

// netLiq is cash plus the marked positions (futures by their open P&L) and the fake's
// maintenance requirement.
func (s *Server) netLiq() (nl, maint decimal.Decimal) {
	nl = s.cash
	for _, p := range s.positions {
		if p.Qty == 0 {
			continue
		}
		m := decimal.NewFromFloat(mid(quoteOf(p.contract, s.now, s.under)))
		q := decimal.NewFromInt(p.Qty)
		mult := decimal.NewFromFloat(p.contract.Mult)
		if p.contract.Type == future {
			nl = nl.Add(m.Sub(p.Avg).Mul(q).Mul(mult))
			maint = maint.Add(decimal.NewFromInt(12000 * abs(p.Qty)))
		} else {
			nl = nl.Add(m.Mul(q).Mul(mult))
			if p.Qty < 0 {
				maint = maint.Add(m.Mul(mult).Mul(decimal.NewFromInt(-p.Qty)).Mul(decimal.NewFromInt(3)))
			}
		}
	}
	return nl.Round(2), maint.Round(2)
}

// work fills o at the touch when it is marketable; it reports a change. Call with mu held.
func (s *Server) work(o *order) bool {
	if o.Status != "Live" {
		return false
	}
	g := int64(0)
	for _, l := range o.Legs {
		g = gcd(g, l.Qty)
	}
	net := 0.0
	prices := make([]float64, len(o.Legs))
	for i, l := range o.Legs {
		q := quoteOf(l.c, s.now, s.under)
		if l.buy() {
			prices[i] = q.Ask
			net += q.Ask * float64(l.Qty/g)
		} else {
			prices[i] = q.Bid
			net -= q.Bid * float64(l.Qty/g)
		}
	}
	if o.Type == "Limit" {
		limit, _ := o.Price.Float64()
		if o.Effect == "Credit" {
			limit = -limit
		}
		if net > limit+1e-9 {
			return false
		}
	}
	for i, l := range o.Legs {
		s.fillSeq++
		l.Fills = append(l.Fills, map[string]any{"fill-id": fmt.Sprintf("F%d", s.fillSeq), "quantity": strconv.FormatInt(l.Qty, 10),
			"fill-price": d(prices[i]), "filled-at": s.now.UTC().Format(time.RFC3339Nano), "ext-exec-id": fmt.Sprintf("X%d", s.fillSeq)})
		l.Remaining = 0
		s.book(l.c, l.buy(), l.Qty, decimal.NewFromFloat(prices[i]))
	}
	o.Status, o.Updated = "Filled", s.now
	return true
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// book moves cash and the position for one leg fill.
func (s *Server) book(c *contract, buy bool, qty int64, px decimal.Decimal) {
	p := s.positions[c.Symbol]
	if p == nil {
		p = &position{Symbol: c.Symbol, contract: c, Opened: s.now}
		s.positions[c.Symbol] = p
	}
	signed := qty
	if !buy {
		signed = -qty
	}
	mult := decimal.NewFromFloat(c.Mult)
	if c.Type != future {
		s.cash = s.cash.Sub(px.Mul(mult).Mul(decimal.NewFromInt(signed)))
	}
	switch {
	case p.Qty == 0 || (p.Qty > 0) == (signed > 0):
		total := p.Avg.Mul(decimal.NewFromInt(abs(p.Qty))).Add(px.Mul(decimal.NewFromInt(qty)))
		p.Qty += signed
		p.Avg = total.Div(decimal.NewFromInt(abs(p.Qty)))
	default:
		closed := min(abs(signed), abs(p.Qty))
		if c.Type == future {
			dir := int64(1)
			if p.Qty < 0 {
				dir = -1
			}
			s.cash = s.cash.Add(px.Sub(p.Avg).Mul(mult).Mul(decimal.NewFromInt(closed * dir)))
		}
		p.Qty += signed
		if p.Qty != 0 && (p.Qty > 0) == (signed > 0) {
			p.Avg = px // crossed through zero
		}
	}
	if p.Qty == 0 {
		delete(s.positions, c.Symbol)
	}
}

func (s *Server) order(id int) *order {
	for _, o := range s.orders {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func (s *Server) orderJSON(o *order) map[string]any {
	var legs []any
	for _, l := range o.Legs {
		fills := []any{}
		for _, f := range l.Fills {
			fills = append(fills, f)
		}
		legs = append(legs, map[string]any{"instrument-type": l.c.Type, "symbol": l.c.Symbol,
			"quantity": strconv.FormatInt(l.Qty, 10), "remaining-quantity": strconv.FormatInt(l.Remaining, 10),
			"action": l.Action, "fills": fills})
	}
	m := map[string]any{"account-number": Account, "time-in-force": o.TIF, "order-type": o.Type,
		"size": strconv.FormatInt(o.Legs[0].Qty, 10), "underlying-symbol": underlyingOf(o.Legs[0].c),
		"status": o.Status, "cancellable": o.Status == "Live", "editable": o.Status == "Live", "edited": o.Replaces != 0,
		"received-at": o.Received.UTC().Format(time.RFC3339Nano), "updated-at": o.Updated.UnixMilli(),
		"external-identifier": o.ExternalID, "legs": legs}
	if o.ID != 0 {
		m["id"] = o.ID
	}
	if o.Type == "Limit" {
		m["price"], m["price-effect"] = o.Price.String(), o.Effect
	}
	if o.Replaces != 0 {
		m["replaces-order-id"] = strconv.Itoa(o.Replaces)
	}
	if o.Replacing != 0 {
		m["replacing-order-id"] = strconv.Itoa(o.Replacing)
	}
	if o.RejectReason != "" {
		m["reject-reason"] = o.RejectReason
	}
	return m
}

func underlyingOf(c *contract) string {
	if c.Underlying != "" {
		return c.Underlying
	}
	return c.Symbol
}

// orderResponse is the dry-run or placement answer: the order, its buying-power effect
// and the fake's fees ($1 a contract commission on options, 0.10 a contract regulatory).
func (s *Server) orderResponse(o *order) map[string]any {
	need := s.requirement(o)
	bp := s.buyingPower()
	contracts := int64(0)
	for _, l := range o.Legs {
		if l.c.Type == equityOption || l.c.Type == futureOption || l.c.Type == future {
			contracts += l.Qty
		}
	}
	commission := decimal.NewFromInt(contracts)
	reg := decimal.NewFromFloat(0.10).Mul(decimal.NewFromInt(contracts))
	return map[string]any{"order": s.orderJSON(o), "warnings": []any{},
		"buying-power-effect": map[string]any{
			"change-in-margin-requirement": need.String(), "change-in-margin-requirement-effect": "Debit",
			"change-in-buying-power": need.String(), "change-in-buying-power-effect": "Debit",
			"current-buying-power": bp.String(), "current-buying-power-effect": "Credit",
			"new-buying-power": bp.Sub(need).String(), "new-buying-power-effect": "Credit",
			"isolated-order-margin-requirement": need.String(), "isolated-order-margin-requirement-effect": "Debit",
			"is-spread": len(o.Legs) > 1, "impact": need.String(), "effect": "Debit"},
		"fee-calculation": map[string]any{"regulatory-fees": reg.String(), "regulatory-fees-effect": "Debit",
			"clearing-fees": "0", "clearing-fees-effect": "None", "commission": commission.String(), "commission-effect": "Debit",
			"proprietary-index-option-fees": "0", "proprietary-index-option-fees-effect": "None",
			"total-fees": commission.Add(reg).String(), "total-fees-effect": "Debit"}}
}

// replace answers PUT: the old order is cancelled and a new one replaces it. Call with mu held.
func (s *Server) replace(w http.ResponseWriter, r *http.Request, old *order) []map[string]any {
	if old.Status != "Live" {
		apiErr(w, 422, "order_not_editable", fmt.Sprintf("order %d is %s and cannot be replaced", old.ID, old.Status))
		return nil
	}
	var b orderBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		apiErr(w, 400, "invalid_json", err.Error())
		return nil
	}
	o, msg := s.build(b)
	if msg != "" {
		apiErr(w, 422, "preflight_check_failure", msg)
		return nil
	}
	s.nextID++
	o.ID, o.Status, o.Replaces = s.nextID, "Live", old.ID
	old.Status, old.Replacing, old.Updated = "Cancelled", o.ID, s.now
	s.orders = append(s.orders, o)
	s.work(o)
	data(w, s.orderJSON(o))
	return []map[string]any{s.orderJSON(old), s.orderJSON(o)}
}

// transactions lists the account's trades (one per leg fill, with the fake's costs: $1 a
// contract commission on options and futures, 0.10 a contract regulatory fee). The fake
// books receive-and-deliver transactions only through Settle. Call with mu held.
func (s *Server) transactions(typ string) []any {
	if typ == "Receive Deliver" {
		return s.settlements
	}
	if typ != "" && typ != "Trade" {
		return nil
	}
	var out []any
	for _, o := range s.orders {
		for _, l := range o.Legs {
			for _, f := range l.Fills {
				q, _ := strconv.ParseInt(f["quantity"].(string), 10, 64)
				commission, reg := decimal.Zero, decimal.Zero
				if l.c.Type != equity {
					commission = decimal.NewFromInt(q)
					reg = decimal.NewFromFloat(0.10).Mul(decimal.NewFromInt(q))
				}
				out = append(out, map[string]any{"id": "T" + f["fill-id"].(string), "account-number": Account,
					"transaction-type": "Trade", "transaction-sub-type": l.Action, "description": "fake trade",
					"symbol": l.c.Symbol, "instrument-type": l.c.Type, "action": l.Action, "quantity": f["quantity"],
					"price": f["fill-price"], "executed-at": f["filled-at"], "order-id": o.ID, "ext-exec-id": f["ext-exec-id"],
					"commission": commission.String(), "commission-effect": "Debit",
					"regulatory-fees": reg.String(), "regulatory-fees-effect": "Debit",
					"clearing-fees": "0", "clearing-fees-effect": "None", "is-estimated-fee": false})
			}
		}
	}
	return out
}

// Actions lists the leg actions ("Buy to Close", …) of the order with this external
// identifier, as it was sent.
func (s *Server) Actions(externalID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.orders {
		if o.ExternalID == externalID {
			var out []string
			for _, l := range o.Legs {
				out = append(out, l.Action)
			}
			return out
		}
	}
	return nil
}

// Settle takes an option position off the book as tastytrade's receive-and-deliver would:
// subType is "Expiration", "Assignment" or "Exercise". It reports whether the position
// existed.
func (s *Server) Settle(symbol, subType string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.positions[symbol]
	if p == nil || p.Qty == 0 {
		return false
	}
	action := "Sell to Close"
	if p.Qty < 0 {
		action = "Buy to Close"
	}
	s.fillSeq++
	s.settlements = append(s.settlements, map[string]any{"id": fmt.Sprintf("S%d", s.fillSeq), "account-number": Account,
		"transaction-type": "Receive Deliver", "transaction-sub-type": subType,
		"description": "Removal of option due to " + subType, "symbol": symbol, "instrument-type": p.contract.Type,
		"action": action, "quantity": strconv.FormatInt(abs(p.Qty), 10), "price": "0",
		"executed-at": s.now.UTC().Format(time.RFC3339Nano), "regulatory-fees": "0", "commission": "0"})
	delete(s.positions, symbol)
	return true
}
