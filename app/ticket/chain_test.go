package ticket

import (
	"fmt"
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
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/pricing"
)

func TestParseJump(t *testing.T) {
	tests := []struct {
		in      string
		want    jump
		wantErr bool
	}{
		{"6000", jump{strike: 6000}, false},
		{" 612.5 ", jump{strike: 612.5}, false},
		{"30d", jump{delta: 0.30}, false},
		{"30 D", jump{delta: 0.30}, false},
		{"5d", jump{delta: 0.05}, false},
		{".30", jump{delta: 0.30}, false},
		{"0.16", jump{delta: 0.16}, false},
		{"", jump{}, false},
		{"100d", jump{}, true},
		{"0d", jump{}, true},
		{"abc", jump{}, true},
		{"-5", jump{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseJump(tt.in)
			if (err != nil) != tt.wantErr || math.Abs(got.strike-tt.want.strike) > 1e-9 || math.Abs(got.delta-tt.want.delta) > 1e-9 {
				t.Errorf("parseJump(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestTicketChainViewAroundTheMoney(t *testing.T) {
	d, _ := startTestDesk(t)
	tk, w := newTestTicket(t, d, nil)
	tk.OnUI(func() { tk.legs[0].kind.SetSelected(kindPut) })
	tk.Wait()
	var atm int
	tk.OnUI(func() {
		l := tk.legs[0]
		v := l.chain
		if v == nil || len(v.Rows) < 20 {
			t.Fatalf("chain view %v", v)
		}
		if v.DeltaErr != nil || v.LiquidityErr != nil {
			t.Fatalf("chain view: deltas %v, liquidity %v", v.DeltaErr, v.LiquidityErr)
		}
		atm = v.ATM
		if atm < 0 || math.Abs(v.Rows[atm].Strike-v.Price) > math.Abs(v.Rows[max(atm-1, 0)].Strike-v.Price)+1e-9 {
			t.Fatalf("ATM row %d is not the strike nearest %v", atm, v.Price)
		}
		// Deltas: a call between 0 and 1, a put between −1 and 0, falling with the strike;
		// Δcall − Δput = e^(−qT) ≈ 1 (put–call parity differentiated, for European options).
		prevCall := 2.0
		for i, r := range v.Rows {
			if !r.Call.HasDelta || !r.Put.HasDelta {
				// Only an option without a market (no bid, far from the money) has none.
				if i > atm-10 && i < atm+10 || r.Call.Quote.Bid.IsPositive() && !r.Call.HasDelta || r.Put.Quote.Bid.IsPositive() && !r.Put.HasDelta {
					t.Errorf("strike %v has no delta (call bid %v, put bid %v)", r.Strike, r.Call.Quote.Bid, r.Put.Quote.Bid)
				}
				continue
			}
			if r.Call.Delta < 0 || r.Call.Delta > 1 || r.Put.Delta < -1 || r.Put.Delta > 0 || r.Call.Delta > prevCall+1e-9 {
				t.Errorf("strike %v: call Δ %v put Δ %v (previous call %v)", r.Strike, r.Call.Delta, r.Put.Delta, prevCall)
			}
			// Near the money only: far in the money an American put's early exercise pins its
			// delta at −1.
			if diff := r.Call.Delta - r.Put.Delta; math.Abs(diff-1) > 0.05 && i > atm-10 && i < atm+10 {
				t.Errorf("strike %v: Δcall − Δput = %v, want ≈ 1", r.Strike, diff)
			}
			prevCall = r.Call.Delta
			if !r.Call.Judged || !r.Put.Judged {
				t.Errorf("strike %v: liquidity not judged", r.Strike)
			}
		}
		if l.symbol != v.Rows[atm].Put.Quote.Symbol || !strings.Contains(l.strike.Text, "ATM") {
			t.Errorf("the leg starts on %q (%q), want the at-the-money put %s", l.symbol, l.strike.Text, v.Rows[atm].Put.Quote.Symbol)
		}
		test.Tap(l.strike)
	})
	tk.Wait()
	tk.OnUI(func() {
		p := tk.picker
		if p == nil || tk.pickerDlg == nil {
			t.Fatal("the strike button opened no chain view")
		}
		p.resetDrawn()
		p.table.Refresh()
		if p.drawnFrom < 0 || atm < p.drawnFrom || atm > p.drawnTo || p.drawnTo-p.drawnFrom > 40 {
			t.Errorf("the chain opens on rows %d to %d of %d, want the at-the-money row %d among them",
				p.drawnFrom, p.drawnTo, len(p.view.Rows), atm)
		}
		if atm > 20 && p.drawnFrom == 0 {
			t.Errorf("the chain opens at the lowest strike, %d rows from the money", atm)
		}
		if mid := (p.drawnFrom + p.drawnTo) / 2; atm > 20 && (mid < atm-2 || mid > atm+2) {
			t.Errorf("rows %d to %d on screen: the at-the-money row %d is not in the middle", p.drawnFrom, p.drawnTo, atm)
		}
		var atmCell widget.Label
		p.updateCell(widget.TableCellID{Row: atm, Col: colStrike}, &atmCell)
		if atmCell.Text != "ATM "+strikeText(p.view.Rows[atm].Strike) || !atmCell.TextStyle.Bold {
			t.Errorf("the at-the-money strike shows %q", atmCell.Text)
		}
		if !strings.Contains(p.title.Text, "SPY options expiring") {
			t.Errorf("title %q", p.title.Text)
		}
		if dir := os.Getenv("KEEL_SHOTS"); dir != "" {
			testkit.SavePNG(t, w.Canvas().Capture(), dir+"/ticket-chain.png")
		}
		// Type-ahead by delta: the 30-delta put, then Enter sets the leg.
		test.Type(p.jump, "30d")
		row := p.selected.Row
		if row < 0 || p.selected.Col != colPutBid {
			t.Fatalf("30d selected %+v", p.selected)
		}
		got := p.view.Rows[row].Put.Delta
		for _, r := range p.view.Rows {
			if math.Abs(math.Abs(r.Put.Delta)-0.30) < math.Abs(math.Abs(got)-0.30)-1e-12 {
				t.Errorf("30d went to Δ %v; the %v put has Δ %v", got, r.Strike, r.Put.Delta)
			}
		}
		if !strings.Contains(p.jumpMsg.Text, strikeText(p.view.Rows[row].Strike)) {
			t.Errorf("jump message %q", p.jumpMsg.Text)
		}
		if want := p.view.Rows[row].Put.Quote.Symbol + ": liquidity "; !strings.HasPrefix(p.reasons.Text, want) {
			t.Errorf("the selected put's verdict says %q, want %q…", p.reasons.Text, want)
		}
		p.jump.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		l := tk.legs[0]
		if tk.picker != nil {
			t.Error("picking did not close the chain view")
		}
		if l.symbol != p.view.Rows[row].Put.Quote.Symbol || l.inst.Right != pricing.Put {
			t.Errorf("Enter set the leg to %q, want %s", l.symbol, p.view.Rows[row].Put.Quote.Symbol)
		}
		// Type-ahead by strike, then a click on the call side sets a call.
		test.Tap(l.strike)
	})
	tk.Wait()
	tk.OnUI(func() {
		p := tk.picker
		k := p.view.Rows[atm+2].Strike
		p.jump.SetText(strikeText(k))
		if p.selected.Row != atm+2 {
			t.Fatalf("typing %v selected row %d, want %d", k, p.selected.Row, atm+2)
		}
		p.table.Select(widget.TableCellID{Row: atm + 2, Col: colCallBid})
		l := tk.legs[0]
		if l.kind.Selected != kindCall || l.inst.Right != pricing.Call || l.inst.Strike != k {
			t.Errorf("a click on the %v call gave %s %v %q", k, l.kind.Selected, l.inst.Strike, l.symbol)
		}
		if tk.followMid {
			t.Error("picking a strike did not freeze the limit")
		}
	})
}

// TestChainPickerStaysFastWithHundredsOfStrikes builds the chain view of 1,000 $1 strikes
// and checks that only the rows on screen get cells and that a jump is quick.
func TestChainPickerStaysFastWithHundredsOfStrikes(t *testing.T) {
	testkit.App(t)
	exp := time.Date(2026, 12, 18, 21, 0, 0, 0, time.UTC)
	v := &desk.ChainView{Chain: brokers.Chain{Underlying: "SPY", Expiry: exp, Price: decimal.NewFromInt(600)}, Size: 1,
		AsOf: testkit.PaperStart, Price: 600, ATM: -1}
	for i := range 1000 {
		k := float64(100 + i)
		mk := func(r pricing.Right, d float64) desk.ChainOption {
			in := instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY", Right: r, Strike: k, Expiry: exp, Multiplier: 100}
			return desk.ChainOption{Quote: brokers.Quote{Symbol: fmt.Sprintf("SPY %v %v", r, k), Instrument: in,
				Bid: decimal.NewFromFloat(1.00), Ask: decimal.NewFromFloat(1.05)}, Delta: d, HasDelta: true, Judged: true, Verdict: liquidity.Pass}
		}
		cd := 1 / (1 + math.Exp((k-600)/20))
		v.Rows = append(v.Rows, desk.ChainRow{Strike: k, Call: mk(pricing.Call, cd), Put: mk(pricing.Put, cd-1)})
		if k == 600 {
			v.ATM = i
		}
	}
	var p *chainPicker
	w := test.NewTempWindow(t, widget.NewLabel(""))
	start := time.Now()
	p = newChainPicker(v, true, 0, nil)
	w.SetContent(p.content)
	w.Resize(chainDialogSize)
	p.centreAtOpen()
	built := time.Since(start)
	p.resetDrawn()
	p.table.Refresh()
	if p.drawnFrom < 0 || p.drawnTo-p.drawnFrom > 40 {
		t.Errorf("the table drew rows %d to %d of 1,000: it is not virtual", p.drawnFrom, p.drawnTo)
	}
	if mid := (p.drawnFrom + p.drawnTo) / 2; v.ATM < p.drawnFrom || v.ATM > p.drawnTo || mid < v.ATM-3 || mid > v.ATM+3 {
		t.Errorf("rows %d to %d on screen, want the at-the-money row %d in the middle", p.drawnFrom, p.drawnTo, v.ATM)
	}
	start = time.Now()
	p.jumpTo("16d")
	jumped := time.Since(start)
	if r := p.view.Rows[p.selected.Row]; math.Abs(math.Abs(r.Put.Delta)-0.16) > 0.01 {
		t.Errorf("16d went to strike %v with put Δ %v", r.Strike, r.Put.Delta)
	}
	// Generous bounds for a shared machine under -race: the point is that nothing grows with
	// the number of strikes.
	if built > 2*time.Second || jumped > 500*time.Millisecond {
		t.Errorf("building took %v and a jump %v", built, jumped)
	}
	t.Logf("1,000 strikes: built and centred in %v, a delta jump in %v, rows %d to %d drawn", built, jumped, p.drawnFrom, p.drawnTo)
}
