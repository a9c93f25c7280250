package data

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// testNow is the fixed clock of the test journals.
var testNow = time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC)

func openTemp(t testing.TB) *Journal {
	t.Helper()
	j, err := Open(context.Background(), filepath.Join(t.TempDir(), "keel.db"),
		WithClock(func() time.Time { return testNow }), WithLocation(time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func day(d int, hour int) time.Time { return time.Date(2026, 3, d, hour, 30, 0, 0, time.UTC) }

func spyOption(right pricing.Right, strike float64, expiry time.Time) instrument.Instrument {
	return instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY", Expiry: expiry,
		Multiplier: 100, Right: right, Strike: strike, Style: pricing.American}
}

var (
	apr17 = time.Date(2026, 4, 17, 16, 0, 0, 0, time.UTC)
	may15 = time.Date(2026, 5, 15, 16, 0, 0, 0, time.UTC)
	esz26 = time.Date(2026, 12, 18, 14, 30, 0, 0, time.UTC)
)

var esFuture = instrument.Instrument{Kind: instrument.Future, Root: "ES", Expiry: esz26, Multiplier: 50}

func esPut(strike float64) instrument.Instrument {
	return instrument.Instrument{Kind: instrument.FuturesOption, Root: "ES", Underlying: "ESZ26", Expiry: esz26,
		Multiplier: 50, Right: pricing.Put, Strike: strike, Style: pricing.American}
}

// fill builds a tastytrade-like fill event in account 5WX01.
func fill(id, order string, at time.Time, in instrument.Instrument, qty, price, comm, fees string) statement.Event {
	return statement.Event{Broker: "tastytrade", Account: "5WX01", ID: id, Order: order, Time: at, Kind: statement.Fill,
		Instrument: in, Symbol: Symbol(in), Quantity: dec(qty), Price: dec(price), Commission: dec(comm), Fees: dec(fees),
		Source: "test.csv event " + id}
}

func stmt(events ...statement.Event) *statement.Statement {
	return &statement.Statement{Format: "test", Events: events}
}

func mustImport(t testing.TB, j *Journal, events ...statement.Event) ImportResult {
	t.Helper()
	res, err := j.Import(context.Background(), AccountRef{}, stmt(events...))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func count(t testing.TB, j *Journal, table string) int {
	t.Helper()
	var n int
	if err := j.read.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func equalDec(t testing.TB, what string, got decimal.Decimal, want string) {
	t.Helper()
	if !got.Equal(dec(want)) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func onlyTrade(t testing.TB, j *Journal) TradeDetail {
	t.Helper()
	list, err := j.ListTrades(context.Background(), Filter{}, Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Trades) != 1 {
		t.Fatalf("%d trades, want 1: %+v", len(list.Trades), list.Trades)
	}
	d, err := j.TradeDetail(context.Background(), list.Trades[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func nanValue() float64 { z := 0.0; return z / z }

// testdata is a statement file of the parsers' own test data (data/statement/testdata).
func testdata(name string) string { return filepath.Join("statement", "testdata", name) }
