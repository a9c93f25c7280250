package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/automation"
	"github.com/keel-desk/keel/engine/autopilot"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/tactical"
)

// AutomationEvery is the most often the desk runs its rules: the snapshots are coalesced
// to one decision a second (wall time).
const AutomationEvery = time.Second

// ErrConfirmLive is arming on a real broker without the session's explicit confirmation.
var ErrConfirmLive = errors.New("arming the desk's rules on a real broker needs this session's explicit confirmation")

// AutoKinds are the kinds of action the desk can arm, per layer: hedges inside the
// checklist's book band, tactical cycles, rolls to the roll planner's top candidate,
// let-assign decisions (with the assigned position's profit exit) and re-entries.
func AutoKinds() []automation.Kind { return automation.Kinds() }

// AutoAction is one thing the desk's rules did: an order sent, refused or blocked.
type AutoAction struct {
	At            time.Time // market time
	Layer         string
	Kind          automation.Kind
	ClientOrderID string
	Rule          string
	Order         string // "buy 1 MESZ6"
	Outcome       string // "filled", "working", "blocked: …", "not sent: …"
	Legs          []autopilot.Leg
}

// AutomationView is what the windows show of the desk's rules.
type AutomationView struct {
	Layers    []string // the book's layers, to arm
	Live      bool     // a real broker: arming needs Confirmed
	Confirmed bool     // the trader confirmed arming for this session
	Armed     map[string][]automation.Kind
	Next      map[string]string // per armed layer, its next action in words
	Last      []AutoAction      // newest first
	Disarmed  string            // why everything was last disarmed ("kill switch", …); "" when never
	Tactical  map[string]tactical.State
	Cycles    []autopilot.Cycle
	Problems  []string
	Params    map[string]tactical.Params // the tactical parameters each layer trades with
	// Lifecycle is every short option's stage (and what it became: a future, shares, a
	// re-entry), with its reason and numbers; LayerStages the furthest stage of each layer.
	Lifecycle   []LifecycleRow
	LayerStages map[string]LifecycleRow
	// Staged are the orders a rule would send if its layer were armed for its kind (a
	// re-entry, a roll, a profit exit), by layer: what arming would do.
	Staged map[string][]AutoAction
	// Chains says when the desk last gathered the option chains rolls and re-entries
	// trade into (market time), or why it could not.
	Chains string
}

// ArmedAny says whether any layer is armed for anything.
func (v AutomationView) ArmedAny() bool {
	for _, ks := range v.Armed {
		if len(ks) > 0 {
			return true
		}
	}
	return false
}

type autoState struct {
	once      sync.Once
	mu        sync.Mutex // held by a step, Arm, Disarm and Kill
	kills     atomic.Int64
	gate      *automation.Gate
	st        autopilot.State
	confirmed bool
	params    map[string]tactical.Params // trader's edits by layer
	orders    map[string]string          // client order id → broker order id, while working
	last      []AutoAction
	next      map[string]string
	disarmed  string
	cycles    []autopilot.Cycle
	problems  []string
	lastRun   time.Time
	connected bool
	dayStart  string
	dayNetLiq float64
	exposure  atomic.Pointer[map[string]float64] // layer → tactical exposure, beta-weighted dollars
	ext       autoExtra                          // automation_kinds.go
}

// tacticalExposure is each layer's open tactical exposure in beta-weighted dollars, as the
// spiral guard counts it (hedge.Layer.Tactical). It never waits on a running step.
func (s *Service) tacticalExposure() map[string]float64 {
	if m := s.auto.exposure.Load(); m != nil {
		return *m
	}
	return nil
}

// setExposure values the tactical positions at snap: units held × the position's
// beta-weighted dollar delta per unit (a.mu held).
func (s *Service) setExposure(a *autoState, snap *Snapshot, params map[string]string) {
	m := map[string]float64{}
	for layer, ts := range a.st.Tactical {
		sym := params[layer]
		if ts.Position == 0 || sym == "" {
			continue
		}
		for _, p := range snap.Book.Positions {
			if p.ID == sym && p.Quantity != 0 && p.Err == nil {
				m[layer] = ts.Position * p.BetaDollarDelta / p.Quantity
			}
		}
	}
	a.exposure.Store(&m)
}

