package cli

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

// TestLiquidityJSON checks `keel liquidity SPY --json` on a fresh paper account: the
// issue's keys, each row's numbers from its own quote, the verdict "fail" exactly when a
// rule fails, and the default expiry the nearest beyond the roll-by days.
func TestLiquidityJSON(t *testing.T) {
	db := tempJournal(t)
	var rep map[string]any
	runJSON(t, &rep, "liquidity", "SPY", "--db", db, "--size", "3", "--json")
	hasKeys(t, "report", rep, "as_of", "underlying", "expiry", "size", "rules", "rows")
	hasKeys(t, "rules", rep["rules"].(map[string]any), "min_open_interest", "min_volume", "max_spread_pct", "max_size_pct_of_volume")
	if rep["underlying"] != "SPY" || rep["size"].(float64) != 3 {
		t.Errorf("underlying %v, size %v", rep["underlying"], rep["size"])
	}
	asOf, err := time.Parse(time.RFC3339, rep["as_of"].(string))
	if err != nil {
		t.Fatal(err)
	}
	rows := rep["rows"].([]any)
	if len(rows) < 10 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		row := r.(map[string]any)
		sym := row["symbol"].(string)
		hasKeys(t, sym, row, "symbol", "strike", "right", "bid", "ask", "mid", "tick", "spread_pct", "open_interest", "volume", "verdict", "reasons")
		bid, ask, mid := row["bid"].(float64), row["ask"].(float64), row["mid"].(float64)
		if math.Abs(mid-(bid+ask)/2) > 1e-9 {
			t.Errorf("%s: mid %g of %g/%g", sym, mid, bid, ask)
		}
		if mid > 0 && math.Abs(row["spread_pct"].(float64)-100*(ask-bid)/mid) > 1e-6 {
			t.Errorf("%s: spread %g%% of %g/%g", sym, row["spread_pct"], bid, ask)
		}
		if right := row["right"]; right != "call" && right != "put" {
			t.Errorf("%s: right %v", sym, right)
		}
		failed := false
		for _, c := range row["checks"].([]any) {
			failed = failed || c.(map[string]any)["verdict"] == "fail"
		}
		if v := row["verdict"]; (v == "fail") != failed || (v != "pass" && v != "warn" && v != "fail") {
			t.Errorf("%s: verdict %v, a rule failed: %v", sym, v, failed)
		}
		if v := row["verdict"]; v != "pass" && len(row["reasons"].([]any)) == 0 {
			t.Errorf("%s: %v without a reason", sym, v)
		}
	}
	// The default expiry: the nearest listed more than the book's 7 roll-by days out.
	o, ok := openObserver(context.Background(), "test", db, 15*time.Second, &strings.Builder{})
	if !ok {
		t.Fatal("cannot open the journal again")
	}
	exps, err := o.d.Expirations(context.Background(), "SPY")
	o.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := ""
	for _, e := range exps {
		if e.Sub(asOf) > 7*24*time.Hour {
			want = e.In(instrument.NewYork).Format(time.DateOnly)
			break
		}
	}
	if rep["expiry"] != want {
		t.Errorf("expiry %v, want the nearest beyond 7 days %s (of %v)", rep["expiry"], want, exps)
	}
}

// TestLiquidityText checks the table marks the strike nearest the underlying (its call
// and its put) and says which expiry it chose.
func TestLiquidityText(t *testing.T) {
	code, out, errOut := run(t, "liquidity", "--db", tempJournal(t), "QQQ")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "QQQ options expiring") || !strings.Contains(out, "the nearest more than 7 days out") {
		t.Errorf("no title or expiry rule:\n%.400s", out)
	}
	var marked []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "ATM▶") {
			marked = append(marked, strings.Fields(l)[1]+" "+strings.Fields(l)[2])
		}
	}
	if len(marked) != 2 || !strings.HasSuffix(marked[0], "call") || !strings.HasSuffix(marked[1], "put") ||
		strings.Fields(marked[0])[0] != strings.Fields(marked[1])[0] {
		t.Errorf("ATM rows %v, want the call and put of one strike", marked)
	}
}

func TestLiquidityBadUsage(t *testing.T) {
	db := tempJournal(t)
	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"no symbol", []string{"--db", db}, "usage: keel liquidity SYMBOL"},
		{"unknown symbol", []string{"NOPE", "--db", db}, `no options on "NOPE"`},
		{"zero size", []string{"SPY", "--size", "0", "--db", db}, "--size 0"},
		{"bad date", []string{"SPY", "--expiry", "12/18/2026", "--db", db}, "not a date"},
		{"unlisted expiry", []string{"SPY", "--expiry", "2031-01-01", "--db", db}, "no options expiring 2031-01-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"liquidity"}, tc.args...)...)
			if code != 2 || out != "" || !strings.Contains(errOut, tc.says) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 saying %q", code, out, errOut, tc.says)
			}
		})
	}
}
