package sim_test

import (
	"fmt"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/sim"
)

// A paper market driven by a clock at 60×: each wall tick advances the market and the
// desk requotes what it watches.
func Example() {
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, instrument.NewYork)
	m, err := sim.New(sim.Config{Seed: 1, Start: start})
	if err != nil {
		panic(err)
	}
	clock := sim.NewClock(m.Now(), 60)
	for range 10 {
		m.Advance(clock.Tick(100 * time.Millisecond))
	}
	exp := m.Expirations("ESZ6")
	for _, q := range m.Chain("ESZ6", exp[len(exp)-1]) {
		if q.Instrument.Strike == 6600 {
			fmt.Printf("%s %.2f/%.2f IV %.1f%% OI %d\n", q.Symbol, q.Bid, q.Ask, 100*q.IV, q.OpenInterest)
		}
	}
	spy, _ := m.Quote("SPY")
	fmt.Printf("SPY %.2f/%.2f at %s\n", spy.Bid, spy.Ask, m.Now().Format(time.DateTime))
	// Output:
	// ESZ6 C6600 2026-12-18 AM 119.00/119.75 IV 15.2% OI 3517
	// ESZ6 P6600 2026-12-18 AM 102.00/102.75 IV 15.2% OI 3144
	// SPY 660.29/660.30 at 2026-11-20 10:01:00
}
