package brokersettings

import (
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers/tastytrade"
	"github.com/keel-desk/keel/brokers/tastytrade/tastytradetest"
	"github.com/keel-desk/keel/data"
)

// TestBrokersPageConnectTestDisconnectForget walks the page as a trader would, with the
// keyring mocked (no keyring daemon in tests) and the fake tastytrade server behind the
// environment's URLs.
func TestBrokersPageConnectTestDisconnectForget(t *testing.T) {
	testkit.App(t)
	keyring.MockInit()
	t.Setenv(tastytrade.EnvRefreshToken, "")
	t.Setenv(tastytrade.EnvClientSecret, "")
	srv := tastytradetest.New(tastytradetest.Options{})
	t.Cleanup(srv.Close)
	t.Setenv(tastytrade.EnvAPIURL, srv.URL())
	t.Setenv(tastytrade.EnvStreamerURL, srv.StreamerURL())
	ctx := context.Background()
	j, err := data.Open(ctx, filepath.Join(t.TempDir(), "keel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })

	// The desk runs on the fake account too, so the page's banner shows a live account.
	cfg := tastytrade.Config{APIURL: srv.URL(), StreamerURL: srv.StreamerURL(),
		RefreshToken: srv.RefreshToken(), ClientSecret: srv.ClientSecret(), Now: srv.Now}
	d, stop, err := desk.StartTastytrade(nil, desk.LiveOptions{Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	v := NewBrokersView(ui.Env{Journal: j, Desk: d})
	var win fyne.Window
	v.svc.CheckFor = 100 * time.Millisecond // of quotes is enough against the fake
	v.OnUI(func() {
		win = test.NewTempWindow(t, v.Content())
		win.Resize(Window().Size)
	})
	t.Cleanup(v.Stop)
	v.Wait()
	v.OnUI(func() {
		if !strings.HasPrefix(v.state.Text, "Not connected") || !v.test.Disabled() || v.startsOn.Selected != startPaper {
			t.Errorf("fresh page: state %q, test enabled %v, starts on %q", v.state.Text, !v.test.Disabled(), v.startsOn.Selected)
		}
		v.startsOn.SetSelected(startTastytrade) // refused: nothing to connect with
	})
	v.Wait()
	if b, _ := desk.LoadBroker(ctx, j); b != desk.BrokerPaper {
		t.Fatalf("the desk would start on %q without credentials", b)
	}

	v.OnUI(func() {
		test.Type(v.refresh, srv.RefreshToken())
		test.Type(v.secret, srv.ClientSecret())
		test.Tap(v.connect)
	})
	v.Wait()
	v.Wait() // the reload after the save
	v.OnUI(func() {
		if v.refresh.Text != "" || v.secret.Text != "" {
			t.Error("the secrets stay in the fields after connecting")
		}
		if !strings.Contains(v.state.Text, "OS keyring") || v.test.Disabled() {
			t.Errorf("after connecting: state %q, status %q", v.state.Text, v.status.Text)
		}
		test.Tap(v.test)
	})
	v.Wait()
	v.OnUI(func() {
		if !strings.Contains(v.result.Text, tastytradetest.Account+" — net liquidation $") ||
			v.result.Importance != widget.SuccessImportance {
			t.Errorf("test result %q", v.result.Text)
		}
		v.startsOn.SetSelected(startTastytrade)
	})
	v.Wait()
	v.Wait()
	if dir := os.Getenv("KEEL_SCREENSHOTS"); dir != "" {
		v.OnUI(func() { savePNG(t, win, filepath.Join(dir, "brokers.png")) })
	}
	if b, _ := desk.LoadBroker(ctx, j); b != desk.BrokerTastytrade {
		t.Errorf("choosing tastytrade saved %q", b)
	}
	if n := srv.Requests("POST /accounts/" + tastytradetest.Account + "/orders"); n != 0 {
		t.Errorf("the test sent %d orders", n)
	}
	if raw, ok, _ := j.Setting(ctx, desk.BrokerKey); !ok || raw != desk.BrokerTastytrade {
		t.Errorf("the journal keeps %q under %s, want the broker name only", raw, desk.BrokerKey)
	}

	v.OnUI(func() { test.Tap(v.disconnect) })
	v.Wait()
	v.Wait()
	if b, _ := desk.LoadBroker(ctx, j); b != desk.BrokerPaper {
		t.Errorf("after disconnect the desk starts on %q", b)
	}
	if _, _, err := tastytrade.LoadCredentials(); err != nil {
		t.Errorf("disconnect lost the credentials: %v", err)
	}

	v.OnUI(func() { test.Tap(v.forget) }) // no window: no confirmation dialog to answer
	v.Wait()
	v.Wait()
	v.OnUI(func() {
		if !strings.HasPrefix(v.state.Text, "Not connected") {
			t.Errorf("after forget: %q", v.state.Text)
		}
	})
	if _, _, err := tastytrade.LoadCredentials(); err != tastytrade.ErrNoCredentials {
		t.Errorf("the keyring still holds the credentials: %v", err)
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

// A login with two open accounts: until one is chosen the desk refuses to start on
// tastytrade (it never trades the first listed by chance); the page's test lists both,
// picking one keeps it in the journal (a number, no secret), and the desk then trades it.
func TestBrokersPageChoosesTheAccount(t *testing.T) {
	testkit.App(t)
	keyring.MockInit()
	srv := tastytradetest.New(tastytradetest.Options{OtherAccounts: []string{"5WT00002"}})
	t.Cleanup(srv.Close)
	t.Setenv(tastytrade.EnvRefreshToken, srv.RefreshToken())
	t.Setenv(tastytrade.EnvClientSecret, srv.ClientSecret())
	t.Setenv(tastytrade.EnvAPIURL, srv.URL())
	t.Setenv(tastytrade.EnvStreamerURL, srv.StreamerURL())
	t.Setenv(tastytrade.EnvAccount, "")
	ctx := context.Background()
	j, err := data.Open(ctx, filepath.Join(t.TempDir(), "keel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	if _, _, err := desk.StartTastytrade(j, desk.LiveOptions{}); !errors.Is(err, tastytrade.ErrChooseAccount) {
		t.Fatalf("two accounts, none chosen: the desk started (%v)", err)
	}

	v := NewBrokersView(ui.Env{Journal: j})
	v.svc.CheckFor = 100 * time.Millisecond
	v.OnUI(func() { test.NewTempWindow(t, v.Content()).Resize(Window().Size) })
	t.Cleanup(v.Stop)
	v.Wait()
	v.OnUI(func() {
		if !v.account.Disabled() || !strings.Contains(v.accountMsg.Text, "None chosen") {
			t.Errorf("before a test: select enabled %v, %q", !v.account.Disabled(), v.accountMsg.Text)
		}
		test.Tap(v.test)
	})
	v.Wait()
	v.OnUI(func() {
		if v.account.Disabled() || len(v.account.Options) != 2 || v.account.Options[1] != "5WT00002" {
			t.Fatalf("after the test: options %v, disabled %v; result %q", v.account.Options, v.account.Disabled(), v.result.Text)
		}
		v.account.SetSelected(tastytradetest.Account)
	})
	v.Wait()
	v.Wait() // the reload after the save
	v.OnUI(func() {
		if !strings.Contains(v.accountMsg.Text, "Account "+tastytradetest.Account+", chosen here") {
			t.Errorf("after choosing: %q (status %q)", v.accountMsg.Text, v.status.Text)
		}
	})
	if raw, ok, _ := j.Setting(ctx, desk.TastytradeAccountKey); !ok || raw != tastytradetest.Account {
		t.Fatalf("the journal keeps %q under %s", raw, desk.TastytradeAccountKey)
	}
	d, stop, err := desk.StartTastytrade(j, desk.LiveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if a := d.Account(); !d.Live() || a.Account != tastytradetest.Account {
		t.Errorf("the desk trades %+v", a)
	}
}
