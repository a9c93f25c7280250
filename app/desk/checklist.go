package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lab"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/engine/portfolio"
)

// ChecklistConfig sets the daily hedging checklist.
//
// The default policy is the guide's fixed delta band ("if the difference is more than the
// threshold, adjust; otherwise no action"), trading back to the target, with Keel's
// widths in percent of net liquidation so they scale with the account: each neutral layer
// holding options keeps its beta-weighted dollar delta within ±LayerBand % of net
// liquidation (default 5: a 1% market move then moves the account by at most 0.05% through
// that layer's delta), and the book within ±BookBand % (default 10). Layers with a long or
// short bias are not hedged to zero — their delta is their intent — and are balanced in
// the book step. Every delta is in benchmark units (SPY shares, beta-weighted), so layers
// and the book add up; a hedge lot's delta is its own beta-weighted delta in those units
// (one ES ≈ 500 SPY shares, one SH share ≈ −0.06).
type ChecklistConfig struct {
	Now       time.Time // zero: the snapshot's market time
	LayerBand float64   // ± % of net liquidation per neutral options layer; 0 means 5
	BookBand  float64   // ± % of net liquidation for the book; 0 means 10
	BookHedge string    // the symbol the book step hedges with; "" means SPY
	// Hour and Minute are the checklist's time of day (New York): a time-based policy kept
	// from the lab hedges then.
	Hour, Minute int
	// Checklist holds the risk rules (DTE, at the money, gamma) and the event window; the
	// zero value means hedge.DefaultChecklist(). Its Limits are not used: the limits step
	// shows the snapshot's alerts, the same ones the positions window shows.
	Checklist *hedge.Checklist
	Events    []hedge.Event // the trader's events (earnings, FOMC); nil reads them from the journal
}

func (c ChecklistConfig) withDefaults() ChecklistConfig {
	if c.LayerBand <= 0 {
		c.LayerBand = 5
	}
	if c.BookBand <= 0 {
		c.BookBand = 10
	}
	if strings.TrimSpace(c.BookHedge) == "" {
		c.BookHedge = Benchmark
	}
	return c
}

// ChecklistOrder is an adjustment a run proposes: the order ready for the ticket, for the
// step (a layer or "book") whose delta left its band.
type ChecklistOrder struct {
	Scope  string
	Order  brokers.Order
	Words  string
	Policy string
	Hedged string // the position it hedges: the layer's (or book's) largest delta
	// Liquidity is each option leg's liquidity verdict for the order's size (futures and
	// shares are not checked by the options checklist: none then).
	Liquidity []LegLiquidity
}

// ChecklistResult is a run and what goes with it.
type ChecklistResult struct {
	Run    hedge.Run
	Orders []ChecklistOrder
	Notes  []string // layers the hedge steps treat specially, and why
	Sizes  []portfolio.Alert
	// DeepITM is every short option's lifecycle decision (lifecycle.AssessBook): hold, plan
	// a roll, or for a deep-ITM one let assign, roll or close, with its numbers. No P&L.
	DeepITM []lifecycle.Assessment
	NetLiq  float64
	Units   string // what the deltas are in ("SPY shares, beta-weighted")
	// FromLab names, for each scope ("book" or a layer) hedged by a policy kept from the
	// lab instead of the settings' band, that policy: "the lab's fixed band ±3 units".
	FromLab map[string]string `json:",omitempty"`
	// Decisions are the trader's decision at each step of the window's wizard, in order
	// (the window sets them before logging the run; empty from the command line).
	Decisions []ChecklistDecision
}

// ChecklistDecision is what the trader decided at one step of a checklist run.
type ChecklistDecision struct {
	Step     string
	Decision string
}

