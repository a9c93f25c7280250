package sim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

// Config says what to simulate.
type Config struct {
	Seed  uint64
	Start time.Time // market time the simulation starts at (moved to the next session open if closed)
}

// ErrUnknownSymbol is wrapped by the error for a symbol the simulated market does not list.
var ErrUnknownSymbol = errors.New("sim: symbol not listed")

// ErrExpired is wrapped by the error for a quote on an expired option.
var ErrExpired = errors.New("sim: option expired")

// dayState is fixed at each session open: the trading date and the underlyings' prices
// then, which anchor the strike grids, volume and open interest of the day.
type dayState struct {
	Date string             `json:"date"` // New York date of the session, 2006-01-02
	Ref  map[string]float64 `json:"ref"`  // underlying symbol → fair price at the open
}

// dailyClose is one underlying's closing price.
type dailyClose struct {
	Date  string  `json:"date"`
	Price float64 `json:"price"`
}

// keptCloses is how many recent closes the market remembers per underlying.
const keptCloses = 10

// Market is the simulated market. It is not goroutine-safe: the owner serialises calls.
type Market struct {
	seed   uint64
	pcg    *rand.PCG
	rng    *rand.Rand
	now    time.Time
	p      pathState
	day    dayState
	settle map[string]float64      // expired future → final settlement price
	closes map[string][]dailyClose // underlying → recent closes, oldest first

	// caches, rebuilt on demand (not part of State)
	parsed    map[string]parsedSymbol
	listCache map[string]listingCache
	fronts    map[string][2]instrument.Instrument
}

type parsedSymbol struct {
	in  instrument.Instrument
	sym string // canonical symbol
	err error
}

// New builds the market at cfg.Start with its underlyings, surface and listed chains.
// It fails for a zero start or one after 2099.
func New(cfg Config) (*Market, error) {
	if cfg.Start.IsZero() {
		return nil, errors.New("sim: Config.Start is zero")
	}
	start := NextOpenAt(cfg.Start).In(instrument.NewYork)
	if start.Year() > maxYear || start.Year() < 2000 {
		return nil, fmt.Errorf("sim: start %s is outside 2000–%d", start.Format(time.DateOnly), maxYear)
	}
	pcg := rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)
	m := &Market{seed: cfg.Seed, pcg: pcg, rng: rand.New(pcg), now: start,
		settle: map[string]float64{}, closes: map[string][]dailyClose{}}
	m.p = pathState{
		LogVol: logNormal,
		LogSPY: math.Log(roots["SPY"].start), LogQQQ: math.Log(roots["QQQ"].start), LogVXX: math.Log(roots["VXX"].start),
		SQQQ: roots["SQQQ"].start, SH: roots["SH"].start,
	}
	m.p.resetDaily()
	m.onOpen()
	return m, nil
}

func (m *Market) resetCaches() {
	m.parsed = map[string]parsedSymbol{}
	m.listCache = map[string]listingCache{}
	m.fronts = map[string][2]instrument.Instrument{}
}

// front is frontFutures(root, Now), cached for the session (quarterly futures expire at
// the 09:30 open, when the caches are reset).
func (m *Market) front(root string) [2]instrument.Instrument {
	f, ok := m.fronts[root]
	if !ok || !f[0].Expiry.After(m.now) {
		f = frontFutures(root, m.now)
		m.fronts[root] = f
	}
	return f
}

// Now is the market time (New York).
func (m *Market) Now() time.Time { return m.now }

// Seed is the seed the market was built with.
func (m *Market) Seed() uint64 { return m.seed }

// IsOpen reports whether t is in the regular session (09:30–16:00 New York, trading days).
func (m *Market) IsOpen(t time.Time) bool { return IsOpenAt(t) }

// NextOpen is t itself when the market is open at t, else the next session open.
func (m *Market) NextOpen(t time.Time) time.Time { return NextOpenAt(t) }

// Rate is the risk-free rate used for pricing (continuously compounded, per year).
func (m *Market) Rate() float64 { return riskFree }

// DividendYield is root's continuous dividend yield (SPY 1.2%, QQQ 0.6%); 0 for the
// others and for futures (a futures option carries no dividend).
func (m *Market) DividendYield(root string) float64 {
	if r, ok := roots[root]; ok && !r.future {
		return r.yield
	}
	return 0
}

