package replay

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/engine/automation"
	"github.com/keel-desk/keel/engine/autopilot"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/tactical"
)

// DefaultStart is the market time a replay starts at unless told otherwise: the open of
// Monday 2 November 2026, New York.
var DefaultStart = time.Date(2026, 11, 2, 9, 30, 0, 0, instrument.NewYork)

// stepTimes are the times of day (New York) the rules run: the daily checklist at the
// first, tactical cycles and hedges at each, the last inside the tactical flat-by-close
// window (15 minutes) and outside the gate's last 5 minutes.
var stepTimes = []time.Duration{
	10 * time.Hour, 10*time.Hour + 30*time.Minute, 11 * time.Hour, 11*time.Hour + 30*time.Minute,
	12 * time.Hour, 12*time.Hour + 30*time.Minute, 13 * time.Hour, 13*time.Hour + 30*time.Minute,
	14 * time.Hour, 14*time.Hour + 30*time.Minute, 15 * time.Hour, 15*time.Hour + 30*time.Minute,
	15*time.Hour + 47*time.Minute,
}

// variant is what one run changes.
type variant struct {
	tactical  bool
	rebalance autopilot.Rebalance
	assign    bool
	spiralOff bool
}

// layerRun is one layer's figures over a run.
type layerRun struct {
	name, bias     string
	startContracts float64
	maxContracts   float64
	contracts      []float64 // option contracts at each day's close
	peak, maxDD    float64
	started        bool
	equity         float64
	cycles         int
	realized       float64
	improvement    float64
	transitions    []Transition
}

// run is one pass over the days.
type run struct {
	start, end time.Time
	orders     int
	blocked    int
	blockedBy  map[string]int // by guardrail
	rejected   int
	problems   int
	layers     []*layerRun
	maxMargin  float64
	pnl        float64 // the book's P&L over the run: net liquidation at the end less at the start
	bookMaxDD  float64
}

// ledger is a layer's own positions and cash: the broker nets a symbol held by two layers
// (MES in the ES options layer's tactical cycles and in the MES layer), the replay does
// not.
type ledger struct {
	qty  map[string]float64
	cash float64 // dollars paid (negative) and received (positive), costs included
}

type replayer struct {
	cfg                  Config
	v                    variant
	b                    *paper.Broker
	ctx                  context.Context
	gate                 *automation.Gate
	state                autopilot.State
	layers               []string
	bias                 map[string]portfolio.Bias
	books                map[string]*ledger
	owner                map[string]string // client order id → layer
	instr                map[string]instrument.Instrument
	seen                 map[string]bool // fill ids applied
	lastFill, lastSettle time.Time
	rv                   *portfolio.Revaluer
	out                  run
	hedgeSym             string
}

func newReplayer(ctx context.Context, cfg Config, v variant) (*replayer, error) {
	pc := paper.Config{Account: account, Seed: cfg.Seed, Start: cfg.Start, Manual: true, Store: cfg.store()}
	b, err := paper.New(pc)
	if err != nil {
		return nil, fmt.Errorf("replay: opening the demo book: %w", err)
	}
	// The replay drives the market clock: a copied account saved with its clock stopped
	// (`keel checklist` and `keel liquidity` observe it paused) must still move.
	b.SetPaused(false)
	if err := b.Connect(ctx); err != nil {
		b.Close()
		return nil, err
	}
	gate, err := automation.NewGate(automation.DefaultLimits())
	if err != nil {
		b.Close()
		return nil, err
	}
	r := &replayer{cfg: cfg, v: v, b: b, ctx: ctx, gate: gate, bias: map[string]portfolio.Bias{}, books: map[string]*ledger{},
		owner: map[string]string{}, instr: map[string]instrument.Instrument{}, seen: map[string]bool{}, rv: &portfolio.Revaluer{}}
	for _, l := range paper.DemoBook.Layers {
		bias, err := portfolio.ParseBias(l.Bias)
		if err != nil {
			b.Close()
			return nil, err
		}
		r.layers = append(r.layers, l.Layer)
		r.bias[l.Layer] = bias
		r.books[l.Layer] = &ledger{qty: map[string]float64{}}
		r.owner[l.ClientID] = l.Layer
	}
	// The account's orders name their layers by client id: the demo's, or the replay's own
	// from an earlier copy.
	sts, err := b.Orders(ctx)
	if err != nil {
		b.Close()
		return nil, err
	}
	for _, s := range sts {
		if _, ok := r.owner[s.Order.ClientID]; !ok {
			for _, l := range paper.DemoBook.Layers {
				if strings.HasPrefix(s.Order.ClientID, l.ClientID) {
					r.owner[s.Order.ClientID] = l.Layer
				}
			}
		}
	}
	if err := r.applyFills(); err != nil {
		b.Close()
		return nil, err
	}
	if err := r.applySettlements(); err != nil {
		b.Close()
		return nil, err
	}
	for _, sym := range r.held("Hedge") {
		if !r.instr[sym].IsOption() {
			r.hedgeSym = sym
		}
	}
	if r.hedgeSym == "" {
		r.hedgeSym = "SH"
	}
	return r, nil
}

