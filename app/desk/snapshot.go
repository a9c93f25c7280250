package desk

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
)

// Snapshot is the desk at one moment, for the windows. It is immutable: the desk builds a
// new one for every change and never touches a published one, so any goroutine may read it.
type Snapshot struct {
	Seq       uint64
	Time      time.Time // the market time the book is valued at
	Published time.Time // wall time
	// Lag is how long the oldest quote in this snapshot waited between reaching the desk and
	// being published (0 when no quote is new): the desk keeps up while it stays near the
	// 100 ms publishing interval.
	Lag        time.Duration
	Broker     string
	Connected  bool
	Status     string // the connection in words: "connected", "disconnected — reconnecting (attempt 3): …"
	Synced     bool   // the account and positions have been read at least once
	Clock      *brokers.ClockState
	Account    brokers.Account
	Positions  []Position // by underlying, then expiry, strike and symbol
	Book       portfolio.Book
	Orders     []brokers.OrderStatus // working first, then newest first
	Quotes     map[string]brokers.Quote
	Alerts     []portfolio.Alert // limit breaches and warnings (portfolio.CheckLimits), and layers growing while imbalanced
	Limits     portfolio.Limits  // the limits Alerts checked
	Problems   []Problem
	Journaling bool   // fills are written to the journal
	Journaled  string // the last thing written to the journal ("order 12")
}

// Position is a broker position with its market and risk.
type Position struct {
	brokers.Position
	Quote brokers.Quote          // zero until the first quote arrives
	Risk  portfolio.PositionRisk // Risk.Err says why it could not be valued
	Value decimal.Decimal        // marked value (quantity × multiplier × mark); 0 for futures, which settle daily
	PnL   decimal.Decimal        // unrealized: (mark − average price) × quantity × multiplier
}

// Quote returns the snapshot's quote of a symbol.
func (s *Snapshot) Quote(symbol string) (brokers.Quote, bool) {
	q, ok := s.Quotes[symbol]
	return q, ok
}

// publish values the book and hands a new snapshot to every subscriber (loop goroutine).
func (s *Service) publish() {
	st := &s.st
	st.seq++
	st.dirty = false
	now := s.cfg.Wall()
	snap := &Snapshot{
		Seq: st.seq, Published: now, Broker: s.broker.Name(), Connected: st.connected,
		Synced: st.synced, Account: st.account, Journaling: s.cfg.Journal != nil, Journaled: st.lastJournaled,
		Problems: append([]Problem(nil), st.problems...),
	}
	snap.Status = connectionStatus(st)
	if !st.quoteWaiting.IsZero() {
		snap.Lag = now.Sub(st.quoteWaiting)
		st.quoteWaiting = time.Time{}
	}
	snap.Time = now
	if c, ok := s.broker.(brokers.SimulatedClock); ok {
		cs := c.Clock()
		snap.Clock = &cs
		snap.Time = cs.Now
	}
	snap.Quotes = make(map[string]brokers.Quote, len(st.quotes))
	for k, v := range st.quotes {
		snap.Quotes[k] = v
	}
	for _, o := range st.orders {
		snap.Orders = append(snap.Orders, o)
	}
	sort.Slice(snap.Orders, func(i, j int) bool {
		a, b := snap.Orders[i], snap.Orders[j]
		if a.State.Done() != b.State.Done() {
			return !a.State.Done()
		}
		return a.Submitted.After(b.Submitted)
	})
	book, rows := st.valuer.value(snap.Time, st.positions, st.quotes, st.assigned)
	snap.Book, snap.Positions = book, rows
	snap.Limits = st.limits
	if snap.Synced && !book.Now.IsZero() {
		snap.Alerts = portfolio.CheckLimits(book, snap.Account.NetLiquidation.InexactFloat64(), st.limits)
		snap.Alerts = append(snap.Alerts, st.sizeAlerts...)
	}
	s.latest.Store(snap)
	st.lastPub = now
	s.sampleGreeks(snap)
	s.subMu.Lock()
	for _, ch := range s.subs {
		select {
		case <-ch: // drop the unread older snapshot
		default:
		}
		ch <- snap
	}
	s.subMu.Unlock()
}

func connectionStatus(st *state) string {
	switch {
	case st.connected && !st.synced:
		return "connected — loading the account"
	case st.connected:
		return "connected"
	case st.connErr != nil && st.reconnects > 0:
		return fmt.Sprintf("disconnected — reconnecting (attempt %d): %v", st.reconnects, st.connErr)
	case st.connErr != nil:
		return fmt.Sprintf("disconnected — reconnecting: %v", st.connErr)
	default:
		return "disconnected — reconnecting"
	}
}

// valuer turns broker positions and quotes into the valued book.
type valuer struct {
	cfg    portfolio.Config
	mkt    portfolio.Market
	cached *portfolio.Revaluer // reuses each option's Greeks while its inputs barely move
}

func newValuer(cfg Config) valuer {
	return valuer{
		cfg:    portfolio.Config{Stocks: cfg.Stocks, Workers: 2},
		mkt:    portfolio.Market{Rate: cfg.Rate, DividendYield: cfg.DividendYield},
		cached: &portfolio.Revaluer{},
	}
}

