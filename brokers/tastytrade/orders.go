package tastytrade

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
)

// maxOptionLegs is the most legs tastytrade takes in one options order.
const maxOptionLegs = 4

// DryRun is what tastytrade's dry-run says an order would do, for the ticket to show
// before the trader confirms. Money is positive; BuyingPowerChange is signed (negative:
// the order uses buying power).
type DryRun struct {
	ClientID                string
	BuyingPowerChange       decimal.Decimal // signed: negative uses buying power
	MarginRequirementChange decimal.Decimal // signed: positive adds margin
	CurrentBuyingPower      decimal.Decimal
	NewBuyingPower          decimal.Decimal
	Commission              decimal.Decimal
	Fees                    decimal.Decimal // all fees incl. commission, as the broker totals them
	Warnings                []string
}

func reject(clientID, format string, args ...any) error {
	return &brokers.RejectedError{ClientID: clientID, Reason: fmt.Sprintf(format, args...)}
}

// check refuses what tastytrade would refuse (or what Keel never sends) before any call.
func (b *Broker) check(o brokers.Order) error {
	switch {
	case len(o.Legs) == 0:
		return reject(o.ClientID, "an order needs at least one leg")
	case o.Quantity <= 0:
		return reject(o.ClientID, "quantity %d: an order's quantity must be positive", o.Quantity)
	case o.ClientID == "":
		return reject(o.ClientID, "an order needs a client order id (its idempotency key)")
	case len(o.ClientID) > 255:
		return reject(o.ClientID, "the client order id is longer than 255 characters")
	}
	seen := map[string]bool{}
	g := int64(0)
	for _, l := range o.Legs {
		if l.Ratio == 0 {
			return reject(o.ClientID, "leg %s has ratio 0", l.Symbol)
		}
		if seen[l.Symbol] {
			return reject(o.ClientID, "%s appears in two legs; use one leg with the net ratio", l.Symbol)
		}
		seen[l.Symbol] = true
		g = gcd(g, abs(l.Ratio))
	}
	if g > 1 {
		return reject(o.ClientID, "the leg ratios share a factor of %d; send the reduced ratios with a larger quantity", g)
	}
	if o.Type == brokers.Limit {
		if o.Limit.IsZero() {
			return reject(o.ClientID, "a limit of 0: say the net debit (positive) or credit (negative)")
		}
		if len(o.Legs) == 1 && (o.Legs[0].Ratio > 0) != o.Limit.IsPositive() {
			return reject(o.ClientID, "limit %s: a single-leg buy is a debit (positive limit), a sale a credit (negative)", o.Limit)
		}
	}
	return nil
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// request builds tastytrade's order body: unsigned leg quantities with an action, opening
// or closing by the current position, price unsigned with a debit/credit effect.
func (b *Broker) request(ctx context.Context, n string, o brokers.Order) (orderRequest, error) {
	var refs []ref
	futures, options := 0, 0
	for _, l := range o.Legs {
		r, err := b.resolve(ctx, l.Symbol)
		if err != nil {
			if errors.Is(err, brokers.ErrUnknownSymbol) {
				return orderRequest{}, reject(o.ClientID, "unknown symbol %s", l.Symbol)
			}
			return orderRequest{}, err
		}
		switch r.In.Kind {
		case instrument.Future:
			futures++
		case instrument.Option, instrument.FuturesOption:
			options++
		}
		refs = append(refs, r)
	}
	if futures > 0 && options > 0 {
		return orderRequest{}, reject(o.ClientID, "tastytrade does not take a future and options in one order; send the future on its own")
	}
	if options > maxOptionLegs {
		return orderRequest{}, reject(o.ClientID, "%d option legs: tastytrade takes at most %d in one order", options, maxOptionLegs)
	}
	held := map[string]int64{}
	if ps, err := b.positions(ctx, n); err == nil {
		for _, p := range ps {
			held[p.Symbol] = p.Quantity
		}
	} else {
		return orderRequest{}, err
	}
	req := orderRequest{TimeInForce: "Day", OrderType: "Limit", ExternalIdentifier: o.ClientID, Source: "keel"}
	if o.TIF == brokers.GTC {
		req.TimeInForce = "GTC"
	}
	if o.Type == brokers.Market {
		req.OrderType = "Market"
	} else {
		p := decOf(o.Limit.Abs())
		req.Price = &p
		req.PriceEffect = "Debit"
		if o.Limit.IsNegative() {
			req.PriceEffect = "Credit"
		}
	}
	for i, l := range o.Legs {
		r := refs[i]
		qty := abs(l.Ratio) * o.Quantity
		buy := l.Ratio > 0
		req.Legs = append(req.Legs, orderLegRequest{InstrumentType: r.Type, Symbol: r.TT, Quantity: qty,
			Action: action(r, buy, qty, held[r.Keel])})
	}
	return req, nil
}

// action is the leg's action: futures buy or sell; the rest open or close by the position.
func action(r ref, buy bool, qty, held int64) string {
	if r.In.Kind == instrument.Future {
		if buy {
			return "Buy"
		}
		return "Sell"
	}
	if buy {
		if held < 0 && -held >= qty {
			return "Buy to Close"
		}
		return "Buy to Open"
	}
	if held > 0 && held >= qty {
		return "Sell to Close"
	}
	return "Sell to Open"
}

// DryRun asks tastytrade what the order would do (buying power, fees) without sending it.
// A refusal is a *brokers.RejectedError with the broker's reason. The result is also kept
// for LastDryRun.
func (b *Broker) DryRun(ctx context.Context, o brokers.Order) (DryRun, error) {
	n, err := b.acct()
	if err != nil {
		return DryRun{}, err
	}
	if err := b.check(o); err != nil {
		return DryRun{}, err
	}
	req, err := b.request(ctx, n, o)
	if err != nil {
		return DryRun{}, err
	}
	return b.dryRun(ctx, n, o.ClientID, req)
}

func (b *Broker) dryRun(ctx context.Context, n, clientID string, req orderRequest) (DryRun, error) {
	var w wireOrderResponse
	err := b.api.do(ctx, "POST", "/accounts/"+url.PathEscape(n)+"/orders/dry-run", nil, req, &w, true)
	if err != nil {
		return DryRun{}, asRejection(clientID, err)
	}
	if len(w.Errors) > 0 {
		return DryRun{}, &brokers.RejectedError{ClientID: clientID, Reason: messages(w.Errors)}
	}
	bp := w.BuyingPowerEffect
	d := DryRun{ClientID: clientID, BuyingPowerChange: signed(bp.ChangeInBuyingPower, bp.ChangeInBuyingPowerEffect),
		MarginRequirementChange: signed(bp.ChangeInMarginRequirement, bp.ChangeInMarginRequirementEffect).Neg(),
		CurrentBuyingPower:      bp.CurrentBuyingPower.D, NewBuyingPower: bp.NewBuyingPower.D}
	if f := w.FeeCalculation; f != nil {
		d.Commission, d.Fees = f.Commission.D.Abs(), f.TotalFees.D.Abs()
	}
	for _, m := range w.Warnings {
		d.Warnings = append(d.Warnings, m.Message)
	}
	b.ordMu.Lock()
	b.dryRuns[clientID] = d
	b.ordMu.Unlock()
	return d, nil
}

// LastDryRun is the last dry-run of the order with this client id (ok false if none).
func (b *Broker) LastDryRun(clientID string) (DryRun, bool) {
	b.ordMu.Lock()
	defer b.ordMu.Unlock()
	d, ok := b.dryRuns[clientID]
	return d, ok
}

// signed is an amount with a Debit/Credit effect as a signed number (credit positive).
func signed(d dec, effect string) decimal.Decimal {
	if effect == "Debit" {
		return d.D.Abs().Neg()
	}
	return d.D.Abs()
}

func messages(ms []wireMessage) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, orDefault(m.Message, m.Code))
	}
	return strings.Join(parts, "; ")
}

