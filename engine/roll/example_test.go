package roll

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

// strangleBook is the worked example: SPY has fallen to 645; the layer "SPY strangle"
// (neutral) is short 2 SPY 640 puts and 2 SPY 700 calls expiring in 14 days. The put is
// tested. The chains list weekly expiries from 14 to 63 days, strikes 580–720 by 5.
func strangleBook(t testing.TB) (market, []portfolio.Position, portfolio.Book, Market) {
	mk := spyMarket(645)
	exp := expiry(14)
	ps := []portfolio.Position{
		{ID: "put", Instrument: mk.option(exp, pricing.Put, 640), Quantity: -2, Layer: "SPY strangle"},
		{ID: "call", Instrument: mk.option(exp, pricing.Call, 700), Quantity: -2, Layer: "SPY strangle"},
	}
	book := revalue(t, mk, ps, strangleLayers)
	m := Market{Chains: mk.chains([]int{14, 21, 28, 35, 42, 49, 56, 63}, strikes(580, 720, 5)),
		DividendYield: map[string]float64{"SPY": mk.div}}
	return mk, ps, book, m
}

var strangleLayers = []portfolio.Layer{{Name: "SPY strangle", Bias: portfolio.Neutral}}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want)) }

// TestWorkedExample is the README's walk-through. The numbers were checked by hand from
// the quotes the candidate's legs carry:
//
//	close 2 SPY Dec 4 700 calls: bid 0.09, ask 0.10 (mid 0.095)
//	open  2 SPY Jan 8 660 calls: bid 11.56, ask 11.68 (mid 11.62)
//	net at mid     = (11.62 − 0.095) × 2 × 100 = +2,305.00
//	net at natural = (11.56 − 0.10) × 2 × 100  = +2,292.00
//	layer delta before = −2 × 100 × (−0.3967) (put) − 2 × 100 × 0.0122 (call) = +76.91 shares
//
// and the state after is checked against the book revalued with the roll done
// (portfolio.Revalue), an independent path.
func TestWorkedExample(t *testing.T) {
	mk, ps, book, m := strangleBook(t)
	plans, err := PlanAll(book, m, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 2 {
		t.Fatalf("%d plans, want one per short option", len(plans))
	}
	put, call := plans[0], plans[1]
	if put.Tested != "tested" || call.Tested != "untested" {
		t.Fatalf("put is %s, call is %s; want tested, untested", put.Tested, call.Tested)
	}
	if !near(put.Before.LayerDelta, 76.91, 1e-4) || put.Before.Contracts != 4 || put.TargetDelta != 0 {
		t.Errorf("before %+v target %g", put.Before, put.TargetDelta)
	}
	for _, p := range plans {
		closeOnly := 0
		for _, c := range p.Candidates {
			switch c.Shape {
			case CloseOnly:
				closeOnly++
			case OutAway:
				open := c.Legs[1]
				if p.Tested != "tested" || !open.Expiry.After(c.Legs[0].Expiry) || open.Strike > 640 {
					t.Errorf("%s: out-and-away leg %+v", p.Position.Symbol, open)
				}
			case Closer:
				open := c.Legs[1]
				if p.Tested != "untested" || !(open.Strike < 700 && open.Strike >= 645) {
					t.Errorf("%s: closer leg %+v", p.Position.Symbol, open)
				}
			}
			if c.Shape != CloseOnly && c.NetMid < 0 {
				t.Errorf("%s: a debit roll %.2f listed though debits are not allowed", p.Position.Symbol, c.NetMid)
			}
		}
		if closeOnly != 1 {
			t.Errorf("%s: %d close-only candidates", p.Position.Symbol, closeOnly)
		}
	}

	// The tested put: buying it back (bid 6.50, ask 6.58: 2 × 6.54 × 100 = $1,308 at mid,
	// 2 × 6.58 × 100 = $1,316 at natural)
	// takes the layer to the call's delta alone, −2 × 100 × 0.0122 = −2.43 shares, and ranks
	// above rolling it out and away, which restores less delta.
	first := put.Candidates[0]
	if first.Shape != CloseOnly || !near(first.NetMid, -1308, 1e-9) || !near(first.NetNatural, -1316, 1e-9) ||
		first.Legs[0].Bid != 6.50 || first.Legs[0].Ask != 6.58 ||
		!near(first.After.LayerDelta, -2.43, 1e-3) || first.After.Contracts != 2 {
		t.Errorf("best put plan: %s %.2f %.2f delta %.4f contracts %g", first.Shape, first.NetMid, first.NetNatural,
			first.After.LayerDelta, first.After.Contracts)
	}

	best := call.Candidates[0]
	if best.Rank != 1 || best.Shape != Closer || len(best.Legs) != 2 {
		t.Fatalf("best call roll %+v", best)
	}
	cl, op := best.Legs[0], best.Legs[1]
	if cl.Symbol != "SPY   261204C00700000" || cl.Side != Buy || cl.Effect != Close || cl.Quantity != 2 || cl.Bid != 0.09 || cl.Ask != 0.10 {
		t.Errorf("close leg %+v", cl)
	}
	if op.Symbol != "SPY   270108C00660000" || op.Side != Sell || op.Effect != Open || op.Quantity != 2 || op.Bid != 11.56 || op.Ask != 11.68 {
		t.Errorf("open leg %+v", op)
	}
	if !near(best.NetMid, 2305, 1e-9) || !near(best.NetNatural, 2292, 1e-9) {
		t.Errorf("net mid %.4f natural %.4f, want 2305 and 2292", best.NetMid, best.NetNatural)
	}
	// Costs: 4 contracts traded × $0.70 = $2.80 of commissions and fees, and 2,305 − 2,292 =
	// $13 of half-spreads.
	if !near(best.Score.Commissions, 2.8, 1e-12) || !near(best.Score.HalfSpreads, 13, 1e-9) || !near(best.Score.Costs, 15.8, 1e-9) {
		t.Errorf("costs %+v", best.Score)
	}
	if math.Abs(best.After.LayerDelta) >= math.Abs(call.Before.LayerDelta)/10 {
		t.Errorf("layer delta %.2f → %.2f: not restored", call.Before.LayerDelta, best.After.LayerDelta)
	}

	// The book revalued with the roll done.
	after := []portfolio.Position{ps[0],
		{ID: "new", Instrument: mk.option(op.Expiry, pricing.Call, 660), Quantity: -2, Layer: "SPY strangle"}}
	ab := revalue(t, mk, after, strangleLayers)
	lr := ab.Layers[0]
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"layer delta", best.After.LayerDelta, lr.Exposure.Delta},
		{"contracts", best.After.Contracts, lr.Contracts},
		{"layer gamma", best.After.Gamma, lr.Exposure.Gamma},
		{"layer theta", best.After.Theta, lr.Exposure.Theta},
		{"layer vega", best.After.Vega, lr.Exposure.Vega},
		{"book gamma", best.After.Book.Gamma, ab.Total.Gamma},
		{"book theta", best.After.Book.Theta, ab.Total.Theta},
		{"book vega", best.After.Book.Vega, ab.Total.Vega},
		{"book beta delta", best.After.BookBetaDelta, ab.Total.BetaDelta},
	} {
		if !near(f.got, f.want, 1e-6) {
			t.Errorf("%s after: planner %.6f, revalued book %.6f", f.name, f.got, f.want)
		}
	}
	if !strings.Contains(best.Why, "roll the untested call closer to the money: 700 → 660") ||
		!strings.Contains(best.Why, "$2,305.00 credit at mid") {
		t.Errorf("why: %s", best.Why)
	}
}