func (r *replayer) close() { r.b.Close() }

func (r *replayer) now() time.Time { return r.b.Clock().Now }

// applyFills books every new fill into its layer's ledger.
func (r *replayer) applyFills() error {
	fills, err := r.b.Fills(r.ctx, time.Time{})
	if err != nil {
		return err
	}
	for _, f := range fills {
		if r.seen[f.ID] {
			continue
		}
		r.seen[f.ID] = true
		layer, ok := r.owner[f.ClientID]
		if !ok {
			return fmt.Errorf("replay: a fill of %s with client id %q belongs to no layer", f.Symbol, f.ClientID)
		}
		r.instr[f.Symbol] = f.Instrument
		l := r.books[layer]
		q := float64(f.Quantity)
		l.qty[f.Symbol] += q
		l.cash -= q*f.Price.InexactFloat64()*f.Instrument.Multiplier + f.Commission.InexactFloat64() + f.Fees.InexactFloat64()
	}
	return nil
}

// applySettlements books settlements (expiries, assignments) into the layer that held the
// option, and returns the autopilot's view of them.
func (r *replayer) applySettlements() error {
	_, err := r.settlements()
	return err
}

func (r *replayer) settlements() ([]autopilot.Settlement, error) {
	ss, err := r.b.Settlements(r.ctx, time.Time{})
	if err != nil {
		return nil, err
	}
	var out []autopilot.Settlement
	for _, s := range ss {
		if r.seen[s.ID] {
			continue
		}
		r.seen[s.ID] = true
		layer := r.holder(s.Symbol)
		if layer == "" {
			continue // nothing of it booked (a symbol netted away)
		}
		l := r.books[layer]
		q := float64(s.Quantity)
		in := s.Instrument
		l.qty[s.Symbol] += q
		px := s.Price.InexactFloat64()
		if in.IsOption() {
			px = 0 // an option leaves at zero; its premium was booked when it was sold
		}
		l.cash -= q*px*in.Multiplier + s.Fees.InexactFloat64()
		if s.DeliveredSymbol != "" {
			r.instr[s.DeliveredSymbol] = s.Delivered
			dq := float64(s.DeliveredQuantity)
			l.qty[s.DeliveredSymbol] += dq
			l.cash -= dq * s.Price.InexactFloat64() * s.Delivered.Multiplier
		}
		if in.IsOption() {
			as := autopilot.Settlement{At: s.Time, Symbol: s.Symbol, Assigned: s.Kind == brokers.Assigned,
				Units: float64(s.DeliveredQuantity), Price: s.Price.InexactFloat64()}
			out = append(out, as)
		}
	}
	return out, nil
}

