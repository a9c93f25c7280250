package lifecycle

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/roll"
)

var now = time.Date(2026, 12, 7, 11, 0, 0, 0, instrument.NewYork)

func mustParse(t *testing.T, s string) instrument.Instrument {
	t.Helper()
	in, err := instrument.Parse(s, now)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// quote is a market for in: liquid (open interest 5,000, volume 1,000, 50 a side) or
// illiquid (open interest 10, volume 0), bid and ask around mid.
func quote(in instrument.Instrument, underlying, bid, ask float64, liquid bool) liquidity.Quote {
	q := liquidity.Quote{Symbol: in.Symbol(), Instrument: in, Bid: bid, Ask: ask, Underlying: underlying,
		BidSize: 50, AskSize: 50, Volume: 1000, OpenInterest: 5000}
	if !liquid {
		q.Volume, q.OpenInterest, q.BidSize, q.AskSize = 0, 10, 1, 1
	}
	return q
}

func TestAssessAtThresholds(t *testing.T) {
	es := mustParse(t, "ESH7 P6000 2026-12-31") // PM end-of-month: European, delivers ESH7
	esAM := mustParse(t, "ESH7 P6000 2027-03-19 AM")
	spx := mustParse(t, "SPXW  261231P06000000")
	credit := func(c float64) *roll.Candidate { return &roll.Candidate{Shape: roll.OutAway, NetNatural: c} }
	// ES at 5300: the 6000 put is worth 700 intrinsic; quoted 701 / 703, extrinsic 2 points
	// = $200 for 2 contracts × 50.
	deep := func(liquid bool) liquidity.Quote { return quote(es, 5300, 701, 703, liquid) }
	noAssign := DefaultSettings()
	noAssign.AllowAssignment = false
	cases := []struct {
		name   string
		q      liquidity.Quote
		delta  float64
		roll   *roll.Candidate
		s      Settings
		stage  Stage
		action Action
	}{
		{"just below tested", quote(es, 6200, 40, 41, true), -0.2999, nil, DefaultSettings(), Options, Hold},
		{"at tested", quote(es, 6150, 60, 61, true), -0.30, nil, DefaultSettings(), Tested, PlanRoll},
		{"deep delta but liquid", deep(true), -0.95, nil, DefaultSettings(), Tested, PlanRoll},
		{"illiquid just below deep", deep(false), -0.7999, nil, DefaultSettings(), Tested, PlanRoll},
		{"illiquid at deep", deep(false), -0.80, nil, DefaultSettings(), DeepITM, LetAssign},
		{"liquid, roll collects more than the extrinsic", deep(true), -0.80, credit(200.01), DefaultSettings(), DeepITM, Roll},
		{"liquid, roll collects exactly the extrinsic", deep(true), -0.80, credit(200), DefaultSettings(), Tested, PlanRoll},
		{"illiquid, a roll would collect more: still assigned", deep(false), -0.90, credit(5000), DefaultSettings(), DeepITM, LetAssign},
		{"a cheap roll on a shallow option is not deep", quote(es, 5990, 100, 101, true), -0.55, credit(9000), DefaultSettings(), Tested, PlanRoll},
		{"assignment not allowed", deep(false), -0.90, nil, noAssign, DeepITM, Close},
		{"cash-settled SPXW", quote(spx, 5300, 701, 703, false), -0.90, nil, DefaultSettings(), DeepITM, Close},
		{"American AM quarterly", quote(esAM, 5300, 705, 707, false), -0.90, nil, DefaultSettings(), DeepITM, LetAssign},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Assess(Option{ID: "p", Quote: tc.q, Quantity: -2, Delta: tc.delta, BestRoll: tc.roll, Rate: 0.04, Now: now}, tc.s)
			if err != nil {
				t.Fatal(err)
			}
			if a.Stage != tc.stage || a.Action != tc.action {
				t.Fatalf("stage %s, action %s; want %s, %s (%s)", a.Stage, a.Action, tc.stage, tc.action, a.Reason)
			}
			if a.Reason == "" || len(a.Numbers) == 0 {
				t.Fatalf("no reason or numbers: %+v", a)
			}
		})
	}
}

