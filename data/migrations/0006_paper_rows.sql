-- 0006: the paper account as rows instead of one blob rewritten whole at every fill: the
-- account's header and the market's state, and one row per order, fill, settlement and
-- open position, each a JSON body written by brokers/paper (one transaction per event).
-- Rows load in the order they were first written (id). A blob saved by an older Keel is
-- kept as one 'legacy' row, which brokers/paper turns into rows the first time it opens.

CREATE TABLE paper_rows (
	id      INTEGER PRIMARY KEY,
	account TEXT NOT NULL,
	kind    TEXT NOT NULL,
	key     TEXT NOT NULL DEFAULT '',
	body    BLOB NOT NULL,
	UNIQUE (account, kind, key)
);

INSERT INTO paper_rows (account, kind, key, body) SELECT account, 'legacy', '', state FROM paper_accounts;
DROP TABLE paper_accounts;
