package sim

import (
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

// dailyPath is one seed's year of session closes, taken from the fair prices.
type dailyPath struct {
	spy, qqq, vxx, sqqq, sh []float64
	meanVar                 float64 // average instantaneous SPY variance over the closes
	jumps                   int64
}

var (
	yearOnce  sync.Once
	yearPaths []dailyPath
)

// statSeeds are the seeds of the statistical tests. The tests are deterministic; the
// bands are several standard errors wide so that they hold for any reasonable seed.
var statSeeds = []uint64{11, 22, 33, 44, 55, 66}

// simulatedYears runs each stat seed for a year from 2027-01-04, recording the closes.
func simulatedYears(t *testing.T) []dailyPath {
	t.Helper()
	yearOnce.Do(func() {
		for _, seed := range statSeeds {
			m, err := New(Config{Seed: seed, Start: time.Date(2027, 1, 4, 9, 30, 0, 0, instrument.NewYork)})
			if err != nil {
				panic(err)
			}
			var d dailyPath
			var sumVar float64
			record := func() {
				d.spy = append(d.spy, math.Exp(m.p.LogSPY))
				d.qqq = append(d.qqq, math.Exp(m.p.LogQQQ))
				d.vxx = append(d.vxx, math.Exp(m.p.LogVXX))
				d.sqqq = append(d.sqqq, m.p.SQQQ)
				d.sh = append(d.sh, m.p.SH)
				sumVar += math.Exp(2 * m.p.LogVol)
			}
			record()
			end := time.Date(2028, 1, 4, 9, 30, 0, 0, instrument.NewYork)
			for m.Now().Before(end) {
				cls, ok := SessionClose(m.Now())
				if !ok {
					panic("market time outside the session")
				}
				m.Advance(cls)
				record()
				m.Advance(NextOpenAt(cls))
			}
			d.meanVar = sumVar / float64(len(d.spy))
			d.jumps = m.p.Jumps
			yearPaths = append(yearPaths, d)
		}
	})
	return yearPaths
}

func logReturns(p []float64) []float64 {
	out := make([]float64, len(p)-1)
	for i := range out {
		out[i] = math.Log(p[i+1] / p[i])
	}
	return out
}

func stdev(x []float64) float64 {
	var s, ss float64
	for _, v := range x {
		s += v
	}
	mean := s / float64(len(x))
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return math.Sqrt(ss / float64(len(x)-1))
}

func correlation(a, b []float64) float64 {
	var sa, sb float64
	for i := range a {
		sa += a[i]
		sb += b[i]
	}
	ma, mb := sa/float64(len(a)), sb/float64(len(b))
	var cab, caa, cbb float64
	for i := range a {
		cab += (a[i] - ma) * (b[i] - mb)
		caa += (a[i] - ma) * (a[i] - ma)
		cbb += (b[i] - mb) * (b[i] - mb)
	}
	return cab / math.Sqrt(caa*cbb)
}

// TestRealizedVolMatchesModel: SPY's annualised close-to-close vol over a year is within
// 20% of the model's own: the average instantaneous variance plus the jump variance
// (λ·E[J²], E[(a + bE)²] = a² + 2ab + 2b² for E ~ Exp(1)), with the weekend gap extra.
func TestRealizedVolMatchesModel(t *testing.T) {
	jumpVar := jumpRate * (jumpDownP*(jumpDownMin*jumpDownMin+2*jumpDownMin*jumpDownSc+2*jumpDownSc*jumpDownSc) +
		(1-jumpDownP)*(jumpUpMin*jumpUpMin+2*jumpUpMin*jumpUpSc+2*jumpUpSc*jumpUpSc))
	for i, d := range simulatedYears(t) {
		if len(d.spy) < 250 || len(d.spy) > 254 {
			t.Fatalf("seed %d: %d closes in a year, want 251–253 sessions + the start", statSeeds[i], len(d.spy))
		}
		realized := stdev(logReturns(d.spy)) * math.Sqrt(tradingDays)
		model := math.Sqrt((d.meanVar + jumpVar) * (1 + extraGapDay*2*52/tradingDays))
		if r := realized / model; r < 0.8 || r > 1.2 {
			t.Errorf("seed %d: realised SPY vol %.3f, model %.3f (ratio %.2f, %d jumps)", statSeeds[i], realized, model, r, d.jumps)
		}
		if realized < 0.08 || realized > 0.45 {
			t.Errorf("seed %d: realised SPY vol %.3f is not an equity index's", statSeeds[i], realized)
		}
	}
}

// TestCorrelations: SPY–QQQ daily returns correlate about 0.9; VXX moves against SPY.
func TestCorrelations(t *testing.T) {
	for i, d := range simulatedYears(t) {
		rs, rq, rv := logReturns(d.spy), logReturns(d.qqq), logReturns(d.vxx)
		if c := correlation(rs, rq); c < 0.85 || c > 0.97 {
			t.Errorf("seed %d: SPY–QQQ correlation %.3f, want about 0.9", statSeeds[i], c)
		}
		if c := correlation(rs, rv); c > -0.4 {
			t.Errorf("seed %d: SPY–VXX correlation %.3f, want clearly negative", statSeeds[i], c)
		}
		// VXX spikes when equities fall: its daily beta to SPY is about −0.46/σ (−3.4 at
		// 13.5% vol, −2.3 at 20%), and on SPY's ten worst days it rises on average by more
		// than 3% and on at least eight of them.
		if b := correlation(rs, rv) * stdev(rv) / stdev(rs); b < -5 || b > -2 {
			t.Errorf("seed %d: VXX beta to SPY %.2f, want about −3", statSeeds[i], b)
		}
		idx := make([]int, len(rs))
		for k := range idx {
			idx[k] = k
		}
		sort.Slice(idx, func(a, b int) bool { return rs[idx[a]] < rs[idx[b]] })
		var sumV float64
		ups := 0
		for _, k := range idx[:10] {
			sumV += rv[k]
			if rv[k] > 0 {
				ups++
			}
		}
		if sumV/10 < 0.03 || ups < 8 {
			t.Errorf("seed %d: on SPY's 10 worst days VXX moved %.3f on average, up on %d", statSeeds[i], sumV/10, ups)
		}
		qv := stdev(rq) / stdev(rs)
		if qv < 1.15 || qv > 1.45 {
			t.Errorf("seed %d: QQQ/SPY vol ratio %.2f, want about 1.3", statSeeds[i], qv)
		}
	}
}

// TestVXXDecays: over a year VXX loses ground on average (the roll yield is about −5% a
// month in normal markets; expected log change about −0.64 with a standard deviation of
// about 0.6 per seed).
func TestVXXDecays(t *testing.T) {
	var sum float64
	down := 0
	ds := simulatedYears(t)
	for _, d := range ds {
		r := math.Log(d.vxx[len(d.vxx)-1] / d.vxx[0])
		sum += r
		if r < 0 {
			down++
		}
	}
	mean := sum / float64(len(ds))
	if mean > -0.2 || down < len(ds)-2 {
		t.Errorf("VXX mean log change over a year %.3f (%d of %d seeds down), want a clear decay", mean, down, len(ds))
	}
}

// TestLeveragedDailyReset: every day SQQQ returns exactly −3 × QQQ's close-to-close return
// and SH −1 × SPY's; compounding makes both lag the multiple of the period return
// (ln(1 − 3r) + 3·ln(1 + r) ≤ 0 for every r).
func TestLeveragedDailyReset(t *testing.T) {
	for i, d := range simulatedYears(t) {
		for k := 1; k < len(d.qqq); k++ {
			rq := d.qqq[k]/d.qqq[k-1] - 1
			rsq := d.sqqq[k]/d.sqqq[k-1] - 1
			if 1-3*rq > levFloor && math.Abs(rsq+3*rq) > 1e-9 {
				t.Fatalf("seed %d day %d: SQQQ %.6f vs QQQ %.6f", statSeeds[i], k, rsq, rq)
			}
			rs := d.spy[k]/d.spy[k-1] - 1
			rsh := d.sh[k]/d.sh[k-1] - 1
			if math.Abs(rsh+rs) > 1e-9 {
				t.Fatalf("seed %d day %d: SH %.6f vs SPY %.6f", statSeeds[i], k, rsh, rs)
			}
		}
		n := len(d.qqq) - 1
		lag := math.Log(d.sqqq[n]/d.sqqq[0]) + 3*math.Log(d.qqq[n]/d.qqq[0])
		if lag >= 0 {
			t.Errorf("seed %d: SQQQ does not decay against −3× QQQ (lag %.4f)", statSeeds[i], lag)
		}
	}
}

// TestJumpsAreMostlyDown: 70% of jumps are down, averaging −3% (min 1.5% + 1.5% mean of
// the exponential part); up jumps average +1.5%; the vol state rises on down jumps.
func TestJumpsAreMostlyDown(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 100000
	down := 0
	var sumDown, sumUp float64
	for range n {
		j, jx := drawJump(r)
		if j < 0 {
			down++
			sumDown += j
			if jx <= 0 {
				t.Fatalf("down jump %.4f lowered the vol state by %.4f", j, jx)
			}
		} else {
			sumUp += j
			if jx >= 0 {
				t.Fatalf("up jump %.4f raised the vol state by %.4f", j, jx)
			}
		}
	}
	if f := float64(down) / n; math.Abs(f-jumpDownP) > 0.01 {
		t.Errorf("%.3f of jumps down, want %.2f", f, jumpDownP)
	}
	if md := sumDown / float64(down); math.Abs(md+0.03) > 0.001 {
		t.Errorf("mean down jump %.4f, want −0.030", md)
	}
	if mu := sumUp / float64(n-down); math.Abs(mu-0.015) > 0.0005 {
		t.Errorf("mean up jump %.4f, want 0.015", mu)
	}
}

// TestStatsReport logs the statistical picture of the simulated years (go test -v).
func TestStatsReport(t *testing.T) {
	for i, d := range simulatedYears(t) {
		rs, rq, rv := logReturns(d.spy), logReturns(d.qqq), logReturns(d.vxx)
		t.Logf("seed %d: SPY vol %.3f (model mean σ %.3f) QQQ vol %.3f VXX vol %.3f corr(SPY,QQQ) %.3f corr(SPY,VXX) %.3f VXX %.1f→%.1f SPY %.0f→%.0f SQQQ %.2f→%.2f jumps %d",
			statSeeds[i], stdev(rs)*math.Sqrt(252), math.Sqrt(d.meanVar), stdev(rq)*math.Sqrt(252), stdev(rv)*math.Sqrt(252),
			correlation(rs, rq), correlation(rs, rv), d.vxx[0], d.vxx[len(d.vxx)-1], d.spy[0], d.spy[len(d.spy)-1],
			d.sqqq[0], d.sqqq[len(d.sqqq)-1], d.jumps)
	}
}
