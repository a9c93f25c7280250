package liquidity

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

// Verdict is a traffic light: Pass, Warn or Fail. It marshals as "pass", "warn", "fail".
type Verdict int8

const (
	Pass Verdict = iota
	Warn
	Fail
)

func (v Verdict) String() string {
	switch v {
	case Warn:
		return "warn"
	case Fail:
		return "fail"
	}
	return "pass"
}

// MarshalText writes the verdict as "pass", "warn" or "fail".
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads "pass", "warn" or "fail".
func (v *Verdict) UnmarshalText(b []byte) error {
	switch string(b) {
	case "pass":
		*v = Pass
	case "warn":
		*v = Warn
	case "fail":
		*v = Fail
	default:
		return fmt.Errorf("liquidity: verdict %q is not pass, warn or fail", b)
	}
	return nil
}

// Worse is the worse of v and w.
func (v Verdict) Worse(w Verdict) Verdict {
	if w > v {
		return w
	}
	return v
}

// Rule names one test of the checklist.
type Rule string

const (
	OpenInterest Rule = "open interest"
	Volume       Rule = "volume"
	Spread       Rule = "spread"
	SizeVsVolume Rule = "size vs volume"
	BothSides    Rule = "both sides quoted"
)

// Rules are the checklist's thresholds. DefaultRules are the guide's.
type Rules struct {
	MinOpenInterest    int64   // open interest must be above this (1,000 contracts)
	MinVolume          int64   // the day's volume must be above this (100 contracts)
	MaxSpreadPct       float64 // (ask − bid) / mid must be under this, in percent (5); one tick always passes
	MaxSizePctOfVolume float64 // the order may be at most this percent of the day's volume (10)
	// WarnMargin is how close to its threshold a passing rule warns, as a fraction of the
	// threshold (0.2: open interest up to 1,200, a spread from 4%); 0 never warns. Keel's
	// default, not the guide's.
	WarnMargin float64
	// ExpectedAdjustments is how many times the position is expected to cross the spread in
	// its life, for ExpectedCost: the guide's example counts entry, exit and 3 rebalances (5).
	ExpectedAdjustments float64
}

// DefaultRules are the guide's checklist: open interest > 1,000, volume > 100, spread < 5%
// of mid, order ≤ 10% of volume; a 20% warning margin and 5 expected spread crossings.
func DefaultRules() Rules {
	return Rules{MinOpenInterest: 1000, MinVolume: 100, MaxSpreadPct: 5, MaxSizePctOfVolume: 10,
		WarnMargin: 0.2, ExpectedAdjustments: 5}
}

// Validate reports the first threshold that is not a usable number, naming it.
func (r Rules) Validate() error {
	switch {
	case r.MinOpenInterest < 0:
		return fmt.Errorf("liquidity: minimum open interest %d must not be negative", r.MinOpenInterest)
	case r.MinVolume < 0:
		return fmt.Errorf("liquidity: minimum volume %d must not be negative", r.MinVolume)
	case !(r.MaxSpreadPct > 0) || math.IsInf(r.MaxSpreadPct, 0):
		return fmt.Errorf("liquidity: maximum spread %g%% must be a positive number", r.MaxSpreadPct)
	case !(r.MaxSizePctOfVolume > 0) || math.IsInf(r.MaxSizePctOfVolume, 0):
		return fmt.Errorf("liquidity: maximum size %g%% of volume must be a positive number", r.MaxSizePctOfVolume)
	case !(r.WarnMargin >= 0 && r.WarnMargin < 1):
		return fmt.Errorf("liquidity: warning margin %g must be in [0, 1)", r.WarnMargin)
	case !(r.ExpectedAdjustments >= 0) || math.IsInf(r.ExpectedAdjustments, 0):
		return fmt.Errorf("liquidity: expected adjustments %g must be a number ≥ 0", r.ExpectedAdjustments)
	}
	return nil
}