// asRejection turns the API's refusal of an order (4xx but 401/404/429) into a
// RejectedError with its reason; other errors pass through.
func asRejection(clientID string, err error) error {
	var e *apiError
	if errors.As(err, &e) && e.Status >= 400 && e.Status < 500 && e.Status != 401 && e.Status != 404 {
		return &brokers.RejectedError{ClientID: clientID, Reason: orDefault(e.reason(), fmt.Sprintf("HTTP %d", e.Status))}
	}
	return err
}

// Place dry-runs the order, then sends it with the ClientID as its external identifier.
// Before any retry (a 429, a dropped connection) it looks for that identifier in the live
// orders, so an order is never sent twice.
func (b *Broker) Place(ctx context.Context, o brokers.Order) (brokers.OrderStatus, error) {
	n, err := b.acct()
	if err != nil {
		return brokers.OrderStatus{}, err
	}
	if err := b.check(o); err != nil {
		return brokers.OrderStatus{}, err
	}
	if st, ok, err := b.findByClient(ctx, n, o.ClientID); err != nil {
		return brokers.OrderStatus{}, err
	} else if ok {
		return st, nil
	}
	req, err := b.request(ctx, n, o)
	if err != nil {
		return brokers.OrderStatus{}, err
	}
	if _, err := b.dryRun(ctx, n, o.ClientID, req); err != nil {
		return brokers.OrderStatus{}, err
	}
	for attempt := 0; ; attempt++ {
		var w wireOrderResponse
		err := b.api.do(ctx, "POST", "/accounts/"+url.PathEscape(n)+"/orders", nil, req, &w, false)
		if err == nil {
			if len(w.Errors) > 0 {
				return brokers.OrderStatus{}, &brokers.RejectedError{ClientID: o.ClientID, Reason: messages(w.Errors)}
			}
			return b.onOrder(w.Order), nil
		}
		if rej := asRejection(o.ClientID, err); rej != err {
			return brokers.OrderStatus{}, rej
		}
		var rl *brokers.RateLimitedError
		retryable := errors.As(err, &rl) || isStatus(err, 500) || isStatus(err, 502) || isStatus(err, 503) ||
			isStatus(err, 504) || !isAPIError(err)
		if !retryable || errors.Is(err, ErrTokenRejected) || ctx.Err() != nil || attempt >= b.cfg.MaxRetries {
			return brokers.OrderStatus{}, err
		}
		b.cfg.Logf("tastytrade: placing %s: %v; checking the live orders before retrying", o.ClientID, err)
		if serr := sleep(ctx, backoff(b.cfg.RetryMin, b.cfg.RetryMax, attempt)); serr != nil {
			return brokers.OrderStatus{}, err
		}
		// The order may have arrived although the answer did not: look before resending.
		if st, ok, ferr := b.findByClient(ctx, n, o.ClientID); ferr == nil && ok {
			return st, nil
		} else if ferr != nil {
			return brokers.OrderStatus{}, fmt.Errorf("%w (and the live orders could not be checked: %v)", err, ferr)
		}
	}
}

