package settings

import (
	"context"
	"strings"
	"testing"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
)

// The roll planner section shows the planner's defaults (roll or close by 7 days, out to
// 60, credit only, engine/roll's weights), refuses a window whose maximum is not beyond the
// roll-by days, and saves through the desk, whose planner uses the new settings at once.
func TestSettingsRollPlannerSavesThroughTheDesk(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	v := openSettings(t, dt)
	v.OnUI(func() {
		want := []string{"7", "60", "1", "0.1", "1", "1", "1", "1", "0", "0", "25"}
		for i, e := range v.roll.entries {
			if e.Text != want[i] {
				t.Errorf("%s shows %q, want the default %q", rollFields[i].label, e.Text, want[i])
			}
		}
		if v.roll.debit.Checked {
			t.Error("debit rolls are listed by default; the default is credit only")
		}
		v.roll.entries[1].SetText("5") // out to at most 5 days, before the roll-by 7
		v.saveAndApply()
		if !strings.Contains(v.roll.problem.Text, "window") {
			t.Errorf("max 5 days under roll-by 7: problem %q", v.roll.problem.Text)
		}
		v.roll.entries[3].SetText("-1")
		v.saveAndApply()
		if !strings.Contains(v.roll.errs[3].Text, "0 or more") {
			t.Errorf("credit weight −1: problem %q", v.roll.errs[3].Text)
		}
		v.roll.entries[0].SetText("10")
		v.roll.entries[1].SetText("45")
		v.roll.entries[3].SetText("0.5")
		v.roll.debit.SetChecked(true)
		v.saveAndApply()
	})
	v.Wait()
	s, err := desk.LoadSettings(context.Background(), dt.Journal)
	if err != nil {
		t.Fatal(err)
	}
	want := desk.DefaultRollPlannerSettings()
	want.RollByDays, want.MaxDays, want.AllowDebit, want.Weights.Credit = 10, 45, true, 0.5
	if s.Roll != want {
		t.Errorf("saved %+v, want %+v", s.Roll, want)
	}
	rs := dt.Desk.RollSettings()
	if rs.RollByDays != 10 || rs.MaxDays != 45 || !rs.AllowDebit || rs.Weights != want.Weights {
		t.Errorf("the desk plans with %+v, want the saved %+v", rs, s.Roll)
	}
	if rs.Liquidity != dt.Desk.LiquiditySettings().Rules {
		t.Errorf("the planner's liquidity rules %+v are not the desk's", rs.Liquidity)
	}
}
