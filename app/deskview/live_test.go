package deskview

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers/tastytrade"
	"github.com/keel-desk/keel/brokers/tastytrade/tastytradetest"
)

// TestLiveDeskShowsTheAccountAndAsksBeforeLiveTrading opens the desk window on the fake
// tastytrade server: the banner names the live account in orange (read-only), the switch
// asks for a confirmation, and after it the banner turns red and the desk sends orders.
// With KEEL_SCREENSHOTS=DIR it saves the window as DIR/desk-live.png.
func TestLiveDeskShowsTheAccountAndAsksBeforeLiveTrading(t *testing.T) {
	testkit.App(t)
	srv := tastytradetest.New(tastytradetest.Options{})
	t.Cleanup(srv.Close)
	cfg := tastytrade.Config{APIURL: srv.URL(), StreamerURL: srv.StreamerURL(),
		RefreshToken: srv.RefreshToken(), ClientSecret: srv.ClientSecret(), UserAgent: "keel-test/1", Now: srv.Now}
	d, stop, err := desk.StartTastytrade(nil, desk.LiveOptions{Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)

	v := NewDeskView(ui.Env{Now: srv.Now, Desk: d})
	var w fyne.Window
	v.OnUI(func() {
		w = test.NewTempWindow(t, v.Content())
		w.Resize(deskWindowSize)
	})
	t.Cleanup(func() { stopDesk(v) })
	deadline := time.Now().Add(15 * time.Second)
	for !valued(v) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}

	v.OnUI(func() {
		if got := v.banner.Text(); !strings.HasPrefix(got, "LIVE · "+tastytradetest.Account+" · tastytrade") ||
			!strings.Contains(got, "read-only") || v.banner.Colour() != ui.LiveOffColour {
			t.Errorf("banner %q in %v, want the live account, read-only, in orange", got, v.banner.Colour())
		}
		if v.liveButton == nil || v.liveButton.Text != "Enable live trading…" || v.liveButton.Importance != widget.DangerImportance {
			t.Fatalf("no live-trading switch: %+v", v.liveButton)
		}
		if !strings.Contains(v.LiveConfirmation(), "real money") || !strings.Contains(v.LiveConfirmation(), tastytradetest.Account) {
			t.Errorf("confirmation %q", v.LiveConfirmation())
		}
		test.Tap(v.liveButton) // without a window no dialog opens, and nothing is switched on
		if d.LiveTradingEnabled() {
			t.Fatal("live trading went on without a confirmation")
		}
	})
	if dir := os.Getenv("KEEL_SCREENSHOTS"); dir != "" {
		v.OnUI(func() { savePNG(t, w, filepath.Join(dir, "desk-live.png")) })
	}
	v.OnUI(func() {
		v.ConfirmLive()
		if !d.LiveTradingEnabled() || v.banner.Colour() != ui.LiveOnColour || !strings.Contains(v.banner.Text(), "LIVE TRADING ON") {
			t.Errorf("after the confirmation: enabled %v, banner %q", d.LiveTradingEnabled(), v.banner.Text())
		}
		if v.liveButton.Text != "Turn live trading off" {
			t.Errorf("switch %q", v.liveButton.Text)
		}
		test.Tap(v.liveButton)
		if d.LiveTradingEnabled() || v.banner.Colour() != ui.LiveOffColour {
			t.Error("turning live trading off did not make the desk read-only")
		}
	})
}

func valued(v *DeskView) bool {
	select {
	case <-v.settled:
		return true
	default:
		return false
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