func TestAssignmentOutcome(t *testing.T) {
	// European PM ES option: exercised at expiry into the quarterly future it delivers.
	es := mustParse(t, "ESH7 P6000 2026-12-31")
	a, err := Assess(Option{Quote: quote(es, 5300, 701, 703, false), Quantity: -2, Delta: -0.95, Rate: 0.04, Now: now}, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	g := a.Assignment
	if g.Into != Future || g.Deliverable != "ESH7" || g.Units != 2 || g.Early || g.Style != "European" || !g.Expiry.Equal(es.Expiry) {
		t.Fatalf("ES assignment %+v", g)
	}
	if math.Abs(g.Extrinsic-2) > 1e-9 || math.Abs(a.Numbers["extrinsic_dollars"]-200) > 1e-9 {
		t.Fatalf("extrinsic %g per point, $%g; want 2 and $200", g.Extrinsic, a.Numbers["extrinsic_dollars"])
	}
	// closing gives up the $200 extrinsic and pays the 1-point half-spread × 2 × 50 = $100.
	if math.Abs(a.Numbers["close_cost"]-300) > 1e-9 {
		t.Fatalf("close cost %g, want 300", a.Numbers["close_cost"])
	}

	years := func(to time.Time) float64 { return instrument.YearFraction(now, to) }
	cases := []struct {
		name       string
		sym        string
		s, bid     float64
		dividends  []Dividend
		units      float64
		into       Stage
		incentive  float64
		likely     bool
		assignWord string
	}{
		// AM quarterly ES put (American on a future): the holder earns the interest on the
		// 700 intrinsic, 700 × (1 − e^(−0.04 T)), about 8.6 points over 112 days > 1 extrinsic.
		{"ES AM put", "ESH7 P6000 2027-03-19 AM", 5300, 700.5, nil, 2, Future, 0, true, "likely"},
		// SPY 700 put with SPY at 640: the interest on the strike, 700 × (1 − e^(−0.04 T)),
		// about 1.84 over 24 days, beats an extrinsic of 0.50.
		{"SPY put", "SPY   261231P00700000", 640, 60.0, nil, 200, Shares, 0, true, "likely"},
		// the same put with a 1.98 dividend going ex before expiry: 1.84 − 1.98 < 0.
		{"SPY put before a dividend", "SPY   261231P00700000", 640, 60.0,
			[]Dividend{{time.Date(2026, 12, 18, 0, 0, 0, 0, instrument.NewYork), 1.98}}, 200, Shares, 0, false, "unlikely"},
		// SPY 600 call, SPY at 660, a 1.98 dividend on Dec 18: 1.98 − 600 × (1 − e^(−0.04 × 11 d)).
		{"SPY call before a dividend", "SPY   261231C00600000", 660, 60.0,
			[]Dividend{{time.Date(2026, 12, 18, 0, 0, 0, 0, instrument.NewYork), 1.98}}, -200, Shares, 0, true, "likely"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := mustParse(t, tc.sym)
			a, err := Assess(Option{Quote: quote(in, tc.s, tc.bid, tc.bid+1, false), Quantity: -2, Delta: -0.95, Rate: 0.04, Dividends: tc.dividends, Now: now}, DefaultSettings())
			if err != nil {
				t.Fatal(err)
			}
			g := a.Assignment
			want := 0.0
			switch tc.name {
			case "ES AM put":
				want = 700 * (1 - math.Exp(-0.04*years(in.Expiry)))
			case "SPY put":
				want = 700 * (1 - math.Exp(-0.04*years(in.Expiry)))
			case "SPY put before a dividend":
				want = 700*(1-math.Exp(-0.04*years(in.Expiry))) - 1.98
			case "SPY call before a dividend":
				want = 1.98 - 600*(1-math.Exp(-0.04*years(tc.dividends[0].ExDate)))
			}
			if !g.Early || g.Into != tc.into || g.Units != tc.units || math.Abs(g.Incentive-want) > 1e-9 || g.EarlyLikely != tc.likely {
				t.Fatalf("assignment %+v; want units %g into %s, incentive %g, likely %v", g, tc.units, tc.into, want, tc.likely)
			}
			if !strings.Contains(g.Words, "early assignment "+tc.assignWord) {
				t.Fatalf("words %q", g.Words)
			}
		})
	}
}

