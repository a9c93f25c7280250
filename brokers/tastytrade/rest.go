package tastytrade

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/keel-desk/keel/brokers"
)

// client is the REST side: headers, the bearer token, 401 → one refresh, 429 → jittered
// backoff, and the {"data": …} envelope.
type client struct {
	cfg  Config
	auth *auth
}

// apiError is an error answer of the API: {"error": {"code", "message", "errors": [...]}}.
type apiError struct {
	Status  int
	Code    string
	Message string
	Details []string
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("tastytrade: HTTP %d", e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if r := e.reason(); r != "" {
		s += ": " + r
	}
	return s
}

// reason is the server's explanation in words.
func (e *apiError) reason() string {
	parts := []string{}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	parts = append(parts, e.Details...)
	if len(parts) == 0 && e.Code != "" {
		return e.Code
	}
	return strings.Join(parts, "; ")
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Errors  []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	} `json:"error"`
}

func parseAPIError(status int, raw []byte) *apiError {
	e := &apiError{Status: status}
	var b errorBody
	if json.Unmarshal(raw, &b) == nil {
		e.Code, e.Message = b.Error.Code, b.Error.Message
		for _, d := range b.Error.Errors {
			if d.Message != "" {
				e.Details = append(e.Details, d.Message)
			} else if d.Code != "" {
				e.Details = append(e.Details, d.Code)
			}
		}
	}
	return e
}

func isStatus(err error, status int) bool {
	var e *apiError
	return errors.As(err, &e) && e.Status == status
}

// backoff is a jittered exponential delay for the attempt'th retry (0-based): uniform in
// [d/2, d] with d = min·2^attempt capped at max.
func backoff(min, max time.Duration, attempt int) time.Duration {
	d := min
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// get, post, put and del call the API; out (if not nil) receives the "data" member.
func (c *client) get(ctx context.Context, path string, q url.Values, out any) error {
	return c.do(ctx, http.MethodGet, path, q, nil, out, true)
}

// do sends one call. retry429 says a 429 may be retried here (reads); a write returns the
// rate-limit error so its caller can look before it retries.
func (c *client) do(ctx context.Context, method, path string, q url.Values, body, out any, retry429 bool) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("tastytrade: encoding %s %s: %w", method, path, err)
		}
	}
	u := c.cfg.APIURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	refreshed := false
	for attempt := 0; ; attempt++ {
		tok, err := c.auth.token()
		if err != nil {
			var rl *rateLimited
			if errors.As(err, &rl) && attempt < c.cfg.MaxRetries {
				if err := sleep(ctx, backoff(c.cfg.RetryMin, c.cfg.RetryMax, attempt)); err != nil {
					return err
				}
				continue
			}
			return err
		}
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(payload))
		if err != nil {
			return fmt.Errorf("tastytrade: %s %s: %w", method, path, err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("User-Agent", c.cfg.UserAgent)
		req.Header.Set("Accept", "application/json")
		if c.cfg.AcceptVersion != "" {
			req.Header.Set("Accept-Version", c.cfg.AcceptVersion)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.cfg.HTTPClient.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("tastytrade: %s %s: %w", method, path, err)
		}
		raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("tastytrade: reading %s %s: %w", method, path, err)
		}
		switch {
		case resp.StatusCode == http.StatusUnauthorized && !refreshed:
			// The access token expired or was revoked early: refresh once and try again.
			refreshed = true
			c.auth.invalidate(tok)
			attempt--
			continue
		case resp.StatusCode == http.StatusTooManyRequests:
			// No Retry-After comes with it: back off with jitter.
			if !retry429 || attempt >= c.cfg.MaxRetries {
				return &brokers.RateLimitedError{RetryAfter: backoff(c.cfg.RetryMin, c.cfg.RetryMax, attempt)}
			}
			c.cfg.Logf("tastytrade: %s %s rate limited, backing off", method, path)
			if err := sleep(ctx, backoff(c.cfg.RetryMin, c.cfg.RetryMax, attempt)); err != nil {
				return err
			}
			continue
		case resp.StatusCode >= 300:
			return parseAPIError(resp.StatusCode, raw)
		}
		if out == nil || len(raw) == 0 {
			return nil
		}
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			return fmt.Errorf("tastytrade: decoding %s %s: %w", method, path, err)
		}
		if len(env.Data) == 0 {
			return nil
		}
		if err := json.Unmarshal(env.Data, out); err != nil {
			return fmt.Errorf("tastytrade: decoding %s %s: %w", method, path, err)
		}
		return nil
	}
}
