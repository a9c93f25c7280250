package deskview

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
)

// deskTestStart is when the test paper accounts open: Friday 20 November 2026, 10:00 in
// New York, in the session.
var deskTestStart = time.Date(2026, time.November, 20, 10, 0, 0, 0, instrument.NewYork)

// deskWindowSize is the desk window's opening size.
var deskWindowSize = fyne.NewSize(1280, 720)

// deskEnv is what a window of the test desk is built from.
func deskEnv(dt *testkit.Desk) ui.Env {
	return ui.Env{Now: func() time.Time { return deskTestStart }, Journal: dt.Journal, Desk: dt.Desk}
}

// openDesk opens the desk window in a test window and waits for a valued snapshot.
func openDesk(t *testing.T, dt *testkit.Desk, env ui.Env) *DeskView {
	t.Helper()
	var v *DeskView
	var w fyne.Window
	// NewDeskView applies the latest snapshot on this goroutine; the reader goroutine takes
	// the lock for every later one.
	v = NewDeskView(env)
	v.OnUI(func() {
		w = test.NewTempWindow(t, v.Content())
		w.Resize(deskWindowSize)
	})
	t.Cleanup(func() { stopDesk(v) })
	dt.Until(t, "a valued snapshot on the desk window", func() bool {
		select {
		case <-v.settled:
			return true
		default:
			return false
		}
	})
	return v
}

// stopDesk stops the window following the desk and waits for its reader to return, so
// nothing is applied after the test app is gone.
func stopDesk(v *DeskView) {
	v.Stop()
	<-v.Done()
}

// layerRow is the desk's row of a layer, as shown.
func layerRow(v *DeskView, name string) (deskRow, bool) {
	var r deskRow
	var ok bool
	v.OnUI(func() {
		for _, l := range v.frame.layers {
			if l.key == name {
				r, ok = l, true
			}
		}
	})
	return r, ok
}

func TestDeskViewShowsDemoLayersAndTotals(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	opened := []string{}
	env := deskEnv(dt)
	env.Open = func(name string, _ any) { opened = append(opened, name) }
	v := openDesk(t, dt, env)

	// The demo book's layers with the biases seedDemoLayers gives them (paper.DemoBook).
	want := []struct{ name, bias string }{
		{"ES options", "short"}, {"MES futures", "long"}, {"SPY options", "neutral"}, {"VXX", "short"},
	}
	for _, w := range want {
		r, ok := layerRow(v, w.name)
		if !ok {
			t.Errorf("no row for layer %q", w.name)
			continue
		}
		if r.cells[1] != w.bias {
			t.Errorf("%s: bias %q, want %q", w.name, r.cells[1], w.bias)
		}
		if n := r.cells[7]; n == "0" {
			t.Errorf("%s: no positions", w.name)
		}
		if c := r.cells[8]; c != "OK" && !strings.HasPrefix(c, "off by $") {
			t.Errorf("%s: bias check %q, want OK or off by $…", w.name, c)
		}
	}
	// MES futures: 2 long contracts, long-biased and long, so its check is OK and its
	// beta-weighted delta positive.
	if r, _ := layerRow(v, "MES futures"); r.cells[8] != "OK" || strings.HasPrefix(r.cells[3], "−") {
		t.Errorf("MES futures row = %q, want a positive β-delta and OK", r.cells)
	}

	snap := dt.Desk.Latest()
	v.OnUI(func() {
		tot := snap.Book.Total
		// The figures are the snapshot's, with their units.
		wantDelta := fmt.Sprintf("%s SPY sh · %s", ui.Num(tot.BetaDelta, 1), ui.WholeUSD(tot.BetaDollarDelta))
		if g := v.glance[glanceDelta].Text(); !strings.Contains(g, "SPY sh · ") {
			t.Errorf("delta glance %q, want SPY shares and dollars like %q", g, wantDelta)
		}
		if g := v.glance[glanceNetLiq].Text(); !strings.HasPrefix(g, "$2") {
			t.Errorf("net liquidation %q, want about $250,000", g)
		}
		for i, g := range v.glance {
			if g.Text() == ui.NoValue || strings.Contains(g.Text(), "NaN") {
				t.Errorf("glance %q shows %q", deskGlanceTitles[i], g.Text())
			}
		}
		lt, _, rt := v.gauge.Captions()
		if !strings.HasPrefix(lt, "Bear −$") || !strings.HasPrefix(rt, "Bull $") {
			t.Errorf("gauge captions %q, %q", lt, rt)
		}
		// The first layer is selected and its positions listed.
		if v.selected != "ES options" || len(v.posRows) != 2 {
			t.Errorf("selected %q with %d positions, want ES options with its 2 options", v.selected, len(v.posRows))
		}
		v.selectLayer("MES futures")
		if len(v.posRows) != 1 || !strings.HasPrefix(v.posRows[0].cells[0], "MES") || v.posRows[0].cells[1] != "2" {
			t.Errorf("MES futures positions = %v", v.posRows)
		}
		if !strings.Contains(v.status.Text, "connected") || !strings.Contains(v.clock.Text(), "Paper market") {
			t.Errorf("status %q, clock %q", v.status.Text, v.clock.Text())
		}
		for _, b := range v.buttons {
			test.Tap(b)
		}
	})
	if got := strings.Join(opened, " "); got != "checklist layers positions ticket charts journal review settings" {
		t.Errorf("toolbar opened %q", got)
	}
}

