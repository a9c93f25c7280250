package ticket

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// ticketUnderlyings are the underlyings the ticket always offers; the futures come from
// the positions and the listed front quarterly contracts.
var ticketUnderlyings = []string{"SPY", "QQQ", "VXX", "SQQQ", "SH"}

// ticketFuturesRoots are the futures whose front quarterly contracts the ticket offers.
var ticketFuturesRoots = []string{"ES", "MES"}

// previewEvery is how often the ticket asks the desk to quote the legs again while it is
// open (a broker call per leg on a real account; the desk's snapshots, followed four times a
// second, pace it).
const previewEvery = 2 * time.Second

// brokerTimeout bounds one broker call made for the ticket.
const brokerTimeout = 15 * time.Second

// Choices of the ticket's selects.
const (
	kindShares = "Shares"
	kindFuture = "Future"
	kindCall   = "Call"
	kindPut    = "Put"
	sideBuy    = "Buy"
	sideSell   = "Sell"
	typeLimit  = "Limit"
	typeMarket = "Market"
	tifDay     = "Day"
	tifGTC     = "GTC"
	netDebit   = "debit"
	netCredit  = "credit"
)

// ticketLeg is one leg row of the ticket: what the trader chose, and the instrument it
// resolved to.
type ticketLeg struct {
	underlying, kind, expiry, side *widget.Select
	strike                         *widget.Button // opens the chain view; shows the chosen strike
	ratio                          *ui.Entry
	remove                         *widget.Button
	bid, ask, mid, delta           *widget.Label
	msg                            *widget.Label

	expiries  []time.Time
	chain     *desk.ChainView
	strikeRow int    // the chosen row of chain; -1 when none
	symbol    string // "" until the leg names one instrument
	inst      instrument.Instrument
	loading   string // what is being loaded, in words; "" when nothing
	loadErr   error
	gen       int // bumped by every load so a stale answer is dropped
	// wantExpiry and wantStrike are what a prefilled leg should select once the lists load.
	wantExpiry time.Time
	wantStrike float64
	updating   bool // the ticket is setting the selects itself
}

// OrderTicket is the order ticket window: single or multi-leg, each leg's market and the
// order's net, the estimated costs, the effect on the book's Greeks, and a confirmation that
// says exactly what will be sent. Every broker call runs off the UI goroutine through the one
// bridge (ui.Work.Background); the ticket follows the desk's snapshots (ui.Work.Follow) to
// show the account and the order it placed, and to quote the legs again every previewEvery.
// The ticket's client order id is made once, so a retry or a double click never sends twice.
type OrderTicket struct {
	ui.Work
	env      ui.Env
	desk     *desk.Service
	clientID string

	building bool            // the constructor is running: background calls wait for it
	deferred []func() func() // background calls started while building

	// Everything below is touched only on the UI goroutine.
	legs        []*ticketLeg
	legGrid     *fyne.Container
	legsMsg     *widget.Label
	addLeg      *widget.Button
	underlyings []string

	quantity, limit        *ui.Entry
	qtyMsg, limitMsg       *widget.Label
	orderType, tif, netDir *widget.RadioGroup
	limitWords             *widget.Label
	note                   *ui.Entry

	natural, mid, far, costs, quoted *widget.Label
	effect                           [5][3]*widget.Label // Δ sh, Δ $, Γ, Θ, V × before, change, after
	effectNote                       *widget.Label
	liquidity                        *widget.Label  // each option leg's liquidity verdict and why
	rollInstead                      *widget.Button // opens the roll planner for the layer the spiral guard stopped
	rollLayer                        string
	problems                         *widget.Label
	review, another                  *widget.Button
	result                           *widget.Label

	preview      *desk.Preview
	previewKey   string // the legs and quantity the shown preview is of
	previewGen   int
	previewBusy  bool
	previewAsked time.Time // when the last preview was asked for
	// The limit follows the mid (followMid) until the trader touches the ticket: then it
	// stays where it is, except that new legs get their mid once unless the trader typed the
	// price (limitTyped). suggestedKey is the legs (legsKey) the last suggestion was for.
	follow        *widget.Check
	followWords   *widget.Label
	followMid     bool
	limitTyped    bool
	suggestedKey  string
	settingLimit  bool
	settingFollow bool
	money         *widget.Label // the order's money at its limit in the journal's convention

	fileUnder    *widget.Select // the layer a new trade is filed under
	fileWords    *widget.Label
	filing       desk.Filing
	fileChosen   string // the trader's choice ("" none yet)
	settingFile  bool
	fileRowCells []fyne.CanvasObject
	fieldGrid    *fyne.Container
	filedUnder   string // the layer the placed order's new positions were filed under

	picker       *chainPicker // the chain view open for pickLeg, nil when closed
	pickLeg      *ticketLeg
	pickerDlg    dialog.Dialog
	sending      bool
	placed       brokers.OrderStatus // the order this ticket placed, as last seen; followed until done
	sent         bool
	confirmText  string              // the confirmation last shown
	banner       *ui.AccountBanner   // which account the order goes to, in colour
	dryRun       *desk.DryRunFigures // the broker's dry-run of the confirmed order (live only)
	liveSeen     bool                // live trading was on at the last look (followLive)
	confirmOrder *brokers.Order
	confirm      dialog.Dialog

	content fyne.CanvasObject
}

