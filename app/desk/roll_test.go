package desk

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/portfolio"
)

// The roll planner's chains for the demo book's ES strangle (on ESH7, expiring in the
// last days of December) hold every futures month whose options expire in the roll window
// — ESZ6's weeklies too, which a roll closer in time needs — not only the held month's.
func TestRollMarketHoldsEveryFuturesMonthInTheWindow(t *testing.T) {
	r := layeredRig(t)
	ctx := context.Background()
	snap := r.desk.Latest()
	var held []portfolio.PositionRisk
	for _, p := range snap.Book.Positions {
		if p.Instrument.Kind == instrument.FuturesOption && p.Quantity < 0 {
			held = append(held, p)
		}
	}
	if len(held) == 0 {
		t.Fatal("the demo book holds no short ES option")
	}
	rs := r.desk.RollSettings()
	m, err := r.desk.rollMarket(ctx, snap, held, rs)
	if err != nil {
		t.Fatal(err)
	}
	first := snap.Time.Add(time.Duration(rs.RollByDays * 24 * float64(time.Hour)))
	last := snap.Time.Add(time.Duration(rs.MaxDays * 24 * float64(time.Hour)))
	months := map[string]int{}
	for _, c := range m.Chains {
		months[c.Underlying]++
		own := false
		for _, h := range held {
			own = own || (h.Instrument.Underlying == c.Underlying && h.Instrument.Expiry.Equal(c.Expiry))
		}
		if !own && (!c.Expiry.After(first) || c.Expiry.After(last)) {
			t.Errorf("chain %s %s is outside the window (%s, %s]", c.Underlying, c.Expiry, first, last)
		}
	}
	y, mo, err := instrument.NextContract("ES", first)
	if err != nil {
		t.Fatal(err)
	}
	front := instrument.FormatFutures("ES", y, mo)
	if months[front] == 0 || months[held[0].Instrument.Underlying] == 0 || front == held[0].Instrument.Underlying {
		t.Errorf("chains by futures month %v: want the front month %s's and the held %s's", months, front, held[0].Instrument.Underlying)
	}
}

// keel roll and the roll planner window name a target as the planner does: a position by
// its ID or symbol in any notation, an unknown layer or position said, a target without
// short options told apart (ErrNoShortOption).
func TestPlanRollsTargets(t *testing.T) {
	r := layeredRig(t)
	ctx := context.Background()
	snap := r.desk.Latest()
	var put, future string
	for _, p := range snap.Positions {
		switch {
		case p.Instrument.Root == "SPY" && p.Instrument.IsOption() && p.Quantity < 0 && put == "":
			put = p.Instrument.Symbol()
		case p.Instrument.Kind == instrument.Future:
			future = p.Symbol
		}
	}
	plans, err := r.desk.PlanRolls(ctx, RollTarget{Position: put})
	if err != nil || len(plans) != 1 {
		t.Fatalf("%s: %d plans, %v", put, len(plans), err)
	}
	if _, err := r.desk.PlanRolls(ctx, RollTarget{Layer: "no such layer"}); err == nil || !strings.Contains(err.Error(), `no layer "no such layer"`) {
		t.Errorf("unknown layer: %v", err)
	}
	if _, err := r.desk.PlanRolls(ctx, RollTarget{Position: "QQQ"}); err == nil || !strings.Contains(err.Error(), "no position QQQ") {
		t.Errorf("unknown position: %v", err)
	}
	if _, err := r.desk.PlanRolls(ctx, RollTarget{Position: future}); !errors.Is(err, ErrNoShortOption) {
		t.Errorf("a future: %v, want ErrNoShortOption", err)
	}
	if _, err := r.desk.PlanRolls(ctx, RollTarget{Layer: "MES futures"}); !errors.Is(err, ErrNoShortOption) {
		t.Errorf("a layer of futures: %v, want ErrNoShortOption", err)
	}
}
