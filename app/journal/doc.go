// Package journal is the trade journal window: the trades with their legs, rolls and
// settlements, tags and lessons, the stats, P&L by Greek per day, and the import of broker
// statements (all-or-nothing per file, with a reconciliation line). Every query runs off the
// UI goroutine. Money is shown with ui.USD: true minus sign, thousands grouped, two decimals.
// The window only reads the journal: tags, lessons and imports are desk commands (Writer).
package journal
