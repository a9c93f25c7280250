package pricing

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

const ivEps = 0x1p-52

// TestIVNormalisedBlack checks b(x, s) and ln b(x, s) against values computed with mpmath
// at 50 significant digits from b = e^{x/2}·N(x/s + s/2) − e^{−x/2}·N(x/s − s/2).
func TestIVNormalisedBlack(t *testing.T) {
	cases := []struct{ x, s, b, lnb float64 }{
		{0, 1e-06, 3.9894228040141603729e-7, -14.734449091168988558},
		{0, 0.1, 0.039877611676744925404, -3.2219402234264527451},
		{-0.1, 0.05, 0.00042443083085118715747, -7.7647615081250670945},
		{-1, 0.2, 1.0642389123487997368e-8, -18.358420836557420285},
		{-5, 1, 4.7557763710846427284e-8, -16.861320786606815797},
		{-10, 0.5, 6.6403280345503210583e-91, -207.64208209739636953},
		{-0.01, 0.001, 7.4745593377628339521e-28, -62.460877437764090211},
		{-2, 3, 0.25231900479754946494, -1.3770610999827432264},
		{-30, 1, 1.4405938487063514186e-199, -457.84937808230363541},
		{-1, 10, 0.60653008907632479992, -0.5000009408206624333},
		{-0.5, 0.6, 0.06618209834744928798, -2.7153452703208833148},
		{-40, 0.5, 0, -3210.4078477220197751}, // b = 5.46e-1395 underflows; ln b does not
		{-1e-08, 0.0001, 0.000039889228222991814979, -10.129404239865317077},
	}
	for _, c := range cases {
		b, lnb := ivBlack(c.x, c.s)
		// The inputs are exact doubles; allow the rounding of the exponent h² (relative
		// h²·eps), which perturbs b the way a change of s in its last bit would.
		h := c.x / c.s
		tol := 8 * ivEps * (1 + h*h)
		if c.b != 0 && math.Abs(b/c.b-1) > tol {
			t.Errorf("b(%g, %g) = %.17g, want %.17g (rel err %.2g)", c.x, c.s, b, c.b, b/c.b-1)
		}
		if math.Abs(lnb-c.lnb) > tol*math.Max(1, math.Abs(c.lnb)) {
			t.Errorf("ln b(%g, %g) = %.17g, want %.17g", c.x, c.s, lnb, c.lnb)
		}
	}
}

// TestImpliedVolReference inverts prices computed independently with mpmath (50 digits,
// GBSM/Black-76 closed form). Haug's "The Complete Guide to Option Pricing Formulas"
// (2nd ed.) has the GBSM example S=60, K=65, T=0.25, r=b=0.08, σ=0.30 → call 2.1334 and the
// Black-76 example F=K=19, T=0.75, r=0.10, σ=0.28 → put 1.7011.
func TestImpliedVolReference(t *testing.T) {
	cases := []struct {
		right      Right
		underlying Underlying
		s, k, t    float64
		r, b, vol  float64
		price      float64
	}{
		{Call, Spot, 100, 110, 0.5, 0.05, 0.03, 0.25, 3.8597599507749912824},
		{Put, Spot, 100, 110, 0.5, 0.05, 0.03, 0.25, 12.138866898974779517},
		{Call, Spot, 60, 65, 0.25, 0.08, 0.08, 0.3, 2.1333684449161998886},
		{Put, Futures, 19, 19, 0.75, 0.1, 0.05, 0.28, 1.7010507252362672931}, // Carry ignored
		{Put, Spot, 100, 40, 10, 0.03, 0.01, 0.15, 0.13128763887143912143},
		{Call, Spot, 100, 100, 2, 0.05, 0.05, 3.0, 96.776505249851234259},
	}
	for _, c := range cases {
		o := Option{Style: European, Underlying: c.underlying, Right: c.right, Spot: c.s, Strike: c.k,
			Years: c.t, Rate: c.r, Carry: c.b}
		v, err := ImpliedVol(o, c.price)
		if err != nil {
			t.Errorf("%+v: %v", o, err)
			continue
		}
		// The reference price is rounded to a double (eps/2 relative): the volatility
		// inherits that error times price/(σ·vega), below 1e-13 for all of these except the
		// 300% call, whose price is near its upper bound.
		tol := 1e-12
		if c.vol >= 3 {
			tol = 1e-10
		}
		if math.Abs(v/c.vol-1) > tol {
			t.Errorf("%+v price %.17g: vol %.17g, want %g (rel err %.2g)", o, c.price, v, c.vol, v/c.vol-1)
		}
	}
}

