package positions

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
)

// paperStart is the market time the test paper accounts open at: Friday 20 November 2026,
// 10:00 in New York, in the session.
var paperStart = time.Date(2026, time.November, 20, 15, 0, 0, 0, time.UTC)

// startTestDesk opens a new paper account with the demo book in a temporary journal file,
// starts the desk on it (market clock moved by hand) and advances the market until every
// position is quoted. It runs inside a test app.
func startTestDesk(t *testing.T) (*desk.Service, *paper.Broker) {
	t.Helper()
	k := testkit.QuotedDesk(t, paperStart)
	return k.Desk, k.Paper
}

// newTestPositions opens the positions window on d in a test window.
func newTestPositions(t *testing.T, d *desk.Service, open func(string, any)) (*PositionsView, fyne.Window) {
	t.Helper()
	var v *PositionsView
	var w fyne.Window
	testkit.Locked(func() {
		v = NewPositionsView(ui.Env{Now: func() time.Time { return paperStart }, Desk: d, Open: open})
		w = test.NewTempWindow(t, v.Content())
		w.Resize(positionsSize)
	})
	t.Cleanup(func() { v.Stop(); <-v.Done() })
	return v, w
}

// cellText is what the positions table shows in one cell.
func cellText(v *PositionsView, row, col int) (string, widget.Importance) {
	l, f := widget.NewLabel(""), ui.NewFigure()
	v.updateCell(widget.TableCellID{Row: row, Col: col}, container.NewStack(l, f))
	if f.Visible() {
		return f.Text(), f.Importance()
	}
	return l.Text, l.Importance
}

func columnIndex(t *testing.T, title string) int {
	t.Helper()
	for i, c := range positionColumns {
		if c.title == title {
			return i
		}
	}
	t.Fatalf("no column %q", title)
	return -1
}

func TestPositionsShowDemoBookAndAccount(t *testing.T) {
	d, b := startTestDesk(t)
	v, _ := newTestPositions(t, d, nil)
	v.Settle()
	want, err := b.Positions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v.OnUI(func() {
		if len(v.rows) != len(want) {
			t.Fatalf("table has %d rows, the broker %d positions", len(v.rows), len(want))
		}
		shown := map[string]int{}
		for r := range v.rows {
			sym, _ := cellText(v, r, 0)
			qty, _ := cellText(v, r, 1)
			shown[sym] = r
			if qty == "" || qty == ui.NoValue {
				t.Errorf("row %d (%s) shows no quantity", r, sym)
			}
		}
		for _, p := range want {
			r, ok := shown[p.Symbol]
			if !ok {
				t.Errorf("position %s is not in the table", p.Symbol)
				continue
			}
			if got, _ := cellText(v, r, 1); got != ui.Num(float64(p.Quantity), 0) {
				t.Errorf("%s quantity shows %q, want %q", p.Symbol, got, ui.Num(float64(p.Quantity), 0))
			}
			if got, _ := cellText(v, r, columnIndex(t, "Bid")); got == ui.NoValue {
				t.Errorf("%s has no bid after settling", p.Symbol)
			}
		}
		// The demo book is valued: every row shows Greeks, no "not valued" reason.
		for r := range v.rows {
			if txt, _ := cellText(v, r, firstGreek); strings.HasPrefix(txt, "not valued") {
				t.Errorf("row %d: %s", r, txt)
			}
		}
		s := v.snap
		if got, want := v.netLiq.Text(), ui.USD(s.Account.NetLiquidation); got != want || want == ui.USD(decimal.Zero) {
			t.Errorf("net liq shows %q, want %q", got, want)
		}
		if got, want := v.buyingPower.Text(), ui.USD(s.Account.BuyingPower); got != want {
			t.Errorf("buying power shows %q, want %q", got, want)
		}
		if got, want := v.bookDelta.Text(), ui.SignedNum(s.Book.Total.BetaDelta, 1); got != want {
			t.Errorf("book delta shows %q, want %q", got, want)
		}
		if !strings.HasPrefix(v.clockText.Text(), "Paper market · Fri 20 Nov 2026 10:0") || !strings.Contains(v.clockText.Text(), "· open ·") {
			t.Errorf("clock shows %q", v.clockText.Text())
		}
		if !strings.Contains(v.status.Text, "connected") || v.status.Importance != widget.SuccessImportance {
			t.Errorf("status %q (importance %v), want connected in green", v.status.Text, v.status.Importance)
		}
	})
}

