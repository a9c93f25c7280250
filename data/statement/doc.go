// Package statement reads broker statements into broker-neutral position events
// (statement.Event) that the journal imports in one transaction.
//
// Formats, detected from the content by Parse:
//   - tastytrade transaction-history CSV, current layout (Date,Type,Sub Type,Action,…) and
//     the older tastyworks layout (Date,Type,Action,…): trades, and Receive Deliver rows
//     for expiration, assignment, exercise and the shares or future they deliver.
//   - IBKR Flex Query XML: Trades, OptionEAE (assignment/exercise/expiration and the
//     delivery that follows), CashTransactions and OpenPositions (returned as
//     Statement.Positions).
//   - thinkorswim AccountStatement CSV: the Account Trade History section (multi-leg orders
//     included), with commissions, fees and cash taken from Cash Balance and Futures
//     Statements, and the RAD rows that remove an option by expiration, assignment or
//     exercise (with the delivery an assignment or exercise implies).
//
// Money movements that change no position (deposits, withdrawals, interest, dividends, fees
// and their adjustments, a future's mark to market) are returned as CashEvents with the
// broker's own amount. The broker's cash columns are the truth for money: where a trade row
// has one (tastytrade Value/Total, tastyworks Amount, IBKR proceeds/netCash, thinkorswim
// AMOUNT) it must agree with price × quantity × the contract's multiplier to the cent or the
// file fails naming the column; Event.Cash carries it for the journal's reconciliation.
//
// No row is dropped in silence: every row that is neither an Event nor a CashEvent is listed
// in Statement.Skipped with its file, line, text and why. A row that looks like a trade (a
// symbol and a quantity) and that the parser does not understand fails the file, unless
// Options.SkipUnknown asks for it to be listed instead.
//
// Each format covers stocks and ETFs, options on them, futures and options on futures.
// The comment at the top of each format's file says which published layout it follows and
// what it does with the format's gaps.
//
// Units and signs, whatever the broker prints: Quantity is signed in contracts or shares,
// positive bought and negative sold (an assigned short put is +1 on the option and a
// delivery of +100 shares). Price is per unit of the underlying, the premium as quoted
// (1.25, not 125). Commission and Fees are positive money paid, in the account currency.
// Expiration and assignment rows carry price zero; the delivery carries the strike.
// Times are in the broker's time zone, read as America/New_York where the file gives none.
//
// Event IDs are stable across re-imports of the same or an overlapping statement. Where the
// broker gives an execution id it is used (IBKR ibExecID, tradeID). Otherwise the ID is a
// SHA-256 digest of the row's identifying fields (time, action, symbol, quantity, price,
// order number, description) plus an occurrence counter, so two identical legitimate fills
// in one file get IDs ending .1 and .2. Events sharing Order were filled in one order;
// assignments and their deliveries share a synthetic order key.
//
// Parsing is all or nothing: any malformed trade row fails the whole file with a *RowError
// naming the file, the line (and for XML the element and its index), the field and its
// value; a file in no known format fails with a *FormatError.
package statement
