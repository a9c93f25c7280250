package positions

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// settleTimeout bounds how long Settle waits for the desk's first valued snapshot.
const settleTimeout = 15 * time.Second

// positionColumn is one column of the positions table. text formats the cell of a row;
// negative says when it shows in red.
type positionColumn struct {
	title    string
	width    float32
	trailing bool
	greek    bool // shows the reason instead when the row could not be valued
	text     func(p *desk.Position, now time.Time) string
	negative func(p *desk.Position) bool
}

var positionColumns = []positionColumn{
	{title: "Symbol", width: 176, text: func(p *desk.Position, _ time.Time) string { return p.Symbol }},
	{title: "Qty", width: 62, trailing: true, text: func(p *desk.Position, _ time.Time) string { return ui.Num(float64(p.Quantity), 0) }},
	{title: "Avg price", width: 80, trailing: true, text: func(p *desk.Position, _ time.Time) string { return ui.Price(p.AveragePrice) }},
	{title: "Bid", width: 74, trailing: true, text: func(p *desk.Position, _ time.Time) string { return quoteSide(p, p.Quote.Bid) }},
	{title: "Ask", width: 74, trailing: true, text: func(p *desk.Position, _ time.Time) string { return quoteSide(p, p.Quote.Ask) }},
	{title: "Mark", width: 80, trailing: true, text: func(p *desk.Position, _ time.Time) string { return ui.QuotedPrice(p.Mark) }},
	{title: "Underlying", width: 84, trailing: true, text: underlyingText},
	{title: "IV (%)", width: 60, trailing: true, text: ivText},
	{title: "DTE (days)", width: 80, trailing: true, text: dteText},
	{title: "Unrealized P&L ($)", width: 142, trailing: true, text: func(p *desk.Position, _ time.Time) string { return ui.USD(p.PnL) },
		negative: func(p *desk.Position) bool { return p.PnL.IsNegative() }},
	{title: "Delta (underlying)", width: 136, trailing: true, greek: true, text: deltaText},
	{title: "β-wtd delta ($)", width: 118, trailing: true, greek: true,
		text: func(p *desk.Position, _ time.Time) string { return ui.WholeUSD(p.Risk.BetaDollarDelta) }},
	{title: "Gamma ($/1%)", width: 108, trailing: true, greek: true,
		text: func(p *desk.Position, _ time.Time) string { return ui.WholeUSD(p.Risk.Gamma) }},
	{title: "Theta ($/day)", width: 106, trailing: true, greek: true,
		text: func(p *desk.Position, _ time.Time) string { return ui.WholeUSD(p.Risk.Theta) }},
	{title: "Vega ($/vol pt)", width: 120, trailing: true, greek: true,
		text: func(p *desk.Position, _ time.Time) string { return ui.WholeUSD(p.Risk.Vega) }},
}

// firstGreek is the column that carries a row's "not valued" reason.
var firstGreek = func() int {
	for i, c := range positionColumns {
		if c.greek {
			return i
		}
	}
	return len(positionColumns)
}()

func quoteSide(p *desk.Position, side decimal.Decimal) string {
	if p.Quote.Symbol == "" {
		return ui.NoValue
	}
	return ui.QuotedPrice(side)
}

func underlyingText(p *desk.Position, _ time.Time) string {
	if !p.Instrument.IsOption() {
		return ui.NoValue
	}
	if p.Risk.Err == nil && p.Risk.UnderlyingPrice > 0 {
		return strconv.FormatFloat(p.Risk.UnderlyingPrice, 'f', 2, 64)
	}
	return ui.QuotedPrice(p.Quote.Underlying)
}

func ivText(p *desk.Position, _ time.Time) string {
	if !p.Instrument.IsOption() {
		return ui.NoValue
	}
	switch {
	case p.Risk.Err == nil && p.Risk.Vol > 0:
		return ui.Num(p.Risk.Vol*100, 1)
	case p.Quote.IV > 0:
		return ui.Num(p.Quote.IV*100, 1)
	}
	return ui.NoValue
}