func TestPositionsShowDisconnectAndRecovery(t *testing.T) {
	d, _ := startTestDesk(t)
	defer func(d time.Duration) { simulatedOutage = d }(simulatedOutage)
	simulatedOutage = 1500 * time.Millisecond
	v, _ := newTestPositions(t, d, nil)
	if v.outage == nil {
		t.Fatal("the paper account offers no simulated outage")
	}
	v.OnUI(func() { test.Tap(v.outage) })
	var status string
	testkit.WaitFor(t, "the disconnect to show", func() bool {
		ok := false
		v.OnUI(func() {
			status = v.status.Text
			ok = strings.Contains(status, "disconnected — reconnecting") && v.status.Importance == widget.DangerImportance &&
				v.reconnect.Visible()
		})
		return ok
	})
	testkit.WaitFor(t, "the reconnect to show", func() bool {
		ok := false
		v.OnUI(func() {
			ok = v.status.Text == "● paper: connected" && !v.reconnect.Visible() && len(v.rows) > 0
		})
		return ok
	})
	t.Logf("while down the window said %q", status)
}

func TestPositionsClosePositionOpensPrefilledTicket(t *testing.T) {
	d, _ := startTestDesk(t)
	var opened []any
	v, _ := newTestPositions(t, d, func(name string, arg any) {
		if name != "ticket" {
			t.Errorf("opened %q, want the ticket", name)
		}
		opened = append(opened, arg)
	})
	v.Settle()
	v.OnUI(func() {
		row := -1
		for r := range v.rows {
			if v.rows[r].Quantity < 0 && v.rows[r].Instrument.Kind == instrument.Option {
				row = r
			}
		}
		if row < 0 {
			t.Fatal("the demo book has no short equity option")
		}
		p := v.rows[row]
		if !v.closePos.Disabled() {
			t.Error("Close position is enabled with nothing selected")
		}
		v.table.Select(widget.TableCellID{Row: row, Col: 0})
		if v.closePos.Disabled() {
			t.Fatal("Close position is disabled with a position selected")
		}
		test.Tap(v.closePos)
		test.Tap(v.newOrder)
		if len(opened) != 2 {
			t.Fatalf("opened %d tickets, want 2", len(opened))
		}
		o, ok := opened[0].(*brokers.Order)
		if !ok {
			t.Fatalf("Close position opened the ticket with %T", opened[0])
		}
		if len(o.Legs) != 1 || o.Legs[0].Symbol != p.Symbol || o.Legs[0].Ratio != 1 || o.Quantity != -p.Quantity {
			t.Errorf("closing order %+v for position %s %d", *o, p.Symbol, p.Quantity)
		}
		if opened[1] != nil {
			t.Errorf("New order opened the ticket with %v, want nothing", opened[1])
		}
	})
}