func TestAssessRejectsBadInput(t *testing.T) {
	es := mustParse(t, "ESH7 P6000 2026-12-31")
	good := Option{Quote: quote(es, 5300, 701, 703, false), Quantity: -2, Delta: -0.9, Rate: 0.04, Now: now}
	bad := DefaultSettings()
	bad.TestedDelta = 0.9
	cases := []struct {
		name string
		mod  func(o *Option)
		s    Settings
	}{
		{"long position", func(o *Option) { o.Quantity = 2 }, DefaultSettings()},
		{"NaN delta", func(o *Option) { o.Delta = math.NaN() }, DefaultSettings()},
		{"no ask", func(o *Option) { o.Quote.Ask, o.Quote.Bid = 0, 0 }, DefaultSettings()},
		{"a future", func(o *Option) {
			o.Quote.Instrument = instrument.Instrument{Kind: instrument.Future, Root: "ES", Multiplier: 50}
		}, DefaultSettings()},
		{"tested above deep", func(o *Option) {}, bad},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.mod(&o)
			if _, err := Assess(o, tc.s); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// TestTrackWalk walks a short ES put through every stage and checks each transition's
// numbers: sold at 40, assigned long 2 ESH7 at 6000 → breakeven 5960; the profit exit is
// 4 ticks (1 point) beyond it.
func TestTrackWalk(t *testing.T) {
	es := mustParse(t, "ESH7 P6000 2026-12-31")
	s := DefaultSettings()
	tr, err := NewTrack("p1", "ES strangle", es.Symbol(), es, 2, 40)
	if err != nil {
		t.Fatal(err)
	}
	assess := func(q liquidity.Quote, delta float64) Assessment {
		a, err := Assess(Option{ID: "p1", Quote: q, Quantity: -2, Delta: delta, Rate: 0.04, Now: now}, s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if tr, err := tr.Observe(assess(quote(es, 6300, 10, 11, true), -0.10), now); err != nil || tr != nil {
		t.Fatalf("options → options moved: %v %v", tr, err)
	}
	if _, err := tr.LetAssign(assess(quote(es, 6150, 60, 61, true), -0.3), now, LayerCount{2, 2}); err == nil {
		t.Fatal("let assign from options accepted")
	}
	step, _ := tr.Observe(assess(quote(es, 6150, 60, 61, true), -0.30), now)
	if step == nil || step.From != Options || step.To != Tested {
		t.Fatalf("tested: %+v", step)
	}
	deep := assess(quote(es, 5300, 701, 703, false), -0.92)
	step, _ = tr.Observe(deep, now)
	if step == nil || step.To != DeepITM {
		t.Fatalf("deep: %+v", step)
	}
	la, err := tr.LetAssign(deep, now, LayerCount{Calls: 2, Puts: 2})
	if err != nil || la.To != AwaitingAssignment || la.Numbers["layer_puts"] != 2 || !strings.Contains(la.Reason, "ESH7") {
		t.Fatalf("let assign: %+v %v", la, err)
	}
	if _, err := tr.Assigned(now, -2, 6000); err == nil {
		t.Fatal("a short put assigned short accepted")
	}
	as, err := tr.Assigned(es.Expiry, 2, 6000)
	if err != nil || as.To != Future || as.Numbers["breakeven"] != 5960 || tr.Held.Tick != 0.25 || tr.Held.Symbol != "ESH7" {
		t.Fatalf("assigned: %+v %+v %v", as, tr.Held, err)
	}
	policy := hedge.FixedBand{Width: 100}
	in := hedge.Input{Now: now, Delta: 100, Spot: 5900, Hedge: hedge.Shares("SPY", 0, 0)}
	st, err := tr.Manage(now, 5960.75, s, policy, in) // 3 ticks beyond: hold, hedge
	if err != nil || st.Exit || st.Hedge == nil {
		t.Fatalf("3 ticks: %+v %v", st, err)
	}
	st, err = tr.Manage(now, 5961, s, nil, hedge.Input{})
	if err != nil || !st.Exit || st.Order != (ExitOrder{Symbol: "ESH7", Side: "sell", Quantity: 2}) {
		t.Fatalf("4 ticks: %+v %v", st, err)
	}
	cl, err := tr.Closed(now, 5961)
	if err != nil || cl.To != ReEnter || cl.Numbers["ticks_beyond_breakeven"] != 4 {
		t.Fatalf("closed: %+v %v", cl, err)
	}
	if need := tr.Need(LayerCount{Calls: 2}); need != (LayerCount{Calls: 0, Puts: 2}) {
		t.Fatalf("need %+v: the calls are still held, only the 2 puts come back", need)
	}
	re, err := tr.ReEntered(now, ReEntry{Puts: 2, DTE: 45, Reason: "sell 2 puts"})
	if err != nil || re.To != Options {
		t.Fatalf("re-entered: %+v %v", re, err)
	}
	// The desk persists a track as JSON; it comes back whole.
	b, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	var back Track
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Stage != tr.Stage || back.Held != tr.Held || len(back.History) != len(tr.History) || back.Option.Symbol() != es.Symbol() || !back.Option.Expiry.Equal(es.Expiry) || back.Before != tr.Before {
		t.Fatalf("round trip: %+v", back)
	}
	want := []Stage{Tested, DeepITM, AwaitingAssignment, Future, ReEnter, Options}
	if len(tr.History) != len(want) {
		t.Fatalf("history %d transitions, want %d", len(tr.History), len(want))
	}
	for i, h := range tr.History {
		if h.To != want[i] || h.Reason == "" {
			t.Fatalf("transition %d: %+v, want to %s", i, h, want[i])
		}
	}
}

// TestProfitExits checks the exit levels of a short future (a short call assigned at 6000,
// premium 20: breakeven 6020; 4 ticks beyond is 6019) and a trailing exit of 8 ticks.
func TestProfitExits(t *testing.T) {
	call := mustParse(t, "ESH7 C6000 2026-12-31")
	trail := DefaultSettings()
	trail.TrailTicks = 8
	cases := []struct {
		name   string
		s      Settings
		prices []float64
		exitAt int // index of the price that exits; −1 none
	}{
		{"fixed: at 6019.25 holds, 6019 exits", DefaultSettings(), []float64{6030, 6019.25, 6019}, 2},
		{"fixed: never reached", DefaultSettings(), []float64{6100, 6050, 6019.5}, -1},
		// trailing: best 6010 → stop 6012; 6011.75 holds, 6012 exits.
		{"trailing", trail, []float64{6025, 6010, 6011.75, 6012}, 3},
		// trailing never below the profit level 6019: best 6018 → stop 6019 (not 6020).
		{"trailing floor", trail, []float64{6018, 6018.75, 6019}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr, _ := NewTrack("c", "L", call.Symbol(), call, 1, 20)
			if _, err := tr.Assigned(now, -1, 6000); err != nil {
				t.Fatal(err)
			}
			if tr.Held.Breakeven != 6020 {
				t.Fatalf("breakeven %g", tr.Held.Breakeven)
			}
			got := -1
			for i, p := range tc.prices {
				st, err := tr.Manage(now, p, tc.s, nil, hedge.Input{})
				if err != nil {
					t.Fatal(err)
				}
				if st.Exit {
					got = i
					if st.Order.Side != "buy" {
						t.Fatalf("a short future exits with a %s", st.Order.Side)
					}
					break
				}
			}
			if got != tc.exitAt {
				t.Fatalf("exit at %d, want %d", got, tc.exitAt)
			}
		})
	}
}

func TestPlanReEntry(t *testing.T) {
	// A synthetic SPY chain 45 days out (Black–Scholes prices at 16% vol are not needed:
	// the quotes carry IV, and the planner values deltas from it).
	exp := time.Date(2027, 1, 22, 16, 0, 0, 0, instrument.NewYork)
	ch := liquidity.Chain{Underlying: "SPY", Expiry: exp, Price: 660}
	for k := 600.0; k <= 720; k += 5 {
		for _, r := range []string{"P", "C"} {
			sym := "SPY   270122" + r + pad(k)
			in := mustParse(t, sym)
			q := quote(in, 660, 2, 2.05, true)
			q.IV = 0.16
			if k == 630 && r == "P" {
				q.OpenInterest = 10 // the put nearest 0.16 delta fails the checklist
			}
			ch.Quotes = append(ch.Quotes, q)
		}
	}
	near := liquidity.Chain{Underlying: "SPY", Expiry: now.AddDate(0, 0, 10), Price: 660, Quotes: ch.Quotes}
	re, err := PlanReEntry([]liquidity.Chain{near, ch}, ReEntryRequest{Layer: "SPY", Need: LayerCount{Calls: 1, Puts: 2}, Now: now, Rate: 0.04, DividendYield: 0.012}, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if !re.Expiry.Equal(exp) || len(re.Legs) != 2 || re.Puts != 2 || re.Calls != 1 {
		t.Fatalf("re-entry %+v", re)
	}
	for _, l := range re.Legs {
		if l.Side != roll.Sell || l.Effect != roll.Open || l.Liquidity.Verdict == liquidity.Fail {
			t.Fatalf("leg %+v", l)
		}
		if math.Abs(math.Abs(l.Delta)-0.16) > 0.05 {
			t.Fatalf("leg %s delta %g, not near 0.16", l.Symbol, l.Delta)
		}
		if l.Right == "put" && l.Strike == 630 {
			t.Fatal("picked the put that fails the liquidity checklist")
		}
	}
	if want := 2*2.025*100 + 2.025*100; math.Abs(re.NetMid-want) > 1e-9 {
		t.Fatalf("net mid %g, want %g", re.NetMid, want)
	}
	if _, err := PlanReEntry([]liquidity.Chain{near}, ReEntryRequest{Need: LayerCount{Puts: 1}, Now: now}, DefaultSettings()); err == nil {
		t.Fatal("no chain in the window accepted")
	}
}

func pad(k float64) string {
	s := []byte("00000000")
	v := int64(math.Round(k * 1000))
	for i := 7; i >= 0; i-- {
		s[i] = byte('0' + v%10)
		v /= 10
	}
	return string(s)
}