func dteText(p *desk.Position, now time.Time) string {
	if !p.Instrument.HasExpiry() {
		return ui.NoValue
	}
	return ui.Num(instrument.DaysToExpiry(now, p.Instrument), 1)
}

// deltaText is the delta in the underlying's units: shares for stocks, ETFs and options on
// them, futures contracts for futures and their options.
func deltaText(p *desk.Position, _ time.Time) string {
	switch p.Instrument.Kind {
	case instrument.Future, instrument.FuturesOption:
		return ui.Num(p.Risk.Delta, 2) + " fut"
	}
	return ui.Num(p.Risk.Delta, 1) + " sh"
}

// PositionsView is the positions window: the connection, the account, the paper market's
// clock, the book's Greeks, every position with its market and risk, and the orders. It
// follows the desk's snapshots through the one bridge (ui.Work.FollowFrames: at most four
// a second, formatted off the UI goroutine, only the cells that changed are refreshed);
// broker calls (cancel, clock changes) run through ui.Work.Background.
type PositionsView struct {
	ui.Work
	env  ui.Env
	desk *desk.Service

	settled chan struct{}
	settle  sync.Once
	frozen  bool // Settle was called: no more snapshots are applied (touched under widgets.UIMu)

	// Everything below is touched only on the UI goroutine.
	snap        *desk.Snapshot
	rows        []desk.Position
	cells       [][]cell // rows' cells as shown
	orders      []brokers.OrderStatus
	orderCells  [][]cell // orders' cells as shown
	selected    string   // the selected position's symbol
	selectedRow int      // its row in the table, -1 when none

	status, journaled                                *widget.Label
	reconnect                                        *widget.Button
	outage                                           *widget.Button // paper only
	clockRow                                         *fyne.Container
	clockText                                        *ui.Figure
	pause                                            *widget.Button
	speed                                            *widget.Select
	netLiq, cash, buyingPower, maintenance, realized *ui.Figure
	bookDelta, bookDollars, bookGamma                *ui.Figure
	bookTheta, bookVega                              *ui.Figure
	problems                                         *widget.Label
	table                                            *widget.Table
	count, selection                                 *widget.Label
	newOrder, closePos, planRoll                     *widget.Button
	orderTable                                       *widget.Table
	orderNote                                        *widget.Label
	updatingSpeed                                    bool

	content fyne.CanvasObject
}

// NewPositionsView builds the positions window over env.Desk and starts following its
// snapshots. Without a desk it says why the broker is not running.
func NewPositionsView(env ui.Env) *PositionsView {
	v := &PositionsView{env: env, desk: env.Desk, settled: make(chan struct{}), selectedRow: -1}
	v.Name = "positions"
	v.build()
	if v.desk == nil {
		why := "the broker was not started"
		if env.DeskErr != nil {
			why = env.DeskErr.Error()
		}
		ui.SetLabel(v.status, "Not connected: "+why, widget.DangerImportance)
		v.newOrder.Disable()
		v.closeSettled()
		return v
	}
	v.apply(v.desk.Latest())
	v.FollowFrames(v.desk, func(s *desk.Snapshot) func() {
		f := newFrame(s)
		return func() {
			if !v.frozen {
				v.show(f)
			}
		}
	})
	return v
}

// Content is the window's content. It has Settle (wait for the first valued snapshot and
// hold the picture still, for screenshots) and Stop (stop following the desk; call it when
// the window closes).
func (v *PositionsView) Content() fyne.CanvasObject { return ui.NewRoot(v.content, v.Settle, v.Stop) }

// Settle waits for the first synced, fully quoted snapshot (at most settleTimeout) and then
// holds the picture still: for screenshots and tests, never the running app.
func (v *PositionsView) Settle() {
	select {
	case <-v.settled:
	case <-time.After(settleTimeout):
	}
	widgets.UIMu.Lock()
	v.frozen = true
	widgets.UIMu.Unlock()
}

func (v *PositionsView) closeSettled() { v.settle.Do(func() { close(v.settled) }) }

