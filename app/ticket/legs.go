package ticket

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
	"github.com/keel-desk/keel/format"
)

// underlyingOf is the underlying symbol and the type choice of an instrument.
func underlyingOf(in instrument.Instrument, symbol string) (string, string) {
	switch in.Kind {
	case instrument.Future:
		return symbol, kindFuture
	case instrument.Option, instrument.FuturesOption:
		u := in.Underlying
		if u == "" {
			u = in.Root
		}
		if in.Right == pricing.Put {
			return u, kindPut
		}
		return u, kindCall
	}
	return symbol, kindShares
}

// fillLeg sets a leg to a prefilled instrument: its selects follow as their lists load.
func (t *OrderTicket) fillLeg(l *ticketLeg, from brokers.Leg) {
	l.updating = true
	if from.Ratio < 0 {
		l.side.SetSelected(sideSell)
	} else {
		l.side.SetSelected(sideBuy)
	}
	r := from.Ratio
	if r < 0 {
		r = -r
	}
	if r == 0 {
		r = 1
	}
	l.ratio.SetText(strconv.FormatInt(r, 10))
	l.updating = false
	if from.Instrument.Root == "" {
		// Only a symbol: look it up first.
		sym := from.Symbol
		t.legCall(l, "looking up "+sym, func(ctx context.Context, b *desk.Service) (func(), error) {
			in, err := b.Lookup(ctx, sym)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", sym, err)
			}
			return func() {
				from.Instrument = in
				t.fillLeg(l, from)
				t.validate()
			}, nil
		})
		return
	}
	in := from.Instrument
	sym := from.Symbol
	if sym == "" {
		sym = in.Symbol()
	}
	u, kind := underlyingOf(in, sym)
	t.offerUnderlying(u)
	l.symbol, l.inst = sym, in
	l.wantExpiry, l.wantStrike = in.Expiry, in.Strike
	l.updating = true
	l.underlying.SetSelected(u)
	t.setKindOptions(l, u)
	l.kind.SetSelected(kind)
	l.updating = false
	if in.IsOption() {
		t.loadExpiries(l)
	}
}

// offerUnderlying adds u to the underlying choices when it is not there yet.
func (t *OrderTicket) offerUnderlying(u string) {
	for _, x := range t.underlyings {
		if x == u {
			return
		}
	}
	t.underlyings = append(t.underlyings, u)
	for _, l := range t.legs {
		l.underlying.Options = t.underlyings
		l.underlying.Refresh()
	}
}

// addFuturesUnderlyings offers the futures the book holds and the front quarterly ES and
// MES contracts the broker lists.
func (t *OrderTicket) addFuturesUnderlyings() {
	snap := t.desk.Latest()
	for _, p := range snap.Positions {
		switch p.Instrument.Kind {
		case instrument.Future:
			t.offerUnderlying(p.Symbol)
		case instrument.FuturesOption:
			t.offerUnderlying(p.Instrument.Underlying)
		}
	}
	now := snap.Time
	if now.IsZero() {
		now = t.env.Now()
	}
	var candidates []string
	for _, root := range ticketFuturesRoots {
		candidates = append(candidates, frontQuarterlies(root, now, 2)...)
	}
	b := t.desk
	t.background(func(ctx context.Context) func() {
		var listed []string
		for _, c := range candidates {
			if in, err := b.Lookup(ctx, c); err == nil && in.Kind == instrument.Future {
				listed = append(listed, in.Symbol())
			}
		}
		return func() {
			for _, s := range listed {
				t.offerUnderlying(s)
			}
		}
	})
}

// frontQuarterlies are the next n quarterly (H, M, U, Z) contracts of root that trade after
// now.
func frontQuarterlies(root string, now time.Time, n int) []string {
	var out []string
	y, m := now.Year(), now.Month()
	for i := 0; len(out) < n && i < 12; i++ {
		month := time.Month((int(m)-1+i)%12 + 1)
		year := y + (int(m)-1+i)/12
		if month%3 != 0 {
			continue
		}
		exp, err := instrument.FuturesExpiry(root, year, month)
		if err != nil || !exp.After(now) {
			continue
		}
		out = append(out, instrument.FormatFutures(root, year, month))
	}
	return out
}

// isFutureSymbol says whether an underlying symbol names a futures contract.
func (t *OrderTicket) isFutureSymbol(u string) bool {
	in, err := instrument.Parse(u, t.marketNow())
	return err == nil && in.Kind == instrument.Future
}

// marketNow is the market time of the latest snapshot, or the clock's.
func (t *OrderTicket) marketNow() time.Time {
	if t.desk != nil {
		if s := t.desk.Latest(); !s.Time.IsZero() {
			return s.Time
		}
	}
	return t.env.Now()
}

