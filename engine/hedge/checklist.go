package hedge

import (
	"fmt"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/format"
	"math"
	"sort"
	"strings"
	"time"
)

// LayerState is one layer as the daily checklist sees it. Exposure holds the options'
// Greeks only, in portfolio.Exposure's units; the checklist reads its beta-weighted
// figures: BetaDelta (benchmark units, SPY shares), BetaGamma (dollars per 1% move of
// the benchmark), Vega, Theta and Notional. HedgeHeld is the delta of the hedges held
// (futures, shares, ETFs) and Target the delta the layer wants, both in BetaDelta's
// units. Spot is the benchmark's price, Vol, Years and Rate feed the band policies
// (Years: time to the options' expiry). Underlying names what the layer is on, to match
// user-entered events.
type LayerState struct {
	Name       string
	Underlying string
	Exposure   portfolio.Exposure
	Spot       float64
	HedgeHeld  float64
	Target     float64
	Policy     Policy
	Hedge      Instrument
	LastHedge  time.Time
	Vol        float64
	Years      float64
	Rate       float64
	Positions  []Position
	// LayerOrders is, for the book, the delta the layers' orders of this run add: the book
	// step sees the book as those orders leave it. 0 for a layer.
	LayerOrders float64
}

// Event is a user-entered market event (earnings, FOMC, CPI). An empty Symbol means it
// concerns every layer.
type Event struct {
	Name   string
	Symbol string
	At     time.Time
}

// Checklist is the guide's emotion-free daily hedging checklist as pure computation.
// EventDays is how far ahead events are shown (default 7 calendar days). BookPolicy,
// when set, decides on the book: the sum of the layers' deltas, which the caller must
// give in one common unit (the same underlying, or beta-weighted into it).
type Checklist struct {
	Rules      RiskRules
	Limits     Limits
	EventDays  int
	BookPolicy Policy
	BookHedge  Instrument
}

// DefaultChecklist uses DefaultRiskRules, portfolio.DefaultLimits and a 7-day event window.
func DefaultChecklist() Checklist {
	return Checklist{Rules: DefaultRiskRules(), Limits: portfolio.DefaultLimits(), EventDays: 7}
}

// HedgeStep is the guide's hedge steps for one layer (or "book"): the options' delta now,
// the hedge required (Target − options delta: what would put the layer on target), the
// hedge held, the difference (required − held), and the policy's decision: inside the
// band nothing is traded, outside it Adjustment is the delta its order adds (whole lots;
// to the target or the band's edge as the policy says). Action is "no action" or the
// order in words. All deltas in underlying units.
type HedgeStep struct {
	Layer         string
	OptionsDelta  float64
	HedgeRequired float64
	HedgeHeld     float64
	LayerOrders   float64
	Difference    float64
	NetDelta      float64
	Adjustment    float64
	Decision      Decision
	Action        string
}

// Run is one checklist run: every step's figures and decision, and whether anything
// must be done. It carries no P&L by design — the rule while hedging is "ignore P&L".
type Run struct {
	At        time.Time
	Hedges    []HedgeStep
	Positions []Finding // DTE, at-the-money and gamma checks: positions to roll or close
	Vega      []Finding // each layer's vega, and events in the window
	Limits    []Finding
	// Outcome is what the run concludes from every finding (Conclude): something to trade,
	// warnings to attend to, or nothing to do. ActionNeeded is Outcome == OutcomeAction.
	Outcome      Outcome
	ActionNeeded bool
	Actions      int         // hedge orders and act findings
	Attention    []Attention // the warnings, each with what to do
	Summary      string
}

// ChecklistInput is the state at the time of the run.
type ChecklistInput struct {
	Now    time.Time
	NetLiq float64
	Layers []LayerState
	Events []Event
}