func isAPIError(err error) bool {
	var e *apiError
	var rl *brokers.RateLimitedError
	return errors.As(err, &e) || errors.As(err, &rl)
}

// liveOrders is today's orders and all working ones.
func (b *Broker) liveOrders(ctx context.Context, n string) ([]wireOrder, error) {
	var w items[wireOrder]
	if err := b.api.get(ctx, "/accounts/"+url.PathEscape(n)+"/orders/live", nil, &w); err != nil {
		return nil, err
	}
	return w.Items, nil
}

// findByClient is the order whose external identifier is clientID, from the live orders.
func (b *Broker) findByClient(ctx context.Context, n, clientID string) (brokers.OrderStatus, bool, error) {
	orders, err := b.liveOrders(ctx, n)
	if err != nil {
		return brokers.OrderStatus{}, false, err
	}
	for _, w := range latest(orders) {
		if w.ExternalIdentifier == clientID {
			return b.observe(w), true, nil
		}
	}
	return brokers.OrderStatus{}, false, nil
}

// latest drops the orders a replacement superseded (their replacement is in the list).
func latest(orders []wireOrder) []wireOrder {
	replaced := map[string]bool{}
	for _, w := range orders {
		if w.ReplacesOrderID != "" {
			replaced[string(w.ReplacesOrderID)] = true
		}
	}
	var out []wireOrder
	for _, w := range orders {
		if !replaced[string(w.ID)] {
			out = append(out, w)
		}
	}
	return out
}

