package charts

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// chartsSettingKey is the journal setting the charts window keeps its choices in.
const chartsSettingKey = "charts.v1"

// Size is the charts window's opening size.
var Size = fyne.NewSize(1270, 670)

// greek is one figure the Greeks chart can draw, in the desk's units.
type greek struct {
	key, label string
	unit       func(benchmark string) string
	ofExposure func(portfolio.Exposure) float64
	ofSample   func(data.GreekPoint) float64
}

// greeks are the figures of the Greeks chart: beta-weighted delta in benchmark units,
// beta-weighted dollar gamma per 1% move, theta per day and vega per vol point.
var greeks = []greek{
	{"delta", "β-delta", func(b string) string { return b + " shares (β-weighted)" },
		func(e portfolio.Exposure) float64 { return e.BetaDelta }, func(p data.GreekPoint) float64 { return p.BetaDelta }},
	{"gamma", "$ gamma / 1%", func(string) string { return "$ per 1% move (β-weighted)" },
		func(e portfolio.Exposure) float64 { return e.BetaGamma }, func(p data.GreekPoint) float64 { return p.Gamma }},
	{"theta", "Theta $/day", func(string) string { return "$ per day" },
		func(e portfolio.Exposure) float64 { return e.Theta }, func(p data.GreekPoint) float64 { return p.Theta }},
	{"vega", "Vega $/vol pt", func(string) string { return "$ per vol point" },
		func(e portfolio.Exposure) float64 { return e.Vega }, func(p data.GreekPoint) float64 { return p.Vega }},
}

func greekByKey(key string) greek {
	for _, g := range greeks {
		if g.key == key {
			return g
		}
	}
	return greeks[0]
}

// chartWindow is a span of market time the Greeks chart shows, up to now.
type chartWindow struct {
	key, label string
	span       time.Duration
}

// chartWindows are the spans of market time the Greeks chart can show.
var chartWindows = []chartWindow{
	{"hour", "Last hour", time.Hour},
	{"day", "Last day", 24 * time.Hour},
	{"week", "Last week", 7 * 24 * time.Hour},
}

// bookScope is the name the Greeks chart gives the whole book (scope "" in the journal).
const bookScope = "Book"

// overlays are the Greeks the risk profile can draw against its right axis.
var overlays = []string{"Delta", "Gamma", "None"}

// chartsSettings are the charts window's choices, kept in the journal as JSON.
type chartsSettings struct {
	Greek   string          `json:"greek"`
	Scopes  []string        `json:"scopes"` // "" is the book, else layer names
	Window  string          `json:"window"`
	Profile profileSettings `json:"profile"`
}

// profileSettings are the risk profile's inputs.
type profileSettings struct {
	Selection string  `json:"selection"` // "book", "layer:NAME" or "underlying:SYMBOL"
	Span      float64 `json:"span"`      // ± this many percent, or points with Points
	Points    bool    `json:"points"`
	Days      float64 `json:"days"` // the T+n curve; 0 draws none
	Expiry    bool    `json:"expiry"`
	VolShift  float64 `json:"volShift"` // vol points added to every option's volatility
	Overlay   string  `json:"overlay"`
}

func defaultChartsSettings() chartsSettings {
	return chartsSettings{Greek: "delta", Scopes: []string{""}, Window: "day",
		Profile: profileSettings{Selection: "book", Span: 20, Days: 7, Expiry: true, Overlay: "Delta"}}
}

