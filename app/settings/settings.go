package settings

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// settingNumber writes a number for editing without float noise: 0.1, 2, 1.15.
func settingNumber(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e9)/1e9, 'f', -1, 64)
}

// thousands is a number written with thousands separators: 1,000 or −12,500.5.
var thousands = regexp.MustCompile(`^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$`)

// displayNumber writes a figure for reading, with a true minus sign: −3.45, 2.
func displayNumber(v float64) string {
	return strings.Replace(settingNumber(v), "-", "−", 1)
}

// parseSetting reads a number typed into a field: a minus sign or a hyphen, thousands
// separators (1,000) allowed; a decimal comma (1,2) is refused with a hint.
func parseSetting(s string) (float64, string) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "−", "-"))
	if s == "" {
		return 0, "enter a number"
	}
	typed := s
	if thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && strings.Contains(typed, ","):
		return 0, fmt.Sprintf("“%s” is not a number (decimals take a point: 1.2)", typed)
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Sprintf("“%s” is not a number", typed)
	}
	return f, ""
}

// settingsSpeeds are the paper market clock speeds offered.
var settingsSpeeds = []struct {
	label string
	speed float64
}{{"1×", 1}, {"10×", 10}, {"60×", 60}, {"600×", 600}}

// SettingsView is the Settings window: the benchmark and betas, the risk limits, the paper
// account's commissions and fees, and the paper market's clock. Save checks every field,
// shows problems beside them and changes nothing until they are fixed; then the desk
// service writes the settings to the journal and applies them (desk.ApplySettings).
type SettingsView struct {
	env ui.Env
	ctx context.Context

	ui.Work

	// Everything below is touched only on the UI goroutine.
	saved     desk.Settings
	benchmark *widget.Select
	benchNote *widget.Label
	betas     map[string]*ui.Entry
	betaErrs  map[string]*widget.Label
	derived   map[string]*widget.Label // leveraged funds' betas, from their reference
	limits    []*ui.Entry
	limitErrs []*widget.Label
	comms     []*ui.Entry
	commErrs  []*widget.Label
	liq       *liquidityForm
	roll      *rollForm
	theme     *widget.Select
	clockText *widget.Label
	speed     *widget.Select
	pause     *widget.Button
	paused    bool
	save      *widget.Button
	status    *widget.Label

	content fyne.CanvasObject
}

// NewSettingsView builds the desk.Settings window and loads the saved settings.
func NewSettingsView(env ui.Env) *SettingsView {
	v := &SettingsView{env: env, ctx: context.Background(),
		betas: map[string]*ui.Entry{}, betaErrs: map[string]*widget.Label{}, derived: map[string]*widget.Label{}}
	v.build()
	v.show(desk.DefaultSettings())
	// Everything on this goroutine first: the loads below apply their results on others.
	if env.Desk != nil {
		v.showClock(env.Desk.Latest().Clock)
	} else {
		v.showClock(nil)
	}
	if env.Journal == nil {
		why := "no journal is open"
		if env.JournalErr != nil {
			why = env.JournalErr.Error()
		}
		ui.SetLabel(v.status, "desk.Settings are kept in the journal, which could not be opened: "+why, widget.DangerImportance)
		v.save.Disable()
	} else {
		v.Background(func() func() {
			s, err := desk.LoadSettings(v.ctx, env.Journal)
			return func() {
				v.saved = s
				v.show(s)
				if err != nil {
					ui.SetLabel(v.status, "The saved settings could not be read, so the defaults are shown: "+err.Error(), widget.DangerImportance)
				}
			}
		})
	}
	if env.Desk != nil {
		v.Follow(env.Desk, func(s *desk.Snapshot) { v.showClock(s.Clock) })
	}
	return v
}

// Content is the window's content, with Settle (wait for the journal) and Stop (stop
// following the desk's clock).
func (v *SettingsView) Content() fyne.CanvasObject { return ui.NewRoot(v.content, v.Wait, v.Stop) }

func settingsTitle(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func quietLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Importance = widget.LowImportance
	return l
}