func (s *Service) autoInit() *autoState {
	a := &s.auto
	a.once.Do(func() {
		g, err := automation.NewGate(automation.DefaultLimits())
		if err != nil {
			panic(err) // the defaults are valid (engine/automation's tests)
		}
		a.gate, a.params, a.orders, a.next, a.connected = g, map[string]tactical.Params{}, map[string]string{}, map[string]string{}, true
		a.st = autopilot.State{Tactical: map[string]tactical.State{}}
		s.autoRestore(a)
		go s.autoRun()
	})
	return a
}

// ArmAutomation arms a layer for one kind of action. On a real broker the first arming of
// the session needs confirm (the trader's explicit opt-in); the paper account does not.
func (s *Service) ArmAutomation(layer string, kind automation.Kind, confirm bool) error {
	a := s.autoInit()
	a.mu.Lock()
	defer a.mu.Unlock()
	if s.Paper() == nil && !a.confirmed {
		if !confirm {
			return ErrConfirmLive
		}
		a.confirmed = true
	}
	if !isAutoKind(kind) {
		return fmt.Errorf("the desk cannot run %s rules (only %v)", kind, AutoKinds())
	}
	if kind == automation.Hedge {
		if other := a.hedgeLayer(); other != "" && other != layer {
			return fmt.Errorf("layer %q already hedges the book: one layer holds the book's hedge (disarm its hedges first)", other)
		}
	}
	if err := a.gate.Arm(layer, kind, s.marketNow()); err != nil {
		return err
	}
	a.disarmed = ""
	return nil
}

func isAutoKind(k automation.Kind) bool {
	for _, x := range AutoKinds() {
		if x == k {
			return true
		}
	}
	return false
}

// DisarmAutomation disarms a layer for one kind of action.
func (s *Service) DisarmAutomation(layer string, kind automation.Kind) {
	a := s.autoInit()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gate.Disarm(layer, kind)
}

// SetTacticalParams sets the tactical parameters a layer trades with (the engine's
// validation applies on the next step).
func (s *Service) SetTacticalParams(layer string, p tactical.Params) error {
	if err := p.Validate(); err != nil {
		return err
	}
	a := s.autoInit()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.params[layer] = p
	s.autoSave(context.Background(), a, s.marketNow())
	return nil
}

