package sim

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

func ny(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, instrument.NewYork)
}

func newMarket(t testing.TB, seed uint64, start time.Time) *Market {
	t.Helper()
	m, err := New(Config{Seed: seed, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// walk advances m n times by a mix of increments (ticks, minutes, hours, a day), so
// closes, nights and weekends are crossed.
func walk(m *Market, n int) {
	incs := []time.Duration{100 * time.Millisecond, 7 * time.Second, 3 * time.Minute, 47 * time.Minute, 5 * time.Hour, 26 * time.Hour}
	for i := range n {
		m.Advance(m.Now().Add(incs[i%len(incs)]))
	}
}

// snapshot is a market's visible state: every underlying's price and a few option quotes.
func snapshot(t *testing.T, m *Market) []float64 {
	t.Helper()
	var out []float64
	for _, u := range m.Underlyings() {
		p, err := m.Price(u.Symbol())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	ex := m.Expirations("SPY")
	for _, q := range m.Chain("SPY", ex[len(ex)/2]) {
		out = append(out, q.Bid, q.Ask, q.IV, float64(q.Volume), float64(q.OpenInterest))
	}
	return out
}

func TestDeterministicForASeed(t *testing.T) {
	start := ny(2026, 11, 20, 10, 0)
	a, b, c := newMarket(t, 42, start), newMarket(t, 42, start), newMarket(t, 43, start)
	walk(a, 500)
	walk(b, 500)
	walk(c, 500)
	sa, _ := a.State()
	sb, _ := b.State()
	sc, _ := c.State()
	if !bytes.Equal(sa, sb) {
		t.Error("two markets with seed 42 and the same Advance targets differ")
	}
	if bytes.Equal(sa, sc) {
		t.Error("seeds 42 and 43 gave the same market")
	}
}

// TestRestoreContinuesExactly: run 1000 steps, save, restore, run both further, compare
// bit for bit.
func TestRestoreContinuesExactly(t *testing.T) {
	m := newMarket(t, 7, ny(2026, 11, 20, 10, 0))
	walk(m, 1000)
	saved, err := m.State()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Restore(saved)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Now().Equal(m.Now()) {
		t.Fatalf("restored at %s, saved at %s", r.Now(), m.Now())
	}
	walk(m, 1500)
	walk(r, 1500)
	sm, rm := snapshot(t, m), snapshot(t, r)
	if len(sm) != len(rm) {
		t.Fatalf("snapshots differ in length: %d vs %d", len(sm), len(rm))
	}
	for i := range sm {
		if math.Float64bits(sm[i]) != math.Float64bits(rm[i]) {
			t.Fatalf("value %d: original %v, restored %v", i, sm[i], rm[i])
		}
	}
	s1, _ := m.State()
	s2, _ := r.State()
	if !bytes.Equal(s1, s2) {
		t.Error("states differ after continuing")
	}
}

func TestRestoreRejectsBadState(t *testing.T) {
	m := newMarket(t, 1, ny(2026, 11, 20, 10, 0))
	good, _ := m.State()
	cases := map[string][]byte{
		"not json":      []byte("{"),
		"wrong version": bytes.Replace(good, []byte(`"version":1`), []byte(`"version":99`), 1),
		"empty":         []byte(`{}`),
		"vol state":     bytes.Replace(good, []byte(`"log_vol":`), []byte(`"log_vol":99,"x":`), 1),
	}
	for name, data := range cases {
		if _, err := Restore(data); err == nil {
			t.Errorf("%s: Restore succeeded", name)
		}
	}
}

func TestNewMovesToTheOpen(t *testing.T) {
	cases := []struct {
		start, want time.Time
	}{
		{ny(2026, 11, 21, 12, 0), ny(2026, 11, 23, 9, 30)}, // Saturday → Monday
		{ny(2026, 11, 26, 10, 0), ny(2026, 11, 27, 9, 30)}, // Thanksgiving → Friday
		{ny(2026, 11, 20, 8, 0), ny(2026, 11, 20, 9, 30)},  // before the open
		{ny(2026, 11, 20, 16, 0), ny(2026, 11, 23, 9, 30)}, // at the close
		{ny(2026, 11, 20, 11, 15), ny(2026, 11, 20, 11, 15)},
	}
	for _, c := range cases {
		m := newMarket(t, 1, c.start)
		if !m.Now().Equal(c.want) {
			t.Errorf("start %s: Now %s, want %s", c.start, m.Now(), c.want)
		}
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New with a zero start succeeded")
	}
}

func TestUnderlyingsAndFutures(t *testing.T) {
	m := newMarket(t, 3, ny(2026, 11, 20, 10, 0))
	var syms []string
	for _, u := range m.Underlyings() {
		syms = append(syms, u.Symbol())
	}
	want := []string{"SPY", "QQQ", "VXX", "SQQQ", "SH", "ESZ6", "ESH7", "MESZ6", "MESH7"}
	if len(syms) != len(want) {
		t.Fatalf("underlyings %v, want %v", syms, want)
	}
	for i := range want {
		if syms[i] != want[i] {
			t.Fatalf("underlyings %v, want %v", syms, want)
		}
	}
	spy, _ := m.Price("SPY")
	es, _ := m.Price("ESZ6")
	mes, _ := m.Price("MESZ6")
	esh, _ := m.Price("ESH7")
	// Fair ES = 10 × SPY × e^{(r − q)·T}; T to 2026-12-18 09:30 ≈ 28 days: basis ≈ +0.2%.
	if es < 10*spy || es > 10*spy*1.004 || esh <= es {
		t.Errorf("SPY %.2f, ESZ6 %.2f, ESH7 %.2f: want a small positive carry basis growing with time", spy, es, esh)
	}
	if es != mes {
		t.Errorf("ESZ6 %.2f and MESZ6 %.2f differ", es, mes)
	}
	for _, sym := range []string{"ESZ6", "MESH7"} {
		q, _ := m.Quote(sym)
		if q.Ask-q.Bid != 0.25 || math.Mod(q.Bid, 0.25) != 0 {
			t.Errorf("%s quoted %.2f/%.2f, want one 0.25 tick wide", sym, q.Bid, q.Ask)
		}
	}
	if in, _ := m.Lookup("MESZ6"); in.Multiplier != 5 {
		t.Errorf("MES multiplier %g, want 5", in.Multiplier)
	}

	// The December contract expires at the 09:30 open of 2026-12-18: then the front two
	// are March and June, and ESZ6 keeps its final settlement.
	m.Advance(ny(2026, 12, 18, 10, 0))
	got := m.Underlyings()
	if got[5].Symbol() != "ESH7" || got[6].Symbol() != "ESM7" || got[8].Symbol() != "MESM7" {
		t.Errorf("after the December expiry: %v %v %v %v", got[5], got[6], got[7], got[8])
	}
	settle, err := m.Price("ESZ6")
	if err != nil || settle <= 0 || math.Mod(settle, 0.25) != 0 {
		t.Errorf("ESZ6 settlement %v, %v", settle, err)
	}
	m.Advance(ny(2026, 12, 21, 15, 0))
	if again, _ := m.Price("ESZ6"); again != settle {
		t.Errorf("ESZ6 settlement moved from %v to %v", settle, again)
	}
	if len(m.Expirations("ESZ6")) != 0 {
		t.Error("an expired future still lists options")
	}
}

func TestPriceAndQuoteErrors(t *testing.T) {
	m := newMarket(t, 3, ny(2026, 11, 20, 10, 0))
	for _, sym := range []string{"AAPL", "NQZ6", "ESZ7", "", "SPY   261218P00640500", "ESZ6 P6001 2026-12-18 AM"} {
		if _, err := m.Quote(sym); !errors.Is(err, ErrUnknownSymbol) {
			t.Errorf("Quote(%q): %v, want ErrUnknownSymbol", sym, err)
		}
		if _, ok := m.Lookup(sym); ok {
			t.Errorf("Lookup(%q) succeeded", sym)
		}
	}
	if _, err := m.Price("SPY   261218P00640000"); err == nil {
		t.Error("Price of an option succeeded")
	}
}

// TestExDividendDates: SPY goes ex-dividend on the third Friday of March, June, September
// and December, QQQ on the trading day after (the sponsors' published schedules follow
// these rules, e.g. SPY 2025-12-19 and QQQ 2025-12-22).
func TestExDividendDates(t *testing.T) {
	m := newMarket(t, 3, ny(2026, 11, 20, 10, 0))
	cases := map[string][]string{
		// Juneteenth (Saturday 2027-06-19) is observed on Friday 2027-06-18.
		"SPY": {"2026-12-18", "2027-03-19", "2027-06-17", "2027-09-17"},
		"QQQ": {"2026-12-21", "2027-03-22", "2027-06-21", "2027-09-20"},
		"VXX": nil,
	}
	for root, want := range cases {
		got := m.ExDividendDates(root)
		if len(got) != len(want) {
			t.Errorf("%s: %v, want %v", root, got, want)
			continue
		}
		for i := range want {
			if got[i].Format(time.DateOnly) != want[i] {
				t.Errorf("%s: %v, want %v", root, got, want)
			}
		}
	}
	if m.DividendYield("SPY") != 0.012 || m.DividendYield("ES") != 0 || m.Rate() != 0.04 {
		t.Error("yields or rate changed")
	}
}

func TestCloseIsRecorded(t *testing.T) {
	m := newMarket(t, 3, ny(2026, 11, 20, 15, 0))
	m.Advance(ny(2026, 11, 20, 16, 0))
	want, _ := m.Price("SPY")
	got, err := m.Close("SPY", ny(2026, 11, 20, 0, 0))
	if err != nil || got != want {
		t.Errorf("close %v, %v; want %v", got, err, want)
	}
	if _, err := m.Close("SPY", ny(2026, 11, 19, 0, 0)); err == nil {
		t.Error("a close before the start was found")
	}
}
