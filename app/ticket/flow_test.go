package ticket

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
)

// sellNewPut sets the ticket's one leg to sell one put a few strikes under the money (a
// symbol the demo book does not hold), priced at the natural so it fills at once.
func sellNewPut(t *testing.T, tk *OrderTicket) {
	t.Helper()
	tk.OnUI(func() { tk.legs[0].kind.SetSelected(kindPut) })
	tk.Wait()
	tk.OnUI(func() {
		l := tk.legs[0]
		if l.chain == nil || l.chain.ATM < 5 {
			t.Fatalf("no chain for the leg: %q", l.msg.Text)
		}
		tk.pickFromChain(l, l.chain.ATM-3, true)
		l.side.SetSelected(sideSell)
	})
	tk.Wait()
	var nat decimal.Decimal
	tk.OnUI(func() {
		if tk.preview == nil || !sameLegs(tk.preview.Order, brokers.Order{Legs: []brokers.Leg{{Symbol: tk.legs[0].symbol, Ratio: -1}}}) {
			t.Fatal("no preview of the put")
		}
		nat = tk.preview.Natural
	})
	typeText(tk, tk.limit, nat.Abs().StringFixed(2))
	tk.OnUI(func() { tk.netDir.SetSelected(netCredit) })
}

// TestTicketMoneyReconcilesWithTheJournal sells a put through the ticket on the paper desk
// and checks that the limit's words, the confirmation and the fill's message use one
// convention — premium received, costs apart, net — and that the fill's figures are the
// journal's for the same fill; the new trade is filed under the layer that lists SPY.
func TestTicketMoneyReconcilesWithTheJournal(t *testing.T) {
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	d := k.Desk
	tk, _ := newTestTicket(t, d, nil)
	sellNewPut(t, tk)
	tk.Wait()
	var limit decimal.Decimal
	tk.OnUI(func() {
		limit = decimal.RequireFromString(tk.limit.Text)
		premium := limit.Mul(decimal.NewFromInt(100))
		if want := "= " + limit.StringFixed(2) + " credit per unit"; tk.limitWords.Text != want {
			t.Errorf("limit words %q, want %q", tk.limitWords.Text, want)
		}
		if want := "premium " + ui.USD(premium) + " received, est. costs "; !strings.Contains(tk.money.Text, want) {
			t.Errorf("money %q, want it to contain %q", tk.money.Text, want)
		}
		if tk.fileUnder.Selected != "SPY options" || !tk.fileUnder.Visible() {
			t.Errorf("a new SPY put is filed under %q (shown %v), want SPY options", tk.fileUnder.Selected, tk.fileUnder.Visible())
		}
		if tk.review.Disabled() {
			t.Fatalf("cannot review: %q %q %q", tk.legs[0].msg.Text, tk.limitMsg.Text, tk.problems.Text)
		}
		test.Tap(tk.review)
	})
	tk.Wait()
	tk.OnUI(func() {
		if tk.confirmOrder == nil {
			t.Fatalf("no confirmation: %q", tk.result.Text)
		}
		if !strings.Contains(tk.confirmText, "limit "+limit.StringFixed(2)+" credit (each)") ||
			!strings.Contains(tk.confirmText, "Premium "+ui.USD(limit.Mul(decimal.NewFromInt(100)))+" received, est. costs ") {
			t.Errorf("confirmation\n%s", tk.confirmText)
		}
		tk.confirmSend()
	})
	tk.Wait()
	var st brokers.OrderStatus
	var result string
	tk.OnUI(func() { st, result = tk.placed, tk.result.Text })
	if st.State != brokers.Filled {
		t.Fatalf("the put did not fill: %q", result)
	}
	// The journal's record of the same fill.
	ctx := context.Background()
	var trade int64
	testkit.WaitFor(t, "the fill in the journal", func() bool {
		id, n, _, err := k.Journal.OrderFills(ctx, d.Account(), st.ID)
		trade = id
		return err == nil && n > 0
	})
	det, err := k.Journal.TradeDetail(ctx, trade)
	if err != nil {
		t.Fatal(err)
	}
	premium, costs := decimal.Zero, decimal.Zero
	for _, f := range det.Fills {
		if f.Order != st.ID {
			continue
		}
		// The journal's premium of a sold option: −quantity × price × multiplier (data/import.go).
		premium = premium.Sub(f.Quantity.Mul(f.Price).Mul(decimal.NewFromInt(100)))
		costs = costs.Add(f.Commission).Add(f.Fees)
	}
	if !costs.IsPositive() {
		t.Fatalf("the journal holds no costs for order %s", st.ID)
	}
	want := fmt.Sprintf("Premium %s received, costs %s, net %s received. Filed under layer SPY options.",
		ui.USD(premium), ui.USD(costs), ui.USD(premium.Sub(costs)))
	if !strings.HasSuffix(result, want) || !strings.HasPrefix(result, "Filled: order "+st.ID+", 1 at ") {
		t.Errorf("fill message\n%q\nwant it to end\n%q", result, want)
	}
	if len(det.Fills) == 1 && !det.Premium.Equal(premium) {
		t.Errorf("the journal's trade premium %s, the fill's %s", det.Premium, premium)
	}
	// The new position is in the layer the message named.
	sym := st.Order.Legs[0].Symbol
	k.Until(t, "the new put in SPY options", func() bool {
		for _, p := range d.Latest().Positions {
			if p.Symbol == sym {
				return p.Risk.Layer == "SPY options"
			}
		}
		return false
	})
}