// ChartsView is the charts window: the book's and its layers' Greeks over time, sampled by
// the desk into the journal and extended live from its snapshots, and the risk profile of
// the book, a layer or an underlying. Everything is computed and drawn off the UI
// goroutine through the one bridge (ui.Work): the charts redraw from the desk's snapshots
// at most once a second (FollowFrames) and at once when an input changes (Background).
type ChartsView struct {
	ui.Work
	env  ui.Env
	d    *desk.Service
	book string

	mu       sync.Mutex
	settings chartsSettings
	wants    struct{ reload, greeks, profile bool }
	toSave   string // settings JSON waiting to be stored
	saving   bool   // a goroutine is storing settings

	// Under dataMu, which also makes one computation at a time.
	dataMu  sync.Mutex
	latest  *desk.Snapshot
	loaded  bool                         // the history was read once: snapshots may draw it
	history map[string][]data.GreekPoint // committed samples by scope ("" the book)
	live    map[string]data.GreekPoint   // the newest snapshot's figures by scope

	// Widgets (UI goroutine).
	greekSelect   *widget.Select
	windowRadio   *widget.RadioGroup
	scopeChecks   *widget.CheckGroup
	greekChart    *widgets.GreekChart
	selection     *widget.Select
	selectionKeys []string
	span          *ui.Entry
	spanUnit      *widget.Select
	days          *ui.Entry
	expiry        *widget.Check
	volShift      *ui.Entry
	overlay       *widget.Select
	inputNote     *widget.Label
	profileChart  *widgets.ProfileChart
	breakevens    *widget.Label
	status        *widget.Label
	content       fyne.CanvasObject
	building      bool // widgets are being filled in; their callbacks do nothing
}

// NewChartsView builds the charts window on env's desk and journal and starts following
// the desk's snapshots. Stop ends that.
func NewChartsView(env ui.Env) *ChartsView {
	v := &ChartsView{env: env, d: env.Desk, settings: defaultChartsSettings(),
		history: map[string][]data.GreekPoint{}, live: map[string]data.GreekPoint{}}
	v.Name, v.Every, v.Seen = "charts", redrawEvery, v.seen
	// Half a period after the tables: the charts' images are drawn while the UI goroutine
	// is idle and shown when it has painted the tables (see ui.Work.Phase).
	v.Phase = ui.SnapshotEvery / 2
	if v.d != nil {
		v.book = v.d.Book()
	}
	v.build()
	if v.d == nil {
		why := "the desk is not running"
		if env.DeskErr != nil {
			why += ": " + env.DeskErr.Error()
		}
		v.setStatus("No live book to chart — " + why + ".")
		v.greekChart.SetNote("Greeks over time: " + why + ".")
		v.profileChart.SetNote("Risk profile: " + why + ".")
		return v
	}
	// Nothing is read from the journal on the UI goroutine: the window opens with the
	// default choices and says it is loading; background work reads the saved choices and
	// the history, then draws.
	v.greekChart.SetNote("Loading the Greeks history…")
	v.profileChart.SetNote("Loading the book…")
	v.mu.Lock()
	v.wants.reload, v.wants.greeks, v.wants.profile = true, true, true
	v.mu.Unlock()
	v.Background(func() func() {
		v.loadSettings()
		return v.serve()
	})
	v.FollowFrames(v.d, v.frame)
	return v
}

// loadSettings reads the saved choices from the journal and shows them (off the UI
// goroutine, before the first load). Choices that cannot be read leave the defaults, and
// say why.
func (v *ChartsView) loadSettings() {
	j := v.env.Journal
	if j == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	raw, ok, err := j.Setting(ctx, chartsSettingKey)
	cancel()
	if err != nil {
		v.apply(func() { v.setStatus("Could not read the saved chart choices — " + err.Error()) })
		return
	}
	if !ok {
		v.fitWindow()
		return
	}
	s := defaultChartsSettings() // what the stored JSON lacks keeps its default
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		v.apply(func() { v.setStatus("The saved chart choices are not readable, using the defaults — " + err.Error()) })
		return
	}
	s = s.normalized()
	v.mu.Lock()
	v.settings = s
	v.mu.Unlock()
	v.apply(func() { v.showSettings(s) })
}

// fitWindow opens the Greeks chart, when the trader never chose a window, on the smallest
// one that holds the book's whole recorded history: "Last hour" on a fresh account, whose
// samples would be a sliver at the right edge of "Last day" (loop goroutine).
func (v *ChartsView) fitWindow() {
	j := v.env.Journal
	if j == nil || v.book == "" {
		return
	}
	now := v.marketTime(v.d.Latest())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	pts, err := j.GreekHistory(ctx, v.book, "", now.Add(-chartWindows[len(chartWindows)-1].span))
	cancel()
	if err != nil {
		return // loadHistory says so
	}
	key := fittingWindow(now, pts)
	v.mu.Lock()
	v.settings.Window = key
	s := v.settings
	v.mu.Unlock()
	v.apply(func() { v.showSettings(s) })
}

