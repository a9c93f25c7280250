package liquidity

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/format"
)

// MyPositions is the underlying choice that lists the book's options instead of a chain.
const MyPositions = "My positions"

// Sort orders of the table.
const (
	byStrike   = "Strike"
	bySpread   = "Spread %"
	byOI       = "Open interest"
	byVolume   = "Volume"
	byVerdict  = "Verdict (worst first)"
	queryLimit = 15 * time.Second
)

// equityUnderlyings are the stock and ETF chains offered besides the futures the book holds.
var equityUnderlyings = []string{"SPY", "QQQ", "VXX"}

// row is one option in the table, from a chain or from the book.
type row struct {
	Symbol    string
	Layer     string // held: the position's layer
	Held      int64  // held: signed contracts
	Strike    float64
	Right     string
	Expiry    time.Time
	Bid, Ask  float64
	Mid       float64
	SpreadPct float64
	OI, Vol   int64
	Verdict   liquidity.Verdict
	Reasons   []string
	Cost      float64
	ATM       bool
	Err       error
}

// View is the liquidity checklist window's content.
type View struct {
	ui.Work
	env  ui.Env
	desk *desk.Service

	underlying, expiry, sortBy *widget.Select
	size                       *ui.Entry
	passesOnly                 *widget.Check
	open                       *widget.Button
	status, rulesText          *widget.Label
	table                      *widget.Table

	expiries []time.Time
	all      []row // the last load
	rows     []row // all, filtered and sorted
	selected int   // index into rows, −1 for none
	gen      int   // drops answers of superseded loads
	content  fyne.CanvasObject
}

var headers = []string{"", "Option", "Strike", "Right", "Bid", "Ask", "Mid", "Spread %", "Open int.", "Volume", "Verdict", "Why (rules failing or near their threshold)"}
var widths = []float32{56, 180, 76, 56, 64, 64, 64, 86, 84, 76, 84, 386}

// New builds the window on env.Desk; env.Arg may name an underlying to open on.
func New(env ui.Env) *View {
	v := &View{env: env, desk: env.Desk, selected: -1}
	v.status = ui.Wrapped("", widget.LowImportance)
	v.rulesText = ui.Wrapped("", widget.LowImportance)
	v.underlying = widget.NewSelect(nil, func(string) { v.loadExpiries() })
	v.expiry = widget.NewSelect(nil, func(string) { v.load() })
	v.size = ui.NewEntry()
	v.size.SetText("1")
	v.size.OnSubmitted = func(string) { v.load() }
	v.sortBy = widget.NewSelect([]string{byStrike, bySpread, byOI, byVolume, byVerdict}, nil)
	v.sortBy.SetSelected(byStrike)
	v.sortBy.OnChanged = func(string) { v.apply() }
	v.passesOnly = widget.NewCheck("Passes only", func(bool) { v.apply() })
	v.open = widget.NewButton("Open in ticket…", func() { v.openRow(v.selected) })
	v.open.Importance = widget.HighImportance
	v.open.Disable()
	v.table = widget.NewTable(func() (int, int) { return len(v.rows) + 1, len(headers) },
		func() fyne.CanvasObject { return newCell(v.openRow) }, v.updateCell)
	v.table.StickyRowCount = 1
	for i, w := range widths {
		v.table.SetColumnWidth(i, w)
	}
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 1 && id.Row-1 < len(v.rows) {
			v.selected = id.Row - 1
			v.open.Enable()
		}
	}
	// Two rows, what to look at and how to sort it, so the window fits a 1024-px screen.
	bar := container.NewVBox(
		container.NewHBox(widget.NewLabel("Underlying"), ui.Sized(v.underlying, 150),
			widget.NewLabel("Expiry"), ui.Sized(v.expiry, 200),
			widget.NewLabel("Size (contracts)"), ui.Sized(v.size, 60)),
		container.NewHBox(widget.NewLabel("Sort"), ui.Sized(v.sortBy, 190), v.passesOnly, v.open))
	top := container.NewVBox(bar, v.rulesText, v.status)
	v.content = container.NewBorder(top, nil, nil, nil, v.table)
	if v.desk == nil {
		why := "the broker was not started"
		if env.DeskErr != nil {
			why = env.DeskErr.Error()
		}
		ui.SetLabel(v.status, "No market to check: "+why, widget.DangerImportance)
		return v
	}
	v.showRules()
	opts := append([]string{MyPositions}, v.underlyings()...)
	v.underlying.Options = opts
	first := MyPositions
	if len(opts) > 1 {
		first = opts[1]
	}
	if s, ok := env.Arg.(string); ok && slices.Contains(opts, s) {
		first = s
	}
	v.underlying.SetSelected(first)
	return v
}

// Content is the window's content; it settles when the loads started so far are shown.
func (v *View) Content() fyne.CanvasObject { return ui.NewRoot(v.content, v.settle, func() {}) }