// Kill is the kill switch: it disarms every layer at once — no automated order is sent
// after it returns, not even by a step already running — and cancels the working
// automated orders. It returns the cancellations that failed.
func (s *Service) Kill(ctx context.Context) error {
	a := s.autoInit()
	a.kills.Add(1) // a running step sends nothing more
	a.mu.Lock()
	defer a.mu.Unlock()
	working := a.gate.Kill(s.marketNow())
	a.disarmed = "kill switch"
	var errs []error
	for _, w := range working {
		id := a.orders[w.ClientOrderID]
		if id == "" {
			continue
		}
		if err := s.Cancel(ctx, id); err != nil {
			errs = append(errs, fmt.Errorf("cancel %s: %w", w.ClientOrderID, err))
			continue
		}
		delete(a.orders, w.ClientOrderID)
		a.gate.Done(w.ClientOrderID)
	}
	// orders the gate no longer lists but the broker still works (sent before a restart)
	if st, err := s.broker.Orders(ctx); err == nil {
		for _, o := range st {
			if o.State == brokers.Working && strings.HasPrefix(o.Order.Note, autoNote) {
				if err := s.Cancel(ctx, o.ID); err != nil {
					errs = append(errs, fmt.Errorf("cancel %s: %w", o.ID, err))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// Automation is what the desk's rules are doing, for the windows.
func (s *Service) Automation() AutomationView {
	a := s.autoInit()
	a.mu.Lock()
	defer a.mu.Unlock()
	v := AutomationView{Live: s.Paper() == nil, Confirmed: a.confirmed, Armed: map[string][]automation.Kind{},
		Next: map[string]string{}, Last: append([]AutoAction(nil), a.last...), Disarmed: a.disarmed,
		Tactical: map[string]tactical.State{}, Cycles: append([]autopilot.Cycle(nil), a.cycles...),
		Problems: append([]string(nil), a.problems...), Params: map[string]tactical.Params{}}
	for k, x := range a.next {
		v.Next[k] = x
	}
	for k, x := range a.st.Tactical {
		v.Tactical[k] = x
	}
	v.Lifecycle = append([]LifecycleRow(nil), a.ext.rows...)
	v.LayerStages = LayerStages(v.Lifecycle)
	v.Staged = map[string][]AutoAction{}
	for k, x := range a.ext.staged {
		v.Staged[k] = append([]AutoAction(nil), x...)
	}
	v.Chains = a.ext.chainsWords()
	if snap := s.Latest(); snap != nil {
		for _, lr := range snap.Book.Layers {
			if lr.Configured {
				v.Layers = append(v.Layers, lr.Layer.Name)
			}
			if ks := a.gate.ArmedKinds(lr.Layer.Name); len(ks) > 0 {
				v.Armed[lr.Layer.Name] = ks
			}
			if p, _, err := s.tacticalParams(a, snap, lr); err == nil {
				v.Params[lr.Layer.Name] = p
			}
		}
	}
	return v
}

// AuditLog is the journal's audit log of automated orders in [from, to).
func (s *Service) AuditLog(ctx context.Context, from, to time.Time) ([]data.AuditEntry, error) {
	if s.cfg.Journal == nil {
		return nil, errors.New("no journal: nothing is audited")
	}
	return s.cfg.Journal.AuditLog(ctx, s.Book(), from, to)
}

// autoRun watches the snapshots: a disconnect disarms everything, the daily loss limit
// disarms everything, and the rules run at most once per AutomationEvery while armed.
func (s *Service) autoRun() {
	snaps, cancel := s.Subscribe()
	defer cancel()
	for {
		select {
		case <-s.done:
			return
		case snap, ok := <-snaps:
			if !ok {
				return
			}
			a := &s.auto
			a.mu.Lock()
			s.autoWatch(a, snap)
			due := s.cfg.Wall().Sub(a.lastRun) >= AutomationEvery
			a.mu.Unlock()
			s.chainsIfDue(snap)
			if due {
				if err := s.AutomationStep(context.Background()); err != nil {
					a.mu.Lock()
					a.problems = []string{err.Error()}
					a.mu.Unlock()
				}
			}
		}
	}
}

// autoWatch applies the guardrails that watch the account (a.mu held).
func (s *Service) autoWatch(a *autoState, snap *Snapshot) {
	if !snap.Connected && a.connected {
		a.gate.Disconnected(snap.Time)
		a.disarmed = "broker disconnected — re-arm when it is back"
	}
	if snap.Connected && !a.connected {
		a.gate.Connected()
	}
	a.connected = snap.Connected
	nl := snap.Account.NetLiquidation.InexactFloat64()
	day := snap.Time.In(instrument.NewYork).Format("2006-01-02")
	if day != a.dayStart && nl > 0 {
		a.dayStart, a.dayNetLiq = day, nl
	}
	if a.dayNetLiq > 0 && nl > 0 {
		if hit, err := a.gate.DayLoss(snap.Time, nl-a.dayNetLiq, a.dayNetLiq); err == nil && hit {
			a.disarmed = "daily loss limit"
		}
	}
}

// AutomationStep runs the desk's rules once on the latest snapshot (the desk does it by
// itself at most once per AutomationEvery while a layer is armed) and sends the orders
// the gate allows. Each is written to the journal's audit log before it is sent.
func (s *Service) AutomationStep(ctx context.Context) error {
	a := s.autoInit()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lastRun = s.cfg.Wall()
	snap := s.Latest()
	if snap == nil || !snap.Synced {
		return nil
	}
	s.autoWatch(a, snap)
	for id, oid := range a.orders { // working orders that are done now
		for _, o := range snap.Orders {
			if o.ID == oid && o.State.Done() {
				delete(a.orders, id)
				a.gate.Done(id)
			}
		}
	}
	kills := a.kills.Load()
	a.next = map[string]string{}
	in, err := s.autoInput(ctx, a, snap)
	if err != nil {
		return err
	}
	settles := a.ext.takeSettlements()
	in.Market.Settlements = settlementsFor(settles)
	chains, chainsAt := a.ext.takeChains()
	in.Market.Chains = chains
	next, step, err := autopilot.Decide(in, a.st, a.gate)
	if err != nil {
		a.ext.putBack(settles, chains, chainsAt)
		return err
	}
	a.st = next
	syms := map[string]string{}
	for _, l := range in.Layers {
		if l.Tactical != nil {
			syms[l.Name] = l.Tactical.Symbol
		}
	}
	s.setExposure(a, snap, syms)
	for k, x := range step.Next {
		a.next[k] = x
	}
	a.problems = step.Problems
	var blocked []autopilot.Blocked
	for _, b := range step.Blocked {
		if onlyUnarmed(b.Verdict) { // what arming would do: shown as staged, not as blocked
			continue
		}
		blocked = append(blocked, b)
	}
	s.autoDescribe(a, in, step, chains != nil)
	for _, b := range blocked {
		a.record(AutoAction{At: in.Market.Now, Layer: b.Intent.Layer, Kind: b.Intent.Kind, ClientOrderID: b.Intent.ClientOrderID,
			Rule: b.Intent.Rule, Order: legWords(b.Intent.Legs), Outcome: "blocked: " + b.Verdict.Why()})
	}
	j := s.cfg.Journal
	for _, c := range step.Cycles {
		a.cycles = append(a.cycles, c)
		if j != nil {
			detail, _ := json.Marshal(c.Cycle)
			if err := j.RecordTacticalCycle(ctx, s.Book(), c.Layer, c.Closed, string(detail)); err != nil {
				s.noteJournal("could not journal a tactical cycle: " + err.Error())
			}
		}
	}
	for _, tr := range step.Transitions {
		if tr.To == lifecycle.Future || tr.To == lifecycle.Shares {
			for _, t := range a.st.Tracks {
				if t.Symbol == tr.Symbol && t.Layer == tr.Layer && t.Held.Symbol != "" {
					s.fileInLayer(ctx, tr.Layer, []string{t.Held.Symbol})
				}
			}
		}
		if j != nil {
			if err := j.RecordLifecycle(ctx, data.LifecycleEvent{Book: s.Book(), Layer: tr.Layer, Symbol: tr.Symbol,
				From: string(tr.From), To: string(tr.To), Reason: tr.Reason, At: tr.At}); err != nil {
				s.noteJournal("could not journal a lifecycle transition: " + err.Error())
			}
		}
	}
	for _, it := range step.Orders {
		if a.kills.Load() != kills {
			a.gate.Done(it.ClientOrderID)
			a.record(AutoAction{At: in.Market.Now, Layer: it.Layer, Kind: it.Kind, ClientOrderID: it.ClientOrderID, Rule: it.Rule,
				Order: legWords(it.Legs), Outcome: "not sent: the kill switch"})
			continue
		}
		s.autoSend(ctx, a, in.Market.Now, it)
	}
	s.autoSave(ctx, a, in.Market.Now)
	return nil
}

// autoNote starts the Note of every automated order.
const autoNote = "automation: "

// autoSend audits an allowed intent, then sends it through the desk's order path.
func (s *Service) autoSend(ctx context.Context, a *autoState, now time.Time, it autopilot.Intent) {
	act := AutoAction{At: now, Layer: it.Layer, Kind: it.Kind, ClientOrderID: it.ClientOrderID, Rule: it.Rule, Order: legWords(it.Legs)}
	defer func() { a.record(act) }()
	o := brokers.Order{ClientID: it.ClientOrderID, Type: brokers.Market, TIF: brokers.Day, Quantity: 1, Note: autoNote + it.Rule}
	for _, l := range it.Legs {
		in, err := s.Lookup(ctx, l.Symbol)
		if err != nil {
			a.gate.Done(it.ClientOrderID)
			act.Outcome = "not sent: " + err.Error()
			return
		}
		ratio := int64(math.Round(l.Quantity))
		if l.Side == "sell" {
			ratio = -ratio
		}
		o.Legs = append(o.Legs, brokers.Leg{Symbol: l.Symbol, Instrument: in, Ratio: ratio})
	}
	oneLeg(&o)
	// no duplicate after a reconnect or a restart: the broker must not know the id already
	if known, err := s.broker.Orders(ctx); err == nil {
		for _, k := range known {
			if k.Order.ClientID == it.ClientOrderID {
				a.gate.Done(it.ClientOrderID)
				act.Outcome = "not sent: the broker already has order " + k.ID
				return
			}
		}
	}
	var audit int64
	if j := s.cfg.Journal; j != nil {
		inputs, _ := json.Marshal(it.Inputs)
		legs, _ := json.Marshal(it.Legs)
		id, err := j.AuditOrder(ctx, data.AuditEntry{Book: s.Book(), At: now, Layer: it.Layer, Kind: string(it.Kind),
			ClientOrderID: it.ClientOrderID, Rule: it.Rule, Inputs: string(inputs), Legs: string(legs)})
		if err != nil { // not in the audit log: not sent
			a.gate.Done(it.ClientOrderID)
			act.Outcome = "not sent: " + err.Error()
			return
		}
		audit = id
	}
	a.ext.judged.Store(it.ClientOrderID, true)
	st, err := s.Place(ctx, o)
	a.ext.judged.Delete(it.ClientOrderID)
	outcome := st.State.String()
	if err != nil {
		outcome = "not sent: " + err.Error()
	}
	if err == nil && (st.State == brokers.Filled || st.State == brokers.Working) {
		var syms []string
		for _, l := range it.Legs {
			syms = append(syms, l.Symbol)
		}
		s.fileInLayer(ctx, it.Layer, syms)
	}
	if st.ID != "" && st.State == brokers.Working {
		a.orders[it.ClientOrderID] = st.ID
	} else {
		a.gate.Done(it.ClientOrderID)
	}
	if audit != 0 {
		if err := s.cfg.Journal.SetAuditOutcome(ctx, audit, st.ID, outcome); err != nil {
			s.noteJournal("could not record an automated order's outcome: " + err.Error())
		}
	}
	act.Outcome = outcome
}

// record keeps the last 50 actions, newest first (a.mu held).
func (a *autoState) record(x AutoAction) {
	a.last = append([]AutoAction{x}, a.last...)
	if len(a.last) > 50 {
		a.last = a.last[:50]
	}
}

func legWords(legs []autopilot.Leg) string {
	var w []string
	for _, l := range legs {
		w = append(w, fmt.Sprintf("%s %g %s", l.Side, l.Quantity, l.Symbol))
	}
	return strings.Join(w, ", ")
}

// tacticalParams are the parameters a layer trades with — the trader's, else the defaults
// for its bias and underlying — and its underlying's symbol. Layers without a bias, or on
// an underlying the defaults do not know, have none.
func (s *Service) tacticalParams(a *autoState, snap *Snapshot, lr portfolio.LayerRisk) (tactical.Params, string, error) {
	var pos *portfolio.PositionRisk
	for i := range snap.Book.Positions {
		if snap.Book.Positions[i].Layer == lr.Layer.Name {
			pos = &snap.Book.Positions[i]
			break
		}
	}
	if pos == nil {
		return tactical.Params{}, "", fmt.Errorf("layer %q holds nothing", lr.Layer.Name)
	}
	in := pos.Instrument
	root, under := in.Root, in.Underlying
	if under == "" {
		under = pos.ID
	}
	if in.Kind == instrument.Stock {
		root = pos.ID
	}
	trade := ""
	if root == "MES" { // a micro layer trades its own contract on the ES defaults
		root, trade = "ES", "MES"
	}
	p, ok := a.params[lr.Layer.Name]
	if !ok {
		var err error
		if p, err = tactical.Defaults(lr.Layer.Bias, root, trade); err != nil {
			return tactical.Params{}, "", err
		}
	}
	if p.Multiplier > 1 && !strings.ContainsAny(p.Symbol[len(p.Symbol)-1:], "0123456789") { // a futures root: the front month
		y, m, err := instrument.NextContract(p.Symbol, snap.Time.AddDate(0, 0, 3))
		if err != nil {
			return tactical.Params{}, "", err
		}
		f, err := instrument.NewFuture(p.Symbol, y, m)
		if err != nil {
			return tactical.Params{}, "", err
		}
		p.Symbol = f.Symbol()
	}
	return p, under, nil
}

// autoInput is the autopilot's view of a snapshot: the valued book, the armed layers with
// their tactical parameters, and quotes of what they trade (a.mu held).
func (s *Service) autoInput(ctx context.Context, a *autoState, snap *Snapshot) (autopilot.Input, error) {
	in := autopilot.Input{Book: snap.Book, Settings: autopilot.DefaultSettings()}
	quotes := map[string]liquidity.Quote{}
	for sym, q := range snap.Quotes {
		quotes[sym] = brokers.LiquidityQuote(q)
	}
	in.Settings.Lifecycle.Liquidity = s.LiquiditySettings().Rules
	in.Settings.Roll = s.RollSettings()
	for _, lr := range snap.Book.Layers {
		if !lr.Configured || len(a.gate.ArmedKinds(lr.Layer.Name)) == 0 {
			continue
		}
		l := autopilot.Layer{Name: lr.Layer.Name, Bias: lr.Layer.Bias}
		if a.gate.IsArmed(lr.Layer.Name, automation.Hedge) {
			if err := s.hedgeRule(ctx, snap, &l); err != nil {
				a.next[lr.Layer.Name] = "no hedge rule: " + err.Error()
			}
		}
		if !a.gate.IsArmed(lr.Layer.Name, automation.Tactical) {
			in.Layers = append(in.Layers, l)
			continue
		}
		p, under, err := s.tacticalParams(a, snap, lr)
		if err != nil {
			a.next[lr.Layer.Name] = "no tactical rule: " + err.Error()
			in.Layers = append(in.Layers, l)
			continue
		}
		for _, sym := range []string{under, p.Symbol} {
			if _, ok := quotes[sym]; ok {
				continue
			}
			q, err := s.broker.Quote(ctx, sym)
			if err != nil {
				return in, fmt.Errorf("automation: quote of %s: %w", sym, err)
			}
			lq := brokers.LiquidityQuote(q)
			if lq.Instrument.Root == "" {
				if lq.Instrument, err = s.broker.Lookup(ctx, sym); err != nil {
					return in, fmt.Errorf("automation: %s: %w", sym, err)
				}
			}
			quotes[sym] = lq
		}
		l.Tactical, l.Underlying = &p, under
		in.Layers = append(in.Layers, l)
	}
	sort.Slice(in.Layers, func(i, j int) bool { return in.Layers[i].Name < in.Layers[j].Name })
	if err := s.heldQuotes(ctx, a, quotes); err != nil {
		return in, err
	}
	ny := snap.Time.In(instrument.NewYork)
	lim := a.gate.Limits()
	in.Market = autopilot.Market{Now: snap.Time, Quotes: quotes, NetLiq: snap.Account.NetLiquidation.InexactFloat64(),
		SessionClose:  time.Date(ny.Year(), ny.Month(), ny.Day(), 0, 0, 0, 0, instrument.NewYork).Add(lim.Close),
		DividendYield: s.cfg.DividendYield}
	return in, nil
}

// IsArmed says whether a layer is armed for a kind of action.
func (s *Service) IsArmed(layer string, kind automation.Kind) bool {
	a := s.autoInit()
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.gate.IsArmed(layer, kind)
}
