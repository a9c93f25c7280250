package settings

import (
	"context"
	"strings"
	"testing"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/engine/liquidity"
)

// The liquidity section shows the guide's rules, refuses a bad threshold beside its field,
// and saves the rules and "block" through the desk, which applies them at once.
func TestSettingsLiquiditySavesThroughTheDesk(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	v := openSettings(t, dt)
	v.OnUI(func() {
		want := []string{"1000", "100", "5", "10", "20", "5"}
		for i, e := range v.liq.entries {
			if e.Text != want[i] {
				t.Errorf("%s shows %q, want the guide's %q", liquidityFields[i].label, e.Text, want[i])
			}
		}
		if v.liq.block.Checked {
			t.Error("a failing leg blocks by default; the guide's default is to warn")
		}
		v.liq.entries[0].SetText("1000.5")
		v.saveAndApply()
		if !strings.Contains(v.liq.errs[0].Text, "whole number") {
			t.Errorf("open interest 1000.5: problem %q", v.liq.errs[0].Text)
		}
		v.liq.entries[0].SetText("2000")
		v.liq.entries[2].SetText("3")
		v.liq.block.SetChecked(true)
		v.saveAndApply()
	})
	v.Wait()
	s, err := desk.LoadSettings(context.Background(), dt.Journal)
	if err != nil {
		t.Fatal(err)
	}
	want := liquidity.DefaultRules()
	want.MinOpenInterest, want.MaxSpreadPct = 2000, 3
	if s.Liquidity.Rules != want || !s.Liquidity.Block {
		t.Errorf("saved %+v, want %+v blocking", s.Liquidity, want)
	}
	if got := dt.Desk.LiquiditySettings(); got != s.Liquidity {
		t.Errorf("the desk applies %+v, want the saved %+v", got, s.Liquidity)
	}
}
