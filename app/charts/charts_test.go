package charts

import (
	"context"
	"errors"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
)

// A short 95/105 XYZ strangle, one contract each, 30 days out at 25% vol. At expiry its
// P&L from today's value is 100 × (credit − max(0, 95 − S) − max(0, S − 105)) with credit
// the two options' prices today, so the breakevens are 95 − credit and 105 + credit —
// here about 92.9 and 107.2, between grid points of the ±20% grid (0.4 apart) and away
// from the strikes, where the expiry curve is a straight line and interpolation is exact.
func TestRiskProfileSpecShortStrangle(t *testing.T) {
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	leg := func(right pricing.Right, strike float64) instrument.Instrument {
		return instrument.Instrument{Kind: instrument.Option, Root: "XYZ", Underlying: "XYZ", Multiplier: 100,
			Right: right, Strike: strike, Style: pricing.European, Expiry: now.Add(30 * 24 * time.Hour),
			Beta: 1, Benchmark: "SPY", Leverage: 1, Reference: "XYZ"}
	}
	ps := []portfolio.Position{
		{ID: "put", Instrument: leg(pricing.Put, 95), Quantity: -1, Layer: "Strangles"},
		{ID: "call", Instrument: leg(pricing.Call, 105), Quantity: -1, Layer: "Strangles"},
	}
	m := portfolio.Market{Now: now, Rate: 0.04, Quotes: map[string]portfolio.Quote{"put": {Vol: 0.25}, "call": {Vol: 0.25}},
		Underlyings: map[string]float64{"SPY": 600, "XYZ": 100}}
	book, err := portfolio.Revalue(ps, m, portfolio.Config{})
	if err != nil {
		t.Fatal(err)
	}
	credit := book.Positions[0].Greeks.Price + book.Positions[1].Greeks.Price
	if credit < 1 || credit > 5 {
		t.Fatalf("credit %v per share: the test's premise (breakevens away from the strikes) fails", credit)
	}
	spec, err := profileChartSpec(book, "underlying:XYZ", profileSettings{Span: 20, Days: 7, Expiry: true, Overlay: "Delta"})
	if err != nil {
		t.Fatal(err)
	}
	if len(spec.Curves) != 3 || spec.Curves[2].Name != "Expiry Dec 20" {
		t.Fatalf("curves %v, want T+0, T+7 and Expiry Dec 20", chartsCurveNames(spec.Curves))
	}
	if spec.Current != 100 || spec.XLabel != "XYZ price" || len(spec.X) != 101 || math.Abs(spec.X[0]-80) > 1e-9 {
		t.Fatalf("x axis %q from %v, current %v", spec.XLabel, spec.X[0], spec.Current)
	}
	want := []float64{95 - credit, 105 + credit}
	got := widgets.Breakevens(spec.X, spec.Curves[2].Values)
	if len(got) != 2 || math.Abs(got[0]-want[0]) > 1e-6 || math.Abs(got[1]-want[1]) > 1e-6 {
		t.Fatalf("expiry breakevens %v, want %v", got, want)
	}
	text := breakevenText(spec)
	for _, w := range []string{ui.Num(want[0], 2), ui.Num(want[1], 2), "Expiry Dec 20: "} {
		if !strings.Contains(text, w) {
			t.Errorf("breakevens line %q lacks %q", text, w)
		}
	}
	// The delta overlay is the T+0 curve's: short both wings, positive below and negative
	// above (−put delta and −call delta, in shares).
	if o := spec.Overlay.Values; len(o) != 101 || o[0] <= 0 || o[100] >= 0 || spec.OverlayUnit != "Delta (XYZ units)" {
		t.Fatalf("overlay %q from %v to %v", spec.OverlayUnit, o[0], o[len(o)-1])
	}
	// In points, ±5 XYZ: the grid is 95…105.
	pts, err := profileChartSpec(book, "layer:Strangles", profileSettings{Span: 5, Points: true, Expiry: true, Overlay: "None"})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(pts.X[0]-95) > 1e-9 || math.Abs(pts.X[100]-105) > 1e-9 || len(pts.Overlay.Values) != 0 {
		t.Fatalf("points grid %v…%v, overlay %d values", pts.X[0], pts.X[100], len(pts.Overlay.Values))
	}
	if _, err := profileChartSpec(book, "layer:Nothing", profileSettings{Span: 20}); err == nil {
		t.Fatal("an empty layer must say it has no positions")
	}
}

