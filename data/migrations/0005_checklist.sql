-- 0005: the daily hedging checklist's record. A run keeps every step's figures and decision
-- as JSON (the engine's hedge.Run: no P&L by design), "no action" days included; checklist
-- orders are the adjustments a run proposed and the desk sent; off-checklist orders are
-- adjustments sent outside it; guard events are the spiral guard's stops and the overrides
-- that let an order through with a written reason; market events are the trader's calendar
-- (earnings, FOMC); layer sizes are sampled contract counts and call/put imbalance for the
-- size-growth alert. Times are UTC text as in 0001.

CREATE TABLE checklist_runs (
	id            INTEGER PRIMARY KEY,
	book          TEXT NOT NULL,
	scheduled_at  TEXT NOT NULL, -- the day's set time the run answers
	started_at    TEXT NOT NULL,
	completed_at  TEXT,          -- NULL until logged
	on_time       INTEGER NOT NULL DEFAULT 0 CHECK (on_time IN (0, 1)),
	action_needed INTEGER NOT NULL DEFAULT 0 CHECK (action_needed IN (0, 1)),
	summary       TEXT NOT NULL DEFAULT '',
	steps         TEXT NOT NULL DEFAULT '{}', -- JSON
	action        TEXT NOT NULL DEFAULT '',   -- what was done, in words ("no action")
	order_ids     TEXT NOT NULL DEFAULT '',   -- space separated broker order ids
	source        TEXT NOT NULL DEFAULT 'window' CHECK (source IN ('window', 'cli'))
);
CREATE INDEX checklist_runs_book ON checklist_runs (book, scheduled_at);

CREATE TABLE checklist_orders (
	id          INTEGER PRIMARY KEY,
	book        TEXT NOT NULL,
	run_id      INTEGER REFERENCES checklist_runs (id) ON DELETE SET NULL,
	scope       TEXT NOT NULL,  -- the layer, or 'book'
	proposed_at TEXT NOT NULL,
	legs        TEXT NOT NULL,  -- "SYMBOL:+N" per leg, sorted, space separated: how the desk recognises it
	words       TEXT NOT NULL,
	policy      TEXT NOT NULL DEFAULT '',
	hedged      TEXT NOT NULL DEFAULT '', -- the symbol of the position it hedges (for the journal's hedge record)
	order_id    TEXT,
	placed_at   TEXT,
	hedge_id    INTEGER REFERENCES hedges (id) ON DELETE SET NULL
);
CREATE INDEX checklist_orders_open ON checklist_orders (book, legs) WHERE order_id IS NULL;

CREATE TABLE off_checklist (
	id       INTEGER PRIMARY KEY,
	book     TEXT NOT NULL,
	sent_at  TEXT NOT NULL,
	order_id TEXT NOT NULL,
	words    TEXT NOT NULL,
	note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX off_checklist_book ON off_checklist (book, sent_at);

CREATE TABLE guard_events (
	id          INTEGER PRIMARY KEY,
	book        TEXT NOT NULL,
	at          TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('stop', 'override')),
	layer       TEXT NOT NULL,
	words       TEXT NOT NULL, -- the order in words
	reason      TEXT NOT NULL, -- the guard's reason
	alternative TEXT NOT NULL DEFAULT '',
	override    TEXT NOT NULL DEFAULT '', -- the trader's written reason
	order_id    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX guard_events_book ON guard_events (book, at);

CREATE TABLE market_events (
	id     INTEGER PRIMARY KEY,
	at     TEXT NOT NULL,
	name   TEXT NOT NULL,
	kind   TEXT NOT NULL CHECK (kind IN ('earnings', 'fomc', 'economic', 'other')),
	symbol TEXT NOT NULL DEFAULT '' -- empty: it concerns every layer
);
CREATE INDEX market_events_at ON market_events (at);

CREATE TABLE layer_sizes (
	book      TEXT NOT NULL,
	layer     TEXT NOT NULL,
	taken_at  TEXT NOT NULL,
	contracts REAL NOT NULL,
	imbalance REAL NOT NULL,
	PRIMARY KEY (book, layer, taken_at)
) WITHOUT ROWID;