// TestTicketAsksWhenTwoLayersListTheUnderlying adds a second layer listing SPY: the ticket
// offers both, defaulting to the match, and the trade lands where the trader chose.
func TestTicketAsksWhenTwoLayersListTheUnderlying(t *testing.T) {
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	d := k.Desk
	ctx := context.Background()
	if err := d.SaveLayer(ctx, "", portfolio.Layer{Name: "SPY wings", Bias: portfolio.Short, Underlyings: []string{"SPY"}}); err != nil {
		t.Fatal(err)
	}
	k.Until(t, "the new layer on the desk", func() bool {
		for _, l := range d.Latest().Book.Layers {
			if l.Name == "SPY wings" && l.Configured {
				return true
			}
		}
		return false
	})
	tk, _ := newTestTicket(t, d, nil)
	sellNewPut(t, tk)
	tk.Wait()
	tk.OnUI(func() {
		opts := tk.fileUnder.Options
		if len(opts) < 3 || opts[0] != "SPY options" || opts[len(opts)-1] != portfolio.Unassigned || !strings.Contains(strings.Join(opts, ","), "SPY wings") {
			t.Errorf("file under offers %v", opts)
		}
		if tk.fileUnder.Selected != "SPY options" {
			t.Errorf("file under defaults to %q, want the first layer listing SPY", tk.fileUnder.Selected)
		}
		if !strings.Contains(tk.fileWords.Text, "layers list the underlying") {
			t.Errorf("the ticket does not ask: %q", tk.fileWords.Text)
		}
		tk.fileUnder.SetSelected("SPY wings")
		tk.validate() // a refresh keeps the trader's choice
		if tk.fileUnder.Selected != "SPY wings" {
			t.Errorf("the choice went back to %q", tk.fileUnder.Selected)
		}
		o, problems, _ := tk.readOrder()
		if len(problems) > 0 {
			t.Fatalf("problems: %v", problems)
		}
		tk.send(o)
	})
	tk.Wait()
	var st brokers.OrderStatus
	var result string
	tk.OnUI(func() { st, result = tk.placed, tk.result.Text })
	if !strings.HasSuffix(result, "Filed under layer SPY wings.") {
		t.Errorf("fill message %q", result)
	}
	sym := st.Order.Legs[0].Symbol
	k.Until(t, "the new put in SPY wings", func() bool {
		for _, p := range d.Latest().Positions {
			if p.Symbol == sym {
				return p.Risk.Layer == "SPY wings"
			}
		}
		return false
	})
}