// fittingWindow is the smallest chart window holding every sample of pts up to now, the
// last when none does, the first when there are none (pts oldest first).
func fittingWindow(now time.Time, pts []data.GreekPoint) string {
	if len(pts) == 0 {
		return chartWindows[0].key
	}
	for _, w := range chartWindows {
		if !pts[0].Time.Before(now.Add(-w.span)) {
			return w.key
		}
	}
	return chartWindows[len(chartWindows)-1].key
}

// normalized fills in what a stored setting lacks and drops what is not understood.
func (s chartsSettings) normalized() chartsSettings {
	d := defaultChartsSettings()
	if !slices.ContainsFunc(greeks, func(g greek) bool { return g.key == s.Greek }) {
		s.Greek = d.Greek
	}
	if !slices.ContainsFunc(chartWindows, func(w chartWindow) bool { return w.key == s.Window }) {
		s.Window = d.Window
	}
	if s.Scopes == nil {
		s.Scopes = d.Scopes
	}
	p := s.Profile
	if p.Selection == "" {
		p.Selection = d.Profile.Selection
	}
	if !(p.Span > 0) || math.IsInf(p.Span, 0) || (!p.Points && p.Span > 95) {
		p.Span = d.Profile.Span
		p.Points = false
	}
	if !(p.Days >= 0) || p.Days > 3650 {
		p.Days = d.Profile.Days
	}
	if math.IsNaN(p.VolShift) || math.Abs(p.VolShift) > 100 {
		p.VolShift = 0
	}
	if !slices.Contains(overlays, p.Overlay) {
		p.Overlay = d.Profile.Overlay
	}
	s.Profile = p
	return s
}

// Content is the window's content. It has Settle (wait until the history is loaded, the
// profile computed and both charts drawn, for screenshots) and Stop (stop following the
// desk; call it when the window closes).
func (v *ChartsView) Content() fyne.CanvasObject { return ui.NewRoot(v.content, v.Settle, v.Stop) }

// Settle waits until every change asked so far is computed and drawn.
func (v *ChartsView) Settle() {
	v.Wait()
	<-v.greekChart.Drawn()
	<-v.profileChart.Drawn()
}

// showSettings sets the choices' widgets to s without acting on them (UI goroutine).
func (v *ChartsView) showSettings(s chartsSettings) {
	v.building = true
	defer func() { v.building = false }()
	v.greekSelect.SetSelected(greekByKey(s.Greek).label)
	for _, w := range chartWindows {
		if w.key == s.Window {
			v.windowRadio.SetSelected(w.label)
		}
	}
	v.scopeChecks.SetSelected(scopeLabels(s.Scopes))
	v.span.SetText(strconv.FormatFloat(s.Profile.Span, 'f', -1, 64))
	if s.Profile.Points {
		v.spanUnit.SetSelected("points")
	} else {
		v.spanUnit.SetSelected("%")
	}
	v.days.SetText(strconv.FormatFloat(s.Profile.Days, 'f', -1, 64))
	v.expiry.SetChecked(s.Profile.Expiry)
	v.volShift.SetText(strconv.FormatFloat(s.Profile.VolShift, 'f', -1, 64))
	v.overlay.SetSelected(s.Profile.Overlay)
}

