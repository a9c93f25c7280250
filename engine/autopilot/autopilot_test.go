package autopilot

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/automation"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lifecycle"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/tactical"
)

var now = time.Date(2026, 11, 4, 11, 0, 0, 0, instrument.NewYork)

func option(t *testing.T, occ string) instrument.Instrument {
	t.Helper()
	o, err := instrument.ParseOCCSymbol(occ)
	if err != nil {
		t.Fatal(err)
	}
	return instrument.NewOption(o)
}

// fixture is a short-biased VXX layer of 3 short calls, a neutral SPY strangle whose call
// is tested (SPY at 680: the 675 call is in the money, the 600 put far out) and a hedge
// layer of SH shares. Prices are the simulated market's order of magnitude.
type fixture struct {
	book   portfolio.Book
	quotes map[string]liquidity.Quote
	layers []Layer
}

func newFixture(t *testing.T, vxx float64) fixture {
	t.Helper()
	call := option(t, "VXX   261218C00052000")
	spyC, spyP := option(t, "SPY   261218C00675000"), option(t, "SPY   261218P00600000")
	sh := instrument.NewStock("SH")
	ps := []portfolio.Position{
		{ID: "VXX   261218C00052000", Instrument: call, Quantity: -3, Layer: "VXX"},
		{ID: "SPY   261218C00675000", Instrument: spyC, Quantity: -2, Layer: "SPY options"},
		{ID: "SPY   261218P00600000", Instrument: spyP, Quantity: -2, Layer: "SPY options"},
		{ID: "SH", Instrument: sh, Quantity: 100, Layer: "Hedge"},
	}
	mk := portfolio.Market{Now: now, Rate: 0.04, DividendYield: map[string]float64{"SPY": 0.012},
		Quotes: map[string]portfolio.Quote{
			"VXX   261218C00052000": {Underlying: vxx, Price: 3.1, Vol: 0.75},
			"SPY   261218C00675000": {Underlying: 680, Price: 17.5, Vol: 0.16},
			"SPY   261218P00600000": {Underlying: 680, Price: 1.2, Vol: 0.22},
			"SH":                    {Price: 36},
		},
		Underlyings: map[string]float64{"SPY": 680, "VXX": vxx, "SH": 36}}
	cfg := portfolio.Config{Layers: []portfolio.Layer{{Name: "VXX", Bias: portfolio.Short}, {Name: "SPY options"}, {Name: "Hedge", Bias: portfolio.Short}}}
	book, err := portfolio.Revalue(ps, mk, cfg)
	if err != nil {
		t.Fatal(err)
	}
	q := func(sym string, in instrument.Instrument, bid, ask, under float64) liquidity.Quote {
		return liquidity.Quote{Symbol: sym, Instrument: in, Bid: bid, Ask: ask, BidSize: 50, AskSize: 50, Volume: 5000, OpenInterest: 20000, Underlying: under}
	}
	quotes := map[string]liquidity.Quote{
		"VXX":                   q("VXX", instrument.NewStock("VXX"), vxx-0.01, vxx+0.01, 0),
		"SH":                    q("SH", sh, 35.99, 36.01, 0),
		"SPY":                   q("SPY", instrument.NewStock("SPY"), 679.99, 680.01, 0),
		"VXX   261218C00052000": q("VXX   261218C00052000", call, 3.05, 3.15, vxx),
		"SPY   261218C00675000": q("SPY   261218C00675000", spyC, 17.4, 17.6, 680),
		"SPY   261218P00600000": q("SPY   261218P00600000", spyP, 1.18, 1.22, 680),
	}
	p, err := tactical.Defaults(portfolio.Short, "VXX", "VXX")
	if err != nil {
		t.Fatal(err)
	}
	layers := []Layer{
		{Name: "VXX", Bias: portfolio.Short, Tactical: &p, Underlying: "VXX"},
		{Name: "SPY options"},
		{Name: "Hedge", Bias: portfolio.Short, BookHedge: true, Policy: hedge.FixedBand{Width: 500, Unit: hedge.BandPer100k},
			Hedge: hedge.Instrument{Name: "SH", Lots: []hedge.Lot{{Symbol: "SH", Delta: -36.0 / 680}}}},
	}
	return fixture{book: book, quotes: quotes, layers: layers}
}

