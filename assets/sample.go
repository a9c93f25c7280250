package assets

import _ "embed"

// SampleHistoryCSV is the bundled sample statement (tastytrade transaction-history CSV):
// a few weeks of short puts and calls on SPY and ES with rolls, an assignment, an expiry
// and futures hedges. Keel imports it into the paper account of a new journal, flagged as
// sample history, so the journal window has something to show; it is not anyone's real
// trading.
//
//go:embed sample_history.csv
var SampleHistoryCSV []byte