// settle waits for the loads started so far and scrolls the ATM row into view once the
// table has a size.
func (v *View) settle() {
	v.Wait()
	v.OnUI(v.scrollToATM)
}

// scrollToATM shows the at-the-money row a few rows down from the top of a chain.
func (v *View) scrollToATM() {
	if v.underlying.Selected == MyPositions || v.table.Size().Height <= 0 {
		return
	}
	for i, r := range v.rows {
		if r.ATM {
			// ScrollTo brings a row just into view: aim below the ATM row so it shows mid-table.
			v.table.ScrollTo(widget.TableCellID{Row: min(i+7, len(v.rows)-1) + 1, Col: 0})
			return
		}
	}
}

// underlyings are the futures the book holds options on (in the book's order), then the
// equity chains.
func (v *View) underlyings() []string {
	var out []string
	for _, p := range v.desk.Latest().Positions {
		if p.Instrument.Kind == instrument.FuturesOption && !slices.Contains(out, p.Instrument.Underlying) {
			out = append(out, p.Instrument.Underlying)
		}
	}
	return append(out, equityUnderlyings...)
}

// showRules says which thresholds the lights apply.
func (v *View) showRules() {
	s := v.desk.LiquiditySettings()
	r := s.Rules
	mode := "a failing leg warns in the ticket"
	if s.Block {
		mode = "a failing leg blocks the order"
	}
	ui.SetLabel(v.rulesText, fmt.Sprintf("Rules (Settings → Liquidity): open interest > %s, volume > %s, spread < %s%% of mid (one tick always passes), order ≤ %s%% of volume, both sides quoted with the order's size; amber within %s%% of a threshold; %s.",
		ui.Num(float64(r.MinOpenInterest), 0), ui.Num(float64(r.MinVolume), 0), ui.Num(r.MaxSpreadPct, 1),
		ui.Num(r.MaxSizePctOfVolume, 1), ui.Num(100*r.WarnMargin, 0), mode), widget.LowImportance)
}

// loadExpiries lists the chosen underlying's expiries off the UI goroutine and picks the
// first one past the "roll or close by" days (the guide's 7), else the first.
func (v *View) loadExpiries() {
	u := v.underlying.Selected
	v.gen++
	gen := v.gen
	if u == MyPositions {
		v.expiry.Options = nil
		v.expiry.ClearSelected()
		v.expiry.Disable()
		v.load()
		return
	}
	v.expiry.Enable()
	ui.SetLabel(v.status, "Loading the expiries of "+u+"…", widget.LowImportance)
	d := v.desk
	v.Background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), queryLimit)
		defer cancel()
		exps, err := d.Expirations(ctx, u)
		return func() {
			if gen != v.gen {
				return
			}
			if err != nil || len(exps) == 0 {
				msg := fmt.Sprintf("%s has no option expiries", u)
				if err != nil {
					msg = fmt.Sprintf("Could not list the expiries of %s: %v", u, err)
				}
				v.all = nil
				v.apply()
				ui.SetLabel(v.status, msg, widget.DangerImportance)
				return
			}
			v.expiries = exps
			now := v.env.Now()
			opts := make([]string, len(exps))
			pick := -1
			for i, e := range exps {
				opts[i] = fmt.Sprintf("%s (%s)", e.In(instrument.NewYork).Format(time.DateOnly), format.ExpiryDays(days(now, e)))
				if pick < 0 && days(now, e) > 7 {
					pick = i
				}
			}
			pick = max(pick, 0)
			v.expiry.Options = opts
			v.expiry.SetSelected(opts[pick]) // loads the chain
		}
	})
}

// days is the days, with their fraction, from now to expiry.
func days(now, expiry time.Time) float64 { return expiry.Sub(now).Hours() / 24 }

// orderSize is the size entry as contracts, or a problem.
func (v *View) orderSize() (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v.size.Text), 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("size %q: give a whole number of contracts, at least 1", v.size.Text)
	}
	return n, nil
}

