package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/automation"
	"github.com/keel-desk/keel/engine/autopilot"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/tactical"
	"github.com/keel-desk/keel/format"
)

// ChainsEvery is how often (market time) the desk gathers the option chains its rules roll
// and re-enter into: each gathering runs the daily checklist's lifecycle step once
// (assessments, let-assign decisions, rolls, re-entries). ChainsWallFloor is the least
// wall time between two gatherings: on a market clock faster than 24× the rules then
// act less often than every ChainsEvery of market time (at 600×, every 20 market minutes)
// — a gathering prices every listed option of every expiry in the roll window, and twice
// a wall second it was a quarter of the app's CPU at 600×. On a real broker (1×) it never
// applies.
const (
	ChainsEvery     = 5 * time.Minute
	ChainsWallFloor = 2 * time.Second
)

// LifecycleRow is one short option's lifecycle as the windows show it: its layer, symbol,
// stage, why it is there and the numbers behind it (delta, extrinsic, breakeven, profit
// level… — engine/lifecycle's units: per unit as quoted), since when, and what comes next.
type LifecycleRow struct {
	Layer   string
	Symbol  string
	Stage   lifecycle.Stage
	Reason  string
	Numbers lifecycle.Numbers
	Since   time.Time // market time of the last transition; zero before the first
	Next    string
}

// stageOrder ranks the stages: a layer is at its furthest track's stage.
var stageOrder = map[lifecycle.Stage]int{lifecycle.Options: 0, lifecycle.Tested: 1, lifecycle.DeepITM: 2,
	lifecycle.AwaitingAssignment: 3, lifecycle.Future: 4, lifecycle.Shares: 4, lifecycle.ReEnter: 5}

// LayerStages is each layer's furthest stage among rows (the row that puts it there).
func LayerStages(rows []LifecycleRow) map[string]LifecycleRow {
	out := map[string]LifecycleRow{}
	for _, r := range rows {
		if have, ok := out[r.Layer]; !ok || stageOrder[r.Stage] > stageOrder[have.Stage] {
			out[r.Layer] = r
		}
	}
	return out
}

// autoExtra is what the rules gather besides the snapshot: the settlements the broker
// reported, the chains, and what the last step showed (rows and staged under autoState.mu;
// the rest under mu).
type autoExtra struct {
	mu        sync.Mutex
	settles   []brokers.Settlement
	chains    []liquidity.Chain
	chainsAt  time.Time // market time of the chains gathered last
	wallAt    time.Time // wall time the desk last started a gathering on its own
	fresh     bool      // chains not yet used by a step
	chainsErr string
	gathering atomic.Bool

	judged sync.Map // client order id → true while an automated order is being placed

	saved  string // the JSON last kept in the journal
	rows   []LifecycleRow
	staged map[string][]AutoAction
}

// queueSettlement hands an option's settlement to the next step (loop goroutine).
func (s *Service) queueSettlement(se brokers.Settlement) {
	if !se.Instrument.IsOption() {
		return
	}
	x := &s.auto.ext
	x.mu.Lock()
	x.settles = append(x.settles, se)
	x.mu.Unlock()
}

func (x *autoExtra) takeSettlements() []brokers.Settlement {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := x.settles
	x.settles = nil
	return out
}

// takeChains are the chains gathered since the last step (nil when none).
func (x *autoExtra) takeChains() ([]liquidity.Chain, time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.fresh {
		return nil, time.Time{}
	}
	x.fresh = false
	return x.chains, x.chainsAt
}

// putBack returns what a failed step took, for the next one.
func (x *autoExtra) putBack(settles []brokers.Settlement, chains []liquidity.Chain, at time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.settles = append(settles, x.settles...)
	if chains != nil && !x.fresh {
		x.chains, x.chainsAt, x.fresh = chains, at, true
	}
}

