// Package automation is the gate every order the desk's own rules place must pass: the
// guardrails of issue 16 as a deterministic state machine with no clock, network or
// storage (time is passed in; the desk owns the Gate on its one goroutine and journals what
// it says).
//
// Nothing is armed at first. The trader arms a layer per kind of action (hedges, tactical
// cycles, rolls, let-assign decisions, re-entries). An action passes when every guardrail
// passes; Check lists every one that blocks, with why:
//
//   - armed: the layer is armed for the action's kind;
//   - broker: connected — a disconnect disarms everything until the trader re-arms;
//   - daily loss limit: a day's loss of DailyLossPercent of net liquidation disarms
//     everything, and nothing can be re-armed that New York day;
//   - duplicate: a client order id already sent is never sent again (a reconnect that
//     replays a rule's step gets the same id and is refused);
//   - orders per hour / per day: at most MaxOrdersPerHour in the hour before the action and
//     MaxOrdersPerDay on its New York date;
//   - contracts per order / per layer: the order's contracts and the layer's gross contracts
//     after it;
//   - liquidity: an option order whose liquidity checklist fails (engine/liquidity);
//   - spiral guard: an order the spiral guard stops (engine/hedge);
//   - market hours: the session (Limits.Open to Limits.Close New York, 09:30–16:00 by
//     default, on trading days: instrument.IsTradingDay), not in its first OpenBuffer nor
//     its last CloseBuffer. Automated rules trade the regular session only, ES included.
//
// Kill disarms everything and lists the working automated orders to cancel.
//
// Defaults (Keel's; the guides give none): 20 orders an hour, 60 a day, 10 contracts an
// order, 40 contracts a layer, a daily loss limit of 2% of net liquidation, 5 minutes at
// each end of the session (tactical cycles go flat 15 minutes before the close, inside
// the window).
package automation

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
)

// Kind is a kind of automated action, armed separately.
type Kind string

const (
	Hedge     Kind = "hedge"      // hedges inside the checklist's bands
	Tactical  Kind = "tactical"   // tactical cycles
	Roll      Kind = "roll"       // the roll planner's top candidate
	LetAssign Kind = "let assign" // let-assign decisions
	ReEntry   Kind = "re-entry"   // re-entries after a profit exit
)

// Kinds lists every kind, in the order the desk shows them.
func Kinds() []Kind { return []Kind{Hedge, Tactical, Roll, LetAssign, ReEntry} }

func (k Kind) valid() bool { return slices.Contains(Kinds(), k) }

// Guardrail names a rule of the gate.
type Guardrail string

const (
	Armed             Guardrail = "armed"
	Broker            Guardrail = "broker"
	DailyLoss         Guardrail = "daily loss limit"
	Duplicate         Guardrail = "duplicate"
	OrdersPerHour     Guardrail = "orders per hour"
	OrdersPerDay      Guardrail = "orders per day"
	ContractsPerOrder Guardrail = "contracts per order"
	ContractsPerLayer Guardrail = "contracts per layer"
	Liquidity         Guardrail = "liquidity"
	Spiral            Guardrail = "spiral guard"
	MarketHours       Guardrail = "market hours"
)

// Limits are the gate's thresholds. A zero count or size is no limit only where said.
type Limits struct {
	MaxOrdersPerHour     int
	MaxOrdersPerDay      int
	MaxContractsPerOrder float64
	MaxContractsPerLayer float64
	DailyLossPercent     float64 // of net liquidation; 0: no daily loss limit
	// Open and Close are the session's hours as time of day in New York (09:30 and 16:00:
	// the regular session of the US exchanges, the simulated market's).
	Open        time.Duration
	Close       time.Duration
	OpenBuffer  time.Duration
	CloseBuffer time.Duration
}

// DefaultLimits are Keel's defaults (package doc).
func DefaultLimits() Limits {
	return Limits{MaxOrdersPerHour: 20, MaxOrdersPerDay: 60, MaxContractsPerOrder: 10, MaxContractsPerLayer: 40,
		DailyLossPercent: 2, Open: 9*time.Hour + 30*time.Minute, Close: 16 * time.Hour,
		OpenBuffer: 5 * time.Minute, CloseBuffer: 5 * time.Minute}
}

