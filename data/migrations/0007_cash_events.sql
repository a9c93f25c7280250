-- 0007: money movements that change no position — deposits, withdrawals, interest,
-- dividends, fees and their adjustments, a future's mark to market — recorded from broker
-- statements so the journal's cash reconciles with the statement's. amount is the broker's
-- own figure, decimal text signed from the account's side (received positive). event_id is
-- the statement's stable id: a re-import records each movement once.

CREATE TABLE cash_events (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES accounts (id),
	event_id    TEXT NOT NULL,
	occurred_at TEXT NOT NULL,
	kind        TEXT NOT NULL,
	amount      TEXT NOT NULL,
	currency    TEXT NOT NULL DEFAULT '',
	symbol      TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	source      TEXT NOT NULL DEFAULT '',
	UNIQUE (account_id, event_id)
);
CREATE INDEX cash_events_time ON cash_events (account_id, occurred_at);
