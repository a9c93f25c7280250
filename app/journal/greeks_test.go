package journal

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

func TestJournalExplainsTheBooksPnLByGreek(t *testing.T) {
	v, _, _ := newTestView(t)
	ctx := context.Background()
	acct := data.AccountRef{Broker: "paper", Account: "paper", Kind: data.Paper}
	put := instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY", Multiplier: 100,
		Right: pricing.Put, Strike: 640, Style: pricing.American, Expiry: time.Date(2027, 1, 15, 21, 0, 0, 0, time.UTC)}
	close1 := time.Date(2026, 11, 16, 20, 55, 0, 0, time.UTC)
	row := data.PositionDay{Symbol: "SPY   270115P00640000", Instrument: put, Quantity: -2, Spot: 660, Vol: 0.18,
		Value: -620, Delta: 36, Gamma: -2.4, Theta: 22.5, Vega: -61}
	open := statement.Event{ID: "f1", Order: "o1", Time: close1.Add(-time.Hour), Kind: statement.Fill, Instrument: put,
		Symbol: row.Symbol, Quantity: decimal.NewFromInt(-2), Price: decimal.RequireFromString("3.10")}
	if _, err := v.j.RecordFills(ctx, acct, &statement.Statement{Events: []statement.Event{open}}, nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 12; i++ {
		r := row
		r.Time = close1.AddDate(0, 0, i)
		r.Spot = 660 + float64(i%3) // a wiggle, so realized vol is not zero
		r.Value = -620 + 10*float64(i)
		if err := v.j.RecordDay(ctx, acct, []data.PositionDay{r}); err != nil {
			t.Fatal(err)
		}
	}
	onUI(v, func() {
		accts, _ := v.j.Accounts(ctx)
		v.setAccounts(accts)
		v.applyFilter()
	})
	v.Wait()
	var note string
	onUI(v, func() { note = v.greeks.note.Text })
	// Each of the 11 explained days: theta 22.5 × 1 day; over 11 days $247.50.
	if !strings.Contains(note, "11 days") || !strings.Contains(note, "theta $247.50") {
		t.Fatalf("tab note %q", note)
	}
	var series int
	onUI(v, func() { series = len(v.greeks.underlying.Options) })
	if series != 1 {
		t.Fatalf("underlyings %d, want SPY", series)
	}
	days, _ := v.j.UnderlyingDays(ctx, data.Book("paper", "paper"), "SPY")
	vs := volSeries(days)
	if len(vs[0].Values) != 12 || len(vs[1].Values) != 12-realizedWindow+1 || vs[0].Values[0] != 18 {
		t.Fatalf("vol series %+v", vs)
	}
}
