-- 0004: what only Keel knows about a book: its layers, which position belongs to which,
-- the Greeks history the charts draw, and the trader's settings. A book is one broker
-- account, named "broker/account" ("paper/paper").

CREATE TABLE layers (
	id            INTEGER PRIMARY KEY,
	book          TEXT NOT NULL,
	name          TEXT NOT NULL,
	ord           INTEGER NOT NULL, -- display order within the book
	bias          TEXT NOT NULL CHECK (bias IN ('long', 'short', 'neutral')),
	underlyings   TEXT NOT NULL DEFAULT '', -- space separated symbols
	hedge         TEXT NOT NULL DEFAULT '',
	max_per_leg   REAL NOT NULL DEFAULT 0, -- contracts; 0 is no limit
	max_per_layer REAL NOT NULL DEFAULT 0,
	max_delta     REAL NOT NULL DEFAULT 0, -- benchmark units
	notes         TEXT NOT NULL DEFAULT '',
	UNIQUE (book, name)
);

CREATE TABLE position_layers (
	book     TEXT NOT NULL,
	symbol   TEXT NOT NULL,
	layer_id INTEGER NOT NULL REFERENCES layers (id) ON DELETE CASCADE,
	PRIMARY KEY (book, symbol)
) WITHOUT ROWID;

-- Samples of the book's and each layer's Greeks (scope '' is the whole book), in the
-- desk's units: beta-weighted delta in benchmark units and dollars, gamma in dollars per
-- 1% move, theta in dollars per day, vega in dollars per vol point.
CREATE TABLE greek_history (
	book        TEXT NOT NULL,
	scope       TEXT NOT NULL,
	taken_at    TEXT NOT NULL,
	beta_delta  REAL NOT NULL,
	beta_dollar REAL NOT NULL,
	gamma       REAL NOT NULL,
	theta       REAL NOT NULL,
	vega        REAL NOT NULL,
	PRIMARY KEY (book, scope, taken_at)
) WITHOUT ROWID;

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- Each position at the end of each exchange day (the last sample of the day wins), in the
-- desk's units: delta in underlying units, gamma in underlying units per 1.00 move, theta in
-- dollars per day, vega in dollars per vol point, value in dollars.
CREATE TABLE position_days (
	book     TEXT NOT NULL,
	symbol   TEXT NOT NULL,
	day      TEXT NOT NULL, -- YYYY-MM-DD in New York
	taken_at TEXT NOT NULL,
	underlying TEXT NOT NULL, -- SPY, ESZ6: what spot is the price of
	layer    TEXT NOT NULL DEFAULT '',
	trade_id INTEGER REFERENCES trades (id) ON DELETE SET NULL,
	quantity REAL NOT NULL,
	spot     REAL NOT NULL,
	vol      REAL NOT NULL,
	value    REAL NOT NULL,
	delta    REAL NOT NULL,
	gamma    REAL NOT NULL,
	theta    REAL NOT NULL,
	vega     REAL NOT NULL,
	PRIMARY KEY (book, symbol, day)
) WITHOUT ROWID;

-- A day's P&L of each position explained by Greek from the previous day's row (hedge.Attribute),
-- in dollars; unexplained = actual − the four.
CREATE TABLE pnl_attribution (
	book        TEXT NOT NULL,
	symbol      TEXT NOT NULL,
	day         TEXT NOT NULL,
	layer       TEXT NOT NULL DEFAULT '',
	trade_id    INTEGER REFERENCES trades (id) ON DELETE SET NULL,
	delta       REAL NOT NULL,
	gamma       REAL NOT NULL,
	theta       REAL NOT NULL,
	vega        REAL NOT NULL,
	actual      REAL NOT NULL,
	unexplained REAL NOT NULL,
	spot_before REAL NOT NULL,
	spot        REAL NOT NULL,
	vol_before  REAL NOT NULL,
	vol         REAL NOT NULL,
	PRIMARY KEY (book, symbol, day)
) WITHOUT ROWID;
CREATE INDEX pnl_attribution_trade ON pnl_attribution (trade_id, day);
