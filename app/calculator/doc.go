// Package calculator is the option calculator window: the price and Greeks of one option
// (a stock or ETF option under Black-Scholes-Merton with a dividend yield, an option on a
// future under Black-76, European or American) from the inputs the trader types, per unit
// and per contract, and the implied volatility of a market price. It needs no desk: it reads
// only the clock. The Greeks are shown per unit and per contract (times the multiplier):
// delta per unit move, theta per calendar day, vega per vol point, rho per 1% of rate.
package calculator