// Quote is one option's market as a broker reports it, in engine units. Bid or Ask is 0
// when that side is not quoted; BidSize and AskSize are 0 when not reported. Volume is the
// day's so far. Underlying is the underlying's price and IV the implied volatility as a
// fraction (0 when unknown): the roll planner reads them, the rules do not.
type Quote struct {
	Symbol       string
	Instrument   instrument.Instrument
	Bid, Ask     float64
	BidSize      int64
	AskSize      int64
	Volume       int64
	OpenInterest int64
	Underlying   float64
	IV           float64
}

// Mid is the midpoint of bid and ask (ask / 2 when there is no bid).
func (q Quote) Mid() float64 { return (q.Bid + q.Ask) / 2 }

// Tick is the price increment at the ask, the one the one-tick floor compares the spread
// with (instrument.Tick; it never falls as the price rises).
func (q Quote) Tick() float64 { return instrument.Tick(q.Instrument, q.Ask) }

// SpreadPct is (ask − bid) / mid in percent; +Inf is never returned: a quote with no ask
// has no spread and SpreadPct 0 with ok false.
func (q Quote) SpreadPct() (pct float64, ok bool) {
	mid := q.Mid()
	if !(q.Ask > 0) || !(mid > 0) || q.Ask < q.Bid {
		return 0, false
	}
	return 100 * (q.Ask - q.Bid) / mid, true
}

// oneTick reports whether the market is one tick wide (or tighter), within float noise.
func (q Quote) oneTick() bool {
	return q.Ask > 0 && q.Ask-q.Bid <= q.Tick()*(1+1e-9)
}

func (q Quote) validate(size int64) error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"bid", q.Bid}, {"ask", q.Ask}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return fmt.Errorf("liquidity: %s: %s %g must be a number ≥ 0", q.Symbol, f.name, f.v)
		}
	}
	switch {
	case q.Ask > 0 && q.Bid > q.Ask:
		return fmt.Errorf("liquidity: %s: bid %g is above ask %g", q.Symbol, q.Bid, q.Ask)
	case q.BidSize < 0 || q.AskSize < 0 || q.Volume < 0 || q.OpenInterest < 0:
		return fmt.Errorf("liquidity: %s: sizes, volume and open interest must not be negative", q.Symbol)
	case size <= 0:
		return fmt.Errorf("liquidity: %s: order size %d must be at least 1 contract", q.Symbol, size)
	}
	return nil
}

// Check is one rule applied to one quote: its verdict, the number measured, the threshold
// and a sentence saying so.
type Check struct {
	Rule      Rule    `json:"rule"`
	Verdict   Verdict `json:"verdict"`
	Measured  float64 `json:"measured"`
	Threshold float64 `json:"threshold"`
	Words     string  `json:"words"`
}

// Result is the checklist applied to one quote and order size.
type Result struct {
	Symbol    string   `json:"symbol"`
	Size      int64    `json:"size"`
	Verdict   Verdict  `json:"verdict"` // the worst of Checks
	Checks    []Check  `json:"checks"`  // in the guide's order: open interest, volume, spread, size vs volume, both sides
	Reasons   []string `json:"reasons"` // the failing and warning checks' words
	Mid       float64  `json:"mid"`
	Tick      float64  `json:"tick"`
	SpreadPct float64  `json:"spread_pct"` // percent; 0 when there is no two-sided market
	// Cost is ExpectedCost: the guide's expected cost of illiquidity in dollars.
	Cost float64 `json:"expected_cost"`
}

// margin thresholds: the passing value within which a rule warns.
func (r Rules) above(min float64) float64 { return min * (1 + r.WarnMargin) }
func (r Rules) below(max float64) float64 { return max * (1 - r.WarnMargin) }

