package data

import (
	"strings"
	"testing"
)

// queryPlan is SQLite's plan for query, one step a line.
func queryPlan(t *testing.T, j *Journal, query string, args ...any) []string {
	t.Helper()
	rows, err := j.read.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var step string
		if err := rows.Scan(&id, &parent, &unused, &step); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, step)
	}
	return plan
}

// TestImportLookupsUseIndexes checks that the importer's reads of many rows at once look
// each one up by index (a join against json_each once scanned a whole account's fills for
// every id) and that every sort of the trade list reads an index in order, without sorting.
func TestImportLookupsUseIndexes(t *testing.T) {
	j := openTemp(t)
	lookups := []struct {
		name   string
		query  string
		args   []any
		search string // the index lookup the plan must make
	}{
		{"known fills", importSQL[qKnownFills], []any{1, "[]"}, "SEARCH fills USING COVERING INDEX sqlite_autoindex_fills_1 (account_id=? AND exec_id=?)"},
		{"instruments", findInstrumentsSQL, []any{"[]"}, "SEARCH instruments USING INDEX sqlite_autoindex_instruments_1 (symbol=?)"},
		{"open lots", importSQL[qLots], []any{1, 1}, "(instrument_id=?)"},
		{"refresh counts", refreshCountsSQL, []any{"[]"}, "SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"},
		{"refresh fills", refreshFillsSQL, []any{"[]"}, "SEARCH f USING INDEX fills_trade (trade_id=?)"},
	}
	for _, c := range lookups {
		t.Run(c.name, func(t *testing.T) {
			plan := queryPlan(t, j, c.query, c.args...)
			for _, step := range plan {
				if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN json_each") {
					t.Errorf("plan step %q reads a whole table", step)
				}
			}
			if text := strings.Join(plan, "; "); !strings.Contains(text, c.search) {
				t.Errorf("plan %q does not make the lookup %q", text, c.search)
			}
		})
	}
	for _, s := range []SortBy{NewestFirst, OldestFirst, RecentlyClosed, BestPnLFirst, WorstPnLFirst, UnderlyingAToZ} {
		order, err := s.orderBy()
		if err != nil {
			t.Fatal(err)
		}
		plan := queryPlan(t, j, "SELECT "+summaryColumns+" FROM trades t WHERE 1 = 1 ORDER BY "+order+" LIMIT 200")
		if text := strings.Join(plan, "; "); !strings.Contains(text, "USING INDEX") || strings.Contains(text, "TEMP B-TREE") {
			t.Errorf("sort %d (%s): plan %q sorts the trades instead of reading an index", s, order, text)
		}
	}
}
