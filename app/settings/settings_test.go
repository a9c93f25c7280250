package settings

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"time"
)

// settingsSize is the Settings window's opening size.
var settingsSize = fyne.NewSize(1280, 720)

func openSettings(t *testing.T, dt *testkit.Desk) *SettingsView {
	t.Helper()
	v := NewSettingsView(deskEnv(dt))
	v.OnUI(func() {
		w := test.NewTempWindow(t, v.Content())
		w.Resize(settingsSize)
	})
	t.Cleanup(func() {
		v.Stop()
		<-v.Done()
	})
	v.Wait()
	return v
}

func limitIndex(t *testing.T, label string) int {
	t.Helper()
	for i, f := range desk.LimitFields {
		if f.Label == label {
			return i
		}
	}
	t.Fatalf("no limit field %q", label)
	return -1
}

func TestDefaultSettingsAreTheGuidesAndTheRegistrys(t *testing.T) {
	s := desk.DefaultSettings()
	// portfolio.DefaultLimits: the delta-hedging guide's "Greeks risk limits" (500 shares
	// per $100k, vega 2% of net liq, theta 0.1% of notional) and its DTE rules (7, 3).
	if s.Limits != portfolio.DefaultLimits() || s.Limits.DeltaSharesPer100k != 500 || s.Limits.WarnDTE != 7 {
		t.Errorf("limits %+v", s.Limits)
	}
	// instrument.DefaultStocks: QQQ 1.15, VXX −2.5; SPY (the benchmark) and the leveraged
	// funds have no own beta to edit.
	if s.Betas["QQQ"] != 1.15 || s.Betas["VXX"] != -2.5 {
		t.Errorf("betas %v", s.Betas)
	}
	for _, tk := range []string{"SPY", "SH", "SQQQ"} {
		if _, ok := s.Betas[tk]; ok {
			t.Errorf("%s has an own beta in the settings", tk)
		}
	}
	// Leverage follows an edited reference: SQQQ is −3 × QQQ.
	s.Betas["QQQ"] = 1.3
	if b := s.Stocks().Lookup("SQQQ").Beta; math.Abs(b-(-3.9)) > 1e-12 {
		t.Errorf("SQQQ beta %v, want −3 × 1.3", b)
	}
	if c := s.PaperCommissions(); !c.EquityOption.Equal(decimal.RequireFromString("0.65")) {
		t.Errorf("commission per stock option %s, want the paper default 0.65", c.EquityOption)
	}
	if err := s.Validate(); err != nil {
		t.Error(err)
	}
}

