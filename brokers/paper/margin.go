package paper

import (
	"context"
	"math"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// Margin parameters of the buying-power estimate (see the package doc).
const (
	stockMargin        = 0.50 // of the shares' value, long or short
	optionRiskShare    = 0.20 // Reg-T naked short option: 20% of the underlying …
	optionMinShare     = 0.10 // … at least 10% of the underlying (calls) or strike (puts)
	futuresMargin      = 0.06 // of the notional, long or short
	futuresScan        = 0.07 // SPAN-like scan range for options on futures: ±7%
	futuresOptionFloor = 0.005
)

// mark is a symbol's mark per unit: the mid, or the last price when a side is missing.
func (b *Broker) mark(sym string, fallback decimal.Decimal) decimal.Decimal {
	q, err := b.market.Quote(sym)
	if err != nil {
		return fallback
	}
	return toQuote(q).Mid()
}

// value is what a position adds to net liquidation: quantity × multiplier × mark for
// stocks and options; for futures the open P&L, quantity × multiplier × (mark − cost).
func (b *Broker) value(p *position) decimal.Decimal {
	m := b.mark(p.Symbol, p.avgPrice())
	mult := dec(p.Instrument.Multiplier)
	if p.Instrument.Kind == instrument.Future {
		return m.Mul(decimal.NewFromInt(p.Quantity)).Sub(p.cost()).Mul(mult)
	}
	return m.Mul(decimal.NewFromInt(p.Quantity)).Mul(mult)
}

func (b *Broker) netLiq() decimal.Decimal {
	nl := b.acct.Cash
	for _, p := range b.acct.Positions {
		nl = nl.Add(b.value(p))
	}
	return nl
}

// maintenance is the margin the positions hold, with extra (symbol → signed quantity)
// added to them as if filled.
func (b *Broker) maintenance(extra map[string]legQty) decimal.Decimal {
	qty := map[string]legQty{}
	for sym, p := range b.acct.Positions {
		qty[sym] = legQty{in: p.Instrument, qty: p.Quantity}
	}
	for sym, e := range extra {
		q := qty[sym]
		q.in = e.in
		q.qty += e.qty
		qty[sym] = q
	}
	total := 0.0
	for sym, q := range qty {
		if q.qty != 0 {
			total += b.requirement(sym, q.in, q.qty)
		}
	}
	return decimal.NewFromFloat(total).Round(2)
}

type legQty struct {
	in  instrument.Instrument
	qty int64
}

// requirement is the margin of qty of one instrument, in dollars.
func (b *Broker) requirement(sym string, in instrument.Instrument, qty int64) float64 {
	n := math.Abs(float64(qty))
	q, err := b.market.Quote(sym)
	if err != nil {
		return 0
	}
	mid := q.Mid()
	switch in.Kind {
	case instrument.Stock:
		return stockMargin * n * mid
	case instrument.Future:
		return futuresMargin * n * mid * in.Multiplier
	}
	if qty > 0 {
		return 0 // long options are paid in full
	}
	s, err := b.market.Price(in.Underlying)
	if err != nil {
		return 0
	}
	if in.Kind == instrument.Option {
		return regT(in.Right, s, in.Strike, mid) * n * in.Multiplier
	}
	otm := math.Max(0, -intrinsic(in, s))
	// A short futures option: the worst loss when the future moves ±7% at today's
	// implied vol, at least 0.5% of the future.
	worst := futuresOptionFloor * s
	years := instrument.YearFraction(b.market.Now(), in.Expiry)
	if q.IV > 0 && years > 0 {
		for _, move := range []float64{-futuresScan, futuresScan} {
			v, err := pricing.Price(pricing.Option{Style: in.Style, Underlying: pricing.Futures, Right: in.Right,
				Spot: s * (1 + move), Strike: in.Strike, Years: years, Rate: b.market.Rate(), Vol: q.IV})
			if err == nil {
				worst = math.Max(worst, v-mid)
			}
		}
	} else {
		worst = math.Max(worst, optionRiskShare*s-otm)
	}
	return worst * n * in.Multiplier
}

// regT is the Reg-T requirement of one naked short stock option per unit: the greater of
// 20% of the underlying less the out-of-the-money amount and 10% of the underlying (a
// call) or of the strike (a put), plus the option's price.
func regT(right pricing.Right, s, strike, mark float64) float64 {
	otm, base := math.Max(0, strike-s), s
	if right == pricing.Put {
		otm, base = math.Max(0, s-strike), strike
	}
	return math.Max(optionRiskShare*s-otm, optionMinShare*base) + mark
}

func (b *Broker) accountNow() brokers.Account {
	nl := b.netLiq()
	mt := b.maintenance(nil)
	bp := nl.Sub(mt)
	if bp.IsNegative() {
		bp = decimal.Zero
	}
	return brokers.Account{ID: b.acct.Account, Currency: "USD", NetLiquidation: nl, Cash: b.acct.Cash,
		BuyingPower: bp, Maintenance: mt, RealizedPnL: b.acct.Realized}
}

// Account is the money side of the paper account.
func (b *Broker) Account(ctx context.Context) (brokers.Account, error) {
	var a brokers.Account
	err := b.run(ctx, true, func() error { a = b.accountNow(); return nil })
	return a, err
}

// Positions lists the holdings by symbol.
func (b *Broker) Positions(ctx context.Context) ([]brokers.Position, error) {
	var out []brokers.Position
	err := b.run(ctx, true, func() error {
		for _, p := range b.acct.sortedPositions() {
			out = append(out, brokers.Position{Instrument: p.Instrument, Symbol: p.Symbol, Quantity: p.Quantity,
				AveragePrice: p.avgPrice(), Mark: b.mark(p.Symbol, p.avgPrice()), Opened: p.opened()})
		}
		return nil
	})
	return out, err
}

// now is the market time.
func (b *Broker) now() time.Time { return b.clock.Now() }
