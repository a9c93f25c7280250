package portfolio

import (
	"math"
	"testing"
)

// The one exposure type's units, pinned two ways: against the per-unit Greeks of the
// reference values above optionsBook (Haug's Black-76 and Black–Scholes figures), and
// against what Gamma means to the trader — the delta a +1% move of the underlying adds,
// in dollars at today's price — measured by revaluing the book at S·(1 ± 0.5%).
func TestExposureUnits(t *testing.T) {
	ps, m, _ := optionsBook(t)
	m.Quotes["es"] = Quote{Vol: 0.18} // a fixed vol: the bumped books must not imply another
	at := func(f float64) Book {
		t.Helper()
		bumped := m
		bumped.Underlyings = map[string]float64{}
		for k, v := range m.Underlyings {
			bumped.Underlyings[k] = v * f
		}
		b, err := Revalue(ps, bumped, Config{})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	base, up, down := at(1), at(1.005), at(0.995)
	for _, tc := range []struct {
		id         string
		spot, beta float64
		unit       float64 // dollars of one underlying unit per 1.00 of price: 50 for an ES future, 1 for a share
		// gamma per 1.00 move of one unit, and quantity × multiplier (the reference values)
		unitGamma, size float64
	}{
		// ESZ6 C6100: Γ 0.000713647924983866; 2 contracts × 50.
		{"es", 6000, 1, 50, 0.000713647924983866, 2 * 50},
		// MESZ6 P5900: Γ 0.0006332497214957221; −4 contracts × 5.
		{"mes", 6000, 1, 5, 0.0006332497214957221, -4 * 5},
	} {
		t.Run(tc.id, func(t *testing.T) {
			p, u, d := find(t, base, tc.id), find(t, up, tc.id), find(t, down, tc.id)
			want := 0.01 * tc.spot * tc.spot * tc.unitGamma * tc.size // dollars per 1% move
			if !near(p.Gamma, want, 1e-9*math.Abs(want)) {
				t.Errorf("Gamma %g, want 0.01·S²·Γ·q·m = %g", p.Gamma, want)
			}
			// The delta added by a 1% move (central difference; Delta is in futures
			// contracts), in dollars at S.
			fd := (u.Delta - d.Delta) * tc.unit * tc.spot
			if !near(p.Gamma, fd, 1e-3*math.Abs(want)) {
				t.Errorf("Gamma %g, but a 1%% move adds %g dollars of delta", p.Gamma, fd)
			}
			if !near(p.BetaGamma, p.Gamma*tc.beta*tc.beta, 1e-9*math.Abs(want)) {
				t.Errorf("BetaGamma %g, want Gamma·β² = %g", p.BetaGamma, p.Gamma*tc.beta*tc.beta)
			}
			if !near(p.DollarDelta, p.Delta*tc.unit*tc.spot, 1e-9*math.Abs(p.DollarDelta)) {
				t.Errorf("DollarDelta %g, want Delta·unit·S = %g", p.DollarDelta, p.Delta*tc.unit*tc.spot)
			}
		})
	}
	// The stock option on XYZ (β 1.5): BetaGamma is its gamma per 1% move of SPY.
	t.Run("xyz beta", func(t *testing.T) {
		p := find(t, base, "xyz")
		if !(p.Gamma != 0) || !near(p.BetaGamma, p.Gamma*1.5*1.5, 1e-9*math.Abs(p.Gamma)) {
			t.Errorf("Gamma %g BetaGamma %g, want BetaGamma = Gamma·1.5²", p.Gamma, p.BetaGamma)
		}
		fd := (find(t, up, "xyz").Delta - find(t, down, "xyz").Delta) * 42
		if !near(p.Gamma, fd, 1e-3*math.Abs(p.Gamma)) {
			t.Errorf("Gamma %g, but a 1%% move adds %g dollars of delta", p.Gamma, fd)
		}
	})
}

func find(t *testing.T, b Book, id string) PositionRisk {
	t.Helper()
	for _, p := range b.Positions {
		if p.ID == id {
			if p.Err != nil {
				t.Fatalf("%s: %v", id, p.Err)
			}
			return p
		}
	}
	t.Fatalf("no position %q", id)
	return PositionRisk{}
}

func TestExposurePlus(t *testing.T) {
	a := Exposure{Delta: 1, DollarDelta: 2, BetaDollarDelta: 3, BetaDelta: 4, Gamma: 5, BetaGamma: 6,
		Theta: 7, Vega: 8, Notional: 9, Value: 10, Bull: 11, Bear: -12}
	got := a.Plus(a)
	want := Exposure{Delta: 2, DollarDelta: 4, BetaDollarDelta: 6, BetaDelta: 8, Gamma: 10, BetaGamma: 12,
		Theta: 14, Vega: 16, Notional: 18, Value: 20, Bull: 22, Bear: -24}
	if got != want {
		t.Errorf("Plus %+v, want %+v", got, want)
	}
	if a.Delta != 1 {
		t.Error("Plus changed its receiver")
	}
}
