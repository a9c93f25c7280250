package tastytrade_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers/tastytrade"
	"github.com/keel-desk/keel/brokers/tastytrade/tastytradetest"
)

func setEnv(t *testing.T, srv *tastytradetest.Server, refresh, secret string) {
	t.Setenv(tastytrade.EnvAPIURL, srv.URL())
	t.Setenv(tastytrade.EnvStreamerURL, srv.StreamerURL())
	t.Setenv(tastytrade.EnvRefreshToken, refresh)
	t.Setenv(tastytrade.EnvClientSecret, secret)
}

func keys(m map[string]any) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestCheckCommandJSON(t *testing.T) {
	srv := tastytradetest.New(tastytradetest.Options{Keepalive: 50 * time.Millisecond})
	t.Cleanup(srv.Close)
	setEnv(t, srv, srv.RefreshToken(), srv.ClientSecret())
	go func() { // quotes while the check watches
		for i := 0; i < 10; i++ {
			time.Sleep(30 * time.Millisecond)
			srv.PublishQuotes()
		}
	}()
	var out, errOut bytes.Buffer
	code := tastytrade.CheckCommand([]string{"--broker", "tastytrade", "--for", "400ms", "--json"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v in %s", err, out.String())
	}
	if got := keys(rep); got != "accounts,broker,quotes" {
		t.Errorf("report keys %s", got)
	}
	accounts := rep["accounts"].([]any)
	if len(accounts) != 1 {
		t.Fatalf("%d accounts", len(accounts))
	}
	a := accounts[0].(map[string]any)
	if got := keys(a); got != "account,cash,net_liquidation,positions" {
		t.Errorf("account keys %s", got)
	}
	positions := a["positions"].([]any)
	shortPut := false
	for _, p := range positions {
		p := p.(map[string]any)
		if got := keys(p); got != "average_open_price,multiplier,quantity,streamer_symbol,symbol" {
			t.Errorf("position keys %s", got)
		}
		if p["symbol"] == "SPY   261218P00580000" {
			shortPut = p["quantity"].(float64) == -2 && p["multiplier"].(float64) == 100 &&
				p["streamer_symbol"] == ".SPY261218P580"
		}
	}
	if !shortPut {
		t.Errorf("the short SPY put is not -2 × 100 on .SPY261218P580: %v", positions)
	}
	quotes := rep["quotes"].([]any)
	if len(quotes) == 0 {
		t.Fatal("no quotes watched")
	}
	if got := keys(quotes[0].(map[string]any)); got != "ask,at,bid,symbol" {
		t.Errorf("quote keys %s", got)
	}
	if n := srv.Requests("POST /accounts/" + tastytradetest.Account + "/orders"); n != 0 {
		t.Errorf("the check placed %d orders", n)
	}
}

func TestCheckCommandRejectedToken(t *testing.T) {
	srv := tastytradetest.New(tastytradetest.Options{})
	t.Cleanup(srv.Close)
	setEnv(t, srv, "stale-refresh-XYZZY", "stale-secret-PLUGH")
	var out, errOut bytes.Buffer
	code := tastytrade.CheckCommand([]string{"--broker", "tastytrade", "--for", "10ms", "--json"}, &out, &errOut)
	msg := errOut.String()
	if code != 1 || !strings.Contains(msg, "rejected") || strings.Contains(msg, "XYZZY") ||
		strings.Contains(msg, "PLUGH") || strings.Contains(msg, "goroutine") || out.Len() != 0 {
		t.Errorf("exit %d, stderr %q, stdout %q", code, msg, out.String())
	}
	if n := srv.RefreshCalls(); n != 1 {
		t.Errorf("%d token attempts, want 1", n)
	}
}

func TestCheckCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"--broker", "paper"}, {}, {"--broker", "tastytrade", "--for", "-1s"}} {
		var out, errOut bytes.Buffer
		if code := tastytrade.CheckCommand(args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestCheckOutlivesShortToken(t *testing.T) {
	// An 11-second token is stale 1 s after issue (the token source refreshes 10 s early):
	// a 1.5 s watch must refresh once and still read the balances at the end.
	srv := tastytradetest.New(tastytradetest.Options{ExpiresIn: 11})
	t.Cleanup(srv.Close)
	cfg := tastytrade.Config{APIURL: srv.URL(), StreamerURL: srv.StreamerURL(), RefreshToken: srv.RefreshToken(),
		ClientSecret: srv.ClientSecret(), Keepalive: 200 * time.Millisecond}
	rep, err := tastytrade.Check(context.Background(), cfg, 1500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Accounts) != 1 || !rep.Accounts[0].NetLiquidation.IsPositive() {
		t.Errorf("report %+v", rep)
	}
	if n := srv.RefreshCalls(); n < 2 {
		t.Errorf("%d token refreshes over a watch longer than the token's life", n)
	}
}

// A login with several open accounts (a margin account and an IRA): the adapter never
// trades the first one listed by chance — it asks for a choice, trades the chosen one, and
// refuses one the login does not hold; the read-only check still lists them all.
func TestSeveralAccountsNeedAChoice(t *testing.T) {
	srv := tastytradetest.New(tastytradetest.Options{OtherAccounts: []string{"5WT00002"}, EmptyAccount: true})
	t.Cleanup(srv.Close)
	cfg := tastytrade.Config{APIURL: srv.URL(), StreamerURL: srv.StreamerURL(), RefreshToken: srv.RefreshToken(),
		ClientSecret: srv.ClientSecret(), Keepalive: 200 * time.Millisecond}
	connect := func(account string) (*tastytrade.Broker, error) {
		t.Helper()
		c := cfg
		c.Account = account
		b, err := tastytrade.New(c)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return b, b.Connect(ctx)
	}
	if _, err := connect(""); !errors.Is(err, tastytrade.ErrChooseAccount) || !strings.Contains(err.Error(), tastytradetest.Account+", 5WT00002") {
		t.Errorf("no account chosen: %v, want ErrChooseAccount naming both", err)
	}
	if _, err := connect("5WT00009"); err == nil || !strings.Contains(err.Error(), "5WT00009 is not among") {
		t.Errorf("an account the login does not hold: %v", err)
	}
	b, err := connect(tastytradetest.Account)
	if err != nil || b.AccountNumber() != tastytradetest.Account {
		t.Errorf("the chosen account: %v, trading %q", err, b.AccountNumber())
	}
	rep, err := tastytrade.Check(context.Background(), cfg, 10*time.Millisecond)
	if err != nil || len(rep.Accounts) != 2 || rep.Accounts[1].Account != "5WT00002" {
		t.Errorf("the check: %+v %v, want both accounts", rep.Accounts, err)
	}
}
