package ticket

import (
	"context"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers/paper"
)

// newTestTicket opens an order ticket on d in a test window and waits for its look-ups and
// first preview.
func newTestTicket(t *testing.T, d *desk.Service, prefill *brokers.Order) (*OrderTicket, fyne.Window) {
	t.Helper()
	var tk *OrderTicket
	var w fyne.Window
	testkit.Locked(func() {
		w = test.NewTempWindow(t, widget.NewLabel(""))
		tk = NewOrderTicket(ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: d, Window: w}, prefill)
		w.SetContent(tk.Content())
		w.Resize(ticketSize)
	})
	t.Cleanup(func() { stopTicket(tk) })
	tk.Wait()
	return tk, w
}

// stopTicket stops a ticket and waits until nothing of it runs any more.
func stopTicket(tk *OrderTicket) {
	tk.Settle()
}

// typeText sets an entry's text as typing would (OnChanged runs).
func typeText(tk *OrderTicket, e *ui.Entry, s string) {
	tk.OnUI(func() { e.SetText(s) })
}

func TestTicketValidatesBadInput(t *testing.T) {
	d, _ := startTestDesk(t)
	tk, _ := newTestTicket(t, d, nil)
	tk.OnUI(func() {
		if len(tk.legs) != 1 || tk.legs[0].symbol != "SPY" {
			t.Fatalf("a new ticket starts with %d legs (%q), want one SPY shares leg", len(tk.legs), tk.legs[0].symbol)
		}
		if tk.review.Disabled() {
			t.Fatalf("a complete ticket cannot be reviewed: legs %q qty %q limit %q checks %q",
				tk.legs[0].msg.Text, tk.qtyMsg.Text, tk.limitMsg.Text, tk.problems.Text)
		}
		if tk.limit.Text == "" || tk.netDir.Selected != netDebit {
			t.Errorf("limit not prefilled from the mid: %q %s", tk.limit.Text, tk.netDir.Selected)
		}
	})
	tests := []struct {
		name   string
		set    func()
		msg    func() *widget.Label
		want   string
		undo   func()
		checks bool // the problem is the desk's check, shown in the problems line
	}{
		{"fractional quantity", func() { tk.quantity.SetText("1.5") }, func() *widget.Label { return tk.qtyMsg },
			`quantity "1.5" is not a whole number of at least 1`, func() { tk.quantity.SetText("1") }, false},
		{"zero quantity", func() { tk.quantity.SetText("0") }, func() *widget.Label { return tk.qtyMsg },
			`quantity "0" is not a whole number of at least 1`, func() { tk.quantity.SetText("1") }, false},
		{"empty quantity", func() { tk.quantity.SetText(" ") }, func() *widget.Label { return tk.qtyMsg },
			"quantity is empty: enter a whole number of at least 1", func() { tk.quantity.SetText("1") }, false},
		{"price not a number", func() { tk.limit.SetText("abc") }, func() *widget.Label { return tk.limitMsg },
			`limit "abc" is not a number`, func() { tk.limit.SetText("600.00") }, false},
		{"signed price", func() { tk.limit.SetText("-1.00") }, func() *widget.Label { return tk.limitMsg },
			"limit -1.00: enter the price without a sign and choose debit or credit", func() { tk.limit.SetText("600.00") }, false},
		{"price off the tick grid", func() { tk.limit.SetText("600.005") }, func() *widget.Label { return tk.limitMsg },
			"600.005 is not a multiple of the 0.01 tick of SPY", func() { tk.limit.SetText("600.00") }, false},
		{"a buy for a credit", func() { tk.netDir.SetSelected(netCredit) }, func() *widget.Label { return tk.limitMsg },
			"a buy pays a debit: choose debit", func() { tk.netDir.SetSelected(netDebit) }, false},
		{"ratio not a number", func() { tk.legs[0].ratio.SetText("x") }, func() *widget.Label { return tk.legs[0].msg },
			`ratio "x" is not a whole number of at least 1`, func() { tk.legs[0].ratio.SetText("1") }, false},
		{"over the size limit", func() { tk.quantity.SetText("20000") }, func() *widget.Label { return tk.problems },
			"Keel's checks stop this order: SPY: 20000 shares is more than the 10000-share limit per order",
			func() { tk.quantity.SetText("1") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk.OnUI(func() {
				tt.set()
				if got := tt.msg().Text; got != tt.want {
					t.Errorf("%s: message %q, want %q", tt.name, got, tt.want)
				}
				if tt.msg().Importance != widget.DangerImportance {
					t.Errorf("%s: message is not red", tt.name)
				}
				if !tk.review.Disabled() {
					t.Errorf("%s: Review & send is enabled", tt.name)
				}
				tt.undo()
				if got := tt.msg().Text; got != "" {
					t.Errorf("%s: message %q stays after the fix", tt.name, got)
				}
				if tk.review.Disabled() {
					t.Errorf("%s: Review & send stays disabled after the fix", tt.name)
				}
			})
		})
	}

	tk.OnUI(func() {
		test.Tap(tk.legs[0].remove)
		if tk.legsMsg.Text != "add at least one leg" || !tk.review.Disabled() {
			t.Errorf("no legs: message %q, review disabled %v", tk.legsMsg.Text, tk.review.Disabled())
		}
	})
}

