// Package desk is the trading desk service: the one goroutine that owns trading state
// between the broker, the engine and the journal. It receives the broker's events, values
// the positions with engine/portfolio (implied vols from the quotes' mids, Greeks with
// engine/pricing), coalesces ticks into an immutable Snapshot at most every 100 ms for the
// windows, writes every fill and settlement to the journal with the Greeks at entry, and
// sends orders only after the pre-trade checks. After a disconnect it reconnects with
// back-off and resynchronises positions, orders, fills and settlements without recording
// anything twice. It knows no Fyne: windows subscribe to snapshots and call its methods
// from their own goroutines.
//
// Units are engine/portfolio's: delta in underlying units and beta-weighted dollars, gamma
// as dollar delta per 1% move, theta in dollars per calendar day, vega in dollars per vol
// point; money from the broker stays decimal.
package desk