func (t *OrderTicket) setKindOptions(l *ticketLeg, u string) {
	first := kindShares
	if t.isFutureSymbol(u) {
		first = kindFuture
	}
	if len(l.kind.Options) > 0 && l.kind.Options[0] == first {
		return
	}
	was := l.kind.Selected
	l.kind.Options = []string{first, kindCall, kindPut}
	if was == kindShares || was == kindFuture {
		l.kind.Selected = first
	}
	l.kind.Refresh()
}

func (t *OrderTicket) underlyingChanged(l *ticketLeg) {
	if l.updating {
		return
	}
	u := l.underlying.Selected
	t.setKindOptions(l, u)
	l.expiries, l.chain = nil, nil
	l.wantExpiry, l.wantStrike = time.Time{}, 0
	t.clearSelect(l, l.expiry)
	t.clearStrike(l)
	if l.kind.Selected == "" {
		l.updating = true
		l.kind.SetSelected(l.kind.Options[0])
		l.updating = false
	}
	t.kindChanged(l)
}

func (t *OrderTicket) clearSelect(l *ticketLeg, s *widget.Select) {
	l.updating = true
	s.Options = nil
	s.ClearSelected()
	l.updating = false
}

func (t *OrderTicket) kindChanged(l *ticketLeg) {
	if l.updating {
		return
	}
	u := l.underlying.Selected
	switch l.kind.Selected {
	case kindShares, kindFuture:
		l.expiries, l.chain = nil, nil
		t.clearSelect(l, l.expiry)
		t.clearStrike(l)
		l.expiry.Disable()
		l.strike.Disable()
		t.lookupLeg(l, u)
	case kindCall, kindPut:
		l.expiry.Enable()
		l.strike.Enable()
		l.symbol, l.inst = "", instrument.Instrument{}
		if l.chain != nil {
			if l.wantStrike == 0 {
				l.wantStrike = t.selectedStrike(l)
			}
			t.showChain(l)
		} else if l.expiries == nil {
			t.loadExpiries(l)
		}
	}
	t.validate()
}

// lookupLeg resolves a shares or future leg.
func (t *OrderTicket) lookupLeg(l *ticketLeg, sym string) {
	if t.desk == nil || sym == "" {
		return
	}
	l.symbol, l.inst = "", instrument.Instrument{}
	t.legCall(l, "looking up "+sym, func(ctx context.Context, b *desk.Service) (func(), error) {
		in, err := b.Lookup(ctx, sym)
		if err != nil {
			return nil, err
		}
		return func() {
			l.symbol, l.inst = in.Symbol(), in
			t.validate()
		}, nil
	})
}

// legCall runs a broker call for leg l off the UI goroutine, showing doing on the leg
// meanwhile. The function the call returns is applied on the UI goroutine; an error is shown
// on the leg instead; an answer that arrives after the leg changed again is dropped.
func (t *OrderTicket) legCall(l *ticketLeg, doing string, call func(ctx context.Context, b *desk.Service) (func(), error)) {
	l.gen++
	gen := l.gen
	l.loading, l.loadErr = doing, nil
	b := t.desk
	t.background(func(ctx context.Context) func() {
		apply, err := call(ctx, b)
		return func() {
			if gen != l.gen {
				return
			}
			l.loading = ""
			if err != nil {
				l.loadErr = err
				t.validate()
				return
			}
			apply()
		}
	})
}

// loadExpiries loads the option expiries of the leg's underlying.
func (t *OrderTicket) loadExpiries(l *ticketLeg) {
	u := l.underlying.Selected
	if t.desk == nil || u == "" {
		return
	}
	now := t.marketNow()
	t.legCall(l, "loading "+u+" expiries", func(ctx context.Context, b *desk.Service) (func(), error) {
		exps, err := b.Expirations(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("%s expiries: %w", u, err)
		}
		if len(exps) == 0 {
			return nil, fmt.Errorf("%s has no options listed", u)
		}
		return func() {
			l.expiries = exps
			opts := make([]string, len(exps))
			pick := -1
			for i, e := range exps {
				opts[i] = expiryLabel(e, now)
				if !l.wantExpiry.IsZero() && sameDay(e, l.wantExpiry) {
					pick = i
				}
			}
			if pick < 0 {
				pick = defaultExpiry(exps, now)
			}
			l.updating = true
			l.expiry.Options = opts
			l.expiry.SetSelectedIndex(pick)
			l.updating = false
			t.expiryChanged(l)
		}, nil
	})
}

// defaultExpiry is the first expiry 30 or more days out (the strategy's usual tenor), or
// the last one.
func defaultExpiry(exps []time.Time, now time.Time) int {
	for i, e := range exps {
		if e.Sub(now) >= 30*24*time.Hour {
			return i
		}
	}
	return len(exps) - 1
}

