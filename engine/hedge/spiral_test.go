package hedge

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

var (
	expDec = time.Date(2026, 12, 18, 16, 0, 0, 0, time.UTC)
	expJan = time.Date(2027, 1, 15, 16, 0, 0, 0, time.UTC)
)

// strangle is a short SPY strangle of 10 calls at 520 and 10 puts at 480 after the market
// rallied to 530: the calls are in the money (delta 0.62 per share → −620 on the call
// side), the puts far out (delta −0.05 → +50). Imbalance |−620 + 50| / 670 = 0.851; the
// call side is tested.
func strangle() Layer {
	return Layer{Name: "SPY strangle", Spot: 530, Vol: 0.18, Rate: 0.04, StrikeStep: 5,
		Now: time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC),
		Legs: []Leg{
			{Symbol: "SPY 520C", Right: pricing.Call, Strike: 520, Expiry: expDec, Quantity: -10, Delta: 0.62, Multiplier: 100},
			{Symbol: "SPY 480P", Right: pricing.Put, Strike: 480, Expiry: expJan, Quantity: -10, Delta: -0.05, Multiplier: 100},
		}}
}

// fallen is the mirror case: the market fell to 470, the short puts at 480 are in the
// money and the layer is put-heavy; selling more calls would be the spiral.
func fallen() Layer {
	return Layer{Name: "SPY strangle", Spot: 470, Legs: []Leg{
		{Symbol: "SPY 520C", Right: pricing.Call, Strike: 520, Expiry: expDec, Quantity: -10, Delta: 0.04, Multiplier: 100},
		{Symbol: "SPY 480P", Right: pricing.Put, Strike: 480, Expiry: expDec, Quantity: -10, Delta: -0.66, Multiplier: 100},
	}}
}

func TestLayerBalance(t *testing.T) {
	b := strangle().Balance()
	if b.CallDelta != -620 || b.PutDelta != 50 || b.Tested != pricing.Call || b.Contracts != 20 {
		t.Fatalf("balance %+v, want calls −620, puts +50, call side tested, 20 contracts", b)
	}
	if math.Abs(b.Imbalance-570.0/670) > 1e-12 || len(b.ITM) != 1 || b.ITM[0] != "SPY 520C" {
		t.Fatalf("imbalance %g ITM %v, want 0.851 and the 520 call", b.Imbalance, b.ITM)
	}
}

func TestSpiralGuard(t *testing.T) {
	balanced := Layer{Name: "balanced", Spot: 500, Legs: []Leg{
		{Symbol: "C", Right: pricing.Call, Strike: 520, Quantity: -10, Delta: 0.20, Multiplier: 100},
		{Symbol: "P", Right: pricing.Put, Strike: 480, Quantity: -10, Delta: -0.18, Multiplier: 100},
	}}
	tests := []struct {
		name     string
		layer    Layer
		order    Leg
		override *Override
		stop     bool
		reason   string
	}{
		{"sell more puts after calls went ITM", strangle(),
			Leg{Symbol: "SPY 490P", Right: pricing.Put, Strike: 490, Quantity: -5, Delta: -0.10, Multiplier: 100}, nil,
			true, "the call side is tested and this order adds 5 contracts to the put side (10 → 15)"},
		{"sell more of the existing put leg", strangle(),
			Leg{Symbol: "SPY 480P", Right: pricing.Put, Quantity: -3, Delta: -0.05, Multiplier: 100}, nil,
			true, "adds 3 contracts to the put side (10 → 13)"},
		{"sell more calls after puts went ITM (put-heavy layer)", fallen(),
			Leg{Symbol: "SPY 500C", Right: pricing.Call, Strike: 500, Quantity: -8, Delta: 0.15, Multiplier: 100}, nil,
			true, "the put side is tested"},
		{"buy back tested calls", strangle(),
			Leg{Symbol: "SPY 520C", Right: pricing.Call, Quantity: 4, Delta: 0.62, Multiplier: 100}, nil,
			false, "does not add contracts to the untested side"},
		{"close untested puts", strangle(),
			Leg{Symbol: "SPY 480P", Right: pricing.Put, Quantity: 10, Delta: -0.05, Multiplier: 100}, nil,
			false, "does not add"},
		{"add to a balanced layer", balanced,
			Leg{Symbol: "P2", Right: pricing.Put, Strike: 470, Quantity: -5, Delta: -0.1, Multiplier: 100}, nil,
			false, "imbalance 5%"},
		{"override with a written reason", strangle(),
			Leg{Symbol: "SPY 490P", Right: pricing.Put, Quantity: -5, Delta: -0.10, Multiplier: 100},
			&Override{Reason: "closing the calls tomorrow at the open; puts sized for that"},
			false, "overridden: closing the calls tomorrow"},
		{"override without a reason", strangle(),
			Leg{Symbol: "SPY 490P", Right: pricing.Put, Quantity: -5, Delta: -0.10, Multiplier: 100},
			&Override{Reason: "  ok "},
			true, "an override needs a written reason"},
	}
	for _, tc := range tests {
		v, err := SpiralGuard{}.Check(tc.layer, tc.order, tc.override)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if v.Stop != tc.stop {
			t.Errorf("%s: Stop %v, want %v (%s)", tc.name, v.Stop, tc.stop, v.Reason)
		}
		if !strings.Contains(v.Reason, tc.reason) {
			t.Errorf("%s: reason %q does not contain %q", tc.name, v.Reason, tc.reason)
		}
		if (tc.stop || v.Overridden) && v.Alternative == "" {
			t.Errorf("%s: stopped without an alternative", tc.name)
		}
	}
}

