package roll

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

// TestNeverMoreContracts plans 1,000 random ES option books (seeded): 1–5 short options and
// sometimes a long option or a future across two layers of random bias, 1–12 contracts
// each, on chains of random expiries. Every candidate of every plan must close exactly the
// position it plans, all of it, open at most one leg of at most that many contracts, leave
// the layer with no more contracts than before, and have its net credits add up from its
// legs; every plan lists close only.
func TestNeverMoreContracts(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 14))
	biases := []portfolio.Bias{portfolio.Neutral, portfolio.Long, portfolio.Short}
	books, plansSeen, candidates := 1000, 0, 0
	if testing.Short() {
		books = 200
	}
	for b := range books {
		mk := esMarket(5000 + 2000*rng.Float64())
		atm := math.Round(mk.s/25) * 25
		ks := strikes(atm-600, atm+600, 50)
		pool := []int{3, 5, 8, 10, 14, 21, 28, 35, 45, 52, 60, 70}
		var days []int
		for _, d := range pool {
			if rng.IntN(3) > 0 {
				days = append(days, d)
			}
		}
		if len(days) == 0 {
			days = pool[:4]
		}
		layers := []portfolio.Layer{{Name: "A", Bias: biases[rng.IntN(3)]}, {Name: "B", Bias: biases[rng.IntN(3)]}}
		var ps []portfolio.Position
		for i := range 1 + rng.IntN(5) {
			r := pricing.Call
			if rng.IntN(2) == 0 {
				r = pricing.Put
			}
			in := mk.option(expiry(days[rng.IntN(len(days))]), r, ks[rng.IntN(len(ks))])
			ps = append(ps, portfolio.Position{ID: fmt.Sprint("s", i), Instrument: in,
				Quantity: -float64(1 + rng.IntN(12)), Layer: layers[rng.IntN(2)].Name})
		}
		if rng.IntN(3) == 0 {
			in := mk.option(expiry(days[rng.IntN(len(days))]), pricing.Call, ks[rng.IntN(len(ks))])
			ps = append(ps, portfolio.Position{ID: "long", Instrument: in, Quantity: float64(1 + rng.IntN(3)), Layer: "A"})
		}
		book := revalue(t, mk, ps, layers)
		s := DefaultSettings()
		s.AllowDebit = rng.IntN(2) == 0
		s.MaxCandidates = 1 + rng.IntN(15)
		plans, err := PlanAll(book, Market{Chains: mk.chains(days, ks)}, s)
		if err != nil {
			t.Fatalf("book %d: %v", b, err)
		}
		for _, p := range plans {
			plansSeen++
			if p.Problem != "" {
				t.Fatalf("book %d %s: %s", b, p.Position.Symbol, p.Problem)
			}
			n := int64(-p.Position.Quantity)
			hasClose := false
			for _, c := range p.Candidates {
				candidates++
				closes, opened := 0, int64(0)
				for _, l := range c.Legs {
					switch l.Effect {
					case Close:
						closes++
						if l.Symbol != p.Position.Symbol || l.Side != Buy || l.Quantity != n {
							t.Fatalf("book %d: close leg %+v for %s × %d", b, l, p.Position.Symbol, n)
						}
					case Open:
						if l.Side != Sell {
							t.Fatalf("book %d: opening leg buys: %+v", b, l)
						}
						opened += l.Quantity
					}
				}
				if closes != 1 || len(c.Legs) > 2 || opened > n || opened != c.NewContracts || (opened == 0) != (c.Shape == CloseOnly) {
					t.Fatalf("book %d %s: candidate %d (%s) closes %d legs, opens %d of %d", b, p.Position.Symbol, c.Rank, c.Shape, closes, opened, n)
				}
				if c.After.Contracts > p.Before.Contracts+1e-9 {
					t.Fatalf("book %d: contracts %g → %g", b, p.Before.Contracts, c.After.Contracts)
				}
				if c.Shape != CloseOnly && !s.AllowDebit && c.NetMid < 0 {
					t.Fatalf("book %d: debit %.2f though not allowed", b, c.NetMid)
				}
				hasClose = hasClose || c.Shape == CloseOnly
				checkNet(t, c)
			}
			if !hasClose || len(p.Candidates) > s.MaxCandidates+1 {
				t.Fatalf("book %d %s: %d candidates, close only %v", b, p.Position.Symbol, len(p.Candidates), hasClose)
			}
		}
	}
	t.Logf("%d books, %d plans, %d candidates", books, plansSeen, candidates)
	if candidates < 5*plansSeen {
		t.Errorf("only %d candidates for %d plans: the property was barely exercised", candidates, plansSeen)
	}
}
