package sim

import (
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

// benchMarket is a market on a Wednesday morning.
func benchMarket(b *testing.B) *Market {
	b.Helper()
	m, err := New(Config{Seed: 7, Start: time.Date(2026, 11, 18, 10, 0, 0, 0, instrument.NewYork)})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkTick is one market step of 100 ms (a paper market at real time, 10 ticks a
// second), including the gap when the session closes.
func BenchmarkTick(b *testing.B) {
	m := benchMarket(b)
	b.ReportAllocs()
	for b.Loop() {
		m.Advance(m.Now().Add(100 * time.Millisecond))
	}
}

// quote500 are 500 option symbols across SPY, QQQ, ES and VXX chains near the money.
func quote500(b *testing.B, m *Market) []string {
	b.Helper()
	var syms []string
	for _, u := range []string{"SPY", "QQQ", "ESZ6", "VXX", "MESH7"} {
		ex := m.Expirations(u)
		for _, e := range ex[:4] {
			ch := m.Chain(u, e)
			mid := len(ch) / 2
			for i := mid - 12; i < mid+13; i++ {
				syms = append(syms, ch[i].Symbol)
			}
		}
	}
	if len(syms) != 500 {
		b.Fatalf("%d symbols, want 500", len(syms))
	}
	return syms
}

// BenchmarkQuote500 is one requote of 500 option symbols (the desk at 10 quotes/s).
func BenchmarkQuote500(b *testing.B) {
	m := benchMarket(b)
	syms := quote500(b, m)
	b.ReportAllocs()
	for b.Loop() {
		m.Advance(m.Now().Add(100 * time.Millisecond))
		for _, s := range syms {
			if _, err := m.Quote(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkChain is one full SPY monthly chain.
func BenchmarkChain(b *testing.B) {
	m := benchMarket(b)
	ex := m.Expirations("SPY")
	b.ReportAllocs()
	for b.Loop() {
		m.Chain("SPY", ex[len(ex)/2])
	}
}
