package sim

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

func dates(ts []time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	for _, t := range ts {
		out[t.In(instrument.NewYork).Format(time.DateOnly)] = t
	}
	return out
}

// TestEquityExpirations: from Friday 2026-11-20 10:00, SPY lists today, Mon/Wed of the
// next two weeks, Friday weeklies, the monthlies (third Fridays) six months out, the
// quarterly months a year out and the end-of-quarter expiries; VXX only Fridays and
// monthlies. Holiday rule: Friday 2026-12-25 (Christmas) moves to Thursday 12-24, Friday
// 2027-06-18 (Juneteenth observed) to Thursday 06-17.
func TestEquityExpirations(t *testing.T) {
	m := newMarket(t, 1, ny(2026, 11, 20, 10, 0))
	spy := dates(m.Expirations("SPY"))
	for _, d := range []string{
		"2026-11-20", "2026-11-23", "2026-11-25", "2026-11-27", "2026-11-30", "2026-12-02", "2026-12-04",
		"2026-12-11", "2026-12-18", "2026-12-24", "2026-12-31", // weeklies, the December monthly, end of year
		"2027-01-15", "2027-02-19", "2027-03-19", "2027-03-31", "2027-04-16", "2027-05-21", // monthlies, Q1 end
		"2027-06-17", "2027-06-30", "2027-09-17", "2027-09-30", // quarterlies
	} {
		if _, ok := spy[d]; !ok {
			t.Errorf("SPY does not list %s", d)
		}
	}
	for _, d := range []string{"2026-11-26", "2026-12-07", "2026-12-25", "2027-07-16", "2027-12-17"} {
		if _, ok := spy[d]; ok {
			t.Errorf("SPY lists %s", d)
		}
	}
	vxx := dates(m.Expirations("VXX"))
	for d, e := range vxx {
		wd := e.In(instrument.NewYork).Weekday()
		if wd != time.Friday && d != "2026-12-24" && d != "2027-06-17" {
			t.Errorf("VXX lists %s, a %s", d, wd)
		}
	}
	if _, ok := vxx["2026-11-23"]; ok {
		t.Error("VXX lists a Monday weekly")
	}
	// All expiries are at 16:00 New York, soonest first, not expired.
	prev := m.Now()
	for _, e := range m.Expirations("QQQ") {
		if !e.After(prev) {
			t.Errorf("QQQ expiry %s not after %s", e, prev)
		}
		if h, mi, _ := e.In(instrument.NewYork).Clock(); h != 16 || mi != 0 {
			t.Errorf("QQQ expiry %s not at 16:00 New York", e)
		}
		prev = e
	}
	// After the close today's expiry is gone; the Monday one is first.
	m.Advance(ny(2026, 11, 23, 9, 45))
	if first := m.Expirations("SPY")[0]; first.In(instrument.NewYork).Format(time.DateOnly) != "2026-11-23" {
		t.Errorf("first SPY expiry on Monday is %s", first)
	}
}