// Run computes the checklist. It fails, changing nothing, when a layer's inputs are
// invalid; the error names the layer.
func (c Checklist) Run(in ChecklistInput) (Run, error) {
	if in.Now.IsZero() {
		return Run{}, fmt.Errorf("hedge: checklist needs Now")
	}
	days := c.EventDays
	if days == 0 {
		days = 7
	}
	r := Run{At: in.Now}
	var book LayerState
	book.Name = "book"
	for _, l := range in.Layers {
		if l.Policy == nil {
			return Run{}, fmt.Errorf("hedge: layer %q has no hedging policy", l.Name)
		}
		step, err := hedgeStep(l, l.Policy, l.Hedge, in)
		if err != nil {
			return Run{}, fmt.Errorf("hedge: layer %q: %w", l.Name, err)
		}
		r.Hedges = append(r.Hedges, step)
		if f, ok := narrowBand(l.Name, step, l.Hedge); ok {
			r.Limits = append(r.Limits, f)
		}
		book.Exposure = book.Exposure.Plus(l.Exposure)
		book.HedgeHeld += l.HedgeHeld
		book.LayerOrders += step.Adjustment // the book step decides on the book as the layers' orders leave it
		book.Target += l.Target
		if book.Spot == 0 {
			book.Spot, book.Vol, book.Years, book.Rate = l.Spot, l.Vol, l.Years, l.Rate
		}

		r.Positions = append(r.Positions, c.Rules.Check(l.Positions)...)
		r.Vega = append(r.Vega, Finding{Symbol: l.Name, Rule: "vega", Severity: Info,
			Text: fmt.Sprintf("%s: vega %s $/vol pt, theta %s $/day", l.Name, signed(l.Exposure.Vega), signed(l.Exposure.Theta))})
		for _, e := range in.Events {
			if e.Symbol != "" && e.Symbol != l.Underlying {
				continue
			}
			left := e.At.Sub(in.Now).Hours() / 24
			if left < 0 || left > float64(days) {
				continue
			}
			r.Vega = append(r.Vega, Finding{Symbol: l.Name, Rule: "event", Severity: Warn,
				Text: fmt.Sprintf("%s on %s (in %.1f days): %s carries vega %s $/vol pt — an implied-vol move of 5 points is %s",
					e.Name, e.At.Format("2006-01-02"), left, l.Name, signed(l.Exposure.Vega), signed(5*l.Exposure.Vega))})
		}
		if in.NetLiq > 0 {
			f, err := CheckLimits(c.Limits, l.Name, net(l), in.NetLiq)
			if err != nil {
				return Run{}, err
			}
			r.Limits = append(r.Limits, f...)
		}
	}
	if len(in.Layers) > 0 {
		if c.BookPolicy != nil {
			step, err := hedgeStep(book, c.BookPolicy, c.BookHedge, in)
			if err != nil {
				return Run{}, fmt.Errorf("hedge: book: %w", err)
			}
			r.Hedges = append(r.Hedges, step)
			if f, ok := narrowBand("book", step, c.BookHedge); ok {
				r.Limits = append(r.Limits, f)
			}
		} else {
			held := book.HedgeHeld + book.LayerOrders
			r.Hedges = append(r.Hedges, HedgeStep{Layer: "book", OptionsDelta: book.Exposure.BetaDelta,
				HedgeRequired: book.Target - book.Exposure.BetaDelta, HedgeHeld: book.HedgeHeld, LayerOrders: book.LayerOrders,
				Difference: book.Target - book.Exposure.BetaDelta - held, NetDelta: book.Exposure.BetaDelta + held,
				Action: "no book policy: the layers are hedged one by one"})
		}
		if in.NetLiq > 0 {
			f, err := CheckLimits(c.Limits, "book", net(book), in.NetLiq)
			if err != nil {
				return Run{}, err
			}
			r.Limits = append(r.Limits, f...)
		}
	}
	sort.SliceStable(r.Positions, func(i, j int) bool { return r.Positions[i].Severity > r.Positions[j].Severity })
	r.Conclude()
	return r, nil
}

// net is the layer's exposure with its hedges (and, for the book, the layers' orders)
// included.
func net(l LayerState) portfolio.Exposure {
	e := l.Exposure
	e.BetaDelta += l.HedgeHeld + l.LayerOrders
	return e
}

