// Package data is Keel's persistence: one SQLite file per user (modernc.org/sqlite, no cgo)
// holding the trade journal, and the import and export of broker statements into it. The
// statement parsers live in data/statement; this package files their events as trades.
//
// # The file
//
// The journal lives at DefaultPath (os.UserConfigDir()/Keel/keel.db) unless the caller
// passes another path (--db). Every pooled connection is opened with WAL, foreign keys on,
// a 5 s busy timeout and synchronous=FULL. In WAL mode NORMAL would already keep every
// committed transaction through a process crash (kill -9); FULL also fsyncs the WAL at each
// commit, so a commit survives a power cut too. Journal writes are few (an import is one
// transaction), so the fsync costs nothing a trader notices. Writes go through a pool of
// one connection that begins transactions IMMEDIATE (one writer, no lock upgrades); reads go
// through a separate read-only pool that WAL lets run alongside the writer.
//
// # Schema
//
// Migrations are embedded SQL files (migrations/0001_journal.sql, 0002_review.sql, …),
// applied forward only, each in its own transaction that also sets PRAGMA user_version.
// Before migrating a file that already has a schema, Open writes a copy next to it with
// VACUUM INTO "<file>.bak-v<old version>-<UTC time>".
//
//	accounts      broker, account id, kind (paper/live), sample flag
//	instruments   canonical symbol (see Symbol), kind, root, underlying, expiry, multiplier,
//	              right, strike, style
//	trades        account, underlying, strategy, status, opened/closed times, and a summary
//	              recomputed from the rows below: premium, commission, fees, hedge cost,
//	              realized P&L, number of rolls and hedges
//	legs          trade, instrument, side, quantity still open
//	fills         one broker event (or a part of one), unique per account and event id:
//	              order, time, signed quantity, price, commission, fees, FIFO lot state,
//	              realized P&L of what it closed
//	rolls         an order that closed legs of a trade and opened legs on the same
//	              underlying, with its net credit; roll_legs lists the legs on each side
//	settlements   assignments, exercises and expirations, with the leg they delivered
//	hedges        why a trade was hedged, the policy that asked, the cost
//	tags          strategy, mistake and emotion labels, many-to-many with trades (0002)
//	lessons       free text tied to a trade, a day or a layer (0002)
//	greek_snapshots  Greeks at entry and daily, per trade or leg (0002)
//	cash_events   money movements from statements (deposits, withdrawals, interest,
//	              dividends, fees, fee adjustments, mark to market), the broker's signed
//	              amount, unique per account and event id (0007)
//	              (0008 adds an index for every order the journal window lists trades in)
//	automation_audit        every order the desk's own rules placed, written before it is
//	                        sent: rule, inputs, client order id (unique), outcome (0009)
//	automation_transitions  lifecycle steps of a short option, with their reasons (0009)
//	tactical_cycles         each tactical counter-trade cycle: open, close, P&L (0009)
//	automation_state        the rules' memory per book as JSON: tactical states, lifecycle
//	                        tracks, tactical parameters — a restart resumes them (0010)
//
// # Units
//
// Money, prices, quantities, strikes and multipliers are stored as decimal text and handled
// as shopspring/decimal values, never as floats: prices are per unit as quoted, money is
// price × quantity × multiplier in the account currency, commission and fees are positive
// money paid. A fill's cash is −quantity × price × multiplier − commission − fees, so credits
// are positive. Times are stored in UTC as fixed-width text that sorts in time order; day and
// month buckets use the journal's location (WithLocation). Greeks are the desk's position
// figures: delta in underlying units, theta per calendar day, vega per vol point.
//
// # Trades
//
// Import takes events in time order. A fill first closes open lots of its instrument in the
// account, oldest first (FIFO across trades), realizing (close − open) × quantity ×
// multiplier less the lots' share of opening costs and its own costs; the rest opens. Legs
// opened by one order make one trade. A roll keeps one trade: the new legs join the trade
// whose legs the order closed, and the roll is recorded, so the trade's chain shows each
// step's credit, the running credit and the breakevens of what is open after it. An
// expiration closes the option at 0; an assignment or exercise closes it at the statement's
// price (0) and the delivered shares or future open in the same trade at the delivery price,
// so the intrinsic value is realized when that leg is closed.
package data
