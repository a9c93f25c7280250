package liquidity

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

var expiry = time.Date(2026, 12, 18, 16, 0, 0, 0, instrument.NewYork)

func spyPut(strike float64) instrument.Instrument {
	return instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY", Expiry: expiry,
		Multiplier: 100, Right: pricing.Put, Strike: strike, Style: pricing.American}
}

func esCall(strike float64) instrument.Instrument {
	return instrument.Instrument{Kind: instrument.FuturesOption, Root: "ES", Underlying: "ESZ6", Expiry: expiry,
		Multiplier: 50, Right: pricing.Call, Strike: strike, Style: pricing.European}
}

// liquid is a SPY put that passes every rule with room: the base the cases change.
func liquid() Quote {
	return Quote{Symbol: "SPY   261218P00640000", Instrument: spyPut(640), Bid: 9.95, Ask: 10.05,
		BidSize: 50, AskSize: 60, Volume: 5000, OpenInterest: 20000, Underlying: 660, IV: 0.18}
}

func ruleOf(t *testing.T, res Result, rule Rule) Check {
	t.Helper()
	for _, c := range res.Checks {
		if c.Rule == rule {
			return c
		}
	}
	t.Fatalf("no %s check in %+v", rule, res)
	return Check{}
}

// TestRulesAtThresholds walks each rule across its threshold with the guide's defaults
// (seed 000, "Illiquid Options Trap": OI > 1,000, volume > 100, spread < 5% of mid,
// size ≤ 10% of volume) and Keel's 20% warning margin.
func TestRulesAtThresholds(t *testing.T) {
	tests := []struct {
		name  string
		rule  Rule
		size  int64
		edit  func(*Quote)
		want  Verdict
		words string // a fragment of the check's sentence
	}{
		{"OI at 1,000 fails", OpenInterest, 1, func(q *Quote) { q.OpenInterest = 1000 }, Fail, "open interest 1,000 is not above 1,000"},
		{"OI 1,001 warns", OpenInterest, 1, func(q *Quote) { q.OpenInterest = 1001 }, Warn, "just above"},
		{"OI 1,200 warns", OpenInterest, 1, func(q *Quote) { q.OpenInterest = 1200 }, Warn, ""},
		{"OI 1,201 passes", OpenInterest, 1, func(q *Quote) { q.OpenInterest = 1201 }, Pass, ""},
		{"volume 100 fails", Volume, 1, func(q *Quote) { q.Volume = 100 }, Fail, "today's volume 100 is not above 100"},
		{"volume 101 warns", Volume, 1, func(q *Quote) { q.Volume = 101 }, Warn, ""},
		{"volume 121 passes", Volume, 1, func(q *Quote) { q.Volume = 121 }, Pass, ""},
		{"spread exactly 5% fails", Spread, 1, func(q *Quote) { q.Bid, q.Ask = 9.75, 10.25 }, Fail, "not under 5%"},
		{"spread 4.8% warns", Spread, 1, func(q *Quote) { q.Bid, q.Ask = 9.76, 10.24 }, Warn, ""},
		{"spread 3.9% passes", Spread, 1, func(q *Quote) { q.Bid, q.Ask = 9.805, 10.195 }, Pass, ""},
		{"one-tick SPY market at 18% passes", Spread, 1, func(q *Quote) { q.Bid, q.Ask = 0.05, 0.06 }, Pass, "one tick"},
		{"two-tick SPY market fails", Spread, 1, func(q *Quote) { q.Bid, q.Ask = 0.05, 0.07 }, Fail, ""},
		{"one-tick ES market (0.05 under 5.00) passes", Spread, 1, func(q *Quote) {
			q.Instrument, q.Bid, q.Ask = esCall(7000), 0.05, 0.10
		}, Pass, "one tick (0.05)"},
		{"two-tick ES market fails", Spread, 1, func(q *Quote) { q.Instrument, q.Bid, q.Ask = esCall(7000), 0.05, 0.15 }, Fail, ""},
		{"one-tick ES market at 0.25 above 5.00 passes", Spread, 1, func(q *Quote) {
			q.Instrument, q.Bid, q.Ask = esCall(6700), 4.95, 5.20
		}, Pass, "one tick (0.25)"}, // 4.9% of the mid would only warn; one tick at the ask's price passes outright
		{"no offer fails the spread", Spread, 1, func(q *Quote) { q.Bid, q.Ask = 0, 0 }, Fail, "no market"},
		{"10% of volume passes at the line (warns)", SizeVsVolume, 10, func(q *Quote) { q.Volume = 100 }, Warn, ""},
		{"11% of volume fails", SizeVsVolume, 11, func(q *Quote) { q.Volume = 100 }, Fail, "over 10%"},
		{"7% of volume passes", SizeVsVolume, 7, func(q *Quote) { q.Volume = 100 }, Pass, ""},
		{"no volume fails size", SizeVsVolume, 1, func(q *Quote) { q.Volume = 0 }, Fail, "no volume"},
		{"no bid fails both sides", BothSides, 1, func(q *Quote) { q.Bid = 0 }, Fail, "no bid"},
		{"sizes under the order fail", BothSides, 10, func(q *Quote) { q.BidSize, q.AskSize = 9, 40 }, Fail, "less than the order"},
		{"sizes at the order pass", BothSides, 10, func(q *Quote) { q.BidSize, q.AskSize = 10, 10 }, Pass, ""},
		{"unreported sizes warn", BothSides, 10, func(q *Quote) { q.BidSize, q.AskSize = 0, 0 }, Warn, "no sizes"},
	}
	r := DefaultRules()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := liquid()
			tt.edit(&q)
			res, err := r.Check(q, tt.size)
			if err != nil {
				t.Fatal(err)
			}
			c := ruleOf(t, res, tt.rule)
			if c.Verdict != tt.want {
				t.Errorf("%s = %v (%s), want %v", tt.rule, c.Verdict, c.Words, tt.want)
			}
			if tt.words != "" && !strings.Contains(c.Words, tt.words) {
				t.Errorf("words %q lack %q", c.Words, tt.words)
			}
			if math.IsNaN(c.Measured) || math.IsInf(c.Measured, 0) {
				t.Errorf("measured %g is not a number", c.Measured)
			}
		})
	}
}

