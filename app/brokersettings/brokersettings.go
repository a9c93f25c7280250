package brokersettings

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/format"
)

// Choices of the broker the desk starts on, as the page names them.
const (
	startPaper      = "the paper account (simulated market)"
	startTastytrade = "tastytrade (read-only until you enable live trading)"
)

// noAccountChosen is what the page says while no tastytrade account is chosen.
const noAccountChosen = "None chosen: a login with one open account trades it; with several, the desk will not " +
	"start on tastytrade until you test and pick one here — Keel never trades the first one listed by chance."

// BrokersView is the Brokers page.
type BrokersView struct {
	env ui.Env
	ctx context.Context
	svc desk.BrokerSettings

	ui.Work

	// Everything below is touched only on the UI goroutine.
	banner     *ui.AccountBanner
	state      *widget.Label
	startsOn   *widget.RadioGroup
	account    *widget.Select // the account to trade: the accounts the last test listed
	accountMsg *widget.Label
	refresh    *widget.Entry
	secret     *widget.Entry
	connect    *widget.Button
	test       *widget.Button
	disconnect *widget.Button
	forget     *widget.Button
	result     *widget.Label
	status     *widget.Label
	busy       bool
	shown      desk.BrokerStatus

	content fyne.CanvasObject
}

// NewBrokersView builds the page and reads where the credentials are.
func NewBrokersView(env ui.Env) *BrokersView {
	v := &BrokersView{env: env, ctx: context.Background(), svc: desk.BrokerSettings{Journal: env.Journal}}
	v.build()
	v.reload("")
	return v
}