// ExDividendDates lists root's ex-dividend dates in the twelve months after Now, soonest
// first: SPY on the third Friday of March, June, September and December, QQQ on the
// trading day after it; none for the others. The price model pays dividends as a
// continuous yield (see DividendYield), so prices do not drop on these dates; they are
// for early-exercise decisions on short calls.
func (m *Market) ExDividendDates(root string) []time.Time {
	if root != "SPY" && root != "QQQ" {
		return nil
	}
	var out []time.Time
	ny := m.now.In(instrument.NewYork)
	y, mo := ny.Year(), ny.Month()
	for i := 0; i <= 12; i++ {
		t := time.Date(y, mo+time.Month(i), 1, 12, 0, 0, 0, instrument.NewYork)
		if t.Month()%3 != 0 {
			continue
		}
		d := time.Date(t.Year(), t.Month(), instrument.ThirdFriday(t.Year(), t.Month()), 9, 30, 0, 0, instrument.NewYork)
		if root == "SPY" {
			for !instrument.IsTradingDay(d) {
				d = d.AddDate(0, 0, -1)
			}
		} else {
			d = d.AddDate(0, 0, 1)
			for !instrument.IsTradingDay(d) {
				d = d.AddDate(0, 0, 1)
			}
		}
		if d.After(ny) && d.Before(ny.AddDate(1, 0, 0)) {
			out = append(out, time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, instrument.NewYork))
		}
	}
	return out
}

// frontFutures are the two nearest quarterly contracts of root (ES or MES) trading after t.
func frontFutures(root string, t time.Time) [2]instrument.Instrument {
	var out [2]instrument.Instrument
	after := t
	for i := range out {
		y, mo, err := instrument.NextContract(root, after)
		if err != nil {
			panic("sim: " + err.Error()) // ES and MES are in the registry
		}
		in, err := instrument.NewFuture(root, y, mo)
		if err != nil {
			panic("sim: " + err.Error())
		}
		out[i] = in
		after = in.Expiry
	}
	return out
}

// Underlyings lists the tradable non-option instruments: SPY, QQQ, VXX, SQQQ, SH and the
// front two quarterly ES and MES futures as of Now.
func (m *Market) Underlyings() []instrument.Instrument {
	out := make([]instrument.Instrument, 0, 9)
	for _, s := range stockRoots {
		out = append(out, instrument.NewStock(s))
	}
	for _, r := range []string{"ES", "MES"} {
		f := m.front(r)
		out = append(out, f[0], f[1])
	}
	return out
}

// spy is SPY's fair price.
func (m *Market) spy() float64 { return math.Exp(m.p.LogSPY) }

// futureFair is the fair price of a listed future: 10 × SPY carried at r − q to expiry.
func (m *Market) futureFair(in instrument.Instrument) float64 {
	t := math.Max(0, instrument.YearFraction(m.now, in.Expiry))
	return 10 * m.spy() * math.Exp((riskFree-roots["SPY"].yield)*t)
}

// underlyingFair is the fair (unrounded) price of a stock or listed future; ok is false
// for anything else.
func (m *Market) underlyingFair(in instrument.Instrument) (float64, bool) {
	switch in.Kind {
	case instrument.Stock:
		switch in.Root {
		case "SPY":
			return m.spy(), true
		case "QQQ":
			return math.Exp(m.p.LogQQQ), true
		case "VXX":
			return math.Exp(m.p.LogVXX), true
		case "SQQQ":
			return m.p.SQQQ, true
		case "SH":
			return m.p.SH, true
		}
	case instrument.Future:
		if s, ok := m.settle[in.Symbol()]; ok {
			return s, true
		}
		return m.futureFair(in), true
	}
	return 0, false
}

// touch is the inside market of an underlying: one tick wide around the fair price.
func touch(fair, tick float64) (bid, ask float64) {
	bid = cleanPrice(math.Floor(fair/tick+1e-9) * tick)
	return bid, cleanPrice(bid + tick)
}