// policyGamma is the one place where the checklist converts units for the policies: the
// exposure's gamma, dollars of delta per 1% move (portfolio.Exposure), becomes Input's
// units per 1.00 move of spot, dividing by 0.01·spot². A spot that is not positive gives 0;
// the policy then refuses the spot itself, by name.
func policyGamma(perPercent, spot float64) float64 {
	if !(spot > 0) {
		return 0
	}
	return perPercent / (0.01 * spot * spot)
}

// narrowBand is the finding for a step whose band is narrower than its hedge's smallest
// lot: no whole lot can be sure to keep the delta inside it.
func narrowBand(name string, s HedgeStep, h Instrument) (Finding, bool) {
	if !s.Decision.Narrow || len(h.Lots) == 0 {
		return Finding{}, false
	}
	small := h.Lots[len(h.Lots)-1]
	b := s.Decision.Band
	return Finding{Symbol: name, Rule: "band narrower than a lot", Severity: Warn, Text: fmt.Sprintf(
		"%s: the band %s…%s is %.1f shares wide, narrower than one %s (%.1f shares): no whole lot keeps the delta inside it, so the hedge lands on the lot nearest the target, up to %.1f shares off — widen the band or hedge with a smaller lot",
		name, minus(fmt.Sprintf("%+.1f", b.Lo)), minus(fmt.Sprintf("%+.1f", b.Hi)), b.Hi-b.Lo, small.Symbol, math.Abs(small.Delta), math.Abs(small.Delta)/2)}, true
}

// minus writes the true minus sign "−" for the hyphen a formatted number starts with.
func minus(s string) string { return strings.Replace(s, "-", "−", 1) }

func hedgeStep(l LayerState, p Policy, h Instrument, in ChecklistInput) (HedgeStep, error) {
	held := l.HedgeHeld + l.LayerOrders
	netDelta := l.Exposure.BetaDelta + held
	step := HedgeStep{
		Layer:         l.Name,
		OptionsDelta:  l.Exposure.BetaDelta,
		HedgeRequired: l.Target - l.Exposure.BetaDelta,
		HedgeHeld:     l.HedgeHeld,
		LayerOrders:   l.LayerOrders,
		Difference:    l.Target - l.Exposure.BetaDelta - held,
		NetDelta:      netDelta,
	}
	d, err := p.Decide(Input{
		Now: in.Now, LastHedge: l.LastHedge, Delta: netDelta, Target: l.Target, Gamma: policyGamma(l.Exposure.BetaGamma, l.Spot),
		Spot: l.Spot, Vol: l.Vol, Years: l.Years, Rate: l.Rate, NetLiq: in.NetLiq, Hedge: h,
	})
	if err != nil {
		return HedgeStep{}, err
	}
	step.Decision = d
	step.Action = "no action"
	if d.Hedge {
		step.Adjustment = d.Order.Delta
		step.Action = d.Order.String()
	}
	if l.LayerOrders != 0 {
		step.Action += fmt.Sprintf(" (after the layers' orders above, %s)", signed(l.LayerOrders))
	}
	return step, nil
}

// RunRecord is one scheduled checklist run as journaled: when it was due, when it was
// completed (zero if missed), and how many overrides it recorded.
type RunRecord struct {
	Scheduled time.Time
	Completed time.Time
	Overrides int
}

// ReviewInput is a week of records: the runs, the number of adjustments made outside
// the checklist, the hedging cost paid (commissions, spreads, slippage; dollars) and the
// theta collected (dollars) over the same week.
type ReviewInput struct {
	Runs           []RunRecord
	OffChecklist   int
	HedgeCost      float64
	ThetaCollected float64
}

// ReviewRules set the weekly review. A run is on time when completed within Grace of
// its schedule (default 30 minutes). "Widen the band" is suggested when the hedging cost
// exceeds CostToTheta of the theta collected (default 0.30) — in the guide the
// institutional desk paid transaction costs of about 11% of its theta ($215k of $1.92M)
// and the failed retail trader more than all of it; 30% leaves room between the two.
type ReviewRules struct {
	Grace       time.Duration
	CostToTheta float64
}

