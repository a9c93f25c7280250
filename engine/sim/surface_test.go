package sim

import (
	"math"
	"testing"
)

// TestSkew: equity puts are richer than calls at the same distance from the forward, and
// the skew per unit of log-strike is steeper near term; VXX, SQQQ and SH skew to calls.
func TestSkew(t *testing.T) {
	for _, name := range []string{"SPY", "QQQ", "ES"} {
		r := roots[name]
		for _, tt := range []float64{7.0 / 365, 30.0 / 365, 180.0 / 365} {
			down := surfaceVol(r, logNormal, 100, 95, tt)
			atm := surfaceVol(r, logNormal, 100, 100, tt)
			up := surfaceVol(r, logNormal, 100, 105, tt)
			if !(down > atm && atm > up) {
				t.Errorf("%s %.0fd: IV 95/100/105 = %.4f/%.4f/%.4f, want falling with strike", name, tt*365, down, atm, up)
			}
		}
		slope := func(tt float64) float64 {
			return (surfaceVol(r, logNormal, 100, 99, tt) - surfaceVol(r, logNormal, 100, 101, tt)) / math.Log(101.0/99)
		}
		if s7, s90 := slope(7.0/365), slope(90.0/365); s7 <= s90 {
			t.Errorf("%s: skew slope 7d %.3f not steeper than 90d %.3f", name, s7, s90)
		}
	}
	for _, name := range []string{"VXX", "SQQQ", "SH"} {
		r := roots[name]
		tt := 30.0 / 365
		if down, up := surfaceVol(r, logNormal, 100, 90, tt), surfaceVol(r, logNormal, 100, 110, tt); up <= down {
			t.Errorf("%s: IV 90 %.4f, 110 %.4f, want call skew", name, down, up)
		}
	}
}

// TestTermStructure: with the vol state high the ATM term structure is inverted, with it
// low it slopes up; the whole surface rises with the state.
func TestTermStructure(t *testing.T) {
	r := roots["SPY"]
	high, low := math.Log(0.40), math.Log(0.09)
	h7, h180 := atmVol(r, high, 7.0/365), atmVol(r, high, 180.0/365)
	l7, l180 := atmVol(r, low, 7.0/365), atmVol(r, low, 180.0/365)
	if h7 <= h180 {
		t.Errorf("high vol: ATM 7d %.3f, 180d %.3f, want inverted", h7, h180)
	}
	if l7 >= l180 {
		t.Errorf("low vol: ATM 7d %.3f, 180d %.3f, want upward sloping", l7, l180)
	}
	if h180 <= l180 || h7 <= l7 {
		t.Error("the surface does not rise with the vol state")
	}
	// Normal state, 30 days: SPY about 15% (13.5% × the 1.12 premium, nearly flat).
	if v := atmVol(r, logNormal, 30.0/365); v < 0.14 || v > 0.165 {
		t.Errorf("normal SPY 30d ATM vol %.3f, want about 0.15", v)
	}
	// VXX's vol rises with the state (vol of vol).
	if vx := roots["VXX"]; atmVol(vx, high, 30.0/365) <= atmVol(vx, low, 30.0/365) {
		t.Error("VXX vol does not rise with the vol state")
	}
}

// TestSurfaceBounded: for any strike, maturity and state the IV is finite and positive,
// never below the SSVI minimum √((1−ρ²)) × ATM, and in the wings total variance grows at
// most 2 per unit of |ln(K/F)| (Lee's moment formula) — the vol is not clamped, which would break
// convexity.
func TestSurfaceBounded(t *testing.T) {
	for _, r := range roots {
		rho, _ := ssviShape(r)
		for _, x := range []float64{minLogVol, logNormal, maxLogVol} {
			for _, k := range []float64{1e-9, 0.01, 50, 100, 200, 1e9} {
				for _, tt := range []float64{0, 1e-9, 1.0 / 365, 1, 30} {
					v := surfaceVol(r, x, 100, k, tt)
					atm := atmVol(r, x, tt)
					if math.IsNaN(v) || math.IsInf(v, 0) || v < atm*math.Sqrt(1-rho*rho)*(1-1e-12) {
						t.Fatalf("%s x %.2f k %g t %g: IV %v, ATM %v", r.name, x, k, tt, v, atm)
					}
					if k == 1e-9 || k == 1e9 {
						// The wing's slope in total variance, between k and k×10 (or ÷10).
						y, k2 := math.Max(tt, 1.0/365/24), k*10
						if k < 1 {
							k2 = k / 10
						}
						v2 := surfaceVol(r, x, 100, k2, tt)
						if slope := (v2*v2 - v*v) * y / math.Ln10; slope > 2 {
							t.Errorf("%s x %.2f k %g t %g: total variance rises %g per unit of ln K, beyond Lee's 2", r.name, x, k, tt, slope)
						}
					}
				}
			}
		}
	}
}

// TestMarketSurface: quotes carry the surface's vol, VolIndex reads the state, and a vol
// spike lifts the whole surface and inverts its term structure.
func TestMarketSurface(t *testing.T) {
	m := newMarket(t, 5, ny(2026, 11, 20, 10, 0))
	ex := m.Expirations("SPY")
	ch := m.Chain("SPY", ex[len(ex)-1])
	q := ch[len(ch)/2]
	iv, err := m.ImpliedVol("SPY", q.Instrument.Strike, q.Instrument.Expiry)
	if err != nil || iv != q.IV {
		t.Errorf("ImpliedVol %v (%v), quote IV %v", iv, err, q.IV)
	}
	if v := m.VolIndex(); v < 14 || v > 16.5 {
		t.Errorf("VolIndex %.2f in the normal state, want about 15", v)
	}
	if _, err := m.ImpliedVol("AAPL", 100, ex[0]); err == nil {
		t.Error("ImpliedVol of AAPL succeeded")
	}
	if _, err := m.ImpliedVol("SPY", 600, m.Now()); err == nil {
		t.Error("ImpliedVol at Now succeeded")
	}
	spot, _ := m.Price("SPY")
	near, far := ex[1], ex[len(ex)-1]
	calmNear, _ := m.ImpliedVol("SPY", spot, near)
	calmFar, _ := m.ImpliedVol("SPY", spot, far)
	m.p.LogVol = math.Log(0.45) // a crash-level vol state
	hotNear, _ := m.ImpliedVol("SPY", spot, near)
	hotFar, _ := m.ImpliedVol("SPY", spot, far)
	if !(hotNear > hotFar && hotNear > calmNear && hotFar > calmFar && calmNear <= calmFar*1.02) {
		t.Errorf("ATM near/far: calm %.3f/%.3f, stressed %.3f/%.3f", calmNear, calmFar, hotNear, hotFar)
	}
	if m.VolIndex() < 40 {
		t.Errorf("VolIndex %.1f in a crash state", m.VolIndex())
	}
}
