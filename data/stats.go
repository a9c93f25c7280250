package data

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Stats is the review of the trades a filter selects. Money is in the account currency.
// Premium is the credit from options sold to open (rolls included), before costs;
// TransactionCosts are commission and fees, HedgingCosts what recorded hedges cost; CostShare
// is (TransactionCosts + HedgingCosts) / Premium, valid when HasCostShare. WinRate is the
// share of closed trades with a positive realized P&L (0 to 1); AvgDaysHeld is over closed
// trades. RealizedPnL includes partial closes of trades still open; the PnL series has one
// point per calendar day (in the journal's location) on which trades closed, with their
// realized P&L and the running total. ByMonth buckets premium and costs by the month each
// trade opened.
type Stats struct {
	Trades           int
	Open             int
	Closed           int
	Wins             int
	WinRate          float64
	AvgDaysHeld      float64
	Premium          decimal.Decimal
	TransactionCosts decimal.Decimal
	HedgingCosts     decimal.Decimal
	CostShare        decimal.Decimal
	HasCostShare     bool
	RealizedPnL      decimal.Decimal
	Hedges           int
	Rolls            int
	PnL              []PnLPoint
	ByMonth          []MonthCosts
}

// PnLPoint is the realized P&L of the trades closed on one day and the running total.
type PnLPoint struct {
	Day        time.Time // midnight, in the journal's location
	Realized   decimal.Decimal
	Cumulative decimal.Decimal
}

// MonthCosts is the premium collected and the costs paid by trades opened in one month.
type MonthCosts struct {
	Month   time.Time // the first of the month, in the journal's location
	Premium decimal.Decimal
	Costs   decimal.Decimal
}

// Stats reviews the trades the filter selects.
func (j *Journal) Stats(ctx context.Context, f Filter) (Stats, error) {
	var st Stats
	where, args, err := f.where()
	if err != nil {
		return st, err
	}
	rows, err := j.read.QueryContext(ctx, `SELECT t.opened_at, t.closed_at, t.premium, t.commission, t.fees, t.hedge_cost,
		t.realized_pnl, t.roll_count, t.hedge_count FROM trades t WHERE `+where, args...)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	var premium, comm, fees, hedge, realized decimalSum
	var daysHeld float64
	type monthKey struct {
		y int
		m time.Month
	}
	type monthSums struct{ premium, costs decimalSum }
	months := map[monthKey]*monthSums{}
	type daySums struct {
		day      time.Time
		realized decimalSum
	}
	days := map[time.Time]*daySums{}
	var opened, closed sql.RawBytes
	var money [5]sql.RawBytes
	var rolls, hedges int
	for rows.Next() {
		if err := rows.Scan(&opened, &closed, &money[0], &money[1], &money[2], &money[3], &money[4], &rolls, &hedges); err != nil {
			return st, err
		}
		if err := firstError(premium.add(money[0]), comm.add(money[1]), fees.add(money[2]), hedge.add(money[3]), realized.add(money[4])); err != nil {
			return st, err
		}
		st.Trades++
		st.Rolls += rolls
		st.Hedges += hedges
		openedAt, err := parseTimeBytes(opened)
		if err != nil {
			return st, err
		}
		lo := openedAt.In(j.loc)
		mk := monthKey{lo.Year(), lo.Month()}
		ms := months[mk]
		if ms == nil {
			ms = &monthSums{}
			months[mk] = ms
		}
		if err := firstError(ms.premium.add(money[0]), ms.costs.add(money[1]), ms.costs.add(money[2]), ms.costs.add(money[3])); err != nil {
			return st, err
		}
		if closed == nil { // open: only closed trades have a close time
			st.Open++
			continue
		}
		st.Closed++
		closedAt, err := parseTimeBytes(closed)
		if err != nil {
			return st, err
		}
		daysHeld += j.daysHeld(openedAt, closedAt)
		if textSign(money[4]) > 0 {
			st.Wins++
		}
		lc := closedAt.In(j.loc)
		day := time.Date(lc.Year(), lc.Month(), lc.Day(), 0, 0, 0, 0, j.loc)
		ds := days[day]
		if ds == nil {
			ds = &daySums{day: day}
			days[day] = ds
		}
		if err := ds.realized.add(money[4]); err != nil {
			return st, err
		}
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	st.Premium, st.HedgingCosts, st.RealizedPnL = premium.value(), hedge.value(), realized.value()
	st.TransactionCosts = comm.value().Add(fees.value())
	if !st.Premium.IsZero() {
		st.CostShare, st.HasCostShare = st.TransactionCosts.Add(st.HedgingCosts).DivRound(st.Premium, 6), true
	}
	if st.Closed > 0 {
		st.WinRate = float64(st.Wins) / float64(st.Closed)
		st.AvgDaysHeld = daysHeld / float64(st.Closed)
	}
	dayList := make([]*daySums, 0, len(days))
	for _, d := range days {
		dayList = append(dayList, d)
	}
	slices.SortFunc(dayList, func(a, b *daySums) int { return a.day.Compare(b.day) })
	cum := decimal.Zero
	for _, d := range dayList {
		r := d.realized.value()
		cum = cum.Add(r)
		st.PnL = append(st.PnL, PnLPoint{Day: d.day, Realized: r, Cumulative: cum})
	}
	keys := make([]monthKey, 0, len(months))
	for k := range months {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b monthKey) int { return (a.y*12 + int(a.m)) - (b.y*12 + int(b.m)) })
	for _, k := range keys {
		st.ByMonth = append(st.ByMonth, MonthCosts{Month: time.Date(k.y, k.m, 1, 0, 0, 0, 0, j.loc),
			Premium: months[k].premium.value(), Costs: months[k].costs.value()})
	}
	return st, nil
}

// firstError returns the first non-nil error.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