// held is the symbols layer name holds, sorted (map order never reaches a sum).
func (r *replayer) held(name string) []string {
	l := r.books[name]
	out := make([]string, 0, len(l.qty))
	for s, q := range l.qty {
		if q != 0 {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// holder is the layer that holds symbol (the first in the demo's order).
func (r *replayer) holder(symbol string) string {
	for _, name := range r.layers {
		if r.books[name].qty[symbol] != 0 {
			return name
		}
	}
	return ""
}

// advanceTo moves the market to target (a session time on this or a later trading day).
func (r *replayer) advanceTo(target time.Time) error {
	now := r.now()
	var d time.Duration
	t := now
	for t.In(instrument.NewYork).Format(time.DateOnly) != target.In(instrument.NewYork).Format(time.DateOnly) {
		cls, ok := sessionCloseOf(t)
		if !ok {
			return fmt.Errorf("replay: %s is not in a session", t)
		}
		d += cls.Sub(t)
		t = nextOpen(cls)
		if t.After(target) {
			return fmt.Errorf("replay: %s is not a session time", target)
		}
	}
	d += target.Sub(t)
	if d <= 0 {
		return nil
	}
	return r.b.Advance(d)
}

func sessionCloseOf(t time.Time) (time.Time, bool) {
	ny := t.In(instrument.NewYork)
	if !instrument.IsTradingDay(ny) {
		return time.Time{}, false
	}
	y, m, d := ny.Date()
	return time.Date(y, m, d, 16, 0, 0, 0, instrument.NewYork), true
}

func nextOpen(t time.Time) time.Time {
	ny := t.In(instrument.NewYork)
	y, m, d := ny.Date()
	for i := 1; i < 20; i++ {
		day := time.Date(y, m, d+i, 9, 30, 0, 0, instrument.NewYork)
		if instrument.IsTradingDay(day) {
			return day
		}
	}
	return time.Date(y, m, d+20, 9, 30, 0, 0, instrument.NewYork)
}

// quote is the broker's quote in the engine's units.
func (r *replayer) quote(sym string) (liquidity.Quote, error) {
	q, err := r.b.Quote(r.ctx, sym)
	if err != nil {
		return liquidity.Quote{}, err
	}
	lq := brokers.LiquidityQuote(q)
	if lq.Instrument.Root == "" {
		lq.Instrument = r.instr[sym]
	}
	return lq, nil
}

// front is the quarterly future of root that expires more than three days after t.
func front(root string, t time.Time) (string, error) {
	y, mo, err := instrument.NextContract(root, t.AddDate(0, 0, 3))
	if err != nil {
		return "", err
	}
	in, err := instrument.NewFuture(root, y, mo)
	if err != nil {
		return "", err
	}
	return in.Symbol(), nil
}

// market gathers quotes of every held symbol and of the instruments the rules trade.
func (r *replayer) market(extra []string) (map[string]liquidity.Quote, error) {
	quotes := map[string]liquidity.Quote{}
	add := func(sym string) error {
		if _, ok := quotes[sym]; ok {
			return nil
		}
		q, err := r.quote(sym)
		if err != nil {
			return fmt.Errorf("replay: quote of %s: %w", sym, err)
		}
		quotes[sym] = q
		return nil
	}
	for _, name := range r.layers {
		syms := make([]string, 0, len(r.books[name].qty))
		for s, q := range r.books[name].qty {
			if q != 0 {
				syms = append(syms, s)
			}
		}
		sort.Strings(syms)
		for _, s := range syms {
			if err := add(s); err != nil {
				return nil, err
			}
		}
	}
	for _, s := range extra {
		if err := add(s); err != nil {
			return nil, err
		}
	}
	return quotes, nil
}

// book values the ledgers' positions at quotes.
func (r *replayer) book(quotes map[string]liquidity.Quote, cfgLayers []portfolio.Layer) (portfolio.Book, error) {
	mk := portfolio.Market{Now: r.now(), Rate: 0, DividendYield: map[string]float64{}, Quotes: map[string]portfolio.Quote{},
		Underlyings: map[string]float64{}}
	var ps []portfolio.Position
	for _, name := range r.layers {
		l := r.books[name]
		syms := make([]string, 0, len(l.qty))
		for s, q := range l.qty {
			if q != 0 {
				syms = append(syms, s)
			}
		}
		sort.Strings(syms)
		for _, s := range syms {
			q := quotes[s]
			ps = append(ps, portfolio.Position{ID: s, Instrument: r.instr[s], Quantity: l.qty[s], Layer: name})
			mk.Quotes[s] = portfolio.Quote{Underlying: q.Underlying, Price: q.Mid(), Vol: q.IV}
			if !q.Instrument.IsOption() {
				mk.Underlyings[s] = q.Mid()
			} else if q.Underlying > 0 {
				mk.Underlyings[q.Instrument.Underlying] = q.Underlying
			}
		}
	}
	for s, q := range quotes {
		if !q.Instrument.IsOption() && q.Mid() > 0 {
			mk.Underlyings[s] = q.Mid()
		}
	}
	mk.Rate = riskFree
	mk.DividendYield = dividendYields
	book, err := r.rv.Revalue(ps, mk, portfolio.Config{Layers: cfgLayers})
	if err != nil && book.Benchmark.Symbol == "" {
		return book, err
	}
	return book, nil
}

// riskFree and dividendYields are the simulated market's (engine/sim/model.go and
// surface.go): the paper broker does not expose its market, and the replay values the
// book as the desk does.
const riskFree = 0.04

var dividendYields = map[string]float64{"SPY": 0.012, "QQQ": 0.006}

// chains are the option chains the rules may roll or re-enter into: every expiry within
// the roll planner's 60 days of the layers' products.
func (r *replayer) chains() ([]liquidity.Chain, error) {
	now := r.now()
	unders := []string{"SPY", "VXX"}
	for _, root := range []string{"ES"} {
		y, mo, err := instrument.NextContract(root, now)
		if err != nil {
			return nil, err
		}
		f1, _ := instrument.NewFuture(root, y, mo)
		y2, mo2, err := instrument.NextContract(root, f1.Expiry)
		if err != nil {
			return nil, err
		}
		f2, _ := instrument.NewFuture(root, y2, mo2)
		unders = append(unders, f1.Symbol(), f2.Symbol())
	}
	var out []liquidity.Chain
	for _, u := range unders {
		exps, err := r.b.Expirations(r.ctx, u)
		if err != nil {
			return nil, err
		}
		for _, e := range exps {
			days := e.Sub(now).Hours() / 24
			if days <= 0 || days > 61 {
				continue
			}
			ch, err := r.b.Chain(r.ctx, u, e)
			if err != nil {
				return nil, err
			}
			out = append(out, brokers.LiquidityChain(ch))
		}
	}
	// A held option the listing no longer shows (its strike now far from the money) still
	// has a quote: the roll planner needs it to close the option.
	listed := map[string]bool{}
	for _, c := range out {
		for _, q := range c.Quotes {
			listed[q.Symbol] = true
		}
	}
	for _, name := range r.layers {
		for _, sym := range r.held(name) {
			if !r.instr[sym].IsOption() || listed[sym] {
				continue
			}
			q, err := r.quote(sym)
			if err != nil {
				return nil, err
			}
			listed[sym] = true
			found := false
			for i := range out {
				if out[i].Underlying == q.Instrument.Underlying && out[i].Expiry.Equal(q.Instrument.Expiry) {
					out[i].Quotes = append(out[i].Quotes, q)
					found = true
					break
				}
			}
			if !found {
				out = append(out, liquidity.Chain{Underlying: q.Instrument.Underlying, Expiry: q.Instrument.Expiry, Price: q.Underlying, Quotes: []liquidity.Quote{q}})
			}
		}
	}
	return out, nil
}

// rules are the layers as the autopilot sees them today.
func (r *replayer) rules(quotes map[string]liquidity.Quote) ([]autopilot.Layer, []string, error) {
	now := r.now()
	mes, err := front("MES", now)
	if err != nil {
		return nil, nil, err
	}
	es, err := front("ES", now)
	if err != nil {
		return nil, nil, err
	}
	extra := []string{mes, es, "SPY", "VXX", r.hedgeSym}
	var out []autopilot.Layer
	for _, name := range r.layers {
		l := autopilot.Layer{Name: name, Bias: r.bias[name]}
		var p tactical.Params
		var under string
		switch name {
		case "ES options":
			p, err = tactical.Defaults(portfolio.Short, "ES", "MES")
			p.Symbol, under = mes, es
		case "MES futures":
			p, err = tactical.Defaults(portfolio.Long, "ES", "MES")
			p.Symbol, under = mes, mes
		case "VXX":
			p, err = tactical.Defaults(portfolio.Short, "VXX", "VXX")
			under = "VXX"
		case "Hedge":
			l.BookHedge = true
			l.Policy = hedge.FixedBand{Width: 500, Unit: hedge.BandPer100k}
		}
		if err != nil {
			return nil, nil, err
		}
		if under != "" && r.v.tactical {
			pp := p
			l.Tactical, l.Underlying = &pp, under
		}
		out = append(out, l)
	}
	if quotes != nil {
		spy, sh := quotes["SPY"].Mid(), quotes[r.hedgeSym].Mid()
		for i := range out {
			if out[i].BookHedge && spy > 0 && sh > 0 {
				per := sh / spy // SPY shares of delta per share: SH is −1× SPY
				if r.hedgeSym == "SH" {
					per = -per
				}
				out[i].Hedge = hedge.Instrument{Name: r.hedgeSym, Lots: []hedge.Lot{{Symbol: r.hedgeSym, Delta: per}}}
			}
		}
	}
	return out, extra, nil
}

// optionContracts is a layer's option contracts held.
func (r *replayer) optionContracts(name string) float64 {
	n := 0.0
	for _, s := range r.held(name) {
		if r.instr[s].IsOption() {
			n += math.Abs(r.books[name].qty[s])
		}
	}
	return n
}

// equity is a layer's cash plus its positions at the mid.
func (r *replayer) equity(name string, quotes map[string]liquidity.Quote) float64 {
	l := r.books[name]
	e := l.cash
	for _, s := range r.held(name) {
		e += l.qty[s] * quotes[s].Mid() * r.instr[s].Multiplier
	}
	return e
}

// place sends the allowed intents as market orders and tells the gate they are done.
func (r *replayer) place(its []autopilot.Intent) error {
	for _, it := range its {
		o := brokers.Order{ClientID: it.ClientOrderID, Type: brokers.Market, TIF: brokers.Day, Quantity: 1,
			Note: "replay: " + it.Rule}
		if len(it.Legs) == 1 {
			o.Quantity = int64(math.Round(it.Legs[0].Quantity))
			o.Legs = []brokers.Leg{{Symbol: it.Legs[0].Symbol, Ratio: side(it.Legs[0].Side)}}
		} else {
			for _, l := range it.Legs {
				o.Legs = append(o.Legs, brokers.Leg{Symbol: l.Symbol, Ratio: side(l.Side) * int64(math.Round(l.Quantity))})
			}
		}
		r.owner[it.ClientOrderID] = it.Layer
		st, err := r.b.Place(r.ctx, o)
		r.gate.Done(it.ClientOrderID)
		var rej *brokers.RejectedError
		switch {
		case errors.As(err, &rej):
			r.out.rejected++
			continue
		case err != nil:
			return fmt.Errorf("replay: placing %s: %w", it.ClientOrderID, err)
		case st.State != brokers.Filled:
			r.out.rejected++
			if st.State == brokers.Working {
				_ = r.b.Cancel(r.ctx, st.ID)
			}
			continue
		}
		r.out.orders++
	}
	return r.applyFills()
}

func side(s string) int64 {
	if s == "sell" {
		return -1
	}
	return 1
}

// runDays runs the replay's days.
func (r *replayer) runDays(days int) error {
	var cfgLayers []portfolio.Layer
	for _, name := range r.layers {
		cfgLayers = append(cfgLayers, portfolio.Layer{Name: name, Bias: r.bias[name]})
	}
	for _, name := range r.layers {
		c := r.optionContracts(name)
		r.out.layers = append(r.out.layers, &layerRun{name: name, bias: r.bias[name].String(), startContracts: c, maxContracts: c})
	}
	r.out.start = r.now()
	acct, err := r.b.Account(r.ctx)
	if err != nil {
		return err
	}
	startNL := acct.NetLiquidation.InexactFloat64()
	bookPeak := startNL
	day := r.now()
	for d := 0; d < days; d++ {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		if d > 0 {
			day = nextOpen(day)
		}
		// Every morning every layer is armed for every kind, as a trader re-arms after a
		// day the daily loss limit disarmed everything (the gate refuses on that day).
		for _, k := range automation.Kinds() {
			for _, name := range r.layers {
				if err := r.gate.Arm(name, k, day); err != nil && d == 0 {
					return err
				}
			}
		}
		y, m, dd := day.In(instrument.NewYork).Date()
		dayOpenNL := 0.0
		for i, tod := range stepTimes {
			at := time.Date(y, m, dd, 0, 0, 0, 0, instrument.NewYork).Add(tod)
			if err := r.advanceTo(at); err != nil {
				return err
			}
			if err := r.applyFills(); err != nil {
				return err
			}
			sets, err := r.settlements()
			if err != nil {
				return err
			}
			acct, err := r.b.Account(r.ctx)
			if err != nil {
				return err
			}
			nl := acct.NetLiquidation.InexactFloat64()
			if i == 0 {
				dayOpenNL = nl
			}
			if _, err := r.gate.DayLoss(r.now(), nl-dayOpenNL, nl); err != nil {
				return err
			}
			lays, extra, err := r.rules(nil)
			if err != nil {
				return err
			}
			_ = lays
			quotes, err := r.market(extra)
			if err != nil {
				return err
			}
			lays, _, err = r.rules(quotes)
			if err != nil {
				return err
			}
			book, err := r.book(quotes, cfgLayers)
			if err != nil {
				return err
			}
			mk := autopilot.Market{Now: r.now(), Quotes: quotes, DividendYield: dividendYields, NetLiq: nl, Settlements: sets}
			if cls, ok := sessionCloseOf(r.now()); ok {
				mk.SessionClose = cls
			}
			if i == 0 {
				if mk.Chains, err = r.chains(); err != nil {
					return err
				}
			}
			s := autopilot.DefaultSettings()
			s.Lifecycle.AllowAssignment = r.v.assign
			s.Rebalance = r.v.rebalance
			s.SpiralOff = r.v.spiralOff
			next, step, err := autopilot.Decide(autopilot.Input{Book: book, Layers: lays, Market: mk, Settings: s}, r.state, r.gate)
			if err != nil {
				return err
			}
			r.state = next
			r.out.blocked += len(step.Blocked)
			for _, bl := range step.Blocked {
				for _, x := range bl.Verdict.Blocks {
					if r.out.blockedBy == nil {
						r.out.blockedBy = map[string]int{}
					}
					r.out.blockedBy[string(x.Guardrail)]++
				}
			}
			r.out.problems += len(step.Problems)
			for _, p := range step.Problems {
				debugf("%s problem: %s", r.now().Format("01-02 15:04"), p)
			}
			for _, t := range step.Transitions {
				for _, lr := range r.out.layers {
					if lr.name == t.Layer {
						lr.transitions = append(lr.transitions, Transition{At: t.At, From: string(t.From), To: string(t.To), Reason: t.Reason})
					}
				}
			}
			for _, c := range step.Cycles {
				for _, lr := range r.out.layers {
					if lr.name == c.Layer {
						lr.cycles++
						lr.realized += c.Realized
						lr.improvement += c.Improvement
						debugf("cycle %s %+v", c.Layer, c.Cycle)
					}
				}
			}
			if err := r.place(step.Orders); err != nil {
				return err
			}
			// after the orders: contracts, equity, margin
			if quotes, err = r.market(nil); err != nil {
				return err
			}
			for _, lr := range r.out.layers {
				lr.maxContracts = math.Max(lr.maxContracts, r.optionContracts(lr.name))
				e := r.equity(lr.name, quotes)
				if !lr.started || e > lr.peak {
					lr.peak, lr.started = e, true
				}
				lr.maxDD = math.Max(lr.maxDD, lr.peak-e)
				lr.equity = e
				if i == len(stepTimes)-1 {
					lr.contracts = append(lr.contracts, r.optionContracts(lr.name))
				}
			}
			if acct, err = r.b.Account(r.ctx); err != nil {
				return err
			}
			nl = acct.NetLiquidation.InexactFloat64()
			bookPeak = math.Max(bookPeak, nl)
			r.out.bookMaxDD = math.Max(r.out.bookMaxDD, bookPeak-nl)
			r.out.maxMargin = math.Max(r.out.maxMargin, acct.Maintenance.InexactFloat64())
			r.out.pnl = nl - startNL
		}
	}
	r.out.end = r.now()
	return nil
}

// pass runs cfg's days once with v; a cancelled ctx stops it before the next day.
func pass(ctx context.Context, cfg Config, v variant) (run, error) {
	r, err := newReplayer(ctx, cfg, v)
	if err != nil {
		return run{}, err
	}
	defer r.close()
	if err := r.runDays(cfg.Days); err != nil {
		return run{}, fmt.Errorf("replay: seed %d: %w", cfg.Seed, err)
	}
	return r.out, nil
}

var debugf = func(string, ...any) {}