// TestFuturesOptionExpirations: options on ESZ6 from 2026-11-20 are the Friday weeklies
// and month-end (PM, European, 15:00 Chicago) that deliver December, and the AM quarterly
// (American, 08:30 Chicago) of 2026-12-18; the PM options of 12-18 and later deliver ESH7.
func TestFuturesOptionExpirations(t *testing.T) {
	m := newMarket(t, 1, ny(2026, 11, 20, 10, 0))
	z := m.Expirations("ESZ6")
	last := z[len(z)-1]
	if last.In(instrument.NewYork).Format("2006-01-02 15:04") != "2026-12-18 09:30" {
		t.Errorf("last ESZ6 option expiry %s, want the AM quarterly 2026-12-18 09:30 New York", last)
	}
	want := []string{"2026-11-20", "2026-11-27", "2026-11-30", "2026-12-04", "2026-12-11", "2026-12-18"}
	got := dates(z)
	for _, d := range want {
		if _, ok := got[d]; !ok {
			t.Errorf("ESZ6 options do not expire %s (have %v)", d, z)
		}
	}
	h := dates(m.Expirations("ESH7"))
	pmDec := h["2026-12-18"]
	if pmDec.IsZero() || pmDec.In(instrument.NewYork).Hour() != 16 {
		t.Errorf("ESH7 options: no PM 2026-12-18 expiry (%v)", pmDec)
	}
	if _, ok := h["2027-03-19"]; !ok {
		t.Error("ESH7 options: no March quarterly")
	}
	if len(m.Expirations("MESZ6")) != len(z) {
		t.Error("MES options are not listed like ES options")
	}
	// Styles and symbols: the AM quarterly is American, the PM weekly European; every chain
	// symbol parses back to the same instrument and resolves.
	for _, e := range []time.Time{z[0], last} {
		ch := m.Chain("ESZ6", e)
		if len(ch) == 0 {
			t.Fatalf("empty ESZ6 chain %s", e)
		}
		for _, q := range ch {
			in, err := instrument.ParseFuturesOption(q.Symbol)
			if err != nil || in.Expiry != q.Instrument.Expiry || in.Style != q.Instrument.Style || in.Underlying != "ESZ6" {
				t.Fatalf("%q: %+v %v", q.Symbol, in, err)
			}
			if _, ok := m.Lookup(q.Symbol); !ok {
				t.Fatalf("Lookup(%q) failed", q.Symbol)
			}
		}
		wantStyle := pricing.European
		if e.Equal(last) {
			wantStyle = pricing.American
		}
		if ch[0].Instrument.Style != wantStyle {
			t.Errorf("%s: style %v, want %v", ch[0].Symbol, ch[0].Instrument.Style, wantStyle)
		}
	}
}

// TestStrikeGrids: the near increment around the money and the far one further out.
func TestStrikeGrids(t *testing.T) {
	m := newMarket(t, 1, ny(2026, 11, 20, 10, 0))
	cases := []struct {
		underlying string
		near, far  float64
		minCount   int
	}{
		{"SPY", 1, 5, 40},
		{"QQQ", 1, 5, 40},
		{"VXX", 0.5, 1, 15},
		{"SQQQ", 0.5, 1, 6},
		{"SH", 0.5, 1, 6},
		{"ESZ6", 5, 25, 40},
		{"MESH7", 5, 25, 40},
	}
	for _, c := range cases {
		for _, e := range m.Expirations(c.underlying) {
			ks := m.Strikes(c.underlying, e)
			if len(ks) < c.minCount {
				t.Errorf("%s %s: %d strikes", c.underlying, e.Format(time.DateOnly), len(ks))
				continue
			}
			spot, _ := m.Price(c.underlying)
			steps := map[float64]int{}
			firstOdd, lastOdd := -1, -1 // the run of strikes off the far grid (the near band)
			for i := range ks {
				if q := ks[i] / c.near; math.Abs(q-math.Round(q)) > 1e-9 {
					t.Fatalf("%s: strike %g not on the %g grid", c.underlying, ks[i], c.near)
				}
				if math.Mod(ks[i], c.far) != 0 {
					if firstOdd < 0 {
						firstOdd = i
					}
					lastOdd = i
				}
				if i == 0 {
					continue
				}
				d := math.Round((ks[i]-ks[i-1])*1000) / 1000
				if d <= 0 {
					t.Fatalf("%s: strikes not ascending: %v", c.underlying, ks)
				}
				steps[d]++
				if math.Abs(ks[i]-spot) < 0.02*spot && math.Abs(ks[i-1]-spot) < 0.02*spot && d != c.near {
					t.Errorf("%s: step %g near the money at %g", c.underlying, d, ks[i])
				}
			}
			for i := firstOdd + 1; firstOdd >= 0 && i <= lastOdd; i++ {
				if d := math.Round((ks[i]-ks[i-1])*1000) / 1000; d != c.near {
					t.Errorf("%s %s: step %g inside the near band at %g", c.underlying, e.Format(time.DateOnly), d, ks[i])
				}
			}
			if steps[c.far] == 0 {
				t.Errorf("%s %s: no far strikes (steps %v)", c.underlying, e.Format(time.DateOnly), steps)
			}
			if ks[0] > spot*0.95 || ks[len(ks)-1] < spot*1.05 {
				t.Errorf("%s %s: strikes %g..%g do not straddle %g", c.underlying, e.Format(time.DateOnly), ks[0], ks[len(ks)-1], spot)
			}
		}
	}
}