// ivCase is one option of the round-trip grid with its price from our own normalised
// Black function and the condition number price/(σ·vega): the factor by which a relative
// error of the price turns into a relative error of the volatility.
type ivCase struct {
	o      Option
	price  float64
	kappa  float64
	region string
}

// ivGrid builds options over x/s from −5 to 5, expiries from one hour to ten years and
// volatilities from 0.5% to 500%, calls and puts, on spot (with rate and carry) and futures.
func ivGrid() []ivCase {
	var out []ivCase
	years := []float64{1.0 / 8760, 1.0 / 365, 7.0 / 365, 1.0 / 12, 0.25, 1, 3, 10}
	vols := []float64{0.005, 0.01, 0.05, 0.2, 0.5, 1, 2, 3, 5}
	for _, T := range years {
		for _, vol := range vols {
			s := vol * math.Sqrt(T)
			for k := -40; k <= 40; k++ {
				h := float64(k) / 8
				for _, right := range []Right{Call, Put} {
					for _, u := range []Underlying{Spot, Futures} {
						o := Option{Style: European, Underlying: u, Right: right, Spot: 100, Years: T, Rate: 0.03, Carry: 0.01, Vol: vol}
						x := h * s // ln(F/K)
						o.Strike = 100 * math.Exp(o.carry()*T-x)
						c, ok := ivGridPrice(o, s)
						if !ok {
							continue
						}
						c.region = ivRegion(h, T, vol, right, x)
						out = append(out, c)
					}
				}
			}
		}
	}
	return out
}

// ivGridPrice prices o at s = σ√T with ivBlack: the out-of-the-money price plus, for an
// in-the-money option, the intrinsic value of the forward.
func ivGridPrice(o Option, s float64) (ivCase, bool) {
	// The discount factors as europeanPrice and ImpliedVol form them (the same
	// exponential), so that the intrinsic value added here is the one taken off there.
	disc, growth := fastExp(-o.Rate*o.Years), 1.0
	if o.carry() != 0 {
		growth = fastExp(o.carry() * o.Years)
	}
	df := o.Spot * (disc * growth)
	dk := o.Strike * disc
	x := math.Log(o.Spot/o.Strike) + o.carry()*o.Years
	theta := 1.0
	if o.Right == Put {
		theta = -1
	}
	b, _ := ivBlack(-math.Abs(x), s)
	scale := math.Sqrt(df) * math.Sqrt(dk)
	price := scale * b
	if theta*x > 0 {
		price += theta * (df - dk)
	}
	if !(price > 0) || !(b > 0) {
		return ivCase{}, false
	}
	vega := scale * math.Exp(-0.5*(x*x/(s*s)+s*s/4)) / ivSqrt2Pi // ∂price/∂s
	return ivCase{o: o, price: price, kappa: price / (s * vega)}, true
}

func ivRegion(h, T, vol float64, right Right, x float64) string {
	money := "near the money |x/s|<=1"
	switch {
	case math.Abs(h) > 1 && ((right == Call) == (x > 0)):
		money = "in the money"
	case math.Abs(h) > 1:
		money = "out of the money"
	}
	expiry := "1 day..3 years"
	switch {
	case T < 1.0/365:
		expiry = "1 hour"
	case T > 3:
		expiry = "10 years"
	}
	level := "5%..100% vol"
	switch {
	case vol < 0.05:
		level = "0.5%..1% vol"
	case vol > 1:
		level = "200%..500% vol"
	}
	return money + ", " + expiry + ", " + level
}