func (v *SettingsView) build() {
	// Benchmark and betas.
	v.benchmark = widget.NewSelect([]string{"SPY", "ES"}, nil)
	v.benchNote = quietLabel("ES: the front quarter")
	reg := instrument.DefaultStocks()
	cells := []fyne.CanvasObject{settingsTitle("Ticker"), settingsTitle("Beta to SPY"), settingsTitle("How"), widget.NewLabel("")}
	for _, t := range reg.Tickers() {
		p := reg[t]
		cells = append(cells, widget.NewLabel(t))
		switch {
		case t == "SPY":
			cells = append(cells, widget.NewLabel("1"), quietLabel("the benchmark"), widget.NewLabel(""))
		case p.Reference != "" && p.Reference != t:
			d := widget.NewLabel("")
			v.derived[t] = d
			cells = append(cells, d, quietLabel(fmt.Sprintf("%s× %s (leverage)", displayNumber(p.Leverage), p.Reference)), widget.NewLabel(""))
		default:
			e := ui.NewEntry()
			e.OnChanged = func(string) { v.showDerived() }
			v.betas[t] = e
			v.betaErrs[t] = ui.ProblemLabel()
			cells = append(cells, e, quietLabel("own beta"), v.betaErrs[t])
		}
	}
	betaGrid := container.New(widgets.NewColumns(4, -1), cells...)

	// Risk limits.
	cells = nil
	for _, f := range desk.LimitFields {
		e := ui.NewEntry()
		v.limits = append(v.limits, e)
		l := ui.ProblemLabel()
		v.limitErrs = append(v.limitErrs, l)
		cells = append(cells, widget.NewLabel(f.Label), ui.Sized(e, 90), quietLabel(f.Unit), l)
	}
	limits := container.New(widgets.NewColumns(4, -1), cells...)

	// Commissions and fees.
	cells = nil
	for _, f := range desk.CommissionFields {
		e := ui.NewEntry()
		v.comms = append(v.comms, e)
		l := ui.ProblemLabel()
		v.commErrs = append(v.commErrs, l)
		cells = append(cells, widget.NewLabel(f.Label), ui.Sized(e, 90), quietLabel(f.Unit), l)
	}
	comms := container.New(widgets.NewColumns(4, -1), cells...)
	commNote := quietLabel("The paper account reads its rates when it opens: changes apply from the next start of Keel.")
	commNote.Wrapping = fyne.TextWrapWord

	// Paper market clock.
	v.clockText = widget.NewLabel("")
	opts := make([]string, len(settingsSpeeds))
	for i, s := range settingsSpeeds {
		opts[i] = s.label
	}
	v.speed = widget.NewSelect(opts, v.setSpeed)
	v.speed.PlaceHolder = "speed"
	v.pause = widget.NewButton("Pause", v.togglePause)
	clock := container.NewVBox(v.clockText, container.NewHBox(widget.NewLabel("Speed"), v.speed, v.pause))
	v.theme = widget.NewSelect(themeLabels, nil)
	appearance := container.NewHBox(widget.NewLabel("Theme"), ui.Sized(v.theme, 210), quietLabel("applied when saved"))
	left := container.NewVBox(
		settingsTitle("Appearance"), appearance,
		widget.NewSeparator(),
		settingsTitle("Benchmark and betas"),
		container.NewHBox(widget.NewLabel("Weigh the book to"), v.benchmark, v.benchNote),
		betaGrid,
		widget.NewSeparator(),
		settingsTitle("Paper market clock"), clock,
	)

	var liq, rollSection fyne.CanvasObject
	v.liq, liq = newLiquidityForm()
	v.roll, rollSection = newRollForm()
	right := container.NewVBox(
		settingsTitle("Risk limits (0 switches a check off; the defaults are the delta-hedging guide's)"), limits,
		widget.NewSeparator(),
		settingsTitle("Liquidity checklist (the guide's defaults)"), liq,
		widget.NewSeparator(),
		settingsTitle("Roll planner"), rollSection,
		widget.NewSeparator(),
		settingsTitle("Commissions and fees (paper account)"), comms, commNote,
	)

	v.save = widget.NewButton("Save and apply", v.saveAndApply)
	v.save.Importance = widget.HighImportance
	defaults := widget.NewButton("Restore defaults", func() {
		v.show(desk.DefaultSettings())
		ui.SetLabel(v.status, "The defaults are in the form; Save and apply to keep them.", widget.MediumImportance)
	})
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	brokersBtn := widget.NewButton("Brokers…", func() {
		if v.env.Open != nil {
			v.env.Open("brokers", nil)
		}
	})
	bottom := container.NewBorder(widget.NewSeparator(), nil, container.NewHBox(v.save, defaults), brokersBtn, v.status)
	// Side by side on a wide window, one above the other on a narrow one; the sections
	// scroll and the buttons stay in sight.
	body := ui.SideBySide(left, right)
	v.content = container.NewBorder(nil, bottom, nil, nil, container.NewVScroll(body))
}

