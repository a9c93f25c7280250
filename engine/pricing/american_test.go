package pricing

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// americanGrid is the set of ordinary inputs the American model is checked on:
// spot/strike 0.7–1.3, one week to two years, vol 10–80%, r 0–8%, q 0–6%, calls and
// puts, on stock (b = r − q) and on futures (b = 0).
func americanGrid() []Option {
	type rq struct{ r, q float64 }
	var out []Option
	for _, under := range []Underlying{Spot, Futures} {
		rates := []rq{{0, 0}, {0.04, 0}, {0.08, 0}, {0.02, 0.06}, {0.05, 0.03}, {0.08, 0.06}, {0, 0.04}}
		if under == Futures {
			rates = []rq{{0.02, 0}, {0.05, 0}, {0.08, 0}}
		}
		for _, m := range []float64{0.7, 0.85, 1, 1.15, 1.3} {
			for _, years := range []float64{1.0 / 52, 0.25, 1, 2} {
				for _, vol := range []float64{0.1, 0.3, 0.8} {
					for _, x := range rates {
						for _, right := range []Right{Call, Put} {
							out = append(out, Option{Style: American, Underlying: under, Right: right,
								Spot: 100 * m, Strike: 100, Years: years, Rate: x.r, Carry: x.r - x.q, Vol: vol})
						}
					}
				}
			}
		}
	}
	return out
}

// referenceSteps is the tree size of testdata/american_tree.txt: Richardson from 1000
// and 2000 steps.
const referenceSteps = 2000

// americanReferenceFile holds referenceAmerican(…, referenceSteps) for every option of
// americanGrid, so that the accuracy test does not spend a minute in trees under -race.
// Regenerate it with
//
//	KEEL_WRITE_AMERICAN_REFERENCE=1 go test -tags migrated_fynedo -run TestWriteAmericanReference ./engine/pricing
//
// (TestAmericanReferenceFile recomputes a sample of rows to show the file and the tree
// agree).
var americanReferenceFile = filepath.Join("testdata", "american_tree.txt")

func americanKey(o Option) string {
	return fmt.Sprintf("%s,%s,%g,%g,%.10g,%g,%g,%g", o.Underlying, o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol)
}

