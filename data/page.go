package data

import (
	"context"
)

// TradesPage returns one page of the trades the filter selects, sorted, and how many trades
// the filter selects in all — without the money totals, which cost more than the page itself
// on a large journal (ListTrades adds them; TradeTotals gives them alone). The journal window
// shows the first page with this and adds the totals when TradeTotals returns.
func (j *Journal) TradesPage(ctx context.Context, f Filter, p Page) ([]TradeSummary, int, error) {
	where, args, err := f.where()
	if err != nil {
		return nil, 0, err
	}
	order, err := p.Sort.orderBy()
	if err != nil {
		return nil, 0, err
	}
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultPageLimit
	}
	limit = min(limit, MaximumPageLimit)
	rows, err := j.read.QueryContext(ctx, "SELECT "+summaryColumns+" FROM trades t WHERE "+where+" ORDER BY "+order+" LIMIT ? OFFSET ?",
		append(args, limit, max(p.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	var out []TradeSummary
	for rows.Next() {
		t, err := j.scanSummary(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var n int
	if err := j.read.QueryRowContext(ctx, "SELECT count(*) FROM trades t WHERE "+where, args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	return out, n, nil
}

// TradeTotals adds up every trade the filter selects (ListTrades' Totals, alone).
func (j *Journal) TradeTotals(ctx context.Context, f Filter) (Totals, error) {
	where, args, err := f.where()
	if err != nil {
		return Totals{}, err
	}
	return j.totals(ctx, where, args)
}