func (x *autoExtra) chainsWords() string {
	x.mu.Lock()
	defer x.mu.Unlock()
	switch {
	case x.chainsErr != "":
		return "chains not gathered: " + x.chainsErr
	case x.chainsAt.IsZero():
		return "chains not gathered yet"
	}
	n := 0
	for _, c := range x.chains {
		n += len(c.Quotes)
	}
	return fmt.Sprintf("%d chains (%s options) gathered at %s New York", len(x.chains), format.Num(float64(n), 0),
		x.chainsAt.In(instrument.NewYork).Format("15:04"))
}

// settlementsFor is the autopilot's view of the broker's option settlements.
func settlementsFor(ss []brokers.Settlement) []autopilot.Settlement {
	var out []autopilot.Settlement
	for _, s := range ss {
		out = append(out, autopilot.Settlement{At: s.Time, Symbol: s.Symbol, Assigned: s.Kind == brokers.Assigned,
			Units: float64(s.DeliveredQuantity), Price: s.Price.InexactFloat64()})
	}
	return out
}

// due says a gathering is due at market time market and wall time wall — ChainsEvery of
// market time and ChainsWallFloor of wall time since the last (a clock set back counts as
// due) — and none is running; it then counts one as started at wall.
func (x *autoExtra) due(market, wall time.Time) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.gathering.Load() {
		return false
	}
	if !x.chainsAt.IsZero() && market.Sub(x.chainsAt) < ChainsEvery && !market.Before(x.chainsAt) {
		return false
	}
	if !x.wallAt.IsZero() && wall.Sub(x.wallAt) < ChainsWallFloor && !wall.Before(x.wallAt) {
		return false
	}
	x.wallAt = wall
	return true
}

// chainsIfDue starts gathering the chains off the snapshot goroutine when the book holds
// short options (or a track waits to re-enter) and the last gathering is ChainsEvery old.
func (s *Service) chainsIfDue(snap *Snapshot) {
	if !snap.Synced || !snap.Connected {
		return
	}
	x := &s.auto.ext
	if !x.due(snap.Time, s.cfg.Wall()) {
		return
	}
	go func() {
		if err := s.GatherChains(context.Background()); err != nil {
			x.mu.Lock()
			x.chainsErr = err.Error()
			x.chainsAt = snap.Time // try again in ChainsEvery
			x.mu.Unlock()
		}
	}()
}

