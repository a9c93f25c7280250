package paper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/engine/sim"
)

// Broker is the paper broker: a paper account trading on a simulated market. It
// implements brokers.Broker and brokers.SimulatedClock. One goroutine owns the market and
// the account; every call runs on it in turn.
type Broker struct {
	cfg       Config
	reqs      chan func()
	quit      chan struct{}
	loopDone  chan struct{}
	box       *outbox
	closeOnce sync.Once
	closeErr  error

	// Owned by the loop goroutine.
	acct        *account
	market      *sim.Market
	clock       *sim.Clock
	connected   bool
	outageUntil time.Time // wall time before which Connect fails
	subs        map[string]bool
	sent        map[string]sim.Quote // the last quote sent of each subscribed symbol
	lastWall    time.Time
	lastSave    time.Time // wall time of the last save
	savedNow    time.Time // market time at the last save
	saveErr     error
	pending     []brokers.Event // events of the operation under way, sent after the save
	dirty       bool            // the account changed in a way that must be saved
	everyTick   bool            // LoadTest: send every subscribed quote every tick
	onTick      func()          // LoadTest: called after each tick
}

var (
	_ brokers.Broker         = (*Broker)(nil)
	_ brokers.SimulatedClock = (*Broker)(nil)
	_ brokers.CostEstimator  = (*Broker)(nil)
)

// New opens the paper account cfg.Account: it resumes the saved account when the store
// has one, else it opens a new account at cfg.Start with cfg.StartingCash and (unless
// cfg.EmptyAccount) the demo book, and saves it. The market starts running at once; the
// session starts disconnected (call Connect).
func New(cfg Config) (*Broker, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	b := &Broker{
		cfg:      cfg,
		reqs:     make(chan func()),
		quit:     make(chan struct{}),
		loopDone: make(chan struct{}),
		subs:     map[string]bool{},
		sent:     map[string]sim.Quote{},
	}
	var saved []Row
	if cfg.Store != nil {
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		saved, err = cfg.Store.LoadPaper(ctx, cfg.Account)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("paper broker: loading account %q: %w", cfg.Account, err)
		}
	}
	if len(saved) > 0 {
		if err := b.restore(saved); err != nil {
			return nil, err
		}
	} else {
		m, err := sim.New(sim.Config{Seed: cfg.Seed, Start: recentSession(cfg.Start)})
		if err != nil {
			return nil, fmt.Errorf("paper broker: %w", err)
		}
		b.market = m
		b.clock = sim.NewClock(m.Now(), cfg.Speed)
		b.market.Advance(b.clock.Now())
		b.acct = newAccount(cfg.Account, cfg.Seed, cfg.StartingCash, b.clock.Now())
		if !cfg.EmptyAccount {
			if err := b.seedDemo(); err != nil {
				return nil, err
			}
		}
		b.pending = nil // the demo book's events are history, not news
		b.acct.everything()
		if err := b.save(); err != nil {
			return nil, err
		}
	}
	b.lastWall = cfg.Wall()
	b.lastSave = b.lastWall
	b.box = newOutbox(cfg.EventBuffer)
	go b.loop()
	return b, nil
}

func (b *Broker) restore(saved []Row) error {
	a, ms, err := accountFromRows(saved)
	if err != nil {
		return err
	}
	m, err := sim.Restore(ms)
	if err != nil {
		return fmt.Errorf("paper broker: restoring the market: %w", err)
	}
	b.acct = a
	b.market = m
	b.clock = sim.NewClock(a.Now, a.Speed)
	b.clock.SetPaused(a.Paused)
	b.market.Advance(b.clock.Now())
	b.savedNow = b.clock.Now()
	if a.unsaved.legacy { // a journal from before the rows: turn the blob into rows now
		return b.save()
	}
	return nil
}

