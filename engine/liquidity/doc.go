// Package liquidity applies the hedging guide's liquidity checklist ("Illiquid Options
// Trap", seed 000) to one option quote and an order size: open interest above 1,000
// contracts, daily volume above 100, a bid-ask spread under 5% of the mid (a spread of one
// tick always passes: ES options quote in ticks, and a one-tick market on a cheap option is
// as good as it gets), the order at most 10% of the day's volume, and both sides quoted with
// at least the order's size (the retail proxy for "multiple market makers"). "If it fails
// any test: don't trade."
//
// Each rule gives a Check: pass, warn or fail, the measured number and the threshold, and a
// sentence. A rule warns when it passes within Rules.WarnMargin of its threshold (Keel's
// amber light, not the guide's), or when the broker did not report a side's size. A quote's
// Verdict is the worst of its checks: fail exactly when a rule fails.
//
// ExpectedCost is the guide's cost of illiquidity: size × spread width × expected
// adjustments, in dollars (times the contract multiplier).
//
// Units: prices per unit of the underlying, as quoted; spread and size percentages in
// percent (5 is 5%); sizes, volume and open interest in contracts. Volume is the day's
// volume so far, as brokers report it. Nothing here reads the clock or the network.
package liquidity
