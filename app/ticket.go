package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// ticketUnderlyings are the underlyings the ticket always offers; the futures come from
// the positions and the listed front quarterly contracts.
var ticketUnderlyings = []string{"SPY", "QQQ", "VXX", "SQQQ", "SH"}

// ticketFuturesRoots are the futures whose front quarterly contracts the ticket offers.
var ticketFuturesRoots = []string{"ES", "MES"}

// previewEvery is how often the ticket refreshes the legs' market while it is open.
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

// pendingWork counts background calls whose results are not yet applied; Wait blocks
// until there are none. Unlike sync.WaitGroup it may be added to while someone waits.
type pendingWork struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int
}

func (p *pendingWork) add(d int) {
	p.mu.Lock()
	if p.cond == nil {
		p.cond = sync.NewCond(&p.mu)
	}
	p.n += d
	if p.n == 0 {
		p.cond.Broadcast()
	}
	p.mu.Unlock()
}

func (p *pendingWork) wait() {
	p.mu.Lock()
	if p.cond == nil {
		p.cond = sync.NewCond(&p.mu)
	}
	for p.n > 0 {
		p.cond.Wait()
	}
	p.mu.Unlock()
}

// ticketLeg is one leg row of the ticket: what the trader chose, and the instrument it
// resolved to.
type ticketLeg struct {
	underlying, kind, expiry, strike, side *widget.Select
	ratio                                  *widget.Entry
	remove                                 *widget.Button
	bid, ask, mid                          *widget.Label
	msg                                    *widget.Label

	expiries []time.Time
	chain    *brokers.Chain
	symbol   string // "" until the leg names one instrument
	inst     instrument.Instrument
	loading  string // what is being loaded, in words; "" when nothing
	loadErr  error
	gen      int // bumped by every load so a stale answer is dropped
	// wantExpiry and wantStrike are what a prefilled leg should select once the lists load.
	wantExpiry time.Time
	wantStrike float64
	updating   bool // the ticket is setting the selects itself
}

// OrderTicket is the order ticket window: single or multi-leg, each leg's market and the
// order's net, the estimated costs, the effect on the book's Greeks, and a confirmation that
// says exactly what will be sent. Every broker call runs off the UI goroutine; the ticket's
// client order id is made once, so a retry or a double click never sends twice.
type OrderTicket struct {
	env      ui.Env
	desk     *desk.Service
	clientID string

	work     pendingWork
	stopOnce sync.Once
	stopped  chan struct{}
	loopDone chan struct{} // closed when the refresh goroutine has ended
	building bool          // the constructor is running: background calls wait for it
	deferred []func()      // background calls started while building

	// Everything below is touched only on the UI goroutine.
	legs        []*ticketLeg
	legGrid     *fyne.Container
	legsMsg     *widget.Label
	addLeg      *widget.Button
	underlyings []string

	quantity, limit        *widget.Entry
	qtyMsg, limitMsg       *widget.Label
	orderType, tif, netDir *widget.RadioGroup
	limitWords             *widget.Label
	note                   *widget.Entry

	natural, mid, far, costs, quoted *widget.Label
	effect                           [5][3]*widget.Label // Δ sh, Δ $, Γ, Θ, V × before, change, after
	effectNote                       *widget.Label
	problems                         *widget.Label
	review, another                  *widget.Button
	result                           *widget.Label

	preview      *desk.Preview
	previewKey   string // the legs and quantity the shown preview is of
	previewGen   int
	previewBusy  bool
	limitEdited  bool
	settingLimit bool
	sending      bool
	placed       brokers.OrderStatus // the order this ticket placed, as last seen; followed until done
	sent         bool
	confirmText  string // the confirmation last shown
	confirmOrder *brokers.Order
	confirm      dialog.Dialog

	content fyne.CanvasObject
}

// NewOrderTicket builds an order ticket on env.Desk, prefilled with prefill's legs,
// quantity, type, price and time in force when it is not nil.
func NewOrderTicket(env ui.Env, prefill *brokers.Order) *OrderTicket {
	t := &OrderTicket{env: env, desk: env.Desk, stopped: make(chan struct{}), loopDone: make(chan struct{}), clientID: desk.NewClientID()}
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
		t.validate()
		close(t.loopDone)
		return t
	}
	t.addFuturesUnderlyings()
	if prefill != nil {
		t.prefill(*prefill)
	} else {
		t.newLeg(nil)
	}
	t.validate()
	go t.refreshLoop()
	return t
}

// Content is the ticket's content. It has Settle (wait for the look-ups and the preview in
// flight, then stop refreshing, for screenshots) and Stop (stop refreshing; call it when the
// window closes).
func (t *OrderTicket) Content() fyne.CanvasObject { return ui.NewRoot(t.content, t.Settle, t.Stop) }

// Settle waits for the background calls in flight and stops the periodic refresh. It is for
// screenshots and tests: it takes widgets.UIMu, so it must not run on the UI goroutine of a
// running app.
func (t *OrderTicket) Settle() {
	t.Stop()
	// A refresh already past its stop check finishes under widgets.UIMu (and counts its preview in
	// t.work) before this returns; later ones see the ticket stopped.
	widgets.UIMu.Lock()
	widgets.UIMu.Unlock() //nolint:staticcheck // an empty critical section on purpose
	t.work.wait()
}

// Stop stops the ticket's periodic refresh.
func (t *OrderTicket) Stop() { t.stopOnce.Do(func() { close(t.stopped) }) }

// Wait blocks until every background call started so far has been applied.
func (t *OrderTicket) Wait() { t.work.wait() }

// onUI runs f the way the UI goroutine would, never while a result is being applied. For
// tests.
func (t *OrderTicket) onUI(f func()) {
	widgets.UIMu.Lock()
	defer widgets.UIMu.Unlock()
	f()
}

// background runs call off the UI goroutine and applies the function it returns with
// fyne.DoAndWait.
func (t *OrderTicket) background(call func(ctx context.Context) func()) {
	t.work.add(1)
	run := func() {
		defer t.work.add(-1)
		ctx, cancel := context.WithTimeout(context.Background(), brokerTimeout)
		apply := call(ctx)
		cancel()
		widgets.UIMu.Lock()
		defer widgets.UIMu.Unlock()
		fyne.DoAndWait(apply)
	}
	if t.building {
		t.deferred = append(t.deferred, run)
		return
	}
	go run()
}

