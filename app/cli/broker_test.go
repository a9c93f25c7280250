package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers/tastytrade"
	"github.com/keel-desk/keel/brokers/tastytrade/tastytradetest"
)

// setTastytradeEnv points `keel broker check` at the fake with only the environment.
func setTastytradeEnv(t *testing.T, srv *tastytradetest.Server, token, secret string) {
	t.Setenv(tastytrade.EnvAPIURL, srv.URL())
	t.Setenv(tastytrade.EnvStreamerURL, srv.StreamerURL())
	t.Setenv(tastytrade.EnvRefreshToken, token)
	t.Setenv(tastytrade.EnvClientSecret, secret)
}

func TestBrokerCheck(t *testing.T) {
	t.Run("healthy", func(t *testing.T) {
		srv := tastytradetest.New(tastytradetest.Options{Keepalive: 50 * time.Millisecond})
		t.Cleanup(srv.Close)
		setTastytradeEnv(t, srv, srv.RefreshToken(), srv.ClientSecret())
		var rep struct {
			Accounts []struct {
				Account   string `json:"account"`
				Positions []any  `json:"positions"`
			} `json:"accounts"`
		}
		runJSON(t, &rep, "broker", "check", "--broker", "tastytrade", "--for", "200ms", "--json")
		if len(rep.Accounts) != 1 || rep.Accounts[0].Account != tastytradetest.Account || len(rep.Accounts[0].Positions) == 0 {
			t.Errorf("accounts %+v", rep.Accounts)
		}
		if n := srv.Requests("POST /accounts/" + tastytradetest.Account + "/orders"); n != 0 {
			t.Errorf("the check placed %d orders", n)
		}
		code, out, errOut := run(t, "broker", "check", "--broker", "tastytrade", "--for", "100ms")
		if code != 0 || errOut != "" || !strings.Contains(out, tastytradetest.Account) || !strings.Contains(out, "no order was placed") {
			t.Errorf("text: exit %d, stderr %q, stdout %q", code, errOut, out)
		}
	})
	t.Run("rejected token", func(t *testing.T) {
		srv := tastytradetest.New(tastytradetest.Options{})
		t.Cleanup(srv.Close)
		setTastytradeEnv(t, srv, "stale-refresh-XYZZY", "stale-secret-PLUGH")
		code, out, errOut := run(t, "broker", "check", "--broker", "tastytrade", "--for", "10ms", "--json")
		if code != 1 || out != "" || !strings.Contains(errOut, "rejected") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 ||
			strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "XYZZY") || strings.Contains(errOut, "PLUGH") {
			t.Errorf("exit %d, stdout %q, stderr %q; want 1 and one line saying the token was rejected", code, out, errOut)
		}
		if json.Valid([]byte(out)) && out != "" {
			t.Errorf("printed a report: %s", out)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no subcommand", nil},
		{"not check", []string{"status"}},
		{"no broker", []string{"check"}},
		{"paper", []string{"check", "--broker", "paper"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, out, _ := run(t, append([]string{"broker"}, tc.args...)...); code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q; want 2", code, out)
			}
		})
	}
}
