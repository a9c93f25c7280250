package desk

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/keel-desk/keel/brokers/tastytrade"
	"github.com/keel-desk/keel/data"
)

// BrokerKey is the journal setting that names the broker the desk starts on: "paper" (the
// default) or "tastytrade". It holds the name only — never a credential.
const BrokerKey = "broker.v1"

// TastytradeAccountKey is the journal setting that names the tastytrade account the desk
// trades (an account number, never a credential). KEEL_TASTYTRADE_ACCOUNT takes precedence.
const TastytradeAccountKey = "tastytrade_account.v1"

// The brokers the desk can start on.
const (
	BrokerPaper      = "paper"
	BrokerTastytrade = "tastytrade"
)

// LoadBroker is the broker the desk starts on, from the journal: "paper" when never set or
// when there is no journal.
func LoadBroker(ctx context.Context, j *data.Journal) (string, error) {
	if j == nil {
		return BrokerPaper, nil
	}
	v, ok, err := j.Setting(ctx, BrokerKey)
	if err != nil || !ok {
		return BrokerPaper, err
	}
	switch v {
	case BrokerPaper, BrokerTastytrade:
		return v, nil
	}
	return BrokerPaper, fmt.Errorf("settings: unknown broker %q; starting on the paper account", v)
}

// BrokerSettings is the one door to the brokers' connections for the Settings window: it
// keeps tastytrade's refresh token and client secret in the OS keyring (through the
// adapter, never in the journal, preferences or logs), runs the read-only check, and writes
// which broker the desk starts on.
type BrokerSettings struct {
	Journal *data.Journal
	// CheckFor is how long Test watches quotes; 0 means 3 s.
	CheckFor time.Duration
}

// BrokerStatus is what the Brokers page shows about tastytrade.
type BrokerStatus struct {
	Connected  bool   // a refresh token and client secret are available
	FromEnv    bool   // … from the environment variables (they take precedence)
	StartsOn   string // the broker the desk starts on next time
	StartErr   error  // the saved choice could not be read
	CredsError error  // the keyring could not be read (not "no credentials")
	// Account is the tastytrade account the desk trades: from the environment
	// (AccountFromEnv) or chosen on the page; empty when none is (a login with one open
	// account then trades it, one with several refuses to start until one is chosen).
	Account        string
	AccountFromEnv bool
	AccountErr     error // the saved choice could not be read
}

// Status reads where the credentials come from (never the secrets themselves) and the
// broker the desk starts on.
func (b BrokerSettings) Status(ctx context.Context) BrokerStatus {
	var st BrokerStatus
	_, _, err := tastytrade.LoadCredentials()
	switch {
	case err == nil:
		st.Connected = true
	case !errors.Is(err, tastytrade.ErrNoCredentials):
		st.CredsError = err
	}
	st.FromEnv = envSet(tastytrade.EnvRefreshToken) && envSet(tastytrade.EnvClientSecret)
	st.StartsOn, st.StartErr = LoadBroker(ctx, b.Journal)
	st.Account, st.AccountFromEnv, st.AccountErr = tastytradeAccount(ctx, b.Journal)
	return st
}

// tastytradeAccount is the account the desk trades on tastytrade: the environment's, else
// the one chosen on the Brokers page ("" for none).
func tastytradeAccount(ctx context.Context, j *data.Journal) (account string, fromEnv bool, err error) {
	if a := strings.TrimSpace(os.Getenv(tastytrade.EnvAccount)); a != "" {
		return a, true, nil
	}
	if j == nil {
		return "", false, nil
	}
	v, _, err := j.Setting(ctx, TastytradeAccountKey)
	return strings.TrimSpace(v), false, err
}

// ChooseAccount keeps account (a number the read-only check listed) as the tastytrade
// account the desk trades from the next start of Keel.
func (b BrokerSettings) ChooseAccount(ctx context.Context, account string) error {
	account = strings.TrimSpace(account)
	switch {
	case account == "":
		return errors.New("settings: no account named")
	case b.Journal == nil:
		return errors.New("settings: no journal is open to keep the choice in")
	}
	return b.Journal.SetSetting(ctx, TastytradeAccountKey, account)
}

