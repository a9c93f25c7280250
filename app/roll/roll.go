package roll

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/roll"
	"github.com/keel-desk/keel/format"
	"github.com/keel-desk/keel/widgets"
)

// planLimit bounds one planning run (it fetches a chain per expiry in the window).
const planLimit = 30 * time.Second

// View is the roll planner window's content.
type View struct {
	ui.Work
	env    ui.Env
	desk   *desk.Service
	target desk.RollTarget

	title, status, before, why *widget.Label
	plan                       *widget.Select
	table                      *widget.Table
	stage                      *widget.Button

	profile     *widgets.ProfileChart // the selected roll's risk profile
	profileNote *widget.Label
	profileSeq  int              // the latest profile asked for (UI goroutine)
	shown       desk.RollProfile // the profile drawn

	plans    []roll.Plan
	cur      int // the plan shown
	selected int // the candidate selected, −1 for none
	content  fyne.CanvasObject
}

// The table shows each candidate's figures after the roll; the line above it has the
// figures before.
var headers = []string{"#", "Legs (close · open)", "Net mid $", "Net nat. $", "DTE", "Layer Δ", "Layer Γ", "Layer Θ", "Layer ν", "Book Θ", "Book ν", "Liquidity"}
var widths = []float32{40, 390, 92, 92, 56, 80, 90, 76, 76, 76, 76, 84}

// New builds the planner for env.Arg: a desk.RollTarget, a position's symbol (string), or
// nothing for every short option of the book.
func New(env ui.Env) *View {
	v := &View{env: env, desk: env.Desk, selected: -1}
	switch a := env.Arg.(type) {
	case desk.RollTarget:
		v.target = a
	case *desk.RollTarget:
		if a != nil {
			v.target = *a
		}
	case string:
		v.target = desk.RollTarget{Position: a}
	}
	v.title = ui.Bold(targetWords(v.target))
	v.status = ui.Wrapped("", widget.LowImportance)
	v.before = ui.Wrapped("", widget.MediumImportance)
	v.why = ui.Wrapped("", widget.MediumImportance)
	v.plan = widget.NewSelect(nil, nil)
	v.stage = widget.NewButton("Stage in ticket…", v.stageSelected)
	v.stage.Importance = widget.HighImportance
	v.stage.Disable()
	v.table = widget.NewTable(func() (int, int) { return len(v.candidates()) + 1, len(headers) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		}, v.updateCell)
	v.table.StickyRowCount = 1
	for i, w := range widths {
		v.table.SetColumnWidth(i, w)
	}
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row < 1 {
			return
		}
		v.choose(id.Row - 1)
	}
	top := container.NewVBox(container.NewBorder(nil, nil, container.NewHBox(v.title, widget.NewLabel("Position")), nil, v.plan),
		v.before, v.status)
	bottom := container.NewVBox(widget.NewSeparator(), v.why, container.NewBorder(nil, nil, v.stage, nil,
		ui.Wrapped("The roll goes to the ticket as one order (close + open); nothing is sent until you confirm there.", widget.LowImportance)))
	v.profile = widgets.NewProfileChart(widgets.ProfileChartSpec{})
	v.profile.SetNote("Risk profile: select a roll")
	v.profileNote = ui.Wrapped("", widget.LowImportance)
	split := container.NewVSplit(v.table, container.NewBorder(nil, v.profileNote, nil, nil, v.profile))
	split.Offset = 0.38
	v.content = container.NewBorder(top, bottom, nil, nil, split)
	if v.desk == nil {
		why := "the broker was not started"
		if env.DeskErr != nil {
			why = env.DeskErr.Error()
		}
		ui.SetLabel(v.status, "No rolls can be planned: "+why, widget.DangerImportance)
		return v
	}
	v.load()
	return v
}

// Content is the window's content; it settles when the plan is shown and the selected
// roll's risk profile drawn.
func (v *View) Content() fyne.CanvasObject { return ui.NewRoot(v.content, v.Settle, func() {}) }

// Settle waits until the plans and the selected roll's profile are computed and drawn.
func (v *View) Settle() {
	v.Wait()
	<-v.profile.Drawn()
}

func targetWords(t desk.RollTarget) string {
	switch {
	case t.Position != "":
		return "Rolls of " + t.Position
	case t.Layer != "":
		return "Rolls of layer " + t.Layer
	}
	return "Rolls of every short option"
}

