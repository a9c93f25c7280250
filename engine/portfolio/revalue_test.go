package portfolio

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// near reports whether got is within tol (relative to max(1, |want|)) of want.
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func checkExposure(t *testing.T, what string, got, want Exposure, tol float64) {
	t.Helper()
	fields := []struct {
		name      string
		got, want float64
	}{
		{"Delta", got.Delta, want.Delta},
		{"DollarDelta", got.DollarDelta, want.DollarDelta},
		{"BetaDollarDelta", got.BetaDollarDelta, want.BetaDollarDelta},
		{"BetaDelta", got.BetaDelta, want.BetaDelta},
		{"Gamma", got.Gamma, want.Gamma},
		{"BetaGamma", got.BetaGamma, want.BetaGamma},
		{"Theta", got.Theta, want.Theta},
		{"Vega", got.Vega, want.Vega},
		{"Notional", got.Notional, want.Notional},
		{"Value", got.Value, want.Value},
		{"Bull", got.Bull, want.Bull},
		{"Bear", got.Bear, want.Bear},
	}
	for _, f := range fields {
		if !near(f.got, f.want, tol) {
			t.Errorf("%s: %s = %.6f, want %.6f", what, f.name, f.got, f.want)
		}
	}
}

var now = time.Date(2026, 11, 20, 10, 0, 0, 0, instrument.NewYork)

