-- 0001: the core trade journal. Times are UTC text "2006-01-02T15:04:05.000000000Z" (fixed
-- width, so they sort and compare as text); money, prices, quantities, strikes and
-- multipliers are decimal text (shopspring/decimal), never REAL.

CREATE TABLE accounts (
	id      INTEGER PRIMARY KEY,
	broker  TEXT NOT NULL,
	account TEXT NOT NULL,
	kind    TEXT NOT NULL CHECK (kind IN ('paper', 'live')),
	sample  INTEGER NOT NULL DEFAULT 0 CHECK (sample IN (0, 1)),
	UNIQUE (broker, account)
);

CREATE TABLE instruments (
	id           INTEGER PRIMARY KEY,
	symbol       TEXT NOT NULL UNIQUE, -- canonical: SPY · ESZ26 · SPY 2026-12-18 450 P
	kind         TEXT NOT NULL CHECK (kind IN ('stock', 'future', 'option', 'futures option')),
	root         TEXT NOT NULL,
	underlying   TEXT NOT NULL DEFAULT '',
	expiry       TEXT, -- RFC 3339 with the exchange's offset; NULL for stocks
	multiplier   TEXT NOT NULL,
	option_right TEXT CHECK (option_right IN ('call', 'put')),
	strike       TEXT,
	style        TEXT CHECK (style IN ('European', 'American'))
);

-- A trade is a position opened and later closed, possibly across several orders and rolls.
-- The money columns are a summary recomputed from fills and hedges whenever they change.
CREATE TABLE trades (
	id           INTEGER PRIMARY KEY,
	account_id   INTEGER NOT NULL REFERENCES accounts (id),
	underlying   TEXT NOT NULL,
	strategy     TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	opened_at    TEXT NOT NULL,
	closed_at    TEXT,
	premium      TEXT NOT NULL DEFAULT '0', -- credit from options sold to open, before costs
	commission   TEXT NOT NULL DEFAULT '0',
	fees         TEXT NOT NULL DEFAULT '0',
	hedge_cost   TEXT NOT NULL DEFAULT '0',
	realized_pnl TEXT NOT NULL DEFAULT '0', -- closed lots, costs included
	roll_count   INTEGER NOT NULL DEFAULT 0,
	hedge_count  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX trades_opened ON trades (opened_at);
CREATE INDEX trades_closed ON trades (closed_at);
CREATE INDEX trades_underlying ON trades (underlying, opened_at);
CREATE INDEX trades_account ON trades (account_id, opened_at);

CREATE TABLE legs (
	id            INTEGER PRIMARY KEY,
	trade_id      INTEGER NOT NULL REFERENCES trades (id) ON DELETE CASCADE,
	instrument_id INTEGER NOT NULL REFERENCES instruments (id),
	side          TEXT NOT NULL CHECK (side IN ('long', 'short')),
	quantity_open TEXT NOT NULL, -- contracts or shares still open, never negative
	opened_at     TEXT NOT NULL,
	closed_at     TEXT
);
CREATE INDEX legs_trade ON legs (trade_id);
CREATE INDEX legs_open ON legs (instrument_id) WHERE quantity_open <> '0';

-- One row per broker event, split into parts when one event closes lots of several legs or
-- closes and opens (part 0, 1, ...); commission and fees are shared out so the parts add up.
CREATE TABLE fills (
	id             INTEGER PRIMARY KEY,
	account_id     INTEGER NOT NULL REFERENCES accounts (id),
	trade_id       INTEGER NOT NULL REFERENCES trades (id) ON DELETE CASCADE,
	leg_id         INTEGER NOT NULL REFERENCES legs (id) ON DELETE CASCADE,
	exec_id        TEXT NOT NULL,
	part           INTEGER NOT NULL DEFAULT 0,
	order_id       TEXT NOT NULL DEFAULT '',
	kind           TEXT NOT NULL CHECK (kind IN ('fill', 'assignment', 'exercise', 'expiration', 'delivery')),
	effect         TEXT NOT NULL CHECK (effect IN ('open', 'close')),
	filled_at      TEXT NOT NULL,
	quantity       TEXT NOT NULL, -- signed: + bought, - sold
	price          TEXT NOT NULL, -- per unit of the underlying, as quoted
	commission     TEXT NOT NULL,
	fees           TEXT NOT NULL,
	open_remaining TEXT NOT NULL DEFAULT '0', -- opening part: signed quantity of this lot still open (FIFO)
	open_costs     TEXT NOT NULL DEFAULT '0', -- opening part: its costs not yet charged to a close
	realized_pnl   TEXT NOT NULL DEFAULT '0', -- closing part: P&L of the lots it closed, costs included
	symbol         TEXT NOT NULL DEFAULT '', -- the broker's own symbol text
	source         TEXT NOT NULL DEFAULT '', -- where it came from: "statement.csv line 14"
	UNIQUE (account_id, exec_id, part)
);
CREATE INDEX fills_trade ON fills (trade_id, filled_at);
CREATE INDEX fills_lots ON fills (leg_id, filled_at) WHERE open_remaining <> '0';

-- A roll is one order that closed legs of a trade and opened new legs on the same
-- underlying; the new legs join the same trade.
CREATE TABLE rolls (
	id         INTEGER PRIMARY KEY,
	trade_id   INTEGER NOT NULL REFERENCES trades (id) ON DELETE CASCADE,
	order_id   TEXT NOT NULL,
	rolled_at  TEXT NOT NULL,
	net_credit TEXT NOT NULL -- cash of the roll's fills, costs included: + credit, - debit
);
CREATE INDEX rolls_trade ON rolls (trade_id, rolled_at);

CREATE TABLE roll_legs (
	roll_id INTEGER NOT NULL REFERENCES rolls (id) ON DELETE CASCADE,
	leg_id  INTEGER NOT NULL REFERENCES legs (id) ON DELETE CASCADE,
	role    TEXT NOT NULL CHECK (role IN ('closed', 'opened')),
	PRIMARY KEY (roll_id, leg_id, role)
) WITHOUT ROWID;

-- Assignments, exercises and expirations: the fill that closed the option leg and, after an
-- assignment or exercise, the leg of shares or futures it delivered.
CREATE TABLE settlements (
	id               INTEGER PRIMARY KEY,
	trade_id         INTEGER NOT NULL REFERENCES trades (id) ON DELETE CASCADE,
	fill_id          INTEGER NOT NULL UNIQUE REFERENCES fills (id) ON DELETE CASCADE,
	kind             TEXT NOT NULL CHECK (kind IN ('assignment', 'exercise', 'expiration')),
	settled_at       TEXT NOT NULL,
	option_leg_id    INTEGER NOT NULL REFERENCES legs (id) ON DELETE CASCADE,
	quantity         TEXT NOT NULL,
	delivered_leg_id INTEGER REFERENCES legs (id) ON DELETE SET NULL
);
CREATE INDEX settlements_trade ON settlements (trade_id);

CREATE TABLE hedges (
	id             INTEGER PRIMARY KEY,
	trade_id       INTEGER NOT NULL REFERENCES trades (id) ON DELETE CASCADE,
	hedge_trade_id INTEGER REFERENCES trades (id) ON DELETE SET NULL,
	hedged_at      TEXT NOT NULL,
	reason         TEXT NOT NULL,
	policy         TEXT NOT NULL DEFAULT '',
	cost           TEXT NOT NULL
);
CREATE INDEX hedges_trade ON hedges (trade_id, hedged_at);
