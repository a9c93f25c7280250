package tastytrade

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
)

// Broker is a tastytrade account behind brokers.Broker. Create it with New; it is safe for
// concurrent use. Close it when done.
type Broker struct {
	cfg  Config
	auth *auth
	api  *client
	out  *outbox
	dx   *dxlink

	mu        sync.Mutex
	connected bool
	account   string
	session   context.CancelFunc // the live session's streams
	reconnect context.CancelFunc // a running reconnection loop
	closed    bool

	symMu      sync.Mutex
	byKeel     map[string]ref
	byTT       map[string]ref
	byStreamer map[string]ref

	ordMu     sync.Mutex
	keelOf    map[string]string              // tastytrade order id → Keel's order id (the first of a replace chain)
	current   map[string]string              // Keel's order id → the live tastytrade order id
	seen      map[string]brokers.OrderStatus // Keel's order id → the last status reported
	fillsSeen map[string]bool
	stage     map[string]int    // tastytrade order id → the furthest stage seen
	dryRuns   map[string]DryRun // by ClientID, the last dry-run
}

var _ brokers.Broker = (*Broker)(nil)

// New is a disconnected adapter. It checks the configuration but does not touch the network.
func New(cfg Config) (*Broker, error) {
	cfg = cfg.withDefaults()
	if cfg.RefreshToken == "" || cfg.ClientSecret == "" {
		return nil, ErrNoCredentials
	}
	for _, u := range []string{cfg.APIURL, cfg.StreamerURL} {
		if p, err := url.Parse(u); err != nil || p.Host == "" {
			return nil, fmt.Errorf("tastytrade: endpoint %q is not a URL", u)
		}
	}
	a := newAuth(cfg)
	b := &Broker{cfg: cfg, auth: a, api: &client{cfg: cfg, auth: a}, out: newOutbox(),
		byKeel: map[string]ref{}, byTT: map[string]ref{}, byStreamer: map[string]ref{},
		keelOf: map[string]string{}, current: map[string]string{}, seen: map[string]brokers.OrderStatus{},
		fillsSeen: map[string]bool{}, stage: map[string]int{}, dryRuns: map[string]DryRun{}}
	b.dx = newDXLink(b)
	return b, nil
}

// Name is "tastytrade".
func (b *Broker) Name() string { return "tastytrade" }

// Events is the broker's event stream (see brokers.Broker).
func (b *Broker) Events() <-chan brokers.Event { return b.out.ch }

// AccountNumber is the account the adapter trades (empty before the first Connect).
func (b *Broker) AccountNumber() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.account
}

// ErrChooseAccount says the login has several open accounts and none was chosen: Keel
// never trades the first one listed by chance.
var ErrChooseAccount = errors.New("tastytrade: this login has several open accounts: choose the one to trade in " +
	"Settings → Brokers (or set " + EnvAccount + ")")

// pickAccount is the open account numbered want, or the login's only open account when want
// is empty.
func pickAccount(items []wireAccount, want string) (string, error) {
	var open []string
	for _, a := range items {
		if !a.Account.IsClosed {
			open = append(open, a.Account.AccountNumber)
		}
	}
	switch {
	case want != "" && slices.Contains(open, want):
		return want, nil
	case want != "":
		return "", fmt.Errorf("tastytrade: account %s is not among this login's open accounts (%s)", want, strings.Join(open, ", "))
	case len(open) == 0:
		return "", errors.New("tastytrade: this login has no open account")
	case len(open) > 1:
		return "", fmt.Errorf("%w: %s", ErrChooseAccount, strings.Join(open, ", "))
	}
	return open[0], nil
}

// Connect logs in (refreshing the access token), picks the account, opens the account
// streamer and the quote stream, and reconciles the orders the stream may have missed.
func (b *Broker) Connect(ctx context.Context) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return errors.New("tastytrade: the adapter is closed")
	}
	if b.connected {
		b.mu.Unlock()
		return nil
	}
	if b.reconnect != nil {
		b.reconnect()
		b.reconnect = nil
	}
	b.mu.Unlock()
	return b.open(ctx)
}