func (v *PositionsView) build() {
	v.status = widget.NewLabelWithStyle("Connecting…", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.reconnect = widget.NewButton("Reconnect now", func() {
		if v.desk != nil {
			v.desk.Reconnect()
		}
	})
	v.reconnect.Hide()
	v.journaled = widget.NewLabel("")
	v.journaled.Importance = widget.LowImportance
	statusRow := container.NewHBox(v.status, v.reconnect, layout.NewSpacer(), v.journaled)
	if o, ok := v.outageBroker(); ok {
		// The paper broker can drop the session as a network fault would, to see the desk
		// show it, reconnect and resynchronise.
		outage := widget.NewButton(fmt.Sprintf("Simulate outage (%.0f s)", simulatedOutage.Seconds()), func() {
			v.Background(func() func() {
				err := o.SimulateDisconnect(simulatedOutage)
				v.Prompt()
				if err == nil {
					return nil
				}
				return func() { ui.SetLabel(v.status, "Could not simulate an outage: "+err.Error(), widget.DangerImportance) }
			})
		})
		outage.Importance = widget.LowImportance
		v.outage = outage
		statusRow.Objects = append(statusRow.Objects[:2], outage, statusRow.Objects[2], statusRow.Objects[3])
	}

	v.clockText = ui.NewFigure()
	v.pause = widget.NewButton("Pause", v.togglePause)
	opts := make([]string, len(clockSpeeds))
	for i, s := range clockSpeeds {
		opts[i] = s.label
	}
	v.speed = widget.NewSelect(opts, v.setSpeed)
	v.speed.PlaceHolder = "Speed"
	v.clockRow = container.NewHBox(v.clockText, v.pause, widget.NewLabel("Speed"), v.speed)
	v.clockRow.Hide()

	money := func() *ui.Figure {
		f := ui.NewFigureWithStyle(fyne.TextStyle{Monospace: true})
		f.Set(ui.NoValue, widget.MediumImportance, fyne.TextAlignTrailing)
		return f
	}
	v.netLiq, v.cash, v.buyingPower, v.maintenance, v.realized = money(), money(), money(), money(), money()
	// Figures keep fixed widths so the row does not shift as they tick; three to a row so
	// the window fits a 1024-px screen.
	account := container.New(widgets.NewColumns(6, -1),
		widget.NewLabel("Net liq"), ui.Sized(v.netLiq, 140), widget.NewLabel("Cash"), ui.Sized(v.cash, 140),
		widget.NewLabel("Buying power"), ui.Sized(v.buyingPower, 140), widget.NewLabel("Maintenance"), ui.Sized(v.maintenance, 140),
		widget.NewLabel("Realized P&L"), ui.Sized(v.realized, 130))

	v.bookDelta, v.bookDollars, v.bookGamma, v.bookTheta, v.bookVega = money(), money(), money(), money(), money()
	book := container.New(widgets.NewColumns(6, -1),
		widget.NewLabel("Book Δ (SPY sh, β-wtd)"), ui.Sized(v.bookDelta, 100), widget.NewLabel("Δ ($, β-wtd)"), ui.Sized(v.bookDollars, 110),
		widget.NewLabel("Γ ($ per 1% SPY)"), ui.Sized(v.bookGamma, 110), widget.NewLabel("Θ ($/day)"), ui.Sized(v.bookTheta, 100),
		widget.NewLabel("V ($/vol pt)"), ui.Sized(v.bookVega, 100))

	v.problems = widget.NewLabel("")
	v.problems.Importance = widget.WarningImportance
	v.problems.Wrapping = fyne.TextWrapWord
	v.problems.Hide()

	v.table = widget.NewTable(
		func() (int, int) { return len(v.rows), len(positionColumns) },
		// A figure for what changes with the market, a label for words that may need "…".
		func() fyne.CanvasObject { return container.NewStack(widget.NewLabel(""), ui.NewFigure()) },
		v.updateCell,
	)
	ui.SetHeaders(v.table, len(positionColumns), func(i int) (string, float32, bool) {
		c := positionColumns[i]
		return c.title, c.width, c.trailing
	})
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(v.rows) {
			v.selected, v.selectedRow = v.rows[id.Row].Symbol, id.Row
		}
		v.showSelection()
	}

	v.count = widget.NewLabelWithStyle("Positions", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.newOrder = widget.NewButton("New order…", func() { v.open(nil) })
	v.newOrder.Importance = widget.HighImportance
	v.closePos = widget.NewButton("Close position…", v.closeSelected)
	v.closePos.Disable()
	v.planRoll = widget.NewButton("Plan roll…", func() {
		if p, ok := v.selectedPosition(); ok && v.env.Open != nil {
			v.env.Open("roll", desk.RollTarget{Position: p.Symbol})
		}
	})
	v.planRoll.Disable()
	v.selection = widget.NewLabel("Select a position to close it.")
	v.selection.Truncation = fyne.TextTruncateEllipsis
	if v.env.Open == nil {
		v.newOrder.Disable()
	}
	posBar := container.NewBorder(nil, nil, container.NewHBox(v.count, v.newOrder, v.closePos, v.planRoll), nil, v.selection)
	positions := container.NewBorder(posBar, nil, nil, nil, v.table)

	v.orderTable = widget.NewTable(
		func() (int, int) { return len(v.orders), len(orderColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			// A long order id or leg list ends in "…" instead of running into the next column.
			l.Truncation = fyne.TextTruncateEllipsis
			b := widget.NewButton("Cancel", nil)
			b.Importance = widget.DangerImportance
			return container.NewStack(l, b)
		},
		v.updateOrderCell,
	)
	ui.SetHeaders(v.orderTable, len(orderColumns), func(i int) (string, float32, bool) {
		c := orderColumns[i]
		return c.title, c.width, c.trailing
	})
	v.orderNote = widget.NewLabel("")
	v.orderNote.Truncation = fyne.TextTruncateEllipsis
	ordersBar := container.NewBorder(nil, nil,
		widget.NewLabelWithStyle("Orders (working first)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, v.orderNote)
	orders := container.NewBorder(ordersBar, nil, nil, nil, v.orderTable)

	split := container.NewVSplit(positions, orders)
	split.Offset = 0.7
	top := container.NewVBox(statusRow, v.clockRow, account, book, v.problems, widget.NewSeparator())
	v.content = container.NewBorder(top, nil, nil, nil, split)
}

// cell is one table cell as shown: its text, colour and alignment; long text may be
// wider than its column and ends in "…".
type cell struct {
	text  string
	imp   widget.Importance
	align fyne.TextAlign
	long  bool
}

// frame is a snapshot with its tables' cells formatted, built off the UI goroutine.
type frame struct {
	snap   *desk.Snapshot
	cells  [][]cell
	orders [][]cell
}

// newFrame formats a snapshot's tables (any goroutine).
func newFrame(s *desk.Snapshot) *frame {
	f := &frame{snap: s}
	if s == nil {
		return f
	}
	f.cells = make([][]cell, len(s.Positions))
	for i := range s.Positions {
		f.cells[i] = positionCells(&s.Positions[i], s.Time)
	}
	f.orders = make([][]cell, len(s.Orders))
	for i := range s.Orders {
		f.orders[i] = orderCells(&s.Orders[i])
	}
	return f
}

// apply shows one snapshot (UI goroutine): the tests' and the first snapshot's way.
func (v *PositionsView) apply(s *desk.Snapshot) { v.show(newFrame(s)) }

// sameCell reports whether row r, column c is the same in a and b.
func sameCell(a, b [][]cell) func(r, c int) bool {
	return func(r, c int) bool { return a[r][c] == b[r][c] }
}

// show shows one formatted snapshot, refreshing only the cells that changed (UI goroutine).
func (v *PositionsView) show(f *frame) {
	s := f.snap
	if s == nil {
		return
	}
	v.snap = s
	v.showStatus(s)
	v.showClock(s.Clock)
	a := s.Account
	if s.Synced {
		v.netLiq.Set(ui.USD(a.NetLiquidation), ui.MoneyImportance(a.NetLiquidation.IsNegative()), fyne.TextAlignTrailing)
		v.cash.Set(ui.USD(a.Cash), ui.MoneyImportance(a.Cash.IsNegative()), fyne.TextAlignTrailing)
		v.buyingPower.Set(ui.USD(a.BuyingPower), ui.MoneyImportance(a.BuyingPower.IsNegative()), fyne.TextAlignTrailing)
		v.maintenance.Set(ui.USD(a.Maintenance), widget.MediumImportance, fyne.TextAlignTrailing)
		v.realized.Set(ui.USD(a.RealizedPnL), ui.MoneyImportance(a.RealizedPnL.IsNegative()), fyne.TextAlignTrailing)
	}
	t := s.Book.Total
	v.bookDelta.Set(ui.SignedNum(t.BetaDelta, 1), widget.MediumImportance, fyne.TextAlignTrailing)
	v.bookDollars.Set(ui.SignedUSD(t.BetaDollarDelta), widget.MediumImportance, fyne.TextAlignTrailing)
	v.bookGamma.Set(ui.SignedUSD(t.BetaGamma), ui.MoneyImportance(t.BetaGamma < 0), fyne.TextAlignTrailing)
	v.bookTheta.Set(ui.SignedUSD(t.Theta), ui.MoneyImportance(t.Theta < 0), fyne.TextAlignTrailing)
	v.bookVega.Set(ui.SignedUSD(t.Vega), widget.MediumImportance, fyne.TextAlignTrailing)
	v.showProblems(s)

	v.rows = s.Positions
	oldCells := v.cells
	v.cells = f.cells
	valued := 0
	for i := range v.rows {
		if v.rows[i].Risk.Err == nil {
			valued++
		}
	}
	count := fmt.Sprintf("Positions (%d)", len(v.rows))
	if n := len(v.rows) - valued; n > 0 && s.Synced {
		count = fmt.Sprintf("Positions (%d, %d not valued)", len(v.rows), n)
	}
	ui.SetLabel(v.count, count, widget.MediumImportance)
	v.keepSelection()
	wasRows := len(oldCells)
	if !samePositions(oldCells, f.cells) {
		wasRows = -1 // positions came, went or moved: refresh the whole table
	}
	ui.RefreshCells(v.table, wasRows, len(f.cells), len(positionColumns), sameCell(oldCells, f.cells))

	oldOrders := v.orderCells
	v.orders, v.orderCells = s.Orders, f.orders
	wasOrders := len(oldOrders)
	if !samePositions(oldOrders, f.orders) {
		wasOrders = -1
	}
	ui.RefreshCells(v.orderTable, wasOrders, len(f.orders), len(orderColumns), sameCell(oldOrders, f.orders))
	if s.Synced && s.AllQuoted() {
		v.closeSettled()
	}
}

// samePositions reports whether a and b have the same rows in the same order (their first
// cells, the symbol or the order id, are equal).
func samePositions(a, b [][]cell) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) == 0 || len(b[i]) == 0 || a[i][0] != b[i][0] {
			return false
		}
	}
	return true
}

// positionCells formats a position's row (any goroutine).
func positionCells(p *desk.Position, now time.Time) []cell {
	out := make([]cell, len(positionColumns))
	for i, c := range positionColumns {
		align := fyne.TextAlignLeading
		if c.trailing {
			align = fyne.TextAlignTrailing
		}
		switch {
		case c.greek && p.Risk.Err != nil && i == firstGreek:
			out[i] = cell{text: "not valued: " + p.Risk.Err.Error(), imp: widget.WarningImportance, long: true}
		case c.greek && p.Risk.Err != nil:
			out[i] = cell{imp: widget.MediumImportance, align: align}
		default:
			imp := widget.MediumImportance
			if c.negative != nil && c.negative(p) {
				imp = widget.DangerImportance
			}
			out[i] = cell{text: c.text(p, now), imp: imp, align: align}
		}
	}
	return out
}

// setCell shows c in l.
func setCell(l *widget.Label, c cell) {
	if c.long {
		ui.SetLongCell(l, c.text, c.imp)
		return
	}
	ui.SetCell(l, c.text, c.imp, c.align)
}

// updateCell fills one cell of the positions table: long words in its label, everything
// else in its figure, which is cheaper to change.
func (v *PositionsView) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	stack := o.(*fyne.Container)
	l, f := stack.Objects[0].(*widget.Label), stack.Objects[1].(*ui.Figure)
	c := cell{align: fyne.TextAlignLeading}
	if id.Row >= 0 && id.Row < len(v.cells) && id.Col >= 0 && id.Col < len(v.cells[id.Row]) {
		c = v.cells[id.Row][id.Col]
	}
	if c.long {
		if f.Visible() {
			f.Hide()
		}
		if !l.Visible() {
			l.Show()
		}
		setCell(l, c)
		return
	}
	if l.Visible() {
		l.Hide()
	}
	if !f.Visible() {
		f.Show()
	}
	f.Set(c.text, c.imp, c.align)
}

