package calculator

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// Choices shown in the calculator's radio groups.
const (
	stockETF = "Stock / ETF"
	future   = "Future"
	european = "European"
	american = "American"
	call     = "Call"
	put      = "Put"
)

// equityMultiplier is the shares per standard US equity option contract.
const equityMultiplier = instrument.EquityOptionMultiplier

// futuresPreset is a futures contract the multiplier can be set from: its root and its
// multiplier in $ per point.
type futuresPreset struct {
	Name       string
	Multiplier float64
}

// futuresPresets are common futures contracts with their multipliers from
// engine/instrument (ES 50, MES 5, NQ 20, MNQ 2, RTY 50, CL 1,000, GC 100).
var futuresPresets = func() []futuresPreset {
	var out []futuresPreset
	for _, root := range []string{"ES", "MES", "NQ", "MNQ", "RTY", "CL", "GC"} {
		spec, ok := instrument.LookupFutures(root)
		if !ok {
			panic("calculator: no futures spec for " + root)
		}
		out = append(out, futuresPreset{root, spec.Multiplier})
	}
	return out
}()

// field is one input row: its label, entry and the message beside it (a hint in grey or a
// problem in red).
type field struct {
	label *widget.Label
	entry *ui.Entry
	msg   *widget.Label
}

// output is one row of the value and Greeks table.
type output struct {
	name, perUnit, perContract, unit *widget.Label
}

// Calculator is the option calculator window: contract and market inputs on the left,
// value and Greeks per unit and per contract on the right, and an implied volatility
// solver below them. It recomputes on every keystroke and reads "now" from its clock.
type Calculator struct {
	now func() time.Time

	underlying, style, right *widget.RadioGroup

	price, strike, expiry, vol, rate, yield, multiplier, market *field
	preset                                                      *widget.Select

	unitHeader, contractHeader                                                       *widget.Label
	value, intrinsic, timeValue, delta, gamma, theta, vega, rho, vanna, charm, volga *output
	iv, ivNote                                                                       *widget.Label
	model, status                                                                    *widget.Label

	// shown is the underlying the labels are set for; the multipliers typed for the other
	// underlying are remembered and restored when the user switches back.
	shown                               string
	equityMultiplier, futuresMultiplier string
	// updating is set while the calculator writes into its own widgets, so their change
	// callbacks do not recompute half-way.
	updating bool

	content fyne.CanvasObject
}

// NewCalculator builds the calculator with example inputs (an at-the-money call expiring on
// next month's standard monthly expiry) and computes its outputs. now is its clock.
func NewCalculator(now func() time.Time) *Calculator {
	c := &Calculator{now: now, equityMultiplier: strconv.Itoa(equityMultiplier), futuresMultiplier: "50"}
	c.build()
	c.updating = true
	c.underlying.SetSelected(stockETF)
	c.style.SetSelected(european)
	c.right.SetSelected(call)
	c.price.entry.SetText("100.00")
	c.strike.entry.SetText("100.00")
	c.expiry.entry.SetText(monthlyExpiryNextMonth(now().In(instrument.NewYork)).Format(time.DateOnly))
	c.vol.entry.SetText("20.0")
	c.rate.entry.SetText("4.00")
	c.yield.entry.SetText("1.00")
	c.multiplier.entry.SetText(c.equityMultiplier)
	c.market.entry.SetText("2.75")
	c.updating = false
	c.recompute()
	return c
}

// Content is the window content.
func (c *Calculator) Content() fyne.CanvasObject { return c.content }

func (c *Calculator) newField(label, placeholder string) *field {
	f := &field{
		label: widget.NewLabel(label),
		entry: ui.NewEntry(),
		msg:   widget.NewLabel(""),
	}
	f.entry.PlaceHolder = placeholder
	f.entry.TextStyle = fyne.TextStyle{Monospace: true}
	f.entry.OnChanged = func(string) { c.recompute() }
	f.msg.Importance = widget.LowImportance
	return f
}

