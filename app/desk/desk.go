package desk

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
)

// Config is what a desk runs on.
type Config struct {
	Broker  brokers.Broker
	Journal *data.Journal // nil: fills are not journaled, and every snapshot says so
	Limits  Limits
	Rate    float64           // risk-free rate for implied vols and Greeks; 0 means DefaultRate
	Stocks  instrument.Stocks // betas and leverage; nil means instrument.DefaultStocks()
	// DividendYield by underlying root (SPY 0.012); missing means none.
	DividendYield map[string]float64
	// RiskLimits are the book's limits the snapshot's alerts check; the zero value means
	// portfolio.DefaultLimits().
	RiskLimits portfolio.Limits
	// Publish is the shortest time between two snapshots; 0 means 100 ms.
	Publish time.Duration
	// Wall is the wall clock (reconnect back-off, snapshot pacing); nil means time.Now.
	Wall func() time.Time
}

// DefaultRate is the risk-free rate the desk prices with unless configured.
const DefaultRate = 0.04

// Service is the desk: the one goroutine that owns trading state. It receives broker events,
// values the positions, coalesces ticks into at most one snapshot per Config.Publish, writes
// every fill and settlement to the journal, and sends orders after the pre-trade checks.
// Its methods are safe to call from any goroutine.
type Service struct {
	cfg    Config
	broker brokers.Broker
	acct   data.AccountRef

	policyMu sync.Mutex // one SaveHedgePolicy at a time: it reads, changes and writes one setting

	reqs    chan func()
	syncReq chan struct{}
	writes  chan journalJob
	done    chan struct{}
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	latest      atomic.Pointer[Snapshot]
	liveOn      atomic.Bool // the trader confirmed live trading for this session (live.go)
	layersStale atomic.Bool // the journal's layers must be read again
	// checklistSettings are the checklist's settings once read or saved (ChecklistSettings).
	checklistSettings atomic.Pointer[ChecklistSettings]
	// hedgePolicies are the lab's kept policies once read or saved (HedgePolicies): the
	// checklist, the layer editor and the armed book hedge (each second) read them.
	hedgePolicies atomic.Pointer[map[string]HedgePolicy]
	liquidity     atomic.Pointer[LiquiditySettings]   // the pre-trade liquidity rules (SetLiquidity)
	rollPlanner   atomic.Pointer[RollPlannerSettings] // the roll planner's window and weights (SetRollPlanner)
	subMu         sync.Mutex
	subs          map[int]chan *Snapshot
	nextID        int

	st state // owned by the loop goroutine

	auto autoState // the desk's own rules (automation.go)
}

// state is the desk's mutable trading state; only the loop goroutine touches it.
type state struct {
	connected     bool
	connErr       error
	reconnects    int
	account       brokers.Account
	positions     []brokers.Position
	orders        map[string]brokers.OrderStatus
	quotes        map[string]brokers.Quote
	subscribed    map[string]bool
	seenFills     map[string]bool
	seenSettle    map[string]bool
	problems      []Problem
	dirty         bool
	synced        bool
	seq           uint64
	lastPub       time.Time
	lastJournaled string
	valuer        valuer
	assigned      map[string]string // position symbol → layer name
	lastSample    time.Time
	history       historyBatch // sampled, not yet written
	limits        portfolio.Limits
	benchmark     string            // the symbol the book is weighed to; "" is Benchmark
	sizeAlerts    []portfolio.Alert // the size monitor's, from WatchLayerSizes
	quoteWaiting  time.Time         // wall time the oldest quote not yet published arrived
}