// recentSession maps a time to the market time a new account starts at: t itself in a
// session, else the open of the most recent session (a new account opened on a Saturday
// starts at Friday's open).
func recentSession(t time.Time) time.Time {
	if sim.IsOpenAt(t) {
		return t
	}
	ny := t.In(instrument.NewYork)
	for i := 0; i < 20; i++ {
		d := time.Date(ny.Year(), ny.Month(), ny.Day()-i, 9, 30, 0, 0, instrument.NewYork)
		if instrument.IsTradingDay(d) && d.Before(t) {
			return d
		}
	}
	return t
}

// Name is "paper".
func (b *Broker) Name() string { return "paper" }

// Events is the broker's one event stream (see brokers.Broker).
func (b *Broker) Events() <-chan brokers.Event { return b.box.out }

// Close stops the market, saves the account a last time and releases the broker. Calls
// after Close return ErrClosed. The Events channel is not closed.
func (b *Broker) Close() error {
	b.closeOnce.Do(func() {
		close(b.quit)
		<-b.loopDone
		b.box.stop()
	})
	return b.closeErr
}

// loop is the owner goroutine.
func (b *Broker) loop() {
	defer close(b.loopDone)
	var tick <-chan time.Time
	if !b.cfg.Manual {
		t := time.NewTicker(tickEvery)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case fn := <-b.reqs:
			fn()
		case <-tick:
			b.step(b.wallElapsed())
		case <-b.quit:
			b.closeErr = b.save()
			return
		}
	}
}

// maxWallStep bounds the wall time one tick turns into market time, so a machine waking
// from sleep does not race the market through the hours it slept.
const maxWallStep = 10 * time.Second

func (b *Broker) wallElapsed() time.Duration {
	now := b.cfg.Wall()
	el := now.Sub(b.lastWall)
	b.lastWall = now
	return min(max(el, 0), maxWallStep)
}

// run executes fn on the owner goroutine and waits for it. With needConn it fails with
// brokers.ErrDisconnected while the session is down.
func (b *Broker) run(ctx context.Context, needConn bool, fn func() error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	errc := make(chan error, 1)
	job := func() {
		if needConn && !b.connected {
			errc <- brokers.ErrDisconnected
			return
		}
		err := fn()
		b.finish()
		errc <- err
	}
	select {
	case b.reqs <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-b.quit:
		return ErrClosed
	}
	select {
	case err := <-errc:
		return err
	case <-b.loopDone:
		return ErrClosed
	}
}

// finish saves the account when it changed and then sends the operation's events:
// nothing is reported that a restart could forget. While the session is down only
// connection changes go out; the client resynchronises with Orders, Fills and
// Settlements after it reconnects.
func (b *Broker) finish() {
	if b.dirty && (b.saveErr == nil || b.cfg.Wall().Sub(b.lastSave) >= retryEvery) {
		b.saveErr = b.save()
	}
	evs := b.pending
	b.pending = nil
	if !b.connected {
		evs = slices.DeleteFunc(evs, func(e brokers.Event) bool {
			_, conn := e.(*brokers.ConnectionEvent)
			return !conn
		})
	}
	b.box.push(evs...)
}

func (b *Broker) emit(ev brokers.Event) { b.pending = append(b.pending, ev) }

// save writes what changed in the account since the last save that worked, with its
// header and the market's state, in one transaction. When it fails the account stays
// dirty and everything unsaved is written by the next try (finish retries every
// retryEvery).
func (b *Broker) save() error {
	b.dirty = false
	b.lastSave = b.cfg.Wall()
	b.savedNow = b.clock.Now()
	if b.cfg.Store == nil {
		b.acct.saved()
		return nil
	}
	rows, err := b.rows()
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		err = b.cfg.Store.SavePaper(ctx, b.cfg.Account, rows)
		cancel()
	}
	if err != nil {
		b.dirty = true
		return fmt.Errorf("paper broker: saving account %q: %w", b.cfg.Account, err)
	}
	b.acct.saved()
	return nil
}

func (b *Broker) rows() ([]Row, error) {
	ms, err := b.market.State()
	if err != nil {
		return nil, fmt.Errorf("paper broker: saving the market: %w", err)
	}
	b.acct.Now = b.clock.Now()
	b.acct.Speed = b.clock.Speed()
	b.acct.Paused = b.clock.Paused()
	return b.acct.rows(ms)
}

