package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// keelTheme is a calm navy theme with a teal accent, the colours of the icon. It follows
// the system's light or dark preference unless the trader chose one in Settings (fixed);
// dark is the default a desk screen is looked at all day with.
type keelTheme struct {
	fixed  bool
	forced fyne.ThemeVariant
}

// Theme returns Keel's theme, following the system's light or dark preference.
func Theme() fyne.Theme { return keelTheme{} }

// The theme choices of Settings (desk.Settings.Theme).
const (
	ThemeDark   = "dark"
	ThemeLight  = "light"
	ThemeSystem = "system"
)

// ThemeFor is Keel's theme for a choice in Settings: "dark" or "light" whatever the system
// prefers, "system" (or "") following it.
func ThemeFor(choice string) fyne.Theme {
	switch choice {
	case ThemeDark:
		return keelTheme{fixed: true, forced: theme.VariantDark}
	case ThemeLight:
		return keelTheme{fixed: true, forced: theme.VariantLight}
	}
	return keelTheme{}
}

var darkPalette = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:        color.NRGBA{0x0E, 0x1B, 0x2A, 0xFF},
	theme.ColorNameOverlayBackground: color.NRGBA{0x14, 0x25, 0x38, 0xFF},
	theme.ColorNameMenuBackground:    color.NRGBA{0x14, 0x25, 0x38, 0xFF},
	theme.ColorNameHeaderBackground:  color.NRGBA{0x14, 0x25, 0x38, 0xFF},
	theme.ColorNameInputBackground:   color.NRGBA{0x17, 0x2B, 0x41, 0xFF},
	theme.ColorNameInputBorder:       color.NRGBA{0x2A, 0x44, 0x5E, 0xFF},
	theme.ColorNameButton:            color.NRGBA{0x1A, 0x30, 0x48, 0xFF},
	theme.ColorNameForeground:        color.NRGBA{0xE4, 0xEC, 0xF2, 0xFF},
	theme.ColorNamePlaceHolder:       color.NRGBA{0x7A, 0x8F, 0xA5, 0xFF},
	theme.ColorNameDisabled:          color.NRGBA{0x6A, 0x7F, 0x95, 0xFF},
	theme.ColorNamePrimary:           color.NRGBA{0x2C, 0xC4, 0xB0, 0xFF},
	theme.ColorNameFocus:             color.NRGBA{0x2C, 0xC4, 0xB0, 0x66},
	theme.ColorNameHover:             color.NRGBA{0x2C, 0xC4, 0xB0, 0x22},
	theme.ColorNameSelection:         color.NRGBA{0x2C, 0xC4, 0xB0, 0x55},
	theme.ColorNameSeparator:         color.NRGBA{0x24, 0x3A, 0x52, 0xFF},
	theme.ColorNameError:             color.NRGBA{0xFF, 0x7A, 0x7A, 0xFF},
	theme.ColorNameWarning:           color.NRGBA{0xF2, 0xB8, 0x4B, 0xFF},
	theme.ColorNameSuccess:           color.NRGBA{0x5F, 0xD3, 0x8A, 0xFF},
}

var lightPalette = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:        color.NRGBA{0xF4, 0xF7, 0xFA, 0xFF},
	theme.ColorNameOverlayBackground: color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	theme.ColorNameMenuBackground:    color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	theme.ColorNameHeaderBackground:  color.NRGBA{0xE6, 0xEC, 0xF2, 0xFF},
	theme.ColorNameInputBackground:   color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	theme.ColorNameInputBorder:       color.NRGBA{0xB8, 0xC6, 0xD4, 0xFF},
	theme.ColorNameButton:            color.NRGBA{0xE1, 0xE8, 0xEF, 0xFF},
	theme.ColorNameForeground:        color.NRGBA{0x13, 0x20, 0x2E, 0xFF},
	theme.ColorNamePlaceHolder:       color.NRGBA{0x6A, 0x7B, 0x8C, 0xFF},
	theme.ColorNameDisabled:          color.NRGBA{0x8A, 0x99, 0xA8, 0xFF},
	theme.ColorNamePrimary:           color.NRGBA{0x0B, 0x85, 0x76, 0xFF},
	theme.ColorNameFocus:             color.NRGBA{0x0B, 0x85, 0x76, 0x66},
	theme.ColorNameHover:             color.NRGBA{0x0B, 0x85, 0x76, 0x1A},
	theme.ColorNameSelection:         color.NRGBA{0x0B, 0x85, 0x76, 0x40},
	theme.ColorNameSeparator:         color.NRGBA{0xD3, 0xDC, 0xE5, 0xFF},
	theme.ColorNameError:             color.NRGBA{0xC6, 0x28, 0x28, 0xFF},
	theme.ColorNameWarning:           color.NRGBA{0xA8, 0x64, 0x00, 0xFF},
	theme.ColorNameSuccess:           color.NRGBA{0x1B, 0x7F, 0x3B, 0xFF},
}

func (t keelTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.fixed {
		v = t.forced
	}
	p := darkPalette
	if v == theme.VariantLight {
		p = lightPalette
	}
	if c, ok := p[n]; ok {
		return c
	}
	return theme.DefaultTheme().Color(n, v)
}

func (keelTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (keelTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (keelTheme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