// Start connects to the broker, loads the account, positions and orders, subscribes to
// their quotes and starts the desk. It fails only when the first connection fails.
func Start(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Broker == nil {
		return nil, errors.New("desk: no broker")
	}
	if cfg.Rate == 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.Stocks == nil {
		cfg.Stocks = instrument.DefaultStocks()
	}
	if cfg.Publish <= 0 {
		cfg.Publish = 100 * time.Millisecond
	}
	if cfg.Wall == nil {
		cfg.Wall = time.Now
	}
	cfg.Limits = cfg.Limits.withDefaults()
	if cfg.RiskLimits == (portfolio.Limits{}) {
		cfg.RiskLimits = portfolio.DefaultLimits()
	}
	if err := cfg.Broker.Connect(ctx); err != nil {
		return nil, fmt.Errorf("desk: connect to %s: %w", cfg.Broker.Name(), err)
	}
	acct, err := cfg.Broker.Account(ctx)
	if err != nil {
		return nil, fmt.Errorf("desk: %s account: %w", cfg.Broker.Name(), err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	s := &Service{
		cfg: cfg, broker: cfg.Broker, cancel: cancel,
		acct:    data.AccountRef{Broker: cfg.Broker.Name(), Account: acct.ID, Kind: accountKind(cfg.Broker.Name())},
		reqs:    make(chan func(), 64),
		syncReq: make(chan struct{}, 1),
		writes:  make(chan journalJob, 1024),
		done:    make(chan struct{}),
		subs:    map[int]chan *Snapshot{},
	}
	s.st = state{connected: true, account: acct, orders: map[string]brokers.OrderStatus{},
		quotes: map[string]brokers.Quote{}, subscribed: map[string]bool{},
		seenFills: map[string]bool{}, seenSettle: map[string]bool{},
		valuer: newValuer(cfg), limits: cfg.RiskLimits}
	s.layersStale.Store(true)
	s.wg.Add(3)
	go s.loop(runCtx)
	go s.syncer(runCtx)
	go s.journalWriter()
	s.requestSync()
	return s, nil
}

func accountKind(broker string) data.AccountKind {
	if broker == "paper" {
		return data.Paper
	}
	return data.Live
}

// Close stops the desk, waits for pending journal writes and disconnects the broker.
func (s *Service) Close() error {
	s.cancel()
	<-s.done
	s.wg.Wait()
	s.subMu.Lock()
	for id, ch := range s.subs {
		close(ch)
		delete(s.subs, id)
	}
	s.subMu.Unlock()
	return s.broker.Disconnect()
}

// BrokerName is the name of the broker the desk trades through ("paper").
func (s *Service) BrokerName() string { return s.broker.Name() }

// Lookup asks the broker what symbol is (a window's leg, a hedge instrument).
func (s *Service) Lookup(ctx context.Context, symbol string) (instrument.Instrument, error) {
	return s.broker.Lookup(ctx, symbol)
}

// Quote is the broker's current quote of symbol.
func (s *Service) Quote(ctx context.Context, symbol string) (brokers.Quote, error) {
	return s.broker.Quote(ctx, symbol)
}

// Expirations lists the option expiries the broker lists for an underlying.
func (s *Service) Expirations(ctx context.Context, underlying string) ([]time.Time, error) {
	return s.broker.Expirations(ctx, underlying)
}

// Chain is the broker's option chain of underlying for one expiry.
func (s *Service) Chain(ctx context.Context, underlying string, expiry time.Time) (brokers.Chain, error) {
	return s.broker.Chain(ctx, underlying, expiry)
}

// Orders lists the broker's orders (open and done today).
func (s *Service) Orders(ctx context.Context) ([]brokers.OrderStatus, error) {
	return s.broker.Orders(ctx)
}

// PaperMarket is what only a simulated market can do: its clock (speed, pause, a step
// forward) and a simulated network outage. A window asks the desk for it with Paper and
// offers these controls only when it is not nil; a real broker has none of them.
type PaperMarket interface {
	brokers.SimulatedClock
	// SimulateDisconnect drops the session for d, as a network fault would.
	SimulateDisconnect(d time.Duration) error
	// Advance moves a manual market forward by d (tests, screenshots).
	Advance(d time.Duration) error
}

// Paper is the simulated market's controls when the desk trades the paper broker, nil on a
// real broker.
func (s *Service) Paper() PaperMarket {
	if p, ok := s.broker.(PaperMarket); ok {
		return p
	}
	return nil
}

// Book names the desk's book in the journal's layer tables ("paper/paper").
func (s *Service) Book() string { return data.Book(s.acct.Broker, s.acct.Account) }

// LayersChanged tells the desk the layers or their positions changed in the journal; it
// reads them again at once.
func (s *Service) LayersChanged() {
	s.layersStale.Store(true)
	s.requestSync()
}

// SetRiskLimits changes the limits the alerts check, from the next snapshot on.
func (s *Service) SetRiskLimits(l portfolio.Limits) {
	s.post(func() { s.st.limits = l; s.st.dirty = true })
}

// SetBenchmark weighs the book to symbol from the next snapshot on: "SPY", or "ES" for
// the front quarterly ES future (at the market's time). The desk subscribes to its quotes.
func (s *Service) SetBenchmark(symbol string) {
	s.post(func() {
		sym := symbol
		if symbol == "ES" {
			now := s.cfg.Wall()
			if p := s.latest.Load(); p != nil && !p.Time.IsZero() {
				now = p.Time
			}
			y, m, err := instrument.NextContract("ES", now)
			if err != nil {
				s.addProblem("benchmark", err.Error())
				return
			}
			sym = instrument.FormatFutures("ES", y, m)
		}
		s.st.benchmark = sym
		s.st.valuer.cfg.Benchmark = sym
		s.st.dirty = true
		s.requestSync() // subscribes to the benchmark's quotes
	})
}

// SetStocks changes the betas and leverage the book is weighted with, from the next
// snapshot on.
func (s *Service) SetStocks(st instrument.Stocks) {
	s.post(func() { s.st.valuer.cfg.Stocks = st; s.st.dirty = true })
}

// Account is the journal account the desk files fills under.
func (s *Service) Account() data.AccountRef { return s.acct }

// Latest is the newest snapshot (never nil once Start returned: the first is published
// before Start's first sync completes, with Synced false).
func (s *Service) Latest() *Snapshot {
	if p := s.latest.Load(); p != nil {
		return p
	}
	return &Snapshot{Broker: s.broker.Name(), Connected: true, Status: "loading the account…"}
}

// Subscribe returns a channel that receives each new snapshot; when the reader is slow it
// gets the newest one, never a backlog. cancel stops the subscription.
func (s *Service) Subscribe() (snapshots <-chan *Snapshot, cancel func()) {
	ch := make(chan *Snapshot, 1)
	s.subMu.Lock()
	id := s.nextID
	s.nextID++
	s.subs[id] = ch
	if p := s.latest.Load(); p != nil {
		ch <- p // under subMu: Close may close ch as soon as it is listed (the buffer takes it)
	}
	s.subMu.Unlock()
	return ch, func() {
		s.subMu.Lock()
		defer s.subMu.Unlock()
		if c, ok := s.subs[id]; ok {
			close(c)
			delete(s.subs, id)
		}
	}
}

// do runs fn on the loop goroutine and waits for it (or ctx). When ctx ends first, fn is
// either finished or will never run, so the caller may read what fn writes once do
// returns nil and never races with it otherwise: a queued fn that the caller gave up on
// is skipped.
func (s *Service) do(ctx context.Context, fn func()) error {
	ran := make(chan struct{})
	var state atomic.Int32 // 0 queued, 1 running, 2 given up
	select {
	case s.reqs <- func() {
		if state.CompareAndSwap(0, 1) {
			fn()
			close(ran)
		}
	}:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return errors.New("desk: closed")
	}
	select {
	case <-ran:
		return nil
	case <-ctx.Done():
		if state.CompareAndSwap(0, 2) {
			return ctx.Err()
		}
	case <-s.done:
		if state.CompareAndSwap(0, 2) {
			return errors.New("desk: closed")
		}
	}
	<-ran // fn started before the caller gave up: it finishes
	return nil
}

// post runs fn on the loop goroutine without waiting.
func (s *Service) post(fn func()) {
	select {
	case s.reqs <- fn:
	case <-s.done:
	}
}

func (s *Service) requestSync() {
	select {
	case s.syncReq <- struct{}{}:
	default:
	}
}

// loop owns the state: it applies broker events and requests, and publishes snapshots.
func (s *Service) loop(ctx context.Context) {
	defer s.wg.Done()
	defer close(s.done)
	tick := time.NewTicker(s.cfg.Publish)
	defer tick.Stop()
	events := s.broker.Events()
	s.publish()
	for {
		select {
		case <-ctx.Done():
			s.writeHistory(true)
			close(s.writes)
			return
		case ev := <-events:
			s.handle(ev)
		case fn := <-s.reqs:
			fn()
		case <-tick.C:
			if s.st.dirty {
				s.publish()
			} else {
				s.writeHistory(false)
			}
		}
	}
}

// handle applies one broker event.
func (s *Service) handle(ev brokers.Event) {
	st := &s.st
	switch e := ev.(type) {
	case *brokers.QuoteEvent:
		st.quotes[e.Quote.Symbol] = e.Quote
		if st.quoteWaiting.IsZero() {
			st.quoteWaiting = s.cfg.Wall()
		}
		st.dirty = true
	case *brokers.OrderEvent:
		st.orders[e.Status.ID] = e.Status
		st.dirty = true
	case *brokers.FillEvent:
		s.recordFills(e.Fills)
		s.requestSync()
	case *brokers.SettlementEvent:
		s.recordSettlement(e.Settlement)
		s.requestSync()
	case *brokers.ConnectionEvent:
		st.connected = e.Connected
		st.connErr = e.Err
		st.dirty = true
		if !e.Connected && e.Err != nil {
			s.requestSync() // the syncer reconnects
		}
	}
}

// syncer makes the blocking broker calls: reconnecting with back-off, and reloading the
// account, positions and orders (and catching up on fills and settlements after a
// reconnect). It posts what it read to the loop.
func (s *Service) syncer(ctx context.Context) {
	defer s.wg.Done()
	refresh := time.NewTicker(time.Second)
	defer refresh.Stop()
	backoff := 500 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.syncReq:
		case <-refresh.C:
		}
		var connected bool
		if err := s.do(ctx, func() { connected = s.st.connected }); err != nil {
			return
		}
		resync := false
		if !connected {
			err := s.broker.Connect(ctx)
			if err != nil {
				s.post(func() {
					s.st.reconnects++
					s.st.connErr = err
					s.st.dirty = true
				})
				select {
				case <-ctx.Done():
					return
				case <-time.After(backoff):
				}
				backoff = min(2*backoff, 10*time.Second)
				s.requestSync()
				continue
			}
			backoff = 500 * time.Millisecond
			resync = true
		}
		s.syncOnce(ctx, resync)
	}
}