func TestPositionsCancelWorkingOrder(t *testing.T) {
	d, _ := startTestDesk(t)
	v, _ := newTestPositions(t, d, nil)
	ctx := context.Background()
	q, err := d.Quote(ctx, "QQQ")
	if err != nil {
		t.Fatal(err)
	}
	// A buy limit far below the market works instead of filling.
	low := q.Bid.Mul(decimal.RequireFromString("0.8")).Round(2)
	st, err := d.Place(ctx, brokers.Order{ClientID: desk.NewClientID(), Quantity: 5, Type: brokers.Limit, Limit: low,
		Legs: []brokers.Leg{{Symbol: "QQQ", Instrument: q.Instrument, Ratio: 1}}})
	if err != nil || st.State != brokers.Working {
		t.Fatalf("place: %v %v", st.State, err)
	}
	row := -1
	testkit.WaitFor(t, "the working order to show", func() bool {
		v.OnUI(func() {
			row = -1
			for i, o := range v.orders {
				if o.ID == st.ID && o.State == brokers.Working {
					row = i
				}
			}
		})
		return row >= 0
	})
	v.OnUI(func() {
		cell := v.orderTable.CreateCell()
		v.updateOrderCell(widget.TableCellID{Row: row, Col: len(orderColumns) - 1}, cell)
		btn := cell.(*fyne.Container).Objects[1].(*widget.Button)
		if !btn.Visible() {
			t.Fatal("no Cancel button on a working order")
		}
		test.Tap(btn)
	})
	testkit.WaitFor(t, "the order to be cancelled", func() bool {
		ok := false
		v.OnUI(func() {
			for _, o := range v.orders {
				if o.ID == st.ID && o.State == brokers.Cancelled {
					ok = strings.Contains(v.orderNote.Text, "cancelled")
				}
			}
		})
		return ok
	})
}

func TestPositionsWithoutDeskSaysWhy(t *testing.T) {
	test.NewTempApp(t)
	v := NewPositionsView(ui.Env{Now: func() time.Time { return paperStart }, DeskErr: fmt.Errorf("paper account: disk full")})
	v.Settle()
	if !strings.Contains(v.status.Text, "disk full") || v.status.Importance != widget.DangerImportance {
		t.Errorf("status %q", v.status.Text)
	}
	if !v.newOrder.Disabled() {
		t.Error("New order is enabled without a desk")
	}
}