// ordersWithClientID counts the broker's orders sent with id.
func ordersWithClientID(t *testing.T, d *desk.Service, id string) int {
	t.Helper()
	ords, err := d.Orders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range ords {
		if o.Order.ClientID == id {
			n++
		}
	}
	return n
}

func TestTicketPlacesMarketableOrderThatShowsInPositions(t *testing.T) {
	d, _ := startTestDesk(t)
	tk, _ := newTestTicket(t, d, nil)
	tk.OnUI(func() { tk.legs[0].underlying.SetSelected("QQQ") })
	tk.Wait()
	typeText(tk, tk.quantity, "10")
	tk.OnUI(func() {
		tk.orderType.SetSelected(typeMarket)
		if !tk.limit.Disabled() {
			t.Error("the limit stays editable for a market order")
		}
		test.Tap(tk.review)
	})
	tk.Wait()
	tk.OnUI(func() {
		if tk.confirm == nil {
			t.Fatal("no confirmation dialog")
		}
		want := "Buy 10 × QQQ\nat the market (each), for today only.\n" +
			"Estimated commission $0.00 and fees $0.00.\nAt the natural price now (" + desk.PriceWords(tk.preview.Natural) +
			" per unit): amount " + ui.USD(tk.preview.Natural.Mul(decimal.NewFromInt(10))) +
			" paid, est. costs $0.00, net " + ui.USD(tk.preview.Natural.Mul(decimal.NewFromInt(10))) +
			" paid.\nAccount paper (paper trading)."
		if tk.confirmText != want {
			t.Errorf("confirmation\n%s\nwant\n%s", tk.confirmText, want)
		}
		tk.confirmSend()
	})
	tk.Wait()
	tk.OnUI(func() {
		if !strings.HasPrefix(tk.result.Text, "Filled: order ") || tk.result.Importance != widget.SuccessImportance {
			t.Errorf("result %q", tk.result.Text)
		}
		if !tk.review.Disabled() || !tk.another.Visible() {
			t.Error("a placed order can be sent again")
		}
	})
	// The positions window shows the desk's snapshot: the fill is in it.
	testkit.WaitFor(t, "the QQQ position on the desk", func() bool {
		for _, p := range d.Latest().Positions {
			if p.Symbol == "QQQ" && p.Quantity == 10 {
				return true
			}
		}
		return false
	})
	if n := ordersWithClientID(t, d, tk.clientID); n != 1 {
		t.Errorf("%d orders with the ticket's client id, want 1", n)
	}
}

