package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
)

// The account banner's colours: the paper account calm blue, a real account orange while
// it is read-only and red once live trading is on.
var (
	PaperColour    = color.NRGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}
	LiveOffColour  = color.NRGBA{R: 0xb8, G: 0x5c, B: 0x00, A: 0xff}
	LiveOnColour   = color.NRGBA{R: 0xb3, G: 0x26, B: 0x1e, A: 0xff}
	bannerTextTint = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
)

// AccountBanner is the coloured strip that says which account the desk is on (paper or
// live, the account number) and, on a real account, whether live trading is on. Windows
// that trade show it at the top; Update re-reads the desk (UI goroutine).
type AccountBanner struct {
	widget.BaseWidget
	desk *desk.Service
	bg   *canvas.Rectangle
	text *canvas.Text
}

// NewAccountBanner is the banner of d (a grey "no desk" strip when d is nil).
func NewAccountBanner(d *desk.Service) *AccountBanner {
	b := &AccountBanner{desk: d, bg: canvas.NewRectangle(color.Gray{Y: 0x66}),
		text: canvas.NewText("", bannerTextTint)}
	b.text.TextStyle = fyne.TextStyle{Bold: true}
	b.text.TextSize = theme.TextSize() * 1.1
	b.ExtendBaseWidget(b)
	b.Update()
	return b
}

// Text is what the banner says.
func (b *AccountBanner) Text() string { return b.text.Text }

// Colour is the banner's background.
func (b *AccountBanner) Colour() color.Color { return b.bg.FillColor }

// Update shows the desk's account and live-trading state.
func (b *AccountBanner) Update() {
	text, fill := "NO ACCOUNT · the desk is not running", color.Color(color.Gray{Y: 0x66})
	if d := b.desk; d != nil {
		switch {
		case !d.Live():
			text, fill = d.AccountBadge()+" · simulated market, no real money", PaperColour
		case d.LiveTradingEnabled():
			text, fill = d.AccountBadge()+" · LIVE TRADING ON — orders use real money", LiveOnColour
		default:
			text, fill = d.AccountBadge()+" · read-only: live trading is off", LiveOffColour
		}
	}
	if b.text.Text == text && b.bg.FillColor == fill {
		return
	}
	b.text.Text, b.bg.FillColor = text, fill
	b.text.Refresh()
	b.bg.Refresh()
}

// CreateRenderer draws the text on the coloured strip.
func (b *AccountBanner) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(b.bg, container.NewPadded(b.text)))
}
