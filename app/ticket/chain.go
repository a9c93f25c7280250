package ticket

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
)

// The chain view's columns: the call's liquidity verdict, delta, bid and ask, the strike,
// then the put's bid, ask, delta and verdict — calls on the left, puts on the right, as a
// broker's chain shows them.
const (
	colCallLiq = iota
	colCallDelta
	colCallBid
	colCallAsk
	colStrike
	colPutBid
	colPutAsk
	colPutDelta
	colPutLiq
	chainCols
)

var chainColumns = [chainCols]struct {
	title string
	width float32
}{
	{"Call liq.", 64}, {"Δ", 60}, {"Bid", 76}, {"Ask", 76}, {"Strike", 110}, {"Bid", 76}, {"Ask", 76}, {"Δ", 60}, {"Put liq.", 64},
}

// jumpHint says how to use the type-ahead.
const jumpHint = "A strike (6000) or a delta (30d or .30, the leg's side) jumps there; Enter or a click sets the leg."

// chainPicker is the ticket's option chain for one leg: strikes as rows around the money
// (it opens centred on the at-the-money row, which is marked), calls and puts side by side
// with bid, ask, delta and the liquidity verdict, and a type-ahead to jump by strike or
// delta. The table is virtual: only the rows on screen have cells, so hundreds of $1
// strikes cost nothing. UI goroutine only.
type chainPicker struct {
	view    *desk.ChainView
	put     bool // the leg's side of the chain: a delta jump looks there
	table   *widget.Table
	jump    *ui.Entry
	jumpMsg *widget.Label
	title   *widget.Label
	status  *widget.Label
	content fyne.CanvasObject

	selected widget.TableCellID
	jumping  bool // the type-ahead is selecting: do not pick
	// drawnFrom and drawnTo are the first and last rows the table drew cells for since
	// resetDrawn: a virtual table draws only the rows on screen.
	drawnFrom, drawnTo int
	reasons            *widget.Label // the selected option's liquidity verdict and why
	onPick             func(row int, put bool)
}

func newChainPicker(view *desk.ChainView, put bool, current float64, onPick func(row int, put bool)) *chainPicker {
	p := &chainPicker{view: view, put: put, onPick: onPick, selected: widget.TableCellID{Row: -1, Col: -1}, drawnFrom: -1, drawnTo: -1}
	p.table = widget.NewTable(
		func() (int, int) { return len(p.view.Rows), chainCols },
		func() fyne.CanvasObject {
			return widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
		},
		func(id widget.TableCellID, o fyne.CanvasObject) { p.updateCell(id, o.(*widget.Label)) },
	)
	ui.SetHeaders(p.table, chainCols, func(i int) (string, float32, bool) {
		return chainColumns[i].title, chainColumns[i].width, i != colCallLiq && i != colPutLiq
	})
	p.table.OnSelected = func(id widget.TableCellID) {
		p.selected = id
		if p.jumping || id.Col == colStrike {
			return
		}
		p.pickCell(id)
	}
	p.jump = ui.NewEntry()
	p.jump.SetPlaceHolder("6000 or 30d")
	p.jump.OnChanged = func(s string) { p.jumpTo(s) }
	p.jump.OnSubmitted = func(string) {
		if p.selected.Row >= 0 && p.selected.Col != colStrike {
			p.pickCell(p.selected)
		}
	}
	p.jumpMsg = widget.NewLabel("")
	p.jumpMsg.Importance = widget.LowImportance
	p.title = ui.Bold("")
	p.status = ui.Wrapped("", widget.LowImportance)
	hint := ui.Wrapped(jumpHint, widget.LowImportance)
	sides := container.New(&sidesLayout{}, ui.Bold("Calls"), ui.Bold("Puts"))
	top := container.NewVBox(p.title,
		container.NewBorder(nil, nil, widget.NewLabel("Jump to"), p.jumpMsg, p.jump), hint, sides)
	p.reasons = ui.Wrapped("", widget.LowImportance)
	p.content = container.NewBorder(top, container.NewVBox(p.reasons, p.status), nil, nil,
		container.New(&centreLayout{p: p}, p.table))
	p.setView(view, current)
	return p
}