// TestNetAddsUp checks that every candidate's net credit at mid and natural is the sum of
// its own legs' quotes: a sell adds bid (natural) or mid, a buy subtracts ask or mid, times
// quantity and multiplier.
func TestNetAddsUp(t *testing.T) {
	_, _, book, m := strangleBook(t)
	s := DefaultSettings()
	s.AllowDebit = true
	s.Weights.Price, s.Weights.Time = 3, 0.5 // weigh distance too, to check it is summed
	plans, err := PlanAll(book, m, s)
	if err != nil {
		t.Fatal(err)
	}
	w := s.Weights
	for _, p := range plans {
		for _, c := range p.Candidates {
			checkNet(t, c)
			// The score is the package doc's weighted sum of the components it shows.
			sc := c.Score
			want := w.Delta*sc.DeltaOff - w.Credit*sc.Credit + w.Costs*sc.Costs + w.Gamma*sc.GammaCost -
				w.Theta*sc.ThetaGain + w.Vega*sc.VegaAdded + w.Price*sc.StrikeMove + w.Time*math.Abs(sc.DaysMoved) +
				w.Warn*float64(sc.WarningLegs)
			if !near(sc.Total, want, 1e-12) || !near(sc.Credit, c.NetMid, 1e-12) ||
				!near(sc.DeltaOff, math.Abs(c.After.LayerDelta-p.TargetDelta)*645*0.01, 1e-12) {
				t.Errorf("candidate %d: score %+v, want total %.6f", c.Rank, sc, want)
			}
		}
	}
}

