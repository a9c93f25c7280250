package tastytrade

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
)

// dxlinkVersion names this client in SETUP.
const dxlinkVersion = "0.1-keel/1"

// feedChannel is the one FEED channel the adapter opens.
const feedChannel = 1

// acceptFields are the event fields requested in FEED_SETUP (COMPACT format: each event is
// these values in this order, flattened into one array).
var acceptFields = map[string][]string{
	"Quote":  {"eventType", "eventSymbol", "bidPrice", "askPrice", "bidSize", "askSize"},
	"Trade":  {"eventType", "eventSymbol", "price", "dayVolume"},
	"Greeks": {"eventType", "eventSymbol", "volatility"},
}

// dxlink is the quote stream: one socket at a time, re-dialled with backoff when it
// fails or goes silent, with every subscription restored.
type dxlink struct {
	b *Broker

	mu     sync.Mutex
	subs   map[string]ref // by streamer symbol
	conn   *websocket.Conn
	ready  bool                // FEED_CONFIG received on conn
	fields map[string][]string // the server's FEED_CONFIG event fields
	quotes map[string]brokers.Quote

	connects atomic.Int64 // successful handshakes, for tests and the log
}

func newDXLink(b *Broker) *dxlink {
	return &dxlink{b: b, subs: map[string]ref{}, quotes: map[string]brokers.Quote{}}
}

type dxMessage struct {
	Type             string              `json:"type"`
	Channel          int                 `json:"channel"`
	State            string              `json:"state"`
	Error            string              `json:"error"`
	Message          string              `json:"message"`
	KeepaliveTimeout float64             `json:"keepaliveTimeout"`
	EventFields      map[string][]string `json:"eventFields"`
	DataFormat       string              `json:"dataFormat"`
	Data             json.RawMessage     `json:"data"`
}

// run keeps a quote socket up for the session in ctx.
func (d *dxlink) run(ctx context.Context) {
	for attempt := 0; ctx.Err() == nil; attempt++ {
		healthy, err := d.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if healthy {
			attempt = 0
		}
		if errors.Is(err, ErrTokenRejected) {
			d.b.cfg.Logf("tastytrade: quote stream stopped: %v", err)
			return
		}
		d.b.cfg.Logf("tastytrade: quote stream: %v; reconnecting", err)
		if sleep(ctx, backoff(d.b.cfg.ReconnectMin, d.b.cfg.ReconnectMax, attempt)) != nil {
			return
		}
	}
}

// session runs one socket: token, dial, handshake, reads, until it fails or goes silent.
// healthy says the handshake completed.
func (d *dxlink) session(ctx context.Context) (healthy bool, err error) {
	var tok wireQuoteToken
	if err := d.b.api.get(ctx, "/api-quote-tokens", nil, &tok); err != nil {
		return false, fmt.Errorf("quote token: %w", err)
	}
	if tok.DXLinkURL == "" || tok.Token == "" {
		return false, errors.New("quote token without a DXLink URL")
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	conn, _, err := websocket.Dial(dctx, tok.DXLinkURL, &websocket.DialOptions{HTTPClient: d.b.cfg.HTTPClient})
	cancel()
	if err != nil {
		return false, fmt.Errorf("dial: %w", err)
	}
	conn.SetReadLimit(readLimit)
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	defer conn.CloseNow()
	d.mu.Lock()
	d.conn, d.ready, d.fields = conn, false, nil
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		if d.conn == conn {
			d.conn, d.ready = nil, false
		}
		d.mu.Unlock()
	}()

	silence := d.b.cfg.DXLinkSilence
	if err := d.write(sctx, conn, map[string]any{"type": "SETUP", "channel": 0, "version": dxlinkVersion,
		"keepaliveTimeout": math.Max(1, silence.Seconds()), "acceptKeepaliveTimeout": math.Max(1, silence.Seconds())}); err != nil {
		return false, err
	}
	var last atomic.Int64
	last.Store(time.Now().UnixNano())
	go d.keepalive(sctx, conn)
	go func() { // the silence watchdog: no data and no keepalive for too long → drop the socket
		t := time.NewTicker(max(silence/4, 10*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case <-t.C:
				if time.Since(time.Unix(0, last.Load())) > silence {
					d.b.cfg.Logf("tastytrade: quote stream silent for %s; reconnecting", silence)
					conn.Close(websocket.StatusGoingAway, "silent")
					return
				}
			}
		}
	}()
	authSent := false
	for {
		_, raw, err := conn.Read(sctx)
		if err != nil {
			if sctx.Err() == nil && time.Since(time.Unix(0, last.Load())) > silence {
				return healthy, fmt.Errorf("silent for %s", silence)
			}
			return healthy, err
		}
		last.Store(time.Now().UnixNano())
		var m dxMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			d.b.cfg.Logf("tastytrade: quote stream sent bad JSON: %v", err)
			continue
		}
		switch m.Type {
		case "SETUP", "KEEPALIVE":
		case "AUTH_STATE":
			switch m.State {
			case "UNAUTHORIZED":
				if authSent {
					return healthy, errors.New("the quote token was not accepted")
				}
				authSent = true
				if err := d.write(sctx, conn, map[string]any{"type": "AUTH", "channel": 0, "token": tok.Token}); err != nil {
					return healthy, err
				}
			case "AUTHORIZED":
				if err := d.write(sctx, conn, map[string]any{"type": "CHANNEL_REQUEST", "channel": feedChannel,
					"service": "FEED", "parameters": map[string]any{"contract": "AUTO"}}); err != nil {
					return healthy, err
				}
			}
		case "CHANNEL_OPENED":
			if err := d.write(sctx, conn, map[string]any{"type": "FEED_SETUP", "channel": feedChannel,
				"acceptAggregationPeriod": 0.1, "acceptDataFormat": "COMPACT", "acceptEventFields": acceptFields}); err != nil {
				return healthy, err
			}
		case "FEED_CONFIG":
			if m.DataFormat != "" && m.DataFormat != "COMPACT" {
				return healthy, fmt.Errorf("the feed answered in %s, not COMPACT", m.DataFormat)
			}
			d.mu.Lock()
			d.fields = m.EventFields
			first := !d.ready
			d.ready = true
			subs := make([]ref, 0, len(d.subs))
			for _, r := range d.subs {
				subs = append(subs, r)
			}
			d.mu.Unlock()
			if first {
				healthy = true
				d.connects.Add(1)
				if err := d.subscribe(sctx, conn, "add", subs, true); err != nil {
					return healthy, err
				}
			}
		case "FEED_DATA":
			d.feedData(m.Data)
		case "CHANNEL_CLOSED":
			return healthy, errors.New("the feed channel was closed")
		case "ERROR":
			d.b.cfg.Logf("tastytrade: quote stream error %s: %s", m.Error, m.Message)
			if m.Error == "UNAUTHORIZED" {
				return healthy, errors.New("the quote token was not accepted")
			}
		}
	}
}