// atmIndex is the index in a chain (call, put per strike) of the call nearest the money.
func atmIndex(ch []Quote) int {
	best := 0
	for i := 0; i < len(ch); i += 2 {
		if math.Abs(ch[i].Instrument.Strike-ch[i].Underlying) < math.Abs(ch[best].Instrument.Strike-ch[best].Underlying) {
			best = i
		}
	}
	return best
}

// TestQuotesAreSane: every quote of every chain is finite, bid ≤ theoretical-ish ≤ ask,
// on the tick, with sizes; puts and calls obey put–call bounds loosely.
func TestQuotesAreSane(t *testing.T) {
	m := newMarket(t, 9, ny(2026, 11, 20, 10, 0))
	walk(m, 300)
	for _, u := range []string{"SPY", "QQQ", "VXX", "SQQQ", "SH", m.Underlyings()[5].Symbol(), m.Underlyings()[8].Symbol()} {
		for _, e := range m.Expirations(u) {
			for _, q := range m.Chain(u, e) {
				vals := []float64{q.Bid, q.Ask, q.Last, q.IV, q.Underlying}
				for _, v := range vals {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("%s: non-finite value in %+v", q.Symbol, q)
					}
				}
				r := rootOf(u)
				if q.Bid < 0 || q.Ask <= q.Bid || q.IV <= 0 || q.BidSize < 1 || q.AskSize < 1 || q.OpenInterest < 0 || q.Volume < 0 {
					t.Fatalf("%s: bad quote %+v", q.Symbol, q)
				}
				for _, px := range []float64{q.Bid, q.Ask} {
					tick := optionTick(r, px)
					if ticks := px / tick; math.Abs(ticks-math.Round(ticks)) > 1e-6 {
						t.Fatalf("%s: %v not on its tick %v (%.2f/%.2f)", q.Symbol, px, tick, q.Bid, q.Ask)
					}
				}
				intrinsic := math.Max(0, q.Underlying-q.Instrument.Strike)
				if q.Instrument.Right == pricing.Put {
					intrinsic = math.Max(0, q.Instrument.Strike-q.Underlying)
				}
				if q.Ask < intrinsic*0.98 {
					t.Fatalf("%s: ask %v below intrinsic %v", q.Symbol, q.Ask, intrinsic)
				}
			}
		}
	}
}