func TestDeskViewAlertsWhenLimitsTightened(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	v := openDesk(t, dt, deskEnv(dt))
	// The demo book's delta is hedged to about zero but not exactly: a limit of 0.001 SPY
	// shares per $100k is breached, and vega of 0.0001% of net liquidation per point too.
	tight := portfolio.DefaultLimits()
	tight.DeltaSharesPer100k = 0.001
	tight.VegaPerPoint = 0.000001
	dt.Desk.SetRiskLimits(tight)
	var alerts []string
	dt.Until(t, "a vega alert", func() bool {
		v.OnUI(func() { alerts = append([]string(nil), v.alerts...) })
		for _, a := range alerts {
			if strings.Contains(strings.ToLower(a), "vega") {
				return true
			}
		}
		return false
	})
	v.OnUI(func() {
		if !strings.HasPrefix(v.alertTitle.Text, "Alerts (") {
			t.Errorf("alerts title %q", v.alertTitle.Text)
		}
	})
	snap := dt.Desk.Latest()
	if len(snap.Alerts) == 0 {
		t.Fatal("the snapshot has no alerts")
	}
	// The book's figures move with every tick, so the strip (one snapshot behind at most)
	// is compared with the snapshot's alerts by their words, not their numbers.
	words := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) || r == '.' || r == ',' || r == '−' || r == '-' || r == '$' || r == '%' {
				return -1
			}
			return r
		}, s)
	}
	found := false
	for _, a := range snap.Alerts {
		for _, s := range alerts {
			found = found || words(s) == words(a.Message)
		}
	}
	if !found {
		t.Errorf("alerts strip %q shows none of the snapshot's alerts", alerts)
	}
}

func TestDeskViewWithoutDeskSaysWhy(t *testing.T) {
	test.NewTempApp(t)
	v := NewDeskView(ui.Env{Now: time.Now, DeskErr: fmt.Errorf("paper account: disk full")})
	v.Settle() // returns at once
	if !strings.Contains(v.status.Text, "disk full") {
		t.Errorf("status %q does not say why", v.status.Text)
	}
	for _, b := range v.buttons {
		if !b.Disabled() {
			t.Errorf("button %q enabled without a window opener", b.Text)
		}
	}
}

func TestLimitUseText(t *testing.T) {
	tests := []struct {
		name  string
		lim   portfolio.LayerLimits
		risk  portfolio.LayerRisk
		want  string
		wantW bool
	}{
		{"within", portfolio.LayerLimits{MaxContractsPerLayer: 10}, portfolio.LayerRisk{Contracts: 4}, "4/10 contracts", false},
		{"all three", portfolio.LayerLimits{MaxContractsPerLayer: 10, MaxContractsPerLeg: 5, MaxDelta: 100},
			portfolio.LayerRisk{Contracts: 4, LargestLeg: 2, Group: portfolio.Group{Exposure: portfolio.Exposure{BetaDelta: -40.4}}},
			"4/10 contracts · leg 2/5 · Δ 40/100 SPY sh", false},
		{"at the limit", portfolio.LayerLimits{MaxContractsPerLeg: 2}, portfolio.LayerRisk{LargestLeg: 2}, "leg 2/2", true},
		{"none", portfolio.LayerLimits{}, portfolio.LayerRisk{}, "no limits set", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.risk.Layer = portfolio.Layer{Name: "L", Limits: tc.lim}
			tc.risk.Configured = true
			got, imp := layerLimitUse(tc.risk, "SPY")
			if got != tc.want {
				t.Errorf("limitUse = %q, want %q", got, tc.want)
			}
			if tc.wantW && imp == 0 {
				t.Errorf("at the limit but not coloured")
			}
		})
	}
}

// TestDeskScreenshot renders the desk window to /tmp/h7-desk.png when KEEL_SHOTS is set;
// it always checks the content fits the window.
func TestDeskScreenshot(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	env := deskEnv(dt)
	env.Open = func(string, any) {}
	v := openDesk(t, dt, env)
	v.Settle()
	content := v.Content()
	if m := content.MinSize(); m.Width > deskWindowSize.Width || m.Height > deskWindowSize.Height {
		t.Errorf("the desk needs %v, more than the window's %v", m, deskWindowSize)
	}
	if os.Getenv("KEEL_SHOTS") != "" {
		testkit.Shot(t, content, deskWindowSize, "/tmp/h7-desk.png")
	}
}