// sidesLayout puts "Calls" over the call columns and "Puts" over the put columns.
type sidesLayout struct{}

func (sidesLayout) MinSize(o []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(o[0].MinSize().Width+o[1].MinSize().Width, o[0].MinSize().Height)
}

func (sidesLayout) Layout(o []fyne.CanvasObject, size fyne.Size) {
	o[0].Move(fyne.NewPos(0, 0))
	o[0].Resize(o[0].MinSize())
	var x float32
	for i := 0; i < colPutBid; i++ {
		x += chainColumns[i].width + theme.Padding()
	}
	o[1].Move(fyne.NewPos(x, 0))
	o[1].Resize(o[1].MinSize())
}

// resetDrawn forgets which rows were drawn.
func (p *chainPicker) resetDrawn() { p.drawnFrom, p.drawnTo = -1, -1 }

// setView shows a (new) chain view, keeping the selection on current's strike when it is not
// 0, and says what it shows.
func (p *chainPicker) setView(v *desk.ChainView, current float64) {
	p.view = v
	c := v.Chain
	title := fmt.Sprintf("%s options expiring %s", c.Underlying, c.Expiry.Format("Mon 2 Jan 2006"))
	if v.Price > 0 {
		title += " · underlying " + ui.Num(v.Price, 2)
	}
	p.title.SetText(title)
	var notes []string
	notes = append(notes, fmt.Sprintf("%d strikes; liquidity judged for %d contract(s); quoted %s ET.",
		len(v.Rows), v.Size, v.AsOf.In(instrument.NewYork).Format("15:04:05")))
	if v.DeltaErr != nil {
		notes = append(notes, "No deltas: "+v.DeltaErr.Error())
	}
	if v.LiquidityErr != nil {
		notes = append(notes, "Liquidity not judged: "+v.LiquidityErr.Error())
	}
	ui.SetLabel(p.status, strings.Join(notes, " "), widget.LowImportance)
	p.table.Refresh()
	if current > 0 {
		if row := p.strikeRow(current); row >= 0 {
			p.selectQuietly(widget.TableCellID{Row: row, Col: p.sideCol(colCallAsk, colPutBid)})
		}
	}
}

// sideCol is call or put for the picker's side.
func (p *chainPicker) sideCol(call, put int) int {
	if p.put {
		return put
	}
	return call
}

// centre scrolls the table so row sits in the middle of what shows (the at-the-money row on
// opening).
func (p *chainPicker) centre(row int) {
	if row < 0 || row >= len(p.view.Rows) {
		return
	}
	// Fyne's ScrollTo brings a row below the view to its bottom edge: from the top, scroll to
	// the row half a view below this one, and this one sits in the middle.
	rowH := p.table.CreateCell().MinSize().Height + theme.Padding()
	half := 0
	if h := p.table.Size().Height; h > 2*rowH {
		half = int((h-rowH)/rowH) / 2
	}
	p.table.ScrollToTop()
	p.table.ScrollTo(widget.TableCellID{Row: min(row+half, len(p.view.Rows)-1), Col: colStrike})
}

// centreAtOpen centres the chosen strike, or the at-the-money row.
func (p *chainPicker) centreAtOpen() {
	if p.selected.Row >= 0 {
		p.centre(p.selected.Row)
		return
	}
	p.centre(p.view.ATM)
}

// centreLayout gives the table all its space and centres it again on the chosen strike (or
// the money) whenever that space changes: the dialog settles its size after it shows.
type centreLayout struct {
	p    *chainPicker
	last fyne.Size
}

func (c *centreLayout) MinSize(o []fyne.CanvasObject) fyne.Size { return o[0].MinSize() }

func (c *centreLayout) Layout(o []fyne.CanvasObject, size fyne.Size) {
	o[0].Move(fyne.NewPos(0, 0))
	o[0].Resize(size)
	if size != c.last && size.Height > 0 {
		c.last = size
		c.p.centreAtOpen()
	}
}

func (p *chainPicker) selectQuietly(id widget.TableCellID) {
	p.jumping = true
	p.table.Select(id)
	p.jumping = false
	p.selected = id
	p.showReasons()
}