// TestVerdictIsWorstRule checks on random quotes that the verdict is fail exactly when a
// rule fails, warn when none fails and one warns, that the reasons are the non-passing
// rules' sentences, and that the fast Verdict agrees with Check.
func TestVerdictIsWorstRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	r := DefaultRules()
	for i := range 2000 {
		q := liquid()
		q.OpenInterest = rng.Int64N(3000)
		q.Volume = rng.Int64N(400)
		q.Bid = math.Round(rng.Float64()*500) / 100
		q.Ask = q.Bid + float64(rng.IntN(30))/100
		if rng.IntN(10) == 0 {
			q.Bid = 0
		}
		q.BidSize, q.AskSize = rng.Int64N(30), rng.Int64N(30)
		size := 1 + rng.Int64N(20)
		res, err := r.Check(q, size)
		if err != nil {
			t.Fatalf("quote %d %+v: %v", i, q, err)
		}
		worst, fails, nonPass := Pass, false, 0
		for _, c := range res.Checks {
			worst = worst.Worse(c.Verdict)
			fails = fails || c.Verdict == Fail
			if c.Verdict != Pass {
				nonPass++
			}
		}
		if res.Verdict != worst || (res.Verdict == Fail) != fails || len(res.Reasons) != nonPass {
			t.Fatalf("quote %d: verdict %v, checks %+v", i, res.Verdict, res.Checks)
		}
		fast, err := r.Verdict(q, size)
		if err != nil || fast != res.Verdict {
			t.Fatalf("quote %d: Verdict %v, %v; Check says %v", i, fast, err, res.Verdict)
		}
	}
}