func (d *dxlink) write(ctx context.Context, conn *websocket.Conn, msg any) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := conn.Write(wctx, websocket.MessageText, b); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

func (d *dxlink) keepalive(ctx context.Context, conn *websocket.Conn) {
	t := time.NewTicker(d.b.cfg.Keepalive)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := d.write(ctx, conn, map[string]any{"type": "KEEPALIVE", "channel": 0}); err != nil {
				return
			}
		}
	}
}

// entries are the FEED_SUBSCRIPTION items of refs: a Quote and a Trade for every symbol,
// Greeks (for the implied volatility) for options.
func entries(refs []ref) []map[string]string {
	var out []map[string]string
	for _, r := range refs {
		out = append(out, map[string]string{"type": "Quote", "symbol": r.Streamer},
			map[string]string{"type": "Trade", "symbol": r.Streamer})
		if r.In.IsOption() {
			out = append(out, map[string]string{"type": "Greeks", "symbol": r.Streamer})
		}
	}
	return out
}

// subscribe sends FEED_SUBSCRIPTION in chunks (an oversized message closes the socket).
func (d *dxlink) subscribe(ctx context.Context, conn *websocket.Conn, verb string, refs []ref, reset bool) error {
	all := entries(refs)
	chunk := d.b.cfg.SubscribeChunk
	if len(all) == 0 && reset {
		return d.write(ctx, conn, map[string]any{"type": "FEED_SUBSCRIPTION", "channel": feedChannel, "reset": true})
	}
	for start := 0; start < len(all); start += chunk {
		msg := map[string]any{"type": "FEED_SUBSCRIPTION", "channel": feedChannel,
			verb: all[start:min(start+chunk, len(all))]}
		if reset && start == 0 {
			msg["reset"] = true
		}
		if err := d.write(ctx, conn, msg); err != nil {
			return err
		}
	}
	return nil
}

// add and remove change the wanted subscriptions and tell the live socket, if any.
func (d *dxlink) add(refs []ref) {
	d.mu.Lock()
	var fresh []ref
	for _, r := range refs {
		if _, ok := d.subs[r.Streamer]; !ok {
			d.subs[r.Streamer] = r
			fresh = append(fresh, r)
		}
	}
	conn, ready := d.conn, d.ready
	d.mu.Unlock()
	if ready && len(fresh) > 0 {
		if err := d.subscribe(context.Background(), conn, "add", fresh, false); err != nil {
			d.b.cfg.Logf("tastytrade: quote subscription: %v (restored on reconnect)", err)
		}
	}
}