// GatherChains fetches, through the broker, the option chains the rules may roll or
// re-enter into — every expiry within the roll planner's window (and the re-entry's) of
// the underlyings of the book's short options and of the options waiting to re-enter — for
// the next step. It blocks: the desk runs it on its own goroutine every ChainsEvery.
func (s *Service) GatherChains(ctx context.Context) error {
	x := &s.auto.ext
	if !x.gathering.CompareAndSwap(false, true) {
		return nil // one gathering at a time
	}
	defer x.gathering.Store(false)
	a := s.autoInit()
	snap := s.Latest()
	if snap == nil || !snap.Synced {
		return nil
	}
	now := snap.Time
	var options []instrument.Instrument
	held := map[string]bool{}
	for _, p := range snap.Book.Positions {
		if p.Instrument.IsOption() && p.Quantity < 0 {
			options = append(options, p.Instrument)
			held[p.ID] = true
		}
	}
	a.mu.Lock()
	for _, t := range a.st.Tracks {
		if t.Stage == lifecycle.ReEnter || t.Stage == lifecycle.Future || t.Stage == lifecycle.Shares || t.Stage == lifecycle.AwaitingAssignment {
			options = append(options, t.Option)
		}
	}
	a.mu.Unlock()
	if len(options) == 0 {
		x.mu.Lock()
		x.chains, x.chainsAt, x.fresh, x.chainsErr = nil, now, false, ""
		x.mu.Unlock()
		return nil
	}
	var unders []string
	add := func(u string) {
		if u != "" && !slices.Contains(unders, u) {
			unders = append(unders, u)
		}
	}
	for _, in := range options {
		if !in.Expiry.Before(now) {
			add(underlyingSymbol(in))
		}
		if in.Kind == instrument.FuturesOption { // the front two quarterlies: a re-entry 45 days out trades the next one
			at := now
			for range 2 {
				y, m, err := instrument.NextContract(in.Root, at)
				if err != nil {
					break
				}
				f, err := instrument.NewFuture(in.Root, y, m)
				if err != nil {
					break
				}
				add(f.Symbol())
				at = f.Expiry.Add(time.Hour)
			}
		}
	}
	rs := s.RollSettings()
	days := math.Max(rs.MaxDays, lifecycle.DefaultSettings().ReEntryMaxDays) + 1
	last := now.Add(time.Duration(days*24) * time.Hour)
	var chains []liquidity.Chain
	for _, u := range unders {
		exps, err := s.broker.Expirations(ctx, u)
		if err != nil {
			return fmt.Errorf("expiries of %s: %w", u, err)
		}
		for _, e := range exps {
			if !e.After(now) || e.After(last) {
				continue
			}
			c, err := s.broker.Chain(ctx, u, e)
			if err != nil {
				return fmt.Errorf("chain %s %s: %w", u, e.Format(time.DateOnly), err)
			}
			chains = append(chains, brokers.LiquidityChain(c))
		}
	}
	// A held option the listing no longer shows (far from the money now) still has a
	// quote: the roll planner needs it to close the option.
	listed := map[string]bool{}
	for _, c := range chains {
		for _, q := range c.Quotes {
			listed[q.Symbol] = true
		}
	}
	for sym := range held {
		if listed[sym] {
			continue
		}
		bq, ok := snap.Quote(sym)
		if !ok {
			continue
		}
		q := brokers.LiquidityQuote(bq)
		if q.Instrument.Root == "" {
			continue
		}
		for i := range chains {
			if chains[i].Underlying == q.Instrument.Underlying && chains[i].Expiry.Equal(q.Instrument.Expiry) {
				chains[i].Quotes = append(chains[i].Quotes, q)
				listed[sym] = true
				break
			}
		}
		if !listed[sym] {
			chains = append(chains, liquidity.Chain{Underlying: q.Instrument.Underlying, Expiry: q.Instrument.Expiry, Price: q.Underlying,
				Quotes: []liquidity.Quote{q}})
		}
	}
	if chains == nil {
		chains = []liquidity.Chain{}
	}
	x.mu.Lock()
	x.chains, x.chainsAt, x.fresh, x.chainsErr = chains, now, true, ""
	x.mu.Unlock()
	return nil
}

// hedgeLayer is the layer armed for hedges ("" when none; a.mu held).
func (a *autoState) hedgeLayer() string {
	for _, name := range a.gate.ArmedLayers() {
		if a.gate.IsArmed(name, automation.Hedge) {
			return name
		}
	}
	return ""
}

// hedgeRule makes l the layer that holds the book's hedge: the checklist's book policy —
// the one kept from the lab for the book, else the book band (± BookBand % of net
// liquidation) — on the book's beta-weighted delta, traded in the checklist's book hedge
// instrument.
func (s *Service) hedgeRule(ctx context.Context, snap *Snapshot, l *autopilot.Layer) error {
	cs, _ := s.ChecklistSettings(ctx) // unreadable settings: the defaults, said by the checklist
	h, err := s.hedgeInstrument(ctx, snap, cs.BookHedge)
	if err != nil {
		return fmt.Errorf("book hedge %s: %w", cs.BookHedge, err)
	}
	l.BookHedge, l.Policy, l.Hedge = true, hedge.FixedBand{Width: cs.BookBand, Unit: hedge.BandPercentNAV}, h
	if ps, _ := s.HedgePolicies(ctx); ps != nil { // unreadable: the band, as the checklist says
		if p, ok := ps[BookScope]; ok {
			if rule, _ := s.labRule(snap, p, everyPosition(snap), cs.Config()); rule != nil {
				l.Policy = rule
			}
		}
	}
	return nil
}