// The roll suggested instead of adding puts: the put side must carry the call side's
// 620 of delta with its 10 contracts, so 0.62 per share, capped at 0.50 (at the money);
// the put expiry (January) moves in to the calls' December; the strike is the
// Black–Scholes strike with a 0.50 put delta, rounded to the 5-point grid.
func TestSpiralGuardSuggestion(t *testing.T) {
	l := strangle()
	v, err := SpiralGuard{}.Check(l, Leg{Symbol: "SPY 490P", Right: pricing.Put, Quantity: -5, Delta: -0.1, Multiplier: 100}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.SuggestedDelta != 0.5 || !v.SuggestedExpiry.Equal(expDec) {
		t.Fatalf("suggested delta %g expiry %s, want 0.50 and %s", v.SuggestedDelta, v.SuggestedExpiry, expDec)
	}
	years := expDec.Sub(l.Now).Hours() / (365 * 24)
	exact, err := StrikeForDelta(pricing.Put, l.Spot, years, l.Rate, l.Vol, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := pricing.Value(pricing.Option{Right: pricing.Put, Spot: l.Spot, Strike: exact, Years: years, Rate: l.Rate, Carry: l.Rate, Vol: l.Vol})
	if math.Abs(g.Delta+0.5) > 1e-6 {
		t.Fatalf("StrikeForDelta gave %g with delta %g, want −0.50", exact, g.Delta)
	}
	if v.SuggestedStrike != math.Round(exact/5)*5 || math.Mod(v.SuggestedStrike, 5) != 0 {
		t.Fatalf("suggested strike %g, want %g rounded to 5", v.SuggestedStrike, exact)
	}
	if !strings.Contains(v.Alternative, "roll the put side (10 contracts) closer instead of adding size") ||
		!strings.Contains(v.Alternative, "2026-12-18") {
		t.Fatalf("alternative %q", v.Alternative)
	}
	// With a smaller imbalance the target is the matching delta itself: calls −300 over
	// 10 puts → 0.30 per share.
	l.Legs[0].Delta = 0.30
	v, _ = SpiralGuard{}.Check(l, Leg{Symbol: "SPY 490P", Right: pricing.Put, Quantity: -5, Delta: -0.1, Multiplier: 100}, nil)
	if math.Abs(v.SuggestedDelta-0.30) > 1e-12 {
		t.Fatalf("suggested delta %g, want 0.30", v.SuggestedDelta)
	}
}

func TestSpiralGuardErrors(t *testing.T) {
	l := strangle()
	l.Spot = 0
	if _, err := (SpiralGuard{}).Check(l, Leg{Multiplier: 100}, nil); err == nil {
		t.Error("zero spot accepted")
	}
	if _, err := (SpiralGuard{}).Check(strangle(), Leg{Symbol: "X", Multiplier: 0}, nil); err == nil {
		t.Error("zero multiplier accepted")
	}
	if _, err := StrikeForDelta(pricing.Call, 100, 0.1, 0, 0.2, 1.2); err == nil {
		t.Error("delta 1.2 accepted")
	}
}

func TestSizeMonitor(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 21, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		m       SizeMonitor
		samples []SizeSample
		alert   bool
		start   float64
		end     float64
		text    string
	}{
		{"grows while imbalanced", SizeMonitor{}, []SizeSample{
			{day(16), 20, 0.10}, {day(17), 20, 0.40}, {day(18), 25, 0.35}, {day(19), 30, 0.50},
		}, true, 20, 30, "contracts grew from 20 to 30 (+50%)"},
		{"grew earlier, now balanced", SizeMonitor{}, []SizeSample{
			{day(16), 20, 0.40}, {day(17), 30, 0.40}, {day(18), 30, 0.05},
		}, false, 0, 0, "no persisting imbalance"},
		{"imbalanced but size flat (rolled instead)", SizeMonitor{}, []SizeSample{
			{day(16), 20, 0.40}, {day(17), 20, 0.60}, {day(18), 18, 0.30},
		}, false, 20, 18, "did not grow"},
		{"growth within tolerance", SizeMonitor{Growth: 0.25}, []SizeSample{
			{day(16), 20, 0.40}, {day(17), 24, 0.40},
		}, false, 20, 24, "did not grow"},
		{"growth above tolerance", SizeMonitor{Growth: 0.25}, []SizeSample{
			{day(16), 20, 0.40}, {day(17), 26, 0.40},
		}, true, 20, 26, "+30%"},
		{"custom threshold", SizeMonitor{Threshold: 0.6}, []SizeSample{
			{day(16), 20, 0.40}, {day(17), 26, 0.50},
		}, false, 0, 0, "no persisting imbalance"},
		{"single sample", SizeMonitor{}, []SizeSample{{day(16), 20, 0.9}}, false, 0, 0, "no persisting imbalance"},
	}
	for _, tc := range tests {
		a, err := tc.m.Check(tc.samples)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if a.Alert != tc.alert || a.Start != tc.start || a.End != tc.end || !strings.Contains(a.Text, tc.text) {
			t.Errorf("%s: %+v, want alert %v %g→%g %q", tc.name, a, tc.alert, tc.start, tc.end, tc.text)
		}
	}
	if _, err := (SizeMonitor{}).Check([]SizeSample{{day(17), 1, 1}, {day(16), 2, 1}}); err == nil {
		t.Error("samples out of order accepted")
	}
}