// market is the portfolio market of the quotes at now.
func (v *valuer) market(now time.Time, quotes map[string]brokers.Quote, ids []string) portfolio.Market {
	m := v.mkt
	m.Now = now
	m.Quotes = make(map[string]portfolio.Quote, len(ids))
	m.Underlyings = make(map[string]float64, len(quotes))
	for sym, q := range quotes {
		if q.Instrument.IsOption() {
			continue
		}
		if p, ok := price(q.Mid()); ok {
			m.Underlyings[sym] = p
		}
	}
	for _, id := range ids {
		q, ok := quotes[id]
		if !ok {
			continue
		}
		pq := portfolio.Quote{}
		pq.Price, _ = price(q.Mid())
		pq.Underlying, _ = price(q.Underlying)
		if q.Instrument.IsOption() {
			if u, ok := m.Underlyings[underlyingSymbol(q.Instrument)]; ok {
				pq.Underlying = u
			}
		}
		if pq.Price > 0 || q.Instrument.IsOption() {
			m.Quotes[id] = pq
		}
	}
	return m
}

func price(d decimal.Decimal) (float64, bool) {
	f := d.InexactFloat64()
	return f, f > 0
}

// value values the positions at now (loop goroutine). A benchmark without a quote yet
// leaves the book empty; each row still shows its quote.
func (v *valuer) value(now time.Time, pos []brokers.Position, quotes map[string]brokers.Quote, layers map[string]string) (portfolio.Book, []Position) {
	ps := make([]portfolio.Position, len(pos))
	ids := make([]string, len(pos))
	for i, p := range pos {
		ps[i] = portfolio.Position{ID: p.Symbol, Instrument: p.Instrument, Quantity: float64(p.Quantity), Layer: layers[p.Symbol]}
		ids[i] = p.Symbol
	}
	// Without a benchmark quote yet Revalue returns an empty book and every row says so.
	// The Book goes out in the snapshot, which other goroutines keep and read long after:
	// it is a new one each time, never a Book revalued into again (RevalueInto).
	book, _ := v.cached.Revalue(ps, v.market(now, quotes, ids), v.cfg)
	valued := len(book.Positions) == len(pos) // position i of the book is pos[i]
	rows := make([]Position, len(pos))
	for i, p := range pos {
		row := Position{Position: p, Quote: quotes[p.Symbol]}
		if valued {
			row.Risk = book.Positions[i]
		} else {
			row.Risk.Err = errNotValued
		}
		mark := p.Mark
		if m, ok := priceDecimal(row.Quote); ok {
			mark = m
		}
		row.Mark = mark
		mult := decimal.NewFromFloat(p.Instrument.Multiplier)
		q := decimal.NewFromInt(p.Quantity)
		if p.Instrument.Kind != instrument.Future {
			row.Value = mark.Mul(q).Mul(mult)
		}
		row.PnL = mark.Sub(p.AveragePrice).Mul(q).Mul(mult)
		rows[i] = row
	}
	sort.SliceStable(rows, func(i, j int) bool { return positionLess(rows[i], rows[j]) })
	return book, rows
}

// errNotValued marks a row before the first quotes of it and of the benchmark arrive.
var errNotValued = errors.New("waiting for quotes")

func priceDecimal(q brokers.Quote) (decimal.Decimal, bool) {
	m := q.Mid()
	return m, m.IsPositive()
}

func positionLess(a, b Position) bool {
	ua, ub := a.Instrument.Root, b.Instrument.Root
	if ua != ub {
		return ua < ub
	}
	if !a.Instrument.Expiry.Equal(b.Instrument.Expiry) {
		return a.Instrument.Expiry.Before(b.Instrument.Expiry)
	}
	if a.Instrument.Strike != b.Instrument.Strike {
		return a.Instrument.Strike < b.Instrument.Strike
	}
	return a.Symbol < b.Symbol
}

// entryGreeks are the Greeks of one fill's quantity at fill time, in the journal's units.
func (v *valuer) entryGreeks(f brokers.Fill, quotes map[string]brokers.Quote) (data.GreekSnapshot, bool) {
	fp, ok := price(f.Price)
	if !ok && !f.Instrument.IsOption() {
		return data.GreekSnapshot{}, false
	}
	m := v.market(f.Time, quotes, []string{f.Symbol})
	// The Greeks the trade was entered at: implied from the fill price, at the underlying's
	// price of now (a symbol new to the desk has no quote of its own yet).
	pq := m.Quotes[f.Symbol]
	pq.Price = fp
	if f.Instrument.IsOption() {
		u, ok := m.Underlyings[underlyingSymbol(f.Instrument)]
		if !ok {
			return data.GreekSnapshot{}, false
		}
		pq.Underlying = u
	}
	m.Quotes[f.Symbol] = pq
	book, err := portfolio.Revalue([]portfolio.Position{{ID: f.Symbol, Instrument: f.Instrument, Quantity: float64(f.Quantity)}}, m, v.cfg)
	if err != nil || len(book.Positions) != 1 || book.Positions[0].Err != nil {
		return data.GreekSnapshot{}, false
	}
	r := book.Positions[0]
	return data.GreekSnapshot{
		Time:            f.Time,
		Delta:           r.Delta,
		Gamma:           r.Greeks.Gamma * r.Quantity * r.Instrument.Multiplier,
		Theta:           r.Theta,
		Vega:            r.Vega,
		IV:              r.Vol,
		UnderlyingPrice: decimal.NewFromFloat(r.UnderlyingPrice).Round(4),
	}, true
}

