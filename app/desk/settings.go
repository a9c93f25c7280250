package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
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
	// Liquidity is the liquidity checklist every order passes (thresholds, warn or block).
	Liquidity LiquiditySettings `json:"liquidity"`
	// Roll is the roll planner's window, debit rule and weights.
	Roll RollPlannerSettings `json:"roll"`
	// Theme is the windows' colours: "dark", "light" or "system" (the system's preference).
	Theme string `json:"theme"`
}

// Themes are the choices of Settings.Theme.
var Themes = []string{"dark", "light", "system"}

// DefaultSettings are Keel's defaults: SPY, the registry's betas, the delta-hedging
// guide's limits and typical US retail commissions.
func DefaultSettings() Settings {
	s := Settings{Benchmark: "SPY", Betas: map[string]float64{}, Limits: portfolio.DefaultLimits(),
		Commissions: paper.DefaultCommissions(), Liquidity: DefaultLiquiditySettings(),
		Roll: DefaultRollPlannerSettings(), Theme: "system"}
	for _, t := range BetaTickers() {
		s.Betas[t] = instrument.DefaultStocks()[t].Beta
	}
	return s
}

// BetaTickers are the registry's plain stocks and ETFs, whose beta is their own (not SPY,
// the benchmark itself, whose beta is 1 by definition).
func BetaTickers() []string {
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
		if msg := BetaProblem(s.Betas[t]); msg != "" {
			errs = append(errs, fmt.Errorf("beta of %s: %s", t, msg))
		}
	}
	for _, f := range LimitFields {
		if msg := f.Problem(*f.Field(&s.Limits) * f.Scale); msg != "" {
			errs = append(errs, fmt.Errorf("%s: %s", f.Label, msg))
		}
	}
	for _, f := range CommissionFields {
		if f.Field(&s.Commissions).IsNegative() {
			errs = append(errs, fmt.Errorf("%s: must be 0 or more", f.Label))
		}
	}
	if err := s.Liquidity.Rules.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := s.Roll.Validate(); err != nil {
		errs = append(errs, err)
	}
	if !slices.Contains(Themes, s.Theme) {
		errs = append(errs, fmt.Errorf("theme %q is not dark, light or system", s.Theme))
	}
	return errors.Join(errs...)
}

// BetaProblem says what is wrong with a beta, "" when nothing.
func BetaProblem(b float64) string {
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
func (s Settings) Apply(d *Service) {
	if d == nil {
		return
	}
	d.SetStocks(s.Stocks())
	d.SetRiskLimits(s.Limits)
	d.SetBenchmark(s.Benchmark)
	d.SetLiquidity(s.Liquidity)
	d.SetRollPlanner(s.Roll)
}

// ApplySettings checks st, writes it to the journal and applies it: the betas, limits and
// benchmark from the next snapshot on (the commissions from the next start of the paper
// account). Nothing changes when st does not validate or cannot be saved.
func (s *Service) ApplySettings(ctx context.Context, st Settings) error {
	if err := SaveSettings(ctx, s.cfg.Journal, st); err != nil {
		return err
	}
	st.Apply(s)
	return nil
}

// Settings are the settings as the journal keeps them (the defaults when never saved).
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	return LoadSettings(ctx, s.cfg.Journal)
}

// Commissions are the paper account's commissions and fees, as the Settings window edits
// them.
type Commissions = paper.Commissions

// LimitField is one risk limit in the form: shown as the field × scale in unit.
type LimitField struct {
	Label, Unit string
	Field       func(*portfolio.Limits) *float64
	Scale       float64
	Max         float64 // largest allowed, in shown units; 0 for none
}

var LimitFields = []LimitField{
	{"Delta", "SPY shares (β-weighted) per $100k of net liq", func(l *portfolio.Limits) *float64 { return &l.DeltaSharesPer100k }, 1, 0},
	{"Vega", "% of net liq per vol point", func(l *portfolio.Limits) *float64 { return &l.VegaPerPoint }, 100, 100},
	{"Theta bleed", "% of the options' notional per day", func(l *portfolio.Limits) *float64 { return &l.ThetaPerDay }, 100, 100},
	{"Gamma in one expiry", "% of the book's |dollar gamma|", func(l *portfolio.Limits) *float64 { return &l.ExpiryGammaShare }, 100, 100},
	{"…checked once |dollar gamma| is over", "% of net liq per 1% move", func(l *portfolio.Limits) *float64 { return &l.GammaFloor }, 100, 100},
	{"Roll or close by", "days to expiry", func(l *portfolio.Limits) *float64 { return &l.WarnDTE }, 1, 3650},
	{"At the money, no later than", "days to expiry", func(l *portfolio.Limits) *float64 { return &l.ATMDTE }, 1, 3650},
	{"At the money means within", "% of the strike", func(l *portfolio.Limits) *float64 { return &l.ATMBand }, 100, 100},
}

// Problem says what is wrong with a limit in shown units, "" when nothing.
func (f LimitField) Problem(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "not a number"
	case v < 0:
		return "must be 0 or more (0 switches the check off)"
	case f.Max > 0 && v > f.Max:
		return "must be at most " + strconv.FormatFloat(f.Max, 'f', -1, 64)
	}
	return ""
}

// CommissionField is one commission or fee in the form, in dollars.
type CommissionField struct {
	Label, Unit string
	Field       func(*paper.Commissions) *decimal.Decimal
}

var CommissionFields = []CommissionField{
	{"Stock and ETF options", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.EquityOption }},
	{"…their exchange and regulatory fees", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.EquityOptionFees }},
	{"Futures options", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.FuturesOption }},
	{"Futures", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.Future }},
	{"…futures exchange and NFA fees", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.FuturesFees }},
	{"Shares", "$ per share", func(c *paper.Commissions) *decimal.Decimal { return &c.Share }},
	{"…regulatory fees on shares", "$ per share", func(c *paper.Commissions) *decimal.Decimal { return &c.ShareFees }},
	{"Assignment or exercise", "$ per contract", func(c *paper.Commissions) *decimal.Decimal { return &c.AssignmentFee }},
}
