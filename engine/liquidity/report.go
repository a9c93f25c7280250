package liquidity

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

// Report is the liquidity checklist of one expiry of a chain, shaped as `keel liquidity
// --json` prints it. The field names are a contract (issue 14).
type Report struct {
	AsOf       time.Time   `json:"as_of"`
	Underlying string      `json:"underlying"`
	Expiry     string      `json:"expiry"` // YYYY-MM-DD in the exchange's time zone
	Size       int64       `json:"size"`
	Rules      ReportRules `json:"rules"`
	Rows       []Row       `json:"rows"`
}

// ReportRules are the thresholds a Report applied.
type ReportRules struct {
	MinOpenInterest     int64   `json:"min_open_interest"`
	MinVolume           int64   `json:"min_volume"`
	MaxSpreadPct        float64 `json:"max_spread_pct"`
	MaxSizePctOfVolume  float64 `json:"max_size_pct_of_volume"`
	WarnMargin          float64 `json:"warn_margin"`
	ExpectedAdjustments float64 `json:"expected_adjustments"`
}

// Row is one option of the chain with its verdict. SpreadPct is in percent; Verdict is
// "fail" exactly when a rule fails; Reasons are the failing and warning rules in words (an
// empty list when every rule passes). Checks and ExpectedCost are extra to the contract.
type Row struct {
	Symbol       string   `json:"symbol"`
	Strike       float64  `json:"strike"`
	Right        string   `json:"right"` // "call" or "put"
	Bid          float64  `json:"bid"`
	Ask          float64  `json:"ask"`
	Mid          float64  `json:"mid"`
	Tick         float64  `json:"tick"`
	SpreadPct    float64  `json:"spread_pct"`
	OpenInterest int64    `json:"open_interest"`
	Volume       int64    `json:"volume"`
	Verdict      Verdict  `json:"verdict"`
	Reasons      []string `json:"reasons"`
	Checks       []Check  `json:"checks"`
	ExpectedCost float64  `json:"expected_cost"` // dollars: size × spread × adjustments × multiplier
	ATM          bool     `json:"atm"`           // the strike nearest the underlying's price
}

// ReportRulesOf is r as a Report states it.
func ReportRulesOf(r Rules) ReportRules {
	return ReportRules{MinOpenInterest: r.MinOpenInterest, MinVolume: r.MinVolume, MaxSpreadPct: r.MaxSpreadPct,
		MaxSizePctOfVolume: r.MaxSizePctOfVolume, WarnMargin: r.WarnMargin, ExpectedAdjustments: r.ExpectedAdjustments}
}

// BuildReport checks every option of c for an order of size contracts: rows by strike,
// the call before the put, the strike nearest c.Price marked ATM. asOf is when the quotes
// were taken. A quote that cannot be checked (a negative price, bid above ask) is an error
// naming it: a report never shows a row it could not judge.
func BuildReport(asOf time.Time, c Chain, size int64, r Rules) (Report, error) {
	if err := r.Validate(); err != nil {
		return Report{}, err
	}
	if len(c.Quotes) == 0 {
		return Report{}, fmt.Errorf("%w: %s %s", ErrNoQuotes, c.Underlying, c.Expiry.Format(time.DateOnly))
	}
	if size <= 0 {
		return Report{}, fmt.Errorf("liquidity: order size %d must be at least 1 contract", size)
	}
	rep := Report{AsOf: asOf, Underlying: c.Underlying, Expiry: c.Expiry.Format(time.DateOnly), Size: size,
		Rules: ReportRulesOf(r), Rows: make([]Row, 0, len(c.Quotes))}
	for _, q := range c.Quotes {
		if !q.Instrument.IsOption() {
			return Report{}, fmt.Errorf("liquidity: %s is not an option", q.Symbol)
		}
		res, err := r.Check(q, size)
		if err != nil {
			return Report{}, err
		}
		rep.Rows = append(rep.Rows, Row{Symbol: q.Symbol, Strike: q.Instrument.Strike, Right: q.Instrument.Right.String(),
			Bid: q.Bid, Ask: q.Ask, Mid: res.Mid, Tick: res.Tick, SpreadPct: res.SpreadPct,
			OpenInterest: q.OpenInterest, Volume: q.Volume, Verdict: res.Verdict, Reasons: res.Reasons,
			Checks: res.Checks, ExpectedCost: res.Cost})
	}
	slices.SortStableFunc(rep.Rows, func(a, b Row) int {
		if c := cmp.Compare(a.Strike, b.Strike); c != 0 {
			return c
		}
		return cmp.Compare(rightOrder(a.Right), rightOrder(b.Right))
	})
	if c.Price > 0 {
		best := -1.0
		for _, row := range rep.Rows {
			if d := abs(row.Strike - c.Price); best < 0 || d < best {
				best = d
			}
		}
		for i := range rep.Rows {
			rep.Rows[i].ATM = abs(rep.Rows[i].Strike-c.Price) == best
		}
	}
	return rep, nil
}

func rightOrder(s string) int {
	if s == pricing.Put.String() {
		return 1
	}
	return 0
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
