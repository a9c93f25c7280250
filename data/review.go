package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Lessons returns the lessons whose text or layer contains search (case-insensitive for
// ASCII; all lessons when search is empty), newest first, each with its trade's underlying.
func (j *Journal) Lessons(ctx context.Context, search string) ([]Lesson, error) {
	if search == "" {
		return loadLessons(ctx, j.read, "ORDER BY l.created_at DESC, l.id DESC")
	}
	esc := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(search)
	pat := "%" + esc + "%"
	return loadLessons(ctx, j.read, `WHERE l.body LIKE ? ESCAPE '\' OR l.layer LIKE ? ESCAPE '\'
		ORDER BY l.created_at DESC, l.id DESC`, pat, pat)
}

// AddLesson records a lesson tied to l.TradeID, l.Day ("2006-01-02") or l.Layer (at least
// one) and returns its id. Times are set from the journal's clock.
func (j *Journal) AddLesson(ctx context.Context, l Lesson) (int64, error) {
	text := strings.TrimSpace(l.Text)
	if text == "" {
		return 0, errors.New("lesson: the text is empty")
	}
	if l.TradeID == 0 && l.Day == "" && strings.TrimSpace(l.Layer) == "" {
		return 0, errors.New("lesson: tie it to a trade, a day or a layer")
	}
	var trade, day, layer any
	if l.TradeID != 0 {
		trade = l.TradeID
	}
	if l.Day != "" {
		if _, err := time.Parse("2006-01-02", l.Day); err != nil {
			return 0, fmt.Errorf("lesson: day %q is not a date like 2026-03-20", l.Day)
		}
		day = l.Day
	}
	if s := strings.TrimSpace(l.Layer); s != "" {
		layer = s
	}
	now := formatTime(j.now())
	var id int64
	err := j.inTx(ctx, func(tx *sql.Tx) error {
		if l.TradeID != 0 {
			if err := tradeExists(ctx, tx, l.TradeID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO lessons (trade_id, day, layer, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			trade, day, layer, text, now, now)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// UpdateLesson replaces a lesson's text and stamps its update time.
func (j *Journal) UpdateLesson(ctx context.Context, id int64, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return errors.New("lesson: the text is empty")
	}
	return j.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE lessons SET body = ?, updated_at = ? WHERE id = ?", text, formatTime(j.now()), id)
		if err != nil {
			return err
		}
		return oneRow(res, "lesson", id)
	})
}

// DeleteLesson removes a lesson.
func (j *Journal) DeleteLesson(ctx context.Context, id int64) error {
	return j.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM lessons WHERE id = ?", id)
		if err != nil {
			return err
		}
		return oneRow(res, "lesson", id)
	})
}

func oneRow(res sql.Result, what string, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s %d: %w", what, id, ErrNotFound)
	}
	return nil
}

func tradeExists(ctx context.Context, tx *sql.Tx, id int64) error {
	var one int
	err := tx.QueryRowContext(ctx, "SELECT 1 FROM trades WHERE id = ?", id).Scan(&one)
	if err == sql.ErrNoRows {
		return fmt.Errorf("trade %d: %w", id, ErrNotFound)
	}
	return err
}