// Orders lists today's orders and all working ones.
func (b *Broker) Orders(ctx context.Context) ([]brokers.OrderStatus, error) {
	n, err := b.acct()
	if err != nil {
		return nil, err
	}
	orders, err := b.liveOrders(ctx, n)
	if err != nil {
		return nil, err
	}
	sort.Slice(orders, func(i, j int) bool { return idLess(string(orders[i].ID), string(orders[j].ID)) })
	var out []brokers.OrderStatus
	for _, w := range latest(orders) {
		out = append(out, b.observe(w))
	}
	return out, nil
}

func idLess(a, b string) bool {
	x, e1 := strconv.ParseInt(a, 10, 64)
	y, e2 := strconv.ParseInt(b, 10, 64)
	if e1 == nil && e2 == nil {
		return x < y
	}
	return a < b
}

// Fills lists the executions in the account's order history at or after since.
func (b *Broker) Fills(ctx context.Context, since time.Time) ([]brokers.Fill, error) {
	n, err := b.acct()
	if err != nil {
		return nil, err
	}
	var all []wireOrder
	for page := 0; ; page++ {
		q := url.Values{"per-page": {"200"}, "page-offset": {strconv.Itoa(page)}}
		if !since.IsZero() {
			q.Set("start-date", since.Add(-24*time.Hour).Format(time.DateOnly))
		}
		var w items[wireOrder]
		if err := b.api.get(ctx, "/accounts/"+url.PathEscape(n)+"/orders", q, &w); err != nil {
			return nil, err
		}
		all = append(all, w.Items...)
		if len(w.Items) < 200 {
			break
		}
	}
	var fills []execFill
	for _, w := range all {
		b.observe(w)
		for _, f := range b.fillsOf(ctx, w) {
			if !f.Time.Before(since) {
				fills = append(fills, f)
			}
		}
	}
	out := b.withCosts(ctx, n, fills)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

// keelID is the id Keel knows an order by: the first order of its replace chain.
// Call with ordMu held.
func (b *Broker) keelIDLocked(w wireOrder) string {
	id := string(w.ID)
	if k, ok := b.keelOf[id]; ok {
		return k
	}
	k := id
	if w.ReplacesOrderID != "" {
		if prev, ok := b.keelOf[string(w.ReplacesOrderID)]; ok {
			k = prev
		} else {
			k = string(w.ReplacesOrderID)
		}
	}
	b.keelOf[id] = k
	if cur, ok := b.current[k]; !ok || idLess(cur, id) {
		b.current[k] = id
	}
	return k
}

// observe maps an order to Keel's status without reporting anything.
func (b *Broker) observe(w wireOrder) brokers.OrderStatus {
	b.ordMu.Lock()
	k := b.keelIDLocked(w)
	b.ordMu.Unlock()
	return b.statusOf(k, w)
}

// onOrder takes an order notification (or a reconciled order): new fills go out as one
// FillEvent, then the OrderEvent if the order changed.
func (b *Broker) onOrder(w wireOrder) brokers.OrderStatus {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fills := b.fillsOf(ctx, w)
	b.ordMu.Lock()
	k := b.keelIDLocked(w)
	st := b.statusOf(k, w)
	var unseen []execFill
	for _, f := range fills {
		if !b.fillsSeen[f.ID] {
			b.fillsSeen[f.ID] = true
			unseen = append(unseen, f)
		}
	}
	// Notifications and answers can cross: never let an older stage of the same order
	// overwrite a later one (a Routed notification read after the Filled answer).
	id := string(w.ID)
	r := stage(w.Status)
	if r < b.stage[id] {
		b.ordMu.Unlock()
		return b.seen[k]
	}
	b.stage[id] = r
	prev, had := b.seen[k]
	superseded := w.ReplacingOrderID != "" && st.State == brokers.Cancelled
	changed := !superseded && (!had || prev.State != st.State || prev.Filled != st.Filled ||
		!prev.Order.Limit.Equal(st.Order.Limit) || prev.Order.Quantity != st.Order.Quantity)
	if !superseded {
		b.seen[k] = st
	}
	b.ordMu.Unlock()
	var fresh []brokers.Fill
	if len(unseen) > 0 {
		fresh = b.withCosts(ctx, orDefault(w.AccountNumber, b.AccountNumber()), unseen)
	}
	if len(fresh) > 0 {
		// Every leg of one execution shares its time.
		at := fresh[0].Time
		for _, f := range fresh {
			if f.Time.Before(at) {
				at = f.Time
			}
		}
		for i := range fresh {
			fresh[i].Time = at
		}
		b.out.push(&brokers.FillEvent{Fills: fresh})
	}
	if changed {
		b.out.push(&brokers.OrderEvent{Status: st})
	}
	return st
}

// stage orders an order's statuses: an order only moves forward through them.
func stage(status string) int {
	switch status {
	case "Received", "Routed", "Contingent":
		return 0
	case "In Flight":
		return 1
	case "Live":
		return 2
	case "Cancel Requested", "Replace Requested":
		return 3
	}
	return 4 // Filled, Cancelled, Expired, Rejected, Removed
}

// resync reports what the account streamer missed while the session was down.
func (b *Broker) resync(ctx context.Context, n string) error {
	orders, err := b.liveOrders(ctx, n)
	if err != nil {
		return err
	}
	sort.Slice(orders, func(i, j int) bool { return idLess(string(orders[i].ID), string(orders[j].ID)) })
	for _, w := range orders {
		b.onOrder(w)
	}
	return nil
}

// statusOf is Keel's view of a tastytrade order: the legs as signed ratios of the order's
// quantity (the greatest common divisor of the leg quantities), the price signed (debit
// positive).
func (b *Broker) statusOf(keel string, w wireOrder) brokers.OrderStatus {
	st := brokers.OrderStatus{ID: keel, Reason: w.RejectReason, Submitted: w.ReceivedAt.Time, Updated: w.UpdatedAt.Time}
	if st.Updated.IsZero() {
		st.Updated = b.cfg.Now()
	}
	o := brokers.Order{ClientID: w.ExternalIdentifier, Type: brokers.Limit, TIF: brokers.Day}
	if w.OrderType == "Market" {
		o.Type = brokers.Market
	}
	if strings.HasPrefix(w.TimeInForce, "GTC") {
		o.TIF = brokers.GTC
	}
	g := int64(0)
	for _, l := range w.Legs {
		g = gcd(g, intOf(l.Quantity))
	}
	if g == 0 {
		g = 1
	}
	o.Quantity = g
	filled := int64(-1)
	for _, l := range w.Legs {
		r, _ := b.refByTT(l.Symbol)
		sym := orDefault(r.Keel, l.Symbol)
		ratio := intOf(l.Quantity) / g
		if strings.HasPrefix(l.Action, "Sell") {
			ratio = -ratio
		}
		o.Legs = append(o.Legs, brokers.Leg{Symbol: sym, Instrument: r.In, Ratio: ratio})
		done := intOf(l.Quantity) - intOf(l.RemainingQuantity)
		if !l.RemainingQuantity.Valid {
			done = 0
			for _, f := range l.Fills {
				done += intOf(f.Quantity)
			}
		}
		if units := done / abs(ratio); filled < 0 || units < filled {
			filled = units
		}
	}
	if filled < 0 {
		filled = 0
	}
	if w.Price.Valid {
		o.Limit = w.Price.D.Abs()
		if w.PriceEffect == "Credit" {
			o.Limit = o.Limit.Neg()
		}
	}
	st.Order, st.Filled = o, filled
	if filled > 0 {
		net := decimal.Zero
		for _, l := range w.Legs {
			sign := decimal.NewFromInt(1)
			if strings.HasPrefix(l.Action, "Sell") {
				sign = sign.Neg()
			}
			for _, f := range l.Fills {
				net = net.Add(f.FillPrice.D.Mul(f.Quantity.D).Mul(sign))
			}
		}
		st.AvgPrice = net.Div(decimal.NewFromInt(filled))
	}
	switch w.Status {
	case "Filled":
		st.State = brokers.Filled
	case "Cancelled", "Expired", "Removed", "Partially Removed":
		st.State = brokers.Cancelled
		if st.Reason == "" {
			st.Reason = strings.ToLower(w.Status)
		}
	case "Rejected":
		st.State = brokers.Rejected
		if st.Reason == "" {
			st.Reason = "rejected by tastytrade"
		}
	default: // Received, Routed, In Flight, Live, Contingent, Cancel/Replace Requested
		st.State = brokers.Working
	}
	return st
}

// execFill is a fill with the exchange execution id that ties it to its trade transaction.
type execFill struct {
	brokers.Fill
	exec string
}

// fillsOf is every leg fill of an order as Keel's fills (quantity signed, bought positive).
func (b *Broker) fillsOf(ctx context.Context, w wireOrder) []execFill {
	b.ordMu.Lock()
	k := b.keelIDLocked(w)
	b.ordMu.Unlock()
	var out []execFill
	for _, l := range w.Legs {
		if len(l.Fills) == 0 {
			continue
		}
		r, err := b.refOfTT(ctx, l.Symbol, l.InstrumentType)
		if err != nil {
			b.cfg.Logf("tastytrade: fill of %s: %v", l.Symbol, err)
			r = ref{Keel: l.Symbol, TT: l.Symbol}
		}
		for _, f := range l.Fills {
			q := intOf(f.Quantity)
			if strings.HasPrefix(l.Action, "Sell") {
				q = -q
			}
			out = append(out, execFill{Fill: brokers.Fill{ID: f.FillID, OrderID: k, ClientID: w.ExternalIdentifier,
				Time: f.FilledAt.Time, Symbol: r.Keel, Instrument: r.In, Quantity: q, Price: f.FillPrice.D}, exec: f.ExtExecID})
		}
	}
	return out
}

// withCosts fills in commission and fees from the account's trade transactions, matched by
// execution id. A fill whose transaction is not booked yet keeps zero costs (the journal
// can ask Fills again later).
func (b *Broker) withCosts(ctx context.Context, n string, fills []execFill) []brokers.Fill {
	out := make([]brokers.Fill, len(fills))
	since := time.Time{}
	need := false
	for i, f := range fills {
		out[i] = f.Fill
		if f.exec != "" {
			need = true
			if since.IsZero() || f.Time.Before(since) {
				since = f.Time
			}
		}
	}
	if !need {
		return out
	}
	q := url.Values{"type": {"Trade"}, "per-page": {"250"}, "start-date": {since.Add(-24 * time.Hour).Format(time.DateOnly)}}
	var w items[wireTransaction]
	if err := b.api.get(ctx, "/accounts/"+url.PathEscape(n)+"/transactions", q, &w); err != nil {
		b.cfg.Logf("tastytrade: fees of the fills: %v", err)
		return out
	}
	byExec := map[string]wireTransaction{}
	for _, t := range w.Items {
		if t.ExtExecID != "" {
			byExec[t.ExtExecID] = t
		}
	}
	for i, f := range fills {
		if t, ok := byExec[f.exec]; ok && f.exec != "" {
			out[i].Commission, out[i].Fees = t.Commission.D.Abs(), t.fees()
		}
	}
	return out
}

// currentID is the live tastytrade id of a Keel order id.
func (b *Broker) currentID(keel string) (string, bool) {
	b.ordMu.Lock()
	defer b.ordMu.Unlock()
	if cur, ok := b.current[keel]; ok {
		return cur, true
	}
	if _, err := strconv.ParseInt(keel, 10, 64); err == nil {
		return keel, true
	}
	return "", false
}

// getOrder fetches one order by its tastytrade id.
func (b *Broker) getOrder(ctx context.Context, n, id string) (wireOrder, error) {
	var w wireOrder
	if err := b.api.get(ctx, "/accounts/"+url.PathEscape(n)+"/orders/"+url.PathEscape(id), nil, &w); err != nil {
		if isStatus(err, 404) {
			return w, fmt.Errorf("%w: %s", brokers.ErrUnknownOrder, id)
		}
		return w, err
	}
	return w, nil
}

// Replace changes a working order's limit, quantity or time in force; tastytrade replaces
// the order under a new id, which the adapter maps back to the original one.
func (b *Broker) Replace(ctx context.Context, orderID string, o brokers.Order) (brokers.OrderStatus, error) {
	n, err := b.acct()
	if err != nil {
		return brokers.OrderStatus{}, err
	}
	id, ok := b.currentID(orderID)
	if !ok {
		return brokers.OrderStatus{}, fmt.Errorf("%w: %s", brokers.ErrUnknownOrder, orderID)
	}
	old, err := b.getOrder(ctx, n, id)
	if err != nil {
		return brokers.OrderStatus{}, err
	}
	st := b.observe(old)
	if st.State.Done() || !old.Editable {
		return brokers.OrderStatus{}, reject(st.Order.ClientID, "order %s is %s and can no longer be replaced", orderID, st.State)
	}
	if o.Quantity <= 0 {
		return brokers.OrderStatus{}, reject(st.Order.ClientID, "quantity %d: must be positive", o.Quantity)
	}
	req := orderRequest{TimeInForce: "Day", OrderType: "Limit", ExternalIdentifier: st.Order.ClientID, Source: "keel"}
	if o.TIF == brokers.GTC {
		req.TimeInForce = "GTC"
	}
	if o.Type == brokers.Market {
		req.OrderType = "Market"
	} else {
		if o.Limit.IsZero() {
			return brokers.OrderStatus{}, reject(st.Order.ClientID, "a limit of 0: say the net debit (positive) or credit (negative)")
		}
		p := decOf(o.Limit.Abs())
		req.Price = &p
		req.PriceEffect = "Debit"
		if o.Limit.IsNegative() {
			req.PriceEffect = "Credit"
		}
	}
	for i, l := range old.Legs {
		req.Legs = append(req.Legs, orderLegRequest{InstrumentType: l.InstrumentType, Symbol: l.Symbol,
			Quantity: abs(st.Order.Legs[i].Ratio) * o.Quantity, Action: l.Action})
	}
	if _, err := b.dryRun(ctx, n, st.Order.ClientID, req); err != nil {
		return brokers.OrderStatus{}, err
	}
	var w wireOrder
	if err := b.api.do(ctx, "PUT", "/accounts/"+url.PathEscape(n)+"/orders/"+url.PathEscape(id), nil, req, &w, false); err != nil {
		if isStatus(err, 404) {
			return brokers.OrderStatus{}, fmt.Errorf("%w: %s", brokers.ErrUnknownOrder, orderID)
		}
		return brokers.OrderStatus{}, asRejection(st.Order.ClientID, err)
	}
	if w.ReplacesOrderID == "" && string(w.ID) != id {
		w.ReplacesOrderID = flexID(id)
	}
	return b.onOrder(w), nil
}

// Cancel cancels a working order.
func (b *Broker) Cancel(ctx context.Context, orderID string) error {
	n, err := b.acct()
	if err != nil {
		return err
	}
	id, ok := b.currentID(orderID)
	if !ok {
		return fmt.Errorf("%w: %s", brokers.ErrUnknownOrder, orderID)
	}
	var w wireOrder
	if err := b.api.do(ctx, "DELETE", "/accounts/"+url.PathEscape(n)+"/orders/"+url.PathEscape(id), nil, nil, &w, true); err != nil {
		if isStatus(err, 404) {
			return fmt.Errorf("%w: %s", brokers.ErrUnknownOrder, orderID)
		}
		return asRejection("", err)
	}
	if w.ID != "" {
		b.onOrder(w)
	}
	return nil
}
