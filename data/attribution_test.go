package data

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

func TestRecordDayExplainsPnLByGreek(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	acct := AccountRef{Broker: "tastytrade", Account: "5WX01"}
	put := spyOption(pricing.Put, 640, apr17)
	mustImport(t, j, fill("e1", "o1", day(2, 14), put, "-2", "3.10", "1.30", "0.10"))
	d1 := time.Date(2026, 3, 2, 20, 55, 0, 0, time.UTC) // 15:55 New York
	d2 := d1.Add(24 * time.Hour)
	row := PositionDay{Symbol: "SPY   260417P00640000", Instrument: put, Layer: "SPY options", Quantity: -2,
		Spot: 660, Vol: 0.18, Value: -620, Delta: 36, Gamma: -2.4, Theta: 22.5, Vega: -61}
	first := row
	first.Time = d1.Add(-time.Hour) // an earlier sample the same day is replaced
	first.Value = -700
	for _, rs := range [][]PositionDay{{first}, {withTime(row, d1)}} {
		if err := j.RecordDay(ctx, acct, rs); err != nil {
			t.Fatal(err)
		}
	}
	next := withTime(row, d2)
	next.Spot, next.Vol, next.Value = 664, 0.17, -480
	if err := j.RecordDay(ctx, acct, []PositionDay{next}); err != nil {
		t.Fatal(err)
	}
	got, err := j.Attribution(ctx, Book("tastytrade", "5WX01"), AttributionFilter{})
	if err != nil || len(got) != 1 {
		t.Fatalf("attribution %+v %v", got, err)
	}
	a := got[0]
	// By hand, from the first day's Greeks: delta 36 × 4 = 144; gamma ½ × −2.4 × 4² = −19.2;
	// theta 22.5 × 1 day; vega −61 × (17 − 18) vol points = +61; actual −480 − (−620) = 140;
	// unexplained 140 − 208.3 = −68.3.
	want := AttributionRow{Day: "2026-03-03", Delta: 144, Gamma: -19.2, Theta: 22.5, Vega: 61, Actual: 140, Unexplained: -68.3}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"delta", a.Delta, want.Delta}, {"gamma", a.Gamma, want.Gamma}, {"theta", a.Theta, want.Theta},
		{"vega", a.Vega, want.Vega}, {"actual", a.Actual, want.Actual}, {"unexplained", a.Unexplained, want.Unexplained}} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if a.Day != want.Day || a.TradeID == 0 || a.Layer != "SPY options" {
		t.Errorf("row %+v: want day %s, the put's trade and its layer", a, want.Day)
	}
	byTrade, _ := j.Attribution(ctx, Book("tastytrade", "5WX01"), AttributionFilter{TradeID: a.TradeID})
	if len(byTrade) != 1 {
		t.Errorf("by trade: %d rows", len(byTrade))
	}
	if s := SumByDay(append(got, got...)); len(s) != 1 || s[0].Delta != 288 {
		t.Errorf("sum by day %+v", s)
	}
}

func withTime(r PositionDay, at time.Time) PositionDay {
	r.Time = at
	return r
}

func TestUnderlyingDaysGivesClosesAndImpliedVol(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	acct := AccountRef{Broker: "paper", Account: "paper"}
	put := spyOption(pricing.Put, 640, apr17)
	call := spyOption(pricing.Call, 700, apr17)
	d1 := time.Date(2026, 3, 2, 20, 55, 0, 0, time.UTC)
	err := j.RecordDay(ctx, acct, []PositionDay{
		{Symbol: "P", Instrument: put, Time: d1, Quantity: -1, Spot: 660, Vol: 0.20},
		{Symbol: "C", Instrument: call, Time: d1, Quantity: -1, Spot: 660, Vol: 0.16},
		{Symbol: "SPY", Instrument: spyStock(), Time: d1.Add(24 * time.Hour), Quantity: 100, Spot: 664},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := j.UnderlyingDays(ctx, Book("paper", "paper"), "SPY")
	if err != nil || len(got) != 2 || got[0].Spot != 660 || math.Abs(got[0].Implied-0.18) > 1e-12 || got[1].Implied != 0 {
		t.Fatalf("days %+v %v", got, err)
	}
	if u, _ := j.RecordedUnderlyings(ctx, Book("paper", "paper")); len(u) != 1 || u[0] != "SPY" {
		t.Fatalf("underlyings %v", u)
	}
}

func spyStock() instrument.Instrument {
	return instrument.Instrument{Kind: instrument.Stock, Root: "SPY", Multiplier: 1}
}
