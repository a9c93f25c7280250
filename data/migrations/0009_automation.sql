-- 0009: the desk's own rules (issue 16). automation_audit holds every automated order,
-- written BEFORE it is sent: its rule, inputs and legs as JSON, the client order id (one
-- row per id: a reconnect that replays a step cannot send it twice), then the order id and
-- the outcome once the broker answered. automation_transitions holds each lifecycle
-- transition of a short option with its reason; tactical_cycles each closed tactical cycle.

CREATE TABLE automation_audit (
	id              INTEGER PRIMARY KEY,
	book            TEXT NOT NULL,
	at              TEXT NOT NULL,
	layer           TEXT NOT NULL,
	kind            TEXT NOT NULL,
	client_order_id TEXT NOT NULL,
	rule            TEXT NOT NULL,
	inputs          TEXT NOT NULL DEFAULT '{}',
	legs            TEXT NOT NULL DEFAULT '[]',
	order_id        TEXT NOT NULL DEFAULT '',
	outcome         TEXT NOT NULL DEFAULT 'sending',
	UNIQUE (book, client_order_id)
);
CREATE INDEX automation_audit_time ON automation_audit (book, at);

CREATE TABLE automation_transitions (
	id     INTEGER PRIMARY KEY,
	book   TEXT NOT NULL,
	at     TEXT NOT NULL,
	layer  TEXT NOT NULL,
	symbol TEXT NOT NULL,
	from_stage TEXT NOT NULL,
	to_stage   TEXT NOT NULL,
	reason TEXT NOT NULL
);
CREATE INDEX automation_transitions_time ON automation_transitions (book, at);

CREATE TABLE tactical_cycles (
	id     INTEGER PRIMARY KEY,
	book   TEXT NOT NULL,
	at     TEXT NOT NULL,
	layer  TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX tactical_cycles_time ON tactical_cycles (book, at);