func checkNet(t *testing.T, c Candidate) {
	t.Helper()
	mid, nat := 0.0, 0.0
	for _, l := range c.Legs {
		k := float64(l.Quantity) * l.Multiplier
		switch l.Side {
		case Sell:
			mid, nat = mid+k*(l.Bid+l.Ask)/2, nat+k*l.Bid
		case Buy:
			mid, nat = mid-k*(l.Bid+l.Ask)/2, nat-k*l.Ask
		default:
			t.Fatalf("leg side %q", l.Side)
		}
	}
	if !near(c.NetMid, mid, 1e-12) || !near(c.NetNatural, nat, 1e-12) {
		t.Errorf("candidate %d: net mid %.6f natural %.6f; legs add up to %.6f and %.6f", c.Rank, c.NetMid, c.NetNatural, mid, nat)
	}
	if c.NetNatural > c.NetMid+1e-9 {
		t.Errorf("candidate %d: natural %.2f better than mid %.2f", c.Rank, c.NetNatural, c.NetMid)
	}
}

// TestAllowDebit: with debits allowed, rolls that cost a debit at mid appear (far out-and-
// away rolls of the tested put); without, none does.
func TestAllowDebit(t *testing.T) {
	_, _, book, m := strangleBook(t)
	s := DefaultSettings()
	s.AllowDebit, s.MaxCandidates = true, 1000
	p, err := PlanPosition(book, "put", m, s)
	if err != nil {
		t.Fatal(err)
	}
	debits := 0
	for _, c := range p.Candidates {
		if c.Shape != CloseOnly && c.NetMid < 0 {
			debits++
		}
	}
	if debits == 0 {
		t.Error("no debit roll listed though allowed")
	}
}

// TestFailingRankLast makes the Jan 8 expiry illiquid (open interest 10): its candidates
// must all rank after every candidate that passes or warns, and say why.
func TestFailingRankLast(t *testing.T) {
	_, _, book, m := strangleBook(t)
	bad := expiry(49)
	for c := range m.Chains {
		if m.Chains[c].Expiry.Equal(bad) {
			for k := range m.Chains[c].Quotes {
				m.Chains[c].Quotes[k].OpenInterest = 10
			}
		}
	}
	s := DefaultSettings()
	s.MaxCandidates = 1000
	p, err := PlanPosition(book, "SPY   261204C00700000", m, s)
	if err != nil {
		t.Fatal(err)
	}
	seenFail, fails := false, 0
	for _, c := range p.Candidates {
		if c.Liquidity == liquidity.Fail {
			seenFail = true
			fails++
			if !strings.Contains(c.Why, "open interest 10 is not above 1,000") {
				t.Errorf("failing candidate's why: %s", c.Why)
			}
			continue
		}
		if seenFail {
			t.Fatalf("candidate %d (%s) ranks after a failing one", c.Rank, c.Liquidity)
		}
	}
	if fails == 0 {
		t.Fatal("no failing candidate: the test changed nothing")
	}
}