func (v *ChartsView) build() {
	v.building = true
	defer func() { v.building = false }()
	s := v.settings

	var labels []string
	for _, g := range greeks {
		labels = append(labels, g.label)
	}
	v.greekSelect = widget.NewSelect(labels, func(label string) {
		for _, g := range greeks {
			if g.label == label {
				v.change(func(s *chartsSettings) { s.Greek = g.key }, false, true, false)
			}
		}
	})
	v.greekSelect.SetSelected(greekByKey(s.Greek).label)
	var windowLabels []string
	for _, w := range chartWindows {
		windowLabels = append(windowLabels, w.label)
	}
	v.windowRadio = widget.NewRadioGroup(windowLabels, func(label string) {
		for _, w := range chartWindows {
			if w.label == label {
				v.change(func(s *chartsSettings) { s.Window = w.key }, true, true, false)
			}
		}
	})
	v.windowRadio.Horizontal = true
	v.windowRadio.Required = true
	for _, w := range chartWindows {
		if w.key == s.Window {
			v.windowRadio.SetSelected(w.label)
		}
	}
	v.scopeChecks = widget.NewCheckGroup([]string{bookScope}, func(chosen []string) {
		scopes := make([]string, 0, len(chosen))
		for _, c := range chosen {
			if c == bookScope {
				c = ""
			}
			scopes = append(scopes, c)
		}
		v.change(func(s *chartsSettings) { s.Scopes = scopes }, true, true, false)
	})
	v.scopeChecks.Horizontal = true
	v.scopeChecks.SetSelected(scopeLabels(s.Scopes))
	v.greekChart = widgets.NewGreekChart(widgets.GreekChartSpec{Title: "Greeks over time"})

	v.selection = widget.NewSelect(nil, func(label string) {
		i := slices.Index(v.selection.Options, label)
		if i >= 0 && i < len(v.selectionKeys) {
			key := v.selectionKeys[i]
			if !v.building {
				// The old curve and title go at once: the new profile shows as soon as it is
				// computed, and until then the chart says what it is computing.
				v.profileChart.SetNote("Risk profile of " + label + ": computing…")
				v.breakevens.SetText("")
			}
			v.change(func(s *chartsSettings) { s.Profile.Selection = key }, false, false, true)
		}
	})
	v.selection.PlaceHolder = "Loading the book…"
	v.span = ui.NewEntry()
	v.span.SetText(strconv.FormatFloat(s.Profile.Span, 'f', -1, 64))
	v.spanUnit = widget.NewSelect([]string{"%", "points"}, func(string) { v.profileInputs() })
	if s.Profile.Points {
		v.spanUnit.SetSelected("points")
	} else {
		v.spanUnit.SetSelected("%")
	}
	v.days = ui.NewEntry()
	v.days.SetText(strconv.FormatFloat(s.Profile.Days, 'f', -1, 64))
	v.expiry = widget.NewCheck("Expiry", func(bool) { v.profileInputs() })
	v.expiry.SetChecked(s.Profile.Expiry)
	v.volShift = ui.NewEntry()
	v.volShift.SetText(strconv.FormatFloat(s.Profile.VolShift, 'f', -1, 64))
	for _, e := range []*ui.Entry{v.span, v.days, v.volShift} {
		e.OnSubmitted = func(string) { v.profileInputs() }
		e.OnChanged = func(string) { v.profileInputs() }
	}
	v.overlay = widget.NewSelect(overlays, func(string) { v.profileInputs() })
	v.overlay.SetSelected(s.Profile.Overlay)
	v.inputNote = widget.NewLabel("")
	v.inputNote.Importance = widget.DangerImportance
	v.inputNote.Hide()
	v.profileChart = widgets.NewProfileChart(widgets.ProfileChartSpec{})
	v.greekChart.SetSource("charts")
	v.profileChart.SetSource("charts")
	v.breakevens = widget.NewLabel("")
	v.breakevens.Wrapping = fyne.TextWrapWord
	v.status = widget.NewLabel("")
	v.status.Importance = widget.WarningImportance
	v.status.Hide()

	greekBar := container.NewVBox(
		container.NewHBox(widget.NewLabelWithStyle("Greeks over time", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			v.greekSelect, v.windowRadio),
		// The book and its layers: as many as the trader has, scrolled sideways rather than
		// widening the window.
		container.NewBorder(nil, nil, widget.NewLabel("Show"), nil, container.NewHScroll(v.scopeChecks)),
	)
	profileBar := container.NewVBox(
		container.NewHBox(widget.NewLabelWithStyle("Risk profile", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			ui.Sized(v.selection, 240),
			widget.NewLabel("Range ±"), ui.Sized(v.span, 64), ui.Sized(v.spanUnit, 104)),
		// Two rows, so the window fits a 1024-px screen.
		container.NewHBox(widget.NewLabel("Curves: T+0, T+"), ui.Sized(v.days, 56), widget.NewLabel("days,"), v.expiry,
			widget.NewLabel("IV shift"), ui.Sized(v.volShift, 56), widget.NewLabel("vol pts"),
			widget.NewLabel("Overlay"), ui.Sized(v.overlay, 110)),
		v.inputNote,
	)
	greekPane := container.NewBorder(greekBar, nil, nil, nil, v.greekChart)
	profilePane := container.NewBorder(profileBar, v.breakevens, nil, nil, v.profileChart)
	split := container.NewVSplit(greekPane, profilePane)
	split.Offset = 0.45
	v.content = container.NewBorder(v.status, nil, nil, nil, split)
}

// setStatus shows a problem above the charts (UI goroutine).
func (v *ChartsView) setStatus(text string) {
	v.status.SetText(text)
	v.status.Show()
}

// scopeLabels are the check group's labels of scopes.
func scopeLabels(scopes []string) []string {
	out := make([]string, len(scopes))
	for i, s := range scopes {
		out[i] = s
		if s == "" {
			out[i] = bookScope
		}
	}
	return out
}

// change applies edit to the settings, stores them and asks for the work named
// (UI goroutine).
func (v *ChartsView) change(edit func(*chartsSettings), reload, greeks, profile bool) {
	if v.building {
		return
	}
	v.mu.Lock()
	edit(&v.settings)
	s := v.settings
	v.mu.Unlock()
	v.save(s)
	if v.d != nil {
		v.ask(reload, greeks, profile)
	}
}

// save stores the settings in the journal, through the desk, off the UI goroutine. One
// writer at a time stores the newest settings, so a quick run of changes cannot land out
// of order.
func (v *ChartsView) save(s chartsSettings) {
	d := v.d
	if d == nil {
		return
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.toSave = string(raw)
	if v.saving {
		return
	}
	v.saving = true
	v.Background(func() func() {
		for {
			v.mu.Lock()
			raw := v.toSave
			v.toSave = ""
			if raw == "" {
				v.saving = false
				v.mu.Unlock()
				return nil
			}
			v.mu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := d.SaveWindowChoices(ctx, chartsSettingKey, raw)
			cancel()
			if err != nil {
				v.apply(func() { v.setStatus("Could not save the chart settings: " + err.Error()) })
			}
		}
	})
}

// profileInputs reads the risk profile's fields; valid ones replace the settings and
// recompute, invalid ones are named beside the fields and change nothing (UI goroutine).
func (v *ChartsView) profileInputs() {
	if v.building {
		return
	}
	var problems []string
	num := func(e *ui.Entry, what string, ok func(float64) bool, rule string) float64 {
		f, err := strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(e.Text, "−", "-")), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || !ok(f) {
			problems = append(problems, fmt.Sprintf("%s %q: %s", what, e.Text, rule))
		}
		return f
	}
	points := v.spanUnit.Selected == "points"
	span := num(v.span, "Range", func(f float64) bool { return f > 0 && (points || f <= 95) },
		"a number above 0 (at most 95 for %)")
	days := num(v.days, "T+", func(f float64) bool { return f >= 0 && f <= 3650 }, "days from 0 to 3650")
	shift := num(v.volShift, "IV shift", func(f float64) bool { return math.Abs(f) <= 100 }, "vol points from −100 to 100")
	if len(problems) > 0 {
		v.inputNote.SetText(strings.Join(problems, "; "))
		v.inputNote.Show()
		return
	}
	v.inputNote.SetText("")
	v.inputNote.Hide()
	v.change(func(s *chartsSettings) {
		s.Profile.Span, s.Profile.Points, s.Profile.Days, s.Profile.VolShift = span, points, days, shift
		s.Profile.Expiry, s.Profile.Overlay = v.expiry.Checked, v.overlay.Selected
	}, false, false, true)
}

// ask asks for work off the UI goroutine: reading the history again, drawing the Greeks,
// the risk profile. Asks that come while one is served are served together; Settle waits
// for them.
func (v *ChartsView) ask(reload, greeks, profile bool) {
	v.mu.Lock()
	v.wants.reload = v.wants.reload || reload
	v.wants.greeks = v.wants.greeks || greeks || reload
	v.wants.profile = v.wants.profile || profile
	v.mu.Unlock()
	v.Background(v.serve)
}

// apply runs f on the UI goroutine and waits for it, recorded as the charts' time (never
// call it from the UI goroutine).
func (v *ChartsView) apply(f func()) { ui.ApplyFrom("charts", f) }

// redrawEvery is the shortest time between two redraws caused by snapshots.
const redrawEvery = time.Second

// serve does the work asked so far (none when another call took it) and returns what
// shows it on the UI goroutine (off the UI goroutine).
func (v *ChartsView) serve() func() {
	v.dataMu.Lock()
	defer v.dataMu.Unlock()
	v.mu.Lock()
	w, s := v.wants, v.settings
	v.wants.reload, v.wants.greeks, v.wants.profile = false, false, false
	v.mu.Unlock()
	if w.reload {
		v.loadHistory(v.latest, s)
		v.loaded = true
	}
	var show []func()
	if w.greeks {
		show = append(show, v.drawGreeks(v.latest, s))
	}
	if w.profile {
		show = append(show, v.drawProfile(v.latest, s))
	}
	return joined(show...)
}

// seen takes every snapshot's figures as the newest point (off the UI goroutine).
func (v *ChartsView) seen(s *desk.Snapshot) {
	v.dataMu.Lock()
	defer v.dataMu.Unlock()
	v.latest = s
	v.absorb(s)
}

// frame redraws both charts from the newest snapshot, at most once per redrawEvery (off
// the UI goroutine). Before the history is read the Greeks chart keeps saying so.
func (v *ChartsView) frame(s *desk.Snapshot) func() {
	v.dataMu.Lock()
	defer v.dataMu.Unlock()
	v.mu.Lock()
	st := v.settings
	v.mu.Unlock()
	var show []func()
	if v.loaded {
		show = append(show, v.drawGreeks(s, st))
	}
	show = append(show, v.drawProfile(s, st))
	return joined(show...)
}

// joined runs every f that is not nil, in order; nil when there is none.
func joined(fs ...func()) func() {
	var run []func()
	for _, f := range fs {
		if f != nil {
			run = append(run, f)
		}
	}
	if len(run) == 0 {
		return nil
	}
	return func() {
		for _, f := range run {
			f()
		}
	}
}

// marketTime is snap's market time, or the window's clock before the desk has one.
func (v *ChartsView) marketTime(snap *desk.Snapshot) time.Time {
	if snap != nil && !snap.Time.IsZero() {
		return snap.Time
	}
	return v.env.Now()
}

// windowSpan is the chosen window's length.
func windowSpan(key string) time.Duration {
	for _, w := range chartWindows {
		if w.key == key {
			return w.span
		}
	}
	return 24 * time.Hour
}

// loadHistory reads the chosen scopes' samples of the window from the journal (under
// dataMu).
func (v *ChartsView) loadHistory(snap *desk.Snapshot, s chartsSettings) {
	j := v.env.Journal
	since := v.marketTime(snap).Add(-windowSpan(s.Window))
	clear(v.history)
	for _, scope := range s.Scopes {
		v.history[scope] = nil // shown: absorb extends it
	}
	if j == nil || v.book == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var problems []string
	for _, scope := range s.Scopes {
		pts, err := j.GreekHistory(ctx, v.book, scope, since)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", scopeLabels([]string{scope})[0], err))
			continue
		}
		v.history[scope] = pts
	}
	if len(problems) > 0 {
		v.apply(func() { v.setStatus("Could not read the Greeks history — " + strings.Join(problems, "; ")) })
	}
}

// absorb takes a snapshot's figures as the newest point of every scope, and keeps one as
// a sample each desk.SampleEvery of market time, as the desk does in the journal (under
// dataMu).
func (v *ChartsView) absorb(snap *desk.Snapshot) {
	if snap == nil || !snap.Synced || snap.Book.Now.IsZero() {
		return
	}
	at := snap.Time
	point := func(scope string, e portfolio.Exposure) {
		p := data.GreekPoint{Time: at, Scope: scope, BetaDelta: e.BetaDelta, BetaDollar: e.BetaDollarDelta,
			Gamma: e.BetaGamma, Theta: e.Theta, Vega: e.Vega}
		v.live[scope] = p
		pts, ok := v.history[scope]
		if !ok {
			return // not shown: loaded from the journal when chosen
		}
		if n := len(pts); n == 0 || at.Sub(pts[n-1].Time) >= desk.SampleEvery {
			v.history[scope] = append(pts, p)
		}
	}
	point("", snap.Book.Total)
	for _, l := range snap.Book.Layers {
		point(l.Layer.Name, l.Exposure)
	}
}

// drawGreeks sets the Greeks chart from the history and the live figures and returns what
// sets the scope choices from the snapshot's layers on the UI goroutine (under dataMu).
func (v *ChartsView) drawGreeks(snap *desk.Snapshot, s chartsSettings) func() {
	g := greekByKey(s.Greek)
	benchmark := desk.Benchmark
	var layers []string
	if snap != nil && snap.Synced {
		if snap.Book.Benchmark.Symbol != "" {
			benchmark = snap.Book.Benchmark.Symbol
		}
		for _, l := range snap.Book.Layers {
			layers = append(layers, l.Layer.Name)
		}
	}
	to := v.marketTime(snap)
	from := to.Add(-windowSpan(s.Window))
	// Samples older than the window are dropped as it moves.
	for scope, pts := range v.history {
		i, _ := slices.BinarySearchFunc(pts, from, func(p data.GreekPoint, t time.Time) int { return p.Time.Compare(t) })
		if i > 0 {
			v.history[scope] = slices.Clone(pts[i:])
		}
	}
	zone := instrument.NewYork
	spec := widgets.GreekChartSpec{
		Title: fmt.Sprintf("%s — %s", g.label, strings.ToLower(windowLabel(s.Window))),
		Unit:  g.unit(benchmark),
		From:  from.In(zone), To: to.In(zone),
	}
	for _, scope := range s.Scopes {
		series := widgets.Series{Name: scopeLabels([]string{scope})[0]}
		for _, p := range v.history[scope] {
			series.Times = append(series.Times, p.Time.In(zone))
			series.Values = append(series.Values, g.ofSample(p))
		}
		if p, ok := v.live[scope]; ok && (len(series.Times) == 0 || p.Time.After(series.Times[len(series.Times)-1])) {
			series.Times = append(series.Times, p.Time.In(zone))
			series.Values = append(series.Values, g.ofSample(p))
		}
		spec.Series = append(spec.Series, series)
	}
	image := v.greekChart.Update(spec) // shown with the rest (nil: the chart's worker shows it)
	options := append([]string{bookScope}, layers...)
	chosen := scopeLabels(s.Scopes)
	return func() {
		if image != nil {
			image()
		}
		if !slices.Equal(v.scopeChecks.Options, options) {
			v.building = true
			v.scopeChecks.Options = options
			v.scopeChecks.SetSelected(chosen)
			v.scopeChecks.Refresh()
			v.building = false
		}
	}
}

func windowLabel(key string) string {
	for _, w := range chartWindows {
		if w.key == key {
			return w.label
		}
	}
	return key
}

// Window is the Greek charts window.
func Window() ui.Window {
	return ui.Window{
		Name:  "charts",
		Title: "Keel — Greek charts",
		Size:  Size,
		Key:   fyne.KeyG,
		Build: func(env ui.Env) fyne.CanvasObject { return NewChartsView(env).Content() },
	}
}
