package paper

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
)

// EstimateCosts is what o would cost in commission and fees if it filled completely, at
// the account's rates (brokers.CostEstimator). A leg may name its contract by Symbol
// alone. It needs no session: the rates are fixed when the broker opens.
func (b *Broker) EstimateCosts(o brokers.Order) (commission, fees decimal.Decimal, err error) {
	if o.Quantity <= 0 || len(o.Legs) == 0 {
		return decimal.Zero, decimal.Zero, errors.New("paper broker: an order needs legs and a quantity")
	}
	for i, l := range o.Legs {
		in := l.Instrument
		if in.Root == "" {
			// The reference time only resolves one-digit futures years; the kind is what counts.
			if in, err = instrument.Parse(l.Symbol, b.cfg.Wall()); err != nil {
				return decimal.Zero, decimal.Zero, fmt.Errorf("paper broker: leg %d: %w", i+1, err)
			}
		}
		c, f := b.cfg.Commissions.costs(in, l.Ratio*o.Quantity)
		commission, fees = commission.Add(c), fees.Add(f)
	}
	return commission, fees, nil
}
