-- 0003: the paper broker's account state. One row per paper account: the whole state
-- (simulated market, clock, positions, cash, orders, fills, settlements, id counters) as
-- one versioned blob written by brokers/paper, replaced in one transaction per save.

CREATE TABLE paper_accounts (
	account    TEXT PRIMARY KEY,
	state      BLOB NOT NULL,
	updated_at TEXT NOT NULL -- UTC, the journal's fixed-width time text
) WITHOUT ROWID;