// SaveError is the error of the last save, or nil when it worked. A failed save is
// retried every second until one works.
func (b *Broker) SaveError() error {
	var err error
	b.run(context.Background(), false, func() error { err = b.saveErr; return nil })
	return err
}

// step moves the market by wall (wall time, turned into market time by the clock's speed).
func (b *Broker) step(wall time.Duration) {
	prev := b.clock.Now()
	to := b.clock.Tick(wall)
	b.advance(prev, to)
	b.sendQuotes()
	if b.onTick != nil {
		b.onTick()
	}
	if !b.dirty && b.clock.Now().After(b.savedNow) && b.cfg.Wall().Sub(b.lastSave) >= saveEvery {
		b.dirty = true
	}
	b.finish()
}

// Advance moves market time forward by d at once (as the clock would over d ÷ speed of
// wall time), working orders, expirations and assignments on the way, and sends the
// quotes. It is for tests, benchmarks and a desk's "skip ahead"; the clock still skips
// closed hours.
func (b *Broker) Advance(d time.Duration) error {
	if d <= 0 {
		return nil
	}
	return b.run(context.Background(), false, func() error {
		b.step(time.Duration(float64(d) / b.clock.Speed()))
		return nil
	})
}

// checkpoint is a moment inside one clock step where something must happen.
type checkpoint struct {
	at     time.Time
	close  bool // a session close
	expiry bool // a held instrument or a working order's leg expires
}

// advance moves the market from prev to to, stopping at each session close and expiry in
// between.
func (b *Broker) advance(prev, to time.Time) {
	if !to.After(prev) {
		return
	}
	cps := map[int64]*checkpoint{}
	add := func(t time.Time, close bool) {
		k := t.UnixNano()
		cp := cps[k]
		if cp == nil {
			cp = &checkpoint{at: t}
			cps[k] = cp
		}
		if close {
			cp.close = true
		} else {
			cp.expiry = true
		}
	}
	for t := prev; ; {
		cls, ok := sim.SessionClose(t)
		if !ok {
			t = sim.NextOpenAt(t)
			if !t.Before(to) {
				break
			}
			continue
		}
		if cls.After(to) {
			break
		}
		add(cls, true)
		t = sim.NextOpenAt(cls)
	}
	expiring := func(in instrument.Instrument) {
		if in.HasExpiry() && in.Expiry.After(prev) && !in.Expiry.After(to) {
			add(in.Expiry, false)
		}
	}
	for _, p := range b.acct.Positions {
		expiring(p.Instrument)
	}
	for _, o := range b.acct.Orders {
		if o.Status.State == brokers.Working {
			for _, l := range o.Status.Order.Legs {
				expiring(l.Instrument)
			}
		}
	}
	list := make([]*checkpoint, 0, len(cps))
	for _, cp := range cps {
		list = append(list, cp)
	}
	sort.Slice(list, func(i, k int) bool { return list[i].at.Before(list[k].at) })
	for _, cp := range list {
		b.market.Advance(cp.at)
		b.workOrders(cp.at)
		if cp.expiry {
			b.expire(cp.at)
		}
		if cp.close {
			b.endOfSession(cp.at)
		}
	}
	b.market.Advance(to)
	b.workOrders(to)
}

// sendQuotes queues a QuoteEvent for each subscribed symbol whose market changed.
func (b *Broker) sendQuotes() {
	if !b.connected || len(b.subs) == 0 {
		return
	}
	evs := make([]brokers.Event, 0, len(b.subs))
	for sym := range b.subs {
		q, err := b.market.Quote(sym)
		if err != nil {
			continue // expired since it was subscribed
		}
		if last, ok := b.sent[sym]; ok && !b.everyTick && sameMarket(last, q) {
			continue
		}
		b.sent[sym] = q
		evs = append(evs, &brokers.QuoteEvent{Quote: toQuote(q)})
	}
	b.box.push(evs...)
}