func TestTicketDoubleSendPlacesOneOrder(t *testing.T) {
	d, _ := startTestDesk(t)
	ctx := context.Background()
	q, err := d.Quote(ctx, "QQQ")
	if err != nil {
		t.Fatal(err)
	}
	// A buy limit at the ask is marketable: it fills at once.
	tk, _ := newTestTicket(t, d, &brokers.Order{Quantity: 5, Type: brokers.Limit, Limit: q.Ask,
		Legs: []brokers.Leg{{Symbol: "QQQ", Ratio: 1}}})
	var o brokers.Order
	tk.OnUI(func() {
		var problems []fieldProblem
		o, problems, _ = tk.readOrder()
		if len(problems) > 0 {
			t.Fatalf("prefilled ticket has problems: %v", problems)
		}
		tk.send(o)
		tk.send(o) // a double click
	})
	tk.Wait()
	tk.OnUI(func() { tk.send(o) }) // and once more after it filled
	tk.Wait()
	if n := ordersWithClientID(t, d, tk.clientID); n != 1 {
		t.Fatalf("%d orders placed, want 1", n)
	}
	// A retry that reaches the broker (the ticket's answer was lost) returns the same order.
	first, err := d.Place(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	again, err := d.Place(ctx, o)
	if err != nil || again.ID != first.ID {
		t.Fatalf("retry placed %q (%v), want the same order %q", again.ID, err, first.ID)
	}
	if n := ordersWithClientID(t, d, tk.clientID); n != 1 {
		t.Errorf("%d orders after a retry, want 1", n)
	}
	tk.OnUI(func() {
		if !strings.HasPrefix(tk.result.Text, "Filled: order "+first.ID) {
			t.Errorf("result %q", tk.result.Text)
		}
	})
}

// TestTicketPrefilledCloseOfStrangle prefills the closing order of the demo book's short ES
// strangle: the legs show the options, the limit is the net mid on the 0.05 tick as a debit,
// and the order's effect on the book's beta-weighted delta is minus the two positions'.
func TestTicketPrefilledCloseOfStrangle(t *testing.T) {
	d, _ := startTestDesk(t)
	snap := d.Latest()
	var legs []brokers.Leg
	var posDelta float64
	for _, p := range snap.Positions {
		if p.Instrument.Kind == instrument.FuturesOption {
			legs = append(legs, brokers.Leg{Symbol: p.Symbol, Instrument: p.Instrument, Ratio: -p.Quantity})
			posDelta += p.Risk.BetaDelta
		}
	}
	if len(legs) != 2 {
		t.Fatalf("the demo book has %d ES options, want a strangle", len(legs))
	}
	tk, w := newTestTicket(t, d, &brokers.Order{Legs: legs, Quantity: 1, Type: brokers.Limit, Note: "close the ES strangle"})
	tk.OnUI(func() {
		for i, l := range tk.legs {
			in := legs[i].Instrument
			kind := kindCall
			if in.Right == pricing.Put {
				kind = kindPut
			}
			if l.symbol != legs[i].Symbol || l.underlying.Selected != in.Underlying || l.kind.Selected != kind ||
				!strings.HasPrefix(l.expiry.Selected, in.Expiry.Format("2006-01-02")) ||
				tk.selectedStrike(l) != in.Strike || l.side.Selected != sideBuy {
				t.Errorf("leg %d shows %s %s %s %v %s for %s", i, l.underlying.Selected, l.kind.Selected,
					l.expiry.Selected, tk.selectedStrike(l), l.side.Selected, legs[i].Symbol)
			}
			if l.bid.Text == ui.NoValue || l.ask.Text == ui.NoValue {
				t.Errorf("leg %d has no market", i)
			}
		}
		p := tk.preview
		if p == nil {
			t.Fatal("no preview")
		}
		lim, err := decimal.NewFromString(tk.limit.Text)
		if err != nil || tk.netDir.Selected != netDebit {
			t.Fatalf("limit %q %s", tk.limit.Text, tk.netDir.Selected)
		}
		if !lim.Mod(decimal.RequireFromString("0.05")).IsZero() || lim.Sub(p.Mid).Abs().GreaterThan(decimal.RequireFromString("0.025")) {
			t.Errorf("limit %s is not the mid %s on the 0.05 tick", lim, p.Mid)
		}
		if p.GreeksErr != nil {
			t.Fatal(p.GreeksErr)
		}
		if math.Abs(p.Change.BetaDelta+posDelta) > 0.5 {
			t.Errorf("closing changes the book's delta by %.2f SPY shares, want %.2f", p.Change.BetaDelta, -posDelta)
		}
		if got := tk.effect[0][1].Text; got != ui.SignedNum(p.Change.BetaDelta, 1) {
			t.Errorf("effect shows %q, want %q", got, ui.SignedNum(p.Change.BetaDelta, 1))
		}
		if !strings.Contains(tk.costs.Text, "$3.00 + $2.00") {
			t.Errorf("costs %q, want 2 futures options at $1.50 + $1.00", tk.costs.Text)
		}
		if tk.review.Disabled() {
			t.Errorf("cannot review: %q %q", tk.limitMsg.Text, tk.problems.Text)
		}
		test.Tap(tk.review)
	})
	tk.Wait()
	tk.OnUI(func() {
		if !strings.Contains(tk.confirmText, "per unit of the combination, all legs together or none") ||
			!strings.Contains(tk.confirmText, "limit "+tk.limit.Text+" debit") {
			t.Errorf("confirmation %q", tk.confirmText)
		}
	})
	if os.Getenv("KEEL_SHOTS") != "" {
		tk.Settle()
		testkit.SavePNG(t, w.Canvas().Capture(), "/tmp/h6-confirm.png")
		var tk2 *OrderTicket
		var content fyne.CanvasObject
		testkit.Locked(func() {
			tk2 = NewOrderTicket(ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: d},
				&brokers.Order{Legs: legs, Quantity: 1, Type: brokers.Limit})
			content = tk2.Content()
		})
		stopTicket(tk2)
		testkit.Shot(t, content, ticketSize, "/tmp/h6-ticket.png")
	}
}