// TestImpliedVolRoundTrip prices a dense grid with ivBlack and inverts it. Wherever the
// price is sensitive to volatility (price/(σ·vega) ≤ 100, so the rounding of the price
// itself moves the volatility by less than 2.2e-14) the relative error must be ≤ 1e-12;
// up to ivMaxKappa it must stay within the error the price's own rounding implies; beyond
// twice that the solver must report ErrVolUndetermined instead of a volatility (before,
// it returned whatever volatility its iteration ended on).
func TestImpliedVolRoundTrip(t *testing.T) {
	worst := map[string]float64{}
	var n, sensitive, undetermined int
	for _, c := range ivGrid() {
		n++
		v, err := ImpliedVol(c.o, c.price)
		if c.kappa > 2*ivMaxKappa {
			// The price hardly moves with volatility: the solver must say so rather than
			// return one of the many volatilities that give it (or, for a price that has
			// rounded onto its upper bound, say that it is not below it).
			var pb *PriceBoundsError
			if err == nil || !errors.Is(err, ErrVolUndetermined) && !errors.As(err, &pb) {
				t.Errorf("%+v price %g (kappa %.3g): vol %g, error %v; want ErrVolUndetermined", c.o, c.price, c.kappa, v, err)
			}
			undetermined++
			continue
		}
		if err != nil {
			// Only prices whose vega is too small may fail, and only as undetermined.
			if !errors.Is(err, ErrVolUndetermined) || c.kappa < ivMaxKappa/2 {
				t.Errorf("%+v price %g (kappa %.3g): %v", c.o, c.price, c.kappa, err)
			}
			continue
		}
		vol := c.o.Vol // the grid's volatility; ImpliedVol ignores it
		rel := math.Abs(v/vol - 1)
		if c.kappa <= 100 {
			sensitive++
			if rel > worst[c.region] {
				worst[c.region] = rel
			}
			if rel > 1e-12 {
				t.Errorf("%v %v strike %.17g years %g: vol %.17g, want %g (rel err %.2g, kappa %.3g)",
					c.o.Underlying, c.o.Right, c.o.Strike, c.o.Years, v, vol, rel, c.kappa)
			}
		} else if rel > 1e-12+64*ivEps*c.kappa {
			t.Errorf("%v %v strike %.17g years %g: vol %.17g, want %g (rel err %.2g, beyond kappa %.3g × eps)",
				c.o.Underlying, c.o.Right, c.o.Strike, c.o.Years, v, vol, rel, c.kappa)
		}
	}
	t.Logf("%d cases, %d with price/(σ·vega) ≤ 100, %d undetermined (above %g); worst relative vol error where ≤ 100, by region:",
		n, sensitive, undetermined, 2*ivMaxKappa)
	regions := make([]string, 0, len(worst))
	for r := range worst {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, r := range regions {
		t.Logf("  %-55s %.2g", r, worst[r])
	}
}

// TestImpliedVolBounds: prices at or outside the no-arbitrage bounds give *PriceBoundsError.
// S=100, K=90, r=b=0 and T=1 make the bounds plain: a call lies in (10, 100), a put with
// K=110 in (10, 110), an out-of-the-money call in (0, 100).
func TestImpliedVolBounds(t *testing.T) {
	base := Option{Style: European, Underlying: Spot, Spot: 100, Years: 1}
	cases := []struct {
		name         string
		right        Right
		style        Style
		strike       float64
		price        float64
		lower, upper float64
		words        string
	}{
		{"call below intrinsic", Call, European, 90, 9.5, 10, 100, "below its lower bound"},
		{"call at intrinsic", Call, European, 90, 10, 10, 100, "undetermined"},
		{"call at upper bound", Call, European, 90, 100, 10, 100, "not below its upper bound"},
		{"call above upper bound", Call, European, 90, 150, 10, 100, "not below its upper bound"},
		{"zero price", Call, European, 110, 0, 0, 100, "undetermined"},
		{"negative price", Put, European, 90, -1, 0, 90, "below its lower bound"},
		{"put below intrinsic", Put, European, 110, 9, 10, 110, "below its lower bound"},
		{"put at upper bound", Put, European, 110, 110, 10, 110, "not below its upper bound"},
		{"American put below intrinsic", Put, American, 110, 9.99, 10, 110, "below its lower bound"},
		{"American call above spot", Call, American, 90, 100, 10, 100, "not below its upper bound"},
	}
	for _, c := range cases {
		o := base
		o.Right, o.Style, o.Strike = c.right, c.style, c.strike
		v, err := ImpliedVol(o, c.price)
		var pb *PriceBoundsError
		if !errors.As(err, &pb) {
			t.Errorf("%s: got %v, %v; want *PriceBoundsError", c.name, v, err)
			continue
		}
		if pb.Price != c.price || math.Abs(pb.Lower-c.lower) > 1e-12 || math.Abs(pb.Upper-c.upper) > 1e-12 {
			t.Errorf("%s: bounds %+v, want price %g in (%g, %g)", c.name, *pb, c.price, c.lower, c.upper)
		}
		if !strings.Contains(err.Error(), c.words) {
			t.Errorf("%s: message %q does not say %q", c.name, err, c.words)
		}
	}
}

func TestImpliedVolInputErrors(t *testing.T) {
	good := Option{Style: European, Underlying: Spot, Right: Call, Spot: 100, Strike: 100, Years: 1, Rate: 0.05, Carry: 0.05}
	inf, nan := math.Inf(1), math.NaN()
	cases := []struct {
		field string
		edit  func(*Option)
		price float64
	}{
		{"Spot", func(o *Option) { o.Spot = 0 }, 10},
		{"Spot", func(o *Option) { o.Spot = nan }, 10},
		{"Strike", func(o *Option) { o.Strike = -1 }, 10},
		{"Strike", func(o *Option) { o.Strike = inf }, 10},
		{"Years", func(o *Option) { o.Years = 0 }, 10},
		{"Rate", func(o *Option) { o.Rate = nan }, 10},
		{"Carry", func(o *Option) { o.Carry = -inf }, 10},
		{"Price", func(o *Option) {}, nan},
		{"Price", func(o *Option) {}, inf},
		{"Style", func(o *Option) { o.Style = 7 }, 10},
		{"Right", func(o *Option) { o.Right = 3 }, 10},
		{"Underlying", func(o *Option) { o.Underlying = 9 }, 10},
	}
	for _, c := range cases {
		o := good
		c.edit(&o)
		_, err := ImpliedVol(o, c.price)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("%+v price %g: got %v, want *InputError for %s", o, c.price, err, c.field)
		}
	}
}