// Connect keeps the refresh token and client secret in the OS keyring. Nothing is written
// anywhere else; the secrets are trimmed and never echoed in errors.
func (b BrokerSettings) Connect(refreshToken, clientSecret string) error {
	return tastytrade.StoreCredentials(refreshToken, clientSecret)
}

// Test runs the adapter's read-only check with the saved credentials: it logs in, lists
// the accounts with their net liquidation and positions and never places an order.
func (b BrokerSettings) Test(ctx context.Context) (tastytrade.CheckReport, error) {
	cfg, err := tastytrade.ConfigFromEnv()
	if err != nil {
		return tastytrade.CheckReport{}, err
	}
	watch := b.CheckFor
	if watch <= 0 {
		watch = 3 * time.Second
	}
	return tastytrade.Check(ctx, cfg, watch)
}

// StartOn writes the broker the desk starts on from the next start of Keel.
func (b BrokerSettings) StartOn(ctx context.Context, broker string) error {
	if broker != BrokerPaper && broker != BrokerTastytrade {
		return fmt.Errorf("settings: unknown broker %q", broker)
	}
	if b.Journal == nil {
		return errors.New("settings: no journal is open to keep the choice in")
	}
	return b.Journal.SetSetting(ctx, BrokerKey, broker)
}

// Disconnect makes the desk start on the paper account again; the credentials stay in the
// keyring for a later reconnect.
func (b BrokerSettings) Disconnect(ctx context.Context) error { return b.StartOn(ctx, BrokerPaper) }

// Forget removes the credentials from the keyring and makes the desk start on paper.
func (b BrokerSettings) Forget(ctx context.Context) error {
	if err := tastytrade.ForgetCredentials(); err != nil {
		return err
	}
	if b.Journal == nil {
		return nil
	}
	return b.StartOn(ctx, BrokerPaper)
}

// LiveOptions start the desk on tastytrade.
type LiveOptions struct {
	// Config overrides the adapter's configuration; nil means tastytrade.ConfigFromEnv
	// (endpoints from the environment, credentials from the environment or the keyring).
	Config *tastytrade.Config
	// Settings reads the trader's Settings from the journal and applies the betas, limits
	// and benchmark to the desk.
	Settings bool
}

// StartTastytrade starts the desk on the tastytrade account, journaling fills into j. The
// desk starts read-only: orders are refused until EnableLiveTrading. stop closes the desk
// and the adapter.
func StartTastytrade(j *data.Journal, opt LiveOptions) (d *Service, stop func(), err error) {
	var cfg tastytrade.Config
	if opt.Config != nil {
		cfg = *opt.Config
	} else if cfg, err = tastytrade.ConfigFromEnv(); err != nil {
		return nil, nil, err
	}
	if cfg.Account == "" {
		if cfg.Account, _, err = tastytradeAccount(context.Background(), j); err != nil {
			return nil, nil, fmt.Errorf("the tastytrade account chosen in Settings → Brokers: %w", err)
		}
	}
	b, err := tastytrade.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err = Start(ctx, Config{Broker: b, Journal: j, DividendYield: DividendYields})
	if err != nil {
		b.Close()
		return nil, nil, err
	}
	if opt.Settings {
		settings, settingsErr := LoadSettings(context.Background(), j)
		settings.Apply(d)
		if settingsErr != nil {
			d.post(func() { d.addProblem("settings", settingsErr.Error()+" — using the defaults"); d.st.dirty = true })
		}
	}
	return d, func() { d.Close(); b.Close() }, nil
}

func envSet(name string) bool { return strings.TrimSpace(os.Getenv(name)) != "" }

// CheckReport is what the read-only check saw (tastytrade.CheckReport), so that windows
// need not import the adapter.
type CheckReport = tastytrade.CheckReport

// The environment variables that take precedence over the keyring, and where the adapter
// is pointed at the sandbox (named here for the Brokers page).
const (
	EnvRefreshToken = tastytrade.EnvRefreshToken
	EnvAccount      = tastytrade.EnvAccount
	EnvClientSecret = tastytrade.EnvClientSecret
	EnvAPIURL       = tastytrade.EnvAPIURL
)

// ErrNoCredentials says neither the environment nor the keyring holds tastytrade's refresh
// token and client secret.
var ErrNoCredentials = tastytrade.ErrNoCredentials
