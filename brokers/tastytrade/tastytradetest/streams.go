package tastytradetest

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

func send(c *websocket.Conn, v any) error {
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.Write(ctx, websocket.MessageText, b)
}

// accountStreamer serves the account streamer: connect (with a valid access token) and
// heartbeat are acknowledged; Order notifications are pushed.
func (s *Server) accountStreamer(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	for {
		_, raw, err := c.Read(r.Context())
		if err != nil {
			s.mu.Lock()
			delete(s.streamers, c)
			s.mu.Unlock()
			return
		}
		var m struct {
			Action    string          `json:"action"`
			Value     json.RawMessage `json:"value"`
			AuthToken string          `json:"auth-token"`
			RequestID int             `json:"request-id"`
		}
		if json.Unmarshal(raw, &m) != nil {
			continue
		}
		s.mu.Lock()
		ok := s.authorized(m.AuthToken)
		if ok && m.Action == "connect" {
			s.streamers[c] = true
		}
		s.mu.Unlock()
		reply := map[string]any{"status": "ok", "action": m.Action, "web-socket-session-id": "fake-session", "request-id": m.RequestID}
		if !ok {
			reply["status"], reply["message"] = "error", "not authorized: the auth-token is invalid or expired"
		}
		if send(c, reply) != nil {
			return
		}
	}
}

// pushOrders sends Order notifications to every connected account streamer.
func (s *Server) pushOrders(orders []map[string]any) {
	if len(orders) == 0 {
		return
	}
	s.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(s.streamers))
	for c := range s.streamers {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		for _, o := range orders {
			_ = send(c, map[string]any{"type": "Order", "data": o, "timestamp": time.Now().UnixMilli()})
		}
	}
}

// feed is one DXLink socket.
type feed struct {
	conn       *websocket.Conn
	seq        int
	silent     atomic.Bool
	configured bool
	fields     map[string][]string
	subs       map[string]map[string]bool // symbol → event types
	wmu        sync.Mutex
}

func (f *feed) send(v any) error {
	if f.silent.Load() {
		return nil
	}
	f.wmu.Lock()
	defer f.wmu.Unlock()
	return send(f.conn, v)
}

var feedSeq atomic.Int64

// served is what the fake's feed can send per event type, in its own order.
var served = map[string][]string{
	"Quote":  {"eventType", "eventSymbol", "bidPrice", "askPrice", "bidSize", "askSize", "bidTime", "askTime"},
	"Trade":  {"eventType", "eventSymbol", "price", "dayVolume", "size"},
	"Greeks": {"eventType", "eventSymbol", "volatility", "delta", "gamma", "theta", "vega", "rho"},
}