func (c *Calculator) radio(options ...string) *widget.RadioGroup {
	r := widget.NewRadioGroup(options, func(string) { c.recompute() })
	r.Horizontal = true
	r.Required = true
	return r
}

func newOutput(name string) *output {
	num := func() *widget.Label {
		return widget.NewLabelWithStyle(ui.NoValue, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	}
	unit := widget.NewLabel("")
	unit.Importance = widget.LowImportance
	return &output{name: widget.NewLabel(name), perUnit: num(), perContract: num(), unit: unit}
}

// minWidth wraps o so that it is at least w wide.
func minWidth(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, 0))
	return container.NewStack(r, o)
}

func (c *Calculator) build() {
	c.underlying = c.radio(stockETF, future)
	c.style = c.radio(european, american)
	c.right = c.radio(call, put)

	c.price = c.newField("", "e.g. 100.00")
	c.strike = c.newField("Strike", "e.g. 105.00")
	c.expiry = c.newField("Expiry (date or days)", "YYYY-MM-DD or days")
	c.vol = c.newField("Volatility (% a year)", "e.g. 20")
	c.rate = c.newField("Risk-free rate (% a year)", "e.g. 4.00")
	c.yield = c.newField("Dividend yield (% a year)", "e.g. 1.50")
	c.multiplier = c.newField("Multiplier (units per contract)", "e.g. 100")
	c.market = c.newField("", "price to solve for")

	names := make([]string, len(futuresPresets))
	for i, p := range futuresPresets {
		names[i] = fmt.Sprintf("%s  %g", p.Name, p.Multiplier)
	}
	c.preset = widget.NewSelect(names, func(s string) {
		for i, p := range futuresPresets {
			if names[i] == s && !c.updating {
				c.multiplier.entry.SetText(strconv.FormatFloat(p.Multiplier, 'f', -1, 64))
			}
		}
	})
	c.preset.PlaceHolder = "Presets"

	const entryWidth = 150
	rows := []fyne.CanvasObject{
		widget.NewLabel("Underlying"), c.underlying, layout.NewSpacer(),
		widget.NewLabel("Style"), c.style, layout.NewSpacer(),
		widget.NewLabel("Right"), c.right, layout.NewSpacer(),
	}
	for _, f := range []*field{c.price, c.strike, c.expiry, c.vol, c.rate, c.yield} {
		rows = append(rows, f.label, minWidth(f.entry, entryWidth), f.msg)
	}
	rows = append(rows, c.multiplier.label, minWidth(c.multiplier.entry, entryWidth),
		container.NewHBox(c.preset, c.multiplier.msg))
	inputs := widget.NewCard("Contract and market", "", container.New(widgets.NewColumns(3, 2), rows...))

	c.unitHeader = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	c.contractHeader = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	c.value = newOutput("Theoretical value")
	c.intrinsic = newOutput("Intrinsic value")
	c.timeValue = newOutput("Time value")
	c.delta = newOutput("Delta")
	c.gamma = newOutput("Gamma")
	c.theta = newOutput("Theta")
	c.vega = newOutput("Vega")
	c.rho = newOutput("Rho")
	c.vanna = newOutput("Vanna")
	c.charm = newOutput("Charm")
	c.volga = newOutput("Volga")
	table := []fyne.CanvasObject{
		layout.NewSpacer(), c.unitHeader, c.contractHeader,
		widget.NewLabelWithStyle("Unit", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
	}
	for _, o := range []*output{c.value, c.intrinsic, c.timeValue, c.delta, c.gamma, c.theta,
		c.vega, c.rho, c.vanna, c.charm, c.volga} {
		table = append(table, o.name, minWidth(o.perUnit, 90), minWidth(o.perContract, 100), o.unit)
	}
	c.model = widget.NewLabel("")
	c.model.Importance = widget.LowImportance
	c.model.Wrapping = fyne.TextWrapWord // the model's name and inputs: long, and the window fits 1024 px
	c.status = widget.NewLabel("")
	c.status.Wrapping = fyne.TextWrapWord
	outputs := widget.NewCard("Value and Greeks", "", container.NewVBox(
		container.New(widgets.NewColumns(4, 3), table...), c.model))

	c.iv = widget.NewLabelWithStyle(ui.NoValue, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	c.ivNote = widget.NewLabel("")
	c.ivNote.Wrapping = fyne.TextWrapWord
	c.ivNote.Importance = widget.LowImportance
	implied := widget.NewCard("Implied volatility", "", container.NewVBox(
		container.New(widgets.NewColumns(3, 2),
			c.market.label, minWidth(c.market.entry, 130), c.market.msg,
			widget.NewLabel("Implied volatility (% a year)"), c.iv, layout.NewSpacer()),
		c.ivNote))

	left := container.NewVBox(inputs, implied, c.status)
	right := container.NewVBox(outputs)
	// Inputs beside the values on a wide window, above them on a narrow one (1024 px).
	c.content = container.NewVScroll(ui.SideBySide(left, right))
}

// monthlyExpiryNextMonth is the standard monthly equity option expiry date (the third
// Friday, or the trading day before when it is a holiday) of the month after t.
func monthlyExpiryNextMonth(t time.Time) time.Time {
	first := time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, t.Location())
	return time.Date(first.Year(), first.Month(), instrument.MonthlyOptionDay(first.Year(), first.Month()),
		0, 0, 0, 0, t.Location())
}

// parseNumber reads a plain decimal number as typed by a trader: spaces around it and a
// trailing % are allowed; NaN, infinities, hex and anything else are not.
func parseNumber(s string) (float64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, errors.New("Enter a number")
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789.-+eE", r) {
			return 0, errors.New("Not a number")
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errors.New("Not a number")
	}
	return v, nil
}