func TestParseSetting(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		msg  string
	}{
		{"1.15", 1.15, ""},
		{" −2.5 ", -2.5, ""},
		{"-2.5", -2.5, ""},
		{"1,000", 1000, ""},
		{"12,500.5", 12500.5, ""},
		{"1,2", 0, "“1,2” is not a number (decimals take a point: 1.2)"},
		{"abc", 0, "“abc” is not a number"},
		{"NaN", 0, "“NaN” is not a number"},
		{"", 0, "enter a number"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, msg := parseSetting(tc.in)
			if got != tc.want || msg != tc.msg {
				t.Errorf("parseSetting(%q) = %v, %q; want %v, %q", tc.in, got, msg, tc.want, tc.msg)
			}
		})
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*desk.Settings)
		want   string
	}{
		{"benchmark", func(s *desk.Settings) { s.Benchmark = "QQQ" }, `benchmark "QQQ" is not SPY or ES`},
		{"beta NaN", func(s *desk.Settings) { s.Betas["VXX"] = math.NaN() }, "beta of VXX: not a number"},
		{"beta huge", func(s *desk.Settings) { s.Betas["QQQ"] = 12 }, "beta of QQQ: must be between −10 and 10"},
		{"negative limit", func(s *desk.Settings) { s.Limits.DeltaSharesPer100k = -1 }, "Delta: must be 0 or more"},
		{"percent over 100", func(s *desk.Settings) { s.Limits.VegaPerPoint = 1.5 }, "Vega: must be at most 100"},
		{"negative fee", func(s *desk.Settings) { s.Commissions.Future = decimal.NewFromInt(-1) }, "Futures: must be 0 or more"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := desk.DefaultSettings()
			tc.change(&s)
			err := s.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSettingsRoundTripThroughTheJournalAndApply(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	ctx := context.Background()
	s, err := desk.LoadSettings(ctx, dt.Journal)
	if err != nil || s.Benchmark != "SPY" || s.Limits != portfolio.DefaultLimits() {
		t.Fatalf("never-saved settings = %+v, %v; want the defaults", s, err)
	}
	s.Betas["VXX"] = -1.25
	s.Limits.WarnDTE = 50 // the demo's options are 34–41 days out: every one is flagged
	s.Commissions.Future = decimal.RequireFromString("2.25")
	if err := desk.SaveSettings(ctx, dt.Journal, s); err != nil {
		t.Fatal(err)
	}
	got, err := desk.LoadSettings(ctx, dt.Journal)
	if err != nil {
		t.Fatal(err)
	}
	if got.Betas["VXX"] != -1.25 || got.Limits != s.Limits || !got.Commissions.Future.Equal(s.Commissions.Future) {
		t.Errorf("loaded %+v, saved %+v", got, s)
	}
	// Bad JSON in the journal gives the defaults and says so.
	if err := dt.Journal.SetSetting(ctx, desk.SettingsKey, `{"limits": {"WarnDTE": -3}}`); err != nil {
		t.Fatal(err)
	}
	if bad, err := desk.LoadSettings(ctx, dt.Journal); err == nil || bad.Limits.WarnDTE != 7 {
		t.Errorf("invalid saved settings: %v, %v; want the defaults and an error", bad.Limits.WarnDTE, err)
	}

	// Apply: the desk's next snapshot checks the new limits and weighs VXX with −1.25.
	vxxBeta := func() float64 {
		for _, p := range dt.Desk.Latest().Book.Positions {
			if p.Underlying == "VXX" {
				return p.Beta
			}
		}
		return 0
	}
	dt.Until(t, "VXX valued", func() bool { return vxxBeta() != 0 })
	if b := vxxBeta(); b != -2.5 {
		t.Fatalf("VXX beta %v before, want the default −2.5", b)
	}
	got.Apply(dt.Desk)
	dt.Until(t, "the applied settings on the desk", func() bool {
		snap := dt.Desk.Latest()
		return snap.Limits == got.Limits && vxxBeta() == -1.25
	})
	dte := 0
	for _, a := range dt.Desk.Latest().Alerts {
		if a.Kind == portfolio.AlertDTE {
			dte++
		}
	}
	if dte == 0 {
		t.Error("no days-to-expiry alert with a 50-day limit")
	}
}

func TestSettingsWindowValidatesSavesAndApplies(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	v := openSettings(t, dt)
	vega := limitIndex(t, "Vega")
	warn := limitIndex(t, "Roll or close by")
	v.OnUI(func() {
		if v.betas["VXX"].Text != "-2.5" || v.limits[vega].Text != "2" || v.derived["SQQQ"].Text != "−3.45" {
			t.Errorf("form shows VXX %q, vega %q %%, SQQQ %q", v.betas["VXX"].Text, v.limits[vega].Text, v.derived["SQQQ"].Text)
		}
		// Bad input: problems beside the fields, nothing saved.
		v.betas["QQQ"].SetText("abc")
		v.limits[vega].SetText("-1")
		v.comms[0].SetText("0.6.5")
		v.saveAndApply()
		for _, c := range []struct {
			l    *widget.Label
			want string
		}{{v.betaErrs["QQQ"], "“abc” is not a number"}, {v.limitErrs[vega], "must be 0 or more"}, {v.commErrs[0], "is not an amount"}} {
			if c.l.Text != c.want && !strings.Contains(c.l.Text, c.want) {
				t.Errorf("problem %q, want %q", c.l.Text, c.want)
			}
		}
		if !strings.Contains(v.status.Text, "Nothing was saved") {
			t.Errorf("status %q", v.status.Text)
		}
	})
	if _, ok, _ := dt.Journal.Setting(context.Background(), desk.SettingsKey); ok {
		t.Fatal("invalid settings were saved")
	}
	v.OnUI(func() {
		v.betas["QQQ"].SetText("1.3")
		if v.derived["SQQQ"].Text != "−3.9" {
			t.Errorf("SQQQ shows %q after QQQ 1.3, want −3 × 1.3", v.derived["SQQQ"].Text)
		}
		v.limits[vega].SetText("1.5")
		v.limits[warn].SetText("50")
		v.comms[0].SetText("$0.50")
		v.saveAndApply()
	})
	v.Wait()
	s, err := desk.LoadSettings(context.Background(), dt.Journal)
	if err != nil {
		t.Fatal(err)
	}
	if s.Betas["QQQ"] != 1.3 || math.Abs(s.Limits.VegaPerPoint-0.015) > 1e-15 || s.Limits.WarnDTE != 50 ||
		!s.Commissions.EquityOption.Equal(decimal.RequireFromString("0.5")) {
		t.Errorf("saved %+v", s)
	}
	v.OnUI(func() {
		if !strings.Contains(v.status.Text, "Saved") || !strings.Contains(v.status.Text, "next start of Keel") {
			t.Errorf("status %q", v.status.Text)
		}
	})
	dt.Until(t, "the desk checking the saved limits", func() bool { return dt.Desk.Latest().Limits == s.Limits })
}

func TestSettingsClockSpeedAndPause(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	v := openSettings(t, dt)
	v.OnUI(func() { v.speed.SetSelected("600×") })
	v.Wait()
	if c := dt.Paper.Clock(); c.Speed != 600 {
		t.Errorf("speed %v, want 600", c.Speed)
	}
	v.OnUI(func() { test.Tap(v.pause) })
	v.Wait()
	if !dt.Paper.Clock().Paused {
		t.Error("not paused")
	}
	v.OnUI(func() {
		if v.pause.Text != "Resume" || !strings.Contains(v.clockText.Text, "paused") {
			t.Errorf("button %q, clock %q", v.pause.Text, v.clockText.Text)
		}
		test.Tap(v.pause)
	})
	v.Wait()
	if dt.Paper.Clock().Paused {
		t.Error("still paused after Resume")
	}
}

// TestSettingsScreenshot renders the Settings window to /tmp/h7-settings.png when
// KEEL_SHOTS is set; it always checks the content fits the window.
func TestSettingsScreenshot(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	v := openSettings(t, dt)
	content := v.Content()
	if os.Getenv("KEEL_SHOTS") != "" {
		v.OnUI(func() {
			v.betas["IWM"].SetText("1,2")
			v.readForm()
			testkit.Shot(t, content, settingsSize, "/tmp/h7-settings.png")
		})
	}
}

// deskTestStart is the market time the test paper accounts open at: Friday 20 November
// 2026, 10:00 in New York.
var deskTestStart = time.Date(2026, time.November, 20, 10, 0, 0, 0, instrument.NewYork)

// deskEnv is what a window of the test desk is built from.
func deskEnv(dt *testkit.Desk) ui.Env {
	return ui.Env{Now: func() time.Time { return deskTestStart }, Journal: dt.Journal, Desk: dt.Desk}
}
