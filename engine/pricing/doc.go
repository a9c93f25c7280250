// Package pricing values options and their Greeks.
//
// Models:
//   - European options: the generalized Black–Scholes–Merton formula with cost of carry b
//     (Haug, "The Complete Guide to Option Pricing Formulas", 2nd ed., ch. 1–2). b = r gives
//     Black–Scholes on a stock without dividends, b = r − q Merton's model with a dividend
//     yield q, b = r − rf Garman–Kohlhagen on a currency. On Futures b = 0: Black-76.
//   - American options: the early-exercise-premium integral equation solved as Andersen,
//     Lake & Offengeim (2016), "High-performance American option pricing": the exercise
//     boundary by fixed-point iteration on Chebyshev nodes in √τ, the integrals by
//     Gauss–Legendre quadrature, puts directly and calls through the put–call symmetry
//     C(S, K, T, r, q, σ) = P(K, S, T, q, r, σ). Node, sweep and quadrature counts are
//     chosen from T, r, q and σ alone (a finer setting where max(r, q)·√T/σ is large, the
//     two blended smoothly between), so the value is smooth in every input. Where early
//     exercise is worth nothing (a call with b ≥ r, a put with r ≤ 0) the European value
//     is used. Accuracy against a 10,001-step Leisen–Reimer tree over T to five years,
//     r 0–10%, σ 5–150%, calls and puts on stock with and without dividends and on
//     futures: see TestAmericanAgainstLR; against an accurate binomial tree on ordinary
//     inputs: TestAmericanAgainstTree.
//
// Units (the Greeks are per unit of the underlying, as in Haug): Price in the currency of
// Spot and Strike; Delta per 1.00 of underlying; Gamma per 1.00 of underlying, squared;
// Vega per 1.00 of volatility (per 100 vol points); Theta per year of calendar time, the
// change in value as time passes (usually negative; divide by 365 for a calendar day);
// Rho per 1.00 of rate — on Spot the dividend yield q = r − b is held fixed (b moves with
// r), on Futures the futures price is held fixed so Rho = −T·Price; Vanna = dDelta/dVol;
// Volga = dVega/dVol; Charm = dDelta/dt per year of calendar time passing.
// Years is an ACT/365 year fraction; Rate and Carry are continuously compounded.
//
// European Greeks are analytic. American Greeks of lives from a day to 0.2 years, vol 5%
// to 100%, the put's rate (a call's dividend yield) at least 0.5%, away from the exercise
// boundary, are the European ones plus those of the early exercise premium:
// delta and gamma exact derivatives of its quadrature, theta and charm from the
// Black–Scholes equation, vega, volga, vanna and rho central differences on a coarser
// boundary (american_fast.go; accuracy in TestAmericanFastGreeks); the price is the same
// either way. Other American Greeks are central finite differences of the American
// value with relative bumps (spot, volatility and time by 1e-4 of their size, rate by
// 1e-5 absolute); where the American option is worth its European twin (a call with
// b ≥ r, a put with r ≤ 0) the analytic European Greeks are returned.
// Early exercise starts to pay as r rises through 0 (a put) or b falls through r (a
// call), and the premium grows linearly from there, so at exactly that point the American
// Rho is the European one, the derivative from the side where early exercise is worthless.
//
// Errors: Value (and ValueTo, which stores its result in place) and Price never return
// NaN or ±Inf. A non-positive or non-finite Spot, Strike, Years or Vol, a non-finite Rate
// or Carry, or an unknown Style, Right or Underlying returns an *InputError naming the
// field. Inputs that are valid but so extreme that a result would not be a finite number
// return an error wrapping ErrNotFinite.
package pricing