// load checks the chosen chain (or the book's options) off the UI goroutine.
func (v *View) load() {
	if v.desk == nil {
		return
	}
	v.showRules()
	u := v.underlying.Selected
	v.gen++
	gen := v.gen
	d := v.desk
	if u == MyPositions {
		ui.SetLabel(v.status, "Checking every option the book holds…", widget.LowImportance)
		v.Background(func() func() {
			ctx, cancel := context.WithTimeout(context.Background(), queryLimit)
			defer cancel()
			held, err := d.HeldLiquidity(ctx)
			return func() {
				if gen != v.gen {
					return
				}
				if err != nil {
					ui.SetLabel(v.status, "Could not check the book: "+err.Error(), widget.DangerImportance)
					return
				}
				v.all = heldRows(held)
				v.apply()
				v.showHeldStatus(held)
			}
		})
		return
	}
	i := slices.Index(v.expiry.Options, v.expiry.Selected)
	if i < 0 || i >= len(v.expiries) {
		return
	}
	exp := v.expiries[i]
	size, err := v.orderSize()
	if err != nil {
		ui.SetLabel(v.status, err.Error(), widget.DangerImportance)
		return
	}
	ui.SetLabel(v.status, "Checking the chain…", widget.LowImportance)
	v.Background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), queryLimit)
		defer cancel()
		rep, err := d.LiquidityReport(ctx, u, exp, size)
		return func() {
			if gen != v.gen {
				return
			}
			if err != nil {
				v.all = nil
				v.apply()
				ui.SetLabel(v.status, "Could not check the chain: "+err.Error(), widget.DangerImportance)
				return
			}
			v.all = reportRows(rep, exp)
			v.apply()
			var pass, warn, fail int
			for _, r := range rep.Rows {
				switch r.Verdict {
				case liquidity.Pass:
					pass++
				case liquidity.Warn:
					warn++
				default:
					fail++
				}
			}
			ui.SetLabel(v.status, fmt.Sprintf("%s %s for %s, quoted %s: %d pass, %d warn, %d fail. Double-click a row to open it in the ticket (a sale: the strategy sells premium).",
				rep.Underlying, rep.Expiry, format.Count(int(size), "contract", "contracts"), rep.AsOf.In(instrument.NewYork).Format("15:04:05 ET"), pass, warn, fail), widget.MediumImportance)
		}
	})
}

// showHeldStatus sums up the book's options, naming the ones that became illiquid.
func (v *View) showHeldStatus(held []desk.HeldLiquidity) {
	var bad []string
	for _, h := range held {
		if h.Illiquid() {
			bad = append(bad, h.Symbol)
		}
	}
	switch {
	case len(held) == 0:
		ui.SetLabel(v.status, "The book holds no options.", widget.MediumImportance)
	case len(bad) == 0:
		ui.SetLabel(v.status, fmt.Sprintf("%s, each checked for closing it whole today: none has become illiquid. Double-click a row to close it in the ticket.", format.Count(len(held), "option position", "option positions")), widget.SuccessImportance)
	default:
		ui.SetLabel(v.status, fmt.Sprintf("%d of %s became illiquid (closing them whole fails a rule today): %s. Double-click a row to close it in the ticket.",
			len(bad), format.Count(len(held), "option position", "option positions"), strings.Join(bad, ", ")), widget.DangerImportance)
	}
}

func reportRows(rep liquidity.Report, exp time.Time) []row {
	out := make([]row, len(rep.Rows))
	for i, r := range rep.Rows {
		out[i] = row{Symbol: r.Symbol, Strike: r.Strike, Right: r.Right, Expiry: exp, Bid: r.Bid, Ask: r.Ask, Mid: r.Mid,
			SpreadPct: r.SpreadPct, OI: r.OpenInterest, Vol: r.Volume, Verdict: r.Verdict, Reasons: r.Reasons,
			Cost: r.ExpectedCost, ATM: r.ATM}
	}
	return out
}

func heldRows(held []desk.HeldLiquidity) []row {
	out := make([]row, len(held))
	for i, h := range held {
		res := h.Result
		out[i] = row{Symbol: h.Symbol, Layer: h.Layer, Held: h.Quantity, Verdict: res.Verdict, Reasons: res.Reasons,
			Mid: res.Mid, SpreadPct: res.SpreadPct, Cost: res.Cost, Err: h.Err}
		for _, c := range res.Checks {
			switch c.Rule {
			case liquidity.OpenInterest:
				out[i].OI = int64(c.Measured)
			case liquidity.Volume:
				out[i].Vol = int64(c.Measured)
			}
		}
		if h.Err != nil {
			out[i].Verdict = liquidity.Fail
			out[i].Reasons = []string{"not checked: " + h.Err.Error()}
		}
	}
	return out
}

// apply filters and sorts the last load into the table.
func (v *View) apply() {
	v.rows = v.rows[:0]
	for _, r := range v.all {
		if v.passesOnly.Checked && r.Verdict != liquidity.Pass {
			continue
		}
		v.rows = append(v.rows, r)
	}
	sortRows(v.rows, v.sortBy.Selected)
	v.selected = -1
	v.open.Disable()
	v.table.UnselectAll()
	v.table.Refresh()
	if v.table.Size().Height > 0 {
		v.table.ScrollToTop()
		v.scrollToATM()
	}
}