// heldQuotes adds the quotes of what assignments delivered (a.mu held).
func (s *Service) heldQuotes(ctx context.Context, a *autoState, quotes map[string]liquidity.Quote) error {
	for _, t := range a.st.Tracks {
		if (t.Stage != lifecycle.Future && t.Stage != lifecycle.Shares) || t.Held.Symbol == "" {
			continue
		}
		if _, ok := quotes[t.Held.Symbol]; ok {
			continue
		}
		q, err := s.broker.Quote(ctx, t.Held.Symbol)
		if err != nil {
			return fmt.Errorf("automation: quote of %s: %w", t.Held.Symbol, err)
		}
		quotes[t.Held.Symbol] = brokers.LiquidityQuote(q)
	}
	return nil
}

// onlyUnarmed says the one guardrail that stops v is that the layer is not armed.
func onlyUnarmed(v automation.Verdict) bool {
	return len(v.Blocks) == 1 && v.Blocks[0].Guardrail == automation.Armed
}

// autoDescribe builds what the windows show after a step: each short option's lifecycle
// row, what arming would send, and each layer's next action in words (a.mu held).
func (s *Service) autoDescribe(a *autoState, in autopilot.Input, step autopilot.Step, chains bool) {
	live := map[string]lifecycle.Assessment{}
	if as, err := lifecycle.AssessBook(in.Book, lifecycle.BookInput{Quotes: in.Market.Quotes}, in.Settings.Lifecycle); err == nil {
		for _, x := range as {
			if x.Problem == "" {
				live[x.ID] = x
			}
		}
	}
	staged := map[string][]AutoAction{}
	for _, b := range step.Blocked {
		if onlyUnarmed(b.Verdict) {
			it := b.Intent
			staged[it.Layer] = append(staged[it.Layer], AutoAction{At: in.Market.Now, Layer: it.Layer, Kind: it.Kind,
				ClientOrderID: it.ClientOrderID, Rule: it.Rule, Order: legWords(it.Legs), Outcome: "staged: arm " + string(it.Kind) + " to place it",
				Legs: it.Legs})
		}
	}
	if !chains { // the staged checklist orders stand until the next chains
		for layer, acts := range a.ext.staged {
			if _, ok := staged[layer]; ok {
				continue
			}
			for _, x := range acts {
				if x.Kind == automation.Roll || x.Kind == automation.ReEntry || strings.HasPrefix(x.Rule, "deep ITM") {
					staged[layer] = append(staged[layer], x)
				}
			}
		}
	}
	a.ext.staged = staged
	armed := func(layer string, k automation.Kind) string {
		if a.gate.IsArmed(layer, k) {
			return ""
		}
		return " (not armed for " + string(k) + ")"
	}
	ls := in.Settings.Lifecycle
	var rows []LifecycleRow
	for _, t := range a.st.Tracks {
		r := LifecycleRow{Layer: t.Layer, Symbol: t.Symbol, Stage: t.Stage}
		if n := len(t.History); n > 0 {
			h := t.History[n-1]
			r.Reason, r.Numbers, r.Since = h.Reason, h.Numbers, h.At
		}
		switch t.Stage {
		case lifecycle.Options, lifecycle.Tested, lifecycle.DeepITM:
			if x, ok := live[t.ID]; ok {
				r.Numbers = x.Numbers
				if r.Reason == "" || x.Stage == t.Stage {
					r.Reason = x.Reason
				}
				switch {
				case t.Stage == lifecycle.Tested:
					r.Next = "roll to the roll planner's top candidate" + armed(t.Layer, automation.Roll)
				case t.Stage == lifecycle.DeepITM && x.Action == lifecycle.LetAssign:
					r.Next = "let it be assigned into " + x.Assignment.Deliverable + armed(t.Layer, automation.LetAssign)
				case t.Stage == lifecycle.DeepITM:
					r.Next = string(x.Action) + armed(t.Layer, automation.Roll)
				}
			}
		case lifecycle.AwaitingAssignment:
			r.Next = fmt.Sprintf("assignment into %s at %s by %s", t.Assignment.Deliverable, format.Num(t.Option.Strike, -1),
				t.Option.Expiry.In(instrument.NewYork).Format("Mon 2 Jan 15:04"))
		case lifecycle.Future, lifecycle.Shares:
			h := t.Held
			d := 1.0
			side := "sell"
			if h.Units < 0 {
				d, side = -1, "buy"
			}
			profit := h.Breakeven + d*ls.ProfitTicks*h.Tick
			cmp := "≥"
			if d < 0 {
				cmp = "≤"
			}
			n := lifecycle.Numbers{"units": h.Units, "price": h.Price, "breakeven": h.Breakeven, "profit_level": profit, "tick": h.Tick}
			if q, ok := in.Market.Quotes[h.Symbol]; ok && q.Mid() > 0 {
				n["last"] = q.Mid()
				n["ticks_beyond_breakeven"] = d * (q.Mid() - h.Breakeven) / h.Tick
			}
			r.Numbers = n
			r.Next = fmt.Sprintf("%s %s %s if %s %s %s (breakeven %s + %g ticks)%s", side, format.Num(math.Abs(h.Units), -1), h.Symbol,
				h.Symbol, cmp, format.Num(profit, -1), format.Num(h.Breakeven, 2), ls.ProfitTicks, armed(t.Layer, automation.LetAssign))
		case lifecycle.ReEnter:
			r.Next = "re-enter: a strangle around today's price when the chains come in" + armed(t.Layer, automation.ReEntry)
			for _, x := range staged[t.Layer] {
				if x.Kind == automation.ReEntry {
					r.Next = "re-enter: " + x.Order + armed(t.Layer, automation.ReEntry)
				}
			}
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Layer != rows[j].Layer {
			return rows[i].Layer < rows[j].Layer
		}
		return rows[i].Symbol < rows[j].Symbol
	})
	a.ext.rows = rows
	// each layer's next action: the tactical rule's, then its options' past "options"
	for _, r := range rows {
		if r.Next == "" {
			continue
		}
		w := r.Symbol + ": " + r.Next
		if x := a.next[r.Layer]; x != "" {
			w = x + " · " + w
		}
		a.next[r.Layer] = w
	}
	if l := a.hedgeLayer(); l != "" {
		cs, _ := s.ChecklistSettings(context.Background())
		w := fmt.Sprintf("hedge the book in %s when its delta leaves ±%s%% of net liquidation", cs.BookHedge, format.Num(cs.BookBand, -1))
		if ps, _ := s.HedgePolicies(context.Background()); ps != nil {
			if p, ok := ps[BookScope]; ok {
				w = fmt.Sprintf("hedge the book in %s by %s (unless the checklist's notes say it cannot apply)", cs.BookHedge, p.Words())
			}
		}
		if x := a.next[l]; x != "" {
			w = x + " · " + w
		}
		a.next[l] = w
	}
}

