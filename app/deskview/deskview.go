package deskview

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/format"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// deskSettleTimeout bounds how long the desk window's Settle waits for a valued snapshot.
const deskSettleTimeout = 15 * time.Second

// deskColumn is one column of the desk's layers or positions table. Words columns may hold
// text longer than the column and are truncated with an ellipsis; number columns are wide
// enough for their figures and are not, because truncating shapes the text anew on every
// change, which is most of the cost of a tick.
type deskColumn struct {
	title    string
	width    float32
	trailing bool
	words    bool
}

var deskLayerColumns = []deskColumn{
	{"Layer", 150, false, true},
	{"Bias", 70, false, false},
	{"β-wtd Δ (SPY sh)", 130, true, false},
	{"β-wtd Δ ($)", 110, true, false},
	{"Γ ($ per 1% SPY)", 130, true, false},
	{"Θ ($/day)", 90, true, false},
	{"V ($/vol pt)", 100, true, false},
	{"Positions", 76, true, false},
	{"Bias check", 150, false, false},
	{"Limit use", 260, false, true},
}

var deskPositionColumns = []deskColumn{
	{"Symbol", 200, false, true},
	{"Qty", 70, true, false},
	{"Mark", 90, true, false},
	{"DTE (days)", 90, true, false},
	{"Δ (underlying)", 130, true, false},
	{"β-wtd Δ ($)", 110, true, false},
	{"Γ ($ per 1%)", 110, true, false},
	{"Θ ($/day)", 90, true, false},
	{"V ($/vol pt)", 100, true, false},
}

// deskRow is one formatted table row: a text and a colour per column.
type deskRow struct {
	key   string // the layer's name or the position's symbol
	cells []string
	imps  []widget.Importance
}

func (r deskRow) equal(o deskRow) bool {
	return r.key == o.key && slices.Equal(r.cells, o.cells) && slices.Equal(r.imps, o.imps)
}

func deskRowsEqual(a, b []deskRow) bool {
	return slices.EqualFunc(a, b, deskRow.equal)
}

// deskFrame is one snapshot formatted for the desk window. It is built off the UI
// goroutine, so applying it only compares and sets text.
type deskFrame struct {
	valued     bool // synced and every position valued: the book is complete
	glance     [5]string
	glanceImps [5]widget.Importance
	bull, bear float64
	gaugeText  [3]string
	layers     []deskRow
	positions  map[string][]deskRow // by layer name
	alerts     []string
	status     string
	statusImp  widget.Importance
	clock      string
}

// glance figures, in the order of the top row.
const (
	glanceDelta = iota
	glanceGamma
	glanceTheta
	glanceVega
	glanceNetLiq
)

var deskGlanceTitles = [5]string{
	"Book β-weighted Δ",
	"Dollar Γ ($ per 1% SPY)",
	"Θ ($/day)",
	"Vega ($/vol pt)",
	"Net liquidation",
}

// DeskView is the desk window, Keel's main window: the book's Greeks at a glance, the
// bull/bear gauge, the layers with their Greeks, bias check and limit use, the positions of
// the selected layer, the alerts and the connection. It follows the desk's snapshots
// through the one bridge (ui.Work.FollowFrames): at most four a second, each formatted off
// the UI goroutine, so applying one only sets the cells that changed.
type DeskView struct {
	ui.Work
	env  ui.Env
	desk *desk.Service

	frozen  bool // Settle was called: no more frames are applied (under widgets.UIMu)
	settled chan struct{}
	settle  sync.Once

	// Everything below is touched only on the UI goroutine.
	frame      *deskFrame
	selected   string // the selected layer
	posRows    []deskRow
	glance     [5]*ui.Figure
	gauge      *widgets.BalanceGauge
	layerTable *widget.Table
	posTable   *widget.Table
	posTitle   *widget.Label
	alerts     []string
	alertList  *widget.List
	alertTitle *widget.Label
	status     *widget.Label
	clock      *ui.Figure
	buttons    []*widget.Button
	banner     *ui.AccountBanner // which account, in colour (live.go)
	liveButton *widget.Button    // turns live trading on or off on a real account
	auto       *autoPanel        // the desk's rules and the kill switch (automation.go)
	hint       startHere         // the first-launch hint on the checklist button (starthere.go)
	layersHint *widget.Label

	content fyne.CanvasObject
}