// cleanPrice removes binary noise from a price that is a multiple of a tick.
func cleanPrice(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// Price is the current mid price of an underlying symbol (a stock or a listed future). An
// expired future's price is its final settlement (10 × SPY at the opening of its expiry).
func (m *Market) Price(symbol string) (float64, error) {
	in, err := m.lookup(symbol)
	if err != nil {
		return 0, err
	}
	if in.IsOption() {
		return 0, fmt.Errorf("sim: Price of %q: an option; use Quote", symbol)
	}
	return m.underlyingMid(in), nil
}

func (m *Market) underlyingMid(in instrument.Instrument) float64 {
	fair, _ := m.underlyingFair(in)
	if in.Kind == instrument.Future {
		if s, ok := m.settle[in.Symbol()]; ok {
			return s
		}
	}
	bid, ask := touch(fair, roots[in.Root].tick)
	return cleanPrice((bid + ask) / 2)
}

// Close is an underlying's closing mid price on the New York date of day, for the last ten
// sessions. Equity options expire at the close, so this is their settlement price.
func (m *Market) Close(symbol string, day time.Time) (float64, error) {
	date := day.In(instrument.NewYork).Format(time.DateOnly)
	for _, c := range m.closes[symbol] {
		if c.Date == date {
			return c.Price, nil
		}
	}
	return 0, fmt.Errorf("sim: no close of %q on %s (the last %d sessions are kept)", symbol, date, keptCloses)
}

// Advance moves the market forward to market time to (no-op if to <= Now), stepping the
// paths in increments of at most 30 s during the session and applying one
// overnight/weekend gap at the open after closed hours. It returns the number of steps
// taken. The market does not move past the end of 2099. The path depends on the seed
// and the sequence of Advance targets; the same ones reproduce it bit for bit.
func (m *Market) Advance(to time.Time) int {
	if limit := time.Date(maxYear+1, 1, 1, 0, 0, 0, 0, instrument.NewYork); to.After(limit) {
		to = limit
	}
	steps := 0
	for m.now.Before(to) {
		if cls, open := SessionClose(m.now); open {
			end := to
			if cls.Before(end) {
				end = cls
			}
			for m.now.Before(end) {
				next := m.now.Add(stepSeconds * time.Second)
				if next.After(end) {
					next = end
				}
				dt := next.Sub(m.now).Seconds()
				m.p.step(m.rng, daySession/tradingDays*dt/sessionSeconds, dt/(365*86400))
				m.now = next
				steps++
			}
			if !m.now.Before(cls) {
				m.onClose()
			}
			continue
		}
		open := NextOpenAt(m.now)
		if to.Before(open) {
			m.now = to.In(instrument.NewYork)
			break
		}
		last := m.now.In(instrument.NewYork)
		extra := calendarDays(last, open) - 1
		fronts := [2][2]instrument.Instrument{frontFutures("ES", m.now), frontFutures("MES", m.now)}
		m.p.step(m.rng, (dayGap+extraGapDay*float64(max(extra, 0)))/tradingDays, open.Sub(m.now).Seconds()/(365*86400))
		m.now = open
		steps++
		for _, pair := range fronts {
			for _, f := range pair {
				if !f.Expiry.After(m.now) {
					if _, done := m.settle[f.Symbol()]; !done {
						m.settle[f.Symbol()] = cleanPrice(math.Round(10*m.spy()/0.25) * 0.25)
					}
				}
			}
		}
		m.onOpen()
	}
	return steps
}

// calendarDays is the number of calendar dates from a's to b's (New York).
func calendarDays(a, b time.Time) int {
	ay, am, ad := a.In(instrument.NewYork).Date()
	by, bm, bd := b.In(instrument.NewYork).Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours()/24 + 0.5)
}

// onOpen fixes the day's reference prices.
func (m *Market) onOpen() {
	m.resetCaches()
	m.day = dayState{Date: m.now.In(instrument.NewYork).Format(time.DateOnly), Ref: map[string]float64{}}
	for _, in := range m.Underlyings() {
		f, _ := m.underlyingFair(in)
		m.day.Ref[in.Symbol()] = f
	}
}

// onClose records the closes and resets the daily-reset ETFs.
func (m *Market) onClose() {
	date := m.now.In(instrument.NewYork).Format(time.DateOnly)
	for _, in := range m.Underlyings() {
		s := in.Symbol()
		c := append(m.closes[s], dailyClose{Date: date, Price: m.underlyingMid(in)})
		if len(c) > keptCloses {
			c = append(c[:0:0], c[len(c)-keptCloses:]...)
		}
		m.closes[s] = c
	}
	m.p.resetDaily()
}
