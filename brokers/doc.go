// Package brokers is the one interface between Keel and a brokerage: the account,
// positions, instruments and option chains, streaming quotes, single and multi-leg orders,
// fills, and the expirations, assignments and exercises that change positions without a
// trade. The paper broker in brokers/paper is the embedded default; a real broker is one
// more package behind the same interface, and brokers/brokertest is the suite every
// adapter must pass.
//
// # Units
//
// Money and prices are decimal.Decimal: prices per unit of the underlying as quoted (an
// option at 2.35 costs 235 dollars for a 100-multiplier contract), commissions and fees
// positive money paid, cash and P&L in the account currency. Quantities are whole
// contracts or shares, signed: positive long or bought, negative short or sold. IV is a
// fraction and broker-given Greeks are per unit as in engine/pricing.
package brokers