// TestFewerContracts: a 5-lot whose full-size roll would overshoot the target is also
// offered with fewer contracts, never more.
func TestFewerContracts(t *testing.T) {
	mk := spyMarket(645)
	exp := expiry(14)
	ps := []portfolio.Position{
		{ID: "put", Instrument: mk.option(exp, pricing.Put, 640), Quantity: -1, Layer: "SPY strangle"},
		{ID: "call", Instrument: mk.option(exp, pricing.Call, 700), Quantity: -5, Layer: "SPY strangle"},
	}
	book := revalue(t, mk, ps, strangleLayers)
	m := Market{Chains: mk.chains([]int{14, 21, 28}, strikes(600, 720, 5)), DividendYield: map[string]float64{"SPY": mk.div}}
	s := DefaultSettings()
	s.MaxCandidates = 1000
	p, err := PlanPosition(book, "call", m, s)
	if err != nil {
		t.Fatal(err)
	}
	fewer := 0
	for _, c := range p.Candidates {
		if c.NewContracts > 5 {
			t.Fatalf("candidate %d opens %d contracts for 5 closed", c.Rank, c.NewContracts)
		}
		if c.Shape != CloseOnly && c.NewContracts < 5 {
			fewer++
		}
	}
	if fewer == 0 {
		t.Error("no candidate with fewer contracts")
	}
	if p.Candidates[0].Shape == CloseOnly || p.Candidates[0].NewContracts >= 5 {
		t.Errorf("best: %s", p.Candidates[0].Why)
	}
}

func TestBadInput(t *testing.T) {
	mk, ps, book, m := strangleBook(t)
	if _, err := PlanPosition(book, "nothing", m, DefaultSettings()); err == nil || !strings.Contains(err.Error(), "no position") {
		t.Errorf("unknown position: %v", err)
	}
	long := []portfolio.Position{ps[0], {ID: "long", Instrument: mk.option(expiry(14), pricing.Call, 660), Quantity: 1}}
	lb := revalue(t, mk, long, strangleLayers)
	if _, err := PlanPosition(lb, "long", m, DefaultSettings()); !errors.Is(err, ErrNotShortOption) {
		t.Errorf("long option: %v", err)
	}
	if _, err := PlanPosition(book, "put", Market{Chains: m.Chains[1:]}, DefaultSettings()); err == nil ||
		!strings.Contains(err.Error(), "no quote for the held") {
		t.Errorf("no quote: %v", err)
	}
	plans, err := PlanAll(book, Market{Chains: m.Chains[1:]}, DefaultSettings())
	if err != nil || len(plans) != 2 || plans[0].Problem == "" || len(plans[0].Candidates) != 0 {
		t.Errorf("PlanAll without the held expiry: %+v, %v", plans, err)
	}
	if _, err := PlanLayer(book, "nope", m, DefaultSettings()); err == nil {
		t.Error("unknown layer: no error")
	}
	bad := DefaultSettings()
	bad.MaxDays = 5
	if _, err := PlanPosition(book, "put", m, bad); err == nil || !strings.Contains(err.Error(), "window") {
		t.Errorf("bad window: %v", err)
	}
	bad = DefaultSettings()
	bad.Weights.Gamma = math.NaN()
	if _, err := PlanAll(book, m, bad); err == nil || !strings.Contains(err.Error(), "gamma") {
		t.Errorf("NaN weight: %v", err)
	}
}

