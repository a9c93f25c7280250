package statement

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedFiles seeds f with the test files cut down to a few rows each: the whole files made
// every new input take the fuzzer's minimizer most of the run (6 executions in 45 s), so it
// never explored.
func seedFiles(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(fewRows(data))
	}
}

// fewRows keeps a header and two rows of every CSV section (a run of lines of several
// fields) and one element of every run of XML elements of one name.
func fewRows(data []byte) []byte {
	var out []string
	last, run, keep := "", 0, 3
	for _, line := range strings.SplitAfter(string(data), "\n") {
		shape := line // a section's title
		if strings.Count(line, ",") >= 2 {
			shape = "row"
		}
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "<") {
			shape, _, _ = strings.Cut(t, " ")
			keep = 1
		}
		if shape == last {
			run++
		} else {
			last, run = shape, 1
		}
		if run <= keep {
			out = append(out, line)
		}
	}
	return []byte(strings.Join(out, ""))
}

// checkParse: never a panic, never a statement together with an error, and every event of
// a successful parse is whole.
func checkParse(t *testing.T, name string, data []byte) {
	checkParseWith(t, name, data, Options{})
	checkParseWith(t, name, data, Options{SkipUnknown: true})
}

func checkParseWith(t *testing.T, name string, data []byte, opts Options) {
	st, err := ParseWith(name, strings.NewReader(string(data)), opts)
	if err != nil {
		if st != nil {
			t.Fatalf("statement with error %v", err)
		}
		if !strings.HasPrefix(err.Error(), name) {
			t.Fatalf("error %q does not name the file", err)
		}
		return
	}
	seen := map[string]bool{}
	for _, e := range st.Events {
		if e.ID == "" || seen[e.ID] || e.Quantity.IsZero() || e.Source == "" {
			t.Fatalf("bad event %+v", e)
		}
		seen[e.ID] = true
	}
	for _, c := range st.Cash {
		if c.ID == "" || seen[c.ID] || c.Kind == "" || c.Time.IsZero() || c.Source == "" {
			t.Fatalf("bad cash event %+v", c)
		}
		seen[c.ID] = true
	}
	for _, r := range st.Skipped {
		if r.File != name || r.Line < 1 || r.Why == "" {
			t.Fatalf("bad row listing %+v", r)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	seedFiles(f, "*.csv")
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, "fuzz.csv", data) })
}

// One target per CSV layout, seeded with its corpus files, so each parser gets the whole run.
func FuzzParseTastytrade(f *testing.F) {
	seedFiles(f, "tasty*.csv")
	seedFiles(f, "corpus/transactions_history_*.csv")
	seedFiles(f, "corpus/tastyworks_legacy_*.csv")
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, "fuzz.csv", data) })
}

func FuzzParseTastyworksClassic(f *testing.F) {
	seedFiles(f, "corpus/tastyworks_classic_*.csv")
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, "fuzz.csv", data) })
}

func FuzzParseThinkorswim(f *testing.F) {
	seedFiles(f, "thinkorswim*.csv")
	seedFiles(f, "corpus/thinkorswim_*.csv")
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, "fuzz.csv", data) })
}

func FuzzParseFlex(f *testing.F) {
	seedFiles(f, "*.xml")
	seedFiles(f, "corpus/*.xml")
	f.Add([]byte(`<FlexQueryResponse><FlexStatements><FlexStatement accountId="U1"><Trades>` +
		`<Trade assetCategory="STK" symbol="VXX" dateTime="20260918;100500" quantity="-100" buySell="SELL" tradePrice="47.35" ibCommission="-1" ibExecID="e1" ibOrderID="1"/>` +
		`</Trades><OptionEAE><OptionEAE assetCategory="OPT" symbol="SPY   261016P00640000" underlyingSymbol="SPY" strike="640" expiry="20261016" putCall="P" date="20261016" transactionType="Assignment" quantity="2"/>` +
		`</OptionEAE></FlexStatement></FlexStatements></FlexQueryResponse>`))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, "fuzz.xml", data) })
}
