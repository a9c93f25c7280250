package tastytradetest

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/shopspring/decimal"
)

// Account is the fake's one account number.
const Account = "5WT00001"

// Options shape a fake server.
type Options struct {
	RefreshToken, ClientSecret string        // the grant it accepts
	ExpiresIn                  int           // access token lifetime in seconds (default 900)
	Start                      time.Time     // market clock (default Tuesday 2026-11-17 10:00 New York)
	Keepalive                  time.Duration // DXLink server KEEPALIVE period (default 1 s)
	EmptyAccount               bool          // no positions at the start
	// OtherAccounts are more open accounts the login lists (numbers), empty and not
	// tradable here: a login with several accounts, as a trader with an IRA has.
	OtherAccounts   []string
	MaxSubscription int // entries per FEED_SUBSCRIPTION before the socket closes (default 500)
	Seed            uint64
}

// Server is a running fake tastytrade.
type Server struct {
	opt  Options
	http *httptest.Server

	mu        sync.Mutex
	now       time.Time
	under     map[string]float64
	contracts map[string]*contract
	listed    []*contract
	rng       *rand.Rand

	tokens      map[string]time.Time
	tokenSeq    int
	refreshHits int
	throttle    int
	requests    map[string]int

	cash      decimal.Decimal
	positions map[string]*position
	orders    []*order
	nextID    int
	fillSeq   int

	streamers   map[*websocket.Conn]bool
	feeds       map[*feed]bool
	nan         map[string]bool
	maxChunk    int
	feedSubs    int // FEED_SUBSCRIPTION messages seen
	closedFeeds int // configured DXLink sockets since closed
	lostAnswers int // POST orders accepted but answered 503
	settlements []any
}

type position struct {
	Symbol   string
	Qty      int64
	Avg      decimal.Decimal
	Opened   time.Time
	contract *contract
}

type order struct {
	ID           int
	ExternalID   string
	TIF          string
	Type         string
	Price        decimal.Decimal // unsigned
	Effect       string
	Status       string
	Received     time.Time
	Updated      time.Time
	Replaces     int
	Replacing    int
	RejectReason string
	Legs         []*leg
}

type leg struct {
	c         *contract
	Qty       int64
	Remaining int64
	Action    string
	Fills     []map[string]any
}

func (l *leg) buy() bool { return strings.HasPrefix(l.Action, "Buy") }

// New starts a fake server; Close it when done.
func New(opt Options) *Server {
	if opt.RefreshToken == "" {
		opt.RefreshToken = "fake-refresh-token"
	}
	if opt.ClientSecret == "" {
		opt.ClientSecret = "fake-client-secret"
	}
	if opt.ExpiresIn == 0 {
		opt.ExpiresIn = 900
	}
	if opt.Start.IsZero() {
		opt.Start = time.Date(2026, 11, 17, 10, 0, 0, 0, newYork)
	}
	if opt.Keepalive == 0 {
		opt.Keepalive = time.Second
	}
	if opt.MaxSubscription == 0 {
		opt.MaxSubscription = 500
	}
	s := &Server{opt: opt, now: opt.Start, under: map[string]float64{"SPY": 600, "QQQ": 520, "/ESZ6": 6000},
		rng: rand.New(rand.NewPCG(opt.Seed, 7)), tokens: map[string]time.Time{}, requests: map[string]int{},
		cash: decimal.NewFromInt(100_000), positions: map[string]*position{}, nextID: 1000,
		streamers: map[*websocket.Conn]bool{}, feeds: map[*feed]bool{}, nan: map[string]bool{}}
	s.contracts, s.listed = listing()
	if !opt.EmptyAccount {
		// A short put strangle leg, a long future and a short futures put: signs and
		// multipliers of every kind Keel trades.
		s.hold("SPY   261218P00580000", -2, 3.10)
		s.hold("/ESZ6", 1, 5990)
		s.hold("./ESZ6 EW3Z6 261218P5900", -1, 42.5)
		s.hold("SPY", 10, 590)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", s.oauth)
	mux.HandleFunc("GET /streamer", s.accountStreamer)
	mux.HandleFunc("GET /dxlink", s.dxlink)
	mux.HandleFunc("/", s.rest)
	s.http = httptest.NewServer(mux)
	return s
}

func (s *Server) hold(sym string, qty int64, avg float64) {
	c := s.contracts[sym]
	s.positions[sym] = &position{Symbol: sym, Qty: qty, Avg: decimal.NewFromFloat(avg), Opened: s.now.Add(-48 * time.Hour), contract: c}
	if c.Type != future {
		s.cash = s.cash.Sub(decimal.NewFromFloat(avg * c.Mult * float64(qty)))
	}
}

// URL is the REST base URL; StreamerURL the account streamer's.
func (s *Server) URL() string { return s.http.URL }
func (s *Server) StreamerURL() string {
	return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/streamer"
}
func (s *Server) dxlinkURL() string { return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/dxlink" }

// RefreshToken and ClientSecret are the grant the server accepts.
func (s *Server) RefreshToken() string { return s.opt.RefreshToken }
func (s *Server) ClientSecret() string { return s.opt.ClientSecret }

// Close stops the server and its sockets.
func (s *Server) Close() {
	s.mu.Lock()
	for c := range s.streamers {
		c.CloseNow()
	}
	for f := range s.feeds {
		f.conn.CloseNow()
	}
	s.mu.Unlock()
	s.http.CloseClientConnections()
	s.http.Close()
}

// Now is the market clock.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

// RefreshCalls is how many times POST /oauth/token was called.
func (s *Server) RefreshCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshHits
}

// Requests is how many calls reached method+path (e.g. "POST /accounts/5WT00001/orders").
func (s *Server) Requests(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[key]
}

// Throttle answers the next n REST calls (not the token endpoint) with 429 and no Retry-After.
func (s *Server) Throttle(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle = n
}

// LoseAnswers makes the next n accepted orders answer 503, as an answer lost on the way
// back would: the order exists, the client does not know.
func (s *Server) LoseAnswers(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lostAnswers = n
}

// ExpireTokens revokes every access token now, as their expiry would.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]time.Time{}
}

