// Package hedge decides when and how much to delta-hedge, with the reason in words, and
// keeps the discipline around it: rebalancing policies, lot rounding to real hedge
// instruments, the guide's risk rules and Greek limits, the spiral guard, the daily
// hedging checklist and its weekly review, P&L attribution by Greek, and a hedging
// simulation that measures each policy's tracking error, trades and cost.
//
// Policies (Policy.Decide): TimeBased (once a day at a set time), FixedBand (shares,
// per $100k of net liquidation or % of NAV), GammaScaled (a risk-budget band that
// narrows as gamma rises), WhalleyWilmott (H = (3·e^(−r(T−t))·λ·S·Γ²/(2γ))^(1/3), trading to
// the nearest edge) and CostBenefit (hedge when ½·γ·(variance of delta P&L removed) is
// worth more than k × the cost). Each returns a Decision: the band, the current delta, the
// order in whole lots (a mix of ES and MES, whole shares), the delta after it, the cost.
//
// Units: deltas are in units of the hedged underlying (SPY shares for a SPY layer; a
// hedge lot's Delta converts: one ES ≈ 500 SPY shares). A policy's Input.Gamma is the
// change of that delta per 1.00 move of the underlying price; the checklist's layers carry
// the one exposure type, portfolio.Exposure (gamma in dollars per 1% move), and the
// checklist converts it for the policies in one place. Money is dollars: costs, budgets, Vega per
// volatility point, Theta per calendar day. Volatility is annualised (0.20), Years and
// Rate are as in engine/pricing (ACT/365, continuously compounded), DTE is calendar days.
// Risk aversion γ is per dollar. Time is passed in; nothing here reads a clock. Two
// figures are in dollars instead, so that legs on different underlyings and multipliers
// add up: the spiral guard's Balance (beta-weighted dollar deltas, each leg at its own
// underlying's price) and P&L attribution's Snapshot (delta and gamma in dollars per 1.00
// move of the underlying: quantity × multiplier × the per-unit Greek).
//
// Nothing returns NaN or Inf: invalid input returns an error naming the field. The daily
// checklist's Run holds no P&L figure by design — the rule while hedging is "ignore P&L".
package hedge
