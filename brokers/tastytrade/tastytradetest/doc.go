// Package tastytradetest is a local fake of tastytrade for tests: the REST API as the
// developer documentation shows it (kebab-case keys, decimals as strings, lists under
// data.items, an unwrapped OAuth token answer), the account streamer (connect, heartbeat,
// Order notifications) and DXLink (SETUP → AUTH_STATE → AUTH → CHANNEL_REQUEST →
// FEED_SETUP → FEED_CONFIG → FEED_SUBSCRIPTION with COMPACT FEED_DATA and KEEPALIVE).
//
// Behind it is a small simulated market on its own clock: SPY with three monthly option
// expiries, the ES December 2026 future with one expiry of options, Black–Scholes values
// at 20% volatility, and an account that fills marketable orders at the touch. Its figures
// (fees, margin) are the fake's own, for tests only. Faults are switches: Throttle (429s),
// ExpireTokens, Drop (the account streamer), Silence (DXLink stops talking), SetNaN.
package tastytradetest
