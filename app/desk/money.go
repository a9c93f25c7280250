package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
)

// OrderMoney is an order's or a fill's money the way the journal keeps it, one sign
// convention everywhere: the premium is net price × units × multiplier before costs, a
// positive amount received for a credit or paid for a debit; the costs (commission and fees)
// are always paid and said apart; the net is the premium after costs. A sold option's
// premium is the journal's premium for the trade; its costs are the journal's commission and
// fees.
type OrderMoney struct {
	Premium    decimal.Decimal // ≥ 0
	Credit     bool
	Commission decimal.Decimal
	Fees       decimal.Decimal
	CostsKnown bool
	// Futures is set when a leg is a future: its price × multiplier is a notional, not money
	// that changes hands, so only the costs are said.
	Futures bool
	// Options is set when a leg is an option: the money is a premium; shares alone are an
	// amount.
	Options bool
}

// MoneyOf is the premium of a net price per unit (positive a debit, negative a credit) for
// units of an order with legs (they share one multiplier; shares have 1).
func MoneyOf(legs []brokers.Leg, net decimal.Decimal, units int64) OrderMoney {
	mult := 1.0
	m := OrderMoney{Credit: net.IsNegative()}
	for _, l := range legs {
		if l.Instrument.Kind == instrument.Future {
			m.Futures = true
		}
		if l.Instrument.IsOption() {
			m.Options = true
		}
	}
	if len(legs) > 0 && legs[0].Instrument.Multiplier > 0 {
		mult = legs[0].Instrument.Multiplier
	}
	m.Premium = net.Abs().Mul(decimal.NewFromInt(units)).Mul(decimal.NewFromFloat(mult))
	return m
}

// WithCosts is m with its commission and fees known.
func (m OrderMoney) WithCosts(commission, fees decimal.Decimal) OrderMoney {
	m.Commission, m.Fees, m.CostsKnown = commission, fees, true
	return m
}

// Costs are the commission and fees together.
func (m OrderMoney) Costs() decimal.Decimal { return m.Commission.Add(m.Fees) }

// Net is the money after costs: positive received, negative paid.
func (m OrderMoney) Net() decimal.Decimal {
	p := m.Premium
	if !m.Credit {
		p = p.Neg()
	}
	if m.Futures {
		p = decimal.Zero
	}
	return p.Sub(m.Costs())
}

// Words is m as the ticket, its confirmation and the fill's message say it: "premium $151.00
// received, costs $2.00, net $149.00 received"; "premium $235.00 paid, before costs" when the
// costs are not known; "amount $660.00 paid, …" for shares alone; "futures: no premium
// changes hands, costs $3.00" for a future. estimated says "est. costs".
func (m OrderMoney) Words(estimated bool) string {
	costs := "costs"
	if estimated {
		costs = "est. costs"
	}
	if m.Futures {
		if !m.CostsKnown {
			return "futures: no premium changes hands, before costs"
		}
		return fmt.Sprintf("futures: no premium changes hands, %s %s", costs, money(m.Costs()))
	}
	dir := "paid"
	if m.Credit {
		dir = "received"
	}
	if m.Premium.IsZero() {
		dir = ""
	}
	word := "amount"
	if m.Options {
		word = "premium"
	}
	s := word + " " + money(m.Premium)
	if dir != "" {
		s += " " + dir
	}
	if !m.CostsKnown {
		return s + ", before costs"
	}
	net := m.Net()
	nd := "received"
	if net.IsNegative() {
		nd = "paid"
	}
	if net.IsZero() {
		nd = "even"
	}
	return fmt.Sprintf("%s, %s %s, net %s %s", s, costs, money(m.Costs()), money(net.Abs()), nd)
}

// OrderCosts are the commission and fees the broker charged the fills of a placed order (the
// figures the journal records for them), and how many fills there were. It calls the
// broker: run it off the UI goroutine.
func (s *Service) OrderCosts(ctx context.Context, st brokers.OrderStatus) (commission, fees decimal.Decimal, fills int, err error) {
	since := time.Time{}
	if !st.Submitted.IsZero() {
		since = st.Submitted.Add(-time.Minute)
	}
	fs, err := s.broker.Fills(ctx, since)
	if err != nil {
		return decimal.Zero, decimal.Zero, 0, err
	}
	commission, fees = decimal.Zero, decimal.Zero
	for _, f := range fs {
		if f.OrderID == st.ID {
			commission, fees = commission.Add(f.Commission), fees.Add(f.Fees)
			fills++
		}
	}
	return commission, fees, fills, nil
}
