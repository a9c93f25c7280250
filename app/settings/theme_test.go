package settings

import (
	"context"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
)

// TestThemeChoiceIsSavedThroughTheDeskAndAppliedAtOnce picks each theme in the form and
// saves: the choice is in the journal's settings (desk.ApplySettings) and the app's theme
// draws with that palette from then on, whatever the system prefers.
func TestThemeChoiceIsSavedThroughTheDeskAndAppliedAtOnce(t *testing.T) {
	dt := testkit.NewDesk(t, deskTestStart)
	v := openSettings(t, dt)
	background := func(variant fyne.ThemeVariant) color.Color {
		return fyne.CurrentApp().Settings().Theme().Color(theme.ColorNameBackground, variant)
	}
	dark := ui.Theme().Color(theme.ColorNameBackground, theme.VariantDark)
	light := ui.Theme().Color(theme.ColorNameBackground, theme.VariantLight)
	for _, c := range []struct {
		label, choice string
		// what the app draws when the system prefers dark, then light
		onDark, onLight color.Color
	}{
		{"Light", "light", light, light},
		{"Dark", "dark", dark, dark},
		{"Follow the system", "system", dark, light},
	} {
		t.Run(c.choice, func(t *testing.T) {
			v.OnUI(func() {
				v.theme.SetSelected(c.label)
				v.saveAndApply()
			})
			v.Wait()
			s, err := desk.LoadSettings(context.Background(), dt.Journal)
			if err != nil {
				t.Fatal(err)
			}
			if s.Theme != c.choice {
				t.Errorf("saved theme %q, want %q", s.Theme, c.choice)
			}
			if got := background(theme.VariantDark); got != c.onDark {
				t.Errorf("on a dark system the background is %v, want %v", got, c.onDark)
			}
			if got := background(theme.VariantLight); got != c.onLight {
				t.Errorf("on a light system the background is %v, want %v", got, c.onLight)
			}
		})
	}
	bad := desk.DefaultSettings()
	bad.Theme = "purple"
	if err := bad.Validate(); err == nil {
		t.Error("a theme that is not dark, light or system validates")
	}
}