// LayerBand is a layer's checklist band as the layer editor shows it. Hedged says the
// checklist hedges the layer on its own (a neutral layer); else Why says why not. Half is
// the band's half-width in benchmark shares (±Percent % of net liquidation); Lot and
// LotDelta the hedge's smallest lot and its delta in the same units. Narrow says the band
// is narrower than that lot, and Needed is the percentage at which it would be one lot wide.
// Lab, when set, names the policy kept from the lab that the checklist hedges the layer by
// instead (Percent and Needed are then 0; Half is its width for a fixed band, else 0: the
// band moves with the layer's gamma and costs).
type LayerBand struct {
	Lab      string
	Hedged   bool
	Why      string
	Percent  float64
	Half     float64
	Units    string
	Lot      string
	LotDelta float64
	Narrow   bool
	Needed   float64
}

// LayerBand is the checklist band of layer l at the latest snapshot's net liquidation and
// prices, with the hedge instrument the checklist would use for it. It may ask the broker
// for a quote: call it off the UI goroutine.
func (s *Service) LayerBand(ctx context.Context, l portfolio.Layer, cfg ChecklistConfig) (LayerBand, error) {
	cfg = cfg.withDefaults()
	b := LayerBand{Percent: cfg.LayerBand}
	if l.Bias != portfolio.Neutral {
		b.Why = fmt.Sprintf("none: a %s-biased layer's delta is its intent; the book step balances it", l.Bias)
		return b, nil
	}
	snap := s.Latest()
	netLiq := snap.Account.NetLiquidation.InexactFloat64()
	spot := snap.Book.Benchmark.Price
	if !snap.Synced || !(netLiq > 0) || !(spot > 0) {
		return b, errors.New("the book is not valued yet (waiting for quotes)")
	}
	sym := l.HedgeInstrument
	if sym == "" {
		sym = cfg.BookHedge
	}
	h, err := s.hedgeInstrument(ctx, snap, sym)
	if err != nil {
		return b, fmt.Errorf("hedge instrument %s: %w", sym, err)
	}
	small := h.Lots[len(h.Lots)-1]
	b.Hedged, b.Units = true, snap.Book.Benchmark.Symbol+" shares"
	b.Lot, b.LotDelta = small.Symbol, math.Abs(small.Delta)
	if ps, err := s.HedgePolicies(ctx); err == nil {
		if p, ok := ps[l.Name]; ok {
			var idx []int
			for _, g := range snap.Book.Layers {
				if g.Layer.Name == l.Name {
					idx = g.Positions
				}
			}
			if rule, _ := s.labRule(snap, p, idx, cfg); rule != nil {
				b.Lab, b.Percent = p.Words(), 0
				if fb, ok := rule.(hedge.FixedBand); ok {
					b.Half = fb.Width
					b.Narrow = 2*b.Half < b.LotDelta
				}
				return b, nil
			}
		}
	}
	if b.Half, err = (hedge.FixedBand{Width: cfg.LayerBand, Unit: hedge.BandPercentNAV}).HalfWidth(hedge.Input{NetLiq: netLiq, Spot: spot}); err != nil {
		return b, err
	}
	b.Narrow = 2*b.Half < b.LotDelta
	b.Needed = cfg.LayerBand * b.LotDelta / (2 * b.Half)
	return b, nil
}

// labRule is the engine policy of p, a policy kept from the lab, for the positions idx of
// snap; nil and why not when it cannot apply (the settings' band then does).
func (s *Service) labRule(snap *Snapshot, p HedgePolicy, idx []int, cfg ChecklistConfig) (hedge.Policy, string) {
	toBench := 0.0
	if lab.Family(p.Policy) == lab.FixedBand {
		f, err := ToBenchmarkUnits(&snap.Book, idx)
		if err != nil {
			return nil, fmt.Sprintf("%s kept for %s is not applied (%v): the settings' band is", p.Words(), scopeName(p.Scope), err)
		}
		toBench = f
	}
	rule, err := p.Rule(toBench, cfg.Hour, cfg.Minute)
	if err != nil {
		return nil, fmt.Sprintf("%s kept for %s is not applied (%v): the settings' band is", p.Words(), scopeName(p.Scope), err)
	}
	return rule, ""
}

