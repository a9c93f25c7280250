package tastytrade

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// ErrTokenRejected says tastytrade refused the refresh token or client secret. The adapter
// never retries a rejected token (repeated failed logins block an IP); supply a new grant.
var ErrTokenRejected = errors.New("tastytrade: the refresh token was rejected; create a new grant and connect again")

// auth hands out access tokens: a reusing token source in front of one refresh call
// (POST /oauth/token with a JSON body, answered unwrapped: {access_token, expires_in}).
type auth struct {
	cfg Config

	mu       sync.Mutex
	src      oauth2.TokenSource
	rejected error // sticky: once set, no refresh is attempted again
	refresh  *refresher
}

func newAuth(cfg Config) *auth {
	a := &auth{cfg: cfg, refresh: &refresher{cfg: cfg}}
	a.src = oauth2.ReuseTokenSource(nil, a.refresh)
	return a
}

// token is a valid access token, refreshing when the cached one is near expiry.
func (a *auth) token() (string, error) {
	a.mu.Lock()
	if a.rejected != nil {
		a.mu.Unlock()
		return "", a.rejected
	}
	src := a.src
	a.mu.Unlock()
	t, err := src.Token()
	if err != nil {
		if errors.Is(err, ErrTokenRejected) {
			a.mu.Lock()
			a.rejected = err
			a.mu.Unlock()
		}
		return "", err
	}
	return t.AccessToken, nil
}

// invalidate drops the cached access token after the server refused it (401) so the next
// token call refreshes, unless another caller already replaced that token.
func (a *auth) invalidate(refused string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if t, err := a.src.Token(); err == nil && t.AccessToken != refused {
		return
	}
	a.src = oauth2.ReuseTokenSource(nil, a.refresh)
}

// refresher is the one custom piece: tastytrade's token endpoint takes JSON, not a form.
type refresher struct{ cfg Config }

type tokenRequest struct {
	GrantType    string `json:"grant_type"`
	RefreshToken string `json:"refresh_token"`
	ClientSecret string `json:"client_secret"`
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

func (r *refresher) Token() (*oauth2.Token, error) {
	body, _ := json.Marshal(tokenRequest{GrantType: "refresh_token", RefreshToken: r.cfg.RefreshToken,
		ClientSecret: r.cfg.ClientSecret})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.cfg.APIURL+"/oauth/token", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("tastytrade: token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", r.cfg.UserAgent)
	resp, err := r.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("tastytrade: token request: %s", r.scrub(err.Error()))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, &rateLimited{}
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized ||
		resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("%w (HTTP %d%s)", ErrTokenRejected, resp.StatusCode, r.reason(raw))
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("tastytrade: token endpoint answered HTTP %d%s", resp.StatusCode, r.reason(raw))
	}
	var tr tokenResponse
	if err := json.Unmarshal(raw, &tr); err != nil || tr.AccessToken == "" {
		return nil, errors.New("tastytrade: token endpoint answered without an access token")
	}
	t := &oauth2.Token{AccessToken: tr.AccessToken, TokenType: "Bearer"}
	if tr.ExpiresIn > 0 {
		t.Expiry = time.Now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	return t, nil
}

// reason is the server's error code in words, without any secret it might echo.
func (r *refresher) reason(raw []byte) string {
	var e struct {
		Error            any    `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	var parts []string
	switch v := e.Error.(type) {
	case string:
		parts = append(parts, v)
	case map[string]any:
		if m, ok := v["message"].(string); ok {
			parts = append(parts, m)
		}
	}
	if e.ErrorDescription != "" {
		parts = append(parts, e.ErrorDescription)
	}
	if len(parts) == 0 {
		return ""
	}
	s := r.scrub(strings.Join(parts, ": "))
	if len(s) > 200 {
		s = s[:200]
	}
	return ": " + s
}

// scrub removes the secrets from text that is about to become an error message.
func (r *refresher) scrub(s string) string {
	for _, secret := range []string{r.cfg.RefreshToken, r.cfg.ClientSecret} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// rateLimited is a 429 seen inside the client; it becomes a brokers.RateLimitedError when
// the retries are spent.
type rateLimited struct{}

func (*rateLimited) Error() string { return "tastytrade: rate limited (HTTP 429)" }