// TestExpectedCost reproduces the guide's example: 10 contracts, a $0.15 spread, equity
// options (×100), entry + exit + 3 rebalances = $750 ("Total liquidity cost: $750").
func TestExpectedCost(t *testing.T) {
	q := liquid()
	q.Bid, q.Ask = 4.85, 5.00
	if got := DefaultRules().ExpectedCost(q, 10); math.Abs(got-750) > 1e-9 {
		t.Errorf("ExpectedCost = %g, want 750", got)
	}
	q.Instrument = esCall(6700) // ES: × 50
	if got := DefaultRules().ExpectedCost(q, 2); math.Abs(got-2*0.15*50*5) > 1e-9 {
		t.Errorf("ES ExpectedCost = %g, want 75", got)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Quote, *Rules, *int64)
		want string
	}{
		{"bid above ask", func(q *Quote, _ *Rules, _ *int64) { q.Bid, q.Ask = 2, 1 }, "above ask"},
		{"NaN bid", func(q *Quote, _ *Rules, _ *int64) { q.Bid = math.NaN() }, "bid NaN"},
		{"zero size", func(_ *Quote, _ *Rules, n *int64) { *n = 0 }, "order size 0"},
		{"negative volume", func(q *Quote, _ *Rules, _ *int64) { q.Volume = -1 }, "negative"},
		{"zero spread limit", func(_ *Quote, r *Rules, _ *int64) { r.MaxSpreadPct = 0 }, "maximum spread"},
		{"margin 1", func(_ *Quote, r *Rules, _ *int64) { r.WarnMargin = 1 }, "warning margin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, r, n := liquid(), DefaultRules(), int64(1)
			tt.edit(&q, &r, &n)
			_, err := r.Check(q, n)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestReportJSON checks the `keel liquidity --json` contract of issue 14: the field names,
// rows by strike (call before put), spread in percent, the ATM row marked.
func TestReportJSON(t *testing.T) {
	put := liquid()
	call := liquid()
	call.Symbol, call.Instrument = "SPY   261218C00640000", spyPut(640)
	call.Instrument.Right = pricing.Call
	far := liquid()
	far.Symbol, far.Instrument, far.OpenInterest = "SPY   261218P00600000", spyPut(600), 10
	asOf := time.Date(2026, 11, 20, 10, 0, 0, 0, instrument.NewYork)
	rep, err := BuildReport(asOf, Chain{Underlying: "SPY", Expiry: expiry, Price: 641, Quotes: []Quote{put, far, call}}, 2, DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"as_of", "underlying", "expiry", "size", "rules", "rows"} {
		if _, ok := got[k]; !ok {
			t.Errorf("report lacks %q: %s", k, b)
		}
	}
	if got["expiry"] != "2026-12-18" || got["as_of"] != "2026-11-20T10:00:00-05:00" {
		t.Errorf("expiry %v, as_of %v", got["expiry"], got["as_of"])
	}
	rules := got["rules"].(map[string]any)
	for _, k := range []string{"min_open_interest", "min_volume", "max_spread_pct", "max_size_pct_of_volume"} {
		if _, ok := rules[k]; !ok {
			t.Errorf("rules lack %q", k)
		}
	}
	rows := got["rows"].([]any)
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	first := rows[0].(map[string]any)
	for _, k := range []string{"symbol", "strike", "right", "bid", "ask", "mid", "tick", "spread_pct",
		"open_interest", "volume", "verdict", "reasons"} {
		if _, ok := first[k]; !ok {
			t.Errorf("row lacks %q", k)
		}
	}
	if first["strike"] != 600.0 || first["verdict"] != "fail" || len(first["reasons"].([]any)) != 1 {
		t.Errorf("first row %v", first)
	}
	second, third := rows[1].(map[string]any), rows[2].(map[string]any)
	if second["right"] != "call" || third["right"] != "put" || second["verdict"] != "pass" {
		t.Errorf("rows 2 and 3: %v / %v", second, third)
	}
	if r := second["reasons"].([]any); len(r) != 0 {
		t.Errorf("a passing row has reasons %v", r)
	}
	if sp := second["spread_pct"].(float64); math.Abs(sp-1) > 1e-9 { // 0.10 / 10.00
		t.Errorf("spread_pct %g, want 1 (percent)", sp)
	}
	if !rep.Rows[1].ATM || !rep.Rows[2].ATM || rep.Rows[0].ATM {
		t.Errorf("ATM marks %v %v %v", rep.Rows[0].ATM, rep.Rows[1].ATM, rep.Rows[2].ATM)
	}
	if _, err := BuildReport(asOf, Chain{Underlying: "SPY", Expiry: expiry}, 1, DefaultRules()); err == nil {
		t.Error("an empty chain gave no error")
	}
}
