// Package portfolio values a book of positions and sums its risk the way a trader reads it:
// per position, per layer (a group of positions with a directional bias), per underlying,
// per expiry and for the whole book; it weighs every delta by beta to one benchmark (SPY by
// default, or an index future such as ESZ6), splits the book into bull and bear exposure,
// checks each layer's bias and the risk limits of the delta-hedging guide, and draws risk
// profiles (P&L and Greeks across underlying or benchmark moves, today, in n days and at
// expiry).
//
// # Units
//
// Quantities are signed: contracts for options and futures, shares for stocks and ETFs.
// Exposure (see Exposure) is in money, as DESIGN.md says:
//
//   - Delta: underlying units — shares for stocks, ETFs and options on them
//     (quantity × multiplier × option delta), futures contracts for futures and futures
//     options (an ES option's delta of 0.30 on 2 contracts is 0.6 ES futures). Only
//     meaningful within one underlying.
//   - DollarDelta: quantity · multiplier · option delta · underlying price, in money: the
//     position's equivalent holding of the underlying (a +1% move gains about DollarDelta/100).
//   - BetaDollarDelta: DollarDelta × beta to the benchmark (leverage included: SQQQ counts
//     −3 × QQQ's beta). BetaDelta is the same in benchmark units: SPY shares, or ES
//     contracts when the benchmark is ESZ6.
//   - Gamma: the change of DollarDelta for a 1% move of the underlying,
//     0.01 · S² · Γ · quantity · multiplier. BetaGamma = Gamma · beta², the change of
//     BetaDollarDelta for a 1% move of the benchmark.
//   - Theta: money per calendar day (Haug's per-year theta / 365). Vega: money per vol point
//     (per-unit vega / 100). Notional: |quantity| · multiplier · underlying price.
//   - Value: the market value at the mark (quantity · multiplier · price); futures count 0,
//     because they settle into cash every day.
//   - Bull and Bear: the positive and negative parts of BetaDollarDelta, summed per
//     position, so two offsetting positions show both. Balance = Net / (Bull + |Bear|), in
//     [−1, 1]: 0 is perfectly balanced, +1 all bull, −1 all bear.
//
// Betas and leverage come from each Instrument (Beta, Benchmark, Leverage, Reference),
// overridden by Config.Stocks and Config.FuturesBetas when given. A position whose
// underlying has no benchmark (crude oil, gold, notes) has beta 0: it adds to its own
// underlying's figures but not to the beta-weighted ones.
//
// # Entry points
//
// Revalue values a book once and returns a Book (positions, layers with their bias checks,
// underlyings, expiries, total); a Revaluer does the same in the desk's tick loop and
// reuses American option values between small ticks. Profile draws P&L and Greeks of a
// selection (InLayer, OnUnderlying, WithIDs, or any func) across moves and dates;
// CheckLimits turns a Book into alerts in words (DefaultLimits are the guide's).
//
// Time is passed in (Market.Now); time to expiry is ACT/365 calendar time
// (instrument.YearFraction).
package portfolio