// NewDeskView builds the desk window over env.Desk and starts following its snapshots.
// Without a desk it says why the broker is not running.
func NewDeskView(env ui.Env) *DeskView {
	v := &DeskView{env: env, desk: env.Desk, settled: make(chan struct{})}
	v.Name = "desk"
	v.build()
	if v.desk == nil {
		why := "the broker was not started"
		if env.DeskErr != nil {
			why = env.DeskErr.Error()
		}
		ui.SetLabel(v.status, "Not connected: "+why, widget.DangerImportance)
		v.closeSettled()
		return v
	}
	v.applyFrame(buildDeskFrame(v.desk.Latest()))
	v.auto.apply(v.desk.Automation())
	v.FollowFrames(v.desk, func(s *desk.Snapshot) func() {
		f := buildDeskFrame(s)
		av := v.desk.Automation()
		pending, known := v.hint.check(v)
		return func() {
			if !v.frozen {
				v.applyFrame(f)
				v.auto.apply(av)
				if known {
					v.showStartHere(pending)
				}
			}
		}
	})
	return v
}

// Content is the window's content. It has Settle (wait for the first synced, valued
// snapshot and hold the picture still, for screenshots) and Stop (stop following the desk;
// call it when the window closes).
func (v *DeskView) Content() fyne.CanvasObject { return ui.NewRoot(v.content, v.Settle, v.Stop) }

// Settle blocks until a synced snapshot with every position valued has been applied (or
// 15 s have passed), then stops applying new ones so a screenshot shows one moment.
func (v *DeskView) Settle() {
	v.WaitValued(deskSettleTimeout)
	widgets.UIMu.Lock()
	v.frozen = true
	widgets.UIMu.Unlock()
}

// WaitValued blocks until a synced snapshot with every position valued has been applied,
// or timeout has passed; it reports which.
func (v *DeskView) WaitValued(timeout time.Duration) bool {
	select {
	case <-v.settled:
		return true
	case <-time.After(timeout):
		return false
	}
}

func (v *DeskView) closeSettled() { v.settle.Do(func() { close(v.settled) }) }

