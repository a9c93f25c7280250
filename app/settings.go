package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
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
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// SettingsKey is the journal setting the Settings are kept under, as JSON.
const SettingsKey = "settings.v1"

// Settings are what the trader configures in the Settings window: the benchmark the book is
// weighted to, the betas of stocks and ETFs, the book's risk limits and the paper account's
// commissions and fees. They are kept as JSON in the journal's settings table.
type Settings struct {
	// Benchmark is what beta-weighted figures are expressed against: "SPY" or "ES".
	Benchmark string `json:"benchmark"`
	// Betas are the own betas to SPY of the plain stocks and ETFs (QQQ 1.15, VXX −2.5),
	// laid over instrument.DefaultStocks. Leveraged and inverse funds take theirs from
	// their reference (SQQQ −3 × QQQ's).
	Betas       map[string]float64 `json:"betas"`
	Limits      portfolio.Limits   `json:"limits"`
	Commissions paper.Commissions  `json:"commissions"`
}

// DefaultSettings are Keel's defaults: SPY, the registry's betas, the delta-hedging
// guide's limits and typical US retail commissions.
func DefaultSettings() Settings {
	s := Settings{Benchmark: "SPY", Betas: map[string]float64{}, Limits: portfolio.DefaultLimits(),
		Commissions: paper.DefaultCommissions()}
	for _, t := range betaTickers() {
		s.Betas[t] = instrument.DefaultStocks()[t].Beta
	}
	return s
}

// betaTickers are the registry's plain stocks and ETFs, whose beta is their own (not SPY,
// the benchmark itself, whose beta is 1 by definition).
func betaTickers() []string {
	reg := instrument.DefaultStocks()
	var out []string
	for _, t := range reg.Tickers() {
		p := reg[t]
		if t != "SPY" && (p.Reference == "" || p.Reference == t) {
			out = append(out, t)
		}
	}
	return out
}

// LoadSettings reads the settings from j; never-saved settings (or a nil journal) are the
// defaults, and a field missing from what was saved keeps its default. Settings that cannot
// be read or do not validate return the defaults and the error.
func LoadSettings(ctx context.Context, j *data.Journal) (Settings, error) {
	s := DefaultSettings()
	if j == nil {
		return s, nil
	}
	raw, ok, err := j.Setting(ctx, SettingsKey)
	if err != nil || !ok {
		return s, err
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return DefaultSettings(), fmt.Errorf("settings: %w", err)
	}
	if err := s.Validate(); err != nil {
		return DefaultSettings(), fmt.Errorf("settings: %w", err)
	}
	return s, nil
}

// SaveSettings checks s and writes it to j.
func SaveSettings(ctx context.Context, j *data.Journal, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if j == nil {
		return errors.New("settings: no journal is open to keep them in")
	}
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return j.SetSetting(ctx, SettingsKey, string(b))
}

// Validate reports every problem with s in words naming the field.
func (s Settings) Validate() error {
	var errs []error
	if s.Benchmark != "SPY" && s.Benchmark != "ES" {
		errs = append(errs, fmt.Errorf("benchmark %q is not SPY or ES", s.Benchmark))
	}
	for _, t := range slices.Sorted(maps.Keys(s.Betas)) {
		if msg := betaProblem(s.Betas[t]); msg != "" {
			errs = append(errs, fmt.Errorf("beta of %s: %s", t, msg))
		}
	}
	for _, f := range limitFields {
		if msg := f.problem(*f.field(&s.Limits) * f.scale); msg != "" {
			errs = append(errs, fmt.Errorf("%s: %s", f.label, msg))
		}
	}
	for _, f := range commissionFields {
		if f.field(&s.Commissions).IsNegative() {
			errs = append(errs, fmt.Errorf("%s: must be 0 or more", f.label))
		}
	}
	return errors.Join(errs...)
}

// betaProblem says what is wrong with a beta, "" when nothing.
func betaProblem(b float64) string {
	switch {
	case math.IsNaN(b) || math.IsInf(b, 0):
		return "not a number"
	case math.Abs(b) > 10:
		return "must be between −10 and 10"
	}
	return ""
}

// Stocks are the stock and ETF registry with the settings' betas laid over it.
func (s Settings) Stocks() instrument.Stocks {
	reg := instrument.DefaultStocks()
	for t, b := range s.Betas {
		p, ok := reg[t]
		if !ok || (p.Reference != "" && p.Reference != t) {
			continue // only plain ones have their own beta
		}
		p.Beta = b
		reg[t] = p
	}
	return reg
}

// PaperCommissions are the commissions for the paper broker's Config.Commissions.
func (s Settings) PaperCommissions() *paper.Commissions {
	c := s.Commissions
	return &c
}

