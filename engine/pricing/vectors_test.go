package pricing

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// vectorHeader is the header row every reference-vector CSV starts with.
var vectorHeader = []string{"model", "right", "spot", "strike", "years", "rate", "carry", "vol",
	"price", "delta", "gamma", "vega", "theta", "rho", "tol"}

// vectorFiles are the CSVs in testdata/ and the ':'-separated paths in KEEL_PRICING_VECTORS.
func vectorFiles(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Split(os.Getenv("KEEL_PRICING_VECTORS"), ":") {
		if p = strings.TrimSpace(p); p != "" {
			files = append(files, p)
		}
	}
	return files
}

// vectorRow is one parsed row: the option, the expected values (NaN where not checked)
// and the tolerance.
type vectorRow struct {
	line     int
	o        Option
	expected [6]float64 // price, delta, gamma, vega, theta, rho
	tol      float64
}

// parseVector turns one CSV record into a vectorRow.
func parseVector(rec []string, line int) (vectorRow, error) {
	row := vectorRow{line: line}
	if len(rec) != len(vectorHeader) {
		return row, fmt.Errorf("%d fields, want %d", len(rec), len(vectorHeader))
	}
	switch strings.ToLower(rec[0]) {
	case "bsm":
	case "black76":
		row.o.Underlying = Futures
	case "american":
		row.o.Style = American
	case "american76":
		row.o.Style, row.o.Underlying = American, Futures
	default:
		return row, fmt.Errorf("model %q is not bsm, black76, american or american76", rec[0])
	}
	switch strings.ToUpper(rec[1]) {
	case "C":
		row.o.Right = Call
	case "P":
		row.o.Right = Put
	default:
		return row, fmt.Errorf("right %q is not C or P", rec[1])
	}
	num := func(i int) (float64, error) {
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[i]), 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", vectorHeader[i], err)
		}
		return v, nil
	}
	inputs := []*float64{&row.o.Spot, &row.o.Strike, &row.o.Years, &row.o.Rate, &row.o.Carry, &row.o.Vol}
	for i, p := range inputs {
		if row.o.Underlying == Futures && i == 4 && strings.TrimSpace(rec[6]) == "" {
			continue // carry is ignored on a future
		}
		v, err := num(2 + i)
		if err != nil {
			return row, err
		}
		*p = v
	}
	for i := range row.expected {
		row.expected[i] = math.NaN()
		if strings.TrimSpace(rec[8+i]) == "" {
			continue
		}
		v, err := num(8 + i)
		if err != nil {
			return row, err
		}
		row.expected[i] = v
	}
	tol, err := num(14)
	if err != nil {
		return row, err
	}
	if !(tol > 0) {
		return row, fmt.Errorf("tol %g must be positive", tol)
	}
	row.tol = tol
	return row, nil
}

// readVectors reads one reference-vector CSV.
func readVectors(path string) ([]vectorRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var rows []vectorRow
	header := true
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		if header {
			if strings.Join(rec, ",") != strings.Join(vectorHeader, ",") {
				return nil, fmt.Errorf("%s:%d: header %q, want %q", path, line, strings.Join(rec, ","), strings.Join(vectorHeader, ","))
			}
			header = false
			continue
		}
		row, err := parseVector(rec, line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		rows = append(rows, row)
	}
	if header {
		return nil, fmt.Errorf("%s: no header row", path)
	}
	return rows, nil
}

// TestReferenceVectors checks Value against every row of every reference-vector CSV, and
// that ImpliedVol recovers the row's vol from Keel's own price — or, where that price sits
// at its no-arbitrage lower bound, that ImpliedVol reports the volatility undetermined.
func TestReferenceVectors(t *testing.T) {
	files := vectorFiles(t)
	if len(files) == 0 {
		t.Fatal("no reference vectors in testdata/")
	}
	total := 0
	for _, path := range files {
		rows, err := readVectors(path)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		for _, row := range rows {
			total++
			g, err := Value(row.o)
			if err != nil {
				t.Errorf("%s:%d: %v", path, row.line, err)
				continue
			}
			got := [6]float64{g.Price, g.Delta, g.Gamma, g.Vega, g.Theta, g.Rho}
			for i, want := range row.expected {
				if math.IsNaN(want) {
					continue
				}
				if math.Abs(got[i]-want) > row.tol {
					t.Errorf("%s:%d: %s = %.10g, want %g ± %g", path, row.line, vectorHeader[8+i], got[i], want, row.tol)
				}
			}
			checkVectorIV(t, fmt.Sprintf("%s:%d", path, row.line), row.o, g)
		}
	}
	t.Logf("%d reference rows in %d files", total, len(files))
}