// show puts s in the form and clears every problem.
func (v *SettingsView) show(s desk.Settings) {
	v.theme.SetSelected(themeLabel(s.Theme))
	v.benchmark.SetSelected(s.Benchmark)
	for t, e := range v.betas {
		b, ok := s.Betas[t]
		if !ok {
			b = instrument.DefaultStocks()[t].Beta
		}
		e.SetText(settingNumber(b))
		ui.SetLabel(v.betaErrs[t], "", widget.DangerImportance)
	}
	for i, f := range desk.LimitFields {
		v.limits[i].SetText(settingNumber(*f.Field(&s.Limits) * f.Scale))
		ui.SetLabel(v.limitErrs[i], "", widget.DangerImportance)
	}
	for i, f := range desk.CommissionFields {
		v.comms[i].SetText(f.Field(&s.Commissions).String())
		ui.SetLabel(v.commErrs[i], "", widget.DangerImportance)
	}
	v.liq.show(s.Liquidity)
	v.roll.show(s.Roll)
	v.showDerived()
}

// showDerived shows the leveraged funds' betas from their references' betas as typed.
func (v *SettingsView) showDerived() {
	reg := instrument.DefaultStocks()
	for t, e := range v.betas {
		if b, msg := parseSetting(e.Text); msg == "" {
			p := reg[t]
			p.Beta = b
			reg[t] = p
		}
	}
	for t, l := range v.derived {
		ui.SetLabel(l, displayNumber(reg.Lookup(t).Beta), widget.MediumImportance)
	}
}

// readForm reads the form into settings, putting each field's problem beside it.
func (v *SettingsView) readForm() (desk.Settings, bool) {
	s := desk.DefaultSettings()
	ok := true
	s.Theme = themeChoice(v.theme.Selected)
	s.Benchmark = v.benchmark.Selected
	for t, e := range v.betas {
		b, msg := parseSetting(e.Text)
		if msg == "" {
			msg = desk.BetaProblem(b)
		}
		ui.SetLabel(v.betaErrs[t], msg, widget.DangerImportance)
		if msg != "" {
			ok = false
			continue
		}
		s.Betas[t] = b
	}
	for i, f := range desk.LimitFields {
		x, msg := parseSetting(v.limits[i].Text)
		if msg == "" {
			msg = f.Problem(x)
		}
		ui.SetLabel(v.limitErrs[i], msg, widget.DangerImportance)
		if msg != "" {
			ok = false
			continue
		}
		*f.Field(&s.Limits) = x / f.Scale
	}
	for i, f := range desk.CommissionFields {
		text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v.comms[i].Text), "$"))
		d, err := decimal.NewFromString(text)
		msg := ""
		switch {
		case text == "":
			msg = "enter an amount (0 for none)"
		case err != nil:
			msg = fmt.Sprintf("“%s” is not an amount", text)
		case d.IsNegative():
			msg = "must be 0 or more"
		}
		ui.SetLabel(v.commErrs[i], msg, widget.DangerImportance)
		if msg != "" {
			ok = false
			continue
		}
		*f.Field(&s.Commissions) = d
	}
	if !v.liq.read(&s.Liquidity) {
		ok = false
	}
	if !v.roll.read(&s.Roll) {
		ok = false
	}
	if ok {
		if err := s.Validate(); err != nil {
			ui.SetLabel(v.status, err.Error(), widget.DangerImportance)
			ok = false
		}
	}
	return s, ok
}