func armedGate(t *testing.T, kinds ...automation.Kind) *automation.Gate {
	t.Helper()
	g, err := automation.NewGate(automation.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"VXX", "SPY options", "Hedge"} {
		for _, k := range kinds {
			if err := g.Arm(l, k, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	return g
}

// TestTacticalThroughTheGate: VXX 3.2% above the layer's reference of 50 is the first step
// of the default VXX cycle (3% steps): buy 10 VXX. Armed, it is an order with the tactical
// rule's deterministic id and the state moves; not armed, the gate blocks it, says why,
// and the state stays.
func TestTacticalThroughTheGate(t *testing.T) {
	f := newFixture(t, 51.6)
	st := State{Tactical: map[string]tactical.State{"VXX": {Layer: "VXX", Bias: portfolio.Short, Reference: 50}}}
	in := Input{Book: f.book, Layers: f.layers[:1], Market: Market{Now: now, Quotes: f.quotes, NetLiq: 250000}, Settings: DefaultSettings()}
	for _, tc := range []struct {
		name    string
		gate    *automation.Gate
		orders  int
		blocked automation.Guardrail
		pos     float64
	}{
		{"armed", armedGate(t, automation.Tactical), 1, "", 10},
		{"not armed", armedGate(t, automation.Hedge), 0, automation.Armed, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next, step, err := Decide(in, st, tc.gate)
			if err != nil {
				t.Fatal(err)
			}
			if len(step.Orders) != tc.orders || next.Tactical["VXX"].Position != tc.pos {
				t.Fatalf("%d orders, tactical position %g; blocked %+v", len(step.Orders), next.Tactical["VXX"].Position, step.Blocked)
			}
			if st.Tactical["VXX"].Position != 0 {
				t.Fatal("Decide changed the state it was given")
			}
			if tc.orders == 1 {
				o := step.Orders[0]
				if o.Kind != automation.Tactical || o.Side != "buy" || o.Quantity != 10 || o.Symbol != "VXX" || !strings.Contains(o.ClientOrderID, "-tac-c1-s1") {
					t.Fatalf("order %+v", o)
				}
				return
			}
			if len(step.Blocked) != 1 || step.Blocked[0].Verdict.Blocks[0].Guardrail != tc.blocked {
				t.Fatalf("blocked %+v", step.Blocked)
			}
			if !strings.HasPrefix(step.Next["VXX"], "blocked: armed") {
				t.Fatalf("next %q", step.Next["VXX"])
			}
		})
	}
}

// TestDeterministic: the same inputs, state and a fresh gate give the same step.
func TestDeterministic(t *testing.T) {
	f := newFixture(t, 51.6)
	st := State{Tactical: map[string]tactical.State{"VXX": {Layer: "VXX", Bias: portfolio.Short, Reference: 50}}}
	in := Input{Book: f.book, Layers: f.layers, Market: Market{Now: now, Quotes: f.quotes, NetLiq: 250000, Chains: []liquidity.Chain{}},
		Settings: DefaultSettings()}
	s1, a, err := Decide(in, st, armedGate(t, automation.Kinds()...))
	if err != nil {
		t.Fatal(err)
	}
	s2, b, err := Decide(in, st, armedGate(t, automation.Kinds()...))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Orders) == 0 {
		t.Fatal("the fixture should trade (tactical, hedge)")
	}
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(s1, s2) {
		t.Fatalf("two steps differ:\n%+v\n%+v", a, b)
	}
	// The same step again on the same gate: every order's client order id is refused.
	_, c, err := Decide(in, st, func() *automation.Gate {
		g := armedGate(t, automation.Kinds()...)
		Decide(in, st, g)
		return g
	}())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Orders) != 0 {
		t.Fatalf("a replayed step sent %d orders again", len(c.Orders))
	}
	for _, bl := range c.Blocked {
		dup := false
		for _, x := range bl.Verdict.Blocks {
			dup = dup || x.Guardrail == automation.Duplicate
		}
		if !dup && bl.Intent.Kind != automation.LetAssign {
			t.Fatalf("blocked without the duplicate guardrail: %s", bl.Verdict.Why())
		}
	}
}

