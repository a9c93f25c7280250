// Package paper is Keel's embedded default broker: a paper account trading on the
// simulated market of engine/sim. It implements brokers.Broker and
// brokers.SimulatedClock, passes the brokertest contract suite, and keeps the account in a
// Store (*data.Journal) so a restart resumes it exactly.
//
// # Units
//
// As in brokers: prices per unit of the underlying as quoted, money in US dollars as
// decimal.Decimal, quantities signed (bought or long positive). Times are market times
// (New York) of the simulated clock, not wall times: Fills(since) and Settlements(since)
// take market time.
//
// # The market and the clock
//
// One goroutine owns the market and the account. Every 100 ms of wall time it advances a
// sim.Clock by the elapsed wall time × Speed (at most 10 s of wall time per tick, so a
// machine waking from sleep does not race the market ahead). The clock skips closed hours,
// so the paper market is trading whenever Keel runs. Within a tick the market stops at
// every session close and every expiry it crosses to work orders, settle expiries and run
// the end of the day. A new account starts at Config.Start (default: now, or the open of
// the most recent session when the market is closed); a saved account resumes at its saved
// market time — the market does not run while Keel is closed. Advance moves market
// (session) time forward at once, for tests and a "skip ahead".
//
// # Orders and fills
//
// Orders are validated first and refused with a *brokers.RejectedError saying why: no
// legs, quantity below 1, a ratio of 0, a symbol the market does not list, the same symbol
// in two legs, an expired leg, a market order while the market is closed or with a leg
// that has no bid (sell) or offer (buy), a limit off the tick grid, a single-leg buy
// limit that is not a positive price or a single-leg sell limit that is not a negative one
// (Limit is Σ ratio × price: a credit is negative), or an order that would raise the
// margin above net liquidation (see Buying power).
//
// Ticks follow the simulated market: shares 0.01; ES and MES futures 0.25; SPY and QQQ
// options 0.01, other stock options 0.01 below 3.00 and 0.05 from 3.00; options on ES
// and MES 0.25, or 0.05 at or below 5.00. A multi-leg limit must be a multiple of the
// finest tick of its legs.
//
// A limit order fills when the touch is at least as good as its limit: each leg at its
// touch (buys at the ask, sells at the bid), the net Σ ratio × price at or below Limit.
// Otherwise it works until it becomes marketable at a later tick, is cancelled, or — a
// Day order — the session closes. A market order fills at once at the touch moved
// Slippage ticks against the trader (never below one tick on a sale). An order fills
// whole: all legs and all units in one execution, one FillEvent carrying every leg, at
// the touch whatever the displayed size. Placing with a ClientID the account already
// knows returns that order's status and does nothing else. Order, fill and settlement ids
// (PO-, PF-, PS- and 80 random bits) are saved with the account, so they are stable, and
// two processes on one journal, or an account opened again under the same name, never hand
// out the same one.
//
// Events follow each change in order: OrderEvent (accepted, working), FillEvent,
// OrderEvent (filled). The account is saved before its events go out, as rows (see Row):
// each event writes its order, fills, settlements and positions and the small account and
// market rows in one transaction, so a fill costs the same at the 20,000th as at the first
// (BenchmarkFill). A failed save keeps the account dirty and is retried every second
// until it works; SaveError says why meanwhile. Events wait in an
// unbounded queue inside the broker when the consumer is slow, where a newer quote
// replaces the queued quote of the same symbol (so quotes of a symbol can be skipped, the
// latest always arrives) and nothing else is ever dropped. While the session is down
// (Disconnect or SimulateDisconnect) quotes, orders, fills and settlements are not sent —
// the market runs on and working orders can fill — and the client resynchronises with
// Orders, Fills and Settlements after Connect; ids make that free of duplicates.
//
// # Commissions
//
// DefaultCommissions are typical US retail rates, charged on opening and closing: $0.65 per
// stock or ETF option contract plus $0.05 of regulatory and clearing fees; $1.50 per
// futures or futures option contract plus $1.00 of exchange and NFA fees; shares free;
// no fee on assignment or exercise. Fill.Commission and Fill.Fees report them per leg.
//
// # Cash, P&L and net liquidation
//
// Cash pays or receives the premium of stocks and options (quantity × price ×
// multiplier) and pays every commission and fee. Futures move no cash when opened: their
// open P&L, quantity × multiplier × (mark − open price), is marked into net liquidation,
// and the realized P&L of a reduced or closed future settles into cash. (That is
// mark-to-market without a daily variation-margin sweep; net liquidation is the same.)
// Positions are kept as FIFO lots so realized P&L is exact: closing realizes (price − lot
// price) × quantity × multiplier against the oldest lots. RealizedPnL is after all costs.
// AveragePrice is the open lots' average, rounded to 6 places for display. Net
// liquidation = cash + Σ stock and option quantity × multiplier × mid + Σ futures open
// P&L; marks are the mid, or the last price when a side is missing.
//
// # Buying power
//
// Maintenance is the sum over positions of:
//   - shares, long or short: 50% of their value;
//   - futures, long or short: 6% of the notional (price × multiplier);
//   - long options: nothing (they are paid in full);
//   - short stock and ETF options (Reg-T naked): the greater of 20% of the underlying less
//     the out-of-the-money amount and 10% of the underlying (calls) or the strike (puts),
//     plus the option's mark, × 100;
//   - short futures options (SPAN-like): the option's largest loss if the future moves 7%
//     either way at today's implied vol, at least 0.5% of the future, × the multiplier.
//
// Each position is margined alone: spreads and strangles get no offset, so the estimate is
// conservative. BuyingPower = net liquidation − maintenance, floored at zero. An order is
// refused when the maintenance after it would exceed the net liquidation after its costs
// (and what it pays above the mark); an order that lowers the maintenance is always
// allowed.
//
// # Expiration, exercise and assignment
//
// When market time reaches an option's expiry, an option in the money by at least 0.01
// against the underlying's price at that moment is exercised (long) or assigned (short)
// and the rest expire. The option leaves at zero (its premium is realized) and the
// underlying changes hands at the strike: 100 shares a contract for stock options, one
// future a contract for options on futures (an ES put assigned makes the account long the
// future at the strike). Expiring ES and MES futures are cash-settled at the final
// settlement price. Each is a SettlementEvent with its Reason in words.
//
// Short American options may be assigned early, at a session close: a short call the
// night before its stock goes ex-dividend (SPY, QQQ: sim.ExDividendDates) when the
// dividend — a quarter of the dividend yield × the price — is more than the call's
// extrinsic value; and any short American option in the money whose extrinsic value
// (the American value at the quote's implied vol less intrinsic) is below max(0.05,
// 0.05% of the underlying), with probability 1 − extrinsic ÷ that threshold, drawn from a
// hash of the seed, the contract and the session so a seed replays the same assignments.
// The whole position is assigned. The market pays dividends as a continuous yield in the
// price, so no dividend cash is booked.
//
// # The demo book
//
// A new account (unless Config.EmptyAccount) opens with DemoBook, filled by market orders
// at the simulated market like any trade (their ClientIDs start with DemoPrefix): one
// short ES strangle on futures options 30–45 days out (put near 12 delta, call near 20: short-biased), 2 long MES futures,
// 2 short SPY strangles near 20 delta, 3 short VXX calls near 30 delta, and SH shares (or
// SPY shares when the rest is short) sized to bring the SPY-beta-weighted delta to about
// zero. Its events are not sent: they are history when the account opens, read with
// Fills.
//
// # Load
//
// BenchmarkTick500 times one tick with 500 subscribed instruments; LoadTest (run by
// TestLoad500 and BenchmarkLoad500) streams N
// instruments at 10 quotes a second each to a consumer and reports rate, queue, lag, CPU
// and memory.
package paper