func strconvFloat(f float64) string { return decimal.NewFromFloat(f).String() }

func TestTicketFitsItsWindow(t *testing.T) {
	d, _ := startTestDesk(t)
	var tk *OrderTicket
	var content fyne.CanvasObject
	testkit.Locked(func() {
		tk = NewOrderTicket(ui.Env{Now: func() time.Time { return testkit.PaperStart }, Desk: d}, nil)
		content = tk.Content()
	})
	stopTicket(tk)
	if m := content.MinSize(); m.Width > ticketSize.Width || m.Height > ticketSize.Height {
		t.Errorf("the ticket needs %v, more than its window %v", m, ticketSize)
	}
}

func TestRoundedLimit(t *testing.T) {
	spy := instrument.NewOption(instrument.OCCOption{Root: "SPY", Year: 2026, Month: 12, Day: 31, Right: pricing.Put, Strike: 632})
	vxx := instrument.NewOption(instrument.OCCOption{Root: "VXX", Year: 2026, Month: 12, Day: 24, Right: pricing.Call, Strike: 53})
	es, err := instrument.Parse("ESH7 P6290 2026-12-31", testkit.PaperStart)
	if err != nil {
		t.Fatal(err)
	}
	esc, _ := instrument.Parse("ESH7 C6995 2026-12-31", testkit.PaperStart)
	one := func(in instrument.Instrument, ratio int64) brokers.Order {
		return brokers.Order{Legs: []brokers.Leg{{Symbol: in.Symbol(), Instrument: in, Ratio: ratio}}, Quantity: 1}
	}
	strangle := brokers.Order{Quantity: 1, Legs: []brokers.Leg{{Symbol: es.Symbol(), Instrument: es, Ratio: -1},
		{Symbol: esc.Symbol(), Instrument: esc, Ratio: -1}}}
	// Ticks: SPY options trade in pennies (penny pilot); other equity options 0.01 below 3.00
	// and 0.05 from 3.00; CME ES options 0.25, and 0.05 for premiums at or below 5.00.
	tests := []struct {
		o    brokers.Order
		mid  string
		want string
	}{
		{one(spy, 1), "4.375", "4.38"},
		{one(spy, -1), "-4.374", "-4.37"},
		{one(vxx, -1), "-1.785", "-1.79"},
		{one(vxx, 1), "3.12", "3.1"},
		{one(es, 1), "26.375", "26.5"},
		{one(es, -1), "-3.12", "-3.1"},
		{one(spy, 1), "0.002", "0.01"}, // never a zero limit on a single leg
		{strangle, "-60.125", "-60.15"},
	}
	for _, tt := range tests {
		t.Run(tt.o.Legs[0].Symbol+" at "+tt.mid, func(t *testing.T) {
			got := roundedLimit(tt.o, decimal.RequireFromString(tt.mid))
			if !got.Equal(decimal.RequireFromString(tt.want)) {
				t.Errorf("roundedLimit(%s, %s) = %s, want %s", tt.o.Legs[0].Symbol, tt.mid, got, tt.want)
			}
			if p := limitProblem(brokers.Order{Legs: tt.o.Legs, Quantity: 1, Limit: got}); p != "" {
				t.Errorf("rounded limit %s of %s: %s", got, tt.o.Legs[0].Symbol, p)
			}
		})
	}
}

