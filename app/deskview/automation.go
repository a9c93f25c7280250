package deskview

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/automation"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lifecycle"
)

// KillShortcut is the kill switch's keyboard shortcut: Ctrl+Shift+K (Cmd+Shift+K on macOS).
// The windows' own shortcuts are Ctrl+letter without Shift, so it clashes with none.
var KillShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// kindWords are the kinds of rule as the arming checks say them.
var kindWords = map[automation.Kind]string{automation.Hedge: "Hedges", automation.Tactical: "Tactical",
	automation.Roll: "Rolls", automation.LetAssign: "Let assign", automation.ReEntry: "Re-entries"}

// autoPanel is the desk's rules on the desk window: the kill switch (always visible), a
// layer and the kinds of rule it is armed for (off by default), what each armed layer will
// do next, each layer's lifecycle stage past "options", and what the rules did last.
type autoPanel struct {
	v       *DeskView
	kill    *widget.Button
	status  *widget.Label
	layer   *widget.Select
	checks  map[automation.Kind]*widget.Check
	layers  []string
	next    *widget.Label
	life    *widget.Label
	last    *widget.Label
	stage   *widget.Button    // the first staged order to the ticket
	detail  fyne.CanvasObject // the row of status, next, lifecycle and last: hidden while there is nothing to say
	staged  *desk.AutoAction
	av      desk.AutomationView
	content fyne.CanvasObject
}

func (v *DeskView) newAutoPanel() *autoPanel {
	p := &autoPanel{v: v, checks: map[automation.Kind]*widget.Check{}}
	p.kill = widget.NewButton("KILL SWITCH — disarm all (Ctrl+Shift+K)", p.killAll)
	p.kill.Importance = widget.DangerImportance
	// One line each, cut with "…" rather than wrapped: a wrapped label between the kill
	// switch and the checks is a word a line while the window lays itself out, and the
	// desk window opened taller than the screen.
	p.status = oneLine("Rules: nothing armed", widget.MediumImportance)
	p.layer = widget.NewSelect(nil, func(string) { p.showChecks() })
	p.layer.PlaceHolder = "choose a layer"
	arms := container.NewHBox(widget.NewLabel("Arm"), p.layer)
	for _, k := range desk.AutoKinds() {
		c := widget.NewCheck(kindWords[k], nil)
		c.Disable()
		p.checks[k] = c
		arms.Add(c)
	}
	p.next = oneLine("", widget.MediumImportance)
	p.life = oneLine("", widget.MediumImportance)
	p.last = oneLine("", widget.LowImportance)
	p.stage = widget.NewButton("", p.toTicket)
	p.stage.Hide()
	arms.Add(p.stage)
	if v.desk == nil {
		p.kill.Disable()
		p.layer.Disable()
	}
	// Two rows: the kill switch beside the arming checks (they scroll sideways on a narrow
	// window), then the rules' state, what each armed layer does next, the lifecycle and the
	// last actions — so the desk fits a 1024×700 screen with its menu bar.
	p.detail = container.NewGridWithColumns(4, p.status, p.next, p.life, p.last)
	p.content = container.NewVBox(container.NewBorder(nil, nil, p.kill, nil, container.NewHScroll(arms)), p.detail)
	if w := v.env.Window; w != nil {
		w.Canvas().AddShortcut(KillShortcut, func(fyne.Shortcut) { p.killAll() })
	}
	return p
}

// oneLine is a label of importance imp that cuts its text with "…" to its width.
func oneLine(s string, imp widget.Importance) *widget.Label {
	l := widget.NewLabel(s)
	l.Truncation = fyne.TextTruncateEllipsis
	l.Importance = imp
	return l
}

// killAll is the kill switch: it disarms everything and cancels the working automated
// orders at once; the panel shows the result.
func (p *autoPanel) killAll() {
	d := p.v.desk
	if d == nil {
		return
	}
	p.kill.Disable()
	p.v.Background(func() func() {
		err := d.Kill(context.Background())
		av := d.Automation()
		return func() {
			p.kill.Enable()
			p.apply(av)
			if err != nil {
				ui.SetLabel(p.status, "Kill switch: disarmed; "+err.Error(), widget.DangerImportance)
			}
		}
	})
}

// arm arms or disarms a layer for a kind of rule; on a real broker the first arming of
// the session asks for the trader's explicit confirmation.
func (p *autoPanel) arm(layer string, kind automation.Kind, on bool) {
	d := p.v.desk
	if d == nil {
		return
	}
	if !on {
		p.v.Background(func() func() {
			d.DisarmAutomation(layer, kind)
			av := d.Automation()
			return func() { p.apply(av) }
		})
		return
	}
	try := func(confirm bool) {
		p.v.Background(func() func() {
			err := d.ArmAutomation(layer, kind, confirm)
			av := d.Automation()
			return func() {
				p.apply(av)
				if err != nil {
					ui.SetLabel(p.status, "Not armed: "+err.Error(), widget.DangerImportance)
				}
			}
		})
	}
	if p.av.Live && !p.av.Confirmed && p.v.env.Window != nil {
		dialog.ShowConfirm("Arm the desk's rules on a real account?",
			fmt.Sprintf("The desk will place orders on %s by itself (%s for %s) until you disarm it or press the kill switch (Ctrl+Shift+K).\nConfirm for this session?",
				d.BrokerName(), kind, layer),
			func(ok bool) {
				if ok {
					try(true)
				} else {
					p.apply(p.av)
				}
			}, p.v.env.Window)
		return
	}
	try(false)
}

