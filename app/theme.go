package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// keelTheme is a calm dark navy theme with a teal accent, the colours of the icon. It is
// always dark: a desk screen is looked at all day.
type keelTheme struct{}

// Theme returns Keel's theme.
func Theme() fyne.Theme { return keelTheme{} }

var palette = map[fyne.ThemeColorName]color.Color{
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

func (keelTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := palette[n]; ok {
		return c
	}
	return theme.DefaultTheme().Color(n, theme.VariantDark)
}

func (keelTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (keelTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (keelTheme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
