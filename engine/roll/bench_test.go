package roll

import (
	"testing"

	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

// benchBook is issue 14's benchmark: a short two-leg SPY strangle (American options) and a
// chain of 40 expiries (every 1.5 days out to 60) × 200 strikes (446–844 by 2), calls and
// puts: 16,000 quotes.
func benchBook(b *testing.B, mk market) (portfolio.Book, Market) {
	exp := expiry(12)
	var days []int
	for i := range 40 {
		days = append(days, 1+i*3/2)
	}
	days[5] = 12 // the strangle's own expiry
	ks := strikes(mk.s-199*mk.s/645, mk.s+199*mk.s/645, 2*mk.s/645)
	ps := []portfolio.Position{
		{ID: "put", Instrument: mk.option(exp, pricing.Put, ks[90]), Quantity: -3, Layer: "L"},
		{ID: "call", Instrument: mk.option(exp, pricing.Call, ks[120]), Quantity: -3, Layer: "L"},
	}
	book := revalue(b, mk, ps, []portfolio.Layer{{Name: "L"}})
	m := Market{Chains: mk.chains(days, ks), DividendYield: map[string]float64{"SPY": mk.div}}
	if n := len(m.Chains) * len(m.Chains[0].Quotes); n != 16000 {
		b.Fatalf("%d quotes", n)
	}
	return book, m
}

func benchPlans(b *testing.B, mk market) {
	book, m := benchBook(b, mk)
	s := DefaultSettings()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		plans, err := PlanAll(book, m, s)
		if err != nil || len(plans) != 2 || len(plans[0].Candidates) < 2 || len(plans[1].Candidates) < 2 {
			b.Fatalf("%d plans, %v", len(plans), err)
		}
	}
}

// BenchmarkStrangle plans both legs of a SPY strangle (American, screened European) over
// 40 expiries × 200 strikes; the bound is 20 ms.
func BenchmarkStrangle(b *testing.B) { benchPlans(b, spyMarket(645)) }

// BenchmarkStrangleES is the same on ES options (Black-76, European).
func BenchmarkStrangleES(b *testing.B) {
	mk := esMarket(6450)
	benchPlans(b, mk)
}
