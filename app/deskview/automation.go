package deskview

import (
	"context"
	"fmt"
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
)

// KillShortcut is the kill switch's keyboard shortcut: Ctrl+Shift+K (Cmd+Shift+K on macOS).
// The windows' own shortcuts are Ctrl+letter without Shift, so it clashes with none.
var KillShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// autoPanel is the desk's rules on the desk window: the kill switch (always visible), which
// layers are armed for tactical cycles, what each armed layer will do next and what the
// rules did last.
type autoPanel struct {
	v       *DeskView
	kill    *widget.Button
	status  *widget.Label
	arms    *fyne.Container
	checks  map[string]*widget.Check
	layers  []string
	next    *widget.Label
	last    *widget.Label
	content fyne.CanvasObject
}

func (v *DeskView) newAutoPanel() *autoPanel {
	p := &autoPanel{v: v, checks: map[string]*widget.Check{}}
	p.kill = widget.NewButton("KILL SWITCH — disarm all (Ctrl+Shift+K)", p.killAll)
	p.kill.Importance = widget.DangerImportance
	// One line each, cut with "…" rather than wrapped: a wrapped label between the kill
	// switch and the checks is a word a line while the window lays itself out, and the
	// desk window opened taller than the screen.
	p.status = oneLine("Rules: nothing armed", widget.MediumImportance)
	p.arms = container.NewHBox(widget.NewLabel("Arm tactical cycles:"))
	p.next = oneLine("", widget.MediumImportance)
	p.last = oneLine("", widget.LowImportance)
	if v.desk == nil {
		p.kill.Disable()
	}
	p.content = container.NewVBox(container.NewBorder(nil, nil, p.kill, p.arms, p.status),
		container.NewGridWithColumns(2, p.next, p.last))
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

// arm arms or disarms a layer's tactical cycles; on a real broker the first arming of the
// session asks for the trader's explicit confirmation.
func (p *autoPanel) arm(layer string, on bool) {
	d := p.v.desk
	if d == nil {
		return
	}
	if !on {
		d.DisarmAutomation(layer, automation.Tactical)
		return
	}
	try := func(confirm bool) {
		p.v.Background(func() func() {
			err := d.ArmAutomation(layer, automation.Tactical, confirm)
			av := d.Automation()
			return func() {
				p.apply(av)
				if err != nil {
					ui.SetLabel(p.status, "Not armed: "+err.Error(), widget.DangerImportance)
				}
			}
		})
	}
	av := d.Automation()
	if av.Live && !av.Confirmed && p.v.env.Window != nil {
		dialog.ShowConfirm("Arm the desk's rules on a real account?",
			fmt.Sprintf("The desk will place orders on %s by itself for %s until you disarm it or press the kill switch (Ctrl+Shift+K).\nConfirm for this session?", d.BrokerName(), layer),
			func(ok bool) {
				if ok {
					try(true)
				} else {
					p.apply(d.Automation())
				}
			}, p.v.env.Window)
		return
	}
	try(false)
}

// apply shows av (UI goroutine).
func (p *autoPanel) apply(av desk.AutomationView) {
	var layers []string
	for name := range av.Params {
		layers = append(layers, name)
	}
	sort.Strings(layers)
	if strings.Join(layers, "\x00") != strings.Join(p.layers, "\x00") {
		p.layers = layers
		p.arms.RemoveAll()
		p.arms.Add(widget.NewLabel("Arm tactical cycles:"))
		p.checks = map[string]*widget.Check{}
		for _, name := range layers {
			c := widget.NewCheck(name, nil)
			p.checks[name] = c
			p.arms.Add(c)
		}
	}
	for name, c := range p.checks {
		armed := false
		for _, k := range av.Armed[name] {
			armed = armed || k == automation.Tactical
		}
		c.OnChanged = nil
		c.SetChecked(armed)
		n := name
		c.OnChanged = func(on bool) { p.arm(n, on) }
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
	var last []string
	for i, a := range av.Last {
		if i == 3 {
			break
		}
		last = append(last, fmt.Sprintf("%s %s — %s: %s", a.At.In(instrument.NewYork).Format("15:04:05"), a.Order, a.Rule, a.Outcome))
	}
	ui.SetLabel(p.last, "Last: "+ui.OrDash(strings.Join(last, " · ")), widget.LowImportance)
}