// verdicts are the five rules' verdicts, with no words: the roll planner's fast path.
func (r Rules) verdicts(q Quote, size int64) (v [5]Verdict) {
	oi, vol := float64(q.OpenInterest), float64(q.Volume)
	v[0] = atLeast(oi, float64(r.MinOpenInterest), r.above(float64(r.MinOpenInterest)))
	v[1] = atLeast(vol, float64(r.MinVolume), r.above(float64(r.MinVolume)))
	if pct, ok := q.SpreadPct(); !ok {
		v[2] = Fail
	} else if q.oneTick() {
		v[2] = Pass
	} else {
		v[2] = atMost(pct, r.MaxSpreadPct, r.below(r.MaxSpreadPct), false)
	}
	if q.Volume <= 0 {
		v[3] = Fail
	} else {
		v[3] = atMost(100*float64(size)/vol, r.MaxSizePctOfVolume, r.below(r.MaxSizePctOfVolume), true)
	}
	switch {
	case !(q.Bid > 0) || !(q.Ask > 0):
		v[4] = Fail
	case q.BidSize == 0 && q.AskSize == 0:
		v[4] = Warn // sizes not reported
	case q.BidSize < size || q.AskSize < size:
		v[4] = Fail
	}
	return v
}

// atLeast: pass above min (strictly) and above warnAt; warn above min up to warnAt; fail at
// or below min.
func atLeast(x, min, warnAt float64) Verdict {
	switch {
	case !(x > min):
		return Fail
	case x <= warnAt && warnAt > min:
		return Warn
	}
	return Pass
}

// atMost: pass under max (or at it when inclusive), warn from warnAt, fail beyond.
func atMost(x, max, warnAt float64, inclusive bool) Verdict {
	switch {
	case x > max*(1+1e-12) || (!inclusive && x >= max*(1-1e-12)):
		return Fail
	case x >= warnAt && warnAt < max:
		return Warn
	}
	return Pass
}

// Verdict is the quote's verdict for an order of size contracts, without the words: fail
// exactly when a rule fails. It is Check(q, size).Verdict, cheaper.
func (r Rules) Verdict(q Quote, size int64) (Verdict, error) {
	if err := q.validate(size); err != nil {
		return Fail, err
	}
	worst := Pass
	for _, v := range r.verdicts(q, size) {
		worst = worst.Worse(v)
	}
	return worst, nil
}

// Check applies every rule to q for an order of size contracts.
func (r Rules) Check(q Quote, size int64) (Result, error) {
	if err := r.Validate(); err != nil {
		return Result{}, err
	}
	if err := q.validate(size); err != nil {
		return Result{}, err
	}
	v := r.verdicts(q, size)
	pct, twoSided := q.SpreadPct()
	res := Result{Symbol: q.Symbol, Size: size, Mid: q.Mid(), Tick: q.Tick(), SpreadPct: pct,
		Cost: r.ExpectedCost(q, size), Reasons: []string{}}
	oi, vol := float64(q.OpenInterest), float64(q.Volume)
	words := [5]string{}
	words[0] = compare("open interest", q.OpenInterest, "above", r.MinOpenInterest, v[0])
	words[1] = compare("today's volume", q.Volume, "above", r.MinVolume, v[1])
	switch {
	case !twoSided:
		words[2] = "no market: nothing is offered"
	case q.oneTick() && pct >= r.below(r.MaxSpreadPct):
		words[2] = fmt.Sprintf("spread %s is %.1f%% of the mid but one tick (%s) wide, as tight as it can be",
			price(q.Ask-q.Bid), pct, price(res.Tick))
	case v[2] == Fail:
		words[2] = fmt.Sprintf("spread %s is %.1f%% of the mid %s, not under %g%%", price(q.Ask-q.Bid), pct, price(res.Mid), r.MaxSpreadPct)
	case v[2] == Warn:
		words[2] = fmt.Sprintf("spread %.1f%% of the mid is close to the %g%% limit", pct, r.MaxSpreadPct)
	default:
		words[2] = fmt.Sprintf("spread %.1f%% of the mid is under %g%%", pct, r.MaxSpreadPct)
	}
	sizePct := 0.0
	if q.Volume > 0 {
		sizePct = 100 * float64(size) / vol
	}
	switch {
	case q.Volume <= 0:
		words[3] = fmt.Sprintf("no volume today: %d contracts cannot be %g%% of it", size, r.MaxSizePctOfVolume)
	case v[3] == Fail:
		words[3] = fmt.Sprintf("%d contracts are %.3g%% of today's volume %d, over %g%%", size, sizePct, q.Volume, r.MaxSizePctOfVolume)
	case v[3] == Warn:
		words[3] = fmt.Sprintf("%d contracts are %.3g%% of today's volume, close to the %g%% limit", size, sizePct, r.MaxSizePctOfVolume)
	default:
		words[3] = fmt.Sprintf("%d contracts are %.3g%% of today's volume, within %g%%", size, sizePct, r.MaxSizePctOfVolume)
	}
	minSide := min(q.BidSize, q.AskSize)
	switch {
	case !(q.Bid > 0) && !(q.Ask > 0):
		words[4] = "neither side is quoted"
	case !(q.Bid > 0):
		words[4] = "no bid: nobody to sell to"
	case !(q.Ask > 0):
		words[4] = "no offer: nobody to buy from"
	case v[4] == Warn:
		words[4] = "the broker reports no sizes: cannot tell whether the market takes the order"
	case v[4] == Fail:
		words[4] = fmt.Sprintf("bid %d × ask %d contracts: less than the order of %d on a side", q.BidSize, q.AskSize, size)
	default:
		words[4] = fmt.Sprintf("bid %d × ask %d contracts: both sides take the order of %d", q.BidSize, q.AskSize, size)
	}
	checks := [5]Check{
		{OpenInterest, v[0], oi, float64(r.MinOpenInterest), words[0]},
		{Volume, v[1], vol, float64(r.MinVolume), words[1]},
		{Spread, v[2], pct, r.MaxSpreadPct, words[2]},
		{SizeVsVolume, v[3], sizePct, r.MaxSizePctOfVolume, words[3]},
		{BothSides, v[4], float64(minSide), float64(size), words[4]},
	}
	res.Checks = checks[:]
	for _, c := range checks {
		res.Verdict = res.Verdict.Worse(c.Verdict)
		if c.Verdict != Pass {
			res.Reasons = append(res.Reasons, c.Words)
		}
	}
	return res, nil
}