// syncOnce reads the account, positions and orders; after a reconnect it also catches up
// on fills and settlements that happened while the desk was away and restores the quote
// subscriptions.
func (s *Service) syncOnce(ctx context.Context, resync bool) {
	acct, err := s.broker.Account(ctx)
	if err != nil {
		s.noteSyncError(err)
		return
	}
	pos, err := s.broker.Positions(ctx)
	if err != nil {
		s.noteSyncError(err)
		return
	}
	ords, err := s.broker.Orders(ctx)
	if err != nil {
		s.noteSyncError(err)
		return
	}
	var fills []brokers.Fill
	var settles []brokers.Settlement
	first := false
	_ = s.do(ctx, func() { first = !s.st.synced })
	if resync || first {
		since := time.Time{}
		if fills, err = s.broker.Fills(ctx, since); err != nil {
			s.noteSyncError(err)
			return
		}
		if settles, err = s.broker.Settlements(ctx, since); err != nil {
			s.noteSyncError(err)
			return
		}
	}
	// The layers change only through the journal: read them at the start and after
	// LayersChanged, not at every sync.
	var layers []portfolio.Layer
	var assigned map[string]string
	if j := s.cfg.Journal; j != nil && s.layersStale.Swap(false) {
		book := s.Book()
		if layers, err = j.Layers(ctx, book); err == nil {
			assigned, err = j.PositionLayers(ctx, book)
		}
		if err != nil {
			s.layersStale.Store(true)
			s.post(func() { s.addProblem("journal", "could not read the layers: "+err.Error()) })
		}
	}
	var saveErr error
	saver, saves := s.broker.(accountSaver)
	if saves {
		saveErr = saver.SaveError()
	}
	var bench string
	_ = s.do(ctx, func() { bench = s.st.benchmark })
	want := symbolsToWatch(pos, bench)
	var subscribe []string
	s.post(func() {
		st := &s.st
		if resync {
			st.connected, st.connErr = true, nil
			st.subscribed = map[string]bool{}
		}
		st.account, st.positions = acct, pos
		if saveErr != nil {
			s.addProblem(saveProblem, "could not save the paper account (retrying every second): "+saveErr.Error())
		} else if saves {
			s.dropProblem(saveProblem)
		}
		if layers != nil || assigned != nil {
			st.valuer.cfg.Layers, st.assigned = layers, assigned
		}
		for _, o := range ords {
			st.orders[o.ID] = o
		}
		if len(fills) > 0 {
			s.recordFills(fills)
		}
		for _, se := range settles {
			s.recordSettlement(se)
		}
		for _, sym := range want {
			if !st.subscribed[sym] {
				st.subscribed[sym] = true
				subscribe = append(subscribe, sym)
			}
		}
		st.synced = true
		st.dirty = true
		if len(subscribe) > 0 {
			go func(syms []string) {
				if err := s.broker.Subscribe(ctx, syms...); err != nil {
					s.noteSyncError(err)
				}
			}(subscribe)
		}
	})
}

