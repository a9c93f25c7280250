// Package roll finds the rolls that restore a layer's balance without adding size, the
// strategy's central rule (seed 001, §3): when a layer goes out of balance, do not add
// contracts to the opposite leg — roll strikes and expiries closer to the underlying in
// price and time.
//
// For one short option (or every short option of a layer) the planner lists candidates on
// the same underlying (for futures options, the same product: ES options on ESZ6 may roll
// to ones on ESH7). Every candidate closes the whole position and opens at most as many
// contracts as it closes — never more:
//
//   - closer: the untested side rolled closer to the money (a strike nearer the underlying,
//     still out of the money), for a credit, restoring delta;
//   - out and away: the tested side rolled to a later expiry at the same or a farther strike;
//   - close only: buy the position back.
//
// A short option is tested when its |delta| is above that of every short option of the other
// right in its layer on the same product; the others are untested. One with no such partner
// ("alone") gets both shapes, but only the rolls that leave the layer's delta no further
// from its target than it is: without a partner, balance is all a roll is for. New legs expire more than Settings.RollByDays (the guide's 7) and at
// most Settings.MaxDays (60) calendar days out. Each roll is offered with the same number of
// contracts and, when Settings.FewerContracts, with the smaller number that brings the
// layer's delta nearest its target.
//
// # Score
//
// Candidates are ranked by Score.Total, lower first, a sum in dollars of weighted
// components (Weights; every raw component is in Score):
//
//	Delta  × |layer delta after − target| × S × unit × 1%   dollars a 1% move costs off target
//	− Credit × net credit at mid                            a credit is preferred
//	+ Costs  × (commissions + half-spreads)                 what the roll pays to trade
//	+ Gamma  × ½ × 1% × (|layer gamma after| − |before|)    gamma's cost of a 1% move
//	− Theta  × (layer theta after − before)                 decay gained per day
//	+ Vega   × (|layer vega after| − |before|)              a vol point's added risk
//	+ Price  × |strike move| in % of the underlying, + Time × days the expiry moves
//	+ Warn   × legs whose liquidity warns
//
// Candidates any leg of which fails the liquidity checklist (engine/liquidity) rank after all
// others. A roll that costs a debit at mid is left out unless Settings.AllowDebit; close only
// is always listed.
//
// The target is the layer's delta on the product: Settings.Targets[layer] when set, else 0
// for a neutral layer and ±BiasDelta × the layer's option contracts on the product (in
// underlying units) for a long or short one.
//
// # Units
//
// As engine/portfolio: layer delta in the underlying's units (shares; futures contracts for
// futures options), gamma as the change of dollar delta for a 1% move, theta in dollars per
// calendar day, vega in dollars per vol point. Net credits and costs are dollars for the
// whole roll, a credit positive. Greeks of new legs come from engine/pricing with the
// instrument's style (American for stock and ETF options, which are screened with the
// European value first; Black-76 for futures options), the quote's implied volatility (or
// one implied from its mid), the book's rate and the underlying's dividend yield. The old
// leg's figures are the book's.
package roll
