package desk

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/portfolio"

	"github.com/keel-desk/keel/format"
)

// Preview is what the order ticket shows before sending: each leg's market, the order's net
// prices, its estimated costs, its effect on the book's Greeks, the pre-trade problems and
// the exact words of the confirmation.
type Preview struct {
	Order brokers.Order
	Legs  []LegQuote
	// Net prices per unit of the order (Σ ratio × leg price; positive a debit, negative a
	// credit): Natural takes every leg at its touch (what fills now), Mid at the middles,
	// Far at the other side.
	Natural, Mid, Far decimal.Decimal
	CostsKnown        bool
	Commission, Fees  decimal.Decimal
	// Book totals before the order, the order's own, and after it fills (beta-weighted to
	// the desk's benchmark; gamma per 1% move, theta per day, vega per vol point).
	Before, Change, After portfolio.Exposure
	GreeksErr             error // why Change could not be computed (a leg without a quote)
	// Liquidity is each option leg's liquidity verdict for the order's size, with why.
	Liquidity []LegLiquidity
	Problems  []string
}

// LegQuote is one leg's market when the preview was taken.
type LegQuote struct {
	Leg   brokers.Leg
	Quote brokers.Quote
	// Delta is one contract's delta for the leg's side: the pricing engine's per-unit delta,
	// negated for a sell (a sold put is +0.30); valid when HasDelta.
	Delta    float64
	HasDelta bool
}

// Preview quotes the legs and computes everything the ticket shows. It calls the broker,
// so run it off the UI goroutine.
func (s *Service) Preview(ctx context.Context, o brokers.Order) (Preview, error) {
	p := Preview{Order: o, Problems: s.Check(o)}
	snap := s.Latest()
	quotes := make(map[string]brokers.Quote, len(snap.Quotes)+2*len(o.Legs))
	for k, v := range snap.Quotes {
		quotes[k] = v
	}
	for _, l := range o.Legs {
		q, err := s.broker.Quote(ctx, l.Symbol)
		if err != nil {
			return Preview{}, fmt.Errorf("quote %s: %w", l.Symbol, err)
		}
		quotes[l.Symbol] = q
		if u := underlyingSymbol(l.Instrument); u != "" {
			if _, ok := quotes[u]; !ok {
				if uq, err := s.broker.Quote(ctx, u); err == nil {
					quotes[u] = uq
				}
			}
		}
		p.Legs = append(p.Legs, LegQuote{Leg: l, Quote: q})
	}
	liq := s.LiquiditySettings()
	p.Liquidity = legLiquidity(liq.Rules, o, func(sym string) (brokers.Quote, error) { return quotes[sym], nil })
	p.Problems = append(p.Problems, liquidityProblems(liq, p.Liquidity)...)
	side := func(i int, touch bool) decimal.Decimal {
		q := p.Legs[i].Quote
		if (o.Legs[i].Ratio > 0) == touch {
			return q.Ask
		}
		return q.Bid
	}
	p.Natural = netPrice(o.Legs, func(i int) decimal.Decimal { return side(i, true) })
	p.Far = netPrice(o.Legs, func(i int) decimal.Decimal { return side(i, false) })
	p.Mid = netPrice(o.Legs, func(i int) decimal.Decimal { return p.Legs[i].Quote.Mid() })
	if ce, ok := s.broker.(brokers.CostEstimator); ok && len(p.Problems) == 0 {
		if c, f, err := ce.EstimateCosts(o); err == nil {
			p.CostsKnown, p.Commission, p.Fees = true, c, f
		}
	}
	p.Before = snap.Book.Total
	var risks map[string]portfolio.PositionRisk
	p.Change, risks, p.GreeksErr = s.orderExposure(snap, o, quotes)
	p.After = p.Before.Plus(p.Change)
	for i := range p.Legs {
		l := &p.Legs[i]
		if r, ok := risks[l.Leg.Symbol]; ok && r.Err == nil && l.Leg.Ratio != 0 {
			l.Delta, l.HasDelta = r.Greeks.Delta, true
			if l.Leg.Ratio < 0 {
				l.Delta = -l.Delta
			}
		}
	}
	return p, nil
}