// NewOrderTicket builds an order ticket on env.Desk, prefilled with prefill's legs,
// quantity, type, price and time in force when it is not nil.
func NewOrderTicket(env ui.Env, prefill *brokers.Order) *OrderTicket {
	t := &OrderTicket{env: env, desk: env.Desk, clientID: desk.NewClientID()}
	t.Name = "ticket"
	// The look-ups started while the ticket is built start when it is complete.
	t.building = true
	defer t.startDeferred()
	t.underlyings = append([]string(nil), ticketUnderlyings...)
	t.build()
	if t.desk == nil {
		why := "the broker was not started"
		if env.DeskErr != nil {
			why = env.DeskErr.Error()
		}
		t.setResult("No orders can be sent: "+why, widget.DangerImportance)
		t.addLeg.Disable()
		t.setFollow(false)
		t.validate()
		return t
	}
	t.addFuturesUnderlyings()
	if prefill != nil {
		t.prefill(*prefill)
	} else {
		t.newLeg(nil)
	}
	t.setFollow(prefill == nil || prefill.Limit.IsZero())
	t.validate()
	t.Follow(t.desk, t.followDesk)
	return t
}

// Content is the ticket's content. It has Settle (stop following the desk and wait for the
// look-ups and the preview in flight, for screenshots) and Stop (stop following the desk;
// call it when the window closes).
func (t *OrderTicket) Content() fyne.CanvasObject { return ui.NewRoot(t.content, t.Settle, t.Stop) }

// Settle stops following the desk and waits until the last snapshot and the background calls
// in flight have been applied. It is for screenshots and tests: it waits for the UI
// goroutine, so it must not run on the UI goroutine of a running app.
func (t *OrderTicket) Settle() {
	t.Stop()
	<-t.Done()
	t.Wait()
}

// followDesk shows a snapshot of the desk (UI goroutine): the account banner, the order this
// ticket placed, and the legs quoted again when the last quote is previewEvery old.
func (t *OrderTicket) followDesk(s *desk.Snapshot) {
	t.followLive()
	t.followOrder(s)
	if time.Since(t.previewAsked) >= previewEvery {
		t.requestPreview(true)
	}
}

// background runs call off the UI goroutine, with a context bounded by brokerTimeout, and
// applies the function it returns on the UI goroutine (ui.Work.Background). Calls made while
// the ticket is being built start once it is complete.
func (t *OrderTicket) background(call func(ctx context.Context) func()) {
	work := func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), brokerTimeout)
		defer cancel()
		return call(ctx)
	}
	if t.building {
		t.deferred = append(t.deferred, work)
		return
	}
	t.Background(work)
}

// startDeferred starts the background calls the constructor made.
func (t *OrderTicket) startDeferred() {
	t.building = false
	for _, work := range t.deferred {
		t.Background(work)
	}
	t.deferred = nil
}