// TestNaiveRebalanceAndSpiralGuard: the SPY strangle's call is tested (|delta| ≥ 0.30);
// naive rebalancing sells 2 more puts — the spiral guard stops that (the layer is
// imbalanced and the order adds contracts to the untested side) unless it is turned off,
// as the lab's naive experiment does.
func TestNaiveRebalanceAndSpiralGuard(t *testing.T) {
	f := newFixture(t, 50)
	for _, tc := range []struct {
		name      string
		spiralOff bool
		orders    int
	}{{"guard on", false, 0}, {"guard off", true, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			s := DefaultSettings()
			s.Rebalance, s.SpiralOff = Naive, tc.spiralOff
			in := Input{Book: f.book, Layers: f.layers[1:2], Market: Market{Now: now, Quotes: f.quotes, NetLiq: 250000, Chains: []liquidity.Chain{}}, Settings: s}
			_, step, err := Decide(in, State{}, armedGate(t, automation.Kinds()...))
			if err != nil {
				t.Fatal(err)
			}
			var tested bool
			for _, tr := range step.Transitions {
				tested = tested || (tr.Symbol == "SPY   261218C00675000" && tr.To == "tested")
			}
			if !tested {
				t.Fatalf("the call was not found tested: %+v (problems %v)", step.Transitions, step.Problems)
			}
			if len(step.Orders) != tc.orders {
				t.Fatalf("%d orders, want %d; blocked %+v", len(step.Orders), tc.orders, step.Blocked)
			}
			if tc.orders == 1 {
				o := step.Orders[0]
				if o.Symbol != "SPY   261218P00600000" || o.Side != "sell" || o.Quantity != 2 || o.LayerContracts != 6 || o.Kind != automation.Roll {
					t.Fatalf("naive order %+v", o)
				}
				return
			}
			if len(step.Blocked) != 1 || step.Blocked[0].Verdict.Blocks[0].Guardrail != automation.Spiral {
				t.Fatalf("blocked %+v", step.Blocked)
			}
		})
	}
}

// TestBookHedge: the book long about 1,900 SPY shares of beta-weighted delta against a band
// of ±500 per $100k of $250,000 (±1,250) is hedged back to zero with SH (−36/680 SPY
// shares each), rounded to whole shares.
func TestBookHedge(t *testing.T) {
	f := newFixture(t, 50)
	book := f.book
	book.Total.BetaDelta = 1900
	in := Input{Book: book, Layers: f.layers[2:], Market: Market{Now: now, Quotes: f.quotes, NetLiq: 250000}, Settings: DefaultSettings()}
	next, step, err := Decide(in, State{}, armedGate(t, automation.Hedge))
	if err != nil {
		t.Fatal(err)
	}
	if len(step.Orders) != 1 {
		t.Fatalf("%d orders; blocked %+v", len(step.Orders), step.Blocked)
	}
	o := step.Orders[0]
	want := 1900 / (36.0 / 680)
	if o.Symbol != "SH" || o.Side != "buy" || o.Quantity < want-1 || o.Quantity > want+1 || o.Kind != automation.Hedge || !next.LastHedge.Equal(now) {
		t.Fatalf("hedge %+v (want buy about %.0f SH)", o, want)
	}
	book.Total.BetaDelta = 1000 // inside the band
	in.Book = book
	if _, step, _ := Decide(in, State{}, armedGate(t, automation.Hedge)); len(step.Orders) != 0 {
		t.Fatalf("hedged inside the band: %+v", step.Orders)
	}
}

func TestDecideErrors(t *testing.T) {
	f := newFixture(t, 50)
	in := Input{Book: f.book, Layers: []Layer{{Name: " "}}, Market: Market{Now: now}, Settings: DefaultSettings()}
	if _, _, err := Decide(in, State{}, armedGate(t)); err == nil {
		t.Fatal("a layer without a name must be an error")
	}
	in.Layers = f.layers[:1]
	in.Market.Quotes = map[string]liquidity.Quote{}
	if _, _, err := Decide(in, State{}, armedGate(t)); err == nil || !strings.Contains(err.Error(), "tactical needs quotes") {
		t.Fatalf("a tactical layer without quotes: %v", err)
	}
	if _, _, err := Decide(in, State{}, nil); err == nil {
		t.Fatal("no gate must be an error")
	}
}