// sortRows orders rows by the chosen column; ties keep strike order.
func sortRows(rows []row, by string) {
	key := func(a, b row) int {
		switch by {
		case bySpread:
			return cmp.Compare(a.SpreadPct, b.SpreadPct)
		case byOI:
			return cmp.Compare(b.OI, a.OI)
		case byVolume:
			return cmp.Compare(b.Vol, a.Vol)
		case byVerdict:
			return cmp.Compare(b.Verdict, a.Verdict)
		}
		return 0
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		if c := key(a, b); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Strike, b.Strike); c != 0 {
			return c
		}
		return strings.Compare(a.Symbol, b.Symbol)
	})
}

// light is a verdict's traffic light and its colour.
func light(v liquidity.Verdict) (string, widget.Importance) {
	switch v {
	case liquidity.Pass:
		return "● pass", widget.SuccessImportance
	case liquidity.Warn:
		return "● warn", widget.WarningImportance
	}
	return "● fail", widget.DangerImportance
}

func (v *View) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*cell)
	c.row = id.Row - 1
	c.TextStyle = fyne.TextStyle{Bold: id.Row == 0}
	c.Alignment = fyne.TextAlignLeading
	if id.Col >= 2 && id.Col <= 9 && id.Col != 3 {
		c.Alignment = fyne.TextAlignTrailing
	}
	c.Importance = widget.MediumImportance
	if id.Row == 0 {
		h := headers[id.Col]
		if v.underlying.Selected == MyPositions {
			switch id.Col {
			case 2:
				h = "Held"
			case 3:
				h = "Layer"
			case 4, 5:
				h = ""
			}
		}
		c.SetText(h)
		return
	}
	if id.Row-1 >= len(v.rows) {
		c.SetText("")
		return
	}
	r := v.rows[id.Row-1]
	c.TextStyle.Bold = r.ATM // the at-the-money strike stands out
	held := v.underlying.Selected == MyPositions
	var s string
	switch id.Col {
	case 0:
		if r.ATM {
			s = "ATM"
		}
	case 1:
		s = r.Symbol
	case 2:
		if held {
			s = ui.SignedNum(float64(r.Held), 0)
		} else {
			s = ui.Num(r.Strike, 2)
		}
	case 3:
		if held {
			s = ui.OrDash(r.Layer)
		} else {
			s = r.Right
		}
	case 4:
		if !held {
			s = ui.Num(r.Bid, 2)
		}
	case 5:
		if !held {
			s = ui.Num(r.Ask, 2)
		}
	case 6:
		s = ui.Num(r.Mid, 2)
	case 7:
		s = ui.Num(r.SpreadPct, 1)
	case 8:
		s = ui.Num(float64(r.OI), 0)
	case 9:
		s = ui.Num(float64(r.Vol), 0)
	case 10:
		s, c.Importance = light(r.Verdict)
		if held && r.Verdict == liquidity.Fail {
			s = "● illiquid"
		}
	case 11:
		s = strings.Join(r.Reasons, "; ")
		if s == "" {
			s = "every rule passes"
			c.Importance = widget.LowImportance
		}
	}
	c.SetText(s)
}

// openRow opens the order ticket prefilled with row i's option: a sale of the size for a
// chain, the closing trade for a held position. The instrument is looked up off the UI
// goroutine.
func (v *View) openRow(i int) {
	if i < 0 || i >= len(v.rows) || v.desk == nil || v.env.Open == nil {
		return
	}
	r := v.rows[i]
	ratio, qty := int64(-1), int64(1)
	if r.Held != 0 {
		qty = r.Held
		if qty < 0 {
			ratio, qty = 1, -qty
		}
	} else if n, err := v.orderSize(); err == nil {
		qty = n
	}
	d, open := v.desk, v.env.Open
	v.Background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), queryLimit)
		defer cancel()
		in, err := d.Lookup(ctx, r.Symbol)
		return func() {
			if err != nil {
				ui.SetLabel(v.status, "Could not open "+r.Symbol+" in the ticket: "+err.Error(), widget.DangerImportance)
				return
			}
			open("ticket", &brokers.Order{Quantity: qty, Type: brokers.Limit, TIF: brokers.Day,
				Legs: []brokers.Leg{{Symbol: r.Symbol, Instrument: in, Ratio: ratio}}})
		}
	})
}

// cell is a table cell that opens its row in the ticket when double-clicked.
type cell struct {
	widget.Label
	row    int
	onOpen func(int)
}

func newCell(onOpen func(int)) *cell {
	c := &cell{onOpen: onOpen}
	c.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

// DoubleTapped opens the cell's row in the ticket.
func (c *cell) DoubleTapped(*fyne.PointEvent) {
	if c.row >= 0 {
		c.onOpen(c.row)
	}
}

// Window is the liquidity checklist window.
func Window() ui.Window {
	return ui.Window{
		Name:  "liquidity",
		Title: "Keel — Liquidity checklist",
		Size:  fyne.NewSize(1270, 670),
		Build: func(env ui.Env) fyne.CanvasObject { return New(env).Content() },
	}
}