func sameDay(a, b time.Time) bool {
	a, b = a.In(instrument.NewYork), b.In(instrument.NewYork)
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// expiryLabel is "2026-12-18 · 28 d": the days rounded as every expiry list rounds them
// (format.ExpiryDays: 41.2 → "41 d", as the desk's 41.2; "today" on the day).
func expiryLabel(e, now time.Time) string {
	return e.In(instrument.NewYork).Format("2006-01-02") + " · " + format.ExpiryDays(e.Sub(now).Hours()/24)
}

func (t *OrderTicket) expiryChanged(l *ticketLeg) {
	if l.updating {
		return
	}
	i := l.expiry.SelectedIndex()
	if i < 0 || i >= len(l.expiries) || t.desk == nil {
		return
	}
	if l.wantStrike == 0 {
		l.wantStrike = t.selectedStrike(l)
	}
	u, exp := l.underlying.Selected, l.expiries[i]
	l.chain, l.symbol, l.inst = nil, "", instrument.Instrument{}
	size := t.legSize(l)
	t.legCall(l, "loading the "+u+" chain", func(ctx context.Context, b *desk.Service) (func(), error) {
		v, err := b.ChainView(ctx, u, exp, size)
		if err != nil {
			return nil, fmt.Errorf("%s chain: %w", u, err)
		}
		return func() {
			l.chain = &v
			t.showChain(l)
			t.validate()
		}, nil
	})
}

// legSize is the contracts the leg trades (ratio × quantity), at least 1: the size the chain
// view judges liquidity for.
func (t *OrderTicket) legSize(l *ticketLeg) int64 {
	r, err1 := wholeNumber(l.ratio.Text)
	q, err2 := wholeNumber(t.quantity.Text)
	if err1 != nil || err2 != nil {
		return 1
	}
	return r * q
}

// selectedStrike is the strike the leg shows now, 0 when none.
func (t *OrderTicket) selectedStrike(l *ticketLeg) float64 {
	if l.chain == nil || l.strikeRow < 0 || l.strikeRow >= len(l.chain.Rows) {
		return 0
	}
	return l.chain.Rows[l.strikeRow].Strike
}

// clearStrike forgets the leg's chain and strike.
func (t *OrderTicket) clearStrike(l *ticketLeg) {
	l.strikeRow = -1
	l.strike.SetText("strike")
}

// showChain chooses the wanted strike in the leg's (new) chain, or the at-the-money one.
func (t *OrderTicket) showChain(l *ticketLeg) {
	v := l.chain
	pick, best := -1, math.Inf(1)
	want := l.wantStrike
	if want == 0 {
		if v.ATM >= 0 {
			want = v.Rows[v.ATM].Strike
		} else {
			want = v.Chain.Price.InexactFloat64()
		}
	}
	for i, r := range v.Rows {
		if d := math.Abs(r.Strike - want); d < best {
			pick, best = i, d
		}
	}
	l.wantStrike = 0
	l.strikeRow = pick
	t.strikeChanged(l)
}

// strikeChanged resolves the leg to the call or put of its chosen row.
func (t *OrderTicket) strikeChanged(l *ticketLeg) {
	i := l.strikeRow
	if l.chain == nil || i < 0 || i >= len(l.chain.Rows) {
		return
	}
	r := l.chain.Rows[i]
	o := r.Call
	if l.kind.Selected == kindPut {
		o = r.Put
	}
	l.symbol, l.inst = o.Quote.Symbol, o.Quote.Instrument
	text := strikeText(r.Strike)
	if i == l.chain.ATM {
		text += " ATM"
	}
	l.strike.SetText(text + " ▸")
	t.validate()
}

// prefill sets the ticket to an order: its legs, quantity, type, price and time in force.
func (t *OrderTicket) prefill(o brokers.Order) {
	for _, leg := range o.Legs {
		leg := leg
		t.newLeg(&leg)
	}
	if o.Quantity > 0 {
		t.quantity.SetText(strconv.FormatInt(o.Quantity, 10))
	}
	if o.Type == brokers.Market {
		t.orderType.SetSelected(typeMarket)
	}
	if o.TIF == brokers.GTC {
		t.tif.SetSelected(tifGTC)
	}
	if !o.Limit.IsZero() {
		t.setLimit(o.Limit)
		t.limitTyped = true
	}
	t.note.SetText(o.Note)
}

// setLimit shows a signed net price in the limit entry and the debit/credit choice.
func (t *OrderTicket) setLimit(net decimal.Decimal) {
	t.settingLimit = true
	t.limit.SetText(net.Abs().StringFixed(priceDecimals(net.Abs())))
	if net.IsNegative() {
		t.netDir.SetSelected(netCredit)
	} else {
		t.netDir.SetSelected(netDebit)
	}
	t.settingLimit = false
}

// priceDecimals is 2, or more when the price needs them (ES options at 26.375).
func priceDecimals(d decimal.Decimal) int32 {
	for dp := int32(2); dp < 6; dp++ {
		if d.Equal(d.Round(dp)) {
			return dp
		}
	}
	return 6
}

// ---- reading and checking the order ----