// positive parses a number that must be above zero.
func positive(s string) (float64, error) {
	v, err := parseNumber(s)
	if err != nil {
		return 0, err
	}
	if v <= 0 {
		return 0, errors.New("Must be above 0")
	}
	return v, nil
}

// percent parses a rate in percent (between −100 and 100) and returns it as a fraction.
func percent(s string) (float64, error) {
	v, err := parseNumber(s)
	if err != nil {
		return 0, err
	}
	if v <= -100 || v >= 100 {
		return 0, errors.New("Must be within ±100 %")
	}
	return v / 100, nil
}

// maxDays bounds an expiry typed as days; LEAPS run about three years.
const maxDays = 3650

// parseExpiry reads the expiry as a date (YYYY-MM-DD, expiring at 16:00 New York, see
// instrument.OptionExpiry) or as a number of calendar days from now. It returns the ACT/365
// year fraction and a hint that shows the other form. kind is instrument.Option or
// instrument.FuturesOption.
func parseExpiry(s string, now time.Time, kind instrument.Kind) (years float64, hint string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, "", errors.New("Enter YYYY-MM-DD or days")
	}
	if strings.Count(s, "-") == 2 {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return 0, "", errors.New("Date must be YYYY-MM-DD")
		}
		exp := instrument.OptionExpiry(kind, "", d.Year(), d.Month(), d.Day())
		years := instrument.YearFraction(now, exp)
		if years <= 0 {
			return 0, "", errors.New("Expired (" + exp.Format("15:04") + " New York)")
		}
		days := years * 365
		if days > maxDays {
			return 0, "", fmt.Errorf("More than %d days away", maxDays)
		}
		return years, fmt.Sprintf("%.2f days (%s New York)", days, exp.In(instrument.NewYork).Format("15:04")), nil
	}
	days, err := parseNumber(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(s, "d")), " "))
	if err != nil {
		return 0, "", errors.New("Enter YYYY-MM-DD or days")
	}
	if days <= 0 || days > maxDays {
		return 0, "", fmt.Errorf("Days must be in (0, %d]", maxDays)
	}
	exp := now.Add(time.Duration(days * 24 * float64(time.Hour))).In(instrument.NewYork)
	return days / 365, "ends " + exp.Format("Mon 2006-01-02 15:04") + " NY", nil
}