// savedAuto is what the journal keeps of the rules (migration 0010).
type savedAuto struct {
	State  autopilot.State            `json:"state"`
	Params map[string]tactical.Params `json:"params"`
}

// autoSave keeps the rules' memory in the journal when it changed (a.mu held).
func (s *Service) autoSave(ctx context.Context, a *autoState, at time.Time) {
	j := s.cfg.Journal
	if j == nil {
		return
	}
	b, err := json.Marshal(savedAuto{State: a.st, Params: a.params})
	if err != nil {
		s.noteJournal("could not keep the rules' state: " + err.Error())
		return
	}
	if string(b) == a.ext.saved {
		return
	}
	if err := j.SaveAutomationState(ctx, s.Book(), at, string(b)); err != nil {
		s.noteJournal("could not keep the rules' state: " + err.Error())
		return
	}
	a.ext.saved = string(b)
}

// autoRestore resumes the rules' memory the journal kept (autoInit).
func (s *Service) autoRestore(a *autoState) {
	j := s.cfg.Journal
	if j == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	v, _, ok, err := j.AutomationState(ctx, s.Book())
	if err != nil {
		s.noteJournal("could not read the rules' state: " + err.Error())
		return
	}
	if !ok {
		return
	}
	var sv savedAuto
	if err := json.Unmarshal([]byte(v), &sv); err != nil {
		s.noteJournal("the rules' kept state is unreadable, starting afresh: " + err.Error())
		return
	}
	if sv.State.Tactical == nil {
		sv.State.Tactical = map[string]tactical.State{}
	}
	a.st = sv.State
	for k, p := range sv.Params {
		if p.Validate() == nil {
			a.params[k] = p
		}
	}
	a.ext.saved = v
}