// TestTicketLimitFreezesOnceTouched: the limit follows the mid (and says so) until the
// trader edits the ticket; after that the price in the field is the price reviewed and the
// price sent, whatever the market does.
func TestTicketLimitFreezesOnceTouched(t *testing.T) {
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	d := k.Desk
	tk, _ := newTestTicket(t, d, nil)
	mid := func() (field, rounded string) {
		tk.OnUI(func() {
			tk.requestPreview(false)
		})
		tk.Wait()
		tk.OnUI(func() {
			o, _, _ := tk.readOrder()
			field, rounded = tk.limit.Text, roundedLimit(o, tk.preview.Mid).StringFixed(2)
		})
		return field, rounded
	}
	tk.OnUI(func() {
		if !tk.followMid || !tk.follow.Checked || !strings.Contains(tk.followWords.Text, "follows the mid") {
			t.Errorf("a new ticket does not follow the mid: %v %q", tk.followMid, tk.followWords.Text)
		}
	})
	// While it follows, a new mid moves the limit.
	first, _ := mid()
	k.Until(t, "the SPY mid to move", func() bool {
		field, rounded := mid()
		if rounded == first {
			return false
		}
		if field != rounded {
			t.Fatalf("following the mid: field %s, mid %s", field, rounded)
		}
		return true
	})
	// An edit freezes it: the new quantity's preview leaves the price alone.
	var before, frozen string
	tk.OnUI(func() { before = tk.limit.Text })
	typeText(tk, tk.quantity, "3")
	tk.Wait()
	tk.OnUI(func() {
		frozen = tk.limit.Text
		if frozen != before {
			t.Errorf("editing the quantity moved the limit from %s to %s", before, frozen)
		}
		if tk.followMid || tk.follow.Checked || !strings.Contains(tk.followWords.Text, "frozen") {
			t.Errorf("editing the quantity did not freeze the limit: %q", tk.followWords.Text)
		}
	})
	k.Until(t, "the SPY mid to move away from the frozen limit", func() bool {
		field, rounded := mid()
		if field != frozen {
			t.Fatalf("the frozen limit moved from %s to %s", frozen, field)
		}
		return rounded != frozen
	})
	tk.OnUI(func() { test.Tap(tk.review) })
	tk.Wait()
	tk.OnUI(func() {
		if tk.confirmOrder == nil {
			t.Fatalf("no confirmation: %q", tk.result.Text)
		}
		if tk.limit.Text != frozen || tk.confirmOrder.Limit.StringFixed(2) != frozen ||
			!strings.Contains(tk.confirmText, "limit "+frozen+" debit") {
			t.Errorf("field %s, reviewed %s, confirmation %q; want %s", tk.limit.Text, tk.confirmOrder.Limit, tk.confirmText, frozen)
		}
		tk.confirmSend()
	})
	tk.Wait()
	ords, err := d.Orders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, o := range ords {
		if o.Order.ClientID == tk.clientID {
			sent++
			if o.Order.Limit.StringFixed(2) != frozen {
				t.Errorf("sent at %s, reviewed at %s", o.Order.Limit, frozen)
			}
		}
	}
	if sent != 1 {
		t.Errorf("%d orders sent", sent)
	}
	// Ticking "Follow the mid" again re-prices at once.
	tk.OnUI(func() {
		tk.startAnother()
		tk.follow.SetChecked(true)
		o, _, _ := tk.readOrder()
		if want := roundedLimit(o, tk.preview.Mid).StringFixed(2); tk.limit.Text != want {
			t.Errorf("follow again: limit %s, mid %s", tk.limit.Text, want)
		}
	})
}

// esStrangle500 is an order selling 500 of the demo book's ES strangle: large figures.
func esStrangle500(t *testing.T, d *desk.Service) *brokers.Order {
	t.Helper()
	var legs []brokers.Leg
	for _, p := range d.Latest().Positions {
		if p.Instrument.Kind == instrument.FuturesOption {
			legs = append(legs, brokers.Leg{Symbol: p.Symbol, Instrument: p.Instrument, Ratio: -1})
		}
	}
	if len(legs) != 2 {
		t.Fatalf("the demo book has %d ES options", len(legs))
	}
	return &brokers.Order{Legs: legs, Quantity: 500, Type: brokers.Limit}
}