// keepSelection moves the table's selection to where the selected symbol now is (a new
// position sorted in before it moves it down a row).
func (v *PositionsView) keepSelection() {
	if v.selected == "" {
		return
	}
	for i := range v.rows {
		if v.rows[i].Symbol == v.selected {
			if i != v.selectedRow {
				v.table.Select(widget.TableCellID{Row: i, Col: 0}) // OnSelected updates selectedRow
			}
			v.showSelection()
			return
		}
	}
	v.selected, v.selectedRow = "", -1
	v.table.UnselectAll()
	v.showSelection()
}

// selectedPosition is the selected position in the current snapshot.
func (v *PositionsView) selectedPosition() (desk.Position, bool) {
	for i := range v.rows {
		if v.rows[i].Symbol == v.selected {
			return v.rows[i], true
		}
	}
	return desk.Position{}, false
}

func (v *PositionsView) showSelection() {
	p, ok := v.selectedPosition()
	if !ok {
		ui.SetLabel(v.selection, "Select a position to close it.", widget.LowImportance)
		v.closePos.Disable()
		v.planRoll.Disable()
		return
	}
	text := fmt.Sprintf("%s %s", ui.Num(float64(p.Quantity), 0), p.Symbol)
	imp := widget.MediumImportance
	if p.Risk.Err != nil {
		text += " — not valued: " + p.Risk.Err.Error()
		imp = widget.WarningImportance
	}
	ui.SetLabel(v.selection, text, imp)
	if v.env.Open != nil && p.Quantity != 0 {
		v.closePos.Enable()
	} else {
		v.closePos.Disable()
	}
	if v.env.Open != nil && p.Quantity < 0 && p.Instrument.IsOption() {
		v.planRoll.Enable() // the planner rolls short options
	} else {
		v.planRoll.Disable()
	}
}