// toTicket opens the ticket on the staged order shown, for the trader to send by hand.
func (p *autoPanel) toTicket() {
	d, a := p.v.desk, p.staged
	if d == nil || a == nil || p.v.env.Open == nil {
		return
	}
	act := *a
	p.v.Background(func() func() {
		o, err := d.StagedOrder(context.Background(), act)
		return func() {
			if err != nil {
				ui.SetLabel(p.status, "Staged order: "+err.Error(), widget.DangerImportance)
				return
			}
			p.v.env.Open("ticket", &o)
		}
	})
}

// showChecks shows which kinds the chosen layer is armed for (UI goroutine).
func (p *autoPanel) showChecks() {
	layer := p.layer.Selected
	for k, c := range p.checks {
		c.OnChanged = nil
		if layer == "" || p.v.desk == nil {
			c.SetChecked(false)
			c.Disable()
			continue
		}
		c.Enable()
		c.SetChecked(slices.Contains(p.av.Armed[layer], k))
		kind := k
		c.OnChanged = func(on bool) { p.arm(layer, kind, on) }
	}
}

// apply shows av (UI goroutine).
func (p *autoPanel) apply(av desk.AutomationView) {
	p.av = av
	layers := append([]string(nil), av.Layers...)
	sort.Strings(layers)
	if strings.Join(layers, "\x00") != strings.Join(p.layers, "\x00") {
		p.layers = layers
		p.layer.SetOptions(layers)
		if !slices.Contains(layers, p.layer.Selected) {
			p.layer.ClearSelected()
		}
	}
	if p.layer.Selected == "" { // show the first armed layer's checks
		for _, name := range layers {
			if len(av.Armed[name]) > 0 {
				p.layer.SetSelected(name)
				break
			}
		}
	}
	p.showChecks()
	p.staged = nil
	for _, name := range layers {
		if xs := av.Staged[name]; len(xs) > 0 && p.staged == nil {
			x := xs[0]
			p.staged = &x
		}
	}
	if p.staged != nil {
		words := []rune(p.staged.Order)
		if len(words) > 36 { // the button stays within the desk window's width
			words = append(words[:35], '…')
		}
		p.stage.SetText(fmt.Sprintf("Ticket ← staged %s: %s", p.staged.Kind, string(words)))
		p.stage.Show()
	} else {
		p.stage.Hide()
	}
	var armed []string
	for name, ks := range av.Armed {
		var w []string
		for _, k := range ks {
			w = append(w, string(k))
		}
		armed = append(armed, name+" ("+strings.Join(w, ", ")+")")
	}
	sort.Strings(armed)
	switch {
	case len(armed) > 0:
		ui.SetLabel(p.status, "Rules ARMED: "+strings.Join(armed, "; "), widget.WarningImportance)
	case av.Disarmed != "":
		ui.SetLabel(p.status, "Rules disarmed: "+av.Disarmed, widget.DangerImportance)
	default:
		ui.SetLabel(p.status, "Rules: nothing armed — the desk only recommends", widget.MediumImportance)
	}
	var next []string
	for _, name := range layers {
		if x := av.Next[name]; x != "" && len(av.Armed[name]) > 0 {
			next = append(next, name+": "+x)
		}
	}
	ui.SetLabel(p.next, "Next: "+ui.OrDash(strings.Join(next, " · ")), widget.MediumImportance)
	var life []string
	imp := widget.MediumImportance
	for _, name := range layers {
		r, ok := av.LayerStages[name]
		if !ok || r.Stage == lifecycle.Options {
			continue
		}
		w := fmt.Sprintf("%s %s (%s)", name, r.Stage, r.Symbol)
		if r.Next != "" {
			w += ": " + r.Next
		}
		life = append(life, w)
		if r.Stage != lifecycle.Tested {
			imp = widget.WarningImportance
		}
	}
	ui.SetLabel(p.life, "Lifecycle: "+ui.OrDash(strings.Join(life, " · ")), imp)
	var last []string
	for i, a := range av.Last {
		if i == 3 {
			break
		}
		last = append(last, fmt.Sprintf("%s %s — %s: %s", a.At.In(instrument.NewYork).Format("15:04:05"), a.Order, a.Rule, a.Outcome))
	}
	ui.SetLabel(p.last, "Last: "+ui.OrDash(strings.Join(last, " · ")), widget.LowImportance)
	// With nothing armed, nothing disarmed, no option past "options" and no action yet, the
	// unticked boxes say it all: the row gives its height to the layers and positions.
	if len(armed) > 0 || av.Disarmed != "" || len(life) > 0 || len(last) > 0 {
		p.detail.Show()
	} else {
		p.detail.Hide()
	}
}
