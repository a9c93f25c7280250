package tastytrade

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// The environment variables the adapter reads. Credentials in the environment take
// precedence over the keyring; the URLs point the adapter at the sandbox or a test server.
const (
	EnvRefreshToken = "KEEL_TASTYTRADE_REFRESH_TOKEN"
	EnvClientSecret = "KEEL_TASTYTRADE_CLIENT_SECRET"
	EnvAPIURL       = "KEEL_TASTYTRADE_API_URL"
	EnvStreamerURL  = "KEEL_TASTYTRADE_STREAMER_URL"
	EnvAccount      = "KEEL_TASTYTRADE_ACCOUNT" // the account number to trade (else the one chosen in Settings)
)

// Production and sandbox endpoints, from tastytrade's developer documentation.
const (
	ProductionAPI      = "https://api.tastyworks.com"
	ProductionStreamer = "wss://streamer.tastyworks.com"
	SandboxAPI         = "https://api.cert.tastyworks.com"
	SandboxStreamer    = "wss://streamer.cert.tastyworks.com"
)

// keyringService is the OS keyring entry Keel keeps the grant under.
const (
	keyringService = "keel-tastytrade"
	keyringRefresh = "refresh-token"
	keyringSecret  = "client-secret"
)

// ErrNoCredentials says neither the environment nor the keyring holds a refresh token and
// client secret.
var ErrNoCredentials = errors.New("tastytrade: no credentials: set " + EnvRefreshToken + " and " +
	EnvClientSecret + " or connect the account in Settings → Brokers")

// Config is how to reach tastytrade. The zero value of every field has a sensible default
// (production endpoints, one-minute DXLink silence, a few seconds of backoff).
type Config struct {
	APIURL      string // REST base URL; default ProductionAPI
	StreamerURL string // account streamer URL; default ProductionStreamer

	RefreshToken string // a personal grant's refresh token (secret)
	ClientSecret string // the OAuth client's secret (secret)

	Account   string // account number to trade; empty: the login's only open account (ErrChooseAccount when several)
	UserAgent string // product/version; default "keel/1"
	// AcceptVersion, when set, is sent as the Accept-Version header to pin the production
	// API version (a date, as tastytrade's release notes name versions).
	AcceptVersion string

	HTTPClient *http.Client // default: a client with a 30 s timeout

	// DXLinkSilence is how long the quote socket may stay silent (no data and no
	// keepalive) before the adapter drops it, reconnects and resubscribes. Default 60 s.
	DXLinkSilence time.Duration
	// Keepalive is how often the adapter sends KEEPALIVE on DXLink and a heartbeat on the
	// account streamer. Default 20 s.
	Keepalive time.Duration
	// ReconnectMin and ReconnectMax bound the exponential backoff (with jitter) between
	// reconnection attempts. Defaults 1 s and 60 s.
	ReconnectMin, ReconnectMax time.Duration
	// RetryMin and RetryMax bound the jittered backoff after a 429; MaxRetries is how many
	// times a rate-limited call is retried. Defaults 500 ms, 8 s and 5.
	RetryMin, RetryMax time.Duration
	MaxRetries         int
	// SubscribeChunk is the most symbols sent in one DXLink FEED_SUBSCRIPTION (an oversized
	// message closes the socket). Default 100.
	SubscribeChunk int

	Logf func(format string, args ...any) // default: discard; never receives secrets
	Now  func() time.Time                 // default time.Now
}

func (c Config) withDefaults() Config {
	if c.APIURL == "" {
		c.APIURL = ProductionAPI
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	if c.StreamerURL == "" {
		c.StreamerURL = ProductionStreamer
	}
	if c.UserAgent == "" {
		c.UserAgent = "keel/1"
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.DXLinkSilence, 60*time.Second)
	def(&c.Keepalive, 20*time.Second)
	def(&c.ReconnectMin, time.Second)
	def(&c.ReconnectMax, 60*time.Second)
	def(&c.RetryMin, 500*time.Millisecond)
	def(&c.RetryMax, 8*time.Second)
	if c.MaxRetries <= 0 {
		c.MaxRetries = 5
	}
	if c.SubscribeChunk <= 0 {
		c.SubscribeChunk = 100
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// ConfigFromEnv is the default Config with the endpoints and credentials the environment
// gives: the URL variables override the endpoints, the credential variables take
// precedence over the keyring. It returns ErrNoCredentials when neither has both secrets.
func ConfigFromEnv() (Config, error) {
	c := Config{APIURL: os.Getenv(EnvAPIURL), StreamerURL: os.Getenv(EnvStreamerURL), Account: strings.TrimSpace(os.Getenv(EnvAccount))}
	refresh, secret, err := LoadCredentials()
	if err != nil {
		return c, err
	}
	c.RefreshToken, c.ClientSecret = refresh, secret
	return c, nil
}

// LoadCredentials returns the refresh token and client secret: each from the environment
// when set there, else from the OS keyring. It returns ErrNoCredentials when either is
// missing; the error never contains a secret.
func LoadCredentials() (refreshToken, clientSecret string, err error) {
	refreshToken = strings.TrimSpace(os.Getenv(EnvRefreshToken))
	clientSecret = strings.TrimSpace(os.Getenv(EnvClientSecret))
	if refreshToken == "" {
		refreshToken, err = keyring.Get(keyringService, keyringRefresh)
		if err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return "", "", fmt.Errorf("tastytrade: reading the refresh token from the keyring: %w", err)
		}
	}
	if clientSecret == "" {
		clientSecret, err = keyring.Get(keyringService, keyringSecret)
		if err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return "", "", fmt.Errorf("tastytrade: reading the client secret from the keyring: %w", err)
		}
	}
	if refreshToken == "" || clientSecret == "" {
		return "", "", ErrNoCredentials
	}
	return refreshToken, clientSecret, nil
}

// StoreCredentials keeps the refresh token and client secret in the OS keyring (and
// nowhere else).
func StoreCredentials(refreshToken, clientSecret string) error {
	refreshToken, clientSecret = strings.TrimSpace(refreshToken), strings.TrimSpace(clientSecret)
	if refreshToken == "" || clientSecret == "" {
		return errors.New("tastytrade: both the refresh token and the client secret are needed")
	}
	if err := keyring.Set(keyringService, keyringRefresh, refreshToken); err != nil {
		return fmt.Errorf("tastytrade: storing the refresh token in the keyring: %w", err)
	}
	if err := keyring.Set(keyringService, keyringSecret, clientSecret); err != nil {
		return fmt.Errorf("tastytrade: storing the client secret in the keyring: %w", err)
	}
	return nil
}

// ForgetCredentials removes the refresh token and client secret from the OS keyring.
// Forgetting what is not there is not an error.
func ForgetCredentials() error {
	for _, user := range []string{keyringRefresh, keyringSecret} {
		if err := keyring.Delete(keyringService, user); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return fmt.Errorf("tastytrade: removing the %s from the keyring: %w", user, err)
		}
	}
	return nil
}