func (v *DeskView) build() {
	// Toolbar: the other windows.
	toolbar := container.NewHBox()
	for _, b := range []struct{ label, name string }{
		{"Checklist", "checklist"}, {"Layers…", "layers"}, {"Positions", "positions"}, {"New order…", "ticket"},
		{"Charts", "charts"}, {"Journal", "journal"}, {"Weekly review", "review"}, {"Settings", "settings"},
	} {
		name := b.name
		btn := widget.NewButton(b.label, func() {
			if v.env.Open != nil {
				v.env.Open(name, nil)
			}
		})
		if name == "ticket" {
			btn.Importance = widget.HighImportance
		}
		if v.env.Open == nil {
			btn.Disable()
		}
		v.buttons = append(v.buttons, btn)
		toolbar.Add(btn)
	}

	// At a glance: five figures, each titled with its unit.
	var cells []fyne.CanvasObject
	for _, title := range deskGlanceTitles {
		t := widget.NewLabel(title)
		t.Importance = widget.LowImportance
		cells = append(cells, t)
	}
	for i := range v.glance {
		v.glance[i] = ui.NewFigureWithStyle(fyne.TextStyle{Bold: true, Monospace: true})
		v.glance[i].SizeName = theme.SizeNameSubHeadingText
		v.glance[i].Set(ui.NoValue, widget.MediumImportance, fyne.TextAlignLeading)
		// Steady: the columns keep their widths as the figures tick.
		cells = append(cells, ui.Steady(v.glance[i]))
	}
	glance := container.New(widgets.NewColumns(5, -1), cells...)

	v.gauge = widgets.NewBalanceGauge()
	v.gauge.Set(0, 0, "Bear —", "Bull/bear balance —", "Bull —")

	// Layers.
	v.layerTable = newDeskTable(deskLayerColumns,
		func() int {
			if v.frame == nil {
				return 0
			}
			return len(v.frame.layers)
		},
		func(row int) (deskRow, bool) {
			if v.frame == nil || row < 0 || row >= len(v.frame.layers) {
				return deskRow{}, false
			}
			return v.frame.layers[row], true
		})
	v.layerTable.OnSelected = func(id widget.TableCellID) {
		if v.frame != nil && id.Row >= 0 && id.Row < len(v.frame.layers) {
			v.selectLayer(v.frame.layers[id.Row].key)
		}
	}
	layersTitle := widget.NewLabelWithStyle("Layers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.layersHint = widget.NewLabel(layersHintNone)
	v.layersHint.Importance = widget.LowImportance
	layers := container.NewBorder(container.NewHBox(layersTitle, v.layersHint), nil, nil, nil, v.layerTable)

	// Positions of the selected layer.
	v.posTable = newDeskTable(deskPositionColumns,
		func() int { return len(v.posRows) },
		func(row int) (deskRow, bool) {
			if row < 0 || row >= len(v.posRows) {
				return deskRow{}, false
			}
			return v.posRows[row], true
		})
	v.posTitle = widget.NewLabelWithStyle("Positions", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	positions := container.NewBorder(v.posTitle, nil, nil, nil, v.posTable)

	split := container.NewVSplit(layers, positions)
	split.Offset = 0.6

	// Alerts strip.
	v.alertTitle = widget.NewLabelWithStyle("Alerts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.alertList = widget.NewList(
		func() int { return len(v.alerts) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Importance = widget.WarningImportance
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id >= 0 && id < len(v.alerts) {
				ui.SetLabel(l, "⚠ "+v.alerts[id], widget.WarningImportance)
			}
		})
	strut := canvas.NewRectangle(color.Transparent)
	strut.SetMinSize(fyne.NewSize(10, 2*38))
	v.status = widget.NewLabel("Connecting…")
	v.status.Truncation = fyne.TextTruncateEllipsis
	v.clock = ui.NewFigure()
	// The connection's state and the market clock share the alerts' title row, so the desk
	// fits a 1024×700 screen.
	alerts := container.NewBorder(container.NewBorder(nil, nil, v.alertTitle, v.clock, v.status), nil, nil, nil,
		container.NewStack(strut, v.alertList))

	v.auto = v.newAutoPanel()
	// No rule between the rules panel and the figures, nor above the layers' title: the desk
	// fits a 1024×700 screen with the menu bar.
	top := container.NewVBox(v.accountBar(), toolbar, v.auto.content, glance, v.gauge)
	bottom := container.NewVBox(widget.NewSeparator(), alerts)
	v.content = container.NewBorder(top, bottom, nil, nil, split)
}

// newDeskTable is a read-only table with a bold header whose cells come from row: words in
// a label (they may end in "…"), figures in a ui.Figure (cheaper to change, never cut).
func newDeskTable(cols []deskColumn, rows func() int, row func(int) (deskRow, bool)) *widget.Table {
	t := widget.NewTable(
		func() (int, int) { return rows(), len(cols) },
		func() fyne.CanvasObject { return container.NewStack(widget.NewLabel(""), ui.NewFigure()) },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			stack := o.(*fyne.Container)
			l, fig := stack.Objects[0].(*widget.Label), stack.Objects[1].(*ui.Figure)
			align := fyne.TextAlignLeading
			words := false
			if id.Col >= 0 && id.Col < len(cols) {
				if cols[id.Col].trailing {
					align = fyne.TextAlignTrailing
				}
				words = cols[id.Col].words
			}
			r, ok := row(id.Row)
			text, imp := "", widget.MediumImportance
			if ok && id.Col >= 0 && id.Col < len(r.cells) {
				text, imp = r.cells[id.Col], r.imps[id.Col]
			}
			// One refresh at most, and only when something shown changed.
			if words {
				if fig.Visible() {
					fig.Hide()
				}
				if !l.Visible() {
					l.Show()
				}
				ui.SetLongCell(l, text, imp)
				return
			}
			if l.Visible() {
				l.Hide()
			}
			if !fig.Visible() {
				fig.Show()
			}
			fig.Set(text, imp, align)
		})
	ui.SetHeaders(t, len(cols), func(i int) (string, float32, bool) {
		return cols[i].title, cols[i].width, cols[i].trailing
	})
	return t
}

// The hint beside the layers' title: what selecting a layer does, in the state the desk
// is in.
const (
	layersHintNone  = "select a layer to see its positions"
	layersHintShown = "its positions are below; select another layer to see its own"
)

// selectLayer shows the positions of the layer called name (UI goroutine).
func (v *DeskView) selectLayer(name string) {
	v.selected = name
	v.showPositions(true)
}

// showPositions puts the selected layer's rows in the positions table, refreshing it when
// they changed (or always, when force).
func (v *DeskView) showPositions(force bool) {
	var rows []deskRow
	if v.frame != nil {
		rows = v.frame.positions[v.selected]
	}
	title, hint := "Positions — select a layer above", layersHintNone
	if v.selected != "" {
		title = "Positions of " + v.selected + " (" + format.Count(len(rows), "position", "positions") + ")"
		hint = layersHintShown
	}
	ui.SetLabel(v.posTitle, title, widget.MediumImportance)
	ui.SetLabel(v.layersHint, hint, widget.LowImportance)
	if !force && deskRowsEqual(rows, v.posRows) {
		return
	}
	old := v.posRows
	v.posRows = rows
	if force {
		v.posTable.Refresh()
		return
	}
	refreshChangedRows(v.posTable, old, rows, len(deskPositionColumns))
}

// refreshChangedRows refreshes the cells of t that differ between the rows it showed and
// the rows it shows now (all of them when rows came, went or moved).
func refreshChangedRows(t *widget.Table, old, rows []deskRow, cols int) {
	wasRows := len(old)
	if !slices.EqualFunc(old, rows, func(a, b deskRow) bool { return a.key == b.key }) {
		wasRows = -1 // a row came, went or moved: every row is new
	}
	ui.RefreshCells(t, wasRows, len(rows), cols, func(r, c int) bool {
		a, b := old[r], rows[r]
		return c < len(a.cells) && c < len(b.cells) && a.cells[c] == b.cells[c] && a.imps[c] == b.imps[c]
	})
}

// applyFrame shows a formatted snapshot, touching only what changed (UI goroutine).
func (v *DeskView) applyFrame(f *deskFrame) {
	old := v.frame
	v.frame = f
	for i, l := range v.glance {
		l.Set(f.glance[i], f.glanceImps[i], fyne.TextAlignLeading)
	}
	v.gauge.Set(f.bear, f.bull, f.gaugeText[0], f.gaugeText[1], f.gaugeText[2])
	switch {
	case old == nil:
		v.layerTable.Refresh()
	case !deskRowsEqual(old.layers, f.layers):
		refreshChangedRows(v.layerTable, old.layers, f.layers, len(deskLayerColumns))
	}
	if v.selected == "" && len(f.layers) > 0 && f.valued {
		// The first layer's positions show until the trader picks one. (Selecting the row
		// in the table here, before it is laid out, leaves Fyne's table drawing blank rows.)
		v.selected = f.layers[0].key
	}
	v.showPositions(false)
	if !slices.Equal(v.alerts, f.alerts) {
		v.alerts = f.alerts
		v.alertList.Refresh()
	}
	alertTitle := "Alerts — none"
	alertImp := widget.SuccessImportance
	if len(f.alerts) > 0 {
		alertTitle = fmt.Sprintf("Alerts (%d)", len(f.alerts))
		alertImp = widget.WarningImportance
	}
	ui.SetLabel(v.alertTitle, alertTitle, alertImp)
	ui.SetLabel(v.status, f.status, f.statusImp)
	v.showLive()
	v.clock.Set(f.clock, widget.MediumImportance, fyne.TextAlignTrailing)
	if f.valued {
		v.closeSettled()
	}
}

// buildDeskFrame formats a snapshot for the desk window; it may run on any goroutine.
func buildDeskFrame(s *desk.Snapshot) *deskFrame {
	f := &deskFrame{positions: map[string][]deskRow{}}
	f.status, f.statusImp = deskStatusText(s)
	if s.Clock != nil {
		f.clock = ui.ClockText(*s.Clock)
	}
	for i := range f.glance {
		f.glance[i] = ui.NoValue
	}
	f.gaugeText = [3]string{"Bear —", "Bull/bear balance —", "Bull —"}
	if nl := s.Account.NetLiquidation; s.Synced {
		f.glance[glanceNetLiq] = ui.USD(nl)
		f.glanceImps[glanceNetLiq] = ui.MoneyImportance(nl.IsNegative())
	}
	book := s.Book
	f.valued = s.Synced && !book.Now.IsZero()
	for _, p := range s.Positions {
		if p.Risk.Err != nil {
			f.valued = false
		}
	}
	for _, p := range s.Problems {
		f.alerts = append(f.alerts, fmt.Sprintf("%s: %s", p.Source, p.Text))
	}
	for _, a := range s.Alerts {
		f.alerts = append(f.alerts, a.Message)
	}
	if book.Now.IsZero() {
		return f
	}
	bench := book.Benchmark.Symbol
	t := book.Total
	f.glance[glanceDelta] = fmt.Sprintf("%s %s sh · %s", ui.Num(t.BetaDelta, 1), bench, ui.WholeUSD(t.BetaDollarDelta))
	f.glance[glanceGamma] = ui.WholeUSD(t.BetaGamma)
	f.glance[glanceTheta] = ui.WholeUSD(t.Theta)
	f.glance[glanceVega] = ui.WholeUSD(t.Vega)
	f.glanceImps[glanceGamma] = ui.MoneyImportance(t.BetaGamma < 0)
	f.glanceImps[glanceTheta] = ui.MoneyImportance(t.Theta < 0)
	f.glanceImps[glanceVega] = ui.MoneyImportance(t.Vega < 0)
	f.bull, f.bear = t.Bull, -t.Bear
	f.gaugeText = [3]string{
		"Bear " + ui.WholeUSD(t.Bear),
		bookBalanceText(t),
		"Bull " + ui.WholeUSD(t.Bull),
	}

	// Rows of positions, grouped by layer.
	layerOf := make(map[string]string, len(book.Positions))
	for _, r := range book.Positions {
		l := r.Layer
		if l == "" {
			l = portfolio.Unassigned
		}
		layerOf[r.ID] = l
	}
	for i := range s.Positions {
		p := &s.Positions[i]
		l, ok := layerOf[p.Symbol]
		if !ok {
			l = portfolio.Unassigned
		}
		f.positions[l] = append(f.positions[l], deskPositionRow(p, s.Time))
	}
	for _, l := range book.Layers {
		f.layers = append(f.layers, deskLayerRow(l, bench, len(f.positions[l.Layer.Name])))
	}
	return f
}

// bookBalanceText is the book's bull/bear balance in words: "Balance +2% (bull)".
func bookBalanceText(t portfolio.Exposure) string {
	if t.Bull == 0 && t.Bear == 0 {
		return "No beta-weighted exposure"
	}
	b := t.Balance() * 100
	side := "balanced"
	switch {
	case b >= 0.5:
		side = "bull"
	case b <= -0.5:
		side = "bear"
	}
	return fmt.Sprintf("Net %s · balance %s%% (%s)", ui.WholeUSD(t.Net()), ui.SignedNum(b, 0), side)
}

func deskLayerRow(l portfolio.LayerRisk, bench string, positions int) deskRow {
	e := l.Exposure
	r := deskRow{key: l.Layer.Name}
	add := func(s string, imp widget.Importance) {
		r.cells = append(r.cells, s)
		r.imps = append(r.imps, imp)
	}
	add(l.Layer.Name, widget.MediumImportance)
	bias := ui.NoValue
	if l.Configured {
		bias = l.Layer.Bias.String()
	}
	add(bias, widget.MediumImportance)
	add(ui.Num(e.BetaDelta, 1), ui.MoneyImportance(e.BetaDelta < 0))
	add(ui.WholeUSD(e.BetaDollarDelta), ui.MoneyImportance(e.BetaDollarDelta < 0))
	add(ui.WholeUSD(e.BetaGamma), ui.MoneyImportance(e.BetaGamma < 0))
	add(ui.WholeUSD(e.Theta), ui.MoneyImportance(e.Theta < 0))
	add(ui.WholeUSD(e.Vega), ui.MoneyImportance(e.Vega < 0))
	add(fmt.Sprint(positions), widget.MediumImportance)
	switch {
	case !l.Configured:
		add("no bias set", widget.LowImportance)
	case l.Bias.OK:
		add("OK", widget.SuccessImportance)
	default:
		add("off by "+ui.WholeUSD(l.Bias.Off), widget.DangerImportance)
	}
	use, imp := layerLimitUse(l, bench)
	add(use, imp)
	return r
}

// layerLimitUse is a layer's use of its own limits: "4/10 contracts · leg 2/5 · Δ 40/100 SPY sh",
// warning-coloured at the limit and red beyond it.
func layerLimitUse(l portfolio.LayerRisk, bench string) (string, widget.Importance) {
	lim := l.Layer.Limits
	var parts []string
	worst := 0.0
	use := func(text string, v, max float64) {
		parts = append(parts, text)
		worst = math.Max(worst, v/max)
	}
	if lim.MaxContractsPerLayer > 0 {
		use(fmt.Sprintf("%s/%s contracts", ui.Num(l.Contracts, 0), ui.Num(lim.MaxContractsPerLayer, 0)), l.Contracts, lim.MaxContractsPerLayer)
	}
	if lim.MaxContractsPerLeg > 0 {
		use(fmt.Sprintf("leg %s/%s", ui.Num(l.LargestLeg, 0), ui.Num(lim.MaxContractsPerLeg, 0)), l.LargestLeg, lim.MaxContractsPerLeg)
	}
	if lim.MaxDelta > 0 {
		d := math.Abs(l.Exposure.BetaDelta)
		use(fmt.Sprintf("Δ %s/%s %s sh", ui.Num(d, 0), ui.Num(lim.MaxDelta, 0), bench), d, lim.MaxDelta)
	}
	if len(parts) == 0 {
		if !l.Configured {
			return ui.NoValue, widget.LowImportance
		}
		return "no limits set", widget.LowImportance
	}
	imp := widget.MediumImportance
	switch {
	case worst > 1:
		imp = widget.DangerImportance
	case worst >= 1:
		imp = widget.WarningImportance
	}
	return strings.Join(parts, " · "), imp
}

func deskPositionRow(p *desk.Position, now time.Time) deskRow {
	r := deskRow{key: p.Symbol}
	add := func(s string, imp widget.Importance) {
		r.cells = append(r.cells, s)
		r.imps = append(r.imps, imp)
	}
	add(p.Symbol, widget.MediumImportance)
	add(ui.Num(float64(p.Quantity), 0), ui.MoneyImportance(p.Quantity < 0))
	add(ui.QuotedPrice(p.Mark), widget.MediumImportance)
	dte := ui.NoValue
	if p.Instrument.HasExpiry() {
		dte = ui.Num(instrument.DaysToExpiry(now, p.Instrument), 1)
	}
	add(dte, widget.MediumImportance)
	if p.Risk.Err != nil {
		// Why is in the alerts strip (or "waiting for quotes" before the first ones).
		add("not valued", widget.WarningImportance)
		for range 4 {
			add("", widget.MediumImportance)
		}
		return r
	}
	delta := ui.Num(p.Risk.Delta, 1) + " sh"
	if k := p.Instrument.Kind; k == instrument.Future || k == instrument.FuturesOption {
		delta = ui.Num(p.Risk.Delta, 2) + " fut"
	}
	add(delta, ui.MoneyImportance(p.Risk.Delta < 0))
	add(ui.WholeUSD(p.Risk.BetaDollarDelta), ui.MoneyImportance(p.Risk.BetaDollarDelta < 0))
	add(ui.WholeUSD(p.Risk.Gamma), ui.MoneyImportance(p.Risk.Gamma < 0))
	add(ui.WholeUSD(p.Risk.Theta), ui.MoneyImportance(p.Risk.Theta < 0))
	add(ui.WholeUSD(p.Risk.Vega), ui.MoneyImportance(p.Risk.Vega < 0))
	return r
}

// deskStatusText is the connection in a line: "Paper · connected · fills journaled".
func deskStatusText(s *desk.Snapshot) (string, widget.Importance) {
	name := s.Broker
	if name == "paper" {
		name = "Paper account"
	}
	if s.Account.ID != "" && s.Account.ID != s.Broker {
		name += " " + s.Account.ID
	}
	text := name + " · " + s.Status
	imp := widget.MediumImportance
	if !s.Connected {
		imp = widget.DangerImportance
	}
	if !s.Journaling {
		text += " · fills are not journaled"
		if imp != widget.DangerImportance {
			imp = widget.WarningImportance
		}
	}
	return text, imp
}

// Window is the desk, Keel's main window.
func Window() ui.Window {
	return ui.Window{
		Name:  "desk",
		Title: "Keel — Desk",
		Size:  fyne.NewSize(1270, 670),
		Key:   fyne.KeyD,
		Build: func(env ui.Env) fyne.CanvasObject { return NewDeskView(env).Content() },
	}
}