func sameMarket(a, c sim.Quote) bool {
	return a.Bid == c.Bid && a.Ask == c.Ask && a.Last == c.Last && a.BidSize == c.BidSize && a.AskSize == c.AskSize
}

// price turns a sim price (already a multiple of its tick) into a decimal without binary
// noise.
func price(f float64) decimal.Decimal { return decimal.NewFromFloat(f).Round(6) }

func toQuote(q sim.Quote) brokers.Quote {
	return brokers.Quote{
		Symbol: q.Symbol, Instrument: q.Instrument, Time: q.Time,
		Bid: price(q.Bid), Ask: price(q.Ask), Last: price(q.Last),
		BidSize: q.BidSize, AskSize: q.AskSize, Volume: q.Volume, OpenInterest: q.OpenInterest,
		Underlying: price(q.Underlying), IV: q.IV,
	}
}

// ---- the session ----

// Connect opens the session; it fails with brokers.ErrDisconnected while a simulated
// outage lasts. Subscribed symbols get their quotes again after it.
func (b *Broker) Connect(ctx context.Context) error {
	return b.run(ctx, false, func() error {
		if b.connected {
			return nil
		}
		if wall := b.cfg.Wall(); wall.Before(b.outageUntil) {
			return fmt.Errorf("%w: simulated network outage, %s left", brokers.ErrDisconnected,
				b.outageUntil.Sub(wall).Round(time.Millisecond))
		}
		b.connected = true
		clear(b.sent)
		b.emit(&brokers.ConnectionEvent{Time: b.clock.Now(), Connected: true})
		return nil
	})
}

// Disconnect closes the session; the market keeps running and working orders keep
// working.
func (b *Broker) Disconnect() error {
	return b.run(context.Background(), false, func() error {
		if !b.connected {
			return nil
		}
		b.connected = false
		b.emit(&brokers.ConnectionEvent{Time: b.clock.Now(), Connected: false})
		return nil
	})
}

// ErrSimulatedOutage is the Err of the ConnectionEvent SimulateDisconnect sends.
var ErrSimulatedOutage = errors.New("paper broker: simulated network outage")

// SimulateDisconnect drops the session as a network fault would: a ConnectionEvent with
// Err ErrSimulatedOutage, then every call fails with brokers.ErrDisconnected until the
// caller reconnects, and Connect itself fails until d of wall time has passed. The market
// keeps running and working orders can fill meanwhile; their events are not sent (the
// client resynchronises after reconnecting).
func (b *Broker) SimulateDisconnect(d time.Duration) error {
	return b.run(context.Background(), false, func() error {
		b.outageUntil = b.cfg.Wall().Add(max(d, 0))
		if !b.connected {
			return nil
		}
		b.connected = false
		b.emit(&brokers.ConnectionEvent{Time: b.clock.Now(), Connected: false, Err: ErrSimulatedOutage})
		return nil
	})
}

// ---- the clock ----

// Clock is the simulated market's clock.
func (b *Broker) Clock() brokers.ClockState {
	var cs brokers.ClockState
	b.run(context.Background(), false, func() error {
		now := b.clock.Now()
		cs = brokers.ClockState{Now: now.In(instrument.NewYork), Speed: b.clock.Speed(),
			Paused: b.clock.Paused(), Open: b.market.IsOpen(now)}
		return nil
	})
	return cs
}

// SetSpeed sets how many market seconds pass per wall second (0 < speed <= 3600).
func (b *Broker) SetSpeed(speed float64) error {
	return b.run(context.Background(), false, func() error {
		if err := b.clock.SetSpeed(speed); err != nil {
			return err
		}
		b.dirty = true
		return nil
	})
}

// SetPaused stops or restarts the market clock.
func (b *Broker) SetPaused(paused bool) {
	b.run(context.Background(), false, func() error {
		b.clock.SetPaused(paused)
		b.dirty = true
		return nil
	})
}

// ---- market data ----

