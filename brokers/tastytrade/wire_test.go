package tastytrade

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
)

func TestDecimalStrings(t *testing.T) {
	// tastytrade sends decimals as strings; DXLink and some fields may say "NaN" or null.
	cases := []struct {
		in    string
		valid bool
		want  string
	}{
		{`"12.50"`, true, "12.5"},
		{`"-0.03"`, true, "-0.03"},
		{`100`, true, "100"},
		{`"NaN"`, false, "0"},
		{`null`, false, "0"},
		{`""`, false, "0"},
		{`"Infinity"`, false, "0"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			var d dec
			if err := json.Unmarshal([]byte(c.in), &d); err != nil {
				t.Fatal(err)
			}
			if d.Valid != c.valid || d.D.String() != c.want {
				t.Errorf("%s → %v %s", c.in, d.Valid, d.D)
			}
		})
	}
	var d dec
	if err := json.Unmarshal([]byte(`"12,5"`), &d); err == nil {
		t.Error("a malformed decimal was accepted")
	}
}

func TestStamps(t *testing.T) {
	want := time.Date(2026, 11, 17, 15, 0, 0, 0, time.UTC)
	for _, in := range []string{`"2026-11-17T15:00:00Z"`, `"2026-11-17T10:00:00.000-0500"`, `1794927600000`} {
		var s stamp
		if err := json.Unmarshal([]byte(in), &s); err != nil || !s.Equal(want) {
			t.Errorf("%s → %v, %v", in, s.Time, err)
		}
	}
}

func TestNumberAndPrice(t *testing.T) {
	cases := []struct {
		in    any
		ok    bool
		price bool
	}{
		{601.25, true, true}, {"601.25", true, true}, {"NaN", false, false}, {nil, false, false},
		{0.0, true, false}, {-1.0, true, false},
	}
	for _, c := range cases {
		_, ok := number(c.in)
		_, pok := price(c.in)
		if ok != c.ok || pok != c.price {
			t.Errorf("%v: number %v price %v", c.in, ok, pok)
		}
	}
}

func TestFeedDataCompact(t *testing.T) {
	b, err := New(Config{RefreshToken: "r", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	spy := ref{Keel: "SPY", TT: "SPY", Type: ttEquity, Streamer: "SPY", In: instrument.NewStock("SPY")}
	qqq := ref{Keel: "QQQ", TT: "QQQ", Type: ttEquity, Streamer: "QQQ", In: instrument.NewStock("QQQ")}
	b.dx.subs["SPY"], b.dx.subs["QQQ"] = spy, qqq
	b.dx.fields = map[string][]string{"Quote": {"eventType", "eventSymbol", "bidPrice", "askPrice"}}
	// Two events flattened into one array; SPY's prices are NaN (no market), QQQ's real.
	b.dx.feedData(json.RawMessage(`["Quote",["Quote","SPY","NaN","NaN","Quote","QQQ",519.99,520.01]]`))
	// The other shape: a list of [type, values] pairs; a ragged array is dropped whole.
	b.dx.feedData(json.RawMessage(`[["Quote",["Quote","SPY",600.5,600.52]],["Quote",["Quote","SPY",1]]]`))
	var got []brokers.Quote
	timeout := time.After(2 * time.Second)
	for len(got) < 2 {
		select {
		case ev := <-b.Events():
			got = append(got, ev.(*brokers.QuoteEvent).Quote)
		case <-timeout:
			t.Fatalf("quotes %+v", got)
		}
	}
	if got[0].Symbol != "QQQ" || !got[0].Bid.Equal(decimal.RequireFromString("519.99")) ||
		got[1].Symbol != "SPY" || !got[1].Ask.Equal(decimal.RequireFromString("600.52")) {
		t.Errorf("quotes %+v", got)
	}
}

func TestBackoffBounds(t *testing.T) {
	for attempt := 0; attempt < 12; attempt++ {
		d := backoff(100*time.Millisecond, 2*time.Second, attempt)
		ceil := min(100*time.Millisecond<<attempt, 2*time.Second)
		if d < ceil/2 || d > ceil {
			t.Errorf("attempt %d: %s outside [%s, %s]", attempt, d, ceil/2, ceil)
		}
	}
}

func TestLegActions(t *testing.T) {
	opt := ref{In: instrument.Instrument{Kind: instrument.Option}}
	fut := ref{In: instrument.Instrument{Kind: instrument.Future}}
	cases := []struct {
		r         ref
		buy       bool
		qty, held int64
		want      string
	}{
		{opt, true, 1, 0, "Buy to Open"},
		{opt, true, 2, -2, "Buy to Close"},
		{opt, true, 3, -2, "Buy to Open"},
		{opt, false, 1, 1, "Sell to Close"},
		{opt, false, 1, 0, "Sell to Open"},
		{fut, true, 1, -1, "Buy"},
		{fut, false, 1, 1, "Sell"},
	}
	for _, c := range cases {
		if got := action(c.r, c.buy, c.qty, c.held); got != c.want {
			t.Errorf("buy %v qty %d held %d: %s, want %s", c.buy, c.qty, c.held, got, c.want)
		}
	}
}

func TestSignedEffects(t *testing.T) {
	v := dec{D: decimal.NewFromInt(250), Valid: true}
	if !signed(v, "Debit").Equal(decimal.NewFromInt(-250)) || !signed(v, "Credit").Equal(decimal.NewFromInt(250)) {
		t.Error("a debit must read negative, a credit positive")
	}
}
