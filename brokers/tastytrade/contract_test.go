package tastytrade_test

import (
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/brokertest"
	"github.com/keel-desk/keel/brokers/tastytrade"
	"github.com/keel-desk/keel/brokers/tastytrade/tastytradetest"
)

// fixture is an adapter on a fresh fake server.
type fixture struct {
	srv *tastytradetest.Server
	b   *tastytrade.Broker
}

func newFixture(t *testing.T, opt tastytradetest.Options, tweak func(*tastytrade.Config)) fixture {
	t.Helper()
	srv := tastytradetest.New(opt)
	t.Cleanup(srv.Close)
	cfg := tastytrade.Config{APIURL: srv.URL(), StreamerURL: srv.StreamerURL(),
		RefreshToken: srv.RefreshToken(), ClientSecret: srv.ClientSecret(), UserAgent: "keel-test/1",
		Now: srv.Now, RetryMin: 5 * time.Millisecond, RetryMax: 40 * time.Millisecond,
		ReconnectMin: 20 * time.Millisecond, ReconnectMax: 200 * time.Millisecond, Keepalive: 200 * time.Millisecond}
	if tweak != nil {
		tweak(&cfg)
	}
	b, err := tastytrade.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return fixture{srv, b}
}

// servers remembers each broker's fake for the Control.
type control struct {
	servers map[brokers.Broker]*tastytradetest.Server
}

func (c control) Advance(t *testing.T, b brokers.Broker, d time.Duration) {
	c.servers[b].Advance(d)
	time.Sleep(20 * time.Millisecond) // let the streamed notifications arrive
}

func (c control) Drop(t *testing.T, b brokers.Broker) { c.servers[b].Drop() }

func (control) Underlying() string { return "SPY" }

func runContract(t *testing.T, opt tastytradetest.Options) {
	ctl := control{servers: map[brokers.Broker]*tastytradetest.Server{}}
	brokertest.Run(t, func(t *testing.T) brokers.Broker {
		f := newFixture(t, opt, func(c *tastytrade.Config) {
			// Slow enough that the suite sees ErrDisconnected after a Drop before the
			// adapter's own reconnection succeeds.
			c.ReconnectMin, c.ReconnectMax = 3*time.Second, 5*time.Second
		})
		ctl.servers[f.b] = f.srv
		return f.b
	}, ctl)
}

func TestContract(t *testing.T) { runContract(t, tastytradetest.Options{}) }

func TestContractEmptyAccount(t *testing.T) {
	runContract(t, tastytradetest.Options{EmptyAccount: true, Seed: 9})
}