// startDeferred starts the background calls the constructor made.
func (t *OrderTicket) startDeferred() {
	t.building = false
	for _, run := range t.deferred {
		go run()
	}
	t.deferred = nil
}

// refreshLoop re-quotes the legs every previewEvery until the ticket stops.
func (t *OrderTicket) refreshLoop() {
	defer close(t.loopDone)
	tick := time.NewTicker(previewEvery)
	defer tick.Stop()
	for {
		select {
		case <-t.stopped:
			return
		case <-tick.C:
			widgets.UIMu.Lock()
			select {
			case <-t.stopped:
			default:
				fyne.DoAndWait(func() {
					t.followOrder()
					t.requestPreview(true)
				})
			}
			widgets.UIMu.Unlock()
		}
	}
}

func (t *OrderTicket) build() {
	t.legsMsg = widget.NewLabel("")
	t.legsMsg.Importance = widget.DangerImportance
	t.addLeg = widget.NewButton("Add leg", func() { t.newLeg(nil); t.validate() })
	t.legGrid = container.New(widgets.NewColumns(11, 10))

	t.quantity = widget.NewEntry()
	t.quantity.SetText("1")
	t.quantity.OnChanged = func(string) { t.validate() }
	t.qtyMsg = widget.NewLabel("")
	t.qtyMsg.Wrapping = fyne.TextWrapWord
	t.orderType = widget.NewRadioGroup([]string{typeLimit, typeMarket}, func(string) { t.validate() })
	t.orderType.Horizontal = true
	t.orderType.Required = true
	t.orderType.SetSelected(typeLimit)
	t.limit = widget.NewEntry()
	t.limit.SetPlaceHolder("net price")
	t.limit.OnChanged = func(string) {
		if !t.settingLimit {
			t.limitEdited = true
		}
		t.validate()
	}
	t.netDir = widget.NewRadioGroup([]string{netDebit, netCredit}, func(string) {
		if !t.settingLimit {
			t.limitEdited = true
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
	t.note = widget.NewEntry()
	t.note.SetPlaceHolder("why (kept in the journal)")

	fields := container.New(widgets.NewColumns(3, 2),
		widget.NewLabel("Quantity"), ui.Sized(t.quantity, 90), t.qtyMsg,
		widget.NewLabel("Order type"), t.orderType, widget.NewLabel(""),
		widget.NewLabel("Limit (net per unit)"), container.NewHBox(ui.Sized(t.limit, 110), t.netDir), t.limitMsg,
		widget.NewLabel(""), t.limitWords, widget.NewLabel(""),
		widget.NewLabel("Time in force"), t.tif, widget.NewLabel(""),
		widget.NewLabel("Note"), ui.Sized(t.note, 320), widget.NewLabel(""),
	)

	value := func() *widget.Label {
		return widget.NewLabelWithStyle(ui.NoValue, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	}
	t.natural, t.mid, t.far, t.costs = value(), value(), value(), value()
	t.quoted = widget.NewLabel("")
	t.quoted.Importance = widget.LowImportance
	market := container.New(widgets.NewColumns(2, -1),
		widget.NewLabel("Net natural (fills now)"), ui.Sized(t.natural, 200),
		widget.NewLabel("Net mid"), ui.Sized(t.mid, 200),
		widget.NewLabel("Net far"), ui.Sized(t.far, 200),
		widget.NewLabel("Est. commission + fees"), ui.Sized(t.costs, 200),
	)

	effectCells := []fyne.CanvasObject{widget.NewLabelWithStyle("Book (β-weighted to SPY)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle("Before", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle("This order", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle("After", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})}
	for i, name := range []string{"Δ (SPY shares)", "Δ ($)", "Γ ($ per 1% SPY)", "Θ ($/day)", "V ($/vol pt)"} {
		effectCells = append(effectCells, widget.NewLabel(name))
		for j := range 3 {
			t.effect[i][j] = value()
			effectCells = append(effectCells, ui.Sized(t.effect[i][j], 96))
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
	t.another = widget.NewButton("Start another order", t.startAnother)
	t.another.Hide()
	t.result = widget.NewLabel("")
	t.result.Wrapping = fyne.TextWrapWord

	legHeader := container.NewHBox(widget.NewLabelWithStyle("Legs", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		t.addLeg, t.legsMsg)
	right := container.NewVBox(
		widget.NewLabelWithStyle("Market", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), market, t.quoted,
		widget.NewSeparator(), effect)
	orderRow := container.NewBorder(nil, nil, nil, container.NewPadded(right), fields)
	body := container.NewVBox(legHeader, container.NewHScroll(t.legGrid), widget.NewSeparator(), orderRow)
	bottom := container.NewVBox(widget.NewSeparator(), t.problems,
		container.NewHBox(t.review, t.another), t.result)
	t.content = container.NewBorder(nil, bottom, nil, nil, container.NewVScroll(body))
	t.layoutLegs()
	t.limitEdited = false // the defaults set above are not the trader's price
}

// legColumns are the headers of the leg grid.
var legColumns = []string{"Underlying", "Type", "Expiry", "Strike", "Side", "Ratio", "Bid", "Ask", "Mid", "", ""}

// layoutLegs rebuilds the leg grid's rows (after a leg is added or removed).
func (t *OrderTicket) layoutLegs() {
	var cells []fyne.CanvasObject
	for i, h := range legColumns {
		align := fyne.TextAlignLeading
		if i >= 6 && i <= 8 {
			align = fyne.TextAlignTrailing
		}
		cells = append(cells, widget.NewLabelWithStyle(h, align, fyne.TextStyle{Bold: true}))
	}
	for _, l := range t.legs {
		cells = append(cells, ui.Sized(l.underlying, 104), ui.Sized(l.kind, 96), ui.Sized(l.expiry, 180), ui.Sized(l.strike, 100),
			ui.Sized(l.side, 80), ui.Sized(l.ratio, 56), ui.Sized(l.bid, 72), ui.Sized(l.ask, 72), ui.Sized(l.mid, 72), l.remove, l.msg)
	}
	t.legGrid.Objects = cells
	t.legGrid.Refresh()
}

// newLeg adds a leg row; from is the instrument a prefilled leg starts as (nil: SPY shares).
func (t *OrderTicket) newLeg(from *brokers.Leg) *ticketLeg {
	l := &ticketLeg{}
	l.underlying = widget.NewSelect(t.underlyings, nil)
	l.kind = widget.NewSelect([]string{kindShares, kindCall, kindPut}, nil)
	l.expiry = widget.NewSelect(nil, nil)
	l.expiry.PlaceHolder = "expiry"
	l.strike = widget.NewSelect(nil, nil)
	l.strike.PlaceHolder = "strike"
	l.side = widget.NewSelect([]string{sideBuy, sideSell}, nil)
	l.ratio = widget.NewEntry()
	l.ratio.SetText("1")
	quote := func() *widget.Label {
		return widget.NewLabelWithStyle(ui.NoValue, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	}
	l.bid, l.ask, l.mid = quote(), quote(), quote()
	l.msg = widget.NewLabel("")
	l.remove = widget.NewButton("Remove", func() { t.removeLeg(l) })

	l.updating = true
	l.side.SetSelected(sideBuy)
	l.updating = false
	l.underlying.OnChanged = func(string) { t.underlyingChanged(l) }
	l.kind.OnChanged = func(string) { t.kindChanged(l) }
	l.expiry.OnChanged = func(string) { t.expiryChanged(l) }
	l.strike.OnChanged = func(string) { t.strikeChanged(l) }
	l.side.OnChanged = func(string) { t.validate() }
	l.ratio.OnChanged = func(string) { t.validate() }
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
	t.layoutLegs()
	t.validate()
}

// underlyingOf is the underlying symbol and the type choice of an instrument.
func underlyingOf(in instrument.Instrument, symbol string) (string, string) {
	switch in.Kind {
	case instrument.Future:
		return symbol, kindFuture
	case instrument.Option, instrument.FuturesOption:
		u := in.Underlying
		if u == "" {
			u = in.Root
		}
		if in.Right == pricing.Put {
			return u, kindPut
		}
		return u, kindCall
	}
	return symbol, kindShares
}

// fillLeg sets a leg to a prefilled instrument: its selects follow as their lists load.
func (t *OrderTicket) fillLeg(l *ticketLeg, from brokers.Leg) {
	l.updating = true
	if from.Ratio < 0 {
		l.side.SetSelected(sideSell)
	} else {
		l.side.SetSelected(sideBuy)
	}
	r := from.Ratio
	if r < 0 {
		r = -r
	}
	if r == 0 {
		r = 1
	}
	l.ratio.SetText(strconv.FormatInt(r, 10))
	l.updating = false
	if from.Instrument.Root == "" {
		// Only a symbol: look it up first.
		sym := from.Symbol
		t.legCall(l, "looking up "+sym, func(ctx context.Context, b *desk.Service) (func(), error) {
			in, err := b.Lookup(ctx, sym)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", sym, err)
			}
			return func() {
				from.Instrument = in
				t.fillLeg(l, from)
				t.validate()
			}, nil
		})
		return
	}
	in := from.Instrument
	sym := from.Symbol
	if sym == "" {
		sym = in.Symbol()
	}
	u, kind := underlyingOf(in, sym)
	t.offerUnderlying(u)
	l.symbol, l.inst = sym, in
	l.wantExpiry, l.wantStrike = in.Expiry, in.Strike
	l.updating = true
	l.underlying.SetSelected(u)
	t.setKindOptions(l, u)
	l.kind.SetSelected(kind)
	l.updating = false
	if in.IsOption() {
		t.loadExpiries(l)
	}
}

// offerUnderlying adds u to the underlying choices when it is not there yet.
func (t *OrderTicket) offerUnderlying(u string) {
	for _, x := range t.underlyings {
		if x == u {
			return
		}
	}
	t.underlyings = append(t.underlyings, u)
	for _, l := range t.legs {
		l.underlying.Options = t.underlyings
		l.underlying.Refresh()
	}
}

// addFuturesUnderlyings offers the futures the book holds and the front quarterly ES and
// MES contracts the broker lists.
func (t *OrderTicket) addFuturesUnderlyings() {
	snap := t.desk.Latest()
	for _, p := range snap.Positions {
		switch p.Instrument.Kind {
		case instrument.Future:
			t.offerUnderlying(p.Symbol)
		case instrument.FuturesOption:
			t.offerUnderlying(p.Instrument.Underlying)
		}
	}
	now := snap.Time
	if now.IsZero() {
		now = t.env.Now()
	}
	var candidates []string
	for _, root := range ticketFuturesRoots {
		candidates = append(candidates, frontQuarterlies(root, now, 2)...)
	}
	b := t.desk
	t.background(func(ctx context.Context) func() {
		var listed []string
		for _, c := range candidates {
			if in, err := b.Lookup(ctx, c); err == nil && in.Kind == instrument.Future {
				listed = append(listed, in.Symbol())
			}
		}
		return func() {
			for _, s := range listed {
				t.offerUnderlying(s)
			}
		}
	})
}

// frontQuarterlies are the next n quarterly (H, M, U, Z) contracts of root that trade after
// now.
func frontQuarterlies(root string, now time.Time, n int) []string {
	var out []string
	y, m := now.Year(), now.Month()
	for i := 0; len(out) < n && i < 12; i++ {
		month := time.Month((int(m)-1+i)%12 + 1)
		year := y + (int(m)-1+i)/12
		if month%3 != 0 {
			continue
		}
		exp, err := instrument.FuturesExpiry(root, year, month)
		if err != nil || !exp.After(now) {
			continue
		}
		out = append(out, instrument.FormatFutures(root, year, month))
	}
	return out
}

// isFutureSymbol says whether an underlying symbol names a futures contract.
func (t *OrderTicket) isFutureSymbol(u string) bool {
	in, err := instrument.Parse(u, t.marketNow())
	return err == nil && in.Kind == instrument.Future
}

// marketNow is the market time of the latest snapshot, or the clock's.
func (t *OrderTicket) marketNow() time.Time {
	if t.desk != nil {
		if s := t.desk.Latest(); !s.Time.IsZero() {
			return s.Time
		}
	}
	return t.env.Now()
}

func (t *OrderTicket) setKindOptions(l *ticketLeg, u string) {
	first := kindShares
	if t.isFutureSymbol(u) {
		first = kindFuture
	}
	if len(l.kind.Options) > 0 && l.kind.Options[0] == first {
		return
	}
	was := l.kind.Selected
	l.kind.Options = []string{first, kindCall, kindPut}
	if was == kindShares || was == kindFuture {
		l.kind.Selected = first
	}
	l.kind.Refresh()
}

func (t *OrderTicket) underlyingChanged(l *ticketLeg) {
	if l.updating {
		return
	}
	u := l.underlying.Selected
	t.setKindOptions(l, u)
	l.expiries, l.chain = nil, nil
	l.wantExpiry, l.wantStrike = time.Time{}, 0
	t.clearSelect(l, l.expiry)
	t.clearSelect(l, l.strike)
	if l.kind.Selected == "" {
		l.updating = true
		l.kind.SetSelected(l.kind.Options[0])
		l.updating = false
	}
	t.kindChanged(l)
}

func (t *OrderTicket) clearSelect(l *ticketLeg, s *widget.Select) {
	l.updating = true
	s.Options = nil
	s.ClearSelected()
	l.updating = false
}

func (t *OrderTicket) kindChanged(l *ticketLeg) {
	if l.updating {
		return
	}
	u := l.underlying.Selected
	switch l.kind.Selected {
	case kindShares, kindFuture:
		l.expiries, l.chain = nil, nil
		t.clearSelect(l, l.expiry)
		t.clearSelect(l, l.strike)
		l.expiry.Disable()
		l.strike.Disable()
		t.lookupLeg(l, u)
	case kindCall, kindPut:
		l.expiry.Enable()
		l.strike.Enable()
		l.symbol, l.inst = "", instrument.Instrument{}
		if l.chain != nil {
			if l.wantStrike == 0 {
				l.wantStrike = t.selectedStrike(l)
			}
			t.showChain(l)
		} else if l.expiries == nil {
			t.loadExpiries(l)
		}
	}
	t.validate()
}

// lookupLeg resolves a shares or future leg.
func (t *OrderTicket) lookupLeg(l *ticketLeg, sym string) {
	if t.desk == nil || sym == "" {
		return
	}
	l.symbol, l.inst = "", instrument.Instrument{}
	t.legCall(l, "looking up "+sym, func(ctx context.Context, b *desk.Service) (func(), error) {
		in, err := b.Lookup(ctx, sym)
		if err != nil {
			return nil, err
		}
		return func() {
			l.symbol, l.inst = in.Symbol(), in
			t.validate()
		}, nil
	})
}

// legCall runs a broker call for leg l off the UI goroutine, showing doing on the leg
// meanwhile. The function the call returns is applied on the UI goroutine; an error is shown
// on the leg instead; an answer that arrives after the leg changed again is dropped.
func (t *OrderTicket) legCall(l *ticketLeg, doing string, call func(ctx context.Context, b *desk.Service) (func(), error)) {
	l.gen++
	gen := l.gen
	l.loading, l.loadErr = doing, nil
	b := t.desk
	t.background(func(ctx context.Context) func() {
		apply, err := call(ctx, b)
		return func() {
			if gen != l.gen {
				return
			}
			l.loading = ""
			if err != nil {
				l.loadErr = err
				t.validate()
				return
			}
			apply()
		}
	})
}

// loadExpiries loads the option expiries of the leg's underlying.
func (t *OrderTicket) loadExpiries(l *ticketLeg) {
	u := l.underlying.Selected
	if t.desk == nil || u == "" {
		return
	}
	now := t.marketNow()
	t.legCall(l, "loading "+u+" expiries", func(ctx context.Context, b *desk.Service) (func(), error) {
		exps, err := b.Expirations(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("%s expiries: %w", u, err)
		}
		if len(exps) == 0 {
			return nil, fmt.Errorf("%s has no options listed", u)
		}
		return func() {
			l.expiries = exps
			opts := make([]string, len(exps))
			pick := -1
			for i, e := range exps {
				opts[i] = expiryLabel(e, now)
				if !l.wantExpiry.IsZero() && sameDay(e, l.wantExpiry) {
					pick = i
				}
			}
			if pick < 0 {
				pick = defaultExpiry(exps, now)
			}
			l.updating = true
			l.expiry.Options = opts
			l.expiry.SetSelectedIndex(pick)
			l.updating = false
			t.expiryChanged(l)
		}, nil
	})
}

// defaultExpiry is the first expiry 30 or more days out (the strategy's usual tenor), or
// the last one.
func defaultExpiry(exps []time.Time, now time.Time) int {
	for i, e := range exps {
		if e.Sub(now) >= 30*24*time.Hour {
			return i
		}
	}
	return len(exps) - 1
}

func sameDay(a, b time.Time) bool {
	a, b = a.In(instrument.NewYork), b.In(instrument.NewYork)
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// expiryLabel is "2026-12-18 · 28 d".
func expiryLabel(e, now time.Time) string {
	days := int(math.Ceil(e.Sub(now).Hours() / 24))
	return fmt.Sprintf("%s · %d d", e.In(instrument.NewYork).Format("2006-01-02"), days)
}

func (t *OrderTicket) expiryChanged(l *ticketLeg) {
	if l.updating {
		return
	}
	i := l.expiry.SelectedIndex()
	if i < 0 || i >= len(l.expiries) || t.desk == nil {
		return
	}
	if l.wantStrike == 0 {
		l.wantStrike = t.selectedStrike(l)
	}
	u, exp := l.underlying.Selected, l.expiries[i]
	l.chain, l.symbol, l.inst = nil, "", instrument.Instrument{}
	t.legCall(l, "loading the "+u+" chain", func(ctx context.Context, b *desk.Service) (func(), error) {
		ch, err := b.Chain(ctx, u, exp)
		if err != nil {
			return nil, fmt.Errorf("%s chain: %w", u, err)
		}
		return func() {
			l.chain = &ch
			t.showChain(l)
			t.validate()
		}, nil
	})
}

// selectedStrike is the strike the leg shows now, 0 when none.
func (t *OrderTicket) selectedStrike(l *ticketLeg) float64 {
	k, err := strconv.ParseFloat(l.strike.Selected, 64)
	if err != nil {
		return 0
	}
	return k
}

// showChain lists the chain's strikes and selects the wanted one, or the one nearest the
// underlying's price.
func (t *OrderTicket) showChain(l *ticketLeg) {
	ch := l.chain
	opts := make([]string, len(ch.Strikes))
	pick, best := -1, math.Inf(1)
	want := l.wantStrike
	if want == 0 {
		want = ch.Price.InexactFloat64()
	}
	for i, s := range ch.Strikes {
		opts[i] = strconv.FormatFloat(s.Strike, 'f', -1, 64)
		if d := math.Abs(s.Strike - want); d < best {
			pick, best = i, d
		}
	}
	l.wantStrike = 0
	l.updating = true
	l.strike.Options = opts
	if pick >= 0 {
		l.strike.SetSelectedIndex(pick)
	}
	l.updating = false
	t.strikeChanged(l)
}

func (t *OrderTicket) strikeChanged(l *ticketLeg) {
	if l.updating {
		return
	}
	i := l.strike.SelectedIndex()
	if l.chain == nil || i < 0 || i >= len(l.chain.Strikes) {
		return
	}
	q := l.chain.Strikes[i].Call
	if l.kind.Selected == kindPut {
		q = l.chain.Strikes[i].Put
	}
	l.symbol, l.inst = q.Symbol, q.Instrument
	t.validate()
}

// prefill sets the ticket to an order: its legs, quantity, type, price and time in force.
func (t *OrderTicket) prefill(o brokers.Order) {
	for _, leg := range o.Legs {
		leg := leg
		t.newLeg(&leg)
	}
	if o.Quantity > 0 {
		t.quantity.SetText(strconv.FormatInt(o.Quantity, 10))
	}
	if o.Type == brokers.Market {
		t.orderType.SetSelected(typeMarket)
	}
	if o.TIF == brokers.GTC {
		t.tif.SetSelected(tifGTC)
	}
	if !o.Limit.IsZero() {
		t.setLimit(o.Limit)
		t.limitEdited = true
	}
	t.note.SetText(o.Note)
}

// setLimit shows a signed net price in the limit entry and the debit/credit choice.
func (t *OrderTicket) setLimit(net decimal.Decimal) {
	t.settingLimit = true
	t.limit.SetText(net.Abs().StringFixed(priceDecimals(net.Abs())))
	if net.IsNegative() {
		t.netDir.SetSelected(netCredit)
	} else {
		t.netDir.SetSelected(netDebit)
	}
	t.settingLimit = false
}

// priceDecimals is 2, or more when the price needs them (ES options at 26.375).
func priceDecimals(d decimal.Decimal) int32 {
	for dp := int32(2); dp < 6; dp++ {
		if d.Equal(d.Round(dp)) {
			return dp
		}
	}
	return 6
}

// ---- reading and checking the order ----

// fieldProblem is an order field that cannot be sent as it is.
type fieldProblem struct {
	msg *widget.Label
	err string
}

// readOrder builds the order the fields say and every problem with them. legsOK says
// whether the legs (and quantity) are complete enough to quote.
func (t *OrderTicket) readOrder() (o brokers.Order, problems []fieldProblem, legsOK bool) {
	o = brokers.Order{ClientID: t.clientID, Note: strings.TrimSpace(t.note.Text)}
	legsOK = len(t.legs) > 0
	if len(t.legs) == 0 {
		problems = append(problems, fieldProblem{t.legsMsg, "add at least one leg"})
	}
	seen := map[string]int{}
	for i, l := range t.legs {
		var why string
		ratio, err := wholeNumber(l.ratio.Text)
		switch {
		case l.loading != "":
			why = l.loading + "…"
		case l.loadErr != nil:
			why = l.loadErr.Error()
		case l.symbol == "" && (l.kind.Selected == kindCall || l.kind.Selected == kindPut):
			why = "choose an expiry and a strike"
		case l.symbol == "":
			why = "choose an underlying"
		case err != nil:
			why = "ratio " + err.Error()
		case seen[l.symbol] > 0:
			why = fmt.Sprintf("same instrument as leg %d: put it in one leg", seen[l.symbol])
		}
		if why != "" {
			legsOK = false
			problems = append(problems, fieldProblem{l.msg, why})
			continue
		}
		seen[l.symbol] = i + 1
		if l.side.Selected == sideSell {
			ratio = -ratio
		}
		o.Legs = append(o.Legs, brokers.Leg{Symbol: l.symbol, Instrument: l.inst, Ratio: ratio})
	}
	q, err := wholeNumber(t.quantity.Text)
	if err != nil {
		problems = append(problems, fieldProblem{t.qtyMsg, "quantity " + err.Error()})
	}
	o.Quantity = q
	o.TIF = brokers.Day
	if t.tif.Selected == tifGTC {
		o.TIF = brokers.GTC
	}
	if t.orderType.Selected == typeMarket {
		o.Type = brokers.Market
		return o, problems, legsOK
	}
	o.Type = brokers.Limit
	price, err := parsePrice(t.limit.Text)
	if err != nil {
		problems = append(problems, fieldProblem{t.limitMsg, err.Error()})
		return o, problems, legsOK
	}
	if t.netDir.Selected == netCredit {
		price = price.Neg()
	}
	o.Limit = price
	if legsOK {
		if why := limitProblem(o); why != "" {
			problems = append(problems, fieldProblem{t.limitMsg, why})
		}
	}
	return o, problems, legsOK
}

// wholeNumber parses a count that must be a whole number of at least 1.
func wholeNumber(s string) (int64, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		if s == "" {
			return 0, errors.New("is empty: enter a whole number of at least 1")
		}
		return 0, fmt.Errorf("%q is not a whole number of at least 1", s)
	}
	return n, nil
}

// parsePrice parses a limit price: a plain non-negative number.
func parsePrice(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "$"))
	if s == "" {
		return decimal.Zero, errors.New("enter a limit price, or choose a market order")
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Zero, fmt.Errorf("limit %q is not a number", s)
	}
	if d.IsNegative() {
		return decimal.Zero, fmt.Errorf("limit %s: enter the price without a sign and choose debit or credit", s)
	}
	return d, nil
}

// limitProblem says what is wrong with a limit order's price, "" when nothing: a single leg
// pays a debit to buy and receives a credit to sell, and the price must be on the tick grid.
func limitProblem(o brokers.Order) string {
	if len(o.Legs) == 1 {
		l := o.Legs[0]
		switch {
		case o.Limit.IsZero():
			return "a single leg needs a price above 0"
		case l.Ratio > 0 && o.Limit.IsNegative():
			return "a buy pays a debit: choose debit"
		case l.Ratio < 0 && o.Limit.IsPositive():
			return "a sell receives a credit: choose credit"
		}
		per := o.Limit.Abs().Div(decimal.NewFromInt(absInt64(l.Ratio)))
		if tk := priceTick(l.Instrument, per.InexactFloat64()); !per.Mod(tk).IsZero() {
			return fmt.Sprintf("%s is not a multiple of the %s tick of %s", per, tk, l.Symbol)
		}
		return ""
	}
	tk := comboTick(o.Legs)
	if !o.Limit.Mod(tk).IsZero() {
		return fmt.Sprintf("%s is not a multiple of the %s tick", o.Limit.Abs(), tk)
	}
	return ""
}

func absInt64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// priceTick is instrument.Tick as a decimal, for the limit price's grid.
func priceTick(in instrument.Instrument, p float64) decimal.Decimal {
	return decimal.NewFromFloat(instrument.Tick(in, p))
}

// comboTick is the net price increment of a multi-leg order: the finest tick of its legs.
func comboTick(legs []brokers.Leg) decimal.Decimal {
	tk := decimal.Zero
	for _, l := range legs {
		if x := priceTick(l.Instrument, 0); tk.IsZero() || x.LessThan(tk) {
			tk = x
		}
	}
	if tk.IsZero() {
		return decimal.RequireFromString("0.01")
	}
	return tk
}

// roundedLimit is a net price rounded to the order's tick grid (per unit of the leg for a
// single leg), the limit the ticket suggests from the mid.
func roundedLimit(o brokers.Order, net decimal.Decimal) decimal.Decimal {
	if len(o.Legs) == 1 {
		r := decimal.NewFromInt(absInt64(o.Legs[0].Ratio))
		per := net.Abs().Div(r)
		tk := priceTick(o.Legs[0].Instrument, per.InexactFloat64())
		per = per.Div(tk).Round(0).Mul(tk)
		if per.IsZero() {
			per = tk
		}
		out := per.Mul(r)
		if o.Legs[0].Ratio < 0 {
			return out.Neg()
		}
		return out
	}
	tk := comboTick(o.Legs)
	return net.Div(tk).Round(0).Mul(tk)
}

// validate shows every field's problem beside it, the desk's checks, and enables Review &
// send only when the order may be sent. It asks for a new preview when the legs or the
// quantity changed.
func (t *OrderTicket) validate() {
	if t.content == nil {
		return // still building
	}
	o, problems, legsOK := t.readOrder()
	msgs := []*widget.Label{t.legsMsg, t.qtyMsg, t.limitMsg}
	for _, l := range t.legs {
		msgs = append(msgs, l.msg)
	}
	text := map[*widget.Label]string{}
	for _, p := range problems {
		if text[p.msg] == "" {
			text[p.msg] = p.err
		}
	}
	for _, m := range msgs {
		imp := widget.DangerImportance
		if strings.HasSuffix(text[m], "…") {
			imp = widget.LowImportance
		}
		ui.SetLabel(m, text[m], imp)
	}
	if o.Type == brokers.Market {
		t.limit.Disable()
		t.netDir.Disable()
		ui.SetLabel(t.limitWords, "at the market: fills now at the touch", widget.LowImportance)
	} else {
		t.limit.Enable()
		t.netDir.Enable()
		words := ""
		if _, err := parsePrice(t.limit.Text); err == nil {
			words = "= " + desk.PriceWords(o.Limit) + " per unit"
			if o.Quantity > 0 && len(o.Legs) > 0 {
				words += fmt.Sprintf(", %s in all before costs", ui.USD(orderCash(o)))
			}
		}
		ui.SetLabel(t.limitWords, words, widget.LowImportance)
	}
	var checks []string
	if t.desk != nil && len(problems) == 0 {
		checks = t.desk.Check(o)
	}
	if len(checks) > 0 {
		ui.SetLabel(t.problems, "Keel's checks stop this order: "+strings.Join(checks, "; "), widget.DangerImportance)
	} else {
		ui.SetLabel(t.problems, "", widget.DangerImportance)
	}
	ok := t.desk != nil && len(problems) == 0 && len(checks) == 0 && !t.sending && !t.sent
	if ok {
		t.review.Enable()
	} else {
		t.review.Disable()
	}
	if legsOK {
		if key := previewKey(o); key != t.previewKey {
			t.previewKey = key
			t.requestPreview(false)
		}
	} else {
		t.previewKey = ""
		t.previewGen++
		t.clearPreview()
	}
}

// orderCash is the money a limit order pays (negative: receives) before costs: net price ×
// quantity × multiplier (the legs of a combination share one multiplier).
func orderCash(o brokers.Order) decimal.Decimal {
	mult := 1.0
	if len(o.Legs) > 0 && o.Legs[0].Instrument.Multiplier > 0 {
		mult = o.Legs[0].Instrument.Multiplier
	}
	return o.Limit.Mul(decimal.NewFromInt(o.Quantity)).Mul(decimal.NewFromFloat(mult))
}

// previewKey identifies what a preview depends on: the legs and the quantity.
func previewKey(o brokers.Order) string {
	var b strings.Builder
	for _, l := range o.Legs {
		fmt.Fprintf(&b, "%s×%d;", l.Symbol, l.Ratio)
	}
	fmt.Fprintf(&b, "q%d", o.Quantity)
	return b.String()
}

// requestPreview asks the desk for a fresh preview of the legs. periodic requests are
// skipped while one is in flight.
func (t *OrderTicket) requestPreview(periodic bool) {
	if t.desk == nil || t.previewKey == "" || (periodic && t.previewBusy) {
		return
	}
	o, _, legsOK := t.readOrder()
	if !legsOK {
		return
	}
	if o.Quantity < 1 {
		o.Quantity = 1
	}
	if o.Type == brokers.Limit && limitProblem(o) != "" {
		// The price does not change the market or the costs: quote the legs as a market
		// order until the limit is set (the desk's checks would stop the cost estimate).
		o.Type, o.Limit = brokers.Market, decimal.Zero
	}
	t.previewGen++
	gen := t.previewGen
	t.previewBusy = true
	d := t.desk
	t.background(func(ctx context.Context) func() {
		p, err := d.Preview(ctx, o)
		return func() {
			if gen == t.previewGen {
				t.previewBusy = false
			}
			if gen != t.previewGen {
				return
			}
			if err != nil {
				ui.SetLabel(t.quoted, "Could not quote the legs: "+err.Error(), widget.DangerImportance)
				return
			}
			t.showPreview(&p)
		}
	})
}

func (t *OrderTicket) clearPreview() {
	t.preview = nil
	t.previewBusy = false
	for _, l := range t.legs {
		ui.SetLabel(l.bid, ui.NoValue, widget.MediumImportance)
		ui.SetLabel(l.ask, ui.NoValue, widget.MediumImportance)
		ui.SetLabel(l.mid, ui.NoValue, widget.MediumImportance)
	}
	for _, w := range []*widget.Label{t.natural, t.mid, t.far, t.costs} {
		ui.SetLabel(w, ui.NoValue, widget.MediumImportance)
	}
	for i := range t.effect {
		for j := range t.effect[i] {
			ui.SetLabel(t.effect[i][j], ui.NoValue, widget.MediumImportance)
		}
	}
	ui.SetLabel(t.quoted, "", widget.LowImportance)
	ui.SetLabel(t.effectNote, "", widget.WarningImportance)
}

// showPreview shows a preview's market, costs and effect, and suggests the mid as the
// limit until the trader types one.
func (t *OrderTicket) showPreview(p *desk.Preview) {
	t.preview = p
	for i, lq := range p.Legs {
		if i >= len(t.legs) {
			break
		}
		l := t.legs[i]
		ui.SetLabel(l.bid, ui.QuotedPrice(lq.Quote.Bid), widget.MediumImportance)
		ui.SetLabel(l.ask, ui.QuotedPrice(lq.Quote.Ask), widget.MediumImportance)
		ui.SetLabel(l.mid, ui.QuotedPrice(lq.Quote.Mid()), widget.MediumImportance)
	}
	ui.SetLabel(t.natural, desk.PriceWords(p.Natural), widget.MediumImportance)
	ui.SetLabel(t.mid, desk.PriceWords(p.Mid), widget.MediumImportance)
	ui.SetLabel(t.far, desk.PriceWords(p.Far), widget.MediumImportance)
	if p.CostsKnown {
		ui.SetLabel(t.costs, fmt.Sprintf("%s + %s = %s", ui.USD(p.Commission), ui.USD(p.Fees), ui.USD(p.Commission.Add(p.Fees))),
			widget.MediumImportance)
	} else {
		ui.SetLabel(t.costs, "no estimate from the broker", widget.LowImportance)
	}
	at := t.marketNow()
	if len(p.Legs) > 0 && !p.Legs[0].Quote.Time.IsZero() {
		at = p.Legs[0].Quote.Time
	}
	ui.SetLabel(t.quoted, fmt.Sprintf("Quoted %s for %d unit(s); refreshed every %d s.",
		at.In(instrument.NewYork).Format("15:04:05 ET"), p.Order.Quantity, int(previewEvery.Seconds())),
		widget.LowImportance)
	rows := [5]func(e exposureFigures) string{
		func(e exposureFigures) string { return e.shares },
		func(e exposureFigures) string { return e.dollars },
		func(e exposureFigures) string { return e.gamma },
		func(e exposureFigures) string { return e.theta },
		func(e exposureFigures) string { return e.vega },
	}
	before, after := figures(p.Before, false), figures(p.After, false)
	change := figures(p.Change, true)
	if p.GreeksErr != nil {
		after = figures(p.After, false).blank()
		change = change.blank()
		ui.SetLabel(t.effectNote, "The order's Greeks could not be computed: "+p.GreeksErr.Error(), widget.WarningImportance)
	} else {
		ui.SetLabel(t.effectNote, "", widget.WarningImportance)
	}
	for i, f := range rows {
		ui.SetLabel(t.effect[i][0], f(before), widget.MediumImportance)
		ui.SetLabel(t.effect[i][1], f(change), widget.MediumImportance)
		ui.SetLabel(t.effect[i][2], f(after), widget.MediumImportance)
	}
	if !t.limitEdited && t.orderType.Selected == typeLimit {
		o, _, legsOK := t.readOrder()
		if legsOK && len(o.Legs) > 0 {
			lim := roundedLimit(o, p.Mid)
			if lim.IsZero() && len(o.Legs) == 1 {
				lim = roundedLimit(o, p.Natural)
			}
			t.setLimit(lim)
			t.validate()
		}
	}
}

// exposureFigures are the book figures the ticket shows, formatted.
type exposureFigures struct{ shares, dollars, gamma, theta, vega string }

func figures(e portfolio.Exposure, change bool) exposureFigures {
	if change {
		return exposureFigures{ui.SignedNum(e.BetaDelta, 1), ui.SignedUSD(e.BetaDollarDelta), ui.SignedUSD(e.BetaGamma),
			ui.SignedUSD(e.Theta), ui.SignedUSD(e.Vega)}
	}
	return exposureFigures{ui.Num(e.BetaDelta, 1), ui.WholeUSD(e.BetaDollarDelta), ui.WholeUSD(e.BetaGamma),
		ui.WholeUSD(e.Theta), ui.WholeUSD(e.Vega)}
}

func (exposureFigures) blank() exposureFigures {
	return exposureFigures{ui.NoValue, ui.NoValue, ui.NoValue, ui.NoValue, ui.NoValue}
}

// ---- review and send ----

// accountWords names the desk's account in the confirmation: "paper (paper trading)",
// "5WT01234 at tastytrade".
func accountWords(ref data.AccountRef) string {
	if ref.Kind == data.Paper {
		return ref.Account + " (paper trading)"
	}
	return ref.Account + " at " + ref.Broker
}

// startReview takes a fresh preview of exactly the order on the ticket and shows its
// confirmation with a Send button.
func (t *OrderTicket) startReview() {
	o, problems, _ := t.readOrder()
	if len(problems) > 0 || t.desk == nil || t.sending || t.sent {
		return
	}
	t.review.Disable()
	t.setResult("Preparing the confirmation…", widget.LowImportance)
	d := t.desk
	t.background(func(ctx context.Context) func() {
		p, err := d.Preview(ctx, o)
		return func() {
			t.validate()
			if err != nil {
				t.setResult("Could not prepare the order: "+err.Error(), widget.DangerImportance)
				return
			}
			if len(p.Problems) > 0 {
				t.setResult("Keel's checks stop this order: "+strings.Join(p.Problems, "; "), widget.DangerImportance)
				return
			}
			t.setResult("", widget.MediumImportance)
			t.showConfirmation(p)
		}
	})
}

// showConfirmation shows exactly what will be sent, with Send and Back.
func (t *OrderTicket) showConfirmation(p desk.Preview) {
	t.confirmText = p.Confirmation(accountWords(t.desk.Account()))
	order := p.Order
	t.confirmOrder = &order
	if t.env.Window == nil {
		return // headless: tests send with confirmSend
	}
	text := widget.NewLabel(t.confirmText)
	text.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(text)
	if p.GreeksErr == nil {
		box.Add(widget.NewLabel(fmt.Sprintf("Book Δ after: %s SPY shares (β-weighted), Θ %s/day, V %s/vol pt.",
			ui.Num(p.After.BetaDelta, 1), ui.WholeUSD(p.After.Theta), ui.WholeUSD(p.After.Vega))))
	}
	dlg := dialog.NewCustomConfirm("Send this order?", "Send", "Back", box, func(send bool) {
		t.confirm = nil
		if send {
			t.confirmSend()
		}
	}, t.env.Window)
	dlg.Resize(fyne.NewSize(620, 300))
	t.confirm = dlg
	dlg.Show()
}

// confirmSend sends the order the confirmation showed.
func (t *OrderTicket) confirmSend() {
	if t.confirmOrder == nil {
		return
	}
	t.send(*t.confirmOrder)
}

// send places o through the desk off the UI goroutine. While one send is in flight, or once
// the order is placed, it does nothing; a retry after a failure reuses the ticket's client
// order id, so the broker never places the order twice.
func (t *OrderTicket) send(o brokers.Order) {
	if t.sending || t.sent || t.desk == nil {
		return
	}
	o.ClientID = t.clientID
	t.sending = true
	t.review.Disable()
	t.setResult("Sending…", widget.LowImportance)
	d := t.desk
	t.background(func(ctx context.Context) func() {
		st, err := d.Place(ctx, o)
		return func() {
			t.sending = false
			text, imp, placed := placeResult(st, err)
			t.sent = placed
			if placed {
				t.placed = st
			}
			t.setResult(text, imp)
			if placed {
				t.another.Show()
			}
			t.validate()
		}
	})
}

// followOrder updates the result line when the order this ticket placed changes at the
// broker: a working order that fills, is cancelled or expires (UI goroutine).
func (t *OrderTicket) followOrder() {
	if t.placed.ID == "" || t.desk == nil {
		return
	}
	for _, o := range t.desk.Latest().Orders {
		if o.ID == t.placed.ID && (o.State != t.placed.State || o.Filled != t.placed.Filled) {
			t.placed = o
			text, imp, _ := placeResult(o, nil)
			t.setResult(text, imp)
		}
	}
}

// placeResult says in words what became of a placed order, and whether it was placed.
func placeResult(st brokers.OrderStatus, err error) (string, widget.Importance, bool) {
	var check *desk.CheckError
	var rejected *brokers.RejectedError
	switch {
	case errors.As(err, &check):
		return "Not sent — Keel's checks stopped it: " + strings.Join(check.Problems, "; "), widget.DangerImportance, false
	case errors.As(err, &rejected):
		return "Rejected by the broker: " + rejected.Reason, widget.DangerImportance, false
	case errors.Is(err, brokers.ErrDisconnected):
		return "Not sent: the broker is disconnected and Keel is reconnecting. Send again once connected — " +
			"the ticket keeps its order id, so it can never be placed twice.", widget.DangerImportance, false
	case errors.Is(err, context.DeadlineExceeded):
		return "No answer from the broker in time; it may or may not have the order. Send again: the ticket keeps " +
			"its order id, so the broker returns the same order instead of placing a second one.", widget.WarningImportance, false
	case err != nil:
		return "Not sent: " + err.Error(), widget.DangerImportance, false
	}
	switch st.State {
	case brokers.Filled:
		return fmt.Sprintf("Filled: order %s, %d at %s.", st.ID, st.Filled, desk.PriceWords(st.AvgPrice)),
			widget.SuccessImportance, true
	case brokers.Working:
		msg := fmt.Sprintf("Accepted: order %s is working (%d of %d filled).", st.ID, st.Filled, st.Order.Quantity)
		return msg, widget.SuccessImportance, true
	case brokers.Rejected:
		return "Rejected by the broker: " + st.Reason, widget.DangerImportance, false
	default:
		return fmt.Sprintf("Order %s is %s: %s", st.ID, st.State, ui.OrDash(st.Reason)), widget.WarningImportance, true
	}
}

// startAnother readies the ticket for a new order with the same legs and a new client
// order id.
func (t *OrderTicket) startAnother() {
	t.clientID = desk.NewClientID()
	t.sent = false
	t.placed = brokers.OrderStatus{}
	t.confirmOrder = nil
	t.another.Hide()
	t.setResult("", widget.MediumImportance)
	t.validate()
}

func (t *OrderTicket) setResult(text string, imp widget.Importance) { ui.SetLabel(t.result, text, imp) }

// ticketSize is the order ticket's opening size.
var ticketSize = fyne.NewSize(1280, 860)

// buildTicket is the order ticket's Build: env.Arg may carry a prefilled order
// (*brokers.Order or brokers.Order).
func buildTicket(env ui.Env) fyne.CanvasObject {
	var prefill *brokers.Order
	switch o := env.Arg.(type) {
	case *brokers.Order:
		prefill = o
	case brokers.Order:
		prefill = &o
	}
	return NewOrderTicket(env, prefill).Content()
}