// Content is the page's content, with Settle (wait for the keyring and the check).
func (v *BrokersView) Content() fyne.CanvasObject { return ui.NewRoot(v.content, v.Wait, v.Stop) }

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func note(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (v *BrokersView) build() {
	v.banner = ui.NewAccountBanner(v.env.Desk)
	v.state = widget.NewLabel("Reading the keyring…")
	v.state.Wrapping = fyne.TextWrapWord

	v.refresh = widget.NewPasswordEntry()
	v.refresh.SetPlaceHolder("refresh token of a personal OAuth grant")
	v.secret = widget.NewPasswordEntry()
	v.secret.SetPlaceHolder("client secret of the OAuth application")
	v.connect = widget.NewButton("Connect — keep them in the OS keyring", v.Connect)
	v.connect.Importance = widget.HighImportance
	form := widget.NewForm(widget.NewFormItem("Refresh token", v.refresh), widget.NewFormItem("Client secret", v.secret))

	v.test = widget.NewButton("Test (read-only)", v.Test)
	v.disconnect = widget.NewButton("Disconnect", v.Disconnect)
	v.forget = widget.NewButton("Forget…", v.askForget)
	v.forget.Importance = widget.DangerImportance

	v.startsOn = widget.NewRadioGroup([]string{startPaper, startTastytrade}, nil)
	v.startsOn.Required = true
	v.account = widget.NewSelect(nil, nil)
	v.account.PlaceHolder = "test the connection to list the accounts"
	v.account.Disable()
	v.accountMsg = note(noAccountChosen) // the longest it says: laid out for it from the start

	v.result = widget.NewLabel("")
	v.result.Wrapping = fyne.TextWrapWord
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord

	where := note("Keel keeps the refresh token and client secret only in the OS keyring (service “keel-tastytrade”) — " +
		"never in the journal, the preferences or a log. " + desk.EnvRefreshToken + " and " +
		desk.EnvClientSecret + " in the environment take precedence; " + desk.EnvAPIURL +
		" points Keel at the sandbox (https://api.cert.tastyworks.com).")
	how := note("Get them on my.tastytrade.com: Manage → My Profile → API → OAuth Applications: create an application " +
		"(its client secret is shown once) and a personal grant (its refresh token does not expire). " +
		"Paste both once; the fields are cleared after connecting.")
	safety := note("On tastytrade the desk starts read-only: orders are refused until you press “Enable live trading…” " +
		"on the desk and confirm, for that session only. Every live order is then confirmed in the ticket with " +
		"tastytrade's dry-run (buying-power effect, fees, warnings).")

	left := container.NewVBox(
		bold("tastytrade"), v.state,
		widget.NewSeparator(),
		bold("Connect"), how, form, container.NewHBox(v.connect),
		widget.NewSeparator(),
		container.NewGridWithColumns(3, v.test, v.disconnect, v.forget),
		v.result,
	)
	right := container.NewVBox(
		bold("The desk starts on"), v.startsOn,
		note("A change applies from the next start of Keel."),
		widget.NewSeparator(),
		bold("The account it trades"), v.account, v.accountMsg,
		widget.NewSeparator(),
		bold("What is stored where"), where,
		widget.NewSeparator(),
		bold("Live trading"), safety,
	)
	v.startsOn.OnChanged = v.chooseStart
	body := container.NewGridWithColumns(2, left, right)
	bottom := container.NewVBox(widget.NewSeparator(), v.status)
	v.content = container.NewBorder(v.banner, bottom, nil, nil, container.NewVScroll(container.NewPadded(body)))
}

// reload reads the status off the UI goroutine and shows it with msg.
func (v *BrokersView) reload(msg string) {
	v.setBusy(true)
	svc := v.svc
	v.Background(func() func() {
		st := svc.Status(v.ctx)
		return func() {
			v.setBusy(false)
			v.show(st)
			if msg != "" {
				ui.SetLabel(v.status, msg, widget.SuccessImportance)
			}
		}
	})
}

// show puts st on the page (UI goroutine).
func (v *BrokersView) show(st desk.BrokerStatus) {
	v.shown = st
	switch {
	case st.CredsError != nil:
		ui.SetLabel(v.state, "The OS keyring could not be read: "+st.CredsError.Error(), widget.DangerImportance)
	case st.Connected && st.FromEnv:
		ui.SetLabel(v.state, "Connected: the credentials come from the environment variables.", widget.SuccessImportance)
	case st.Connected:
		ui.SetLabel(v.state, "Connected: the credentials are in the OS keyring.", widget.SuccessImportance)
	default:
		ui.SetLabel(v.state, "Not connected: no refresh token and client secret are saved.", widget.MediumImportance)
	}
	// The radio's OnChanged writes the choice: silence it while showing the saved one.
	v.startsOn.OnChanged = nil
	if st.StartsOn == desk.BrokerTastytrade {
		v.startsOn.SetSelected(startTastytrade)
	} else {
		v.startsOn.SetSelected(startPaper)
	}
	v.startsOn.OnChanged = v.chooseStart
	if st.StartErr != nil {
		ui.SetLabel(v.status, st.StartErr.Error(), widget.DangerImportance)
	}
	switch {
	case st.AccountErr != nil:
		ui.SetLabel(v.accountMsg, "The chosen account could not be read: "+st.AccountErr.Error(), widget.DangerImportance)
	case st.AccountFromEnv:
		ui.SetLabel(v.accountMsg, "Account "+st.Account+", from "+desk.EnvAccount+" in the environment (it takes precedence).", widget.MediumImportance)
	case st.Account != "":
		ui.SetLabel(v.accountMsg, "Account "+st.Account+", chosen here. Test, then pick another to change it.", widget.MediumImportance)
	default:
		ui.SetLabel(v.accountMsg, noAccountChosen, widget.LowImportance)
	}
	v.account.OnChanged = nil
	if st.Account != "" {
		if !slices.Contains(v.account.Options, st.Account) {
			v.account.Options = append(v.account.Options, st.Account)
		}
		v.account.SetSelected(st.Account)
	}
	v.account.OnChanged = v.chooseAccount
	v.setBusy(false)
}

// chooseAccount keeps the account the desk trades on tastytrade.
func (v *BrokersView) chooseAccount(account string) {
	v.write(func(ctx context.Context) error { return v.svc.ChooseAccount(ctx, account) },
		"From the next start of Keel the desk trades tastytrade account "+account+".")
}

// setBusy disables the buttons while a keyring call or the check runs.
func (v *BrokersView) setBusy(b bool) {
	v.busy = b
	for _, btn := range []*widget.Button{v.connect, v.test, v.disconnect, v.forget} {
		btn.Enable()
		if b {
			btn.Disable()
		}
	}
	if b {
		return
	}
	if !v.shown.Connected {
		v.test.Disable()
	}
	if v.shown.FromEnv || !v.shown.Connected {
		v.forget.Disable()
	}
	if v.env.Journal == nil {
		v.disconnect.Disable()
		v.startsOn.Disable()
	} else {
		v.startsOn.Enable()
	}
	if v.env.Journal == nil || v.shown.AccountFromEnv || len(v.account.Options) == 0 {
		v.account.Disable()
	} else {
		v.account.Enable()
	}
}

// Connect keeps the pasted token and secret in the keyring and clears the fields.
func (v *BrokersView) Connect() {
	if v.busy {
		return
	}
	refresh, secret := strings.TrimSpace(v.refresh.Text), strings.TrimSpace(v.secret.Text)
	if refresh == "" || secret == "" {
		ui.SetLabel(v.status, "Paste both the refresh token and the client secret.", widget.DangerImportance)
		return
	}
	v.refresh.SetText("")
	v.secret.SetText("")
	v.setBusy(true)
	svc := v.svc
	v.Background(func() func() {
		err := svc.Connect(refresh, secret)
		return func() {
			if err != nil {
				v.setBusy(false)
				ui.SetLabel(v.status, "Not connected: "+err.Error(), widget.DangerImportance)
				return
			}
			v.reload("Saved in the OS keyring. Test the connection, then choose to start the desk on tastytrade.")
		}
	})
}

// Test runs the read-only check and lists the accounts with their net liquidation.
func (v *BrokersView) Test() {
	if v.busy {
		return
	}
	v.setBusy(true)
	ui.SetLabel(v.result, "Testing: logging in, reading the accounts and watching quotes for a few seconds…", widget.LowImportance)
	svc := v.svc
	v.Background(func() func() {
		rep, err := svc.Test(v.ctx)
		return func() {
			v.setBusy(false)
			if err != nil {
				ui.SetLabel(v.result, "The test failed: "+err.Error(), widget.DangerImportance)
				return
			}
			ui.SetLabel(v.result, CheckText(rep), widget.SuccessImportance)
			v.account.Options = v.account.Options[:0]
			for _, a := range rep.Accounts {
				v.account.Options = append(v.account.Options, a.Account)
			}
			v.account.Refresh()
			v.show(v.shown) // the saved choice among them, the select enabled
		}
	})
}

// CheckText is the check's result in words: one line per account.
func CheckText(rep desk.CheckReport) string {
	if len(rep.Accounts) == 0 {
		return "Logged in, but tastytrade lists no open account."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Logged in. %s, no order placed:", format.Count(len(rep.Accounts), "account", "accounts"))
	for _, a := range rep.Accounts {
		fmt.Fprintf(&b, "\n%s — net liquidation %s, cash %s, %s", a.Account,
			ui.USD(a.NetLiquidation), ui.USD(a.Cash), format.Count(len(a.Positions), "position", "positions"))
	}
	if n := len(rep.Quotes); n > 0 {
		fmt.Fprintf(&b, "\nQuotes streamed for %s.", format.Count(n, "symbol", "symbols"))
	}
	return b.String()
}

// Disconnect makes the desk start on paper; the credentials stay for later.
func (v *BrokersView) Disconnect() {
	v.write(func(ctx context.Context) error { return v.svc.Disconnect(ctx) },
		"The desk starts on the paper account from the next start of Keel; the credentials stay in the keyring.")
}

func (v *BrokersView) askForget() {
	if v.env.Window == nil {
		v.Forget()
		return
	}
	dialog.ShowConfirm("Forget the tastytrade credentials?",
		"The refresh token and client secret are removed from the OS keyring and the desk starts on the paper "+
			"account. To connect again you paste them again.", func(ok bool) {
			if ok {
				v.Forget()
			}
		}, v.env.Window)
}

// Forget removes the credentials from the keyring and makes the desk start on paper.
func (v *BrokersView) Forget() {
	v.write(func(ctx context.Context) error { return v.svc.Forget(ctx) },
		"The credentials are gone from the OS keyring; the desk starts on the paper account.")
}

// chooseStart writes the broker the desk starts on.
func (v *BrokersView) chooseStart(choice string) {
	broker := desk.BrokerPaper
	msg := "From the next start of Keel the desk opens on the paper account."
	if choice == startTastytrade {
		if !v.shown.Connected {
			ui.SetLabel(v.status, "Connect tastytrade first.", widget.DangerImportance)
			v.show(v.shown)
			return
		}
		broker = desk.BrokerTastytrade
		msg = "From the next start of Keel the desk opens on tastytrade, read-only until you enable live trading."
	}
	v.write(func(ctx context.Context) error { return v.svc.StartOn(ctx, broker) }, msg)
}

// write runs a change off the UI goroutine and shows the page again.
func (v *BrokersView) write(change func(ctx context.Context) error, ok string) {
	if v.busy {
		return
	}
	v.setBusy(true)
	v.Background(func() func() {
		err := change(v.ctx)
		return func() {
			if err != nil {
				v.setBusy(false)
				msg := err.Error()
				if errors.Is(err, desk.ErrNoCredentials) {
					msg = "Connect tastytrade first."
				}
				ui.SetLabel(v.status, msg, widget.DangerImportance)
				v.show(v.shown)
				return
			}
			v.reload(ok)
		}
	})
}

// Window is the Brokers page's window spec.
func Window() ui.Window {
	return ui.Window{
		Name:  "brokers",
		Title: "Keel — Settings → Brokers",
		Size:  fyne.NewSize(1180, 670),
		Build: func(env ui.Env) fyne.CanvasObject { return NewBrokersView(env).Content() },
	}
}