func chartsCurveNames(cs []widgets.ProfileCurve) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// startChartsDesk opens a new paper account with the demo book in a temporary journal
// (market clock moved by hand) and waits until every position is valued.
func startChartsDesk(t *testing.T) (*desk.Service, *paper.Broker, *data.Journal) {
	t.Helper()
	j, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "keel.db"),
		data.WithClock(func() time.Time { return chartsNow }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	k := testkit.DeskOn(t, j, time.Date(2026, time.November, 20, 15, 0, 0, 0, time.UTC)) // Friday 10:00 in New York
	k.Until(t, "the demo book valued", func() bool {
		s := k.Desk.Latest()
		return s.Synced && len(s.Positions) > 0 && !s.Book.Now.IsZero() && s.Book.Errors == 0 && len(s.Book.Layers) > 1
	})
	return k.Desk, k.Paper, j
}

// chartsNow is the fixed "now" of the charts' test journals: Friday 20 November 2026, 10:30
// in New York.
var chartsNow = time.Date(2026, time.November, 20, 15, 30, 0, 0, time.UTC)

func chartsWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// openCharts shows the charts window of d at its opening size in a software canvas.
func openCharts(t *testing.T, d *desk.Service, j *data.Journal) (*ChartsView, fyne.Canvas) {
	t.Helper()
	var v *ChartsView
	// Built under the UI lock: another window's updates may be applying (Fyne's caches
	// are the UI goroutine's).
	testkit.Locked(func() { v = NewChartsView(ui.Env{Now: func() time.Time { return chartsNow }, Desk: d, Journal: j}) })
	t.Cleanup(func() { stopCharts(v) })
	c := software.NewCanvas()
	c.SetPadded(true)
	content := v.Content()
	v.apply(func() {
		c.SetContent(content)
		c.Resize(Size)
	})
	v.Settle()
	return v, c
}

