// Package lab measures hedging policies before a trader risks money on them: one option
// or a small position of options on one underlying (a short strangle, or a layer whose
// legs have their own expiries and implied vols), sold at its Black–Scholes value and
// delta-hedged to expiry along simulated paths by every policy
// the engine has — time-based at several frequencies, fixed delta bands, gamma-scaled
// bands, Whalley–Wilmott and cost–benefit — each over a range of its parameter, all on
// the same paths, with the hedge instrument's real lots and costs (commission and half
// the spread per share or contract; SPY shares, ES and MES futures).
//
// For each policy and parameter it reports the standard deviation of the hedged P&L at
// expiry (the tracking error), its mean, the mean cost and number of trades, the P&L
// distribution (quantiles and a histogram) and, across each policy's parameter, the
// efficient frontier of cost against risk. Results stream as each point finishes, so a
// window can draw the frontier as it forms. Paths are GBM or a stochastic-volatility
// model with jumps shaped like the simulated market's (see Model).
//
// DermanKamal reproduces the QuantLib DiscreteHedging case against Derman and Kamal's
// formula for the tracking error of hedging N times without costs,
// √(π/4) · σ · vega / √N.
//
// Units: prices per unit of the underlying (dollars per share, index points); deltas in
// underlying units (shares; index units for ES options, where one ES future is 50 and one
// MES 5); money in dollars for the whole position (contracts × multiplier); volatility
// and rates annualised; Years and Steps over calendar time to expiry. Runs are
// deterministic for a seed, whatever the number of workers, and cancellable through their
// context. Nothing here reads a clock.
package lab