// TestSpreadsWiden: at a monthly expiry the spread relative to the price is narrowest
// near the money and wider out of the money; deep in the money it is wider in price;
// options near expiry have wider spreads for the same price; cheap ones may have no bid.
func TestSpreadsWiden(t *testing.T) {
	m := newMarket(t, 2, ny(2026, 11, 20, 10, 0))
	spread := func(q Quote) float64 { return q.Ask - q.Bid }
	rel := func(q Quote) float64 { return spread(q) / q.Mid() }
	for _, c := range []struct{ underlying, monthly string }{
		{"SPY", "2026-12-18"}, {"QQQ", "2026-12-18"}, {"VXX", "2026-12-18"}, {"ESH7", "2026-12-18"}, {"MESZ6", "2026-12-18"},
	} {
		ex := m.Expirations(c.underlying)
		ch := m.Chain(c.underlying, dates(ex)[c.monthly])
		if len(ch) < 40 {
			t.Fatalf("%s %s: %d quotes", c.underlying, c.monthly, len(ch))
		}
		a := atmIndex(ch)
		atm := ch[a+1] // the put at the money
		farOTMPut, deepITMPut := ch[1], ch[len(ch)-1]
		farOTMCall, deepITMCall := ch[len(ch)-2], ch[0]
		if !(rel(farOTMPut) > 3*rel(atm) && rel(farOTMCall) > 3*rel(atm)) {
			t.Errorf("%s relative spreads: ATM %.3f, far OTM put %.3f, far OTM call %.3f", c.underlying, rel(atm), rel(farOTMPut), rel(farOTMCall))
		}
		if !(spread(deepITMPut) > 1.5*spread(atm) && spread(deepITMCall) > 1.5*spread(atm)) {
			t.Errorf("%s spreads: ATM %.2f, deep ITM put %.2f, deep ITM call %.2f", c.underlying, spread(atm), spread(deepITMPut), spread(deepITMCall))
		}
		if farOTMPut.Mid() < 2*optionTick(rootOf(c.underlying), 0) && farOTMPut.Bid != 0 {
			t.Errorf("%s: far OTM put %s bid %.2f for a %.3f option", c.underlying, farOTMPut.Symbol, farOTMPut.Bid, farOTMPut.Mid())
		}
		// The put priced nearest a reference price in the first expiry against the monthly.
		target := 20 * optionTick(rootOf(c.underlying), 0)
		near := func(ch []Quote) Quote {
			best := ch[1]
			for i := 1; i < len(ch); i += 2 {
				if math.Abs(ch[i].Mid()-target) < math.Abs(best.Mid()-target) {
					best = ch[i]
				}
			}
			return best
		}
		first, month := near(m.Chain(c.underlying, ex[0])), near(ch)
		if ex[0].Equal(dates(ex)[c.monthly]) { // ESH7: December is its first expiry
			first, month = month, near(m.Chain(c.underlying, dates(ex)["2027-01-15"]))
		}
		if spread(first) <= spread(month) {
			t.Errorf("%s: %s spread %.2f, monthly %s spread %.2f; want the nearer expiry wider",
				c.underlying, first.Symbol, spread(first), month.Symbol, spread(month))
		}
	}
	// Reference points: SPY's at-the-money monthly put is a few cents wide, ES's a few ticks.
	spyATM := m.Chain("SPY", dates(m.Expirations("SPY"))["2026-12-18"])
	if w := spread(spyATM[atmIndex(spyATM)+1]); w < 0.02 || w > 0.10 {
		t.Errorf("SPY ATM monthly spread %.2f", w)
	}
	esATM := m.Chain("ESH7", dates(m.Expirations("ESH7"))["2026-12-18"])
	if w := spread(esATM[atmIndex(esATM)+1]); w < 0.25 || w > 1.5 {
		t.Errorf("ES ATM monthly spread %.2f", w)
	}
}

// TestVolumeAndOpenInterest: open interest concentrates near the money and at monthly
// expiries, is deterministic for the day, and volume only grows during the day.
func TestVolumeAndOpenInterest(t *testing.T) {
	m := newMarket(t, 4, ny(2026, 11, 23, 10, 0))
	ex := dates(m.Expirations("SPY"))
	monthly, weekly := ex["2026-12-18"], ex["2026-12-11"]
	sumOI := func(ch []Quote, from, to int) (s int64) {
		for i := max(from, 0); i < min(to, len(ch)); i++ {
			s += ch[i].OpenInterest
		}
		return s
	}
	mc := m.Chain("SPY", monthly)
	a := atmIndex(mc)
	nearOI := sumOI(mc, a-10, a+12)
	farOI := sumOI(mc, 0, 22) + sumOI(mc, len(mc)-22, len(mc))
	if nearOI <= 4*farOI {
		t.Errorf("monthly OI near the money %d, far %d", nearOI, farOI)
	}
	wc := m.Chain("SPY", weekly)
	w := atmIndex(wc)
	if weeklyOI := sumOI(wc, w-10, w+12); nearOI <= weeklyOI {
		t.Errorf("ATM OI monthly %d, weekly %d; want the monthly higher", nearOI, weeklyOI)
	}
	sym := mc[a].Symbol
	q1, _ := m.Quote(sym)
	m.Advance(ny(2026, 11, 23, 14, 0))
	q2, _ := m.Quote(sym)
	if q1.OpenInterest != q2.OpenInterest {
		t.Errorf("%s: open interest changed within the day: %d → %d", sym, q1.OpenInterest, q2.OpenInterest)
	}
	if q2.Volume <= q1.Volume {
		t.Errorf("%s: volume %d at 10:00, %d at 14:00", sym, q1.Volume, q2.Volume)
	}
	m.Advance(ny(2026, 11, 24, 10, 0))
	q3, _ := m.Quote(sym)
	if q3.Volume >= q2.Volume {
		t.Errorf("%s: volume did not restart on the new day (%d → %d)", sym, q2.Volume, q3.Volume)
	}
	// The same seed gives the same open interest.
	m2 := newMarket(t, 4, ny(2026, 11, 23, 10, 0))
	if q, _ := m2.Quote(sym); q.OpenInterest != q1.OpenInterest {
		t.Errorf("open interest not deterministic: %d vs %d", q.OpenInterest, q1.OpenInterest)
	}
	spy, _ := m.Quote("SPY")
	if spy.Volume < 1e6 {
		t.Errorf("SPY volume %d by 10:00", spy.Volume)
	}
}

