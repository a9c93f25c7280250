package paper

import (
	"fmt"
	"hash/fnv"
	"math"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// Early assignment: a short American option in the money is assigned overnight with
// probability 1 − extrinsic ÷ threshold when its extrinsic value is below the threshold
// max(0.05, 0.05% of the underlying) per unit, decided by a hash of the seed, the
// contract and the session (so a seed replays the same assignments).
const (
	earlyMinExtrinsic   = 0.05
	earlyShareExtrinsic = 0.0005
	itmMin              = 0.01 // in the money by at least this much at expiry: exercised
)

// expire settles every held option and future whose expiry is at or before at: options
// first, since an exercised futures option may deliver a future expiring at the same
// moment.
func (b *Broker) expire(at time.Time) {
	for _, p := range b.acct.sortedPositions() {
		if p.Instrument.IsOption() && !p.Instrument.Expiry.After(at) {
			b.settleAtExpiry(p, at)
		}
	}
	for _, p := range b.acct.sortedPositions() {
		if p.Instrument.Kind == instrument.Future && !p.Instrument.Expiry.After(at) {
			b.cashSettle(p, at)
		}
	}
}

// underlyingPrice is the price an option on in settles or is valued against.
func (b *Broker) underlyingPrice(in instrument.Instrument) (float64, error) {
	return b.market.Price(in.Underlying)
}

// settleAtExpiry exercises or assigns an option in the money by at least 0.01 and
// expires it otherwise.
func (b *Broker) settleAtExpiry(p *position, at time.Time) {
	in := p.Instrument
	s, err := b.underlyingPrice(in)
	if err != nil {
		b.expireWorthless(p, at, fmt.Sprintf("expired: no settlement price for %s (%v)", in.Underlying, err))
		return
	}
	itm := intrinsic(in, s)
	if itm < itmMin {
		b.expireWorthless(p, at, fmt.Sprintf("expired out of the money: %s settled at %s, strike %s",
			in.Underlying, fmtPrice(s), fmtPrice(in.Strike)))
		return
	}
	kind := brokers.Exercised
	what := "exercised"
	if p.Quantity < 0 {
		kind, what = brokers.Assigned, "assigned"
	}
	b.deliver(p, abs(p.Quantity), at, kind, fmt.Sprintf("%s at expiry: %s settled at %s, %s in the money",
		what, in.Underlying, fmtPrice(s), fmtPrice(itm)))
}

func intrinsic(in instrument.Instrument, s float64) float64 {
	if in.Right == pricing.Put {
		return in.Strike - s
	}
	return s - in.Strike
}

func fmtPrice(x float64) string { return decimal.NewFromFloat(x).Round(4).String() }

func (b *Broker) expireWorthless(p *position, at time.Time, reason string) {
	q := p.Quantity
	b.acct.trade(p.Symbol, p.Instrument, -q, decimal.Zero, decimal.Zero, at)
	b.settled(brokers.Settlement{Time: at, Kind: brokers.Expired, Symbol: p.Symbol, Instrument: p.Instrument,
		Quantity: -q, Price: decimal.Zero, Reason: reason})
}

// deliver exercises (long) or assigns (short) n contracts of an option: the option leaves
// at zero (its premium is realized) and the underlying changes hands at the strike —
// shares (the multiplier's worth per contract) for a stock option, one future per
// contract for a futures option.
func (b *Broker) deliver(p *position, n int64, at time.Time, kind brokers.SettlementKind, reason string) {
	in := p.Instrument
	change := n
	if p.Quantity > 0 {
		change = -n
	}
	fee := b.cfg.Commissions.AssignmentFee.Mul(decimal.NewFromInt(n))
	under, underSym, err := b.resolve(in.Underlying)
	if err != nil { // an expired future is no longer listed: build it from its symbol
		under, err = instrument.Parse(in.Underlying, at)
		if err != nil {
			b.expireWorthless(p, at, fmt.Sprintf("expired: cannot deliver %s (%v)", in.Underlying, err))
			return
		}
		underSym = under.Symbol()
	}
	per := int64(math.Round(in.Multiplier / under.Multiplier))
	delivered := -change * per // a long call (change < 0) receives, a long put delivers
	if in.Right == pricing.Put {
		delivered = -delivered
	}
	strike := decimal.NewFromFloat(in.Strike)
	b.acct.trade(p.Symbol, in, change, decimal.Zero, fee, at)
	b.acct.trade(underSym, under, delivered, strike, decimal.Zero, at)
	b.settled(brokers.Settlement{Time: at, Kind: kind, Symbol: p.Symbol, Instrument: in, Quantity: change,
		Delivered: under, DeliveredSymbol: underSym, DeliveredQuantity: delivered, Price: strike, Fees: fee,
		Reason: reason})
}

// cashSettle closes an expiring future at its final settlement price (ES and MES are
// cash-settled).
func (b *Broker) cashSettle(p *position, at time.Time) {
	s, err := b.market.Price(p.Symbol)
	if err != nil {
		s = b.mark(p.Symbol, p.avgPrice()).InexactFloat64()
	}
	px := price(s)
	q := p.Quantity
	b.acct.trade(p.Symbol, p.Instrument, -q, px, decimal.Zero, at)
	b.settled(brokers.Settlement{Time: at, Kind: brokers.Expired, Symbol: p.Symbol, Instrument: p.Instrument,
		Quantity: -q, Price: px, Reason: fmt.Sprintf("cash-settled at the final settlement price %s", px)})
}

func (b *Broker) settled(s brokers.Settlement) {
	s.ID = b.acct.settlementID()
	b.acct.Settlements = append(b.acct.Settlements, s)
	b.dirty = true
	b.emit(&brokers.SettlementEvent{Settlement: s})
}

// endOfSession runs at a session close: day orders end, and short American options may be
// assigned early overnight.
func (b *Broker) endOfSession(cls time.Time) {
	if !cls.After(b.acct.LastClose) {
		return
	}
	b.acct.LastClose = cls
	b.dirty = true
	for _, ord := range b.acct.Orders {
		if ord.Status.State == brokers.Working && ord.Status.Order.TIF == brokers.Day && !ord.Session.After(cls) {
			b.finishOrder(ord, brokers.Cancelled, "a day order ends at the session close")
		}
	}
	next := nyDate(b.market.NextOpen(cls))
	for _, p := range b.acct.sortedPositions() {
		in := p.Instrument
		if p.Quantity >= 0 || !in.IsOption() || in.Style != pricing.American || !in.Expiry.After(cls) {
			continue
		}
		s, err := b.underlyingPrice(in)
		if err != nil {
			continue
		}
		itm := intrinsic(in, s)
		if itm < itmMin {
			continue
		}
		extrinsic := b.extrinsic(p, s, cls)
		if in.Kind == instrument.Option && in.Right == pricing.Call {
			if div, ok := b.dividendBefore(in.Root, next, s); ok && div > extrinsic {
				b.deliver(p, abs(p.Quantity), cls, brokers.Assigned, fmt.Sprintf(
					"assigned early the night before %s goes ex-dividend on %s: the dividend of about %s is more than the %s of extrinsic value left",
					in.Root, next, fmtPrice(div), fmtPrice(extrinsic)))
				continue
			}
		}
		threshold := math.Max(earlyMinExtrinsic, earlyShareExtrinsic*s)
		if extrinsic >= threshold {
			continue
		}
		if b.draw(p.Symbol, cls) < 1-extrinsic/threshold {
			b.deliver(p, abs(p.Quantity), cls, brokers.Assigned, fmt.Sprintf(
				"assigned early: deep in the money (%s) with %s of extrinsic value left",
				fmtPrice(itm), fmtPrice(extrinsic)))
		}
	}
}

// dividendBefore is the dividend per share root pays when date (New York, YYYY-MM-DD) is
// an ex-dividend date: a quarter of the dividend yield times the price.
func (b *Broker) dividendBefore(root, date string, s float64) (float64, bool) {
	for _, d := range b.market.ExDividendDates(root) {
		if nyDate(d) == date {
			return b.market.DividendYield(root) * s / 4, true
		}
	}
	return 0, false
}

// extrinsic is a short option's time value per unit at the close: the American value at
// the quote's implied vol less intrinsic value (the mid less intrinsic when the model
// cannot value it), never below zero.
func (b *Broker) extrinsic(p *position, s float64, at time.Time) float64 {
	in := p.Instrument
	q, err := b.market.Quote(p.Symbol)
	if err != nil {
		return 0
	}
	value := q.Mid()
	if years := instrument.YearFraction(at, in.Expiry); q.IV > 0 && years > 0 {
		o := pricing.Option{Style: in.Style, Underlying: pricing.Spot, Right: in.Right, Spot: s, Strike: in.Strike,
			Years: years, Rate: b.market.Rate(), Carry: b.market.Rate() - b.market.DividendYield(in.Root), Vol: q.IV}
		if in.Kind == instrument.FuturesOption {
			o.Underlying = pricing.Futures
		}
		if v, err := pricing.Price(o); err == nil {
			value = v
		}
	}
	return math.Max(0, value-intrinsic(in, s))
}

// draw is a number in [0, 1) fixed by the seed, the contract and the session.
func (b *Broker) draw(sym string, cls time.Time) float64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%s|%d", b.acct.Seed, sym, cls.Unix())
	x := h.Sum64()
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return float64(x>>11) / (1 << 53)
}
