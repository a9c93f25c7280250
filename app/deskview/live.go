package deskview

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/ui"
)

// accountBar is the account banner with, on a real account, the live-trading switch.
func (v *DeskView) accountBar() fyne.CanvasObject {
	v.banner = ui.NewAccountBanner(v.desk)
	if v.desk == nil || !v.desk.Live() {
		return v.banner
	}
	v.liveButton = widget.NewButton("", v.toggleLive)
	v.showLive()
	return container.NewBorder(nil, nil, nil, v.liveButton, v.banner)
}

// showLive shows the account and the live-trading state (UI goroutine).
func (v *DeskView) showLive() {
	v.banner.Update()
	if v.liveButton == nil {
		return
	}
	if v.desk.LiveTradingEnabled() {
		v.liveButton.SetText("Turn live trading off")
		v.liveButton.Importance = widget.MediumImportance
	} else {
		v.liveButton.SetText("Enable live trading…")
		v.liveButton.Importance = widget.DangerImportance
	}
	v.liveButton.Refresh()
}

// LiveConfirmation is what the trader confirms before live trading is turned on.
func (v *DeskView) LiveConfirmation() string {
	return fmt.Sprintf("Orders from this session will be sent to %s with real money.\n\n"+
		"Every order is still confirmed in the ticket with the broker's dry-run figures "+
		"(buying-power effect, fees, warnings). Live trading stays on until you turn it off "+
		"or Keel quits; the next start is read-only again.", v.desk.AccountBadge())
}

// toggleLive turns live trading off at once, or asks for an explicit confirmation before
// turning it on.
func (v *DeskView) toggleLive() {
	if v.desk.LiveTradingEnabled() {
		v.desk.DisableLiveTrading()
		v.showLive()
		return
	}
	if v.env.Window == nil {
		return // headless: tests call ConfirmLive
	}
	msg := widget.NewLabel(v.LiveConfirmation())
	msg.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustomConfirm("Trade the live account?", "Enable live trading", "Stay read-only", msg,
		func(ok bool) {
			if ok {
				v.ConfirmLive()
			}
		}, v.env.Window)
	dlg.Resize(fyne.NewSize(520, 260))
	dlg.Show()
}

// ConfirmLive is the confirmation's yes: live trading on for this session.
func (v *DeskView) ConfirmLive() {
	v.desk.EnableLiveTrading()
	v.showLive()
}