func (t *OrderTicket) build() {
	t.legsMsg = widget.NewLabel("")
	t.legsMsg.Importance = widget.DangerImportance
	t.addLeg = widget.NewButton("Add leg", func() { t.newLeg(nil); t.validate() })
	t.legGrid = container.New(widgets.NewColumns(len(legColumns), len(legColumns)-1))

	t.quantity = ui.NewEntry()
	t.quantity.SetText("1")
	t.quantity.OnChanged = func(string) { t.touch(); t.validate() }
	t.qtyMsg = widget.NewLabel("")
	t.qtyMsg.Wrapping = fyne.TextWrapWord
	t.orderType = widget.NewRadioGroup([]string{typeLimit, typeMarket}, func(string) { t.validate() })
	t.orderType.Horizontal = true
	t.orderType.Required = true
	t.orderType.SetSelected(typeLimit)
	t.limit = ui.NewEntry()
	t.limit.SetPlaceHolder("net price")
	t.limit.OnChanged = func(string) {
		if !t.settingLimit {
			t.limitTyped = true
			t.touch()
		}
		t.validate()
	}
	t.netDir = widget.NewRadioGroup([]string{netDebit, netCredit}, func(string) {
		if !t.settingLimit {
			t.limitTyped = true
			t.touch()
		}
		t.validate()
	})
	t.netDir.Horizontal = true
	t.netDir.Required = true
	t.netDir.SetSelected(netDebit)
	t.limitMsg = widget.NewLabel("")
	t.limitMsg.Wrapping = fyne.TextWrapWord
	t.limitWords = widget.NewLabel("")
	t.tif = widget.NewRadioGroup([]string{tifDay, tifGTC}, func(string) { t.validate() })
	t.tif.Horizontal = true
	t.tif.Required = true
	t.tif.SetSelected(tifDay)
	t.note = ui.NewEntry()
	t.note.SetPlaceHolder("why (kept in the journal)")
	t.follow = widget.NewCheck("Follow the mid", t.followChanged)
	t.followWords = widget.NewLabel("")
	t.followWords.Importance = widget.LowImportance
	t.followWords.Wrapping = fyne.TextWrapWord
	t.money = widget.NewLabel("")
	t.money.Wrapping = fyne.TextWrapWord
	t.fileUnder = widget.NewSelect(nil, func(s string) {
		if !t.settingFile {
			t.fileChosen = s
		}
	})
	t.fileWords = widget.NewLabel("")
	t.fileWords.Importance = widget.LowImportance
	t.fileWords.Wrapping = fyne.TextWrapWord

	fieldGrid := container.New(widgets.NewColumns(3, 2),
		widget.NewLabel("Quantity"), ui.Sized(t.quantity, 90), t.qtyMsg,
		widget.NewLabel("Order type"), t.orderType, widget.NewLabel(""),
		widget.NewLabel("Limit (net per unit)"), container.NewHBox(ui.Sized(t.limit, 110), t.netDir), t.limitMsg,
		widget.NewLabel(""), t.follow, widget.NewLabel(""),
		widget.NewLabel("Time in force"), t.tif, widget.NewLabel(""),
	)
	fieldGrid.Objects = append(fieldGrid.Objects, t.fileRow()...)
	fieldGrid.Objects = append(fieldGrid.Objects, widget.NewLabel("Note"), ui.Sized(t.note, 300), widget.NewLabel(""))
	t.fieldGrid = fieldGrid
	fields := container.NewVBox(fieldGrid, t.followWords, t.limitWords, t.money, t.fileWords)
	t.limitWords.Wrapping = fyne.TextWrapWord

	value := func() *widget.Label {
		return widget.NewLabelWithStyle(ui.NoValue, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	}
	t.natural, t.mid, t.far, t.costs = value(), value(), value(), value()
	t.quoted = widget.NewLabel("")
	t.quoted.Importance = widget.LowImportance
	// The cells size to their content: any figure fits, at any quantity.
	market := container.New(widgets.NewColumns(2, -1),
		widget.NewLabel("Net natural (fills now)"), t.natural,
		widget.NewLabel("Net mid"), t.mid,
		widget.NewLabel("Net far"), t.far,
		widget.NewLabel("Est. commission + fees"), t.costs,
	)

	effectCells := []fyne.CanvasObject{widget.NewLabelWithStyle("Book (β-weighted to SPY)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle("Before", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle("This order", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle("After", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})}
	for i, name := range []string{"Δ (SPY shares)", "Δ ($)", "Γ ($ per 1% SPY)", "Θ ($/day)", "V ($/vol pt)"} {
		effectCells = append(effectCells, widget.NewLabel(name))
		for j := range 3 {
			t.effect[i][j] = value()
			effectCells = append(effectCells, t.effect[i][j])
		}
	}
	t.effectNote = widget.NewLabel("")
	t.effectNote.Importance = widget.WarningImportance
	t.effectNote.Wrapping = fyne.TextWrapWord
	effect := container.NewVBox(container.New(widgets.NewColumns(4, -1), effectCells...), t.effectNote)

	t.problems = widget.NewLabel("")
	t.problems.Importance = widget.DangerImportance
	t.problems.Wrapping = fyne.TextWrapWord
	t.review = widget.NewButton("Review & send…", t.startReview)
	t.review.Importance = widget.HighImportance
	t.rollInstead = widget.NewButton("Plan a roll instead…", t.openRollPlanner)
	t.rollInstead.Hide()
	t.another = widget.NewButton("Start another order", t.startAnother)
	t.another.Hide()
	t.result = widget.NewLabel("")
	t.result.Wrapping = fyne.TextWrapWord

	legHeader := container.NewHBox(widget.NewLabelWithStyle("Legs", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		t.addLeg, t.legsMsg)
	t.liquidity = widget.NewLabel("")
	t.liquidity.Wrapping = fyne.TextWrapWord
	right := container.NewVBox(
		widget.NewLabelWithStyle("Market", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), market, t.quoted,
		widget.NewSeparator(), effect)
	orderRow := container.NewBorder(nil, nil, nil, container.NewPadded(right), fields)
	// The liquidity checklist scrolls with the order; the checks that stop it, the buttons and
	// the result stay in view.
	body := container.NewVBox(legHeader, container.NewHScroll(t.legGrid), widget.NewSeparator(), orderRow,
		widget.NewSeparator(), t.liquidity)
	bottom := container.NewVBox(widget.NewSeparator(), t.problems,
		container.NewHBox(t.review, t.rollInstead, t.another), t.result)
	t.banner = ui.NewAccountBanner(t.desk)
	t.content = container.NewBorder(t.banner, bottom, nil, nil, container.NewVScroll(body))
	t.layoutLegs()
	t.limitTyped = false // the defaults set above are not the trader's price
}

// legColumns are the headers of the leg grid.
var legColumns = []string{"Underlying", "Type", "Expiry", "Strike (chain)", "Side", "Ratio", "Bid", "Ask", "Mid", "Δ/contract", "", ""}

// layoutLegs rebuilds the leg grid's rows (after a leg is added or removed).
func (t *OrderTicket) layoutLegs() {
	var cells []fyne.CanvasObject
	for i, h := range legColumns {
		align := fyne.TextAlignLeading
		if i >= 6 && i <= 9 {
			align = fyne.TextAlignTrailing
		}
		cells = append(cells, widget.NewLabelWithStyle(h, align, fyne.TextStyle{Bold: true}))
	}
	for _, l := range t.legs {
		cells = append(cells, ui.Sized(l.underlying, 100), ui.Sized(l.kind, 92), ui.Sized(l.expiry, 164), ui.Sized(l.strike, 108),
			ui.Sized(l.side, 80), ui.Sized(l.ratio, 52), l.bid, l.ask, l.mid, l.delta, l.remove, l.msg)
	}
	t.legGrid.Objects = cells
	t.legGrid.Refresh()
}

// newLeg adds a leg row; from is the instrument a prefilled leg starts as (nil: SPY shares).
func (t *OrderTicket) newLeg(from *brokers.Leg) *ticketLeg {
	l := &ticketLeg{strikeRow: -1}
	l.underlying = widget.NewSelect(t.underlyings, nil)
	l.kind = widget.NewSelect([]string{kindShares, kindCall, kindPut}, nil)
	l.expiry = widget.NewSelect(nil, nil)
	l.expiry.PlaceHolder = "expiry"
	l.strike = widget.NewButton("strike", func() { t.openChain(l) })
	l.strike.Alignment = widget.ButtonAlignLeading
	l.side = widget.NewSelect([]string{sideBuy, sideSell}, nil)
	l.ratio = ui.NewEntry()
	l.ratio.SetText("1")
	quote := func() *widget.Label {
		return widget.NewLabelWithStyle(ui.NoValue, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	}
	l.bid, l.ask, l.mid, l.delta = quote(), quote(), quote(), quote()
	l.msg = widget.NewLabel("")
	l.remove = widget.NewButton("Remove", func() { t.removeLeg(l) })

	l.updating = true
	l.side.SetSelected(sideBuy)
	l.updating = false
	edit := func(l *ticketLeg) {
		if !l.updating {
			t.touch()
		}
	}
	l.underlying.OnChanged = func(string) { edit(l); t.underlyingChanged(l) }
	l.kind.OnChanged = func(string) { edit(l); t.kindChanged(l) }
	l.expiry.OnChanged = func(string) { edit(l); t.expiryChanged(l) }
	l.side.OnChanged = func(string) { edit(l); t.validate() }
	l.ratio.OnChanged = func(string) { edit(l); t.validate() }
	t.legs = append(t.legs, l)
	if from == nil {
		l.underlying.SetSelected(ticketUnderlyings[0])
	} else {
		t.fillLeg(l, *from)
	}
	t.layoutLegs()
	return l
}

func (t *OrderTicket) removeLeg(l *ticketLeg) {
	for i, x := range t.legs {
		if x == l {
			t.legs = append(t.legs[:i], t.legs[i+1:]...)
			break
		}
	}
	l.gen++ // drop its answers still in flight
	t.touch()
	t.layoutLegs()
	t.validate()
}

// Window is the order ticket window; each Open makes a new one.
func Window() ui.Window {
	return ui.Window{
		Name:     "ticket",
		Title:    "Keel — Order ticket",
		Size:     ticketSize,
		Key:      fyne.KeyN,
		Multiple: true,
		Build:    buildTicket,
	}
}