// fileInLayer files the symbols no layer holds yet into layer: what a layer's rule opened
// (a re-entry's or a roll's new options) or an assignment delivered to it belongs to it.
func (s *Service) fileInLayer(ctx context.Context, layer string, symbols []string) {
	j := s.cfg.Journal
	if j == nil || layer == "" || len(symbols) == 0 {
		return
	}
	have, err := j.PositionLayers(ctx, s.Book())
	if err != nil {
		s.noteJournal("could not read the layers of positions: " + err.Error())
		return
	}
	var add []string
	for _, sym := range symbols {
		if _, ok := have[sym]; !ok && !slices.Contains(add, sym) {
			add = append(add, sym)
		}
	}
	if len(add) == 0 {
		return
	}
	if err := j.AssignLayer(ctx, s.Book(), add, layer); err != nil {
		s.noteJournal("could not file " + strings.Join(add, ", ") + " in " + layer + ": " + err.Error())
		return
	}
	s.LayersChanged()
}

// autoJudged says an order is an automated one being placed: the autopilot ran the spiral
// guard on the layer its rule trades for (with the layer's tactical exposure), which the
// desk's guard, attributing a new option to the first layer on its underlying, cannot.
func (s *Service) autoJudged(clientID string) bool {
	_, ok := s.auto.ext.judged.Load(clientID)
	return ok
}

// oneLeg makes a one-leg order's quantity the order's and its ratio the side.
func oneLeg(o *brokers.Order) {
	if len(o.Legs) != 1 {
		return
	}
	q := o.Legs[0].Ratio
	o.Quantity, o.Legs[0].Ratio = abs64(q), q/abs64(max(abs64(q), 1))
}

// StagedOrder is a staged action (AutomationView.Staged) as an order for the ticket: its
// legs looked up, a day limit order the ticket prices, a new client order id (the trader's
// order, not the rule's), the rule in its note. Nothing is sent. It looks the legs up: run
// it off the UI goroutine.
func (s *Service) StagedOrder(ctx context.Context, a AutoAction) (brokers.Order, error) {
	if len(a.Legs) == 0 {
		return brokers.Order{}, fmt.Errorf("%s: the staged action has no legs", a.Rule)
	}
	o := brokers.Order{ClientID: NewClientID(), Type: brokers.Limit, TIF: brokers.Day, Quantity: 1,
		Note: "staged by the desk's rules (" + string(a.Kind) + ", " + a.Layer + "): " + a.Rule}
	for _, l := range a.Legs {
		in, err := s.broker.Lookup(ctx, l.Symbol)
		if err != nil {
			return brokers.Order{}, fmt.Errorf("look up %s: %w", l.Symbol, err)
		}
		r := int64(math.Round(l.Quantity))
		if l.Side == "sell" {
			r = -r
		}
		o.Legs = append(o.Legs, brokers.Leg{Symbol: l.Symbol, Instrument: in, Ratio: r})
	}
	oneLeg(&o)
	return o, nil
}