func (s *Service) noteSyncError(err error) {
	s.post(func() {
		if errors.Is(err, brokers.ErrDisconnected) {
			s.st.connected = false
			s.st.connErr = err
			s.requestSync()
		} else {
			s.addProblem("broker", err.Error())
		}
		s.st.dirty = true
	})
}

// Benchmark is the symbol the book's deltas are weighted to unless SetBenchmark changes it;
// the desk always watches it (it also prices the delta limit's share count).
const Benchmark = "SPY"

// symbolsToWatch is SPY (the share proxy of the delta limit), the benchmark, every
// position's symbol and its underlying's, sorted.
func symbolsToWatch(pos []brokers.Position, benchmark string) []string {
	set := map[string]bool{Benchmark: true}
	if benchmark != "" {
		set[benchmark] = true
	}
	for _, p := range pos {
		set[p.Symbol] = true
		if u := underlyingSymbol(p.Instrument); u != "" {
			set[u] = true
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// underlyingSymbol is the symbol whose price drives an option (the future for a futures
// option, the stock or ETF otherwise); "" for a non-option.
func underlyingSymbol(in instrument.Instrument) string {
	if !in.IsOption() {
		return ""
	}
	if in.Underlying != "" {
		return in.Underlying
	}
	return in.Root
}

// addProblem keeps the newest problem of each source for the snapshot.
func (s *Service) addProblem(source, text string) {
	now := s.cfg.Wall()
	for i, p := range s.st.problems {
		if p.Source == source {
			s.st.problems[i] = Problem{Source: source, Text: text, Time: now}
			return
		}
	}
	s.st.problems = append(s.st.problems, Problem{Source: source, Text: text, Time: now})
}

// accountSaver is a broker that keeps its account itself (the paper broker) and says when
// its last save failed; it retries by itself.
type accountSaver interface{ SaveError() error }

const saveProblem = "paper account"

// dropProblem removes the problem of a source once it is over.
func (s *Service) dropProblem(source string) {
	for i, p := range s.st.problems {
		if p.Source == source {
			s.st.problems = append(s.st.problems[:i], s.st.problems[i+1:]...)
			return
		}
	}
}

// Problem is something the trader should know that is not a market fact: a journal write
// that failed, a broker call that errored.
type Problem struct {
	Source string // "journal", "broker"
	Text   string
	Time   time.Time
}
