// Package sim is Keel's simulated market: the underlyings, implied-volatility surface and
// listed option chains that the paper broker trades against, and a Clock that maps wall
// time to market time. It is also home to Monte Carlo path generators for hedging
// simulations (paths.go). It is pure Go and deterministic: the same seed and the same
// sequence of Advance targets give bit-for-bit the same market, and State/Restore
// continue it exactly.
//
// # Units
//
// Prices are float64 per unit of the underlying (dollars per share; index points for ES
// and MES). Vols and rates are annualised fractions (0.15 is 15%). Times are market
// times in New York; futures option expiries are given in Chicago time, as
// engine/instrument builds them. Volume and open interest are in shares or contracts.
//
// # Price model
//
// Time in the model is trading time: a year is 252 sessions, each session carries 80% of
// a day's variance and the gap into its open the other 20% (plus 5% per extra closed day:
// weekends and holidays gap a little more). Carry and the VXX roll accrue in calendar
// time (ACT/365).
//
//   - A volatility state x = ln σ_SPY follows a mean-reverting Ornstein–Uhlenbeck process
//     (κ = 5 per year, vol of vol η = 1.1, averaging about 13.5% with the jumps' push), correlated −0.7 with SPY's
//     shocks (vol rises as equities fall). It drives every vol in the market.
//   - SPY and QQQ are geometric Brownian motions with vol σ and 1.3σ, correlation 0.9,
//     drifts 7% and 8.5% a year, plus jumps (4 a year; 70% down, 1.5% + Exp × 1.5%;
//     up 0.8% + Exp × 0.7%; QQQ moves 1.25× SPY's jump). Down jumps lift the vol state,
//     up jumps lower it. Jumps are compensated, so they do not change the mean.
//   - VXX: d ln VXX = 0.6·dx + roll·dt + 15% idiosyncratic noise, with a roll yield of
//     −62% a year (≈ −5% a month) in the normal state that turns positive when the vol
//     state is high (backwardation). It spikes when SPY falls and decays in quiet years.
//   - SQQQ and SH are daily-reset leveraged ETFs: SQQQ = its last close × (1 − 3 × QQQ's
//     return since that close), SH likewise with −1 × SPY; the reset at each close gives
//     them the volatility decay of the real products.
//   - ES and MES (the front two quarterly contracts, engine/instrument specs) are priced
//     at 10 × SPY carried at r − q (4% − 1.2%) to their expiry, tick 0.25. An expired
//     contract settles at 10 × SPY at the 09:30 open of its expiry day.
//
// Underlyings quote one tick wide around the fair price; Price is that mid.
//
// # Implied-volatility surface
//
// At-the-money vol for t years is the expected average variance of the vol state
// reverting towards normal (mean reversion 2 per year), times an implied-over-realised
// premium (about 1.1): when vol is high the term structure is inverted, when low it slopes
// up. The smile is an SSVI surface (Gatheral–Jacquier) with one shape in standardised
// moneyness m = ln(K/F)/(σ_ATM·√t): IV ≈ ATM × (1 − a·m) near the money, the far wing back
// at the ATM vol 4 standard deviations out, total variance growing linearly in the wings.
// In strike terms the skew is steeper near term. SPY, QQQ, ES and MES have put skew
// (a = 0.1); VXX, SQQQ and SH call skew. VXX's vol rises with the vol state (vol of vol).
// The surface is free of static arbitrage: call prices fall and are convex in strike, puts
// rise and are convex, and total variance rises with maturity at a fixed ln(K/F).
//
// # Chains and quotes
//
// SPY and QQQ list Monday, Wednesday and Friday weeklies, the others Friday weeklies;
// all list third-Friday monthlies six months out and the quarterly months a year out;
// SPY and QQQ add the end-of-quarter expiries. ES and MES options (Keel notation, see
// instrument.NewFuturesOption) list the AM quarterly (American) with each future and PM
// European Friday weeklies, monthlies and month-ends on the future they deliver.
// Expiries on holidays move to the trading day before. Strike grids, fixed per session
// around the opening price: SPY/QQQ $1 near and $5 far, VXX/SQQQ/SH $0.50 and $1,
// ES/MES 5 and 25 points. Options are priced with engine/pricing (American for equity
// options, per instrument.Style for futures options, Black-76 on the future) at the
// surface vol. The bid/ask spread widens away from the money, near expiry and with
// price; bids fall to 0 for the cheapest options. Ticks: SPY and QQQ 0.01; other equity
// options 0.01 below $3 and 0.05 above; ES/MES options 0.25 (0.05 at or below 5.00).
// Open interest and the day's volume are deterministic per (seed, symbol, day): highest
// near the money and at monthly expiries, thin far out and far in time; volume
// accumulates through the session on a U-shaped curve.
//
// # Sessions and the Clock
//
// The market trades 09:30–16:00 New York on trading days (instrument.IsTradingDay:
// weekends and NYSE holidays are closed). Advance steps at most 30 s at a time in the
// session and applies a single gap at the next open. The Clock runs market time at a
// speed (1× to 3600×), pauses, and jumps from each close to the next open, so a paper
// market always trades.
package sim