// Review is the week's adherence and cost in figures and words.
type Review struct {
	Scheduled, OnTime, Late, Missed int
	Adherence                       float64 // on-time runs ÷ scheduled runs
	Overrides, OffChecklist         int
	HedgeCost, ThetaCollected       float64
	CostToTheta                     float64 // 0 when no theta was collected
	// Suggestion is the week's verdict in words, always set. Keep says it is the green
	// "keep the bands" (theta was collected, its cost in proportion, the checklist followed);
	// NothingToJudge that the week holds nothing to judge the bands or the discipline by: no
	// run was due, no hedging cost paid, no adjustment outside the checklist, no override
	// (theta alone, as on a book's first day before the checklist's time, judges nothing).
	Suggestion     string
	Keep           bool
	NothingToJudge bool
	Text           []string
}

// Review computes the weekly review.
func (rr ReviewRules) Review(in ReviewInput) (Review, error) {
	grace, limit := rr.Grace, rr.CostToTheta
	if grace == 0 {
		grace = 30 * time.Minute
	}
	if limit == 0 {
		limit = 0.30
	}
	if !(in.HedgeCost >= 0) || math.IsInf(in.HedgeCost, 0) || math.IsNaN(in.ThetaCollected) || math.IsInf(in.ThetaCollected, 0) || in.OffChecklist < 0 {
		return Review{}, fmt.Errorf("hedge: review needs a hedging cost ≥ 0 (%g), a finite theta (%g) and off-checklist ≥ 0 (%d)", in.HedgeCost, in.ThetaCollected, in.OffChecklist)
	}
	v := Review{Scheduled: len(in.Runs), OffChecklist: in.OffChecklist, HedgeCost: in.HedgeCost, ThetaCollected: in.ThetaCollected}
	for _, r := range in.Runs {
		v.Overrides += r.Overrides
		switch {
		case r.Completed.IsZero():
			v.Missed++
		case r.Completed.Sub(r.Scheduled) <= grace:
			v.OnTime++
		default:
			v.Late++
		}
	}
	if v.Scheduled > 0 {
		v.Adherence = float64(v.OnTime) / float64(v.Scheduled)
	}
	v.Text = append(v.Text,
		fmt.Sprintf("checklist runs: %d of %d on time, %d late, %d missed", v.OnTime, v.Scheduled, v.Late, v.Missed),
		format.Count(v.Overrides, "override", "")+"; "+format.Count(v.OffChecklist, "adjustment outside the checklist", "adjustments outside the checklist"))
	if in.ThetaCollected > 0 {
		v.CostToTheta = in.HedgeCost / in.ThetaCollected
		v.Text = append(v.Text, fmt.Sprintf("hedging cost $%.2f against theta collected $%.2f (%.0f%%)", in.HedgeCost, in.ThetaCollected, 100*v.CostToTheta))
	} else {
		v.Text = append(v.Text, fmt.Sprintf("hedging cost $%.2f with no theta collected", in.HedgeCost))
	}
	switch {
	case in.HedgeCost > 0 && (in.ThetaCollected <= 0 || v.CostToTheta > limit):
		v.Suggestion = fmt.Sprintf("widen the band: hedging cost is above %.0f%% of the theta collected", 100*limit)
	case v.OffChecklist > 0 || v.Overrides > 0:
		v.Suggestion = "follow the checklist: every adjustment outside it or overridden is a discretionary trade"
	case v.Missed+v.Late > 0:
		v.Suggestion = "run the checklist at its set time every day"
	case v.Scheduled == 0 && in.HedgeCost == 0:
		v.NothingToJudge = true
		v.Suggestion = "nothing to judge: no checklist run was due and no hedging cost was paid this week"
	case in.ThetaCollected > 0:
		v.Keep = true
		v.Suggestion = fmt.Sprintf("keep the bands: hedging cost is %.0f%% of the theta collected, within %.0f%%, and the checklist was followed", 100*v.CostToTheta, 100*limit)
	default:
		v.Suggestion = "the checklist was followed; no theta was collected, so there is nothing to judge the bands by"
	}
	return v, nil
}