// show sets a field's message: a grey hint when err is nil, the error in red otherwise.
func (f *field) show(hint string, err error) {
	if err != nil {
		f.msg.Importance = widget.DangerImportance
		f.msg.SetText(err.Error())
		return
	}
	f.msg.Importance = widget.LowImportance
	f.msg.SetText(hint)
}

// Decimals shown: per unit and per contract, and the most any row uses; rows with fewer
// decimals are padded on the right so the decimal points line up in the monospace column.
const (
	unitDecimals, contractDecimals       = 4, 2
	maxUnitDecimals, maxContractDecimals = 6, 4
)

func aligned(v float64, dp, maxDP int) string {
	s := ui.Num(v, dp)
	if s == ui.NoValue {
		return s
	}
	return s + strings.Repeat(" ", maxDP-dp)
}

// set shows a per-unit figure and the per-contract one (times the multiplier); fine rows
// (second-order Greeks) get two more decimals.
func (o *output) set(perUnit, multiplier float64, unit string, fine bool) {
	ud, cd := unitDecimals, contractDecimals
	if fine {
		ud, cd = maxUnitDecimals, maxContractDecimals
	}
	o.perUnit.SetText(aligned(perUnit, ud, maxUnitDecimals))
	o.perContract.SetText(aligned(perUnit*multiplier, cd, maxContractDecimals))
	o.unit.SetText(unit)
}

func (o *output) clear(unit string) {
	o.perUnit.SetText(ui.NoValue)
	o.perContract.SetText(ui.NoValue)
	o.unit.SetText(unit)
}

// recompute reads every input, shows what is wrong beside each field, and fills the outputs
// or "—" when they cannot be computed.
func (c *Calculator) recompute() {
	if c.updating || c.content == nil {
		return
	}
	c.updating = true
	defer func() { c.updating = false }()

	isFuture := c.underlying.Selected == future
	c.applyUnderlying(isFuture)
	now := c.now()

	o := pricing.Option{Style: pricing.European, Underlying: pricing.Spot, Right: pricing.Call}
	if c.style.Selected == american {
		o.Style = pricing.American
	}
	if c.right.Selected == put {
		o.Right = pricing.Put
	}
	if isFuture {
		o.Underlying = pricing.Futures
	}

	ok := true
	check := func(f *field, hint string, err error) {
		f.show(hint, err)
		if err != nil {
			ok = false
		}
	}
	var err error
	var hint string
	o.Spot, err = positive(c.price.entry.Text)
	check(c.price, "", err)
	o.Strike, err = positive(c.strike.entry.Text)
	check(c.strike, "", err)
	kind := instrument.Option
	if isFuture {
		kind = instrument.FuturesOption
	}
	o.Years, hint, err = parseExpiry(c.expiry.entry.Text, now, kind)
	check(c.expiry, hint, err)
	o.Vol, err = positive(c.vol.entry.Text)
	if err == nil && o.Vol > 1000 {
		err = errors.New("Must be at most 1000 %")
	}
	o.Vol /= 100
	check(c.vol, "", err)
	o.Rate, err = percent(c.rate.entry.Text)
	check(c.rate, "continuous", err)
	var q float64
	if !isFuture {
		q, err = percent(c.yield.entry.Text)
		hint = ""
		if err == nil {
			hint = "b = r − q = " + ui.Num((o.Rate-q)*100, 2) + " %"
		}
		check(c.yield, hint, err)
		o.Carry = o.Rate - q
	}
	mult, err := positive(c.multiplier.entry.Text)
	hint = "shares per contract"
	if isFuture {
		hint = "$ per point"
	}
	check(c.multiplier, hint, err)
	c.syncPreset(isFuture)

	c.setModel(o)
	if !ok {
		c.clearOutputs(isFuture)
		c.status.SetText("Fix the fields marked in red to see values.")
		return
	}
	g, err := pricing.Value(o)
	if err != nil {
		c.clearOutputs(isFuture)
		c.status.SetText(c.explain(err))
		return
	}
	c.status.SetText("")
	c.fillOutputs(o, g, mult, isFuture)
	c.solveIV(o, isFuture)
}

