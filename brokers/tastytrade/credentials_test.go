package tastytrade_test

import (
	"errors"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/keel-desk/keel/brokers/tastytrade"
)

func TestCredentialsEnvOverKeyring(t *testing.T) {
	keyring.MockInit()
	t.Setenv(tastytrade.EnvRefreshToken, "")
	t.Setenv(tastytrade.EnvClientSecret, "")
	if _, _, err := tastytrade.LoadCredentials(); !errors.Is(err, tastytrade.ErrNoCredentials) {
		t.Fatalf("nothing stored: %v, want ErrNoCredentials", err)
	}
	if err := tastytrade.StoreCredentials("kr-refresh", "kr-secret"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, envRefresh, envSecret, wantRefresh, wantSecret string
	}{
		{"keyring only", "", "", "kr-refresh", "kr-secret"},
		{"environment first", "env-refresh", "env-secret", "env-refresh", "env-secret"},
		{"mixed", "env-refresh", "", "env-refresh", "kr-secret"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(tastytrade.EnvRefreshToken, c.envRefresh)
			t.Setenv(tastytrade.EnvClientSecret, c.envSecret)
			r, s, err := tastytrade.LoadCredentials()
			if err != nil || r != c.wantRefresh || s != c.wantSecret {
				t.Errorf("got %q %q %v", r, s, err)
			}
		})
	}
	if err := tastytrade.ForgetCredentials(); err != nil {
		t.Fatal(err)
	}
	if err := tastytrade.ForgetCredentials(); err != nil {
		t.Errorf("forgetting twice: %v", err)
	}
	if _, _, err := tastytrade.LoadCredentials(); !errors.Is(err, tastytrade.ErrNoCredentials) {
		t.Errorf("after Forget: %v", err)
	}
	if err := tastytrade.StoreCredentials(" ", "x"); err == nil {
		t.Error("an empty refresh token was stored")
	}
}