// closingOrder is the order that closes p: the opposite side of its whole quantity, a
// limit order the ticket prices at the mid.
func closingOrder(p brokers.Position) *brokers.Order {
	ratio := int64(1)
	if p.Quantity > 0 {
		ratio = -1
	}
	q := p.Quantity
	if q < 0 {
		q = -q
	}
	return &brokers.Order{
		Legs:     []brokers.Leg{{Symbol: p.Symbol, Instrument: p.Instrument, Ratio: ratio}},
		Quantity: q,
		Type:     brokers.Limit,
		TIF:      brokers.Day,
		Note:     "close " + p.Symbol,
	}
}

func (v *PositionsView) closeSelected() {
	p, ok := v.selectedPosition()
	if !ok {
		return
	}
	v.open(closingOrder(p.Position))
}

// open opens an order ticket, prefilled with o (nil for an empty one).
func (v *PositionsView) open(o *brokers.Order) {
	if v.env.Open == nil {
		return
	}
	if o == nil {
		v.env.Open("ticket", nil) // a plain nil, not a nil *brokers.Order in an interface
		return
	}
	v.env.Open("ticket", o)
}

// positionsSize is the positions window's opening size.
var positionsSize = fyne.NewSize(1270, 670)

// buildPositions is the positions window's Build.
func buildPositions(env ui.Env) fyne.CanvasObject { return NewPositionsView(env).Content() }

// Window is the positions window.
func Window() ui.Window {
	return ui.Window{
		Name:  "positions",
		Title: "Keel — Positions",
		Size:  positionsSize,
		Key:   fyne.KeyP,
		Build: buildPositions,
	}
}