func TestClockWords(t *testing.T) {
	// 15:32:05 UTC is 10:32:05 in New York on 20 Nov 2026 (EST, UTC−5).
	at := time.Date(2026, 11, 20, 15, 32, 5, 0, time.UTC)
	tests := []struct {
		c    brokers.ClockState
		want string
	}{
		{brokers.ClockState{Now: at, Speed: 60, Open: true}, "Paper market · Fri 20 Nov 2026 10:32:05 ET · open · 60×"},
		{brokers.ClockState{Now: at, Speed: 1, Paused: true, Open: true}, "Paper market · Fri 20 Nov 2026 10:32:05 ET · open · paused"},
		{brokers.ClockState{Now: at.Add(8 * time.Hour), Speed: 2.5}, "Paper market · Fri 20 Nov 2026 18:32:05 ET · closed · 2.5×"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := clockWords(tt.c); got != tt.want {
				t.Errorf("clockWords = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPositionsScreenshot renders the positions window to /tmp/h6-positions.png (when
// KEEL_SHOTS is set) for a look; it checks that the content fits the window.
func TestPositionsScreenshot(t *testing.T) {
	d, _ := startTestDesk(t)
	var v *PositionsView
	var content fyne.CanvasObject
	testkit.Locked(func() {
		v = NewPositionsView(ui.Env{Now: func() time.Time { return paperStart }, Desk: d, Open: func(string, any) {}})
		content = v.Content()
	})
	t.Cleanup(func() { v.Stop(); <-v.Done() })
	v.Settle()
	if m := content.MinSize(); m.Width > positionsSize.Width || m.Height > positionsSize.Height {
		t.Errorf("positions need %v, more than the window's %v", m, positionsSize)
	}
	if os.Getenv("KEEL_SHOTS") != "" {
		testkit.Shot(t, content, positionsSize, "/tmp/h6-positions.png")
	}
}

// benchSnapshot is a synthetic 500-position book for the apply benchmark (never shown to
// anyone): SPY puts and calls around 640 with quotes and risk figures that move with seed.
func benchSnapshot(seed int) *desk.Snapshot {
	s := &desk.Snapshot{Seq: uint64(seed), Time: paperStart, Broker: "paper", Connected: true, Status: "connected",
		Synced: true, Journaling: true, Quotes: map[string]brokers.Quote{desk.Benchmark: {Symbol: desk.Benchmark}},
		Clock: &brokers.ClockState{Now: paperStart.Add(time.Duration(seed) * time.Second), Speed: 60, Open: true}}
	s.Account = brokers.Account{ID: "paper", NetLiquidation: decimal.NewFromInt(250000 + int64(seed)),
		Cash: decimal.NewFromInt(178000), BuyingPower: decimal.NewFromInt(145000), Maintenance: decimal.NewFromInt(104000)}
	for i := 0; i < 500; i++ {
		occ := instrument.OCCOption{Root: "SPY", Year: 2026, Month: time.December, Day: 18, Right: pricing.Put, Strike: 500 + float64(i/2)}
		if i%2 == 1 {
			occ.Right = pricing.Call
		}
		in := instrument.NewOption(occ)
		mid := 1 + float64((i*7+seed)%300)/100
		q := brokers.Quote{Symbol: in.Symbol(), Instrument: in, Bid: decimal.NewFromFloat(mid - 0.02).Round(2),
			Ask: decimal.NewFromFloat(mid + 0.02).Round(2), Underlying: decimal.NewFromFloat(640 + float64(seed%10)/10), IV: 0.18}
		risk := portfolio.PositionRisk{UnderlyingPrice: 640, Vol: 0.18, DTE: 28,
			Exposure: portfolio.Exposure{Delta: -30 + float64(seed%5), BetaDollarDelta: -19000 + float64(i), Gamma: -120, Theta: 14, Vega: -45}}
		s.Positions = append(s.Positions, desk.Position{
			Position: brokers.Position{Instrument: in, Symbol: in.Symbol(), Quantity: -2, AveragePrice: decimal.NewFromFloat(mid).Round(2),
				Mark: decimal.NewFromFloat(mid).Round(3)},
			Quote: q, Risk: risk, PnL: decimal.NewFromFloat(float64(seed%7) - 3)})
	}
	for i := 0; i < 20; i++ {
		s.Orders = append(s.Orders, brokers.OrderStatus{ID: fmt.Sprint(i + 1), State: brokers.Working,
			Order: brokers.Order{Quantity: 1, Limit: decimal.RequireFromString("-1.25"),
				Legs: []brokers.Leg{{Symbol: s.Positions[i].Symbol, Ratio: -1}}}})
	}
	return s
}

// BenchmarkPositionsApply measures the UI goroutine's work to apply one 500-position
// snapshot to an open positions window (1500×880, the table scrolled to the top): the
// snapshot is formatted off the UI goroutine first (newFrame), as the window does.
func BenchmarkPositionsApply(b *testing.B) {
	a := test.NewApp()
	defer a.Quit()
	a.Settings().SetTheme(ui.Theme())
	v := NewPositionsView(ui.Env{Now: func() time.Time { return paperStart }, DeskErr: fmt.Errorf("benchmark")})
	w := test.NewWindow(v.Content())
	defer w.Close()
	w.Resize(positionsSize)
	frames := []*frame{newFrame(benchSnapshot(1)), newFrame(benchSnapshot(2))}
	v.show(frames[0])
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		v.show(frames[i%2])
	}
}

func TestPositionsRowNotValuedShowsWhyAndRedLoss(t *testing.T) {
	test.NewTempApp(t)
	v := NewPositionsView(ui.Env{Now: func() time.Time { return paperStart }, DeskErr: fmt.Errorf("not started")})
	s := benchSnapshot(3)
	s.Positions[1].Risk = portfolio.PositionRisk{Err: fmt.Errorf("no volatility explains the price 0.01")}
	s.Positions[2].PnL = decimal.RequireFromString("-12.5")
	s.Positions[3].PnL = decimal.RequireFromString("12.5")
	v.apply(s)
	if got, imp := cellText(v, 1, firstGreek); got != "not valued: no volatility explains the price 0.01" || imp != widget.WarningImportance {
		t.Errorf("not valued row shows %q", got)
	}
	for c := firstGreek + 1; c < len(positionColumns); c++ {
		if got, _ := cellText(v, 1, c); got != "" {
			t.Errorf("not valued row shows %q in %s", got, positionColumns[c].title)
		}
	}
	if got, _ := cellText(v, 0, firstGreek); got != "−27.0 sh" {
		t.Errorf("valued row's delta shows %q, want −27.0 sh", got)
	}
	pnl := columnIndex(t, "Unrealized P&L ($)")
	if got, imp := cellText(v, 2, pnl); got != "−$12.50" || imp != widget.DangerImportance {
		t.Errorf("loss shows %q (importance %v), want −$12.50 in red", got, imp)
	}
	if got, imp := cellText(v, 3, pnl); got != "$12.50" || imp == widget.DangerImportance {
		t.Errorf("gain shows %q (importance %v)", got, imp)
	}
	if v.count.Text != "Positions (500, 1 not valued)" {
		t.Errorf("count %q", v.count.Text)
	}
}

func TestPositionsClockControls(t *testing.T) {
	d, _ := startTestDesk(t)
	v, _ := newTestPositions(t, d, nil)
	v.OnUI(func() { v.speed.SetSelected("60×") })
	testkit.WaitFor(t, "the market at 60×", func() bool {
		ok := false
		v.OnUI(func() { ok = strings.HasSuffix(v.clockText.Text(), "· 60×") })
		return ok
	})
	v.OnUI(func() { test.Tap(v.pause) })
	testkit.WaitFor(t, "the market paused", func() bool {
		ok := false
		v.OnUI(func() { ok = strings.HasSuffix(v.clockText.Text(), "· paused") && v.pause.Text == "Resume" })
		return ok
	})
	if c := d.Paper().Clock(); !c.Paused || c.Speed != 60 {
		t.Errorf("broker clock %+v, want paused at 60×", c)
	}
	v.Wait() // the pause button's result lands before the test app is torn down
}

func TestPositionsSelectionFollowsItsSymbol(t *testing.T) {
	test.NewTempApp(t)
	var opened *brokers.Order
	v := NewPositionsView(ui.Env{Now: func() time.Time { return paperStart }, DeskErr: fmt.Errorf("not started"),
		Open: func(_ string, arg any) { opened, _ = arg.(*brokers.Order) }})
	w := test.NewTempWindow(t, v.Content())
	w.Resize(positionsSize)
	s := benchSnapshot(1)
	s.Positions = s.Positions[:5]
	v.apply(s)
	v.table.Select(widget.TableCellID{Row: 3, Col: 0})
	want := s.Positions[3].Symbol
	// A new position sorted in first moves the selected one down a row.
	next := benchSnapshot(2)
	next.Positions = append([]desk.Position{{Position: brokers.Position{Symbol: "AAA", Quantity: 1,
		Instrument: instrument.NewStock("AAA")}}}, next.Positions[:5]...)
	v.apply(next)
	if v.selected != want || v.selectedRow != 4 || !strings.Contains(v.selection.Text, want) {
		t.Fatalf("selection %q row %d (%q), want %s at row 4", v.selected, v.selectedRow, v.selection.Text, want)
	}
	test.Tap(v.closePos)
	if opened == nil || opened.Legs[0].Symbol != want || opened.Legs[0].Ratio != 1 || opened.Quantity != 2 {
		t.Fatalf("Close position opened %+v, want a buy of 2 %s", opened, want)
	}
	// When the position is gone, nothing stays selected.
	gone := benchSnapshot(3)
	gone.Positions = gone.Positions[:2]
	v.apply(gone)
	if v.selected != "" || !v.closePos.Disabled() {
		t.Errorf("selection %q stays after its position closed", v.selected)
	}
}
