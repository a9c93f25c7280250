// Package tactical runs a layer's temporary counter-trades inside its bias (seed 001, §5):
// a short-biased layer buys as the price rises and closes those buys when the price
// reverses, raising its average sell price; a long-biased layer sells as the price falls
// and buys back on the reversal. Each layer hedges itself through intraday cycles without
// changing its bias.
//
// Step is a pure function: given the Params, the State and a Tick (time, prices, the
// layer's delta) it returns the new state, the orders to place (each with its rule, inputs
// and a deterministic client order id), the cycle it closed, the tactical exposure for the
// spiral guard and the next action in words ("buy 1 MESZ6 if ES ≥ 6,012.25").
//
// # Rules
//
//   - The trigger levels are Reference ± k × step (k = 1 … MaxSteps) against the bias: above
//     the reference for a short-biased layer, below it for a long-biased one. Each level
//     crossed opens Size units (several at once when the price gaps through several).
//     While no cycle is open the reference follows the price in the bias's favour (the
//     lowest price for a short-biased layer), so a cycle starts from the turn, not from an
//     old level; a closed cycle resets the reference to its exit price.
//   - A cycle closes entirely when the price reverses by the exit threshold from its most
//     adverse price since the cycle opened.
//   - Cap: the tactical exposure never exceeds MaxFraction (≤ 1) of the layer's own delta in
//     the bias's direction; when the layer's delta shrinks the excess is sold back at once,
//     and when the layer's delta is against its bias the tactical position is closed. So the
//     layer's delta with the tactical trades keeps the sign of its bias: it is never flipped.
//   - FlatByClose: from FlatMinutes before the session close every tactical unit is closed
//     and nothing new opens until the next session.
//
// # Units
//
// Prices are per unit as quoted: Tick.Price is the layer's underlying (ES points, SPY
// dollars), Tick.InstrumentPrice the traded instrument's (MES trades at the ES price, SH at
// its own). LayerDelta and Exposure.Delta are dollars per one point of Tick.Price (shares for
// SPY, ES contracts × 50 for ES): an instrument unit carries Multiplier × Leverage ×
// InstrumentPrice ÷ Price of them (one MES on an ES layer: 5; one SH share on a SPY layer:
// −SH/SPY). Realized P&L is dollars; a cycle's average-price improvement is its realized P&L
// ÷ Tick.LayerUnits (the layer's size in units of its own position), in points of the
// underlying — what it adds to a short layer's average sell price (or takes off a long
// layer's average buy price).
//
// # Defaults
//
// Keel's, by bias and underlying (Defaults): ES layers trade MES, 1 per step every 0.5% with
// a 0.25% reversal exit, 3 steps, flat by the close; SPY layers 10 SPY shares per step
// (short-biased) or 10 SH shares (long-biased, so the counter-trade is a purchase, not a
// short sale), same steps; VXX layers 10 VXX shares per 3% step with a 1.5% exit, held
// overnight (VXX's spikes outlast a session). All cap the exposure at half the layer's
// delta. A neutral layer has no bias to trade inside and no defaults.
package tactical