// deskBenchSnapshot is a synthetic book for the apply benchmark, never shown to anyone:
// 500 option positions on 20 underlyings in 5 layers, valued by portfolio.Revalue at
// underlying prices that move with seed.
func deskBenchSnapshot(tb testing.TB, seed int) *desk.Snapshot {
	tb.Helper()
	unders := []string{"SPY", "QQQ", "IWM", "DIA", "AAPL", "MSFT", "NVDA", "AMZN", "META", "GOOGL",
		"TSLA", "JPM", "XOM", "UNH", "V", "HD", "PG", "KO", "PEP", "COST"}
	layers := []portfolio.Layer{
		{Name: "Index options", Bias: portfolio.Short, Limits: portfolio.LayerLimits{MaxContractsPerLayer: 400}},
		{Name: "Tech", Bias: portfolio.Long}, {Name: "Defensives", Bias: portfolio.Neutral},
		{Name: "Energy", Bias: portfolio.Short}, {Name: "Finance", Bias: portfolio.Long},
	}
	now := deskTestStart.Add(time.Duration(seed) * time.Second)
	mkt := portfolio.Market{Now: now, Rate: 0.04, Quotes: map[string]portfolio.Quote{}, Underlyings: map[string]float64{}}
	for i, u := range unders {
		mkt.Underlyings[u] = 100 + 10*float64(i) + float64(seed%10)/10
	}
	var ps []portfolio.Position
	var rows []brokers.Position
	for i := 0; i < 500; i++ {
		u := unders[i%len(unders)]
		s := mkt.Underlyings[u]
		occ := instrument.OCCOption{Root: u, Year: 2026, Month: time.December, Day: 18, Right: pricing.Put,
			Strike: float64(int(s*0.8)) + float64(i/len(unders))}
		if i%2 == 1 {
			occ.Right = pricing.Call
		}
		in := instrument.NewOption(occ)
		in.Style = pricing.European // a benchmark of the window, not of American pricing
		sym := in.Symbol()
		ps = append(ps, portfolio.Position{ID: sym, Instrument: in, Quantity: -2, Layer: layers[i%len(layers)].Name})
		mkt.Quotes[sym] = portfolio.Quote{Underlying: s, Vol: 0.2 + float64(i%7)/100}
		rows = append(rows, brokers.Position{Instrument: in, Symbol: sym, Quantity: -2,
			Mark: decimal.NewFromFloat(1 + float64((i*7+seed)%300)/100).Round(2)})
	}
	book, err := portfolio.Revalue(ps, mkt, portfolio.Config{Layers: layers})
	if err != nil {
		tb.Fatal(err)
	}
	snap := &desk.Snapshot{Seq: uint64(seed), Time: now, Broker: "paper", Connected: true, Status: "connected",
		Synced: true, Journaling: true, Book: book,
		Clock:   &brokers.ClockState{Now: now, Speed: 60, Open: true},
		Account: brokers.Account{ID: "paper", NetLiquidation: decimal.NewFromInt(250000 + int64(seed))}}
	for i, r := range rows {
		snap.Positions = append(snap.Positions, desk.Position{Position: r, Risk: book.Positions[i]})
	}
	snap.Alerts = portfolio.CheckLimits(book, 250000, portfolio.DefaultLimits())
	return snap
}

// BenchmarkDeskApply measures the UI goroutine's work to apply one snapshot of 500
// positions over 20 underlyings to an open desk window (its largest layer selected),
// alternating two snapshots so every figure changes each time.
func BenchmarkDeskApply(b *testing.B) {
	a := test.NewApp()
	defer a.Quit()
	a.Settings().SetTheme(ui.Theme())
	v := NewDeskView(ui.Env{Now: time.Now, DeskErr: fmt.Errorf("benchmark")})
	w := test.NewWindow(v.Content())
	defer w.Close()
	w.Resize(deskWindowSize)
	frames := []*deskFrame{buildDeskFrame(deskBenchSnapshot(b, 1)), buildDeskFrame(deskBenchSnapshot(b, 2))}
	v.applyFrame(frames[0])
	v.selectLayer("Index options")
	if len(v.posRows) != 100 {
		b.Fatalf("selected layer has %d positions, want 100", len(v.posRows))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		v.applyFrame(frames[i%2])
	}
}

// BenchmarkDeskFrame measures the formatting of one such snapshot, done on the goroutine
// that reads the snapshots, off the UI goroutine.
func BenchmarkDeskFrame(b *testing.B) {
	snap := deskBenchSnapshot(b, 1)
	b.ReportAllocs()
	for b.Loop() {
		buildDeskFrame(snap)
	}
}