func (b *Broker) open(ctx context.Context) error {
	var accounts items[wireAccount]
	if err := b.api.get(ctx, "/customers/me/accounts", nil, &accounts); err != nil {
		return fmt.Errorf("tastytrade: listing accounts: %w", err)
	}
	account, err := pickAccount(accounts.Items, b.cfg.Account)
	if err != nil {
		return err
	}
	sessCtx, cancel := context.WithCancel(context.Background())
	st, err := dialStreamer(ctx, b, account)
	if err != nil {
		cancel()
		return err
	}
	b.mu.Lock()
	if b.connected || b.closed {
		b.mu.Unlock()
		cancel()
		st.close()
		return nil
	}
	b.connected, b.account, b.session = true, account, cancel
	b.mu.Unlock()
	go st.run(sessCtx, func(err error) { b.fault(cancel, err) })
	go b.dx.run(sessCtx)
	b.out.push(&brokers.ConnectionEvent{Time: b.cfg.Now(), Connected: true})
	if err := b.resync(ctx, account); err != nil {
		b.cfg.Logf("tastytrade: reconciling orders after connecting: %v", err)
	}
	return nil
}

// fault takes the session down after a network fault and starts reconnecting with backoff.
func (b *Broker) fault(session context.CancelFunc, err error) {
	b.mu.Lock()
	if !b.connected || b.closed {
		b.mu.Unlock()
		return
	}
	b.connected = false
	b.session = nil
	session()
	ctx, cancel := context.WithCancel(context.Background())
	b.reconnect = cancel
	b.mu.Unlock()
	b.cfg.Logf("tastytrade: session lost: %v", err)
	b.out.push(&brokers.ConnectionEvent{Time: b.cfg.Now(), Connected: false, Err: err})
	go b.reconnectLoop(ctx)
}