// applyUnderlying relabels the price and hides the carry field for futures (Black-76), and
// swaps the multiplier between the equity one and the futures one when the underlying changes.
func (c *Calculator) applyUnderlying(isFuture bool) {
	if c.underlying.Selected == c.shown {
		return
	}
	if isFuture {
		c.price.label.SetText("Futures price (points)")
		c.strike.label.SetText("Strike (points)")
		c.market.label.SetText("Market price (points)")
		c.multiplier.label.SetText("Multiplier ($ per point)")
		c.yield.label.Hide()
		c.yield.entry.Hide()
		c.yield.msg.Hide()
		c.preset.Show()
		c.unitHeader.SetText("Per point")
	} else {
		c.price.label.SetText("Underlying price ($)")
		c.strike.label.SetText("Strike ($)")
		c.market.label.SetText("Market price ($ per share)")
		c.multiplier.label.SetText("Multiplier (shares)")
		c.yield.label.Show()
		c.yield.entry.Show()
		c.yield.msg.Show()
		c.preset.Hide()
		c.unitHeader.SetText("Per share ($)")
	}
	c.contractHeader.SetText("Per contract ($)")
	if c.shown != "" { // a switch by the user, not the first showing
		if isFuture {
			c.equityMultiplier = c.multiplier.entry.Text
			c.multiplier.entry.SetText(c.futuresMultiplier)
		} else {
			c.futuresMultiplier = c.multiplier.entry.Text
			c.multiplier.entry.SetText(c.equityMultiplier)
		}
	}
	c.shown = c.underlying.Selected
}

// syncPreset shows the preset matching the multiplier typed (keeping the one chosen when
// two share a multiplier, as ES and RTY do), or none.
func (c *Calculator) syncPreset(isFuture bool) {
	if !isFuture {
		return
	}
	m, err := parseNumber(c.multiplier.entry.Text)
	if err == nil && presetMatches(c.preset.Selected, m) {
		return
	}
	for i, p := range futuresPresets {
		if err == nil && p.Multiplier == m {
			c.preset.SetSelectedIndex(i)
			return
		}
	}
	c.preset.ClearSelected()
}

func presetMatches(selected string, m float64) bool {
	for _, p := range futuresPresets {
		if strings.HasPrefix(selected, p.Name+" ") {
			return p.Multiplier == m
		}
	}
	return false
}

// setModel names the model in use under the table.
func (c *Calculator) setModel(o pricing.Option) {
	on := "on the stock or ETF price, carry b = r − q"
	if o.Underlying == pricing.Futures {
		on = "on the futures price, carry b = 0"
	}
	model := "Black–Scholes–Merton"
	switch {
	case o.Style == pricing.American:
		model = "Andersen–Lake–Offengeim, American"
	case o.Underlying == pricing.Futures:
		model = "Black-76"
	}
	c.model.SetText("Model: " + model + ", " + on + ".")
}

// explain turns an engine error into a sentence for the status line and marks the field.
func (c *Calculator) explain(err error) string {
	var in *pricing.InputError
	if errors.As(err, &in) {
		fields := map[string]*field{"Spot": c.price, "Strike": c.strike, "Years": c.expiry,
			"Vol": c.vol, "Rate": c.rate, "Carry": c.yield}
		if f, ok := fields[in.Field]; ok {
			f.show("", errors.New("Out of range for the model"))
		}
		return "The model cannot value these inputs: " + in.Field + " " + in.Reason + "."
	}
	if errors.Is(err, pricing.ErrNotFinite) {
		return "The model's result is not a finite number for these inputs; try a less extreme combination."
	}
	return "The model cannot value these inputs: " + err.Error()
}

func (c *Calculator) clearOutputs(isFuture bool) {
	for _, r := range c.rows(isFuture) {
		r.out.clear(r.unit)
	}
	c.iv.SetText(ui.NoValue)
	c.ivNote.SetText("")
	c.market.show("", nil)
}