// load plans the target off the UI goroutine.
func (v *View) load() {
	ui.SetLabel(v.status, "Planning: reading the chains of the roll window…", widget.LowImportance)
	d, target := v.desk, v.target
	v.Background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), planLimit)
		defer cancel()
		start := time.Now()
		plans, err := d.PlanRolls(ctx, target)
		took := time.Since(start)
		return func() {
			if err != nil {
				ui.SetLabel(v.status, "Could not plan the rolls: "+err.Error(), widget.DangerImportance)
				return
			}
			v.plans = plans
			names := make([]string, len(plans))
			pick := -1
			for i, p := range plans {
				names[i] = planName(p)
				if pick < 0 && p.Tested == "untested" && len(p.Candidates) > 0 {
					pick = i // the spiral guard's advice: roll the untested side closer
				}
			}
			if pick < 0 {
				for i, p := range plans {
					if len(p.Candidates) > 0 {
						pick = i
						break
					}
				}
			}
			v.plan.Options = names
			v.plan.OnChanged = func(s string) {
				for i, n := range names {
					if n == s {
						v.show(i)
					}
				}
			}
			if len(plans) > 0 {
				v.plan.SetSelected(names[max(pick, 0)])
			}
			ui.SetLabel(v.status, fmt.Sprintf("%s planned in %s. Candidates never open more contracts than they close; ones with a failing leg rank last.",
				format.Count(len(plans), "short option", "short options"), took.Round(time.Millisecond)), widget.LowImportance)
		}
	})
}

func planName(p roll.Plan) string {
	layer := p.Position.Layer
	if layer == "" {
		layer = "no layer"
	}
	return fmt.Sprintf("%s %s (%s, %s)", ui.SignedNum(p.Position.Quantity, 0), p.Position.Symbol, layer, p.Tested)
}

// show shows plan i and selects its best candidate.
func (v *View) show(i int) {
	v.cur = i
	p := v.plans[i]
	b := p.Before
	txt := fmt.Sprintf("Before: layer Δ %s (target %s, underlying units), %s contracts; layer Γ %s $ per 1%%, Θ %s $/day, ν %s $/vol pt; book Θ %s $/day, ν %s $/vol pt. The table shows each roll's figures after it.",
		ui.SignedNum(b.LayerDelta, 2), ui.SignedNum(p.TargetDelta, 2), ui.Num(b.Contracts, 0), ui.SignedNum(b.Gamma, 0),
		ui.SignedNum(b.Theta, 0), ui.SignedNum(b.Vega, 0), ui.SignedNum(b.Book.Theta, 0), ui.SignedNum(b.Book.Vega, 0))
	if p.Problem != "" {
		txt += " No candidates: " + p.Problem
	}
	ui.SetLabel(v.before, txt, widget.MediumImportance)
	v.table.UnselectAll()
	v.selected = -1
	v.stage.Disable()
	ui.SetLabel(v.why, "", widget.MediumImportance)
	v.table.Refresh()
	if len(p.Candidates) > 0 {
		v.choose(0) // the best, ready to stage
	} else {
		v.profileSeq++ // a profile still being drawn for the plan before is not shown
		v.profile.SetNote("Risk profile: no roll to draw for this position")
		ui.SetLabel(v.profileNote, "", widget.LowImportance)
	}
}

func (v *View) candidates() []roll.Candidate {
	if v.cur < 0 || v.cur >= len(v.plans) {
		return nil
	}
	return v.plans[v.cur].Candidates
}

// choose selects candidate i.
func (v *View) choose(i int) {
	cs := v.candidates()
	if i < 0 || i >= len(cs) {
		return
	}
	v.selected = i
	c := cs[i]
	var reasons []string
	for _, l := range c.Legs {
		if len(l.Liquidity.Reasons) > 0 {
			reasons = append(reasons, l.Symbol+": "+strings.Join(l.Liquidity.Reasons, "; "))
		}
	}
	txt := fmt.Sprintf("#%d %s — %s", c.Rank, c.Shape, c.Why)
	imp := widget.MediumImportance
	if len(reasons) > 0 {
		txt += "\nLiquidity: " + strings.Join(reasons, " · ")
		if c.Liquidity == liquidity.Fail {
			imp = widget.WarningImportance
		}
	}
	ui.SetLabel(v.why, txt, imp)
	v.stage.Enable()
	v.drawProfile(v.plans[v.cur], c)
}