// SampleEvery is how much market time passes between two samples of the Greeks history.
// HistoryWriteEvery is the least wall time between two writes of them: at a fast paper
// clock the samples of a quarter second are written in one go (and the positions' end of
// day once, as of the last of them), instead of a write per snapshot.
const (
	SampleEvery       = 15 * time.Second
	HistoryWriteEvery = 250 * time.Millisecond
)

// sampleGreeks takes a sample of the book's and each layer's Greeks for the history the
// charts draw, at most once per SampleEvery of market time, and writes the samples taken
// when HistoryWriteEvery has passed since the last write (loop goroutine).
func (s *Service) sampleGreeks(snap *Snapshot) {
	if s.cfg.Journal == nil || !snap.Synced || snap.Book.Now.IsZero() || snap.Time.Sub(s.st.lastSample) < SampleEvery {
		s.writeHistory(false)
		return
	}
	s.st.lastSample = snap.Time
	at := snap.Time.Truncate(time.Second)
	point := func(scope string, e portfolio.Exposure) data.GreekPoint {
		return data.GreekPoint{Time: at, Scope: scope, BetaDelta: e.BetaDelta, BetaDollar: e.BetaDollarDelta,
			Gamma: e.BetaGamma, Theta: e.Theta, Vega: e.Vega}
	}
	h := &s.st.history
	h.points = append(h.points, point("", snap.Book.Total))
	for _, l := range snap.Book.Layers {
		h.points = append(h.points, point(l.Layer.Name, l.Exposure))
	}
	for _, r := range snap.Book.Positions {
		if r.Err != nil {
			continue
		}
		h.day(positionDay(&r, at))
	}
	s.writeHistory(false)
}

// historyBatch is the Greeks history sampled and not yet written: every sample's points,
// and each position's latest figures of each day.
type historyBatch struct {
	points  []data.GreekPoint
	days    []data.PositionDay
	dayAt   map[positionDate]int // where a position's figures of a day are in days
	written time.Time            // wall time of the last write
}

// positionDate is a position on a New York date.
type positionDate struct{ symbol, date string }

// day keeps d as its position's figures of its day, replacing an earlier sample of the same
// position and day.
func (h *historyBatch) day(d data.PositionDay) {
	k := positionDate{d.Symbol, d.Time.In(instrument.NewYork).Format(time.DateOnly)}
	if i, ok := h.dayAt[k]; ok {
		h.days[i] = d
		return
	}
	if h.dayAt == nil {
		h.dayAt = map[positionDate]int{}
	}
	h.dayAt[k] = len(h.days)
	h.days = append(h.days, d)
}

// writeHistory queues the samples not yet written, when HistoryWriteEvery has passed since
// the last write or now is set (loop goroutine).
func (s *Service) writeHistory(now bool) {
	h := &s.st.history
	if len(h.points) == 0 {
		return
	}
	wall := s.cfg.Wall()
	if !now && wall.Sub(h.written) < HistoryWriteEvery && !wall.Before(h.written) {
		return
	}
	s.queue(journalJob{history: h.points, days: h.days, what: "the Greeks history"})
	*h = historyBatch{written: wall}
}

// positionDay is a valued position as the journal's P&L by Greek reads it, every figure in
// dollars: delta and gamma per 1.00 move of the underlying's price (quantity × multiplier ×
// the per-unit Greek, so an ES future's delta is 50 a contract, not 1), and the value the
// marked position. A future's book value is 0 (it settles daily), so its value here is the
// marked notional, whose change is the day's P&L.
func positionDay(r *portfolio.PositionRisk, at time.Time) data.PositionDay {
	n := r.Quantity * r.Instrument.Multiplier
	value := r.Value
	if r.Instrument.Kind == instrument.Future {
		value = n * r.Mark
	}
	return data.PositionDay{Symbol: r.ID, Instrument: r.Instrument, Time: at, Layer: r.Layer,
		Quantity: r.Quantity, Spot: r.UnderlyingPrice, Vol: r.Vol, Value: value, Delta: n * r.Greeks.Delta,
		Gamma: n * r.Greeks.Gamma, Theta: r.Theta, Vega: r.Vega}
}

// AllQuoted says whether the benchmark and every position have a quote: the book is fully
// valued.
func (s *Snapshot) AllQuoted() bool {
	if _, ok := s.Quotes[Benchmark]; !ok {
		return false
	}
	for i := range s.Positions {
		if s.Positions[i].Quote.Symbol == "" {
			return false
		}
	}
	return true
}