// orderExposure values the order's legs as positions of ratio × quantity: their total and
// each leg's risk by symbol.
func (s *Service) orderExposure(snap *Snapshot, o brokers.Order, quotes map[string]brokers.Quote) (portfolio.Exposure, map[string]portfolio.PositionRisk, error) {
	ps := make([]portfolio.Position, len(o.Legs))
	ids := make([]string, len(o.Legs))
	for i, l := range o.Legs {
		ps[i] = portfolio.Position{ID: l.Symbol, Instrument: l.Instrument, Quantity: float64(l.Ratio * o.Quantity)}
		ids[i] = l.Symbol
	}
	v := newValuer(s.cfg)
	book, err := portfolio.Revalue(ps, v.market(snap.Time, quotes, ids), v.cfg)
	if err != nil {
		return portfolio.Exposure{}, nil, err
	}
	risks := make(map[string]portfolio.PositionRisk, len(book.Positions))
	for _, r := range book.Positions {
		risks[r.ID] = r
	}
	return book.Total, risks, nil
}

// Confirmation is the exact order in words, as the trader confirms it: every leg with its
// side and size, the price and how long it works.
func (p Preview) Confirmation(account string) string {
	o := p.Order
	var b strings.Builder
	for _, l := range o.Legs {
		verb := "Buy"
		if l.Ratio < 0 {
			verb = "Sell"
		}
		fmt.Fprintf(&b, "%s %d × %s\n", verb, abs64(l.Ratio)*o.Quantity, l.Symbol)
	}
	unit := "each"
	if len(o.Legs) > 1 {
		unit = "per unit of the combination, all legs together or none"
	}
	switch o.Type {
	case brokers.Market:
		fmt.Fprintf(&b, "at the market (%s), ", unit)
	default:
		fmt.Fprintf(&b, "limit %s (%s), ", PriceWords(o.Limit), unit)
	}
	if o.TIF == brokers.GTC {
		b.WriteString("good till cancelled.\n")
	} else {
		b.WriteString("for today only.\n")
	}
	if p.CostsKnown {
		fmt.Fprintf(&b, "Estimated commission %s and fees %s.\n", money(p.Commission), money(p.Fees))
	}
	fmt.Fprintf(&b, "%s.\n", capitalize(p.MoneyWords()))
	fmt.Fprintf(&b, "Account %s.", account)
	return b.String()
}

// PriceWords writes a net price as a trader says it: "2.35 debit", "1.10 credit", "even".
func PriceWords(net decimal.Decimal) string {
	switch net.Sign() {
	case 1:
		return net.StringFixed(2) + " debit"
	case -1:
		return net.Neg().StringFixed(2) + " credit"
	}
	return "even (0.00)"
}

func money(d decimal.Decimal) string { return format.Money(d) }

// Money is the order's money in the journal's convention: at its limit, or for a market
// order at the natural price now; with the estimated costs when the broker gave them.
func (p Preview) Money() OrderMoney {
	net := p.Order.Limit
	if p.Order.Type == brokers.Market {
		net = p.Natural
	}
	m := MoneyOf(p.Order.Legs, net, p.Order.Quantity)
	if p.CostsKnown {
		m = m.WithCosts(p.Commission, p.Fees)
	}
	return m
}

// MoneyWords is Money in words, saying where a market order's figure comes from: "premium
// $151.00 received, est. costs $2.00, net $149.00 received".
func (p Preview) MoneyWords() string {
	w := p.Money().Words(true)
	if p.Order.Type == brokers.Market {
		w = "at the natural price now (" + PriceWords(p.Natural) + " per unit): " + w
	}
	return w
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