// showReasons says the selected option's liquidity verdict and why.
func (p *chainPicker) showReasons() {
	id := p.selected
	if id.Row < 0 || id.Row >= len(p.view.Rows) || id.Col == colStrike {
		ui.SetLabel(p.reasons, "", widget.LowImportance)
		return
	}
	o := p.view.Rows[id.Row].Call
	if id.Col > colStrike {
		o = p.view.Rows[id.Row].Put
	}
	text, imp := "", widget.LowImportance
	switch {
	case !o.Listed():
	case !o.Judged:
		text = o.Quote.Symbol + ": liquidity not judged"
	default:
		text = o.Quote.Symbol + ": liquidity " + o.Verdict.String()
		if len(o.Reasons) > 0 {
			text += " — " + strings.Join(o.Reasons, "; ")
		}
		switch o.Verdict {
		case liquidity.Fail:
			imp = widget.DangerImportance
		case liquidity.Warn:
			imp = widget.WarningImportance
		}
	}
	ui.SetLabel(p.reasons, text, imp)
}

// pickCell sets the leg to the call or put of the cell.
func (p *chainPicker) pickCell(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(p.view.Rows) || id.Col == colStrike {
		return
	}
	put := id.Col > colStrike
	o := p.view.Rows[id.Row].Call
	if put {
		o = p.view.Rows[id.Row].Put
	}
	if !o.Listed() {
		ui.SetLabel(p.jumpMsg, "not listed", widget.WarningImportance)
		return
	}
	if p.onPick != nil {
		p.onPick(id.Row, put)
	}
}

// strikeRow is the row of the strike nearest k.
func (p *chainPicker) strikeRow(k float64) int {
	best, row := math.Inf(1), -1
	for i, r := range p.view.Rows {
		if d := math.Abs(r.Strike - k); d < best {
			best, row = d, i
		}
	}
	return row
}

// jumpTo moves to what the trader typed: a strike ("6000") or a delta ("30d", ".30") on the
// leg's side. It says what it found, or why not.
func (p *chainPicker) jumpTo(s string) {
	j, err := parseJump(s)
	if err != nil || s == "" {
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		ui.SetLabel(p.jumpMsg, msg, widget.WarningImportance)
		return
	}
	row, col := -1, p.sideCol(colCallAsk, colPutBid)
	if j.delta > 0 {
		row, col = p.deltaRow(j.delta)
		if row < 0 {
			ui.SetLabel(p.jumpMsg, "no deltas in this chain", widget.WarningImportance)
			return
		}
		o := p.view.Rows[row].Call
		if p.put {
			o = p.view.Rows[row].Put
		}
		ui.SetLabel(p.jumpMsg, fmt.Sprintf("%s: Δ %s", strikeText(p.view.Rows[row].Strike), ui.SignedNum(o.Delta, 2)), widget.LowImportance)
	} else {
		row = p.strikeRow(j.strike)
		if row >= 0 && p.view.Rows[row].Strike != j.strike {
			ui.SetLabel(p.jumpMsg, "nearest "+strikeText(p.view.Rows[row].Strike), widget.LowImportance)
		} else {
			ui.SetLabel(p.jumpMsg, "", widget.LowImportance)
		}
	}
	if row < 0 {
		return
	}
	p.selectQuietly(widget.TableCellID{Row: row, Col: col})
	p.centre(row)
}

// deltaRow is the row whose option on the picker's side has the |delta| nearest d, with its
// bid column; -1 when none has a delta.
func (p *chainPicker) deltaRow(d float64) (int, int) {
	best, row := math.Inf(1), -1
	for i, r := range p.view.Rows {
		o := r.Call
		if p.put {
			o = r.Put
		}
		if !o.HasDelta {
			continue
		}
		if x := math.Abs(math.Abs(o.Delta) - d); x < best {
			best, row = x, i
		}
	}
	return row, p.sideCol(colCallAsk, colPutBid)
}

// jump is a parsed type-ahead: a strike, or a delta (as a fraction, 0.30).
type jump struct{ strike, delta float64 }