// TestExpiredOptions: after expiry an option still resolves (for settlement) but has no
// quote and is gone from the chain list.
func TestExpiredOptions(t *testing.T) {
	m := newMarket(t, 4, ny(2026, 11, 20, 10, 0))
	ex := m.Expirations("SPY")
	ch := m.Chain("SPY", ex[0])
	sym := ch[len(ch)/2].Symbol
	if _, err := m.Quote(sym); err != nil {
		t.Fatal(err)
	}
	m.Advance(ny(2026, 11, 20, 16, 0))
	if _, ok := m.Lookup(sym); !ok {
		t.Errorf("expired %s no longer resolves", sym)
	}
	if _, err := m.Quote(sym); !errors.Is(err, ErrExpired) {
		t.Errorf("Quote of expired %s: %v", sym, err)
	}
	if m.Chain("SPY", ex[0]) != nil {
		t.Error("the expired chain is still listed")
	}
	for _, e := range m.Expirations("SPY") {
		if !e.After(m.Now()) {
			t.Errorf("expired %s listed", e)
		}
	}
}

// TestLookupForms: padded and compact OCC, futures codes, futures options.
func TestLookupForms(t *testing.T) {
	m := newMarket(t, 4, ny(2026, 11, 20, 10, 0))
	for _, s := range []string{"SPY", "ESZ6", "/ESZ6", "SPY   261218P00640000", "SPY261218P00640000", "ESZ6 P6000 2026-12-18 AM",
		"ESH7 C6700 2026-12-18", "MESZ6 C6650 2026-11-27", "VXX   261218C00045500"} {
		in, ok := m.Lookup(s)
		if !ok {
			t.Errorf("Lookup(%q) failed", s)
			continue
		}
		if in.IsOption() {
			if _, err := m.Quote(s); err != nil {
				t.Errorf("Quote(%q): %v", s, err)
			}
		}
	}
	// A listed strike grid is not required (positions survive grid changes) but the
	// expiry must be listed: no Tuesday SPY options.
	if _, ok := m.Lookup("SPY   261124P00640000"); ok {
		t.Error("a Tuesday SPY expiry resolved")
	}
}

// TestOptionTick: SPY and QQQ options trade in pennies in every series (Cboe Penny
// Interval Program, all series for SPY, QQQ, IWM); other penny-program classes 0.01 below
// $3 and 0.05 from $3; ES and MES options 0.25 with the 0.05 reduced tick at or below
// 5.00 points (CME E-mini S&P 500 options contract specs).
func TestOptionTick(t *testing.T) {
	cases := []struct {
		root  string
		price float64
		want  float64
	}{
		{"SPY", 0.5, 0.01}, {"SPY", 25, 0.01}, {"QQQ", 40, 0.01},
		{"VXX", 2.99, 0.01}, {"VXX", 3, 0.05}, {"SQQQ", 0.2, 0.01}, {"SH", 7, 0.05},
		{"ES", 5, 0.05}, {"ES", 5.25, 0.25}, {"MES", 0.1, 0.05}, {"MES", 120, 0.25},
	}
	for _, c := range cases {
		if got := optionTick(roots[c.root], c.price); got != c.want {
			t.Errorf("%s at %g: tick %g, want %g", c.root, c.price, got, c.want)
		}
	}
}