// dxlink serves the DXLink protocol on channel 0 (SETUP, AUTH, KEEPALIVE) and one FEED
// channel in the COMPACT format.
func (s *Server) dxlink(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	c.SetReadLimit(1 << 20)
	f := &feed{conn: c, seq: int(feedSeq.Add(1)), subs: map[string]map[string]bool{}}
	s.mu.Lock()
	s.feeds[f] = true
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(r.Context())
	defer func() {
		cancel()
		s.mu.Lock()
		if f.configured {
			s.closedFeeds++
		}
		delete(s.feeds, f)
		s.mu.Unlock()
		c.CloseNow()
	}()
	go func() {
		t := time.NewTicker(s.opt.Keepalive)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = f.send(map[string]any{"type": "KEEPALIVE", "channel": 0})
			}
		}
	}()
	authorized := false
	for {
		_, raw, err := c.Read(ctx)
		if err != nil {
			return
		}
		var m struct {
			Type              string              `json:"type"`
			Channel           int                 `json:"channel"`
			Token             string              `json:"token"`
			Service           string              `json:"service"`
			AcceptDataFormat  string              `json:"acceptDataFormat"`
			AcceptEventFields map[string][]string `json:"acceptEventFields"`
			Add               []map[string]string `json:"add"`
			Remove            []map[string]string `json:"remove"`
			Reset             bool                `json:"reset"`
		}
		if json.Unmarshal(raw, &m) != nil {
			_ = f.send(map[string]any{"type": "ERROR", "channel": 0, "error": "INVALID_MESSAGE", "message": "not JSON"})
			continue
		}
		switch m.Type {
		case "SETUP":
			_ = f.send(map[string]any{"type": "SETUP", "channel": 0, "version": "1.0-fake", "keepaliveTimeout": 60, "acceptKeepaliveTimeout": 60})
			_ = f.send(map[string]any{"type": "AUTH_STATE", "channel": 0, "state": "UNAUTHORIZED"})
		case "AUTH":
			if m.Token != "quote-token" {
				_ = f.send(map[string]any{"type": "ERROR", "channel": 0, "error": "UNAUTHORIZED", "message": "bad token"})
				_ = f.send(map[string]any{"type": "AUTH_STATE", "channel": 0, "state": "UNAUTHORIZED"})
				continue
			}
			authorized = true
			_ = f.send(map[string]any{"type": "AUTH_STATE", "channel": 0, "state": "AUTHORIZED", "userId": "fake"})
		case "KEEPALIVE":
		case "CHANNEL_REQUEST":
			if !authorized || m.Service != "FEED" {
				_ = f.send(map[string]any{"type": "ERROR", "channel": m.Channel, "error": "UNAUTHORIZED", "message": "authorize first"})
				continue
			}
			_ = f.send(map[string]any{"type": "CHANNEL_OPENED", "channel": m.Channel, "service": "FEED",
				"parameters": map[string]any{"contract": "AUTO", "subFormat": "LIST"}})
		case "FEED_SETUP":
			fields := map[string][]string{}
			for typ, want := range m.AcceptEventFields {
				have := map[string]bool{}
				for _, x := range served[typ] {
					have[x] = true
				}
				for _, x := range want {
					if have[x] {
						fields[typ] = append(fields[typ], x)
					}
				}
			}
			s.mu.Lock()
			f.fields, f.configured = fields, true
			s.mu.Unlock()
			_ = f.send(map[string]any{"type": "FEED_CONFIG", "channel": m.Channel, "aggregationPeriod": 0.1,
				"dataFormat": "COMPACT", "eventFields": fields})
		case "FEED_SUBSCRIPTION":
			s.mu.Lock()
			n := len(m.Add) + len(m.Remove)
			s.feedSubs++
			if n > s.maxChunk {
				s.maxChunk = n
			}
			if n > s.opt.MaxSubscription {
				s.mu.Unlock()
				c.Close(websocket.StatusMessageTooBig, "subscription too large")
				return
			}
			if m.Reset {
				f.subs = map[string]map[string]bool{}
			}
			var added []string
			for _, e := range m.Add {
				if f.subs[e["symbol"]] == nil {
					f.subs[e["symbol"]] = map[string]bool{}
					added = append(added, e["symbol"])
				}
				f.subs[e["symbol"]][e["type"]] = true
			}
			for _, e := range m.Remove {
				delete(f.subs, e["symbol"])
			}
			msg := s.feedDataLocked(f, added)
			s.mu.Unlock()
			if msg != nil {
				_ = f.send(msg)
			}
		}
	}
}

// PublishQuotes sends every open, talking feed the quotes of its subscriptions.
func (s *Server) PublishQuotes() {
	s.mu.Lock()
	type out struct {
		f   *feed
		msg map[string]any
	}
	var outs []out
	for f := range s.feeds {
		var syms []string
		for sym := range f.subs {
			syms = append(syms, sym)
		}
		if msg := s.feedDataLocked(f, syms); msg != nil {
			outs = append(outs, out{f, msg})
		}
	}
	s.mu.Unlock()
	for _, o := range outs {
		_ = o.f.send(o.msg)
	}
}

// feedDataLocked is one COMPACT FEED_DATA message with the events of syms.
func (s *Server) feedDataLocked(f *feed, syms []string) map[string]any {
	byStreamer := map[string]*contract{}
	for _, c := range s.listed {
		byStreamer[c.Streamer] = c
	}
	values := map[string][]any{}
	for _, sym := range syms {
		c := byStreamer[sym]
		if c == nil || !f.configured {
			continue
		}
		q := quoteOf(c, s.now, s.under)
		ms := s.now.UnixMilli()
		ev := map[string]map[string]any{
			"Quote":  {"eventType": "Quote", "eventSymbol": sym, "bidPrice": q.Bid, "askPrice": q.Ask, "bidSize": 10, "askSize": 12, "bidTime": ms, "askTime": ms},
			"Trade":  {"eventType": "Trade", "eventSymbol": sym, "price": q.Last, "dayVolume": 1000, "size": 1},
			"Greeks": {"eventType": "Greeks", "eventSymbol": sym, "volatility": 0.2, "delta": "NaN", "gamma": "NaN", "theta": "NaN", "vega": "NaN", "rho": "NaN"},
		}
		if s.nan[sym] {
			ev["Quote"]["bidPrice"], ev["Quote"]["askPrice"] = "NaN", "NaN"
			ev["Trade"]["price"] = "NaN"
		}
		for typ, fields := range f.fields {
			if !f.subs[sym][typ] {
				continue
			}
			for _, x := range fields {
				values[typ] = append(values[typ], ev[typ][x])
			}
		}
	}
	var data []any
	for _, typ := range []string{"Quote", "Trade", "Greeks"} {
		if len(values[typ]) > 0 {
			data = append(data, typ, values[typ])
		}
	}
	if len(data) == 0 {
		return nil
	}
	return map[string]any{"type": "FEED_DATA", "channel": 1, "data": data}
}