// everyPosition is the index of every position of snap's book.
func everyPosition(snap *Snapshot) []int {
	idx := make([]int, len(snap.Book.Positions))
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// scopeName is a policy's scope in words: "the book" or the layer's name.
func scopeName(scope string) string {
	if scope == BookScope {
		return "the book"
	}
	return scope
}

// holdPolicy is the policy of a layer the checklist does not hedge on its own.
type holdPolicy struct{ why string }

func (p holdPolicy) Name() string { return "hold" }

func (p holdPolicy) Decide(in hedge.Input) (hedge.Decision, error) {
	return hedge.Decision{Policy: p.Name(), Instrument: in.Hedge.Name, Reason: p.why, Delta: in.Delta, Target: in.Target,
		Band: hedge.Band{Lo: math.Inf(-1), Hi: math.Inf(1)}, Aim: in.Delta, After: in.Delta}, nil
}

// RunChecklist runs the daily hedging checklist on the latest snapshot. It needs a synced,
// valued book; it reads the trader's events and the layers' size samples from the journal
// and records the hedges of checklist orders that filled since the last run.
func (s *Service) RunChecklist(ctx context.Context, cfg ChecklistConfig) (ChecklistResult, error) {
	snap := s.Latest()
	if !snap.Synced || snap.Book.Now.IsZero() {
		return ChecklistResult{}, errors.New("checklist: the book is not valued yet (waiting for quotes)")
	}
	if _, err := s.RecordChecklistHedges(ctx); err != nil {
		s.noteJournal("could not record the checklist's hedges: " + err.Error())
	}
	cfg = cfg.withDefaults()
	now := cfg.Now
	if now.IsZero() {
		now = snap.Time
	}
	if cfg.Events == nil && s.cfg.Journal != nil {
		evs, err := s.cfg.Journal.MarketEvents(ctx, now.Add(-24*time.Hour), now.Add(60*24*time.Hour))
		if err != nil {
			return ChecklistResult{}, fmt.Errorf("checklist: events: %w", err)
		}
		for _, e := range evs {
			cfg.Events = append(cfg.Events, hedge.Event{Name: e.Name, Symbol: e.Symbol, At: e.At})
		}
	}
	res, err := s.checklist(ctx, snap, now, cfg)
	if err != nil {
		return res, err
	}
	if res.Sizes, err = s.SizeAlerts(ctx, now); err != nil {
		return res, fmt.Errorf("checklist: size monitor: %w", err)
	}
	for _, a := range res.Sizes {
		res.Run.Positions = append(res.Run.Positions, hedge.Finding{Symbol: a.Layer, Rule: "spiral", Severity: hedge.Warn,
			Text: a.Message + " — roll the untested side closer instead of adding size"})
	}
	if res.DeepITM, err = s.checklistDeepITM(ctx, snap); err != nil {
		return res, fmt.Errorf("checklist: deep ITM: %w", err)
	}
	res.Run.Positions = append(res.Run.Positions, deepITMFindings(res.DeepITM)...)
	res.Run.Conclude()
	return res, nil
}

// checklist builds the engine's input from snap and runs it.
func (s *Service) checklist(ctx context.Context, snap *Snapshot, now time.Time, cfg ChecklistConfig) (ChecklistResult, error) {
	netLiq := snap.Account.NetLiquidation.InexactFloat64()
	res := ChecklistResult{NetLiq: netLiq, Units: snap.Book.Benchmark.Symbol + " shares, beta-weighted"}
	spot := snap.Book.Benchmark.Price
	if !(spot > 0) {
		return res, errors.New("checklist: the benchmark has no price yet")
	}
	c := hedge.DefaultChecklist()
	if cfg.Checklist != nil {
		c = *cfg.Checklist
	}
	c.Limits = hedge.Limits{}
	c.BookPolicy = hedge.FixedBand{Width: cfg.BookBand, Unit: hedge.BandPercentNAV}
	labPolicies, err := s.HedgePolicies(ctx)
	if err != nil {
		res.Notes = append(res.Notes, "the policies kept from the lab could not be read, so the settings' bands apply: "+err.Error())
	}
	fromLab := map[string]HedgePolicy{} // the scopes hedged by a policy from the lab
	if p, ok := labPolicies[BookScope]; ok {
		if rule, why := s.labRule(snap, p, everyPosition(snap), cfg); rule != nil {
			c.BookPolicy, fromLab["book"] = rule, p
		} else {
			res.Notes = append(res.Notes, why)
		}
	}
	bookHedge, err := s.hedgeInstrument(ctx, snap, cfg.BookHedge)
	if err != nil {
		return res, fmt.Errorf("checklist: book hedge %s: %w", cfg.BookHedge, err)
	}
	c.BookHedge = bookHedge
	layerPolicy := hedge.FixedBand{Width: cfg.LayerBand, Unit: hedge.BandPercentNAV}
	in := hedge.ChecklistInput{Now: now, NetLiq: netLiq, Events: cfg.Events}
	hedged := map[string]string{}
	var bookLargest string
	var bookLargestDelta float64
	for _, l := range snap.Book.Layers {
		if len(l.Positions) == 0 {
			continue
		}
		ls := hedge.LayerState{Name: l.Layer.Name, Rate: s.cfg.Rate, Spot: spot}
		var largest float64
		hasOptions := false
		for _, i := range l.Positions {
			p := snap.Book.Positions[i]
			if p.Err != nil {
				continue
			}
			if math.Abs(p.BetaDelta) > math.Abs(bookLargestDelta) {
				bookLargest, bookLargestDelta = p.ID, p.BetaDelta
			}
			if !p.Instrument.IsOption() {
				ls.HedgeHeld += p.BetaDelta
				continue
			}
			hasOptions = true
			ls.Exposure = ls.Exposure.Plus(p.Exposure)
			if ls.Underlying == "" {
				ls.Underlying = p.Instrument.Root
				ls.Vol = p.Vol
			}
			if ls.Years == 0 || (p.Years > 0 && p.Years < ls.Years) {
				ls.Years = p.Years
			}
			if math.Abs(p.BetaDelta) > largest {
				largest, hedged[l.Layer.Name] = math.Abs(p.BetaDelta), p.ID
			}
			ls.Positions = append(ls.Positions, hedge.Position{Symbol: p.ID, Right: p.Instrument.Right, Quantity: p.Quantity,
				DTE: p.DTE, Delta: p.Greeks.Delta, Gamma: p.Greeks.Gamma})
		}
		switch {
		case !hasOptions:
			why := fmt.Sprintf("%s holds no options: its delta is a position, not a hedge to adjust; the book step balances it", l.Layer.Name)
			ls.Policy = holdPolicy{why}
			res.Notes = append(res.Notes, why)
		case l.Layer.Bias != portfolio.Neutral:
			why := fmt.Sprintf("%s is %s-biased: its delta is its intent, so it is not hedged to zero; the book step balances it",
				l.Layer.Name, l.Layer.Bias)
			if p, ok := labPolicies[l.Layer.Name]; ok {
				why += " (" + p.Words() + " kept for it is not used)"
			}
			ls.Policy = holdPolicy{why}
			res.Notes = append(res.Notes, why)
		default:
			ls.Policy = layerPolicy
			if p, ok := labPolicies[l.Layer.Name]; ok {
				if rule, why := s.labRule(snap, p, l.Positions, cfg); rule != nil {
					ls.Policy, fromLab[l.Layer.Name] = rule, p
				} else {
					res.Notes = append(res.Notes, why)
				}
			}
		}
		sym := l.Layer.HedgeInstrument
		if sym == "" {
			sym = cfg.BookHedge
		}
		if _, hold := ls.Policy.(holdPolicy); hold {
			ls.Hedge = bookHedge
		} else if ls.Hedge, err = s.hedgeInstrument(ctx, snap, sym); err != nil {
			return res, fmt.Errorf("checklist: %s hedge %s: %w", l.Layer.Name, sym, err)
		}
		if ls.Vol == 0 {
			ls.Vol = 0.2 // no options: the band policy does not use it
		}
		if ls.Years <= 0 {
			ls.Years = 1.0 / 365
		}
		in.Layers = append(in.Layers, ls)
	}
	hedged["book"] = bookLargest
	run, err := c.Run(in)
	if err != nil {
		return res, fmt.Errorf("checklist: %w", err)
	}
	for i, h := range run.Hedges {
		if _, hold := layerPolicyOf(in, h.Layer).(holdPolicy); hold {
			run.Hedges[i].Decision.Band = hedge.Band{} // ±Inf never leaves the desk
		}
		if p, ok := fromLab[h.Layer]; ok {
			why := p.Words() + ", chosen in the lab"
			if p.MeasuredOn != "" {
				why += " on " + p.MeasuredOn
			}
			run.Hedges[i].Decision.Reason = why + ": " + h.Decision.Reason
			if res.FromLab == nil {
				res.FromLab = map[string]string{}
			}
			res.FromLab[h.Layer] = p.Words()
			res.Notes = append(res.Notes, h.Layer+" is hedged by "+why+", instead of the settings' band")
		}
	}
	for _, a := range snap.Alerts {
		if a.Kind == portfolio.AlertLayerSize {
			continue // the size step reads the monitor afresh (res.Sizes)
		}
		sev := hedge.Warn
		switch a.Kind {
		case portfolio.AlertDelta, portfolio.AlertVega, portfolio.AlertTheta, portfolio.AlertLayerDelta:
			sev = hedge.Act
		}
		where := a.Layer
		if where == "" {
			where = a.Position
		}
		if where == "" {
			where = "book"
		}
		run.Limits = append(run.Limits, hedge.Finding{Symbol: where, Rule: string(a.Kind), Severity: sev, Text: a.Message})
	}
	res.Run = run
	for _, h := range run.Hedges {
		if !h.Decision.Hedge || h.Decision.Order.Empty() {
			continue
		}
		o, err := s.hedgeOrder(ctx, snap, h)
		if err != nil {
			return res, fmt.Errorf("checklist: %s: %w", h.Layer, err)
		}
		res.Orders = append(res.Orders, ChecklistOrder{Scope: h.Layer, Order: o, Words: OrderWords(o),
			Policy: h.Decision.Policy, Hedged: hedged[h.Layer],
			Liquidity: legLiquidity(s.LiquiditySettings().Rules, o, func(sym string) (brokers.Quote, error) {
				return s.broker.Quote(ctx, sym)
			})})
	}
	return res, nil
}

func layerPolicyOf(in hedge.ChecklistInput, name string) hedge.Policy {
	for _, l := range in.Layers {
		if l.Name == name {
			return l.Policy
		}
	}
	return nil
}

// hedgeInstrument is the hedge instrument of symbol in benchmark units: a future of the ES
// family hedges with whole ES and MES contracts of its month, anything else with its own
// lots (shares of an ETF, contracts of another future). Each lot's delta is its
// beta-weighted delta valued at snap's prices; its costs are the commission the broker
// estimates plus half the quoted spread.
func (s *Service) hedgeInstrument(ctx context.Context, snap *Snapshot, symbol string) (hedge.Instrument, error) {
	in, err := s.lookup(ctx, snap, symbol)
	if err != nil {
		return hedge.Instrument{}, err
	}
	symbols := []string{symbol}
	if in.Kind == instrument.Future && (in.Root == "ES" || in.Root == "MES") {
		code := strings.TrimPrefix(strings.TrimPrefix(symbol, "M"), "ES")
		symbols = []string{"ES" + code, "MES" + code}
	}
	h := hedge.Instrument{Name: symbol}
	for _, sym := range symbols {
		lot, err := s.lot(ctx, snap, sym)
		if err != nil {
			return hedge.Instrument{}, err
		}
		h.Lots = append(h.Lots, lot)
	}
	if err := h.Validate(); err != nil {
		return hedge.Instrument{}, err
	}
	return h, nil
}

// lookup finds an instrument among the snapshot's quotes, else at the broker.
func (s *Service) lookup(ctx context.Context, snap *Snapshot, symbol string) (instrument.Instrument, error) {
	for _, p := range snap.Positions {
		if p.Symbol == symbol {
			return p.Instrument, nil
		}
	}
	return s.broker.Lookup(ctx, symbol)
}

// lot values one lot of symbol in benchmark units at snap's market.
func (s *Service) lot(ctx context.Context, snap *Snapshot, symbol string) (hedge.Lot, error) {
	in, err := s.lookup(ctx, snap, symbol)
	if err != nil {
		return hedge.Lot{}, err
	}
	q, ok := snap.Quote(symbol)
	if !ok || !q.Mid().IsPositive() {
		if q, err = s.broker.Quote(ctx, symbol); err != nil {
			return hedge.Lot{}, err
		}
	}
	mid, ok := price(q.Mid())
	if !ok {
		return hedge.Lot{}, fmt.Errorf("%s has no price", symbol)
	}
	m := portfolio.Market{Now: snap.Time, Rate: s.cfg.Rate, Quotes: map[string]portfolio.Quote{symbol: {Price: mid}},
		Underlyings: map[string]float64{symbol: mid, snap.Book.Benchmark.Symbol: snap.Book.Benchmark.Price}}
	cfg := portfolio.Config{Benchmark: snap.Book.Benchmark.Symbol, Stocks: s.cfg.Stocks}
	book, err := portfolio.Revalue([]portfolio.Position{{ID: symbol, Instrument: in, Quantity: 1}}, m, cfg)
	if err != nil {
		return hedge.Lot{}, err
	}
	if len(book.Positions) != 1 || book.Positions[0].BetaDelta == 0 {
		return hedge.Lot{}, fmt.Errorf("%s has no beta to %s: it cannot hedge the book's delta", symbol, snap.Book.Benchmark.Symbol)
	}
	lot := hedge.Lot{Symbol: symbol, Delta: book.Positions[0].BetaDelta}
	spread := q.Ask.Sub(q.Bid).InexactFloat64()
	if spread > 0 {
		lot.HalfSpread = spread / 2 * in.Multiplier
	}
	lot.Commission = s.costOfOne(symbol, in)
	return lot, nil
}

// costEstimator is a broker that prices an order's commission and fees (the paper broker).
type costEstimator interface {
	EstimateCosts(o brokers.Order) (commission, fees decimal.Decimal, err error)
}

// costOfOne is the commission and fees of trading one lot of symbol, when the broker says;
// 0 otherwise.
func (s *Service) costOfOne(symbol string, in instrument.Instrument) float64 {
	est, ok := s.broker.(costEstimator)
	if !ok {
		return 0
	}
	c, f, err := est.EstimateCosts(brokers.Order{ClientID: "estimate", Quantity: 1, Type: brokers.Market,
		Legs: []brokers.Leg{{Symbol: symbol, Instrument: in, Ratio: 1}}})
	if err != nil {
		return 0
	}
	return c.Add(f).InexactFloat64()
}

// hedgeOrder turns a step's decision into an order for the ticket: one leg a market order
// of that many lots, a mix (ES and MES) one multi-leg market order of the lots.
func (s *Service) hedgeOrder(ctx context.Context, snap *Snapshot, h hedge.HedgeStep) (brokers.Order, error) {
	o := brokers.Order{ClientID: NewClientID(), Type: brokers.Market, TIF: brokers.Day, Quantity: 1,
		Note: fmt.Sprintf("Checklist %s: net delta %.1f outside the band %.1f … %.1f; %s",
			h.Layer, h.NetDelta, h.Decision.Band.Lo, h.Decision.Band.Hi, h.Decision.Order.String())}
	for _, f := range h.Decision.Order.Lines {
		if f.Quantity == 0 {
			continue
		}
		in, err := s.lookup(ctx, snap, f.Symbol)
		if err != nil {
			return brokers.Order{}, err
		}
		o.Legs = append(o.Legs, brokers.Leg{Symbol: f.Symbol, Instrument: in, Ratio: int64(f.Quantity)})
	}
	if len(o.Legs) == 1 {
		n := o.Legs[0].Ratio
		o.Quantity = abs64(n)
		o.Legs[0].Ratio = n / abs64(n)
	}
	return o, nil
}

// noteJournal reports a journal failure in the snapshot's problems.
func (s *Service) noteJournal(msg string) {
	s.post(func() { s.addProblem("journal", msg); s.st.dirty = true })
}

// ChecklistClaimWindow is how long after a checklist proposes an order the desk still
// recognises it as the checklist's.
const ChecklistClaimWindow = 12 * time.Hour

// recordOrigin journals where a placed order came from: the checklist (it claims the
// matching proposal and records the hedge once the fills are journaled) or, when it is a
// hedge adjustment (isHedgeAdjustment), outside it.
func (s *Service) recordOrigin(ctx context.Context, snap *Snapshot, o brokers.Order, st brokers.OrderStatus) {
	j := s.cfg.Journal
	now := s.marketNow()
	prop, ok, err := j.ClaimChecklistOrder(ctx, s.Book(), legsKey(o), now.Add(-ChecklistClaimWindow), st.ID, now)
	if err != nil {
		s.noteJournal("could not match the order to the checklist: " + err.Error())
		return
	}
	if ok {
		if prop.HedgeID == 0 {
			s.wg.Add(1)
			go s.awaitHedge(prop.ID)
		}
		return
	}
	if !s.isHedgeAdjustment(snap, o) {
		return
	}
	if _, err := j.RecordOffChecklist(ctx, data.OffChecklistOrder{Book: s.Book(), Sent: now, OrderID: st.ID,
		Words: OrderWords(o), Note: o.Note}); err != nil {
		s.noteJournal("could not record the off-checklist order: " + err.Error())
	}
}

// isHedgeAdjustment is the rule for "an adjustment outside the checklist": an order the
// checklist could have proposed but did not. The checklist hedges delta with futures, shares
// and ETFs only, so an order is a hedge adjustment when
//   - it is not the desk's own rules' (an automated order, whose rule is in the audit log),
//   - no leg is an option: opening, rolling or closing options is trading the strategy,
//     not hedging it (a strangle sold from the ticket is never counted), and
//   - a leg is a hedge instrument of the book: the checklist's book hedge, the benchmark,
//     a layer's hedge instrument, a future or shares the book already holds, or a future of
//     the ES family while the book holds ES-family positions.
func (s *Service) isHedgeAdjustment(snap *Snapshot, o brokers.Order) bool {
	if snap == nil || strings.HasPrefix(o.Note, autoNote) || len(o.Legs) == 0 {
		return false
	}
	hedges := map[string]bool{snap.Book.Benchmark.Symbol: true}
	if cs := s.checklistSettings.Load(); cs != nil {
		hedges[cs.BookHedge] = true
	} else {
		hedges[DefaultChecklistSettings().BookHedge] = true
	}
	for _, l := range snap.Book.Layers {
		if l.Layer.HedgeInstrument != "" {
			hedges[l.Layer.HedgeInstrument] = true
		}
	}
	for _, p := range snap.Positions {
		if !p.Instrument.IsOption() {
			hedges[p.Symbol] = true
		}
	}
	hedgeLeg := false
	for _, leg := range o.Legs {
		if leg.Instrument.IsOption() {
			return false
		}
		if hedges[leg.Symbol] || (leg.Instrument.Kind == instrument.Future && sameFuturesFamily(snap, leg.Instrument)) {
			hedgeLeg = true
		}
	}
	return hedgeLeg
}

// awaitHedge records a checklist order's hedge once its fills are in the journal, checking
// every 100 ms for up to two minutes (a working limit order is picked up by the next run).
func (s *Service) awaitHedge(proposal int64) {
	defer s.wg.Done()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case <-s.done:
			return
		case <-deadline:
			return
		case <-tick.C:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			n, err := s.recordHedges(ctx, proposal)
			cancel()
			if err != nil {
				s.noteJournal("could not record the checklist's hedge: " + err.Error())
				return
			}
			if n > 0 {
				return
			}
		}
	}
}