// SetNaN makes the DXLink quotes of a streamer symbol carry "NaN" prices.
func (s *Server) SetNaN(streamer string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nan[streamer] = on
}

// Drop closes every account streamer and DXLink socket as a network fault would.
func (s *Server) Drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.streamers {
		c.CloseNow()
		delete(s.streamers, c)
	}
}

// Silence makes every open DXLink socket stop sending anything (data and keepalives)
// without closing; sockets opened later talk normally.
func (s *Server) Silence() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for f := range s.feeds {
		f.silent.Store(true)
	}
}

// FeedConnections is how many DXLink sockets completed FEED_SETUP; FeedSubscribed lists the
// symbols subscribed on the newest one; MaxSubscriptionChunk is the largest
// FEED_SUBSCRIPTION seen (entries).
func (s *Server) FeedConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for f := range s.feeds {
		if f.configured {
			n++
		}
	}
	return n + s.closedFeeds
}

func (s *Server) FeedSubscribed() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var newest *feed
	for f := range s.feeds {
		if newest == nil || f.seq > newest.seq {
			newest = f
		}
	}
	if newest == nil {
		return nil
	}
	var out []string
	for sym := range newest.subs {
		out = append(out, sym)
	}
	sort.Strings(out)
	return out
}

func (s *Server) MaxSubscriptionChunk() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxChunk
}

// Advance lets d of market time pass: prices take a small random walk, working orders
// are worked, and subscribed DXLink sockets get fresh quotes.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	steps := int(math.Max(1, math.Min(120, d.Minutes())))
	s.now = s.now.Add(d)
	for sym, p := range s.under {
		c := s.contracts[sym]
		for i := 0; i < steps; i++ {
			p *= 1 + 0.0004*s.rng.NormFloat64()
		}
		s.under[sym] = roundTo(p, c.Tick)
	}
	var pushes []map[string]any
	for _, o := range s.orders {
		if o.Status == "Live" && s.work(o) {
			pushes = append(pushes, s.orderJSON(o))
		}
	}
	s.mu.Unlock()
	s.pushOrders(pushes)
	s.PublishQuotes()
}

