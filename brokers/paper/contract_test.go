package paper_test

import (
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/brokertest"
	"github.com/keel-desk/keel/brokers/paper"
)

// testStart is a Tuesday morning session, far from any holiday.
var testStart = time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC).Add(5 * time.Hour) // 10:00 New York

// control drives the paper broker for the contract suite.
type control struct{}

func (control) Advance(t *testing.T, b brokers.Broker, d time.Duration) {
	if err := b.(*paper.Broker).Advance(d); err != nil {
		t.Fatal(err)
	}
}

func (control) Drop(t *testing.T, b brokers.Broker) {
	if err := b.(*paper.Broker).SimulateDisconnect(0); err != nil {
		t.Fatal(err)
	}
}

func (control) Underlying() string { return "SPY" }

// newManual is a paper broker whose market moves only by Advance.
func newManual(t testing.TB, cfg paper.Config) *paper.Broker {
	t.Helper()
	if cfg.Start.IsZero() {
		cfg.Start = testStart
	}
	if cfg.Seed == 0 {
		cfg.Seed = 42
	}
	wall := cfg.Start
	if cfg.Wall == nil {
		cfg.Wall = func() time.Time { return wall }
	}
	cfg.Manual = true
	b, err := paper.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})
	return b
}

func TestContract(t *testing.T) {
	brokertest.Run(t, func(t *testing.T) brokers.Broker {
		return newManual(t, paper.Config{}) // with the demo book: futures and options to value
	}, control{})
}

func TestContractEmptyAccount(t *testing.T) {
	brokertest.Run(t, func(t *testing.T) brokers.Broker {
		return newManual(t, paper.Config{EmptyAccount: true, Seed: 9})
	}, control{})
}