// Validate names the first limit that is not usable.
func (l Limits) Validate() error {
	switch {
	case l.MaxOrdersPerHour < 1 || l.MaxOrdersPerDay < 1:
		return fmt.Errorf("automation: orders per hour %d and per day %d must be at least 1", l.MaxOrdersPerHour, l.MaxOrdersPerDay)
	case !(l.MaxContractsPerOrder > 0) || !(l.MaxContractsPerLayer > 0) || math.IsInf(l.MaxContractsPerOrder+l.MaxContractsPerLayer, 0):
		return fmt.Errorf("automation: contracts per order %g and per layer %g must be positive", l.MaxContractsPerOrder, l.MaxContractsPerLayer)
	case !(l.DailyLossPercent >= 0 && l.DailyLossPercent <= 100):
		return fmt.Errorf("automation: daily loss limit %g%% must be in [0, 100]", l.DailyLossPercent)
	case l.Open < 0 || l.Close > 24*time.Hour || l.Open >= l.Close:
		return fmt.Errorf("automation: the session %s–%s must open before it closes, within a day", l.Open, l.Close)
	case l.OpenBuffer < 0 || l.CloseBuffer < 0 || l.OpenBuffer+l.CloseBuffer >= l.Close-l.Open:
		return fmt.Errorf("automation: session buffers %s and %s must be ≥ 0 and leave some of the session", l.OpenBuffer, l.CloseBuffer)
	}
	return nil
}

// Action is one order a rule wants to place. Contracts counts option and futures contracts
// (0 for shares); LayerContracts is the layer's gross contracts once it fills. Reduces says
// the order only reduces the layer's position (it still passes every guardrail). Liquidity
// is the checklist for an option order (nil for futures and shares); SpiralGuard the
// spiral guard's verdict when the order was checked (nil: not an option order).
type Action struct {
	At             time.Time          `json:"at"`
	Layer          string             `json:"layer"`
	Kind           Kind               `json:"kind"`
	ClientOrderID  string             `json:"client_order_id"`
	Symbol         string             `json:"symbol"`
	Side           string             `json:"side"`
	Quantity       float64            `json:"quantity"`
	Contracts      float64            `json:"contracts"`
	LayerContracts float64            `json:"layer_contracts"`
	Reduces        bool               `json:"reduces"`
	Rule           string             `json:"rule"`
	Inputs         map[string]float64 `json:"inputs"`
	Liquidity      *liquidity.Result  `json:"liquidity,omitempty"`
	SpiralGuard    *hedge.Verdict     `json:"spiral_guard,omitempty"`
}

// Block is one guardrail that stops an action, and why.
type Block struct {
	Guardrail Guardrail `json:"guardrail"`
	Why       string    `json:"why"`
}

// Verdict is the gate's answer: Allowed when no guardrail blocks.
type Verdict struct {
	Allowed bool    `json:"allowed"`
	Blocks  []Block `json:"blocks"`
}

// Why is the blocks in one sentence ("" when allowed).
func (v Verdict) Why() string {
	var s []string
	for _, b := range v.Blocks {
		s = append(s, string(b.Guardrail)+": "+b.Why)
	}
	return strings.Join(s, "; ")
}

type sent struct {
	at    time.Time
	id    string
	layer string
}

// Gate is the guardrails' state. Its zero value is not usable: use NewGate.
type Gate struct {
	limits    Limits
	armed     map[string]map[Kind]bool
	connected bool
	lossDay   string // the New York date the daily loss limit tripped on
	sent      []sent
	ids       map[string]bool
	working   map[string]Action
	// Disarmed is why everything was last disarmed ("" when it never was).
	Disarmed string
}

// NewGate is a gate with nothing armed and the broker connected.
func NewGate(l Limits) (*Gate, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	return &Gate{limits: l, armed: map[string]map[Kind]bool{}, connected: true, ids: map[string]bool{}, working: map[string]Action{}}, nil
}

// Limits are the gate's limits.
func (g *Gate) Limits() Limits { return g.limits }