// --- REST -----------------------------------------------------------------------------

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiErr(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

func data(w http.ResponseWriter, v any) {
	writeJSON(w, 200, map[string]any{"data": v, "context": "fake"})
}

func (s *Server) oauth(w http.ResponseWriter, r *http.Request) {
	var req struct {
		GrantType    string `json:"grant_type"`
		RefreshToken string `json:"refresh_token"`
		ClientSecret string `json:"client_secret"`
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshHits++
	if r.Header.Get("User-Agent") == "" {
		writeJSON(w, 401, map[string]any{"error": "invalid_request", "error_description": "User-Agent required"})
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.GrantType != "refresh_token" {
		writeJSON(w, 400, map[string]any{"error": "invalid_request", "error_description": "a JSON refresh_token grant"})
		return
	}
	if req.RefreshToken != s.opt.RefreshToken || req.ClientSecret != s.opt.ClientSecret {
		writeJSON(w, 401, map[string]any{"error": "invalid_grant", "error_description": "Grant revoked or not found"})
		return
	}
	s.tokenSeq++
	tok := fmt.Sprintf("access-%d", s.tokenSeq)
	s.tokens[tok] = time.Now().Add(time.Duration(s.opt.ExpiresIn) * time.Second)
	writeJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": s.opt.ExpiresIn})
}

// authorized checks the bearer token; call with mu held.
func (s *Server) authorized(tok string) bool {
	exp, ok := s.tokens[tok]
	return ok && time.Now().Before(exp)
}

func (s *Server) rest(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	key := r.Method + " " + r.URL.Path
	s.requests[key]++
	if r.Header.Get("User-Agent") == "" {
		s.mu.Unlock()
		apiErr(w, 401, "missing_user_agent", "a User-Agent header is required")
		return
	}
	if !s.authorized(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")) {
		s.mu.Unlock()
		apiErr(w, 401, "token_invalid", "This access token is invalid or expired")
		return
	}
	if s.throttle > 0 {
		s.throttle--
		s.mu.Unlock()
		apiErr(w, 429, "too_many_requests", "Too many requests")
		return
	}
	var pushes []map[string]any
	func() {
		defer s.mu.Unlock()
		pushes = s.route(w, r)
	}()
	s.pushOrders(pushes)
}

// route answers a REST call; call with mu held. It returns order notifications to push.
func (s *Server) route(w http.ResponseWriter, r *http.Request) []map[string]any {
	p := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i := range p {
		if u, err := url.PathUnescape(p[i]); err == nil {
			p[i] = u
		}
	}
	acct := "/accounts/" + Account
	path := r.URL.Path
	switch {
	case r.Method == "GET" && path == "/customers/me/accounts":
		items := []any{map[string]any{"authority-level": "owner", "account": map[string]any{
			"account-number": Account, "nickname": "fake", "account-type-name": "Individual",
			"margin-or-cash": "Margin", "is-closed": false}}}
		for _, n := range s.opt.OtherAccounts {
			items = append(items, map[string]any{"authority-level": "owner", "account": map[string]any{
				"account-number": n, "nickname": "other", "account-type-name": "Roth IRA",
				"margin-or-cash": "Cash", "is-closed": false}})
		}
		data(w, map[string]any{"items": items})
	case r.Method == "GET" && len(p) == 3 && p[0] == "accounts" && slices.Contains(s.opt.OtherAccounts, p[1]) && p[2] == "positions":
		data(w, map[string]any{"items": []any{}})
	case r.Method == "GET" && len(p) == 3 && p[0] == "accounts" && slices.Contains(s.opt.OtherAccounts, p[1]) && p[2] == "balances":
		data(w, map[string]any{"account-number": p[1], "currency": "USD", "net-liquidating-value": "1000.00",
			"cash-balance": "1000.00", "derivative-buying-power": "1000.00", "equity-buying-power": "1000.00",
			"maintenance-requirement": "0"})
	case r.Method == "GET" && path == acct+"/balances":
		nl, maint := s.netLiq()
		data(w, map[string]any{"account-number": Account, "currency": "USD", "net-liquidating-value": nl.String(),
			"cash-balance": s.cash.String(), "derivative-buying-power": decimal.Max(decimal.Zero, nl.Sub(maint)).String(),
			"equity-buying-power":     decimal.Max(decimal.Zero, nl.Sub(maint)).Mul(decimal.NewFromInt(2)).String(),
			"maintenance-requirement": maint.String()})
	case r.Method == "GET" && path == acct+"/positions":
		var out []any
		keys := make([]string, 0, len(s.positions))
		for k := range s.positions {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			pos := s.positions[k]
			if pos.Qty == 0 {
				continue
			}
			dir := "Long"
			if pos.Qty < 0 {
				dir = "Short"
			}
			q := quoteOf(pos.contract, s.now, s.under)
			under := pos.contract.Underlying
			if under == "" {
				under = pos.contract.Symbol
			}
			out = append(out, map[string]any{"account-number": Account, "symbol": pos.Symbol,
				"instrument-type": pos.contract.Type, "underlying-symbol": under,
				"quantity": strconv.FormatInt(abs(pos.Qty), 10), "quantity-direction": dir,
				"average-open-price": pos.Avg.String(), "close-price": d(q.Last), "mark-price": d(mid(q)),
				"mark":       d(mid(q) * pos.contract.Mult * float64(abs(pos.Qty))),
				"multiplier": d(pos.contract.Mult), "created-at": pos.Opened.UTC().Format(time.RFC3339)})
		}
		data(w, map[string]any{"items": orEmpty(out)})
	case r.Method == "GET" && len(p) == 3 && p[0] == "instruments":
		c := s.contracts[p[2]]
		if p[1] == "futures" {
			c = s.contracts["/"+p[2]]
		}
		want := map[string]string{"equities": equity, "equity-options": equityOption, "futures": future, "future-options": futureOption}[p[1]]
		if c == nil || c.Type != want {
			apiErr(w, 404, "record_not_found", "no instrument "+p[2])
			return nil
		}
		data(w, instrumentJSON(c))
	case r.Method == "GET" && len(p) == 3 && p[0] == "option-chains" && p[2] == "nested":
		s.equityChain(w, p[1])
	case r.Method == "GET" && len(p) == 3 && p[0] == "futures-option-chains" && p[2] == "nested":
		s.futuresChain(w, p[1])
	case r.Method == "GET" && path == "/market-data/by-type":
		var out []any
		n := 0
		for _, typ := range []string{"equity", "equity-option", "future", "future-option"} {
			for _, sym := range r.URL.Query()[typ] {
				n++
				if c := s.contracts[sym]; c != nil {
					q := quoteOf(c, s.now, s.under)
					out = append(out, map[string]any{"symbol": sym, "instrument-type": c.Type,
						"updated-at": s.now.UTC().Format(time.RFC3339), "bid": d(q.Bid), "ask": d(q.Ask),
						"last": d(q.Last), "mark": d(mid(q)), "bid-size": "10", "ask-size": "12", "volume": "1000"})
				}
			}
		}
		if n > 100 {
			apiErr(w, 400, "too_many_symbols", "at most 100 symbols")
			return nil
		}
		data(w, map[string]any{"items": orEmpty(out)})
	case r.Method == "GET" && path == "/api-quote-tokens":
		data(w, map[string]any{"token": "quote-token", "dxlink-url": s.dxlinkURL(), "level": "api"})
	case r.Method == "POST" && path == acct+"/orders/dry-run":
		o, msg := s.newOrder(r)
		if msg != "" {
			apiErr(w, 422, "preflight_check_failure", msg)
			return nil
		}
		data(w, s.orderResponse(o))
	case r.Method == "POST" && path == acct+"/orders":
		o, msg := s.newOrder(r)
		if msg != "" {
			apiErr(w, 422, "preflight_check_failure", msg)
			return nil
		}
		s.nextID++
		o.ID, o.Status = s.nextID, "Routed"
		s.orders = append(s.orders, o)
		pushes := []map[string]any{s.orderJSON(o)}
		o.Status = "Live"
		s.work(o)
		pushes = append(pushes, s.orderJSON(o))
		if s.lostAnswers > 0 {
			s.lostAnswers--
			apiErr(w, 503, "service_unavailable", "try again")
			return pushes
		}
		data(w, s.orderResponse(o))
		return pushes
	case r.Method == "GET" && path == acct+"/orders/live":
		var out []any
		for _, o := range s.orders {
			out = append(out, s.orderJSON(o))
		}
		data(w, map[string]any{"items": orEmpty(out)})
	case r.Method == "GET" && path == acct+"/orders":
		per, _ := strconv.Atoi(r.URL.Query().Get("per-page"))
		page, _ := strconv.Atoi(r.URL.Query().Get("page-offset"))
		if per <= 0 {
			per = 10
		}
		var out []any
		for i := page * per; i < len(s.orders) && i < (page+1)*per; i++ {
			out = append(out, s.orderJSON(s.orders[i]))
		}
		writeJSON(w, 200, map[string]any{"data": map[string]any{"items": orEmpty(out)},
			"pagination": map[string]any{"per-page": per, "page-offset": page, "total-pages": (len(s.orders) + per - 1) / per}})
	case len(p) == 4 && p[0] == "accounts" && p[1] == Account && p[2] == "orders":
		id, _ := strconv.Atoi(p[3])
		o := s.order(id)
		if o == nil {
			apiErr(w, 404, "record_not_found", "no order "+p[3])
			return nil
		}
		switch r.Method {
		case "GET":
			data(w, s.orderJSON(o))
		case "DELETE":
			if o.Status != "Live" {
				apiErr(w, 422, "order_not_cancellable", fmt.Sprintf("order %d is %s and cannot be cancelled", o.ID, o.Status))
				return nil
			}
			o.Status, o.Updated = "Cancelled", s.now
			data(w, s.orderJSON(o))
			return []map[string]any{s.orderJSON(o)}
		case "PUT":
			return s.replace(w, r, o)
		}
	case r.Method == "GET" && path == acct+"/transactions":
		data(w, map[string]any{"items": orEmpty(s.transactions(r.URL.Query().Get("type")))})
	default:
		apiErr(w, 404, "not_found", "the fake does not serve "+r.Method+" "+path)
	}
	return nil
}

func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

func mid(q quote) float64 { return (q.Bid + q.Ask) / 2 }

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func instrumentJSON(c *contract) map[string]any {
	m := map[string]any{"symbol": c.Symbol, "instrument-type": c.Type, "streamer-symbol": c.Streamer, "active": true}
	switch c.Type {
	case equityOption:
		m["underlying-symbol"], m["strike-price"], m["expiration-date"] = c.Underlying, d(c.Strike), c.Date
		m["option-type"], m["shares-per-contract"], m["exercise-style"] = rightLetter(c), 100, "American"
	case future:
		m["product-code"], m["expiration-date"], m["tick-size"], m["notional-multiplier"] = "ES", c.Date, d(c.Tick), d(c.Mult)
	case futureOption:
		m["underlying-symbol"], m["product-code"], m["expiration-date"] = c.Underlying, "ES", c.Date
		m["strike-price"], m["option-type"], m["settlement-type"] = d(c.Strike), rightLetter(c), c.Settlement
		m["root-symbol"], m["option-root-symbol"], m["exercise-style"] = "/ES", "EW3", "European"
	}
	return m
}

func rightLetter(c *contract) string {
	if c.Right == 1 {
		return "P"
	}
	return "C"
}

// strikes groups the options of one underlying and date into nested-chain strikes.
func (s *Server) nested(under string) []any {
	byDate := map[string]map[float64]map[string]any{}
	settle := map[string]string{}
	for _, c := range s.listed {
		if c.Underlying != under || (c.Type != equityOption && c.Type != futureOption) {
			continue
		}
		if byDate[c.Date] == nil {
			byDate[c.Date] = map[float64]map[string]any{}
		}
		row := byDate[c.Date][c.Strike]
		if row == nil {
			row = map[string]any{"strike-price": d(c.Strike)}
			byDate[c.Date][c.Strike] = row
		}
		if c.Right == 0 {
			row["call"], row["call-streamer-symbol"] = c.Symbol, c.Streamer
		} else {
			row["put"], row["put-streamer-symbol"] = c.Symbol, c.Streamer
		}
		settle[c.Date] = c.Settlement
	}
	dates := make([]string, 0, len(byDate))
	for dt := range byDate {
		dates = append(dates, dt)
	}
	sort.Strings(dates)
	var out []any
	for _, dt := range dates {
		ks := make([]float64, 0)
		for k := range byDate[dt] {
			ks = append(ks, k)
		}
		sort.Float64s(ks)
		var rows []any
		for _, k := range ks {
			rows = append(rows, byDate[dt][k])
		}
		e := map[string]any{"expiration-date": dt, "expiration-type": "Regular", "settlement-type": settle[dt],
			"days-to-expiration": 30, "strikes": rows}
		if strings.HasPrefix(under, "/") {
			e["underlying-symbol"], e["root-symbol"], e["option-root-symbol"] = under, "/ES", "EW3"
		}
		out = append(out, e)
	}
	return out
}

func (s *Server) equityChain(w http.ResponseWriter, under string) {
	exps := s.nested(under)
	if len(exps) == 0 {
		apiErr(w, 404, "record_not_found", "no option chain for "+under)
		return
	}
	data(w, map[string]any{"items": []any{map[string]any{"underlying-symbol": under, "root-symbol": under,
		"option-chain-type": "Standard", "shares-per-contract": 100, "expirations": exps}}})
}

func (s *Server) futuresChain(w http.ResponseWriter, product string) {
	if product != "ES" {
		apiErr(w, 404, "record_not_found", "no futures option chain for "+product)
		return
	}
	f := s.contracts["/ESZ6"]
	data(w, map[string]any{"futures": []any{instrumentJSON(f)}, "option-chains": []any{map[string]any{
		"underlying-symbol": "ES", "root-symbol": "/ES", "exercise-style": "European", "expirations": s.nested("/ESZ6")}}})
}