func TestPlaceResultInWords(t *testing.T) {
	tests := []struct {
		st     brokers.OrderStatus
		err    error
		want   string
		placed bool
	}{
		{brokers.OrderStatus{}, &desk.CheckError{Problems: []string{"SPY: 20000 shares is more than the 10000-share limit per order"}},
			"Not sent — Keel's checks stopped it: SPY: 20000 shares is more than the 10000-share limit per order", false},
		{brokers.OrderStatus{State: brokers.Rejected}, &brokers.RejectedError{Reason: "not enough buying power"},
			"Rejected by the broker: not enough buying power", false},
		{brokers.OrderStatus{}, errors.Join(errors.New("place"), brokers.ErrDisconnected),
			"Not sent: the broker is disconnected and Keel is reconnecting.", false},
		{brokers.OrderStatus{ID: "PO-7", State: brokers.Filled, Filled: 2, AvgPrice: decimal.RequireFromString("-1.25")}, nil,
			"Filled: order PO-7, 2 at 1.25 credit per unit.", true},
		{brokers.OrderStatus{ID: "PO-8", State: brokers.Working, Order: brokers.Order{Quantity: 3}}, nil,
			"Accepted: order PO-8 is working (0 of 3 filled).", true},
	}
	for _, tt := range tests {
		got, _, placed := placeResult(tt.st, tt.err)
		if !strings.HasPrefix(got, tt.want) || placed != tt.placed {
			t.Errorf("placeResult(%v) = %q %v, want %q %v", tt.err, got, placed, tt.want, tt.placed)
		}
	}
}

func TestTicketWithoutDeskSaysWhy(t *testing.T) {
	test.NewTempApp(t)
	tk := NewOrderTicket(ui.Env{Now: func() time.Time { return testkit.PaperStart }, DeskErr: errors.New("paper account: disk full")}, nil)
	tk.Settle()
	if !strings.Contains(tk.result.Text, "disk full") || !tk.review.Disabled() || !tk.addLeg.Disabled() {
		t.Errorf("result %q, review disabled %v", tk.result.Text, tk.review.Disabled())
	}
}