// Apply hands the settings the desk uses live to d: the betas, the risk limits and the
// benchmark, from its next snapshot on. Commissions are the
// paper broker's and are applied when it opens (PaperCommissions).
func (s Settings) Apply(d *desk.Service) {
	if d == nil {
		return
	}
	d.SetStocks(s.Stocks())
	d.SetRiskLimits(s.Limits)
	d.SetBenchmark(s.Benchmark)
}

// limitField is one risk limit in the form: shown as the field × scale in unit.
type limitField struct {
	label, unit string
	field       func(*portfolio.Limits) *float64
	scale       float64
	max         float64 // largest allowed, in shown units; 0 for none
}

var limitFields = []limitField{
	{"Delta", "SPY shares (β-weighted) per $100k of net liq", func(l *portfolio.Limits) *float64 { return &l.DeltaSharesPer100k }, 1, 0},
	{"Vega", "% of net liq per vol point", func(l *portfolio.Limits) *float64 { return &l.VegaPerPoint }, 100, 100},
	{"Theta bleed", "% of the options' notional per day", func(l *portfolio.Limits) *float64 { return &l.ThetaPerDay }, 100, 100},
	{"Gamma in one expiry", "% of the book's |dollar gamma|", func(l *portfolio.Limits) *float64 { return &l.ExpiryGammaShare }, 100, 100},
	{"…checked once |dollar gamma| is over", "% of net liq per 1% move", func(l *portfolio.Limits) *float64 { return &l.GammaFloor }, 100, 100},
	{"Roll or close by", "days to expiry", func(l *portfolio.Limits) *float64 { return &l.WarnDTE }, 1, 3650},
	{"At the money, no later than", "days to expiry", func(l *portfolio.Limits) *float64 { return &l.ATMDTE }, 1, 3650},
	{"At the money means within", "% of the strike", func(l *portfolio.Limits) *float64 { return &l.ATMBand }, 100, 100},
}

// problem says what is wrong with a limit in shown units, "" when nothing.
func (f limitField) problem(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "not a number"
	case v < 0:
		return "must be 0 or more (0 switches the check off)"
	case f.max > 0 && v > f.max:
		return "must be at most " + strconv.FormatFloat(f.max, 'f', -1, 64)
	}
	return ""
}

// commissionField is one commission or fee in the form, in dollars.
type commissionField struct {
	label, unit string
	field       func(*paper.Commissions) *decimal.Decimal
}

var commissionFields = []commissionField{
	{"Stock and ETF options", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.EquityOption }},
	{"…their exchange and regulatory fees", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.EquityOptionFees }},
	{"Futures options", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.FuturesOption }},
	{"Futures", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.Future }},
	{"…futures exchange and NFA fees", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.FuturesFees }},
	{"Shares", "$ per share", func(c *paper.Commissions) *decimal.Decimal { return &c.Share }},
	{"…regulatory fees on shares", "$ per share", func(c *paper.Commissions) *decimal.Decimal { return &c.ShareFees }},
	{"Assignment or exercise", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.AssignmentFee }},
}

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
// shows problems beside them and changes nothing until they are fixed; then it writes the
// settings to the journal and applies them to the desk.
type SettingsView struct {
	env ui.Env
	ctx context.Context

	ui.Work

	// Everything below is touched only on the UI goroutine.
	saved     Settings
	benchmark *widget.Select
	benchNote *widget.Label
	betas     map[string]*widget.Entry
	betaErrs  map[string]*widget.Label
	derived   map[string]*widget.Label // leveraged funds' betas, from their reference
	limits    []*widget.Entry
	limitErrs []*widget.Label
	comms     []*widget.Entry
	commErrs  []*widget.Label
	clockText *widget.Label
	speed     *widget.Select
	pause     *widget.Button
	paused    bool
	save      *widget.Button
	status    *widget.Label

	content fyne.CanvasObject
}