// SetTags replaces a trade's tags with tags (duplicates are ignored, names trimmed).
func (j *Journal) SetTags(ctx context.Context, tradeID int64, in []Tag) error {
	tags := append([]Tag(nil), in...)
	for i, t := range tags {
		switch t.Kind {
		case StrategyTag, MistakeTag, EmotionTag:
		default:
			return fmt.Errorf("tag %q: kind %q is not strategy, mistake or emotion", t.Name, t.Kind)
		}
		tags[i].Name = strings.TrimSpace(t.Name)
		if tags[i].Name == "" {
			return fmt.Errorf("tag of kind %s has no name", t.Kind)
		}
	}
	return j.inTx(ctx, func(tx *sql.Tx) error {
		if err := tradeExists(ctx, tx, tradeID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM trade_tags WHERE trade_id = ?", tradeID); err != nil {
			return err
		}
		for _, t := range tags {
			if _, err := tx.ExecContext(ctx, "INSERT INTO tags (kind, name) VALUES (?, ?) ON CONFLICT (kind, name) DO NOTHING", string(t.Kind), t.Name); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO trade_tags (trade_id, tag_id)
				SELECT ?, id FROM tags WHERE kind = ? AND name = ? ON CONFLICT DO NOTHING`, tradeID, string(t.Kind), t.Name); err != nil {
				return err
			}
		}
		return nil
	})
}

// Tags lists every tag used on at least one trade, by kind then name.
func (j *Journal) Tags(ctx context.Context) ([]Tag, error) {
	return loadTags(ctx, j.read, `SELECT kind, name FROM tags WHERE id IN (SELECT tag_id FROM trade_tags) ORDER BY kind, name`)
}

// AddHedge records that h.TradeID was hedged (h.HedgeTradeID, if not 0, is the trade holding
// the hedge's own fills) and adds h.Cost to the trade's hedging costs. A zero Time means now.
func (j *Journal) AddHedge(ctx context.Context, h Hedge) (int64, error) {
	if strings.TrimSpace(h.Reason) == "" {
		return 0, errors.New("hedge: say why (the reason is empty)")
	}
	if h.Cost.Sign() < 0 {
		return 0, fmt.Errorf("hedge: cost %s is negative", h.Cost)
	}
	at := h.Time
	if at.IsZero() {
		at = j.now()
	}
	var id int64
	err := j.inTx(ctx, func(tx *sql.Tx) error {
		if err := tradeExists(ctx, tx, h.TradeID); err != nil {
			return err
		}
		var hedgeTrade any
		if h.HedgeTradeID != 0 {
			if err := tradeExists(ctx, tx, h.HedgeTradeID); err != nil {
				return err
			}
			hedgeTrade = h.HedgeTradeID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO hedges (trade_id, hedge_trade_id, hedged_at, reason, policy, cost) VALUES (?, ?, ?, ?, ?, ?)`,
			h.TradeID, hedgeTrade, formatTime(at), strings.TrimSpace(h.Reason), strings.TrimSpace(h.Policy), h.Cost.String())
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		_, _, err = refreshTrade(ctx, tx, h.TradeID)
		return err
	})
	return id, err
}

// RecordGreeks stores a Greek snapshot of a trade or one of its legs. Every figure must be
// a finite number. A zero Time means now.
func (j *Journal) RecordGreeks(ctx context.Context, g GreekSnapshot) (int64, error) {
	if err := g.check(); err != nil {
		return 0, err
	}
	if g.Time.IsZero() {
		g.Time = j.now()
	}
	var id int64
	err := j.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = insertGreeks(ctx, tx, g)
		return err
	})
	return id, err
}

// check refuses a snapshot with a figure that is not a finite number or a negative IV.
func (g GreekSnapshot) check() error {
	for _, v := range []struct {
		name string
		x    float64
	}{{"delta", g.Delta}, {"gamma", g.Gamma}, {"theta", g.Theta}, {"vega", g.Vega}, {"iv", g.IV}} {
		if math.IsNaN(v.x) || math.IsInf(v.x, 0) {
			return fmt.Errorf("greek snapshot: %s is %v, not a number", v.name, v.x)
		}
	}
	if g.IV < 0 {
		return fmt.Errorf("greek snapshot: iv %v is negative", g.IV)
	}
	return nil
}

// insertGreeks writes a checked snapshot with its Time set.
func insertGreeks(ctx context.Context, tx *sql.Tx, g GreekSnapshot) (int64, error) {
	kind := "daily"
	if g.Entry {
		kind = "entry"
	}
	if err := tradeExists(ctx, tx, g.TradeID); err != nil {
		return 0, err
	}
	var leg any
	if g.LegID != 0 {
		var one int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM legs WHERE id = ? AND trade_id = ?", g.LegID, g.TradeID).Scan(&one)
		if err == sql.ErrNoRows {
			return 0, fmt.Errorf("greek snapshot: leg %d is not in trade %d", g.LegID, g.TradeID)
		}
		if err != nil {
			return 0, err
		}
		leg = g.LegID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO greek_snapshots (trade_id, leg_id, kind, taken_at, delta, gamma, theta, vega, iv, underlying_price)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, g.TradeID, leg, kind, formatTime(g.Time), g.Delta, g.Gamma, g.Theta, g.Vega, g.IV,
		g.UnderlyingPrice.String())
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