// saveAndApply checks the form, writes the settings and applies them to the desk.
func (v *SettingsView) saveAndApply() {
	s, ok := v.readForm()
	if !ok {
		ui.SetLabel(v.status, "Nothing was saved: fix the fields marked in red.", widget.DangerImportance)
		return
	}
	commsChanged := !commissionsEqual(s.Commissions, v.saved.Commissions)
	v.save.Disable()
	v.Background(func() func() {
		err := errors.New("the desk is not running")
		if d := v.env.Desk; d != nil {
			err = d.ApplySettings(v.ctx, s)
		}
		return func() {
			v.save.Enable()
			if err != nil {
				ui.SetLabel(v.status, "Not saved: "+err.Error(), widget.DangerImportance)
				return
			}
			v.saved = s
			if a := fyne.CurrentApp(); a != nil {
				a.Settings().SetTheme(ui.ThemeFor(s.Theme))
			}
			msg := "Saved. The desk uses the betas and limits from its next snapshot."
			if commsChanged {
				msg += " The new commissions apply from the next start of Keel."
			}
			ui.SetLabel(v.status, msg, widget.SuccessImportance)
		}
	})
}

func commissionsEqual(a, b desk.Commissions) bool {
	for _, f := range desk.CommissionFields {
		if !f.Field(&a).Equal(*f.Field(&b)) {
			return false
		}
	}
	return true
}

// simulatedClock is the desk's broker's clock when it has one (the paper broker).
func (v *SettingsView) simulatedClock() (brokers.SimulatedClock, bool) {
	if v.env.Desk == nil {
		return nil, false
	}
	c := v.env.Desk.Paper()
	return c, c != nil
}

// showClock shows the paper market's clock (UI goroutine).
func (v *SettingsView) showClock(c *brokers.ClockState) {
	if c == nil {
		if _, ok := v.simulatedClock(); !ok {
			ui.SetLabel(v.clockText, "This broker's market runs on real time.", widget.LowImportance)
			v.speed.Disable()
			v.pause.Disable()
		}
		return
	}
	ui.SetLabel(v.clockText, ui.ClockText(*c), widget.MediumImportance)
	v.paused = c.Paused
	if c.Paused {
		v.pause.SetText("Resume")
	} else {
		v.pause.SetText("Pause")
	}
	for _, s := range settingsSpeeds {
		if s.speed == c.Speed && v.speed.Selected != s.label {
			onChanged := v.speed.OnChanged
			v.speed.OnChanged = nil
			v.speed.SetSelected(s.label)
			v.speed.OnChanged = onChanged
		}
	}
}

// setSpeed sets the paper market's speed; the broker is called off the UI goroutine.
func (v *SettingsView) setSpeed(label string) {
	c, ok := v.simulatedClock()
	if !ok {
		return
	}
	i := slices.IndexFunc(settingsSpeeds, func(s struct {
		label string
		speed float64
	}) bool {
		return s.label == label
	})
	if i < 0 {
		return
	}
	speed := settingsSpeeds[i].speed
	v.Background(func() func() {
		err := c.SetSpeed(speed)
		cs := c.Clock()
		return func() {
			if err != nil {
				ui.SetLabel(v.status, "Clock: "+err.Error(), widget.DangerImportance)
			}
			v.showClock(&cs)
		}
	})
}

// togglePause stops or restarts the paper market's clock.
func (v *SettingsView) togglePause() {
	c, ok := v.simulatedClock()
	if !ok {
		return
	}
	pause := !v.paused
	v.Background(func() func() {
		c.SetPaused(pause)
		cs := c.Clock()
		return func() { v.showClock(&cs) }
	})
}

// Window is the settings window.
func Window() ui.Window {
	return ui.Window{
		Name:  "settings",
		Title: "Keel — Settings",
		Size:  fyne.NewSize(1270, 670),
		Key:   fyne.KeyComma,
		Build: func(env ui.Env) fyne.CanvasObject { return NewSettingsView(env).Content() },
	}
}
