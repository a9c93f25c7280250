package desk

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/zalando/go-keyring"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/tastytrade"
	"github.com/keel-desk/keel/brokers/tastytrade/tastytradetest"
	"github.com/keel-desk/keel/data"
)

// fakeTastytrade is a desk on a fresh fake tastytrade server.
func fakeTastytrade(t *testing.T) (*Service, *tastytradetest.Server) {
	t.Helper()
	srv := tastytradetest.New(tastytradetest.Options{})
	t.Cleanup(srv.Close)
	cfg := tastytrade.Config{APIURL: srv.URL(), StreamerURL: srv.StreamerURL(),
		RefreshToken: srv.RefreshToken(), ClientSecret: srv.ClientSecret(), UserAgent: "keel-test/1", Now: srv.Now}
	d, stop, err := StartTastytrade(nil, LiveOptions{Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return d, srv
}

func TestLiveDeskIsReadOnlyUntilOptedIn(t *testing.T) {
	d, srv := fakeTastytrade(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if !d.Live() || d.LiveTradingEnabled() {
		t.Fatalf("Live %v, enabled %v: a tastytrade desk starts live and read-only", d.Live(), d.LiveTradingEnabled())
	}
	if got, want := d.AccountBadge(), "LIVE · "+tastytradetest.Account+" · tastytrade"; got != want {
		t.Errorf("badge %q, want %q", got, want)
	}
	const put = "SPY   261218P00570000"
	in, err := d.Lookup(ctx, put)
	if err != nil {
		t.Fatal(err)
	}
	o := brokers.Order{ClientID: NewClientID(), Quantity: 2, Type: brokers.Limit, Limit: decimal.NewFromFloat(-2.5),
		TIF: brokers.Day, Legs: []brokers.Leg{{Symbol: put, Ratio: -1, Instrument: in}}}

	_, err = d.Place(ctx, o)
	var ce *CheckError
	if !errors.As(err, &ce) || ce.Problems[0] != LiveTradingOff {
		t.Fatalf("Place before opting in: %v, want the live-trading-off refusal", err)
	}
	if n := srv.Requests("POST /accounts/" + tastytradetest.Account + "/orders"); n != 0 {
		t.Fatalf("%d orders reached the broker before live trading was on", n)
	}

	// The dry-run is a read: it works before opting in. The fake's figures: 20% of SPY
	// (600) × 100 × 2 = 24,000 of buying power; $1 + $0.10 a contract.
	fig, err := d.DryRun(ctx, o)
	if err != nil || fig == nil {
		t.Fatalf("DryRun: %v, %v", fig, err)
	}
	if !fig.BuyingPowerChange.Equal(decimal.NewFromInt(-24000)) || !fig.Fees.Equal(decimal.NewFromFloat(2.2)) {
		t.Errorf("dry-run figures %+v", fig)
	}

	d.EnableLiveTrading()
	st, err := d.Place(ctx, o)
	if err != nil {
		t.Fatalf("Place after opting in: %v", err)
	}
	if st.Order.ClientID != o.ClientID {
		t.Errorf("placed %+v", st)
	}
	if n := srv.Requests("POST /accounts/" + tastytradetest.Account + "/orders"); n != 1 {
		t.Errorf("%d orders sent, want 1", n)
	}
}

func TestPaperDeskHasNoDryRunAndNeedsNoOptIn(t *testing.T) {
	d, stop, err := StartPaper(nil, PaperOptions{Seed: 1, Start: time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC), Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	fig, err := d.DryRun(context.Background(), brokers.Order{ClientID: "x", Quantity: 1, Legs: []brokers.Leg{{Symbol: "SPY", Ratio: 1}}})
	if fig != nil || err != nil {
		t.Errorf("paper DryRun = %v, %v; want nil, nil", fig, err)
	}
	if d.Live() || d.liveProblem() != "" || d.AccountBadge() != "PAPER · paper" {
		t.Errorf("paper desk: live %v, problem %q, badge %q", d.Live(), d.liveProblem(), d.AccountBadge())
	}
}

func TestBrokerSettingsKeepSecretsInTheKeyringOnly(t *testing.T) {
	keyring.MockInit()
	t.Setenv(tastytrade.EnvRefreshToken, "")
	t.Setenv(tastytrade.EnvClientSecret, "")
	srv := tastytradetest.New(tastytradetest.Options{})
	defer srv.Close()
	t.Setenv(tastytrade.EnvAPIURL, srv.URL())
	t.Setenv(tastytrade.EnvStreamerURL, srv.StreamerURL())
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keel.db")
	j, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	bs := BrokerSettings{Journal: j, CheckFor: 100 * time.Millisecond}

	if st := bs.Status(ctx); st.Connected || st.StartsOn != BrokerPaper {
		t.Fatalf("fresh status %+v: want not connected, starting on paper", st)
	}
	if err := bs.Connect(srv.RefreshToken(), srv.ClientSecret()); err != nil {
		t.Fatal(err)
	}
	if err := bs.StartOn(ctx, BrokerTastytrade); err != nil {
		t.Fatal(err)
	}
	if st := bs.Status(ctx); !st.Connected || st.FromEnv || st.StartsOn != BrokerTastytrade {
		t.Errorf("after connect %+v", st)
	}
	rep, err := bs.Test(ctx)
	if err != nil || len(rep.Accounts) != 1 || rep.Accounts[0].Account != tastytradetest.Account ||
		!rep.Accounts[0].NetLiquidation.IsPositive() {
		t.Errorf("Test: %+v, %v", rep, err)
	}
	if n := srv.Requests("POST /accounts/" + tastytradetest.Account + "/orders"); n != 0 {
		t.Errorf("the check sent %d orders", n)
	}
	j.Close()
	raw, err := readAll(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{srv.RefreshToken(), srv.ClientSecret()} {
		if strings.Contains(raw, secret) {
			t.Errorf("the journal file holds a secret")
		}
	}
	if j, err = data.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	bs.Journal = j

	if err := bs.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	if st := bs.Status(ctx); !st.Connected || st.StartsOn != BrokerPaper {
		t.Errorf("after disconnect %+v: the keys stay, the desk starts on paper", st)
	}
	if err := bs.Forget(ctx); err != nil {
		t.Fatal(err)
	}
	if st := bs.Status(ctx); st.Connected {
		t.Errorf("after forget %+v", st)
	}
	if _, _, err := tastytrade.LoadCredentials(); !errors.Is(err, tastytrade.ErrNoCredentials) {
		t.Errorf("the keyring still answers: %v", err)
	}
}

func readAll(path string) (string, error) {
	var b strings.Builder
	for _, p := range []string{path, path + "-wal"} {
		raw, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			return "", err
		}
		b.Write(raw)
	}
	return b.String(), nil
}