func TestTicketOptionLegFromChain(t *testing.T) {
	d, _ := startTestDesk(t)
	tk, _ := newTestTicket(t, d, nil)
	tk.OnUI(func() { tk.legs[0].kind.SetSelected(kindPut) })
	tk.Wait()
	var strike float64
	tk.OnUI(func() {
		l := tk.legs[0]
		if l.inst.Kind != instrument.Option || l.inst.Root != "SPY" || l.inst.Right != pricing.Put {
			t.Fatalf("leg resolved to %+v (%q), want an SPY put; msg %q", l.inst, l.symbol, l.msg.Text)
		}
		if dte := l.inst.Expiry.Sub(testkit.PaperStart).Hours() / 24; dte < 30 {
			t.Errorf("default expiry %s is %.0f days out, want the first ≥ 30", l.expiry.Selected, dte)
		}
		// The default strike is the one nearest the underlying's price.
		price := l.chain.Chain.Price.InexactFloat64()
		for _, s := range l.chain.Rows {
			if math.Abs(s.Strike-price) < math.Abs(l.inst.Strike-price) {
				t.Errorf("strike %v chosen, %v is nearer %v", l.inst.Strike, s.Strike, price)
			}
		}
		if l.bid.Text == ui.NoValue || l.ask.Text == ui.NoValue {
			t.Error("the leg has no market")
		}
		strike = tk.selectedStrike(l)
		l.kind.SetSelected(kindCall)
		if l.inst.Right != pricing.Call || tk.selectedStrike(l) != strike {
			t.Errorf("switching to a call gave %q at strike %v, want the %v call", l.symbol, tk.selectedStrike(l), strike)
		}
		for _, want := range []string{"ESZ6", "ESH7", "MESZ6", "MESH7"} {
			found := false
			for _, u := range tk.underlyings {
				found = found || u == want
			}
			if !found {
				t.Errorf("underlyings %v lack %s", tk.underlyings, want)
			}
		}
	})
}

func TestFrontQuarterlies(t *testing.T) {
	// CME equity index futures are listed on the March, June, September and December cycle
	// and stop trading on the third Friday of the contract month (ESZ6: 18 December 2026).
	tests := []struct {
		at   time.Time
		want string
	}{
		{testkit.PaperStart, "ESZ6 ESH7"},
		{time.Date(2026, 12, 18, 20, 0, 0, 0, time.UTC), "ESH7 ESM7"}, // after ESZ6's last trade
		{time.Date(2027, 1, 4, 15, 0, 0, 0, time.UTC), "ESH7 ESM7"},
	}
	for _, tt := range tests {
		if got := strings.Join(frontQuarterlies("ES", tt.at, 2), " "); got != tt.want {
			t.Errorf("frontQuarterlies(ES, %s) = %s, want %s", tt.at.Format(time.DateOnly), got, tt.want)
		}
	}
}

func TestTicketFollowsItsWorkingOrderUntilDone(t *testing.T) {
	d, _ := startTestDesk(t)
	ctx := context.Background()
	q, err := d.Quote(ctx, "QQQ")
	if err != nil {
		t.Fatal(err)
	}
	// A buy limit far under the bid works without filling.
	low := q.Bid.Mul(decimal.RequireFromString("0.9")).Round(2)
	tk, _ := newTestTicket(t, d, &brokers.Order{Quantity: 3, Type: brokers.Limit, Limit: low,
		Legs: []brokers.Leg{{Symbol: "QQQ", Ratio: 1}}})
	tk.OnUI(func() {
		o, problems, _ := tk.readOrder()
		if len(problems) > 0 {
			t.Fatalf("problems: %v", problems)
		}
		tk.send(o)
	})
	tk.Wait()
	var id string
	tk.OnUI(func() { id = tk.placed.ID })
	if id == "" {
		t.Fatal("the ticket did not keep the order it placed")
	}
	if err := d.Cancel(ctx, id); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, "the ticket to say the order was cancelled", func() bool {
		var text string
		tk.OnUI(func() { text = tk.result.Text }) // the ticket follows the desk's snapshots by itself
		return strings.Contains(text, "cancelled")
	})
}

// startTestDesk opens a new paper account with the demo book in a temporary journal file,
// its market moved until every position is quoted, inside a test app.
func startTestDesk(t *testing.T) (*desk.Service, *paper.Broker) {
	t.Helper()
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	return k.Desk, k.Paper
}