// parseJump reads the type-ahead: "6000" or "6000.5" is a strike; "30d", "30 d" or ".30"
// (or "0.30") is a delta of 0.30.
func parseJump(s string) (jump, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return jump{}, nil
	}
	if strings.HasSuffix(s, "d") || strings.HasSuffix(s, "δ") || strings.HasSuffix(s, "Δ") {
		num := strings.TrimSpace(strings.TrimRight(s, "dδΔ"))
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || f <= 0 || f >= 100 {
			return jump{}, fmt.Errorf("%q: a delta is 1d to 99d", s)
		}
		return jump{delta: f / 100}, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 {
		return jump{}, fmt.Errorf("%q: type a strike or a delta", s)
	}
	if f < 1 && (strings.HasPrefix(s, ".") || strings.HasPrefix(s, "0.")) {
		return jump{delta: f}, nil
	}
	return jump{strike: f}, nil
}

func strikeText(k float64) string { return strconv.FormatFloat(k, 'f', -1, 64) }

// updateCell fills one cell of the chain.
func (p *chainPicker) updateCell(id widget.TableCellID, l *widget.Label) {
	if p.drawnFrom < 0 || id.Row < p.drawnFrom {
		p.drawnFrom = id.Row
	}
	p.drawnTo = max(p.drawnTo, id.Row)
	if id.Row < 0 || id.Row >= len(p.view.Rows) {
		ui.SetCell(l, "", widget.MediumImportance, fyne.TextAlignTrailing)
		return
	}
	r := p.view.Rows[id.Row]
	atm := id.Row == p.view.ATM
	switch id.Col {
	case colStrike:
		text, imp := strikeText(r.Strike), widget.MediumImportance
		if atm {
			text, imp = "ATM "+text, widget.HighImportance
		}
		l.TextStyle.Bold = atm
		ui.SetCell(l, text, imp, fyne.TextAlignCenter)
	case colCallLiq:
		verdictCell(l, r.Call)
	case colPutLiq:
		verdictCell(l, r.Put)
	case colCallDelta:
		deltaCell(l, r.Call)
	case colPutDelta:
		deltaCell(l, r.Put)
	case colCallBid:
		ui.SetCell(l, quoteText(r.Call, false), widget.MediumImportance, fyne.TextAlignTrailing)
	case colCallAsk:
		ui.SetCell(l, quoteText(r.Call, true), widget.MediumImportance, fyne.TextAlignTrailing)
	case colPutBid:
		ui.SetCell(l, quoteText(r.Put, false), widget.MediumImportance, fyne.TextAlignTrailing)
	case colPutAsk:
		ui.SetCell(l, quoteText(r.Put, true), widget.MediumImportance, fyne.TextAlignTrailing)
	}
}

func quoteText(o desk.ChainOption, ask bool) string {
	if !o.Listed() {
		return ""
	}
	if ask {
		return ui.QuotedPrice(o.Quote.Ask)
	}
	return ui.QuotedPrice(o.Quote.Bid)
}

func deltaCell(l *widget.Label, o desk.ChainOption) {
	text := ""
	if o.Listed() {
		text = ui.NoValue
		if o.HasDelta {
			text = ui.SignedNum(o.Delta, 2)
		}
	}
	ui.SetCell(l, text, widget.MediumImportance, fyne.TextAlignTrailing)
}

// verdictCell is the liquidity verdict in a word, coloured: pass, warn (amber), fail (red).
func verdictCell(l *widget.Label, o desk.ChainOption) {
	switch {
	case !o.Listed():
		ui.SetCell(l, "", widget.MediumImportance, fyne.TextAlignLeading)
	case !o.Judged:
		ui.SetCell(l, ui.NoValue, widget.LowImportance, fyne.TextAlignLeading)
	case o.Verdict == liquidity.Fail:
		ui.SetCell(l, "fail", widget.DangerImportance, fyne.TextAlignLeading)
	case o.Verdict == liquidity.Warn:
		ui.SetCell(l, "warn", widget.WarningImportance, fyne.TextAlignLeading)
	default:
		ui.SetCell(l, "pass", widget.SuccessImportance, fyne.TextAlignLeading)
	}
}
