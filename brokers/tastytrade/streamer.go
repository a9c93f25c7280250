package tastytrade

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// readLimit is the largest websocket message the adapter accepts (the library's default
// of 32 KB is too small for a chain's worth of quotes or a big order notification).
const readLimit = 16 << 20

// accountStreamer is the account streamer session: a connect message with the access
// token and the account number, heartbeats, and order notifications in.
type accountStreamer struct {
	b       *Broker
	conn    *websocket.Conn
	account string
	mu      sync.Mutex
	reqID   int
}

type streamerRequest struct {
	Action    string `json:"action"`
	Value     any    `json:"value,omitempty"`
	AuthToken string `json:"auth-token"`
	RequestID int    `json:"request-id"`
}

type streamerMessage struct {
	Type      string          `json:"type"`
	Data      json.RawMessage `json:"data"`
	Status    string          `json:"status"`
	Action    string          `json:"action"`
	Message   string          `json:"message"`
	RequestID int             `json:"request-id"`
}

// dialStreamer opens the account streamer and waits for the connect to be acknowledged.
func dialStreamer(ctx context.Context, b *Broker, account string) (*accountStreamer, error) {
	tok, err := b.auth.token()
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(dctx, b.cfg.StreamerURL, &websocket.DialOptions{HTTPClient: b.cfg.HTTPClient})
	if err != nil {
		return nil, fmt.Errorf("tastytrade: opening the account streamer: %w", err)
	}
	conn.SetReadLimit(readLimit)
	s := &accountStreamer{b: b, conn: conn, account: account}
	if err := s.send(dctx, "connect", []string{account}, tok); err != nil {
		conn.CloseNow()
		return nil, err
	}
	for {
		var m streamerMessage
		if err := s.read(dctx, &m); err != nil {
			conn.CloseNow()
			return nil, fmt.Errorf("tastytrade: account streamer connect: %w", err)
		}
		if m.Action != "connect" && (m.Status == "" || m.RequestID != 1) {
			continue // a notification before the acknowledgement: the resync after connecting covers it
		}
		if m.Status != "ok" {
			conn.CloseNow()
			return nil, fmt.Errorf("tastytrade: the account streamer refused to connect: %s %s", m.Status, m.Message)
		}
		return s, nil
	}
}

func (s *accountStreamer) send(ctx context.Context, action string, value any, tok string) error {
	s.mu.Lock()
	s.reqID++
	req := streamerRequest{Action: action, Value: value, AuthToken: tok, RequestID: s.reqID}
	s.mu.Unlock()
	b, _ := json.Marshal(req)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.conn.Write(wctx, websocket.MessageText, b); err != nil {
		return fmt.Errorf("tastytrade: account streamer %s: %w", action, err)
	}
	return nil
}

func (s *accountStreamer) read(ctx context.Context, m *streamerMessage) error {
	_, data, err := s.conn.Read(ctx)
	if err != nil {
		return err
	}
	*m = streamerMessage{}
	return json.Unmarshal(data, m)
}

func (s *accountStreamer) close() { s.conn.Close(websocket.StatusNormalClosure, "") }

// run reads notifications until ctx ends (a requested close) or the socket fails (fault).
func (s *accountStreamer) run(ctx context.Context, fault func(error)) {
	defer s.conn.CloseNow()
	go s.heartbeat(ctx)
	for {
		var m streamerMessage
		err := s.read(ctx, &m)
		if ctx.Err() != nil {
			s.conn.Close(websocket.StatusNormalClosure, "")
			return
		}
		if err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				s.b.cfg.Logf("tastytrade: account streamer sent bad JSON: %v", err)
				continue
			}
			fault(fmt.Errorf("tastytrade: account streamer lost: %w", err))
			return
		}
		switch {
		case m.Type == "Order":
			var o wireOrder
			if err := json.Unmarshal(m.Data, &o); err != nil {
				s.b.cfg.Logf("tastytrade: account streamer order notification: %v", err)
				continue
			}
			s.b.onOrder(o)
		case m.Status == "error":
			s.b.cfg.Logf("tastytrade: account streamer %s: %s", m.Action, m.Message)
		}
	}
}

func (s *accountStreamer) heartbeat(ctx context.Context) {
	t := time.NewTicker(s.b.cfg.Keepalive)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			tok, err := s.b.auth.token()
			if err != nil {
				s.b.cfg.Logf("tastytrade: account streamer heartbeat: %v", err)
				continue
			}
			if err := s.send(ctx, "heartbeat", nil, tok); err != nil && ctx.Err() == nil {
				s.b.cfg.Logf("%v", err)
			}
		}
	}
}