// TestSpiralJudgesTheWholeOrder: on the imbalanced SPY strangle (call tested), a roll of
// the untested puts closer — buy 2 P600, sell 2 P620 — keeps the put side's contracts and
// passes; selling 2 P620 alone adds 2 and is stopped.
func TestSpiralJudgesTheWholeOrder(t *testing.T) {
	f := newFixture(t, 50)
	d := &decider{in: Input{Book: f.book, Settings: DefaultSettings()}}
	p600, p620 := option(t, "SPY   261218P00600000"), option(t, "SPY   261218P00620000")
	closeLeg := optionLeg{Leg: Leg{Symbol: "SPY   261218P00600000", Side: "buy", Quantity: 2}, in: p600, delta: -0.05, spot: 680, vol: 0.22}
	openLeg := optionLeg{Leg: Leg{Symbol: "SPY   261218P00620000", Side: "sell", Quantity: 2}, in: p620, delta: -0.09, spot: 680, vol: 0.2}
	for _, tc := range []struct {
		name string
		legs []optionLeg
		stop bool
	}{
		{"roll closer", []optionLeg{closeLeg, openLeg}, false},
		{"add puts", []optionLeg{openLeg}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := d.spiral("SPY options", tc.legs)
			if err != nil {
				t.Fatal(err)
			}
			if stop := v != nil && v.Stop; stop != tc.stop {
				t.Fatalf("stop %v, want %v: %+v", stop, tc.stop, v)
			}
		})
	}
}

// TestSettlementAfterThePositions: a broker may report the positions without an expired
// option before the settlement that says it was assigned. The track waits for the
// settlement (at most SettleWait); an option closed before its expiry is dropped at once.
func TestSettlementAfterThePositions(t *testing.T) {
	put := option(t, "SPY   261106P00690000") // expires Friday 6 November 2026, 16:00 New York
	closed := option(t, "SPY   261218P00650000")
	f := newFixture(t, 50)
	track := func(id string, in instrument.Instrument, stage lifecycle.Stage) lifecycle.Track {
		tr, err := lifecycle.NewTrack(id, "SPY options", id, in, 1, 12.5)
		if err != nil {
			t.Fatal(err)
		}
		tr.Stage = stage
		return *tr
	}
	st := State{Tracks: []lifecycle.Track{track("SPY   261106P00690000", put, lifecycle.AwaitingAssignment),
		track("SPY   261218P00650000", closed, lifecycle.Tested)}}
	after := time.Date(2026, 11, 6, 16, 30, 0, 0, instrument.NewYork)
	in := Input{Book: f.book, Market: Market{Now: after, Quotes: f.quotes}, Settings: DefaultSettings()}
	g := armedGate(t)
	stage := func(s State, id string) lifecycle.Stage {
		for _, tr := range s.Tracks {
			if tr.ID == id {
				return tr.Stage
			}
		}
		return ""
	}
	s1, _, err := Decide(in, st, g)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("expired, not yet settled: the track waits", func(t *testing.T) {
		if got := stage(s1, "SPY   261106P00690000"); got != lifecycle.AwaitingAssignment {
			t.Fatalf("stage %q, want awaiting assignment", got)
		}
	})
	t.Run("closed before its expiry: dropped", func(t *testing.T) {
		if got := stage(s1, "SPY   261218P00650000"); got != "" {
			t.Fatalf("the closed option's track is still at %q", got)
		}
	})
	t.Run("the settlement comes: assigned into shares", func(t *testing.T) {
		in2 := in
		in2.Market.Now = after.Add(time.Minute)
		in2.Market.Settlements = []Settlement{{At: after, Symbol: "SPY   261106P00690000", Assigned: true, Units: 100, Price: 690}}
		s2, step, err := Decide(in2, s1, g)
		if err != nil {
			t.Fatal(err)
		}
		if got := stage(s2, "SPY   261106P00690000"); got != lifecycle.Shares || len(step.Transitions) != 1 {
			t.Fatalf("stage %q, transitions %+v; want shares", got, step.Transitions)
		}
	})
	t.Run("no settlement within SettleWait: dropped", func(t *testing.T) {
		in3 := in
		in3.Market.Now = put.Expiry.Add(SettleWait + time.Minute)
		s3, _, err := Decide(in3, s1, g)
		if err != nil {
			t.Fatal(err)
		}
		if got := stage(s3, "SPY   261106P00690000"); got != "" {
			t.Fatalf("stage %q after SettleWait, want the track dropped", got)
		}
	})
}
