// Package liquidity is the liquidity checklist window: the hedging guide's "Illiquid Options
// Trap" test (open interest, daily volume, spread as % of mid with the one-tick floor, order
// size vs volume, both sides quoted) applied to one expiry of an underlying's chain, or to
// every option the book holds ("My positions"), with a traffic light per strike and right
// and the failing rules in words. Rows sort and filter to the ones that pass; the strike
// nearest the underlying is marked ATM. Double-clicking a row (or "Open in ticket…") opens
// the order ticket prefilled with that option, through Env.Open. The rules are the desk's
// (Settings → Liquidity); every query runs off the UI goroutine.
package liquidity