// TestImpliedVolAmerican round-trips Price (Andersen–Lake–Offengeim) for American calls
// and puts. The error must be ≤ 1e-10 relative wherever the price moves with volatility:
// price/(σ·vega) ≤ 1000, with vega from a central difference over ±1e-4 relative in σ.
func TestImpliedVolAmerican(t *testing.T) {
	var worst float64
	n, flat := 0, 0
	for _, T := range []float64{1.0 / 365, 0.1, 0.5, 1, 3} {
		for _, vol := range []float64{0.05, 0.2, 0.5, 1, 2} {
			for _, k := range []float64{60, 80, 95, 100, 105, 120, 150} {
				for _, right := range []Right{Call, Put} {
					for _, rb := range [][2]float64{{0.05, 0.05}, {0.05, -0.02}, {0.08, 0.0}, {0.02, 0.06}} {
						o := Option{Style: American, Underlying: Spot, Right: right, Spot: 100, Strike: k,
							Years: T, Rate: rb[0], Carry: rb[1], Vol: vol}
						p, err := Price(o)
						if err != nil {
							t.Fatalf("%+v: %v", o, err)
						}
						up, dn := o, o
						up.Vol, dn.Vol = vol*(1+1e-4), vol*(1-1e-4)
						pu, _ := Price(up)
						pd, _ := Price(dn)
						if !(p > 0 && (pu-pd)/(2e-4) >= 1e-3*p) {
							continue // the price hardly depends on volatility here
						}
						n++
						v, err := ImpliedVol(o, p)
						if err != nil {
							t.Errorf("%+v price %.17g: %v", o, p, err)
							continue
						}
						rel := math.Abs(v/vol - 1)
						if rel > 1e-10 {
							// The model sums terms of the size of the strike, so a tiny
							// price is resolved only to about 1e-14 of the strike and is
							// flat or jagged on that scale; there no solver can pin σ to 1e-10,
							// and the solution must instead reproduce the price to the model's
							// resolution.
							got := o
							got.Vol = v
							pv, _ := Price(got)
							if math.Abs(pv-p) <= 1e-13*k {
								flat++
								continue
							}
						}
						worst = math.Max(worst, rel)
						if rel > 1e-10 {
							t.Errorf("%v strike %g years %g r %g b %g: vol %.17g, want %g (rel err %.2g)",
								right, k, T, rb[0], rb[1], v, vol, rel)
						}
					}
				}
			}
		}
	}
	t.Logf("%d American cases, worst relative vol error %.2g; %d more where the model price is resolved only to 1e-13 of the strike and is matched to that",
		n-flat, worst, flat)
}