func compare(what string, x int64, rel string, limit int64, v Verdict) string {
	switch v {
	case Fail:
		return fmt.Sprintf("%s %s is not %s %s", what, count(x), rel, count(limit))
	case Warn:
		return fmt.Sprintf("%s %s is just %s %s", what, count(x), rel, count(limit))
	}
	return fmt.Sprintf("%s %s is %s %s", what, count(x), rel, count(limit))
}

// count writes n with thousands separators (1,250).
func count(n int64) string {
	s := fmt.Sprint(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "−" + string(out)
	}
	return string(out)
}

// price writes a per-unit price with the digits it needs (0.05, 0.25, 0.0156).
func price(p float64) string {
	s := fmt.Sprintf("%.4f", p)
	for len(s) > 4 && s[len(s)-1] == '0' && s[len(s)-3] != '.' {
		s = s[:len(s)-1]
	}
	return s
}

// ExpectedCost is the guide's expected cost of illiquidity in dollars: size × spread width
// × expected adjustments, times the contract multiplier. The guide's example — 10
// contracts, a 0.15 spread, a multiplier of 100, entry + exit + 3 rebalances — is $750.
// A quote without a two-sided market costs 0 here (the spread rule fails it instead).
func (r Rules) ExpectedCost(q Quote, size int64) float64 {
	if !(q.Bid > 0) || !(q.Ask > q.Bid) {
		return 0
	}
	mult := q.Instrument.Multiplier
	if !(mult > 0) {
		mult = 1
	}
	return float64(size) * (q.Ask - q.Bid) * mult * r.ExpectedAdjustments
}

// Chain is one expiry of an underlying's option chain in engine units: every quote (calls
// and puts, any order) and the underlying's price when it was taken.
type Chain struct {
	Underlying string
	Expiry     time.Time
	Price      float64
	Quotes     []Quote
}

// ErrNoQuotes is returned for a chain with nothing in it.
var ErrNoQuotes = errors.New("liquidity: the chain has no quotes")