// NewSettingsView builds the Settings window and loads the saved settings.
func NewSettingsView(env ui.Env) *SettingsView {
	v := &SettingsView{env: env, ctx: context.Background(),
		betas: map[string]*widget.Entry{}, betaErrs: map[string]*widget.Label{}, derived: map[string]*widget.Label{}}
	v.build()
	v.show(DefaultSettings())
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
		ui.SetLabel(v.status, "Settings are kept in the journal, which could not be opened: "+why, widget.DangerImportance)
		v.save.Disable()
	} else {
		v.Background(func() func() {
			s, err := LoadSettings(v.ctx, env.Journal)
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
			e := widget.NewEntry()
			e.OnChanged = func(string) { v.showDerived() }
			v.betas[t] = e
			v.betaErrs[t] = ui.ProblemLabel()
			cells = append(cells, e, quietLabel("own beta"), v.betaErrs[t])
		}
	}
	betaGrid := container.New(widgets.NewColumns(4, -1), cells...)

	// Risk limits.
	cells = nil
	for _, f := range limitFields {
		e := widget.NewEntry()
		v.limits = append(v.limits, e)
		l := ui.ProblemLabel()
		v.limitErrs = append(v.limitErrs, l)
		cells = append(cells, widget.NewLabel(f.label), ui.Sized(e, 90), quietLabel(f.unit), l)
	}
	limits := container.New(widgets.NewColumns(4, -1), cells...)

	// Commissions and fees.
	cells = nil
	for _, f := range commissionFields {
		e := widget.NewEntry()
		v.comms = append(v.comms, e)
		l := ui.ProblemLabel()
		v.commErrs = append(v.commErrs, l)
		cells = append(cells, widget.NewLabel(f.label), ui.Sized(e, 90), quietLabel(f.unit), l)
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
	left := container.NewVBox(
		settingsTitle("Benchmark and betas"),
		container.NewHBox(widget.NewLabel("Weigh the book to"), v.benchmark, v.benchNote),
		betaGrid,
		widget.NewSeparator(),
		settingsTitle("Paper market clock"), clock,
	)

	right := container.NewVBox(
		settingsTitle("Risk limits (0 switches a check off; the defaults are the delta-hedging guide's)"), limits,
		widget.NewSeparator(),
		settingsTitle("Commissions and fees (paper account)"), comms, commNote,
	)

	v.save = widget.NewButton("Save and apply", v.saveAndApply)
	v.save.Importance = widget.HighImportance
	defaults := widget.NewButton("Restore defaults", func() {
		v.show(DefaultSettings())
		ui.SetLabel(v.status, "The defaults are in the form; Save and apply to keep them.", widget.MediumImportance)
	})
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	bottom := container.NewBorder(widget.NewSeparator(), nil, container.NewHBox(v.save, defaults), nil, v.status)
	body := container.New(widgets.NewColumns(3, 2), left, widget.NewSeparator(), right)
	v.content = container.NewBorder(nil, bottom, nil, nil, container.NewVScroll(body))
}

// show puts s in the form and clears every problem.
func (v *SettingsView) show(s Settings) {
	v.benchmark.SetSelected(s.Benchmark)
	for t, e := range v.betas {
		b, ok := s.Betas[t]
		if !ok {
			b = instrument.DefaultStocks()[t].Beta
		}
		e.SetText(settingNumber(b))
		ui.SetLabel(v.betaErrs[t], "", widget.DangerImportance)
	}
	for i, f := range limitFields {
		v.limits[i].SetText(settingNumber(*f.field(&s.Limits) * f.scale))
		ui.SetLabel(v.limitErrs[i], "", widget.DangerImportance)
	}
	for i, f := range commissionFields {
		v.comms[i].SetText(f.field(&s.Commissions).String())
		ui.SetLabel(v.commErrs[i], "", widget.DangerImportance)
	}
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
func (v *SettingsView) readForm() (Settings, bool) {
	s := DefaultSettings()
	ok := true
	s.Benchmark = v.benchmark.Selected
	for t, e := range v.betas {
		b, msg := parseSetting(e.Text)
		if msg == "" {
			msg = betaProblem(b)
		}
		ui.SetLabel(v.betaErrs[t], msg, widget.DangerImportance)
		if msg != "" {
			ok = false
			continue
		}
		s.Betas[t] = b
	}
	for i, f := range limitFields {
		x, msg := parseSetting(v.limits[i].Text)
		if msg == "" {
			msg = f.problem(x)
		}
		ui.SetLabel(v.limitErrs[i], msg, widget.DangerImportance)
		if msg != "" {
			ok = false
			continue
		}
		*f.field(&s.Limits) = x / f.scale
	}
	for i, f := range commissionFields {
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
		*f.field(&s.Commissions) = d
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
		err := SaveSettings(v.ctx, v.env.Journal, s)
		if err == nil {
			s.Apply(v.env.Desk)
		}
		return func() {
			v.save.Enable()
			if err != nil {
				ui.SetLabel(v.status, "Not saved: "+err.Error(), widget.DangerImportance)
				return
			}
			v.saved = s
			msg := "Saved. The desk uses the betas and limits from its next snapshot."
			if commsChanged {
				msg += " The new commissions apply from the next start of Keel."
			}
			ui.SetLabel(v.status, msg, widget.SuccessImportance)
		}
	})
}

func commissionsEqual(a, b paper.Commissions) bool {
	for _, f := range commissionFields {
		if !f.field(&a).Equal(*f.field(&b)) {
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