type row struct {
	out  *output
	unit string
}

// rows pairs each output row with the unit its figures are in, in table order.
func (c *Calculator) rows(isFuture bool) []row {
	move := "$1"
	if isFuture {
		move = "1-point"
	}
	return []row{
		{c.value, "premium"},
		{c.intrinsic, "exercise value"},
		{c.timeValue, "value − intrinsic"},
		{c.delta, "per " + move + " move"},
		{c.gamma, "Δ per " + move + " move"},
		{c.theta, "per calendar day"},
		{c.vega, "per vol point"},
		{c.rho, "per 1 % rate"},
		{c.vanna, "Δ per vol point"},
		{c.charm, "Δ per calendar day"},
		{c.volga, "vega per vol point"},
	}
}

func (c *Calculator) fillOutputs(o pricing.Option, g pricing.Greeks, mult float64, isFuture bool) {
	intrinsic := math.Max(o.Spot-o.Strike, 0)
	if o.Right == pricing.Put {
		intrinsic = math.Max(o.Strike-o.Spot, 0)
	}
	values := []float64{
		g.Price,
		intrinsic,
		g.Price - intrinsic,
		g.Delta,
		g.Gamma,
		g.Theta / 365,
		g.Vega / 100,
		g.Rho / 100,
		g.Vanna / 100,
		g.Charm / 365,
		g.Volga / 100 / 100,
	}
	for i, r := range c.rows(isFuture) {
		fine := r.out == c.gamma || r.out == c.vanna || r.out == c.charm || r.out == c.volga
		r.out.set(values[i], mult, r.unit, fine)
	}
}

// solveIV solves for the volatility that gives the market price typed, explaining in words
// a price outside the no-arbitrage bounds.
func (c *Calculator) solveIV(o pricing.Option, isFuture bool) {
	c.iv.SetText(ui.NoValue)
	c.ivNote.SetText("Solved with the inputs above; the volatility field is ignored.")
	text := strings.TrimSpace(c.market.entry.Text)
	if text == "" {
		c.market.show("enter a price", nil)
		return
	}
	price, err := positive(text)
	if err != nil {
		c.market.show("", err)
		return
	}
	unit := "$"
	if isFuture {
		unit = "points"
	}
	vol, err := pricing.ImpliedVol(o, price)
	var bounds *pricing.PriceBoundsError
	switch {
	case errors.As(err, &bounds) && price <= bounds.Lower:
		c.market.show("", errors.New("Below the arbitrage floor"))
		c.ivNote.SetText(fmt.Sprintf("No volatility gives %s: at any volatility this %s %s is worth more than %s %s, "+
			"its discounted intrinsic value.", ui.Num(price, 4), o.Style, o.Right,
			ui.Num(bounds.Lower, 4), unit))
	case errors.As(err, &bounds):
		c.market.show("", errors.New("Above the arbitrage ceiling"))
		ceiling := "the discounted underlying price"
		if o.Right == pricing.Put {
			ceiling = "the discounted strike"
		}
		c.ivNote.SetText(fmt.Sprintf("No volatility gives %s: at any volatility this %s %s is worth less than %s %s, "+
			"%s.", ui.Num(price, 4), o.Style, o.Right, ui.Num(bounds.Upper, 4), unit, ceiling))
	case err != nil:
		c.market.show("", errors.New("No volatility fits"))
		c.ivNote.SetText("The solver found no volatility that gives this price: " + err.Error())
	default:
		c.market.show("", nil)
		c.iv.SetText(ui.Num(vol*100, 2) + " %")
	}
}

// Window is the option calculator window.
func Window() ui.Window {
	return ui.Window{
		Name:  "calculator",
		Title: "Keel — Option calculator",
		Size:  fyne.NewSize(1180, 670),
		Key:   fyne.KeyK,
		Build: func(env ui.Env) fyne.CanvasObject { return NewCalculator(env.Now).Content() },
	}
}