// FuzzImpliedVol: whatever the inputs, a nil error comes with a positive finite volatility,
// and an error is one of the package's kinds (an undetermined one carries a positive
// finite Vol).
func FuzzImpliedVol(f *testing.F) {
	f.Add(uint8(0), 100.0, 100.0, 1.0, 0.05, 0.05, 10.0)
	f.Add(uint8(1), 100.0, 100.0, 1e-9, 0.05, 0.0, 1e-300)
	f.Add(uint8(2), 1e-8, 1.0, 1.0, 0.0, 0.0, 1e-300)
	f.Add(uint8(3), 1e8, 1.0, 10.0, 0.1, -0.1, 1e8)
	f.Add(uint8(4), 1.0, 1e8, 10.0, 0.0, 0.0, 1e-300)
	f.Add(uint8(5), 1.0, 1e-8, 1e-9, 0.0, 0.0, 0.99999999)
	f.Add(uint8(6), 100.0, 1e8, 1e-9, 5.0, 5.0, 1e-300)
	f.Add(uint8(7), 100.0, 90.0, 1.0, 0.0, 0.0, 10.000000000000002)
	f.Add(uint8(1), 100.0, 10.0, 0.25, 0.01, 0.02, 90.275281536604894) // Keel's own price at the bound
	f.Add(uint8(3), 100.0, 140.0, 0.5, 0.05, 0.05, 40.00000000000001)  // American put a hair above intrinsic
	f.Fuzz(func(t *testing.T, kind uint8, s, k, T, r, b, price float64) {
		o := Option{Style: Style(kind & 1), Right: Right(kind >> 1 & 1), Underlying: Underlying(kind >> 2 & 1),
			Spot: s, Strike: k, Years: T, Rate: r, Carry: b}
		if o.Style == American && (T > 100 || math.Abs(r) > 10 || math.Abs(b) > 10) {
			o.Years = math.Min(T, 100) // keep the slow American solver's runs short
		}
		v, err := ImpliedVol(o, price)
		if err == nil && (!(v > 0) || math.IsInf(v, 0)) {
			t.Fatalf("%+v price %g: vol %g with nil error", o, price, v)
		}
		var ie *InputError
		var pb *PriceBoundsError
		var ue *VolUndeterminedError
		switch {
		case err == nil, errors.As(err, &ie), errors.As(err, &pb), errors.Is(err, ErrNotFinite):
		case errors.As(err, &ue):
			if !(ue.Vol > 0) || math.IsInf(ue.Vol, 0) || !errors.Is(err, ErrVolUndetermined) {
				t.Fatalf("%+v price %g: %v with vol %g", o, price, err, ue.Vol)
			}
		default:
			t.Fatalf("%+v price %g: unexpected error type %T: %v", o, price, err, err)
		}
	})
}