// TestWriteAmericanReference writes americanReferenceFile; it runs only on request.
func TestWriteAmericanReference(t *testing.T) {
	if os.Getenv("KEEL_WRITE_AMERICAN_REFERENCE") == "" {
		t.Skip("set KEEL_WRITE_AMERICAN_REFERENCE=1 to regenerate " + americanReferenceFile)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# American values on americanGrid (american_test.go) from referenceAmerican (tree_test.go):\n")
	fmt.Fprintf(&b, "# binomial Black-Scholes tree, European control variate, Richardson from %d and %d steps.\n", referenceSteps/2, referenceSteps)
	fmt.Fprintf(&b, "# underlying,right,spot,strike,years,rate,carry,vol,value\n")
	for _, o := range americanGrid() {
		v := referenceAmerican(o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol, referenceSteps)
		fmt.Fprintf(&b, "%s,%.12g\n", americanKey(o), v)
	}
	if err := os.WriteFile(americanReferenceFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readAmericanReference reads americanReferenceFile into a map from americanKey.
func readAmericanReference(t *testing.T) map[string]float64 {
	f, err := os.Open(americanReferenceFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ',')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("%s: %q: %v", americanReferenceFile, line, err)
		}
		out[line[:i]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAmericanAgainstTree compares every option of americanGrid worth at least 0.05 (on a
// strike of 100) with the reference tree of americanReferenceFile.
func TestAmericanAgainstTree(t *testing.T) {
	ref := readAmericanReference(t)
	worst, worstAt := 0.0, Option{}
	var sum float64
	var n int
	for _, o := range americanGrid() {
		want, ok := ref[americanKey(o)]
		if !ok {
			t.Fatalf("%s has no row for %s; regenerate it", americanReferenceFile, americanKey(o))
		}
		got, err := Price(o)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if want < 0.05 {
			continue
		}
		rel := math.Abs(got/want - 1)
		sum += rel
		n++
		if rel > worst {
			worst, worstAt = rel, o
		}
		if rel > americanTolerance {
			t.Errorf("%s %s S=%g K=%g T=%g r=%g b=%g vol=%g: model %.6f, tree %.6f, error %.4f%%",
				o.Underlying, o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol, got, want, 100*rel)
		}
	}
	if mean := sum / float64(n); mean > americanMeanTolerance {
		t.Errorf("mean relative error %.5f%% above %.5f%%", 100*mean, 100*americanMeanTolerance)
	}
	t.Logf("%d options: worst relative error %.4f%% at %+v, mean %.5f%%", n, 100*worst, worstAt, 100*sum/float64(n))
}

// The model's worst error on americanGrid is 0.024%, its mean 0.0006% (the reference tree
// itself is good to about 1e-4 at its hardest option; see TestReferenceTreeAccuracy).
const (
	americanTolerance     = 0.0005
	americanMeanTolerance = 0.00002
)

// TestAmericanReferenceFile recomputes a sample of americanReferenceFile with the tree.
func TestAmericanReferenceFile(t *testing.T) {
	ref := readAmericanReference(t)
	grid := americanGrid()
	if len(ref) != len(grid) {
		t.Errorf("%s has %d rows, americanGrid %d options", americanReferenceFile, len(ref), len(grid))
	}
	for i := 0; i < len(grid); i += 157 {
		o := grid[i]
		got := referenceAmerican(o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol, referenceSteps)
		if want := ref[americanKey(o)]; math.Abs(got-want) > 1e-9*math.Max(1, want) {
			t.Errorf("%s: tree %.12g, file %.12g", americanKey(o), got, want)
		}
	}
}

// TestReferenceTreeAccuracy shows how accurate the reference tree is. Measured with
// TestMeasureReferenceTree (November 2026) on every 7th option of americanGrid worth at
// least 0.05, against the same tree at 4000/8000 steps: the reference at 1000/2000 steps
// is off by 3.0e-6 relative at worst and 1.7e-7 on average; a plain Cox–Ross–Rubinstein
// tree of 1000 steps (averaged with 1001) by up to 1.6e-3. The hardest option of the grid,
// a two-year at-the-money put at r = 8%, σ = 10% (exercise boundary close to the money),
// moves by 1.2e-4 from 2000 to 4000 steps: the reference is good to about 1e-4 there.
// This test repeats the comparison on three options, at 4000 steps to keep it short.
func TestReferenceTreeAccuracy(t *testing.T) {
	cases := []Option{
		{Right: Put, Spot: 100, Strike: 100, Years: 2, Rate: 0.08, Carry: 0.08, Vol: 0.1},
		{Right: Put, Spot: 130, Strike: 100, Years: 1, Rate: 0.05, Carry: 0.02, Vol: 0.1},
		{Right: Call, Spot: 85, Strike: 100, Years: 1, Rate: 0.02, Carry: -0.04, Vol: 0.3},
	}
	for _, o := range cases {
		b := o.carry()
		ref := referenceAmerican(o.Right, o.Spot, o.Strike, o.Years, o.Rate, b, o.Vol, referenceSteps)
		fine := referenceAmerican(o.Right, o.Spot, o.Strike, o.Years, o.Rate, b, o.Vol, 2*referenceSteps)
		crr := 0.5 * (crrTree(true, o.Right, o.Spot, o.Strike, o.Years, o.Rate, b, o.Vol, 1000) +
			crrTree(true, o.Right, o.Spot, o.Strike, o.Years, o.Rate, b, o.Vol, 1001))
		if rel := math.Abs(ref/fine - 1); rel > 2e-4 {
			t.Errorf("%+v: reference %.8f at %d steps, %.8f at %d: %.2g apart", o, ref, referenceSteps, fine, 2*referenceSteps, rel)
		}
		t.Logf("%s S=%g T=%g r=%g b=%g vol=%g: reference %.7f, at %d steps %.7f, plain CRR(1000) %.7f (%.2g off)",
			o.Right, o.Spot, o.Years, o.Rate, b, o.Vol, ref, 2*referenceSteps, fine, crr, math.Abs(crr/fine-1))
	}
}

// TestAmericanPublished checks the model against published accurate American values.
// (The same rows are in testdata/published.csv for TestReferenceVectors.)
func TestAmericanPublished(t *testing.T) {
	// Put, K = 100, T = 1, r = 0.04, q = 0.02, σ = 0.30: Table 4 ("True values" column)
	// of "A HODIE finite difference scheme for pricing American options", Advances in
	// Difference Equations (2018), doi:10.1186/s13662-018-1917-z.
	rows := [][2]float64{{75.9572, 25.32986}, {83.9457, 19.49691}, {92.7743, 14.26265},
		{102.5315, 9.84354}, {113.3148, 6.36558}, {125.2323, 3.83337}, {138.4031, 2.13784}}
	for _, row := range rows {
		o := Option{Style: American, Right: Put, Spot: row[0], Strike: 100, Years: 1, Rate: 0.04, Carry: 0.02, Vol: 0.3}
		got, err := Price(o)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-row[1]) > 5e-4 {
			t.Errorf("S=%g: %.5f, published %.5f", row[0], got, row[1])
		}
		if tree := referenceAmerican(Put, o.Spot, 100, 1, 0.04, 0.02, 0.3, 1000); math.Abs(tree-row[1]) > 2e-4 {
			t.Errorf("S=%g: reference tree %.5f, published %.5f", row[0], tree, row[1])
		}
	}
}

// TestAmericanFloors checks that an American value is never below the European value or
// the intrinsic value, and equals the European value where early exercise is worthless.
func TestAmericanFloors(t *testing.T) {
	for _, o := range americanGrid() {
		am, err := Value(o)
		if err != nil {
			t.Fatal(err)
		}
		eo := o
		eo.Style = European
		eu, err := Value(eo)
		if err != nil {
			t.Fatal(err)
		}
		intrinsic := math.Max(o.Spot-o.Strike, 0)
		if o.Right == Put {
			intrinsic = math.Max(o.Strike-o.Spot, 0)
		}
		if am.Price < eu.Price-1e-12 || am.Price < intrinsic-1e-12 {
			t.Errorf("%+v: American %g below European %g or intrinsic %g", o, am.Price, eu.Price, intrinsic)
		}
		if isEuropean(o.Right, o.Rate, o.carry()) && am != eu {
			t.Errorf("%+v: early exercise is worthless but American %+v differs from European %+v", o, am, eu)
		}
	}
}

// TestDifferenceGreeksMatchEuropean runs the finite-difference Greeks of the American
// model on the European price, where the analytic Greeks are exact, so that the bumps,
// signs, units and the rho conventions are checked independently of the American model;
// and on the American price where early exercise is worthless (a call with b > r) but
// isEuropean is bypassed.
func TestDifferenceGreeksMatchEuropean(t *testing.T) {
	for _, o := range europeanGrid() {
		if o.Vol < 0.1 || o.Vol*math.Sqrt(o.Years) < 0.1 {
			// A bump of 1e-4 of spot is not small against the scale σ√T·S on which
			// the price bends, and at 5% vol the volatility bump is so small that
			// rounding shows in volga: errors reach 1e-3 relative there.
			continue
		}
		want := europeanGreeks(o.Right, o.Spot, o.Strike, o.Years, o.Rate, o.carry(), o.Vol, o.Underlying == Futures)
		for _, price := range []func(Right, float64, float64, float64, float64, float64, float64) float64{europeanPrice, americanPrice} {
			if o.Right == Put || o.carry() < o.Rate+2*rateBump {
				price = europeanPrice // americanPrice is European only for calls with b > r
			}
			got := differenceGreeks(o, price)
			compareGreeks(t, o, got, want)
		}
	}
}

// compareGreeks checks difference Greeks against analytic ones: first-order Greeks to
// 1e-6 relative, second-order ones (gamma, vanna, volga, charm) to 1e-4, each with an
// absolute floor for Greeks near zero.
func compareGreeks(t *testing.T, o Option, got, want Greeks) {
	t.Helper()
	s := o.Spot
	checks := []struct {
		name      string
		got, want float64
		rel, abs  float64
	}{
		{"Price", got.Price, want.Price, 1e-12, 1e-12 * s},
		{"Delta", got.Delta, want.Delta, 1e-6, 1e-8},
		{"Gamma", got.Gamma, want.Gamma, 1e-4, 1e-6 / s},
		{"Vega", got.Vega, want.Vega, 1e-6, 1e-7 * s},
		{"Theta", got.Theta, want.Theta, 1e-6, 1e-7 * s},
		{"Rho", got.Rho, want.Rho, 1e-6, 1e-7 * s},
		{"Vanna", got.Vanna, want.Vanna, 1e-4, 1e-6},
		{"Volga", got.Volga, want.Volga, 1e-4, 1e-5 * s},
		{"Charm", got.Charm, want.Charm, 1e-4, 1e-5},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > c.abs+c.rel*math.Abs(c.want) {
			t.Errorf("%s %s S=%g T=%g r=%g b=%g vol=%g: %s %.10g by differences, %.10g analytic",
				o.Underlying, o.Right, o.Spot, o.Years, o.Rate, o.carry(), o.Vol, c.name, c.got, c.want)
		}
	}
}

// priceFunc is the signature of americanPrice and europeanPrice.
type priceFunc func(right Right, s, k, t, r, b, v float64) float64

// greekKink measures how far the difference Greeks of price are from smooth along a fine
// grid of spots in the continuation region (value above intrinsic by 0.1% of the strike,
// so that no bump reaches the exercise boundary, where gamma truly jumps): for each Greek
// the largest second difference along the grid, as a share of the Greek's range over the
// grid. A smooth Greek sampled this finely scores under 0.02 (volga bends hardest, next
// to the exercise boundary at low volatility); a kink in the price shows
// as a spike in gamma, vanna, volga and charm that scores near 1.
func greekKink(o Option, price priceFunc, lo, hi float64, n int) (worst float64, name string, at float64, minGamma float64) {
	names := []string{"Delta", "Gamma", "Vega", "Theta", "Rho", "Vanna", "Volga", "Charm"}
	series := make([][]float64, len(names))
	var spots []float64
	var runs []int // points of one run lie next to each other in the continuation region
	run := 0
	minGamma = math.Inf(1)
	for i := 0; i <= n; i++ {
		s := lo + (hi-lo)*float64(i)/float64(n)
		p := o
		p.Spot = s
		intrinsic := math.Max(s-o.Strike, 0)
		if o.Right == Put {
			intrinsic = math.Max(o.Strike-s, 0)
		}
		if intrinsic > 0 && price(o.Right, s, o.Strike, o.Years, o.Rate, o.carry(), o.Vol)-intrinsic < 1e-3*o.Strike {
			run++ // inside the exercise region: a new run starts after it
			continue
		}
		g := differenceGreeks(p, price)
		minGamma = math.Min(minGamma, g.Gamma)
		spots, runs = append(spots, s), append(runs, run)
		for j, v := range []float64{g.Delta, g.Gamma, g.Vega, g.Theta, g.Rho, g.Vanna, g.Volga, g.Charm} {
			series[j] = append(series[j], v)
		}
	}
	for j, xs := range series {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range xs {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		for i := 1; i+1 < len(xs); i++ {
			if runs[i-1] != runs[i+1] {
				continue
			}
			if k := math.Abs(xs[i-1]-2*xs[i]+xs[i+1]) / (hi - lo); k > worst {
				worst, name, at = k, names[j], spots[i]
			}
		}
	}
	return worst, name, at, minGamma
}

// TestAmericanGreeksSmooth checks that the American Greeks are continuous along a fine
// spot grid (no kinks in the price, which a tree would have), and that gamma is not
// negative. It first checks that the measure catches the kinks of a 200-step tree.
func TestAmericanGreeksSmooth(t *testing.T) {
	const kinkLimit = 0.05
	tree := func(right Right, s, k, t, r, b, v float64) float64 {
		return crrTree(true, right, s, k, t, r, b, v, 200)
	}
	treeOption := Option{Style: American, Right: Put, Strike: 100, Years: 1, Rate: 0.05, Carry: 0.05, Vol: 0.3}
	if k, name, at, _ := greekKink(treeOption, tree, 80, 120, 200); k < 10*kinkLimit {
		t.Errorf("a 200-step tree scores only %.3g (%s at S=%g): the measure cannot see kinks", k, name, at)
	} else {
		t.Logf("a 200-step tree scores %.2g (%s at S=%.1f)", k, name, at)
	}
	cases := []Option{
		{Right: Put, Years: 0.25, Rate: 0.05, Carry: 0.05, Vol: 0.3},
		{Right: Put, Years: 1, Rate: 0.08, Carry: 0.08, Vol: 0.1},
		{Right: Put, Years: 2, Rate: 0.02, Carry: -0.04, Vol: 0.8},
		{Right: Call, Years: 1, Rate: 0.02, Carry: -0.04, Vol: 0.3},
		{Right: Call, Years: 1.0 / 52, Rate: 0.05, Carry: 0.02, Vol: 0.2},
		{Right: Put, Underlying: Futures, Years: 2, Rate: 0.05, Vol: 0.2},
		{Right: Call, Underlying: Futures, Years: 0.5, Rate: 0.08, Vol: 0.5},
	}
	for _, o := range cases {
		o.Style, o.Strike = American, 100
		// The exercise boundaries depend on neither spot nor strike, so one boundaryCache
		// serves the whole spot grid: its prices are americanPrice's to the last bit (see
		// TestAmericanGreeksReuseBoundaries), and the test stays quick under -race.
		var cache boundaryCache
		k, name, at, minGamma := greekKink(o, cache.price, 70, 130, 300)
		if k > kinkLimit {
			t.Errorf("%s %s T=%g r=%g b=%g vol=%g: %s kinks by %.3g of its range at S=%g", o.Underlying, o.Right, o.Years, o.Rate, o.carry(), o.Vol, name, k, at)
		}
		if minGamma < -1e-6 {
			t.Errorf("%s %s T=%g r=%g b=%g vol=%g: gamma %.3g < 0", o.Underlying, o.Right, o.Years, o.Rate, o.carry(), o.Vol, minGamma)
		}
		t.Logf("%s %s T=%g r=%g b=%g vol=%g: worst kink %.2g (%s at S=%.1f), least gamma %.3g", o.Underlying, o.Right, o.Years, o.Rate, o.carry(), o.Vol, k, name, at, minGamma)
	}
}

// TestMeasureReferenceTree measures the numbers quoted on TestReferenceTreeAccuracy; it
// takes minutes, so it runs only with KEEL_MEASURE_TREES=1.
func TestMeasureReferenceTree(t *testing.T) {
	if os.Getenv("KEEL_MEASURE_TREES") == "" {
		t.Skip()
	}
	var wRef, wCRR, wALO, sRef float64
	var atRef Option
	n := 0
	for i, o := range americanGrid() {
		if i%7 != 0 {
			continue
		}
		b := o.carry()
		fine := referenceAmerican(o.Right, o.Spot, o.Strike, o.Years, o.Rate, b, o.Vol, 8000)
		if fine < 0.05 {
			continue
		}
		n++
		ref := referenceAmerican(o.Right, o.Spot, o.Strike, o.Years, o.Rate, b, o.Vol, referenceSteps)
		crr := 0.5 * (crrTree(true, o.Right, o.Spot, o.Strike, o.Years, o.Rate, b, o.Vol, 1000) + crrTree(true, o.Right, o.Spot, o.Strike, o.Years, o.Rate, b, o.Vol, 1001))
		alo, _ := Price(o)
		if r := math.Abs(ref/fine - 1); r > wRef {
			wRef, atRef = r, o
		}
		sRef += math.Abs(ref/fine - 1)
		wCRR = math.Max(wCRR, math.Abs(crr/fine-1))
		wALO = math.Max(wALO, math.Abs(alo/fine-1))
	}
	t.Logf("n=%d vs ref(4000/8000): ref(1000/2000) worst %.2e at %+v mean %.2e; CRR1000avg worst %.2e; model worst %.2e", n, wRef, atRef, sRef/float64(n), wCRR, wALO)
}

// TestAmericanGreeksReuseBoundaries checks that americanGreeksFull, which reuses the
// exercise boundary between valuations that move only spot, gives exactly the Greeks of
// differenceGreeks on americanPrice, which solves it afresh for every valuation.
func TestAmericanGreeksReuseBoundaries(t *testing.T) {
	for i, o := range americanGrid() {
		if i%5 != 0 || isEuropean(o.Right, o.Rate, o.carry()) {
			continue
		}
		if got, want := americanGreeksFull(o), differenceGreeks(o, americanPrice); got != want {
			t.Errorf("%+v: %+v with reused boundaries, %+v without", o, got, want)
		}
	}
}