// legsWords is a roll's legs in short words: "buy 1 ESH7 P6230 12/31 · sell 1 ESH7 P6370 12/18".
func legsWords(c roll.Candidate) string {
	parts := make([]string, len(c.Legs))
	for i, l := range c.Legs {
		under := l.Symbol
		if f := strings.Fields(l.Symbol); len(f) > 0 {
			under = f[0]
		}
		if len(under) > 6 { // an OCC symbol with no space: its root
			under = strings.TrimRight(under[:6], " ")
		}
		right := "C"
		if l.Right == "put" {
			right = "P"
		}
		parts[i] = fmt.Sprintf("%s %d %s %s%s %s", l.Side, l.Quantity, under, right,
			strconv.FormatFloat(l.Strike, 'f', -1, 64), l.Expiry.In(instrument.NewYork).Format("1/2"))
	}
	return strings.Join(parts, " · ")
}

// newDTE is the days to expiry of the roll's opening legs ("—" for close only).
func newDTE(c roll.Candidate) string {
	for _, l := range c.Legs {
		if l.Effect == roll.Open {
			return format.ExpiryDays(l.DTE)
		}
	}
	return "—"
}

func (v *View) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	l.TextStyle = fyne.TextStyle{Bold: id.Row == 0}
	l.Alignment = fyne.TextAlignLeading
	if id.Col >= 2 && id.Col <= 10 {
		l.Alignment = fyne.TextAlignTrailing
	}
	l.Importance = widget.MediumImportance
	if id.Row == 0 {
		l.SetText(headers[id.Col])
		return
	}
	cs := v.candidates()
	if id.Row-1 >= len(cs) {
		l.SetText("")
		return
	}
	c := cs[id.Row-1]
	a := c.After
	var s string
	switch id.Col {
	case 0:
		s = fmt.Sprint(c.Rank)
	case 1:
		s = legsWords(c)
	case 2:
		s = ui.SignedNum(c.NetMid, 2)
	case 3:
		s = ui.SignedNum(c.NetNatural, 2)
	case 4:
		s = newDTE(c)
	case 5:
		s = ui.SignedNum(a.LayerDelta, 2)
	case 6:
		s = ui.SignedNum(a.Gamma, 0)
	case 7:
		s = ui.SignedNum(a.Theta, 0)
	case 8:
		s = ui.SignedNum(a.Vega, 0)
	case 9:
		s = ui.SignedNum(a.Book.Theta, 0)
	case 10:
		s = ui.SignedNum(a.Book.Vega, 0)
	case 11:
		s = "● " + c.Liquidity.String()
		switch c.Liquidity {
		case liquidity.Pass:
			l.Importance = widget.SuccessImportance
		case liquidity.Warn:
			l.Importance = widget.WarningImportance
		default:
			l.Importance = widget.DangerImportance
		}
	}
	l.SetText(s)
}

// stageSelected puts the selected roll into a new order ticket as one order.
func (v *View) stageSelected() {
	cs := v.candidates()
	if v.selected < 0 || v.selected >= len(cs) || v.desk == nil || v.env.Open == nil {
		return
	}
	c := cs[v.selected]
	d, open := v.desk, v.env.Open
	v.stage.Disable()
	v.Background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), planLimit)
		defer cancel()
		o, err := d.RollOrder(ctx, c)
		return func() {
			v.stage.Enable()
			if err != nil {
				ui.SetLabel(v.status, "Could not stage the roll: "+err.Error(), widget.DangerImportance)
				return
			}
			open("ticket", &o)
			ui.SetLabel(v.status, fmt.Sprintf("Roll #%d staged in a new ticket: review it there and confirm to send.", c.Rank), widget.SuccessImportance)
		}
	})
}

// Window is the roll planner window; each Open plans its own target.
func Window() ui.Window {
	return ui.Window{
		Name:     "roll",
		Title:    "Keel — Roll planner",
		Size:     fyne.NewSize(1270, 670),
		Multiple: true,
		Build:    func(env ui.Env) fyne.CanvasObject { return New(env).Content() },
	}
}
