package ticket

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/tastytrade"
	"github.com/keel-desk/keel/brokers/tastytrade/tastytradetest"
)

// TestLiveTicketRefusesUntilOptedInThenConfirmsWithTheDryRun opens a ticket on a desk
// started on the fake tastytrade server: the banner is live and orange, the order is
// refused while live trading is off, and once it is on the confirmation carries the
// broker's dry-run figures and the order is placed.
func TestLiveTicketRefusesUntilOptedInThenConfirmsWithTheDryRun(t *testing.T) {
	srv := tastytradetest.New(tastytradetest.Options{})
	t.Cleanup(srv.Close)
	cfg := tastytrade.Config{APIURL: srv.URL(), StreamerURL: srv.StreamerURL(),
		RefreshToken: srv.RefreshToken(), ClientSecret: srv.ClientSecret(), UserAgent: "keel-test/1", Now: srv.Now}
	d, stop, err := desk.StartTastytrade(nil, desk.LiveOptions{Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)

	const put = "SPY   261218P00570000"
	var tk *OrderTicket
	var w fyne.Window
	testkit.Locked(func() {
		w = test.NewTempWindow(t, widget.NewLabel(""))
		tk = NewOrderTicket(ui.Env{Now: srv.Now, Desk: d, Window: w}, &brokers.Order{Quantity: 2, Type: brokers.Limit,
			Limit: decimal.NewFromFloat(-2.5), TIF: brokers.Day, Legs: []brokers.Leg{{Symbol: put, Ratio: -1}}})
		w.SetContent(tk.Content())
		w.Resize(fyne.NewSize(1000, 700))
	})
	t.Cleanup(func() { stopTicket(tk) })
	tk.Wait()

	banner := func(wantText string, wantColour color.Color) {
		t.Helper()
		tk.OnUI(func() {
			tk.banner.Update()
			if got := tk.banner.Text(); !strings.Contains(got, wantText) || !strings.Contains(got, tastytradetest.Account) {
				t.Errorf("banner %q, want %q and the account number", got, wantText)
			}
			if tk.banner.Colour() != wantColour {
				t.Errorf("banner colour %v, want %v", tk.banner.Colour(), wantColour)
			}
		})
	}
	banner("read-only", ui.LiveOffColour)
	tk.OnUI(func() {
		if !tk.review.Disabled() || !strings.Contains(tk.problems.Text, desk.LiveTradingOff) {
			t.Errorf("live trading off: review enabled %v, problems %q; want it refused with the reason",
				!tk.review.Disabled(), tk.problems.Text)
		}
		test.Tap(tk.review)
	})
	tk.Wait()
	tk.OnUI(func() {
		if tk.confirm != nil || tk.confirmOrder != nil {
			t.Error("a confirmation opened while live trading is off")
		}
	})

	d.EnableLiveTrading()
	// The ticket sees it by itself at the next snapshot it follows (the desk publishes one
	// at least every second while it syncs).
	testkit.WaitFor(t, "the ticket to let the order be reviewed once live trading is on", func() bool {
		var ok bool
		tk.OnUI(func() { ok = !tk.review.Disabled() })
		return ok
	})
	banner("LIVE TRADING ON", ui.LiveOnColour)
	tk.OnUI(func() { test.Tap(tk.review) })
	tk.Wait()
	tk.OnUI(func() {
		if tk.confirm == nil {
			t.Fatalf("no confirmation; result %q", tk.result.Text)
		}
		// The fake's figures: 20% of SPY (600) × 100 × 2 = 24,000 of buying power;
		// $1 commission and $0.10 regulatory fee a contract.
		for _, want := range []string{"The broker's dry-run:", "Buying power effect: −$24,000.00",
			"Margin requirement change: +$24,000.00", "Fees: $2.20 (commission $2.00)", "at tastytrade"} {
			if !strings.Contains(tk.confirmText, want) {
				t.Errorf("confirmation lacks %q:\n%s", want, tk.confirmText)
			}
		}
		if dir := os.Getenv("KEEL_SCREENSHOTS"); dir != "" {
			savePNG(t, w, filepath.Join(dir, "ticket-live-confirm.png"))
		}
		tk.confirm.Hide()
		tk.confirmSend()
	})
	tk.Wait()
	tk.OnUI(func() {
		if !tk.sent {
			t.Errorf("not placed: %q", tk.result.Text)
		}
	})
	if n := srv.Requests("POST /accounts/" + tastytradetest.Account + "/orders"); n != 1 {
		t.Errorf("%d orders reached the broker, want 1", n)
	}
}

func savePNG(t *testing.T, w fyne.Window, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}