func (d *dxlink) remove(refs []ref) {
	d.mu.Lock()
	var gone []ref
	for _, r := range refs {
		if _, ok := d.subs[r.Streamer]; ok {
			delete(d.subs, r.Streamer)
			delete(d.quotes, r.Streamer)
			gone = append(gone, r)
		}
	}
	conn, ready := d.conn, d.ready
	d.mu.Unlock()
	if ready && len(gone) > 0 {
		if err := d.subscribe(context.Background(), conn, "remove", gone, false); err != nil {
			d.b.cfg.Logf("tastytrade: quote unsubscription: %v", err)
		}
	}
}

// feedData reads COMPACT FEED_DATA: ["Quote", [v, v, …], "Trade", [...]] (or a list of
// such pairs), each array the accepted fields of one event after another.
func (d *dxlink) feedData(raw json.RawMessage) {
	var data []json.RawMessage
	if err := json.Unmarshal(raw, &data); err != nil || len(data) == 0 {
		d.b.cfg.Logf("tastytrade: quote stream: FEED_DATA is not an array")
		return
	}
	var first string
	if json.Unmarshal(data[0], &first) != nil {
		// A list of [type, values] pairs.
		for _, pair := range data {
			d.feedData(pair)
		}
		return
	}
	for i := 0; i+1 < len(data); i += 2 {
		var typ string
		var values []any
		if json.Unmarshal(data[i], &typ) != nil || json.Unmarshal(data[i+1], &values) != nil {
			d.b.cfg.Logf("tastytrade: quote stream: malformed FEED_DATA")
			return
		}
		d.events(typ, values)
	}
}

func (d *dxlink) events(typ string, values []any) {
	d.mu.Lock()
	fields := d.fields[typ]
	d.mu.Unlock()
	if len(fields) == 0 {
		fields = acceptFields[typ]
	}
	if len(fields) == 0 || len(values)%len(fields) != 0 {
		d.b.cfg.Logf("tastytrade: quote stream: %d %s values do not fit %d fields", len(values), typ, len(fields))
		return
	}
	for i := 0; i < len(values); i += len(fields) {
		ev := map[string]any{}
		for j, f := range fields {
			ev[f] = values[i+j]
		}
		d.event(typ, ev)
	}
}

// number reads a field that may be a number, a numeric string, "NaN" or missing.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case string:
		if strings.EqualFold(x, "NaN") || x == "" {
			return 0, false
		}
		d, err := decimal.NewFromString(x)
		if err != nil {
			return 0, false
		}
		f, _ := d.Float64()
		return f, true
	}
	return 0, false
}

// price is a positive, finite price as a decimal; NaN, zero or negative read as missing.
func price(v any) (decimal.Decimal, bool) {
	f, ok := number(v)
	if !ok || f <= 0 {
		return decimal.Zero, false
	}
	return decimal.NewFromFloat(f), true
}

func (d *dxlink) event(typ string, ev map[string]any) {
	sym, _ := ev["eventSymbol"].(string)
	d.mu.Lock()
	r, wanted := d.subs[sym]
	if !wanted {
		d.mu.Unlock()
		return
	}
	q, ok := d.quotes[sym]
	if !ok {
		q = brokers.Quote{Symbol: r.Keel, Instrument: r.In}
	}
	switch typ {
	case "Quote":
		// A NaN side is no market on that side, not a price.
		q.Bid, _ = price(ev["bidPrice"])
		q.Ask, _ = price(ev["askPrice"])
		if f, ok := number(ev["bidSize"]); ok {
			q.BidSize = int64(f)
		}
		if f, ok := number(ev["askSize"]); ok {
			q.AskSize = int64(f)
		}
		if q.Bid.IsPositive() && q.Ask.IsPositive() && q.Bid.GreaterThan(q.Ask) {
			q.Bid, q.Ask = decimal.Zero, decimal.Zero // a crossed market is not a quote to act on
		}
	case "Trade":
		if p, ok := price(ev["price"]); ok {
			q.Last = p
		}
		if f, ok := number(ev["dayVolume"]); ok && f >= 0 {
			q.Volume = int64(f)
		}
	case "Greeks":
		if f, ok := number(ev["volatility"]); ok && f > 0 && f < 10 {
			q.IV = f
		} else {
			q.IV = 0
		}
	}
	q.Time = d.b.cfg.Now()
	d.quotes[sym] = q
	d.mu.Unlock()
	if q.Bid.IsZero() && q.Ask.IsZero() && q.Last.IsZero() {
		return // nothing but NaN so far: nothing to show
	}
	d.b.out.push(&brokers.QuoteEvent{Quote: q})
}