// resolve turns symbol text in any of Keel's notations into the listed instrument and its
// canonical symbol.
func (b *Broker) resolve(symbol string) (instrument.Instrument, string, error) {
	text := strings.TrimSpace(symbol)
	in, ok := b.market.Lookup(text)
	if !ok {
		if parsed, err := instrument.Parse(text, b.clock.Now()); err == nil {
			in, ok = b.market.Lookup(parsed.Symbol())
		}
	}
	if !ok {
		return instrument.Instrument{}, "", fmt.Errorf("%w: %q is not listed on the simulated market", brokers.ErrUnknownSymbol, symbol)
	}
	return in, in.Symbol(), nil
}

// Lookup resolves a symbol to its instrument.
func (b *Broker) Lookup(ctx context.Context, symbol string) (instrument.Instrument, error) {
	var in instrument.Instrument
	err := b.run(ctx, true, func() error {
		var err error
		in, _, err = b.resolve(symbol)
		return err
	})
	return in, err
}

// Expirations lists the option expiries of an underlying, soonest first.
func (b *Broker) Expirations(ctx context.Context, underlying string) ([]time.Time, error) {
	var out []time.Time
	err := b.run(ctx, true, func() error {
		in, sym, err := b.resolve(underlying)
		if err != nil {
			return err
		}
		if in.IsOption() {
			return fmt.Errorf("%w: %s is an option, not an underlying", brokers.ErrUnknownSymbol, sym)
		}
		out = b.market.Expirations(sym)
		return nil
	})
	return out, err
}

// Chain is one expiry of an underlying's chain with the quotes of now.
func (b *Broker) Chain(ctx context.Context, underlying string, expiry time.Time) (brokers.Chain, error) {
	var ch brokers.Chain
	err := b.run(ctx, true, func() error {
		_, sym, err := b.resolve(underlying)
		if err != nil {
			return err
		}
		quotes := b.market.Chain(sym, expiry)
		if len(quotes) == 0 {
			return fmt.Errorf("%w: no %s options expire %s", brokers.ErrUnknownSymbol, sym, expiry.Format(time.RFC3339))
		}
		px, err := b.market.Price(sym)
		if err != nil {
			return err
		}
		ch = brokers.Chain{Underlying: sym, Expiry: quotes[0].Instrument.Expiry, Price: price(px)}
		for _, q := range quotes {
			k := q.Instrument.Strike
			n := len(ch.Strikes)
			if n == 0 || ch.Strikes[n-1].Strike != k {
				ch.Strikes = append(ch.Strikes, brokers.Strike{Strike: k})
				n++
			}
			if q.Instrument.Right == pricing.Call {
				ch.Strikes[n-1].Call = toQuote(q)
			} else {
				ch.Strikes[n-1].Put = toQuote(q)
			}
		}
		return nil
	})
	return ch, err
}

// Quote is the latest quote of one symbol.
func (b *Broker) Quote(ctx context.Context, symbol string) (brokers.Quote, error) {
	var out brokers.Quote
	err := b.run(ctx, true, func() error {
		_, sym, err := b.resolve(symbol)
		if err != nil {
			return err
		}
		q, err := b.market.Quote(sym)
		if err != nil { // an option that expired
			return fmt.Errorf("%w: %v", brokers.ErrUnknownSymbol, err)
		}
		out = toQuote(q)
		return nil
	})
	return out, err
}

// Subscribe adds symbols to the quote stream; each gets its current quote at the next tick.
func (b *Broker) Subscribe(ctx context.Context, symbols ...string) error {
	return b.run(ctx, true, func() error {
		var syms []string
		for _, s := range symbols {
			_, sym, err := b.resolve(s)
			if err != nil {
				return err
			}
			syms = append(syms, sym)
		}
		for _, sym := range syms {
			b.subs[sym] = true
		}
		return nil
	})
}

// Unsubscribe removes symbols from the quote stream.
func (b *Broker) Unsubscribe(ctx context.Context, symbols ...string) error {
	return b.run(ctx, true, func() error {
		for _, s := range symbols {
			sym := strings.TrimSpace(s)
			if _, canon, err := b.resolve(s); err == nil {
				sym = canon
			}
			delete(b.subs, sym)
			delete(b.sent, sym)
		}
		return nil
	})
}