func (b *Broker) reconnectLoop(ctx context.Context) {
	for attempt := 0; ; attempt++ {
		if sleep(ctx, backoff(b.cfg.ReconnectMin, b.cfg.ReconnectMax, attempt)) != nil {
			return
		}
		b.mu.Lock()
		if b.connected || b.closed || ctx.Err() != nil {
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := b.open(cctx)
		cancel()
		if err == nil {
			return
		}
		if errors.Is(err, ErrTokenRejected) {
			// Never retry a rejected token: repeated failed logins block the IP.
			b.out.push(&brokers.ConnectionEvent{Time: b.cfg.Now(), Connected: false, Err: err})
			return
		}
		b.cfg.Logf("tastytrade: reconnecting (attempt %d): %v", attempt+1, err)
	}
}

// Disconnect closes the session and stops any reconnection.
func (b *Broker) Disconnect() error {
	b.mu.Lock()
	if b.reconnect != nil {
		b.reconnect()
		b.reconnect = nil
	}
	was := b.connected
	if b.session != nil {
		b.session()
		b.session = nil
	}
	b.connected = false
	b.mu.Unlock()
	if was {
		b.out.push(&brokers.ConnectionEvent{Time: b.cfg.Now(), Connected: false})
	}
	return nil
}

// Close disconnects and stops the event stream's goroutine.
func (b *Broker) Close() error {
	err := b.Disconnect()
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.out.close()
	return err
}

// acct is the account number of the live session, or ErrDisconnected.
func (b *Broker) acct() (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.connected {
		return "", brokers.ErrDisconnected
	}
	return b.account, nil
}

// Account is the balances of the account.
func (b *Broker) Account(ctx context.Context) (brokers.Account, error) {
	n, err := b.acct()
	if err != nil {
		return brokers.Account{}, err
	}
	return b.balances(ctx, n)
}

func (b *Broker) balances(ctx context.Context, n string) (brokers.Account, error) {
	var w wireBalances
	if err := b.api.get(ctx, "/accounts/"+url.PathEscape(n)+"/balances", nil, &w); err != nil {
		return brokers.Account{}, err
	}
	a := brokers.Account{ID: n, Currency: orDefault(w.Currency, "USD"), NetLiquidation: w.NetLiquidatingValue.D,
		Cash: w.CashBalance.D, BuyingPower: w.DerivativeBuyingPower.D, Maintenance: w.MaintenanceRequirement.D}
	if !w.DerivativeBuyingPower.Valid {
		a.BuyingPower = w.EquityBuyingPower.D
	}
	return a, nil
}

// Positions lists the account's positions with signed quantities and Keel's multipliers.
func (b *Broker) Positions(ctx context.Context) ([]brokers.Position, error) {
	n, err := b.acct()
	if err != nil {
		return nil, err
	}
	return b.positions(ctx, n)
}

func (b *Broker) positions(ctx context.Context, n string) ([]brokers.Position, error) {
	var w items[wirePosition]
	q := url.Values{"include-marks": {"true"}}
	if err := b.api.get(ctx, "/accounts/"+url.PathEscape(n)+"/positions", q, &w); err != nil {
		return nil, err
	}
	var out []brokers.Position
	for _, p := range w.Items {
		qty := intOf(p.Quantity)
		switch p.QuantityDirection {
		case "Short":
			qty = -qty
		case "Zero":
			qty = 0
		}
		if qty == 0 {
			continue
		}
		r, err := b.refOfTT(ctx, p.Symbol, p.InstrumentType)
		if err != nil {
			return nil, fmt.Errorf("tastytrade: position %s: %w", p.Symbol, err)
		}
		mark := p.MarkPrice
		if !mark.Valid {
			mark = p.Mark
		}
		if !mark.Valid {
			mark = p.ClosePrice
		}
		out = append(out, brokers.Position{Instrument: r.In, Symbol: r.Keel, Quantity: qty,
			AveragePrice: p.AverageOpenPrice.D, Mark: mark.D, Opened: p.CreatedAt.Time})
	}
	return out, nil
}

// Lookup resolves a Keel symbol to its instrument, as tastytrade lists it.
func (b *Broker) Lookup(ctx context.Context, symbol string) (instrument.Instrument, error) {
	if _, err := b.acct(); err != nil {
		return instrument.Instrument{}, err
	}
	r, err := b.resolve(ctx, symbol)
	return r.In, err
}

// optionRefs lists the cached option refs of an underlying (after its chain was fetched).
func (b *Broker) optionRefs(under ref) []ref {
	b.symMu.Lock()
	defer b.symMu.Unlock()
	var out []ref
	for _, r := range b.byKeel {
		if !r.In.IsOption() {
			continue
		}
		if under.In.Kind == instrument.Stock && r.In.Kind == instrument.Option && r.In.Underlying == under.Keel ||
			under.In.Kind == instrument.Future && r.In.Kind == instrument.FuturesOption && r.In.Underlying == under.Keel {
			out = append(out, r)
		}
	}
	return out
}

// chainRefs fetches the chain of an underlying and returns its option refs.
func (b *Broker) chainRefs(ctx context.Context, underlying string) (ref, []ref, error) {
	u, err := b.resolve(ctx, underlying)
	if err != nil {
		return ref{}, nil, err
	}
	switch u.In.Kind {
	case instrument.Stock:
		if _, err := b.equityChain(ctx, u.TT); err != nil {
			return ref{}, nil, err
		}
	case instrument.Future:
		if _, err := b.futuresChain(ctx, u.In.Root); err != nil {
			return ref{}, nil, err
		}
	default:
		return ref{}, nil, fmt.Errorf("tastytrade: %s has no options", underlying)
	}
	return u, b.optionRefs(u), nil
}

// Expirations lists the option expiries of a stock, ETF or future, soonest first.
func (b *Broker) Expirations(ctx context.Context, underlying string) ([]time.Time, error) {
	if _, err := b.acct(); err != nil {
		return nil, err
	}
	_, refs, err := b.chainRefs(ctx, underlying)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []time.Time
	for _, r := range refs {
		if k := r.In.Expiry.UnixNano(); !seen[k] {
			seen[k] = true
			out = append(out, r.In.Expiry)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out, nil
}

// Chain is one expiry of an underlying's chain with the quotes of now.
func (b *Broker) Chain(ctx context.Context, underlying string, expiry time.Time) (brokers.Chain, error) {
	if _, err := b.acct(); err != nil {
		return brokers.Chain{}, err
	}
	u, refs, err := b.chainRefs(ctx, underlying)
	if err != nil {
		return brokers.Chain{}, err
	}
	want := []ref{u}
	for _, r := range refs {
		if r.In.Expiry.Equal(expiry) {
			want = append(want, r)
		}
	}
	if len(want) == 1 {
		return brokers.Chain{}, fmt.Errorf("tastytrade: %s lists no options expiring %s", underlying, expiry.Format(time.RFC3339))
	}
	md, err := b.marketData(ctx, want)
	if err != nil {
		return brokers.Chain{}, err
	}
	ch := brokers.Chain{Underlying: u.Keel, Expiry: expiry}
	if m, ok := md[u.TT]; ok {
		uq := b.quoteOf(u, m)
		ch.Price = uq.Last
		if !ch.Price.IsPositive() {
			ch.Price = uq.Mid()
		}
	}
	rows := map[float64]*brokers.Strike{}
	for _, r := range want[1:] {
		row := rows[r.In.Strike]
		if row == nil {
			row = &brokers.Strike{Strike: r.In.Strike}
			rows[r.In.Strike] = row
		}
		q := brokers.Quote{Symbol: r.Keel, Instrument: r.In}
		if m, ok := md[r.TT]; ok {
			q = b.quoteOf(r, m)
		}
		q.Underlying = ch.Price
		if r.In.Right == 0 {
			row.Call = q
		} else {
			row.Put = q
		}
	}
	for _, row := range rows {
		ch.Strikes = append(ch.Strikes, *row)
	}
	sort.Slice(ch.Strikes, func(i, j int) bool { return ch.Strikes[i].Strike < ch.Strikes[j].Strike })
	return ch, nil
}

// Quote is the latest quote of one symbol from /market-data/by-type.
func (b *Broker) Quote(ctx context.Context, symbol string) (brokers.Quote, error) {
	if _, err := b.acct(); err != nil {
		return brokers.Quote{}, err
	}
	r, err := b.resolve(ctx, symbol)
	if err != nil {
		return brokers.Quote{}, err
	}
	md, err := b.marketData(ctx, []ref{r})
	if err != nil {
		return brokers.Quote{}, err
	}
	m, ok := md[r.TT]
	if !ok {
		return brokers.Quote{}, fmt.Errorf("tastytrade: no market data for %s (the sandbox has none)", symbol)
	}
	return b.quoteOf(r, m), nil
}

// maxMarketData is the most symbols /market-data/by-type takes in one call.
const maxMarketData = 100

func (b *Broker) marketData(ctx context.Context, refs []ref) (map[string]wireMarketData, error) {
	out := map[string]wireMarketData{}
	for start := 0; start < len(refs); start += maxMarketData {
		end := min(start+maxMarketData, len(refs))
		q := url.Values{}
		for _, r := range refs[start:end] {
			key := map[string]string{ttEquity: "equity", ttEquityOption: "equity-option", ttFuture: "future",
				ttFutureOption: "future-option"}[r.Type]
			q.Add(key, r.TT)
		}
		var w items[wireMarketData]
		if err := b.api.get(ctx, "/market-data/by-type", q, &w); err != nil {
			return nil, err
		}
		for _, m := range w.Items {
			out[m.Symbol] = m
		}
	}
	return out, nil
}

func (b *Broker) quoteOf(r ref, m wireMarketData) brokers.Quote {
	q := brokers.Quote{Symbol: r.Keel, Instrument: r.In, Time: m.UpdatedAt.Time, Bid: m.Bid.D, Ask: m.Ask.D,
		Last: m.Last.D, BidSize: intOf(m.BidSize), AskSize: intOf(m.AskSize), Volume: intOf(m.Volume),
		OpenInterest: intOf(m.OpenInterest)}
	if q.Time.IsZero() {
		q.Time = b.cfg.Now()
	}
	if !m.Last.Valid && m.Mark.Valid {
		q.Last = m.Mark.D
	}
	return q
}

// Subscribe adds symbols to the DXLink quote stream.
func (b *Broker) Subscribe(ctx context.Context, symbols ...string) error {
	if _, err := b.acct(); err != nil {
		return err
	}
	var refs []ref
	for _, s := range symbols {
		r, err := b.resolve(ctx, s)
		if err != nil {
			return err
		}
		if r.Streamer == "" {
			return fmt.Errorf("tastytrade: %s has no streamer symbol", s)
		}
		refs = append(refs, r)
	}
	b.dx.add(refs)
	return nil
}

// Unsubscribe removes symbols from the quote stream.
func (b *Broker) Unsubscribe(ctx context.Context, symbols ...string) error {
	if _, err := b.acct(); err != nil {
		return err
	}
	var refs []ref
	for _, s := range symbols {
		if r, ok := b.refByKeel(s); ok {
			refs = append(refs, r)
		}
	}
	b.dx.remove(refs)
	return nil
}

// Settlements lists expirations, assignments and exercises from the account's
// receive-and-deliver transactions. The delivered shares or future appear as their own
// position; Delivered is left empty.
func (b *Broker) Settlements(ctx context.Context, since time.Time) ([]brokers.Settlement, error) {
	n, err := b.acct()
	if err != nil {
		return nil, err
	}
	q := url.Values{"type": {"Receive Deliver"}, "per-page": {"250"}}
	if !since.IsZero() {
		q.Set("start-date", since.Format(time.DateOnly))
	}
	var w items[wireTransaction]
	if err := b.api.get(ctx, "/accounts/"+url.PathEscape(n)+"/transactions", q, &w); err != nil {
		return nil, err
	}
	var out []brokers.Settlement
	for _, t := range w.Items {
		var kind brokers.SettlementKind
		switch t.SubType {
		case "Expiration":
			kind = brokers.Expired
		case "Assignment":
			kind = brokers.Assigned
		case "Exercise":
			kind = brokers.Exercised
		default:
			continue
		}
		if t.ExecutedAt.Before(since) {
			continue
		}
		r, err := b.refOfTT(ctx, t.Symbol, t.InstrumentType)
		if err != nil {
			return nil, err
		}
		qty := intOf(t.Quantity)
		if t.Action == "Sell to Close" || t.Action == "Sell" {
			qty = -qty
		}
		out = append(out, brokers.Settlement{ID: string(t.ID), Time: t.ExecutedAt.Time, Kind: kind, Symbol: r.Keel,
			Instrument: r.In, Quantity: qty, Price: t.Price.D, Fees: t.fees().Add(t.Commission.D.Abs()), Reason: t.Description})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

type wireTransaction struct {
	ID             flexID `json:"id"`
	Type           string `json:"transaction-type"`
	SubType        string `json:"transaction-sub-type"`
	Description    string `json:"description"`
	Symbol         string `json:"symbol"`
	InstrumentType string `json:"instrument-type"`
	Action         string `json:"action"`
	Quantity       dec    `json:"quantity"`
	Price          dec    `json:"price"`
	Commission     dec    `json:"commission"`
	ClearingFees   dec    `json:"clearing-fees"`
	RegulatoryFees dec    `json:"regulatory-fees"`
	IndexFees      dec    `json:"proprietary-index-option-fees"`
	OrderID        flexID `json:"order-id"`
	ExtExecID      string `json:"ext-exec-id"`
	ExecutedAt     stamp  `json:"executed-at"`
}

// fees is every fee of a transaction but the commission, as positive money.
func (t wireTransaction) fees() decimal.Decimal {
	return t.ClearingFees.D.Abs().Add(t.RegulatoryFees.D.Abs()).Add(t.IndexFees.D.Abs())
}

// outbox is the event stream: an unbounded queue in front of the channel so orders and
// fills are never dropped; quotes are dropped when the consumer is far behind.
type outbox struct {
	ch     chan brokers.Event
	mu     sync.Mutex
	queue  []brokers.Event
	wake   chan struct{}
	done   chan struct{}
	closed bool
}

const maxQueuedQuotes = 4096

func newOutbox() *outbox {
	o := &outbox{ch: make(chan brokers.Event, 256), wake: make(chan struct{}, 1), done: make(chan struct{})}
	go o.pump()
	return o
}

func (o *outbox) push(ev brokers.Event) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return
	}
	if _, quote := ev.(*brokers.QuoteEvent); quote && len(o.queue) > maxQueuedQuotes {
		o.mu.Unlock()
		return
	}
	o.queue = append(o.queue, ev)
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *outbox) pump() {
	for {
		o.mu.Lock()
		if len(o.queue) == 0 {
			o.mu.Unlock()
			select {
			case <-o.wake:
				continue
			case <-o.done:
				return
			}
		}
		ev := o.queue[0]
		o.queue = o.queue[1:]
		o.mu.Unlock()
		select {
		case o.ch <- ev:
		case <-o.done:
			return
		}
	}
}

func (o *outbox) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.closed {
		o.closed = true
		close(o.done)
	}
}