// RecordChecklistHedges records, as hedges in the journal (Journal.AddHedge), the fills of
// every checklist order sent and filled whose hedge is not recorded yet. It returns how
// many it recorded.
func (s *Service) RecordChecklistHedges(ctx context.Context) (int, error) {
	return s.recordHedges(ctx, 0)
}

// recordHedges records the hedges of the sent proposals (only the one given, when not 0).
func (s *Service) recordHedges(ctx context.Context, only int64) (int, error) {
	j := s.cfg.Journal
	if j == nil {
		return 0, nil
	}
	props, err := j.ChecklistOrdersAwaitingHedge(ctx, s.Book())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range props {
		if only != 0 && p.ID != only {
			continue
		}
		hedgeTrade, fills, costs, err := j.OrderFills(ctx, s.acct, p.OrderID)
		if err != nil {
			return n, err
		}
		if fills == 0 {
			continue
		}
		trade := hedgeTrade
		if p.Hedged != "" {
			if id, ok, err := j.OpenTradeOf(ctx, s.acct, p.Hedged); err != nil {
				return n, err
			} else if ok {
				trade = id
			}
		}
		h := data.Hedge{TradeID: trade, HedgeTradeID: hedgeTrade, Time: p.Placed, Policy: p.Policy,
			Reason: fmt.Sprintf("daily checklist, %s: %s (order %s)", p.Scope, p.Words, p.OrderID), Cost: costs}
		if trade == hedgeTrade {
			h.HedgeTradeID = 0
		}
		id, err := j.AddHedge(ctx, h)
		if err != nil {
			return n, err
		}
		if err := j.SetChecklistOrderHedge(ctx, p.ID, id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// ProposeChecklistOrder records an adjustment the checklist proposes before the ticket
// opens with it, so the desk recognises the order when it is sent. It returns the
// proposal's id for LogChecklistRun.
func (s *Service) ProposeChecklistOrder(ctx context.Context, o ChecklistOrder) (int64, error) {
	if s.cfg.Journal == nil {
		return 0, errors.New("checklist: no journal to record the proposal in")
	}
	return s.cfg.Journal.ProposeChecklistOrder(ctx, data.ChecklistOrder{Book: s.Book(), Scope: o.Scope, Proposed: s.marketNow(),
		Legs: legsKey(o.Order), Words: o.Words, Policy: o.Policy, Hedged: o.Hedged})
}

// ChecklistTime is the default time of the daily checklist: 15:45 New York.
var ChecklistTime = struct{ Hour, Minute int }{15, 45}

// ChecklistGrace is how long after its set time a run still counts as on time.
const ChecklistGrace = 30 * time.Minute

// LogChecklistRun journals a completed run: every step's figures and decision (no P&L),
// whether it was on time (completed within ChecklistGrace of scheduled), what was done and
// the proposals it sent. source is "window" or "cli".
func (s *Service) LogChecklistRun(ctx context.Context, res ChecklistResult, scheduled, started time.Time, action string, proposals []int64, source string) (int64, error) {
	if s.cfg.Journal == nil {
		return 0, errors.New("checklist: no journal to log the run in")
	}
	steps, err := json.Marshal(res)
	if err != nil {
		return 0, fmt.Errorf("checklist: %w", err)
	}
	done := s.marketNow()
	if action == "" {
		action = "no action"
	}
	return s.cfg.Journal.LogChecklistRun(ctx, data.ChecklistRun{Book: s.Book(), Scheduled: scheduled, Started: started,
		Completed: done, OnTime: !done.Before(scheduled.Add(-12*time.Hour)) && done.Sub(scheduled) <= ChecklistGrace,
		ActionNeeded: res.Run.ActionNeeded, Summary: res.Run.Summary, Steps: string(steps), Action: action, Source: source}, proposals)
}

// ScheduledAt is the day's set checklist time in New York for the market day of t.
func ScheduledAt(t time.Time, hour, minute int) time.Time {
	ny := t.In(instrument.NewYork)
	return time.Date(ny.Year(), ny.Month(), ny.Day(), hour, minute, 0, 0, instrument.NewYork)
}
