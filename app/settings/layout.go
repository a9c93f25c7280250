package settings

import (
	"github.com/keel-desk/keel/app/ui"
)

// themeLabels are the theme choices as the form shows them, in the order of desk.Themes.
var themeLabels = []string{"Dark", "Light", "Follow the system"}

// themeLabel is the form's label of a theme choice ("dark" → "Dark").
func themeLabel(choice string) string {
	switch choice {
	case ui.ThemeDark:
		return themeLabels[0]
	case ui.ThemeLight:
		return themeLabels[1]
	}
	return themeLabels[2]
}

// themeChoice is the theme choice of a label of the form ("Dark" → "dark").
func themeChoice(label string) string {
	switch label {
	case themeLabels[0]:
		return ui.ThemeDark
	case themeLabels[1]:
		return ui.ThemeLight
	}
	return ui.ThemeSystem
}