// Arm arms layer for kind at. It is refused while the broker is disconnected and on a day
// the daily loss limit tripped.
func (g *Gate) Arm(layer string, kind Kind, at time.Time) error {
	switch {
	case !kind.valid():
		return fmt.Errorf("automation: %q is not a kind of action (%v)", kind, Kinds())
	case strings.TrimSpace(layer) == "":
		return fmt.Errorf("automation: arming needs a layer name")
	case !g.connected:
		return fmt.Errorf("automation: the broker is disconnected: reconnect before arming %s for %s", layer, kind)
	case g.lossDay != "" && g.lossDay == day(at):
		return fmt.Errorf("automation: the daily loss limit tripped today (%s): nothing can be armed until tomorrow", g.lossDay)
	}
	if g.armed[layer] == nil {
		g.armed[layer] = map[Kind]bool{}
	}
	g.armed[layer][kind] = true
	return nil
}

// Disarm disarms layer for kind.
func (g *Gate) Disarm(layer string, kind Kind) { delete(g.armed[layer], kind) }

// IsArmed reports whether layer is armed for kind.
func (g *Gate) IsArmed(layer string, kind Kind) bool { return g.armed[layer][kind] }

// ArmedKinds lists what layer is armed for, in Kinds order.
func (g *Gate) ArmedKinds(layer string) []Kind {
	var out []Kind
	for _, k := range Kinds() {
		if g.armed[layer][k] {
			out = append(out, k)
		}
	}
	return out
}