func TestChartsViewDemoBookLive(t *testing.T) {
	test.NewTempApp(t)
	test.ApplyTheme(t, ui.Theme())
	d, b, j := startChartsDesk(t)
	v, _ := openCharts(t, d, j)

	// The book's profile against SPY, drawn, with its breakevens listed.
	p := v.profileChart.Spec()
	if len(p.Curves) != 3 || p.Current <= 0 || !strings.Contains(p.XLabel, "SPY") {
		t.Fatalf("profile: %d curves against %q at %v, want T+0, T+7 and expiry against SPY", len(p.Curves), p.XLabel, p.Current)
	}
	if v.profileChart.Image() == nil {
		t.Fatalf("no profile drawn: %q", v.profileChart.Note())
	}
	var shown string
	v.apply(func() { shown = v.breakevens.Text })
	if !strings.HasPrefix(shown, "Breakevens — T+0: ") || !strings.Contains(shown, "Expiry ") {
		t.Fatalf("breakevens line %q", shown)
	}
	if len(widgets.BreakevenLabels(p)) == 0 {
		t.Fatal("the demo book's profile has no breakeven within ±20%")
	}

	// A few samples: the desk journals one per 15 s of market time; the chart keeps one per
	// 15 s from the snapshots too, plus the live figures.
	chartsAdvanceSamples(t, d, b, 4)
	chartsWait(t, "the desk's samples in the journal", func() bool {
		pts, err := j.GreekHistory(context.Background(), d.Book(), "", time.Time{})
		return err == nil && len(pts) >= 4
	})
	v.ask(true, true, false) // reload from the journal, as a window change does
	v.Settle()
	g := v.greekChart.Spec()
	if len(g.Series) != 1 || g.Series[0].Name != "Book" || len(g.Series[0].Times) < 4 {
		t.Fatalf("Greeks chart: %+v", g.Series)
	}
	if !strings.Contains(g.Unit, "SPY shares") {
		t.Fatalf("unit %q", g.Unit)
	}
	if v.greekChart.Image() == nil {
		t.Fatalf("no Greeks chart drawn: %q", v.greekChart.Note())
	}

	// Choosing a layer and the week window persists in charts.v1 and draws that layer.
	layer := d.Latest().Book.Layers[0].Layer.Name
	v.apply(func() {
		v.scopeChecks.SetSelected([]string{bookScope, layer})
		v.windowRadio.SetSelected("Last week")
		v.greekSelect.SetSelected("Vega $/vol pt")
	})
	v.Settle()
	g = v.greekChart.Spec()
	if len(g.Series) != 2 || g.Series[1].Name != layer || len(g.Series[1].Times) < 4 || g.Unit != "$ per vol point" {
		t.Fatalf("after choosing %s: unit %q, series %v", layer, g.Unit, chartsSeriesNames(g))
	}
	raw, ok, err := j.Setting(context.Background(), chartsSettingKey)
	if err != nil || !ok || !strings.Contains(raw, `"window":"week"`) || !strings.Contains(raw, `"greek":"vega"`) {
		t.Fatalf("stored settings %q (%v, %v)", raw, ok, err)
	}
	var again *ChartsView
	// Built under the UI lock: the first view's frames keep applying meanwhile.
	testkit.Locked(func() { again = NewChartsView(ui.Env{Now: func() time.Time { return chartsNow }, Desk: d, Journal: j}) })
	defer stopCharts(again)
	// The saved choices are read off the UI goroutine: the window shows them once loaded.
	again.Settle()
	var window string
	var scopes []string
	again.apply(func() { window, scopes = again.windowRadio.Selected, again.scopeChecks.Selected })
	if window != "Last week" || len(scopes) != 2 {
		t.Fatalf("reopened with window %q and scopes %v", window, scopes)
	}

	// A bad range is refused beside the fields and changes nothing.
	v.apply(func() { v.span.SetText("-3") })
	v.Settle()
	v.apply(func() { shown = v.inputNote.Text })
	if !strings.Contains(shown, "Range") {
		t.Fatalf("input note %q", shown)
	}
	v.mu.Lock()
	span := v.settings.Profile.Span
	v.mu.Unlock()
	if span != 20 {
		t.Fatalf("a refused range changed the setting to %v", span)
	}
}

// chartsAdvanceSamples moves the paper market n times by desk.SampleEvery, waiting each time
// for the desk's snapshot of it.
func chartsAdvanceSamples(t *testing.T, d *desk.Service, b *paper.Broker, n int) {
	t.Helper()
	before := d.Latest().Time
	for i := 1; i <= n; i++ {
		if err := b.Advance(desk.SampleEvery); err != nil {
			t.Fatal(err)
		}
		want := before.Add(time.Duration(i) * desk.SampleEvery)
		chartsWait(t, "the snapshot of the advanced market", func() bool { return !d.Latest().Time.Before(want) })
	}
}

// stopCharts stops v and waits until nothing of it runs any more.
func stopCharts(v *ChartsView) {
	v.Stop()
	<-v.Done()
	v.Settle()
}

func chartsSeriesNames(g widgets.GreekChartSpec) []string {
	var out []string
	for _, s := range g.Series {
		out = append(out, s.Name)
	}
	return out
}