// ivBenchCases are 1000 European options: strikes 50..150% of spot, expiries 1 day..2
// years, volatilities 5%..150%, calls and puts, spot and futures, priced by Price.
func ivBenchCases(b testing.TB, style Style) ([]Option, []float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	var opts []Option
	var prices []float64
	for len(opts) < 1000 {
		o := Option{Style: style, Underlying: Underlying(rng.IntN(2)), Right: Right(rng.IntN(2)), Spot: 100,
			Strike: 50 + 100*rng.Float64(), Years: math.Exp(math.Log(1.0/365) + rng.Float64()*math.Log(730)),
			Rate: 0.04, Carry: 0.01, Vol: 0.05 + 1.45*rng.Float64()}
		p, err := Price(o)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ImpliedVol(o, p); err != nil {
			continue // price indistinguishable from a bound
		}
		opts = append(opts, o)
		prices = append(prices, p)
	}
	return opts, prices
}

func BenchmarkImpliedVol(b *testing.B) {
	opts, prices := ivBenchCases(b, European)
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	for i := 0; i < b.N; i++ {
		j := i % len(opts)
		if _, err := ImpliedVol(opts[j], prices[j]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImpliedVolAmerican(b *testing.B) {
	opts, prices := ivBenchCases(b, American)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := i % len(opts)
		if _, err := ImpliedVol(opts[j], prices[j]); err != nil {
			b.Fatal(err)
		}
	}
}

// TestIVNormalisedRandom inverts b(x, s) at 300 000 random points, ln s uniform on
// [ln 1e-4, ln 20] and x/s uniform on [−8, 0], and asserts a relative error ≤ 1e-12 wherever
// b/(s·b') ≤ 100.
func TestIVNormalisedRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var worst, worstX, worstS float64
	for i := 0; i < 300000; i++ {
		s := math.Exp(math.Log(1e-4) + rng.Float64()*math.Log(20/1e-4))
		x := -8 * rng.Float64() * s
		b, _ := ivBlack(x, s)
		if !(b > 0) || !(b < math.Exp(0.5*x)) {
			continue
		}
		kappa := b / (s * math.Exp(-0.5*(x*x/(s*s)+s*s/4)) / ivSqrt2Pi)
		if kappa > 100 {
			continue
		}
		got := ivNormalisedVol(x, b, math.Exp(0.5*x))
		if rel := math.Abs(got/s - 1); rel > worst {
			worst, worstX, worstS = rel, x, s
		}
	}
	t.Logf("worst relative error %.2g at x=%g s=%g", worst, worstX, worstS)
	if worst > 1e-12 {
		t.Errorf("worst relative error %.2g at x=%g s=%g", worst, worstX, worstS)
	}
}

func TestPriceBoundsErrorMessage(t *testing.T) {
	cases := []struct {
		e    PriceBoundsError
		want string
	}{
		{PriceBoundsError{Price: 120, Lower: 10, Upper: 100, Right: Call}, "European call price 120 is not below its upper bound 100"},
		{PriceBoundsError{Price: 10, Lower: 10, Upper: 100, Right: Call}, "equals its lower bound (intrinsic value): the volatility is undetermined"},
		{PriceBoundsError{Price: 5, Lower: 10, Upper: 110, Right: Put, Style: American}, "American put price 5 is below its lower bound 10"},
		{PriceBoundsError{Price: 99.99999999999999, Lower: 10, Upper: 100, Right: Call}, "within rounding of its bounds"},
	}
	for _, c := range cases {
		if got := c.e.Error(); !strings.Contains(got, c.want) {
			t.Errorf("%+v: %q does not contain %q", c.e, got, c.want)
		}
	}
}

// TestImpliedVolOwnPriceAtBound: Keel's own price of an option worth only its intrinsic
// value must come back as undetermined, not as "below its lower bound" (before, the bounds
// used math.Exp and the price the package's fast exponential, an ulp apart: the first
// case was refused as 90.2752815366049 below 90.27528153660492). The American put is worth
// exactly its intrinsic value: deep in the exercise region.
func TestImpliedVolOwnPriceAtBound(t *testing.T) {
	cases := []Option{
		{Style: European, Right: Call, Spot: 100, Strike: 10, Years: 0.25, Rate: 0.01, Carry: 0.02, Vol: 0.05},
		{Style: European, Right: Call, Spot: 100, Strike: 11, Years: 0.25, Rate: 0.01, Carry: 0.02, Vol: 0.05},
		{Style: American, Right: Call, Spot: 100, Strike: 10, Years: 0.25, Rate: 0.01, Carry: 0.02, Vol: 0.05},
		{Style: European, Right: Put, Spot: 10, Strike: 100, Years: 2, Rate: 0.05, Carry: 0.01, Vol: 0.1},
		{Style: American, Right: Put, Spot: 70, Strike: 100, Years: 1, Rate: 0.05, Carry: 0.05, Vol: 0.2},
		{Style: American, Underlying: Futures, Right: Put, Spot: 60, Strike: 100, Years: 0.5, Rate: 0.05, Vol: 0.3},
	}
	for _, o := range cases {
		p, err := Price(o)
		if err != nil {
			t.Fatal(err)
		}
		v, err := ImpliedVol(o, p)
		if !errors.Is(err, ErrVolUndetermined) {
			t.Errorf("%+v price %.17g: vol %g, error %v; want ErrVolUndetermined", o, p, v, err)
			continue
		}
		if !strings.Contains(err.Error(), "undetermined") || strings.Contains(err.Error(), "no volatility gives it") {
			t.Errorf("%+v: message %q", o, err)
		}
	}
}

// TestImpliedVolUndeterminedVega: prices strictly inside the bounds whose vega is too small
// (price/(σ·vega) far above ivMaxKappa) return a *VolUndeterminedError matching
// ErrVolUndetermined, where the solver used to return an arbitrary volatility; a price just
// as deep but with enough vega still returns its volatility.
func TestImpliedVolUndeterminedVega(t *testing.T) {
	cases := []struct {
		o     Option
		price float64
		want  bool // undetermined
	}{
		// Deep in the money, one week, 1e-12 above intrinsic: price/(σ·vega) ≈ 4e11.
		{Option{Style: European, Right: Call, Spot: 100, Strike: 80, Years: 7.0 / 365}, 20 + 1e-12, true},
		// An in-the-money put whose time value is 1e-12 of its price.
		{Option{Style: European, Right: Put, Spot: 90, Strike: 100, Years: 0.1, Rate: 0.02, Carry: 0.02, Vol: 0.05}, 0, true},
		// The same put at 20% vol: vega ample.
		{Option{Style: European, Right: Put, Spot: 90, Strike: 100, Years: 0.1, Rate: 0.02, Carry: 0.02, Vol: 0.2}, 0, false},
		// A deep in-the-money American put 1e-14 above its intrinsic value 40: the model's
		// own noise. The solver used to return 0.3217 here, and 0.3285 at 1e-13 above.
		{Option{Style: American, Right: Put, Spot: 100, Strike: 140, Years: 0.5, Rate: 0.05, Carry: 0.05}, 40 + 1e-14, true},
	}
	for _, c := range cases {
		price := c.price
		if price == 0 {
			var err error
			if price, err = Price(c.o); err != nil {
				t.Fatal(err)
			}
		}
		v, err := ImpliedVol(c.o, price)
		var ue *VolUndeterminedError
		switch {
		case c.want && !errors.As(err, &ue):
			t.Errorf("%+v price %.17g: vol %g, error %v; want *VolUndeterminedError", c.o, price, v, err)
		case c.want && (!errors.Is(err, ErrVolUndetermined) || !strings.Contains(err.Error(), "undetermined")):
			t.Errorf("%+v: %v does not match ErrVolUndetermined", c.o, err)
		case !c.want && (err != nil || math.Abs(v/c.o.Vol-1) > 1e-10):
			t.Errorf("%+v price %.17g: vol %.15g, error %v; want %g", c.o, price, v, err, c.o.Vol)
		}
	}
}