// ArmedLayers lists the layers armed for anything, sorted.
func (g *Gate) ArmedLayers() []string {
	var out []string
	for l, ks := range g.armed {
		for _, on := range ks {
			if on {
				out = append(out, l)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

func (g *Gate) disarmAll(why string) {
	g.armed = map[string]map[Kind]bool{}
	g.Disarmed = why
}

// Disconnected records a broker disconnect: everything is disarmed until the trader
// re-arms (a reconnect does not re-arm).
func (g *Gate) Disconnected(at time.Time) {
	g.connected = false
	g.disarmAll("the broker disconnected at " + at.Format(time.RFC3339) + ": re-arm after reconnecting")
}

// Connected records that the broker is back; nothing is re-armed.
func (g *Gate) Connected() { g.connected = true }

// DayLoss reports the day's P&L (dollars, a loss negative) against net liquidation: at a
// loss of DailyLossPercent or more everything is disarmed, for the rest of that New York
// day. It returns whether the limit tripped now.
func (g *Gate) DayLoss(at time.Time, pnl, netLiq float64) (bool, error) {
	if math.IsNaN(pnl) || math.IsInf(pnl, 0) || !(netLiq > 0) || math.IsInf(netLiq, 0) {
		return false, fmt.Errorf("automation: day P&L %g and net liquidation %g must be finite, net liquidation positive", pnl, netLiq)
	}
	if g.limits.DailyLossPercent == 0 {
		return false, nil
	}
	limit := g.limits.DailyLossPercent / 100 * netLiq
	if -pnl < limit {
		return false, nil
	}
	g.lossDay = day(at)
	g.disarmAll(fmt.Sprintf("the daily loss limit tripped at %s: a loss of $%.0f ≥ %g%% of $%.0f ($%.0f)",
		at.Format(time.RFC3339), -pnl, g.limits.DailyLossPercent, netLiq, limit))
	return true, nil
}

// Kill is the kill switch: everything is disarmed and the working automated orders are
// returned, by client order id, for the desk to cancel.
func (g *Gate) Kill(at time.Time) []Action {
	g.disarmAll("kill switch at " + at.Format(time.RFC3339))
	out := make([]Action, 0, len(g.working))
	for _, a := range g.working {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Action) int { return strings.Compare(a.ClientOrderID, b.ClientOrderID) })
	return out
}

// Check judges a, changing nothing.
func (g *Gate) Check(a Action) Verdict {
	var v Verdict
	block := func(r Guardrail, format string, args ...any) {
		v.Blocks = append(v.Blocks, Block{Guardrail: r, Why: fmt.Sprintf(format, args...)})
	}
	if !g.connected {
		block(Broker, "the broker is disconnected")
	}
	if g.lossDay != "" && g.lossDay == day(a.At) {
		block(DailyLoss, "the daily loss limit tripped today")
	}
	if !g.armed[a.Layer][a.Kind] {
		why := fmt.Sprintf("layer %q is not armed for %s", a.Layer, a.Kind)
		if g.Disarmed != "" {
			why += " (last disarmed: " + g.Disarmed + ")"
		}
		block(Armed, "%s", why)
	}
	switch {
	case strings.TrimSpace(a.ClientOrderID) == "":
		block(Duplicate, "the order has no client order id")
	case g.ids[a.ClientOrderID]:
		block(Duplicate, "client order id %s was already sent: never twice", a.ClientOrderID)
	}
	hour, today := 0, 0
	for _, s := range g.sent {
		if s.at.After(a.At.Add(-time.Hour)) && !s.at.After(a.At) {
			hour++
		}
		if day(s.at) == day(a.At) {
			today++
		}
	}
	if hour >= g.limits.MaxOrdersPerHour {
		block(OrdersPerHour, "%d orders in the hour before %s, the limit is %d", hour, a.At.Format("15:04"), g.limits.MaxOrdersPerHour)
	}
	if today >= g.limits.MaxOrdersPerDay {
		block(OrdersPerDay, "%d orders on %s, the limit is %d", today, day(a.At), g.limits.MaxOrdersPerDay)
	}
	if math.IsNaN(a.Contracts) || a.Contracts > g.limits.MaxContractsPerOrder {
		block(ContractsPerOrder, "%g contracts, the limit is %g an order", a.Contracts, g.limits.MaxContractsPerOrder)
	}
	if math.IsNaN(a.LayerContracts) || a.LayerContracts > g.limits.MaxContractsPerLayer {
		block(ContractsPerLayer, "layer %q would hold %g contracts, the limit is %g", a.Layer, a.LayerContracts, g.limits.MaxContractsPerLayer)
	}
	if a.Liquidity != nil && a.Liquidity.Verdict == liquidity.Fail {
		block(Liquidity, "%s fails the liquidity checklist: %s", a.Liquidity.Symbol, strings.Join(a.Liquidity.Reasons, "; "))
	}
	if a.SpiralGuard != nil && a.SpiralGuard.Stop {
		block(Spiral, "%s", a.SpiralGuard.Reason)
	}
	if why, ok := g.inSession(a.At); !ok {
		block(MarketHours, "%s", why)
	}
	v.Allowed = len(v.Blocks) == 0
	return v
}

// inSession says whether t is inside the regular session less the buffers.
func (g *Gate) inSession(t time.Time) (string, bool) {
	ny := t.In(instrument.NewYork)
	if !instrument.IsTradingDay(ny) {
		return fmt.Sprintf("%s is not a trading day", ny.Format("Mon 2006-01-02")), false
	}
	y, m, d := ny.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, instrument.NewYork)
	open, cls := midnight.Add(g.limits.Open), midnight.Add(g.limits.Close)
	switch {
	case ny.Before(open) || !ny.Before(cls):
		return fmt.Sprintf("%s is outside the session (%s–%s New York)", ny.Format("15:04"), open.Format("15:04"), cls.Format("15:04")), false
	case ny.Before(open.Add(g.limits.OpenBuffer)):
		return fmt.Sprintf("%s is in the first %s of the session", ny.Format("15:04:05"), g.limits.OpenBuffer), false
	case !ny.Before(cls.Add(-g.limits.CloseBuffer)):
		return fmt.Sprintf("%s is in the last %s of the session", ny.Format("15:04:05"), g.limits.CloseBuffer), false
	}
	return "", true
}

// Send checks a and, when it is allowed, records it as sent and working: it counts against
// the order limits and its client order id can never pass again. It returns the verdict.
func (g *Gate) Send(a Action) Verdict {
	v := g.Check(a)
	if !v.Allowed {
		return v
	}
	g.sent = append(g.sent, sent{at: a.At, id: a.ClientOrderID, layer: a.Layer})
	g.ids[a.ClientOrderID] = true
	g.working[a.ClientOrderID] = a
	// forget what no longer counts: sends before the action's day and hour
	keep := g.sent[:0]
	for _, s := range g.sent {
		if s.at.After(a.At.Add(-25 * time.Hour)) {
			keep = append(keep, s)
		}
	}
	g.sent = keep
	return v
}

// Done records that an automated order is no longer working (filled, cancelled, rejected).
func (g *Gate) Done(clientOrderID string) { delete(g.working, clientOrderID) }

// Working lists the working automated orders by client order id.
func (g *Gate) Working() []Action {
	out := make([]Action, 0, len(g.working))
	for _, a := range g.working {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Action) int { return strings.Compare(a.ClientOrderID, b.ClientOrderID) })
	return out
}

// day is t's New York date.
func day(t time.Time) string { return t.In(instrument.NewYork).Format("2006-01-02") }