// chartsVariantTheme is a theme held to one variant, light or dark.
type chartsVariantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t chartsVariantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// The window in Keel's (dark) theme and in Fyne's light theme: the charts take the
// theme's background. With KEEL_SHOT_DIR set, the pictures are written there as
// h8-charts-<variant>.png for looking at.
func TestChartsScreenshotsLightAndDark(t *testing.T) {
	for _, c := range []struct {
		name    string
		theme   fyne.Theme
		light   bool
		profile string // the stored profile settings
	}{
		{"dark", ui.Theme(), false, ""},
		{"light", chartsVariantTheme{theme.DefaultTheme(), theme.VariantLight}, true, ""},
		// A layer on one underlying, in points, with the gamma overlay and a vol shift.
		{"dark-layer", ui.Theme(), false,
			`,"profile":{"selection":"layer:ES options","span":300,"points":true,"days":3,"expiry":true,"volShift":2,"overlay":"Gamma"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			test.NewTempApp(t)
			test.ApplyTheme(t, c.theme)
			d, b, j := startChartsDesk(t)
			// Ten minutes of market in 15 s steps, charted over the last hour for the book and
			// every layer.
			chartsAdvanceSamples(t, d, b, 40)
			scopes := `""`
			for _, l := range d.Latest().Book.Layers {
				scopes += `,"` + l.Layer.Name + `"`
			}
			if err := j.SetSetting(context.Background(), chartsSettingKey,
				`{"greek":"delta","window":"hour","scopes":[`+scopes+`]`+c.profile+`}`); err != nil {
				t.Fatal(err)
			}
			v, cv := openCharts(t, d, j)
			stopCharts(v)
			if c.profile != "" {
				p := v.profileChart.Spec()
				if !strings.HasPrefix(p.Title, "Risk profile: ES options") || !strings.HasPrefix(p.OverlayUnit, "Gamma") ||
					math.Abs(p.X[len(p.X)-1]-p.X[0]-600) > 1e-6 || len(p.Curves) != 3 {
					t.Fatalf("layer profile %q over %v…%v, overlay %q, %d curves", p.Title, p.X[0], p.X[len(p.X)-1], p.OverlayUnit, len(p.Curves))
				}
			}
			var img image.Image
			v.apply(func() { img = software.RenderCanvas(cv, c.theme) })
			for name, chart := range map[string]image.Image{"greeks": v.greekChart.Image(), "profile": v.profileChart.Image()} {
				if chart == nil {
					t.Fatalf("%s chart not drawn", name)
				}
				r, g, b, _ := chart.At(3, 3).RGBA()
				lum := (r + g + b) / 3 >> 8
				if c.light != (lum > 160) {
					t.Errorf("%s chart background %d,%d,%d does not match the %s theme", name, r>>8, g>>8, b>>8, c.name)
				}
			}
			if dir := os.Getenv("KEEL_SHOT_DIR"); dir != "" {
				testkit.SavePNG(t, img, filepath.Join(dir, "h8-charts-"+c.name+".png"))
			}
		})
	}
}

// Without a desk (a screenshot run, or a broker that failed to start) the window says why
// in both charts and settles at once.
func TestChartsViewWithoutDesk(t *testing.T) {
	test.NewTempApp(t)
	test.ApplyTheme(t, ui.Theme())
	v := NewChartsView(ui.Env{Now: func() time.Time { return chartsNow }, DeskErr: errors.New("paper account: disk full")})
	c := software.NewCanvas()
	content := v.Content()
	v.apply(func() {
		c.SetContent(content)
		c.Resize(Size)
	})
	v.Settle()
	for _, note := range []string{v.greekChart.Note(), v.profileChart.Note()} {
		if !strings.Contains(note, "disk full") {
			t.Errorf("note %q does not say why", note)
		}
	}
	var status string
	v.apply(func() { status = v.status.Text })
	if !strings.Contains(status, "the desk is not running: paper account: disk full") {
		t.Errorf("status %q", status)
	}
	stopCharts(v)
}
