-- 0010: what the desk's own rules remember between runs (issue 16): per book, the
-- autopilot's state as JSON — each layer's tactical state (reference price, steps open,
-- cycles), each short option's lifecycle track — and the trader's tactical parameters, so a
-- restart resumes them. One row per book, replaced at every change.

CREATE TABLE automation_state (
	book  TEXT PRIMARY KEY,
	at    TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT '{}'
);