// TestTicketBookEffectFitsAtLargeQuantities: at 500 ES strangles every figure of the book
// effect and the market fits its cell, no two cells of a row overlap, and every leg shows
// its delta with the sign of its side.
func TestTicketBookEffectFitsAtLargeQuantities(t *testing.T) {
	d, _ := startTestDesk(t)
	tk, w := newTestTicket(t, d, esStrangle500(t, d))
	for _, size := range []fyne.Size{ticketSize, fyne.NewSize(1024, 700)} {
		t.Run(fmt.Sprintf("%v×%v", size.Width, size.Height), func(t *testing.T) {
			tk.OnUI(func() {
				// A new size lays the window out again, as the driver does when a figure grows.
				w.Resize(size.SubtractWidthHeight(1, 1))
				w.Resize(size)
				p := tk.preview
				if p == nil || p.GreeksErr != nil {
					t.Fatalf("no preview: %+v", p)
				}
				long := 0
				for i := range tk.effect {
					for j := range tk.effect[i] {
						l := tk.effect[i][j]
						if l.Text == ui.NoValue {
							t.Errorf("effect %d,%d has no figure", i, j)
						}
						if len([]rune(l.Text)) >= 10 {
							long++
						}
						if l.MinSize().Width > l.Size().Width+0.5 {
							t.Errorf("effect %d,%d %q needs %v, has %v", i, j, l.Text, l.MinSize().Width, l.Size().Width)
						}
						if j > 0 {
							prev := tk.effect[i][j-1]
							if prev.Position().X+prev.Size().Width > l.Position().X+0.5 {
								t.Errorf("effect %d: %q overlaps %q", i, prev.Text, l.Text)
							}
						}
					}
				}
				if long < 3 {
					t.Errorf("only %d figures of 10 or more characters: the test does not try large values", long)
				}
				for _, l := range []*widget.Label{tk.natural, tk.mid, tk.far, tk.costs} {
					if l.MinSize().Width > l.Size().Width+0.5 {
						t.Errorf("%q needs %v, has %v", l.Text, l.MinSize().Width, l.Size().Width)
					}
				}
				for i, l := range tk.legs {
					lq := p.Legs[i]
					// A sold option's delta is the buyer's, negated: a sold put is positive.
					if !lq.HasDelta || l.delta.Text != ui.SignedNum(lq.Delta, 2) {
						t.Errorf("leg %d shows Δ %q, want %v", i, l.delta.Text, lq.Delta)
					}
					if (lq.Leg.Instrument.Right.String() == "put") != (lq.Delta > 0) {
						t.Errorf("leg %d (%s, sold) has Δ %v: the sign is not the seller's", i, lq.Leg.Symbol, lq.Delta)
					}
				}
			})
		})
	}
	if dir := os.Getenv("KEEL_SHOTS"); dir != "" {
		tk.Settle()
		testkit.SavePNG(t, w.Canvas().Capture(), dir+"/ticket-500.png")
	}
}

// TestTicketFitsSmallScreens: the ticket opens at most 1280×720 and needs no more than
// 1024×700, with the 500-lot's large figures in it.
func TestTicketFitsSmallScreens(t *testing.T) {
	d, _ := startTestDesk(t)
	if ticketSize.Width > 1280 || ticketSize.Height > 720 {
		t.Errorf("the ticket opens at %v, more than 1280×720", ticketSize)
	}
	for _, prefill := range []*brokers.Order{nil, esStrangle500(t, d)} {
		tk, w := newTestTicket(t, d, prefill)
		tk.OnUI(func() {
			if m := w.Content().MinSize(); m.Width > 1024 || m.Height > 700 {
				t.Errorf("the ticket needs %v, more than 1024×700", m)
			}
		})
	}
}

// TestTicketFollowsTheDeskByItself: with nobody asking, the open ticket quotes its legs again
// as the market moves and its limit follows the new mid, through the one bridge (its time on
// the UI goroutine is recorded as the ticket's); once settled it no longer follows the desk.
func TestTicketFollowsTheDeskByItself(t *testing.T) {
	k := testkit.QuotedDesk(t, testkit.PaperStart)
	ui.ResetStats()
	tk, _ := newTestTicket(t, k.Desk, nil)
	var first string
	tk.OnUI(func() {
		if tk.preview == nil {
			t.Fatal("no preview after the ticket opened")
		}
		first = tk.preview.Mid.String()
	})
	k.Until(t, "the ticket to quote SPY again and move its limit to the new mid", func() bool {
		moved := false
		tk.OnUI(func() {
			if tk.preview == nil || tk.preview.Mid.String() == first {
				return
			}
			o, _, _ := tk.readOrder()
			moved = tk.limit.Text == roundedLimit(o, tk.preview.Mid).StringFixed(2)
		})
		return moved
	})
	stat := func() ui.Stat {
		byWindow, _ := ui.Stats()
		for _, s := range byWindow {
			if s.Source == "ticket" {
				return s
			}
		}
		return ui.Stat{}
	}
	callbacks := func() uint64 { return stat().Count }
	if callbacks() == 0 {
		t.Fatal("no UI callback recorded under the ticket's name")
	}
	s := stat()
	t.Logf("ticket on the UI goroutine: %d callbacks, p99 %v, longest %v", s.Count, s.CallbackP99, s.CallbackMax)

	tk.Settle()
	settled := callbacks()
	for range 5 {
		if err := k.Paper.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
	}
	// The desk publishes while the market moves and at every sync (each second): a second
	// without a callback is the ticket having stopped, not a quiet desk.
	time.Sleep(time.Second)
	if got := callbacks(); got != settled {
		t.Errorf("the settled ticket applied %d more callbacks", got-settled)
	}
}
