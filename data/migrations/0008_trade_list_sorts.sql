-- 0008: an index for every order the journal window lists trades in, so its first page is
-- read from the top of an index instead of sorting the whole journal. Newest and oldest
-- first use trades_opened, recently closed trades_closed (NULLs, the open trades, come last
-- when it is read downwards). Ties are broken by id as the queries do (data/query.go).

-- best P&L first (read downwards: highest P&L, then the highest id)
CREATE INDEX trades_pnl ON trades (CAST(realized_pnl AS REAL));
-- worst P&L first: lowest P&L, then the highest id
CREATE INDEX trades_pnl_worst ON trades (CAST(realized_pnl AS REAL), id DESC);
-- by underlying, newest first within each (and still the filter on one underlying, either way)
DROP INDEX trades_underlying;
CREATE INDEX trades_underlying ON trades (underlying, opened_at DESC, id DESC);
