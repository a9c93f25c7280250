-- 0002: what the trader adds when reviewing: tags, lessons learned and Greek snapshots.

CREATE TABLE tags (
	id   INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('strategy', 'mistake', 'emotion')),
	name TEXT NOT NULL,
	UNIQUE (kind, name)
);

CREATE TABLE trade_tags (
	trade_id INTEGER NOT NULL REFERENCES trades (id) ON DELETE CASCADE,
	tag_id   INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	PRIMARY KEY (trade_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX trade_tags_tag ON trade_tags (tag_id, trade_id);

-- A lesson is tied to a trade, a calendar day (YYYY-MM-DD) or a layer name.
CREATE TABLE lessons (
	id         INTEGER PRIMARY KEY,
	trade_id   INTEGER REFERENCES trades (id) ON DELETE CASCADE,
	day        TEXT,
	layer      TEXT,
	body       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	CHECK (trade_id IS NOT NULL OR day IS NOT NULL OR layer IS NOT NULL)
);
CREATE INDEX lessons_created ON lessons (created_at);
CREATE INDEX lessons_trade ON lessons (trade_id);

-- Position Greeks of a trade (leg_id NULL) or one leg, at entry and daily, in the desk's
-- units: delta in underlying units, gamma in delta per 1 point, theta per calendar day,
-- vega per vol point, iv as a fraction (0.20 for 20%).
CREATE TABLE greek_snapshots (
	id               INTEGER PRIMARY KEY,
	trade_id         INTEGER NOT NULL REFERENCES trades (id) ON DELETE CASCADE,
	leg_id           INTEGER REFERENCES legs (id) ON DELETE CASCADE,
	kind             TEXT NOT NULL CHECK (kind IN ('entry', 'daily')),
	taken_at         TEXT NOT NULL,
	delta            REAL NOT NULL,
	gamma            REAL NOT NULL,
	theta            REAL NOT NULL,
	vega             REAL NOT NULL,
	iv               REAL NOT NULL,
	underlying_price TEXT NOT NULL
);
CREATE INDEX greek_snapshots_trade ON greek_snapshots (trade_id, taken_at);
