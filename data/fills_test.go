package data

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/keel-desk/keel/engine/pricing"
)

func TestRecordFillsStoresEntryGreeksOnceForOpeningFills(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	acct := AccountRef{Broker: "tastytrade", Account: "5WX01"}
	put := spyOption(pricing.Put, 640, apr17)
	open := fill("e1", "o1", day(2, 15), put, "-2", "3.10", "1.30", "0.10")
	g := GreekSnapshot{Delta: 36, Gamma: -1.2, Theta: 22.5, Vega: -61, IV: 0.18, UnderlyingPrice: dec("661.20")}
	res, err := j.RecordFills(ctx, acct, stmt(open), map[string]GreekSnapshot{"e1": g})
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 1 || res.TradesOpened != 1 {
		t.Fatalf("result %+v, want one new fill opening one trade", res)
	}
	// The same fill again (a reconnect resync) adds neither a fill nor a second snapshot.
	res, err = j.RecordFills(ctx, acct, stmt(open), map[string]GreekSnapshot{"e1": g})
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 1 || count(t, j, "greek_snapshots") != 1 {
		t.Fatalf("resync: result %+v, %d snapshots; want skipped and one snapshot", res, count(t, j, "greek_snapshots"))
	}
	// A closing fill has no entry Greeks even when some are passed.
	closing := fill("e2", "o2", day(3, 15), put, "2", "1.05", "1.30", "0.10")
	if _, err := j.RecordFills(ctx, acct, stmt(closing), map[string]GreekSnapshot{"e2": g}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, j, "greek_snapshots"); n != 1 {
		t.Fatalf("%d snapshots after a closing fill, want 1", n)
	}
	list, err := j.ListTrades(ctx, Filter{}, Page{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := j.TradeDetail(ctx, list.Trades[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.EntryGreeks) != 1 || d.EntryGreeks[0].Delta != 36 || d.EntryGreeks[0].LegID == 0 || !d.EntryGreeks[0].Time.Equal(day(2, 15)) {
		t.Fatalf("entry greeks %+v, want the opening leg's at the fill time", d.EntryGreeks)
	}
}

func TestRecordFillsRefusesBadGreeksAndChangesNothing(t *testing.T) {
	j := openTemp(t)
	acct := AccountRef{Broker: "tastytrade", Account: "5WX01"}
	ev := fill("e1", "o1", day(2, 15), spyOption(pricing.Call, 700, apr17), "-1", "2.00", "0.65", "0.05")
	bad := GreekSnapshot{IV: -0.1}
	if _, err := j.RecordFills(context.Background(), acct, stmt(ev), map[string]GreekSnapshot{"e1": bad}); err == nil {
		t.Fatal("negative IV accepted")
	}
	if n := count(t, j, "fills"); n != 0 {
		t.Fatalf("%d fills recorded after a refused batch, want 0", n)
	}
	if _, err := j.RecordFills(context.Background(), AccountRef{}, stmt(ev), nil); err == nil {
		t.Fatal("unnamed account accepted")
	}
}

// TestFullDiskIsTransient fills the journal to its limit (SQLite's max_page_count, which
// fails a write with SQLITE_FULL as a full disk does): the error is transient, and the
// same fills record once there is room again.
func TestFullDiskIsTransient(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	acct := AccountRef{Broker: "tastytrade", Account: "5WX01"}
	var pages int
	if err := j.write.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := j.write.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	ev := fill("PF-1", "PO-1", day(2, 15), spyOption(pricing.Call, 700, apr17), "-1", "2.00", "0.65", "0.05")
	ev.Source = strings.Repeat("a fill that needs pages the journal does not have ", 200)
	_, err := j.RecordFills(ctx, acct, stmt(ev), nil)
	if err == nil || !Transient(err) {
		t.Fatalf("on a full journal: %v; want a transient error", err)
	}
	if Transient(errors.New("a fill without a price")) {
		t.Error("an error in the data called transient")
	}
	if _, err := j.write.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if res, err := j.RecordFills(ctx, acct, stmt(ev), nil); err != nil || res.New != 1 {
		t.Fatalf("once there is room: %+v, %v", res, err)
	}
}