// TestReadVectorsRejects checks that malformed files are refused with file and line.
func TestReadVectorsRejects(t *testing.T) {
	header := strings.Join(vectorHeader, ",") + "\n"
	tests := []struct{ name, body, want string }{
		{"bad header", "model,right\n", "header"},
		{"bad model", header + "heston,C,1,1,1,0,0,0.2,,,,,,,0.1\n", ":2: model"},
		{"bad right", header + "# comment\nbsm,X,1,1,1,0,0,0.2,,,,,,,0.1\n", ":3: right"},
		{"bad number", header + "bsm,C,abc,1,1,0,0,0.2,,,,,,,0.1\n", "spot"},
		{"no tol", header + "bsm,C,1,1,1,0,0,0.2,,,,,,,\n", "tol"},
		{"short row", header + "bsm,C,1,1\n", "fields"},
	}
	for _, tc := range tests {
		path := filepath.Join(t.TempDir(), "v.csv")
		if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := readVectors(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// vectorLowerBound is the no-arbitrage lower bound of o's price that ImpliedVol applies:
// the discounted intrinsic value of the forward, and for an American option also the
// intrinsic value of exercising now.
func vectorLowerBound(o Option) float64 {
	df := o.Spot * math.Exp((o.carry()-o.Rate)*o.Years)
	dk := o.Strike * math.Exp(-o.Rate*o.Years)
	lower := math.Max(df-dk, 0)
	if o.Right == Put {
		lower = math.Max(dk-df, 0)
	}
	if o.Style == American {
		if o.Right == Call {
			lower = math.Max(lower, o.Spot-o.Strike)
		} else {
			lower = math.Max(lower, o.Strike-o.Spot)
		}
	}
	return lower
}

// checkVectorIV checks ImpliedVol on Keel's own price g.Price of the row's option o. At the
// lower bound (within 1e-12 of spot plus strike, far below any price tick) the volatility
// is undetermined, and the solver must say so with an error matching ErrVolUndetermined
// whose message says "undetermined". Where vega is too small for the price to pin the
// volatility (price/(σ·vega) above ivMaxKappa) that error is allowed too. Everywhere else
// the row's vol must come back to 1e-8.
func checkVectorIV(t *testing.T, where string, o Option, g Greeks) {
	t.Helper()
	vol, err := ImpliedVol(o, g.Price)
	atBound := g.Price-vectorLowerBound(o) <= 1e-12*(o.Spot+o.Strike)
	switch {
	case atBound && err == nil:
		t.Errorf("%s: price %.10g is at its lower bound, but implied vol returned %g with no error", where, g.Price, vol)
	case atBound && !errors.Is(err, ErrVolUndetermined):
		t.Errorf("%s: price %.10g is at its lower bound: error %v does not match ErrVolUndetermined", where, g.Price, err)
	case atBound && !strings.Contains(err.Error(), "undetermined"):
		t.Errorf("%s: price %.10g is at its lower bound: error %q does not say the volatility is undetermined", where, g.Price, err)
	case atBound:
	case err != nil && errors.Is(err, ErrVolUndetermined) && !(g.Price/(o.Vol*g.Vega) <= ivMaxKappa):
	case err != nil:
		t.Errorf("%s: implied vol from price %.10g: %v", where, g.Price, err)
	case math.Abs(vol-o.Vol) > 1e-8*math.Max(1, o.Vol):
		t.Errorf("%s: implied vol %.12g from price %.10g, want %g", where, vol, g.Price, o.Vol)
	}
}
