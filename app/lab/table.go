package lab

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/lab"
	"github.com/keel-desk/keel/widgets"
)

type column struct {
	title    string
	width    float32
	trailing bool
}

// bandColumn is the column of the band at the start, whose unit is the subject's.
const bandColumn = 6

var columns = []column{
	{"Policy", 170, false},
	{"Setting", 150, false},
	{"P&L std", 90, true},
	{"Mean P&L", 90, true},
	{"Mean cost", 90, true},
	{"Trades", 70, true},
	{"Band at start", 120, true},
	{"Efficient", 80, false},
}

func (v *View) cell(id widget.TableCellID, l *widget.Label) {
	if id.Row >= len(v.points) {
		ui.SetCell(l, "", widget.MediumImportance, fyne.TextAlignLeading)
		return
	}
	p := v.points[id.Row]
	right := fyne.TextAlignTrailing
	switch id.Col {
	case 0:
		ui.SetLongCell(l, string(p.Policy), widget.MediumImportance)
	case 1:
		ui.SetLongCell(l, p.Label, widget.MediumImportance)
	case 2:
		ui.SetCell(l, ui.WholeUSD(p.PnLStd), widget.MediumImportance, right)
	case 3:
		ui.SetCell(l, ui.SignedUSD(p.PnLMean), ui.MoneyImportance(p.PnLMean < 0), right)
	case 4:
		ui.SetCell(l, ui.WholeUSD(p.CostMean), widget.MediumImportance, right)
	case 5:
		ui.SetCell(l, ui.Num(p.TradesMean, 1), widget.MediumImportance, right)
	case 6:
		band := ui.NoValue
		if p.Policy != lab.TimeBased {
			band = "±" + ui.Num(p.StartBand, 1)
		}
		ui.SetCell(l, band, widget.MediumImportance, right)
	case 7:
		text, imp := "", widget.LowImportance
		if p.Efficient {
			text, imp = "yes", widget.SuccessImportance
		}
		ui.SetCell(l, text, imp, fyne.TextAlignLeading)
	}
}

// frontierSpec is cost against risk: each policy a line through its parameter's points.
func (v *View) frontierSpec() widgets.XYSpec {
	spec := widgets.XYSpec{Title: "Frontier: risk vs cost (lower left is better)", XLabel: "mean hedging cost, $",
		YLabel: "P&L std (tracking error), $", XMoney: true, YMoney: true, Dots: true}
	for _, g := range groups(v.points) {
		s := widgets.XYSeries{Name: string(g[0].Policy)}
		for _, p := range g {
			s.X, s.Y = append(s.X, p.CostMean), append(s.Y, p.PnLStd)
		}
		spec.Series = append(spec.Series, s)
	}
	return spec
}

// histSpec is each policy's P&L distribution at about the same risk: the point of each
// policy whose std is nearest the selected row's (or the median point's without one).
func (v *View) histSpec() widgets.XYSpec {
	spec := widgets.XYSpec{Title: "Hedged P&L at expiry, per policy", XLabel: "P&L, $", YLabel: "% of paths", XMoney: true}
	if len(v.points) == 0 {
		return spec
	}
	ref := v.points[len(v.points)/2].PnLStd
	if v.selected >= 0 && v.selected < len(v.points) {
		ref = v.points[v.selected].PnLStd
	}
	spec.Title = "Hedged P&L at expiry, each policy near " + ui.WholeUSD(ref) + " std"
	for _, g := range groups(v.points) {
		best := g[0]
		for _, p := range g[1:] {
			if abs(p.PnLStd-ref) < abs(best.PnLStd-ref) {
				best = p
			}
		}
		h := best.Histogram
		total := h.Below + h.Above
		for _, c := range h.Counts {
			total += c
		}
		if len(h.Counts) == 0 || total == 0 || !(h.Hi > h.Lo) {
			continue
		}
		// Two of the lab's bins to one: a few thousand paths spread over 40 bins are too
		// ragged to compare by eye.
		const merge = 2
		w := merge * (h.Hi - h.Lo) / float64(len(h.Counts))
		s := widgets.XYSeries{Name: string(best.Policy) + " " + best.Label}
		for i := 0; i < len(h.Counts); i += merge {
			c := 0
			for _, n := range h.Counts[i:min(i+merge, len(h.Counts))] {
				c += n
			}
			s.X = append(s.X, h.Lo+(float64(i/merge)+0.5)*w)
			s.Y = append(s.Y, 100*float64(c)/float64(total))
		}
		spec.Series = append(spec.Series, s)
	}
	return spec
}

// groups splits points into runs of one policy, in order.
func groups(pts []lab.Point) [][]lab.Point {
	var out [][]lab.Point
	for i, p := range pts {
		if i == 0 || p.Policy != pts[i-1].Policy {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], p)
	}
	return out
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Window is the Lab window.
func Window() ui.Window {
	return ui.Window{
		Name:  "lab",
		Title: "Keel — Hedging lab",
		Size:  Size,
		Key:   fyne.KeyE,
		Build: func(env ui.Env) fyne.CanvasObject { return New(env).Content() },
	}
}
