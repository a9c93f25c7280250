package cli

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/portfolio"
)

// shortOptions are the symbols of the short options of the paper book in the journal at db
// and the layer of each, as the desk values it.
func shortOptions(t testing.TB, db string) map[string]string {
	t.Helper()
	o, ok := openObserver(context.Background(), "test", db, 15*time.Second, &strings.Builder{})
	if !ok {
		t.Fatal("cannot open the journal")
	}
	defer o.Close()
	out := map[string]string{}
	for _, p := range o.snap.Book.Positions {
		if p.Instrument.IsOption() && p.Quantity < 0 {
			layer := p.Layer
			if layer == "" {
				layer = portfolio.Unassigned
			}
			out[p.Instrument.Symbol()] = layer
		}
	}
	return out
}

// TestRollDemoBook checks `keel roll --json` on a fresh paper account: a plan for every
// short option of the demo book, no candidate adding contracts, and net_mid and
// net_natural adding up from the legs' own quotes.
func TestRollDemoBook(t *testing.T) {
	db := tempJournal(t)
	var rep map[string]any
	runJSON(t, &rep, "roll", "--db", db, "--json")
	hasKeys(t, "report", rep, "as_of", "plans")
	if _, err := time.Parse(time.RFC3339, rep["as_of"].(string)); err != nil {
		t.Error(err)
	}
	shorts := shortOptions(t, db)
	if len(shorts) < 4 {
		t.Fatalf("the demo book has %d short options: %v", len(shorts), shorts)
	}
	plans := rep["plans"].([]any)
	planned := map[string]bool{}
	for _, p := range plans {
		plan := p.(map[string]any)
		hasKeys(t, "plan", plan, "position", "target_delta", "before", "candidates")
		pos := plan["position"].(map[string]any)
		hasKeys(t, "position", pos, "symbol", "quantity", "layer")
		sym := pos["symbol"].(string)
		planned[sym] = true
		t.Run(sym, func(t *testing.T) {
			if layer, ok := shorts[sym]; !ok || pos["quantity"].(float64) >= 0 || pos["layer"] != layer {
				t.Errorf("position %v is not a short option of the book (%v)", pos, shorts)
			}
			if plan["problem"] != nil {
				t.Errorf("no plan: %v", plan["problem"])
			}
			before := plan["before"].(map[string]any)
			hasKeys(t, "before", before, "layer_delta", "contracts")
			cands := plan["candidates"].([]any)
			if len(cands) == 0 {
				t.Fatal("no candidates")
			}
			for i, c := range cands {
				cand := c.(map[string]any)
				hasKeys(t, "candidate", cand, "rank", "legs", "net_mid", "net_natural", "after", "liquidity", "why")
				hasKeys(t, "after", cand["after"].(map[string]any), "layer_delta", "contracts", "gamma", "theta", "vega")
				if int(cand["rank"].(float64)) != i+1 {
					t.Errorf("candidate %d has rank %v", i+1, cand["rank"])
				}
				if v := cand["liquidity"]; v != "pass" && v != "warn" && v != "fail" {
					t.Errorf("liquidity %v", v)
				}
				var closed, opened, mid, natural float64
				for _, l := range cand["legs"].([]any) {
					leg := l.(map[string]any)
					hasKeys(t, "leg", leg, "symbol", "side", "effect", "quantity", "multiplier", "bid", "ask", "expiry")
					q, m := leg["quantity"].(float64), leg["multiplier"].(float64)
					bid, ask := leg["bid"].(float64), leg["ask"].(float64)
					if q <= 0 {
						t.Errorf("leg quantity %v", q)
					}
					switch leg["effect"] {
					case "close":
						closed += q
					case "open":
						opened += q
					default:
						t.Errorf("effect %v", leg["effect"])
					}
					switch leg["side"] {
					case "sell":
						mid += q * m * (bid + ask) / 2
						natural += q * m * bid
					case "buy":
						mid -= q * m * (bid + ask) / 2
						natural -= q * m * ask
					default:
						t.Errorf("side %v", leg["side"])
					}
				}
				if opened > closed {
					t.Errorf("rank %v opens %g contracts for %g closed", cand["rank"], opened, closed)
				}
				if after := cand["after"].(map[string]any)["contracts"].(float64); after > before["contracts"].(float64) {
					t.Errorf("rank %v: %g contracts after, %v before", cand["rank"], after, before["contracts"])
				}
				if math.Abs(cand["net_mid"].(float64)-mid) > 0.005 || math.Abs(cand["net_natural"].(float64)-natural) > 0.005 {
					t.Errorf("rank %v: net mid %v natural %v, the legs add up to %.2f and %.2f", cand["rank"], cand["net_mid"],
						cand["net_natural"], mid, natural)
				}
			}
		})
	}
	for sym := range shorts {
		if !planned[sym] {
			t.Errorf("no plan for the short %s", sym)
		}
	}
	if len(plans) != len(shorts) {
		t.Errorf("%d plans for %d short options", len(plans), len(shorts))
	}
}

// TestRollTargets checks --position and --layer narrow the plans, and bad targets exit 2.
func TestRollTargets(t *testing.T) {
	db := tempJournal(t)
	shorts := shortOptions(t, db)
	var sym, layer string
	for s, l := range shorts {
		if sym == "" || s < sym {
			sym, layer = s, l
		}
	}
	t.Run("position", func(t *testing.T) {
		var rep struct {
			Plans []struct {
				Position struct{ Symbol, Layer string }
			}
		}
		runJSON(t, &rep, "roll", "--db", db, "--position", sym, "--json")
		if len(rep.Plans) != 1 || rep.Plans[0].Position.Symbol != sym {
			t.Errorf("plans %+v, want one for %s", rep.Plans, sym)
		}
	})
	t.Run("layer", func(t *testing.T) {
		var rep struct {
			Plans []struct {
				Position struct{ Symbol, Layer string }
			}
		}
		runJSON(t, &rep, "roll", "--db", db, "--layer", layer, "--json")
		want := 0
		for _, l := range shorts {
			if l == layer {
				want++
			}
		}
		if len(rep.Plans) != want {
			t.Errorf("%d plans for layer %s, want %d", len(rep.Plans), layer, want)
		}
		for _, p := range rep.Plans {
			if p.Position.Layer != layer {
				t.Errorf("plan for %s of layer %s", p.Position.Symbol, p.Position.Layer)
			}
		}
	})
	t.Run("text", func(t *testing.T) {
		code, out, errOut := run(t, "roll", "--db", db, "--position", sym)
		if code != 0 || errOut != "" || !strings.Contains(out, sym) || !strings.Contains(out, "Net mid") {
			t.Errorf("exit %d, stderr %q:\n%.500s", code, errOut, out)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"unknown layer", []string{"--layer", "no such layer"}, `no layer "no such layer"`},
		{"unknown position", []string{"--position", "SPY"}, "no position SPY"},
		{"both", []string{"--position", sym, "--layer", layer}, "not both"},
		{"stray argument", []string{"SPY"}, "unexpected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"roll", "--db", db}, tc.args...)...)
			if code != 2 || out != "" || !strings.Contains(errOut, tc.says) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 saying %q", code, out, errOut, tc.says)
			}
		})
	}
}