// TestReportJSON checks the `keel roll --json` contract of issue 14.
func TestReportJSON(t *testing.T) {
	_, _, book, m := strangleBook(t)
	plans, err := PlanLayer(book, "SPY strangle", m, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(BuildReport(now, plans))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		AsOf  string `json:"as_of"`
		Plans []map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.AsOf != "2026-11-20T10:00:00-05:00" || len(got.Plans) != 2 {
		t.Fatalf("as_of %q, %d plans", got.AsOf, len(got.Plans))
	}
	keys := func(raw json.RawMessage, want ...string) map[string]json.RawMessage {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range want {
			if _, ok := m[k]; !ok {
				t.Errorf("%s lacks %q", raw[:min(len(raw), 80)], k)
			}
		}
		return m
	}
	p := got.Plans[0]
	for _, k := range []string{"position", "target_delta", "before", "candidates"} {
		if _, ok := p[k]; !ok {
			t.Errorf("plan lacks %q", k)
		}
	}
	pos := keys(p["position"], "symbol", "quantity", "layer")
	if string(pos["quantity"]) != "-2" || string(pos["layer"]) != `"SPY strangle"` {
		t.Errorf("position %s %s", pos["quantity"], pos["layer"])
	}
	keys(p["before"], "layer_delta", "contracts")
	var cands []json.RawMessage
	if err := json.Unmarshal(p["candidates"], &cands); err != nil || len(cands) == 0 {
		t.Fatalf("candidates: %v", err)
	}
	c := keys(cands[0], "rank", "legs", "net_mid", "net_natural", "after", "liquidity", "why")
	keys(c["after"], "layer_delta", "contracts", "gamma", "theta", "vega")
	var legs []json.RawMessage
	if err := json.Unmarshal(c["legs"], &legs); err != nil || len(legs) == 0 {
		t.Fatalf("legs: %v", err)
	}
	leg := keys(legs[0], "symbol", "side", "effect", "quantity", "multiplier", "bid", "ask", "expiry")
	if string(leg["side"]) != `"buy"` || string(leg["effect"]) != `"close"` || string(leg["quantity"]) != "2" {
		t.Errorf("first leg %s", legs[0][:120])
	}
	if v := string(c["liquidity"]); v != `"pass"` && v != `"warn"` && v != `"fail"` {
		t.Errorf("liquidity %s", v)
	}
	if r := string(c["rank"]); r != "1" {
		t.Errorf("rank %s", r)
	}
}

// A short option alone in its layer (no short option of the other right) is rolled only in
// ways that leave the layer's delta no further from its target: a lone short call in a
// short-biased layer already shorter than its bias asks is never rolled closer (adding more
// short delta), and one not short enough is offered rolls that add some.
func TestAloneRollsTowardTheTarget(t *testing.T) {
	// A volatile $50 ETF, like VXX: a delta off target costs little against a roll's credit.
	mk := spyMarket(50)
	mk.vol = 0.8
	layers := []portfolio.Layer{{Name: "calls", Bias: portfolio.Short}}
	m := Market{Chains: mk.chains([]int{14, 21, 28, 35, 42, 49, 56}, strikes(40, 90, 0.5)), DividendYield: map[string]float64{"SPY": mk.div}}
	for _, tc := range []struct {
		name    string
		strike  float64
		shorter bool // the layer is shorter than its target
	}{
		{"6% out of the money: shorter than the bias asks", 53, true},
		{"far out of the money: not short enough", 85, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := []portfolio.Position{{ID: "call", Instrument: mk.option(expiry(35), pricing.Call, tc.strike), Quantity: -3, Layer: "calls"}}
			book := revalue(t, mk, ps, layers)
			p, err := PlanPosition(book, "call", m, DefaultSettings())
			if err != nil {
				t.Fatal(err)
			}
			if p.Tested != "alone" {
				t.Fatalf("tested %q, want alone", p.Tested)
			}
			if (p.Before.LayerDelta < p.TargetDelta) != tc.shorter {
				t.Fatalf("layer delta %.2f against target %.2f: the case does not set up what it says", p.Before.LayerDelta, p.TargetDelta)
			}
			before := math.Abs(p.Before.LayerDelta - p.TargetDelta)
			rolls := 0
			for _, c := range p.Candidates {
				if c.Shape == CloseOnly {
					continue
				}
				rolls++
				if after := math.Abs(c.After.LayerDelta - p.TargetDelta); after > before+1e-9 {
					t.Errorf("rank %d (%s) takes the layer from %.2f to %.2f off its target", c.Rank, c.Shape, before, after)
				}
				if tc.shorter && c.Shape == Closer {
					t.Errorf("rank %d rolls closer, adding short delta to a layer already shorter than its target", c.Rank)
				}
			}
			if rolls == 0 {
				t.Fatalf("no roll offered: %+v", p.Candidates)
			}
		})
	}
}