func mustParse(t testing.TB, s string) instrument.Instrument {
	t.Helper()
	in, err := instrument.Parse(s, now)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// linearBook holds no options: every figure is hand arithmetic. Prices: SPY 600, SQQQ 20,
// SH 40, VXX 50, ESZ6 6000, MESZ6 6000. Betas to SPY from the default registry: SPY 1,
// SQQQ −3 × QQQ's 1.15 = −3.45, SH −1 × 1 = −1, VXX −2.5, ES and MES 1.
func linearBook(t testing.TB) ([]Position, Market) {
	ps := []Position{
		{ID: "spy", Instrument: mustParse(t, "SPY"), Quantity: 100, Layer: "Hedges"},
		{ID: "sqqq", Instrument: mustParse(t, "SQQQ"), Quantity: 200, Layer: "Hedges"},
		{ID: "sh", Instrument: mustParse(t, "SH"), Quantity: 300, Layer: "Hedges"},
		{ID: "vxx", Instrument: mustParse(t, "VXX"), Quantity: -100, Layer: "VXX"},
		{ID: "es", Instrument: mustParse(t, "ESZ6"), Quantity: 2, Layer: "Futures"},
		{ID: "mes", Instrument: mustParse(t, "MESZ6"), Quantity: -3},
	}
	m := Market{Now: now, Rate: 0.04,
		Underlyings: map[string]float64{"SPY": 600, "SQQQ": 20, "SH": 40, "VXX": 50, "ESZ6": 6000, "MESZ6": 6000}}
	return ps, m
}

func TestRevalueLinearBook(t *testing.T) {
	ps, m := linearBook(t)
	book, err := Revalue(ps, m, Config{Layers: []Layer{
		{Name: "Futures", Bias: Long}, {Name: "Hedges", Bias: Short}, {Name: "VXX", Bias: Short}}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Exposure{
		// 100 SPY × $600 = $60,000, beta 1; 60,000 / 600 = 100 SPY shares.
		"spy": {Delta: 100, DollarDelta: 60000, BetaDollarDelta: 60000, BetaDelta: 100, Notional: 60000, Value: 60000, Bull: 60000},
		// 200 SQQQ × $20 = $4,000; × −3.45 = −$13,800; / 600 = −23 SPY shares.
		"sqqq": {Delta: 200, DollarDelta: 4000, BetaDollarDelta: -13800, BetaDelta: -23, Notional: 4000, Value: 4000, Bear: -13800},
		// 300 SH × $40 = $12,000; × −1 = −$12,000; −20 SPY shares.
		"sh": {Delta: 300, DollarDelta: 12000, BetaDollarDelta: -12000, BetaDelta: -20, Notional: 12000, Value: 12000, Bear: -12000},
		// −100 VXX × $50 = −$5,000; × −2.5 = +$12,500; 12,500 / 600 = 20.8333 SPY shares.
		"vxx": {Delta: -100, DollarDelta: -5000, BetaDollarDelta: 12500, BetaDelta: 12500.0 / 600, Notional: 5000, Value: -5000, Bull: 12500},
		// 2 ES × 50 × 6000 = $600,000; 2 contracts; 1,000 SPY shares; futures value 0.
		"es": {Delta: 2, DollarDelta: 600000, BetaDollarDelta: 600000, BetaDelta: 1000, Notional: 600000, Bull: 600000},
		// −3 MES × 5 × 6000 = −$90,000; −150 SPY shares.
		"mes": {Delta: -3, DollarDelta: -90000, BetaDollarDelta: -90000, BetaDelta: -150, Notional: 90000, Bear: -90000},
	}
	for _, p := range book.Positions {
		checkExposure(t, p.ID, p.Exposure, want[p.ID], 1e-12)
	}
	// Totals: DD 60,000 + 4,000 + 12,000 − 5,000 + 600,000 − 90,000 = 581,000;
	// BWDD 60,000 − 13,800 − 12,000 + 12,500 + 600,000 − 90,000 = 556,700 (927.8333 SPY);
	// bull 60,000 + 12,500 + 600,000 = 672,500; bear −13,800 − 12,000 − 90,000 = −115,800;
	// Delta (shares and contracts, a meaningless sum) 100 + 200 + 300 − 100 + 2 − 3 = 499;
	// notional 771,000; value 60,000 + 4,000 + 12,000 − 5,000 = 71,000.
	checkExposure(t, "book", book.Total, Exposure{Delta: 499, DollarDelta: 581000, BetaDollarDelta: 556700,
		BetaDelta: 556700.0 / 600, Notional: 771000, Value: 71000, Bull: 672500, Bear: -115800}, 1e-12)
	// Balance = 556,700 / (672,500 + 115,800) = 556,700 / 788,300.
	if got, want := book.Total.Balance(), 556700.0/788300; !near(got, want, 1e-12) {
		t.Errorf("balance = %v, want %v", got, want)
	}
	if book.Total.Net() != 556700 {
		t.Errorf("net = %v", book.Total.Net())
	}
	// Layers in configured order, then Unassigned (the MES position has no layer).
	var names []string
	for _, l := range book.Layers {
		names = append(names, l.Name)
	}
	if got := strings.Join(names, ","); got != "Futures,Hedges,VXX,Unassigned" {
		t.Errorf("layers = %s", got)
	}
	// Hedges: 60,000 − 13,800 − 12,000 = +34,200: short-biased but net long, 34,200 off.
	h := book.Layers[1]
	if h.Exposure.BetaDollarDelta != 34200 || h.Bias.OK || h.Bias.Off != 34200 || h.Bias.Side != Long {
		t.Errorf("Hedges bias check = %+v, exposure %+v", h.Bias, h.Exposure)
	}
	if !strings.Contains(h.Bias.Words(), "short-biased but net long $34,200") || !strings.Contains(h.Bias.Words(), "57 SPY") {
		t.Errorf("words: %q", h.Bias.Words())
	}
	// VXX: one underlying, so judged in VXX: short 100 VXX is −$5,000 of VXX, on the side of
	// its short bias, though beta-weighted (+12,500) it adds to the book's bull side.
	if v := book.Layers[2]; !v.Bias.OK || v.Bias.Net != -5000 || v.Bias.NetUnits != -100 || v.Bias.Underlying != "VXX" ||
		!strings.Contains(v.Bias.Words(), "short-biased and net short $5,000 (−100 delta) of VXX") || v.Exposure.BetaDollarDelta != 12500 {
		t.Errorf("VXX bias = %+v: %s", v.Bias, v.Bias.Words())
	}
	// Futures: +600,000, long-biased: OK.
	if f := book.Layers[0]; !f.Bias.OK || f.Bias.Off != 0 || f.Contracts != 2 || f.LargestLeg != 2 {
		t.Errorf("Futures = %+v", f)
	}
	// Underlyings sorted by symbol.
	var unders []string
	for _, u := range book.Underlyings {
		unders = append(unders, u.Name)
	}
	if got := strings.Join(unders, ","); got != "ESZ6,MESZ6,SH,SPY,SQQQ,VXX" {
		t.Errorf("underlyings = %s", got)
	}
	if len(book.Expiries) != 0 {
		t.Errorf("expiries of a book without options: %+v", book.Expiries)
	}
}

func TestRevalueBenchmarkAndOverrides(t *testing.T) {
	ps, m := linearBook(t)
	// Against ESZ6: one ES contract is 6000 × 50 = $300,000 of index; ES's beta to SPY is 1,
	// so the beta-weighted dollars are unchanged: 556,700 / 300,000 = 1.85567 ES contracts.
	book, err := Revalue(ps, m, Config{Benchmark: "ESZ6"})
	if err != nil {
		t.Fatal(err)
	}
	if book.Benchmark.Symbol != "ESZ6" || book.Benchmark.UnitValue != 300000 || book.SharePrice != 600 {
		t.Errorf("benchmark = %+v, share price %v", book.Benchmark, book.SharePrice)
	}
	if !near(book.Total.BetaDollarDelta, 556700, 1e-12) || !near(book.Total.BetaDelta, 556700.0/300000, 1e-12) {
		t.Errorf("against ES: %+v", book.Total)
	}
	// Edited betas: QQQ 1.2 makes SQQQ −3.6 (200 × 20 × −3.6 = −14,400); ES beta 0.98 makes
	// the future 600,000 × 0.98 = 588,000 against SPY.
	st := instrument.DefaultStocks()
	q := st["QQQ"]
	q.Beta = 1.2
	st["QQQ"] = q
	book, err = Revalue(ps, m, Config{Stocks: st, FuturesBetas: map[string]float64{"ES": 0.98}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range book.Positions {
		switch p.ID {
		case "sqqq":
			if !near(p.BetaDollarDelta, -14400, 1e-12) || p.Leverage != -3 || p.Reference != "QQQ" {
				t.Errorf("SQQQ with QQQ beta 1.2: %+v", p)
			}
		case "es":
			if !near(p.BetaDollarDelta, 588000, 1e-12) {
				t.Errorf("ES with beta 0.98: %v", p.BetaDollarDelta)
			}
		}
	}
	// Against ESZ6 with ES beta 0.98: a beta-1 SPY position is 1/0.98 of an ES unit of beta.
	book, err = Revalue(ps[:1], m, Config{Benchmark: "ESZ6", FuturesBetas: map[string]float64{"ES": 0.98}})
	if err != nil {
		t.Fatal(err)
	}
	if p := book.Positions[0]; !near(p.Beta, 1/0.98, 1e-12) || !near(p.BetaDollarDelta, 60000/0.98, 1e-12) {
		t.Errorf("SPY against ES at 0.98: beta %v, BWDD %v", p.Beta, p.BetaDollarDelta)
	}
}

// optionsBook: reference values computed with the closed forms (Haug ch. 1: generalized
// BSM; Black-76 for the futures options), per unit:
//
//	XYZ call, S 42, K 40, r 0.10, q 0, σ 0.20, T 0.5 (Hull, Options, Futures and Other
//	Derivatives, example 15.6: c = 4.76, N(d1) = 0.7791):
//	  price 4.759422392871535, delta 0.779131290942669, gamma 0.04996267040591185,
//	  vega 8.813415059602853, theta −4.559092194592626 (per year)
//	ESZ6 C6100, F 6000, r 0.10, σ 0.18, T 0.25 (Black-76):
//	  price 166.5831917948026, delta 0.4338762157928406, gamma 0.000713647924983866,
//	  vega 1156.1096384738628, theta −399.5411506711103
//	MESZ6 P5900, F 6000, r 0.10, σ 0.20, T 0.25 (Black-76):
//	  price 185.90602367523888, delta −0.4034728606960618, gamma 0.0006332497214957221,
//	  vega 1139.8494986923, theta −437.349197109396
func optionsBook(t testing.TB) ([]Position, Market, time.Time) {
	esExp, err := instrument.FuturesOptionExpiry("ES", 2026, time.December, 18, false)
	if err != nil {
		t.Fatal(err)
	}
	at := esExp.Add(-time.Duration(91.25 * 24 * float64(time.Hour))) // T = 0.25
	es, err := instrument.NewFuturesOption(instrument.FuturesCode{Root: "ES", Year: 2026, Month: time.December}, pricing.Call, 6100, 2026, time.December, 18, false)
	if err != nil {
		t.Fatal(err)
	}
	mes, err := instrument.NewFuturesOption(instrument.FuturesCode{Root: "MES", Year: 2026, Month: time.December}, pricing.Put, 5900, 2026, time.December, 18, false)
	if err != nil {
		t.Fatal(err)
	}
	xyz := instrument.Instrument{Kind: instrument.Option, Root: "XYZ", Underlying: "XYZ", Multiplier: 100,
		Right: pricing.Call, Strike: 40, Style: pricing.European,
		Expiry: at.Add(time.Duration(182.5 * 24 * float64(time.Hour))), // T = 0.5
		Beta:   1.5, Benchmark: "SPY", Leverage: 1, Reference: "XYZ"}
	ps := []Position{
		{ID: "xyz", Instrument: xyz, Quantity: -3, Layer: "Stock options"},
		{ID: "es", Instrument: es, Quantity: 2, Layer: "ES options"},
		{ID: "mes", Instrument: mes, Quantity: -4, Layer: "ES options"},
		{ID: "esf", Instrument: mustParse(t, "ESZ6"), Quantity: -2, Layer: "ES options"},
	}
	m := Market{Now: at, Rate: 0.10,
		Quotes: map[string]Quote{
			"xyz": {Vol: 0.20},
			"es":  {Vol: 0.18, Price: 166.5831917948026},
			"mes": {Vol: 0.20},
		},
		Underlyings: map[string]float64{"SPY": 600, "XYZ": 42, "ESZ6": 6000, "MESZ6": 6000}}
	return ps, m, esExp
}

func TestRevalueOptions(t *testing.T) {
	ps, m, esExp := optionsBook(t)
	book, err := Revalue(ps, m, Config{Layers: []Layer{{Name: "ES options", Bias: Short}}})
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-9
	xyzN := -3.0 * 100 // short 3 calls × 100 shares
	esN := 2.0 * 50    // long 2 ES calls × $50 a point
	mesN := -4.0 * 5   // short 4 MES puts × $5 a point
	want := map[string]Exposure{
		"xyz": {
			Delta:           xyzN * 0.779131290942669,                                // −233.74 shares
			DollarDelta:     xyzN * 0.779131290942669 * 42,                           // −$9,817
			BetaDollarDelta: xyzN * 0.779131290942669 * 42 * 1.5,                     // −$14,726
			BetaDelta:       xyzN * 0.779131290942669 * 42 * 1.5 / 600,               // −24.5 SPY
			Gamma:           0.01 * 42 * 42 * 0.04996267040591185 * xyzN,             // −$264.40 per 1%
			BetaGamma:       0.01 * 42 * 42 * 0.04996267040591185 * xyzN * 1.5 * 1.5, // × β²
			Theta:           xyzN * -4.559092194592626 / 365,                         // +$3.747 a day
			Vega:            xyzN * 8.813415059602853 / 100,                          // −$26.44 per vol point
			Notional:        300 * 42,
			Value:           xyzN * 4.759422392871535, // mark from the model: no price quoted
			Bear:            xyzN * 0.779131290942669 * 42 * 1.5,
		},
		"es": {
			Delta:           esN * 0.4338762157928406 / 50, // 0.8678 ES futures
			DollarDelta:     esN * 0.4338762157928406 * 6000,
			BetaDollarDelta: esN * 0.4338762157928406 * 6000,
			BetaDelta:       esN * 0.4338762157928406 * 6000 / 600,
			Gamma:           0.01 * 6000 * 6000 * 0.000713647924983866 * esN, // $25,691 per 1%
			BetaGamma:       0.01 * 6000 * 6000 * 0.000713647924983866 * esN,
			Theta:           esN * -399.5411506711103 / 365,
			Vega:            esN * 1156.1096384738628 / 100,
			Notional:        esN * 6000,
			Value:           esN * 166.5831917948026,
			Bull:            esN * 0.4338762157928406 * 6000,
		},
		"mes": {
			Delta:           mesN * -0.4034728606960618 / 5, // +1.6139 MES futures
			DollarDelta:     mesN * -0.4034728606960618 * 6000,
			BetaDollarDelta: mesN * -0.4034728606960618 * 6000,
			BetaDelta:       mesN * -0.4034728606960618 * 6000 / 600,
			Gamma:           0.01 * 6000 * 6000 * 0.0006332497214957221 * mesN,
			BetaGamma:       0.01 * 6000 * 6000 * 0.0006332497214957221 * mesN,
			Theta:           mesN * -437.349197109396 / 365,
			Vega:            mesN * 1139.8494986923 / 100,
			Notional:        20 * 6000,
			Value:           mesN * 185.90602367523888,
			Bull:            mesN * -0.4034728606960618 * 6000,
		},
		// −2 ES futures: −2 × 50 × 6000 = −$600,000, −1,000 SPY shares.
		"esf": {Delta: -2, DollarDelta: -600000, BetaDollarDelta: -600000, BetaDelta: -1000, Notional: 600000, Bear: -600000},
	}
	var sum Exposure
	for _, p := range book.Positions {
		checkExposure(t, p.ID, p.Exposure, want[p.ID], tol)
		sum.add(want[p.ID])
	}
	checkExposure(t, "book", book.Total, sum, tol)
	// The ESZ6 group holds the ES call and the ES futures: 0.8678 − 2 futures.
	for _, u := range book.Underlyings {
		if u.Name == "ESZ6" {
			w := want["es"]
			w.add(want["esf"])
			checkExposure(t, "ESZ6", u.Exposure, w, tol)
		}
	}
	// Two expiry dates: the ES and MES options on 2026-12-18, XYZ's on its own date.
	if len(book.Expiries) != 2 || book.Expiries[0].Name != "2026-12-18" || !book.Expiries[0].Expiry.Equal(esExp) ||
		!near(book.Expiries[0].DTE, 91.25, 1e-9) || len(book.Expiries[0].Positions) != 2 {
		t.Fatalf("expiries = %+v", book.Expiries)
	}
	w := want["es"]
	w.add(want["mes"])
	checkExposure(t, "expiry", book.Expiries[0].Exposure, w, tol)
	// ES options layer (short-biased): BWDD = 260,325.7 + 48,416.7 − 600,000 < 0: on its
	// side; 2 + 4 + 2 contracts, the largest leg 4.
	if l := book.Layers[0]; !l.Bias.OK || l.Contracts != 8 || l.LargestLeg != 4 {
		t.Errorf("ES options layer = %+v", l)
	}
}

func TestRevalueImpliesVol(t *testing.T) {
	// Hull's call quoted at 4.759422392871535 without a vol: the implied vol is 0.20.
	ps, m, _ := optionsBook(t)
	m.Quotes = map[string]Quote{"xyz": {Price: 4.759422392871535}, "es": {Vol: 0.18}, "mes": {Vol: 0.2}}
	book, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if p := book.Positions[0]; !near(p.Vol, 0.20, 1e-7) || !near(p.Delta, -300*0.779131290942669, 1e-6) || p.Mark != 4.759422392871535 {
		t.Errorf("implied: vol %v delta %v mark %v", p.Vol, p.Delta, p.Mark)
	}
}

func TestRevalueExpiredAndDeepITM(t *testing.T) {
	ps, m, _ := optionsBook(t)
	// XYZ's option expired a day ago, in the money (42 > 40): intrinsic 2, delta +1 a share.
	ps[0].Instrument.Expiry = m.Now.Add(-24 * time.Hour)
	book, err := Revalue(ps[:1], m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := book.Positions[0]
	checkExposure(t, "expired", p.Exposure, Exposure{Delta: -300, DollarDelta: -12600, BetaDollarDelta: -18900,
		BetaDelta: -31.5, Notional: 12600, Value: -600, Bear: -18900}, 1e-12)
	if len(book.Expiries) != 1 || book.Expiries[0].DTE > -0.99 {
		t.Errorf("expired option's expiry group: %+v", book.Expiries)
	}
	// A deep ITM American put quoted at exactly intrinsic: no vol explains it (at the lower
	// bound), so it is valued at the vol floor: delta −1 a share.
	put := instrument.Instrument{Kind: instrument.Option, Root: "XYZ", Underlying: "XYZ", Multiplier: 100,
		Right: pricing.Put, Strike: 60, Style: pricing.American, Expiry: m.Now.Add(30 * 24 * time.Hour),
		Beta: 1, Benchmark: "SPY"}
	m.Quotes = map[string]Quote{"p": {Price: 18}}
	book, err = Revalue([]Position{{ID: "p", Instrument: put, Quantity: 1}}, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if p := book.Positions[0]; p.Vol != volFloor || !near(p.Delta, -100, 1e-9) || p.Value != 1800 {
		t.Errorf("deep ITM put: vol %v delta %v value %v", p.Vol, p.Delta, p.Value)
	}
}

func TestRevalueErrors(t *testing.T) {
	ps, m := linearBook(t)
	delete(m.Underlyings, "VXX")
	ps = append(ps, Position{ID: "nan", Instrument: mustParse(t, "SPY"), Quantity: math.NaN()})
	book, err := Revalue(ps, m, Config{})
	if err == nil || !strings.Contains(err.Error(), "no price for the underlying VXX") || !strings.Contains(err.Error(), "quantity NaN") {
		t.Fatalf("err = %v", err)
	}
	if book.Errors != 2 || book.Positions[3].Err == nil || book.Positions[3].Exposure != (Exposure{}) {
		t.Fatalf("book errors %d, vxx %+v", book.Errors, book.Positions[3])
	}
	// The rest still adds up: 556,700 without VXX's 12,500 = 544,200.
	if !near(book.Total.BetaDollarDelta, 544200, 1e-12) {
		t.Errorf("total without VXX = %v", book.Total.BetaDollarDelta)
	}
	// No vol and no price for an option.
	ops, om, _ := optionsBook(t)
	om.Quotes["xyz"] = Quote{}
	if _, err := Revalue(ops, om, Config{}); err == nil || !strings.Contains(err.Error(), "no volatility and no option price") {
		t.Errorf("err = %v", err)
	}
	// A call price above the underlying: no vol explains it.
	om.Quotes["xyz"] = Quote{Price: 50}
	if _, err := Revalue(ops, om, Config{}); err == nil || !errors.As(err, new(*pricing.PriceBoundsError)) {
		t.Errorf("err = %v", err)
	}
	// Benchmark problems are fatal.
	for _, c := range []struct{ bench, want string }{
		{"ESH7", "no price"},
		{"SPY   261218C00600000", "is an option"},
		{"CLZ6", "no beta"},
		{"ZZZZZZZZ", "benchmark"},
	} {
		if _, err := Revalue(ps, m, Config{Benchmark: c.bench}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("benchmark %q: err = %v, want %q", c.bench, err, c.want)
		}
	}
	// A beta measured against something other than the benchmark's measure.
	odd := Position{ID: "odd", Instrument: instrument.Instrument{Kind: instrument.Stock, Root: "ABC", Multiplier: 1, Beta: 1, Benchmark: "EFA"}, Quantity: 1}
	m.Underlyings["ABC"] = 10
	if _, err := Revalue([]Position{odd}, m, Config{}); err == nil || !strings.Contains(err.Error(), "measured against EFA") {
		t.Errorf("err = %v", err)
	}
}

func TestLayersUnknownAndParallel(t *testing.T) {
	ps, m := linearBook(t)
	ps[0].Layer = "Zeta"
	ps[1].Layer = "Alpha"
	book, err := Revalue(ps, m, Config{Layers: []Layer{{Name: "VXX", Bias: Short}}, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range book.Layers {
		names = append(names, l.Name)
	}
	if got := strings.Join(names, ","); got != "VXX,Alpha,Futures,Hedges,Zeta,Unassigned" {
		t.Errorf("layers = %s", got)
	}
	if u := book.Layers[5]; len(u.Positions) != 1 || u.Layer.Bias != Neutral || !near(u.Exposure.BetaDollarDelta, -90000, 1e-12) {
		t.Errorf("unassigned = %+v", u)
	}
	// Neutral layer check: Unassigned holds only the short MES, balance −1: not neutral, off
	// by |net| − 0.1 × gross = 90,000 − 9,000 = 81,000.
	if u := book.Layers[5]; u.Bias.OK || u.Bias.Side != Short || !near(u.Bias.Off, 81000, 1e-12) {
		t.Errorf("unassigned bias = %+v", u.Bias)
	}
}

func TestBiasCheckNeutral(t *testing.T) {
	bench := Benchmark{Symbol: "SPY", Price: 500, UnitValue: 500}
	// Bull 10,000, bear −9,000: net 1,000, gross 19,000, balance 0.0526 ≤ 0.10: neutral, OK.
	c := checkBias("L", Neutral, Exposure{Bull: 10000, Bear: -9000}, 0.1, bench)
	if !c.OK || c.Side != Neutral || !near(c.Balance, 1000.0/19000, 1e-12) {
		t.Errorf("%+v", c)
	}
	// Bull 10,000, bear −5,000: net 5,000, gross 15,000, balance 0.333: off by
	// 5,000 − 0.1 × 15,000 = 3,500.
	c = checkBias("L", Neutral, Exposure{Bull: 10000, Bear: -5000}, 0.1, bench)
	if c.OK || c.Side != Long || !near(c.Off, 3500, 1e-12) || !strings.Contains(c.Words(), "net long $5,000 (10 SPY)") {
		t.Errorf("%+v", c)
	}
	// An empty long-biased layer is not on its side; an empty neutral one is.
	if c := checkBias("L", Long, Exposure{}, 0.1, bench); c.OK || !strings.Contains(c.Words(), "flat") {
		t.Errorf("%+v", c)
	}
	if c := checkBias("L", Neutral, Exposure{}, 0.1, bench); !c.OK {
		t.Errorf("%+v", c)
	}
}

func TestParseBiasAndValidate(t *testing.T) {
	for s, want := range map[string]Bias{"long": Long, " Short ": Short, "NEUTRAL": Neutral} {
		if b, err := ParseBias(s); err != nil || b != want {
			t.Errorf("ParseBias(%q) = %v, %v", s, b, err)
		}
	}
	if _, err := ParseBias("bullish"); err == nil {
		t.Error("ParseBias(bullish) accepted")
	}
	if err := (Layer{Name: "x", Limits: LayerLimits{MaxDelta: -1}}).Validate(); err == nil || !strings.Contains(err.Error(), "max delta") {
		t.Errorf("err = %v", err)
	}
	if err := (Layer{Name: " "}).Validate(); err == nil {
		t.Error("empty name accepted")
	}
	if err := (Layer{Name: "ok", Bias: Short, Limits: LayerLimits{MaxContractsPerLeg: 10}}).Validate(); err != nil {
		t.Error(err)
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct {
		v    float64
		f    func(float64) string
		want string
	}{
		{1234567.4, fmtMoney, "$1,234,567"}, {-999.6, fmtMoney, "−$1,000"}, {12, fmtMoney, "$12"},
		{927.8333, fmtQty, "927.8"}, {-1500, fmtQty, "−1,500"}, {0.04, fmtQty, "0"},
	} {
		if got := c.f(c.v); got != c.want {
			t.Errorf("format %v = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestRevalueEmpty(t *testing.T) {
	book, err := Revalue(nil, Market{Now: now, Underlyings: map[string]float64{"SPY": 600}}, Config{})
	if err != nil || len(book.Positions) != 0 || len(book.Layers) != 0 || book.Total != (Exposure{}) || book.Total.Balance() != 0 {
		t.Fatalf("empty book: %+v, %v", book, err)
	}
	rp, err := Profile(book, nil, ProfileSpec{Moves: Moves(0.1, 5)})
	if err != nil || len(rp.Curves) != 2 || rp.Curves[1][4].PnL != 0 {
		t.Fatalf("empty profile: %+v, %v", rp, err)
	}
}

// FuzzRevalueFinite: whatever the quotes, every figure is finite or the position carries
// an error (never NaN or ±Inf).
func FuzzRevalueFinite(f *testing.F) {
	f.Add(600.0, 12.5, 0.2, 5.0, 0.04)
	f.Add(0.0, 0.0, 0.0, -1.0, 0.0)
	f.Add(math.NaN(), math.Inf(1), -0.5, 1e300, 1.0)
	f.Add(1e-300, 1e300, 1e-9, 0.0, -0.5)
	f.Fuzz(func(t *testing.T, under, price, vol, qty, rate float64) {
		ps, m, _ := optionsBook(t)
		if math.IsNaN(rate) || math.IsInf(rate, 0) {
			rate = 0.04
		}
		m.Rate = rate
		for i := range ps {
			ps[i].Quantity = qty
			m.Quotes[ps[i].ID] = Quote{Underlying: under, Price: price, Vol: vol}
		}
		book, _ := Revalue(ps, m, Config{})
		finite := func(what string, e Exposure) {
			for _, v := range []float64{e.Delta, e.DollarDelta, e.BetaDollarDelta, e.BetaDelta, e.Gamma, e.BetaGamma,
				e.Theta, e.Vega, e.Notional, e.Value, e.Bull, e.Bear} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s: not finite: %+v", what, e)
				}
			}
		}
		for _, p := range book.Positions {
			if p.Err == nil {
				finite(p.ID, p.Exposure)
			}
		}
	})
}

func TestLayerBiasCountsInverseETFsInTheirReference(t *testing.T) {
	// 1,000 SH at $40: DollarDelta +$40,000 of SH, which at leverage −1 is −$40,000 of SPY:
	// a short-biased hedge layer on its side, judged in SPY.
	book := &Book{Positions: []PositionRisk{{Underlying: "SH", Reference: "SPY", Leverage: -1,
		Exposure: Exposure{Delta: 1000, DollarDelta: 40000}}}}
	lr := &LayerRisk{Layer: Layer{Name: "Hedge", Bias: Short}, Group: Group{Name: "Hedge", Positions: []int{0}}}
	c := checkLayerBias(book, lr, 0.1)
	if !c.OK || c.Underlying != "SPY" || c.Net != -40000 || c.NetUnits != -1000 {
		t.Fatalf("%+v: %s", c, c.Words())
	}
}

// TestWriteDate checks the expiry groups' names against time.Format(time.DateOnly), which
// they replace: dates in several time zones, around year and month ends, and years outside
// four digits (written by Format itself).
func TestWriteDate(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	for _, tm := range []time.Time{
		time.Date(2026, 12, 18, 15, 0, 0, 0, chicago),
		time.Date(2026, 12, 31, 23, 59, 59, 999, time.UTC),
		time.Date(2027, 1, 1, 0, 0, 0, 0, chicago),
		time.Date(999, 2, 28, 12, 0, 0, 0, time.UTC),
		time.Date(9999, 9, 9, 9, 9, 9, 0, time.UTC),
		time.Date(10000, 1, 2, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 3, 4, 0, 0, 0, 0, time.UTC),
	} {
		y, m, d := tm.Date()
		x := expirySlot{first: tm, date: dateKey{y, m, d}}
		b := writeDate([]byte("before "), &x)
		if want := "before " + tm.Format(time.DateOnly); string(b) != want || int(x.nameLen) != len(want)-len("before ") {
			t.Errorf("%v: wrote %q (length %d), Format gives %q", tm, b, x.nameLen, want)
		}
	}
}

// TestRevalueSameSymbolsInOtherMemory: Revalue first finds an underlying or a layer by where
// its name's bytes are; names with the same letters in other memory must still meet in one
// group, and names at the same address but of another length must not.
func TestRevalueSameSymbolsInOtherMemory(t *testing.T) {
	m := Market{Now: now, Rate: 0.04, Underlyings: map[string]float64{"SPY": 600, "SP": 50}}
	hedges := "Hedges and more"
	var ps []Position
	for i := 0; i < 6; i++ {
		root, layer := strings.Clone("SPY"), strings.Clone("Hedges")
		if i%2 == 1 {
			root, layer = "SPY", hedges[:6]
		}
		ps = append(ps, Position{ID: "s" + strconv.Itoa(i), Instrument: instrument.NewStock(root), Quantity: 1, Layer: layer})
	}
	// "SP" and "Hedges and" start where "SPY" and "Hedges" do.
	ps = append(ps, Position{ID: "sp", Instrument: instrument.NewStock("SPY"[:2]), Quantity: 1, Layer: hedges[:10]})
	book, err := Revalue(ps, m, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(book.Underlyings) != 2 || book.Underlyings[0].Name != "SP" || len(book.Underlyings[1].Positions) != 6 {
		t.Errorf("underlyings: %+v", book.Underlyings)
	}
	if len(book.Layers) != 2 || book.Layers[0].Name != "Hedges" || len(book.Layers[0].Positions) != 6 ||
		book.Layers[1].Name != "Hedges and" || len(book.Layers[1].Positions) != 1 {
		t.Errorf("layers: %+v", book.Layers)
	}
}

// TestRevalueGroupsAsSummedOneByOne rebuilds every group of a realistic book (American
// options, errors included) the plain way: its positions' indexes in order, and their
// Exposures summed in that order. Revalue's groups must be exactly those, to the bit.
func TestRevalueGroupsAsSummedOneByOne(t *testing.T) {
	ps, m := benchBook(t, 1000)
	quotes := maps.Clone(m.Quotes)
	for i, p := range ps {
		if i%89 == 5 { // no price for the position nor its underlying: left out of the sums
			ps[i].Instrument.Root, ps[i].Instrument.Underlying = "NOPE", ""
			quotes[p.ID] = Quote{}
		}
	}
	m.Quotes = quotes
	book, err := Revalue(ps, m, Config{Workers: 2})
	if err == nil || book.Errors == 0 {
		t.Fatalf("want some positions in error, got %d (%v)", book.Errors, err)
	}
	type group struct {
		positions []int
		e         Exposure
	}
	layers, unders, dates := map[string]*group{}, map[string]*group{}, map[string]*group{}
	add := func(to map[string]*group, name string, i int, p *PositionRisk) {
		g := to[name]
		if g == nil {
			g = &group{}
			to[name] = g
		}
		g.positions = append(g.positions, i)
		if p.Err == nil {
			g.e.add(p.Exposure)
		}
	}
	var total Exposure
	for i := range book.Positions {
		p := &book.Positions[i]
		layer := p.Layer
		if layer == "" {
			layer = Unassigned
		}
		add(layers, layer, i, p)
		if p.Err != nil {
			continue
		}
		total.add(p.Exposure)
		add(unders, p.Underlying, i, p)
		if p.Instrument.IsOption() {
			add(dates, p.Instrument.Expiry.Format(time.DateOnly), i, p)
		}
	}
	if book.Total != total {
		t.Errorf("total %+v, summed one by one %+v", book.Total, total)
	}
	check := func(kind, name string, positions []int, e Exposure, want map[string]*group) {
		w := want[name]
		if w == nil {
			t.Errorf("%s %s: not in the book", kind, name)
			return
		}
		if !slices.Equal(positions, w.positions) || e != w.e {
			t.Errorf("%s %s: positions %v, exposure %+v; one by one %v, %+v", kind, name, positions, e, w.positions, w.e)
		}
		delete(want, name)
	}
	for _, g := range book.Layers {
		check("layer", g.Name, g.Positions, g.Exposure, layers)
	}
	for _, g := range book.Underlyings {
		check("underlying", g.Name, g.Positions, g.Exposure, unders)
	}
	for _, g := range book.Expiries {
		check("expiry", g.Name, g.Positions, g.Exposure, dates)
	}
	if len(layers)+len(unders)+len(dates) != 0 {
		t.Errorf("groups missing from the book: layers %v, underlyings %v, expiries %v", layers, unders, dates)
	}
}

// A negative quoted volatility is a number, just not a valid one: the message says so.
func TestRevalueNegativeVolSaysNegative(t *testing.T) {
	_, m := linearBook(t)
	m.Quotes = map[string]Quote{"n": {Price: 500, Vol: -0.2}}
	book, err := Revalue([]Position{{ID: "n", Instrument: mustParse(t, "SPY"), Quantity: 1}}, m, Config{})
	if err == nil || !strings.Contains(err.Error(), "volatility -0.2 must not be negative") || book.Positions[0].Err == nil {
		t.Errorf("err = %v", err)
	}
}
