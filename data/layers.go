package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/keel-desk/keel/engine/portfolio"
)

// Book names the book of one broker account for the layer tables: "paper/paper".
func Book(broker, account string) string { return broker + "/" + account }

// Layers lists a book's layers in display order.
func (j *Journal) Layers(ctx context.Context, book string) ([]portfolio.Layer, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT name, bias, underlyings, hedge, max_per_leg, max_per_layer, max_delta, notes
		FROM layers WHERE book = ? ORDER BY ord, id`, book)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portfolio.Layer
	for rows.Next() {
		var l portfolio.Layer
		var bias, unders string
		if err := rows.Scan(&l.Name, &bias, &unders, &l.HedgeInstrument, &l.Limits.MaxContractsPerLeg,
			&l.Limits.MaxContractsPerLayer, &l.Limits.MaxDelta, &l.Notes); err != nil {
			return nil, err
		}
		if l.Bias, err = portfolio.ParseBias(bias); err != nil {
			return nil, err
		}
		if unders != "" {
			l.Underlyings = strings.Fields(unders)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// SaveLayer creates a layer (old "") or changes the layer called old, renaming it when
// l.Name differs; its positions follow a rename. A name already used by another layer of
// the book, or the reserved "Unassigned", is refused.
func (j *Journal) SaveLayer(ctx context.Context, book, old string, l portfolio.Layer) error {
	l.Name = strings.TrimSpace(l.Name)
	if err := l.Validate(); err != nil {
		return err
	}
	if strings.EqualFold(l.Name, portfolio.Unassigned) {
		return fmt.Errorf("layer name %q is reserved for positions without a layer", l.Name)
	}
	return j.inTx(ctx, func(tx *sql.Tx) error {
		var other int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM layers WHERE book = ? AND name = ? AND name <> ?", book, l.Name, old).Scan(&other)
		if err == nil {
			return fmt.Errorf("a layer called %q already exists", l.Name)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		args := []any{l.Name, l.Bias.String(), strings.Join(l.Underlyings, " "), strings.TrimSpace(l.HedgeInstrument),
			l.Limits.MaxContractsPerLeg, l.Limits.MaxContractsPerLayer, l.Limits.MaxDelta, strings.TrimSpace(l.Notes)}
		if old == "" {
			_, err = tx.ExecContext(ctx, `INSERT INTO layers (book, ord, name, bias, underlyings, hedge, max_per_leg, max_per_layer, max_delta, notes)
				VALUES (?, (SELECT coalesce(max(ord), 0) + 1 FROM layers WHERE book = ?), ?, ?, ?, ?, ?, ?, ?, ?)`,
				append([]any{book, book}, args...)...)
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE layers SET name = ?, bias = ?, underlyings = ?, hedge = ?, max_per_leg = ?,
			max_per_layer = ?, max_delta = ?, notes = ? WHERE book = ? AND name = ?`, append(args, book, old)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("no layer called %q", old)
		}
		return nil
	})
}

// DeleteLayer deletes a layer; its positions move to the layer called moveTo, or become
// unassigned when moveTo is "".
func (j *Journal) DeleteLayer(ctx context.Context, book, name, moveTo string) error {
	if moveTo == name {
		return fmt.Errorf("cannot move the positions of %q into itself", name)
	}
	return j.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM layers WHERE book = ? AND name = ?", book, name).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("no layer called %q", name)
			}
			return err
		}
		if moveTo != "" {
			var to int64
			if err := tx.QueryRowContext(ctx, "SELECT id FROM layers WHERE book = ? AND name = ?", book, moveTo).Scan(&to); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("no layer called %q to move the positions to", moveTo)
				}
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE position_layers SET layer_id = ? WHERE layer_id = ?", to, id); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM layers WHERE id = ?", id)
		return err
	})
}

// AssignLayer puts positions (by symbol) into a layer, or makes them unassigned when layer
// is "".
func (j *Journal) AssignLayer(ctx context.Context, book string, symbols []string, layer string) error {
	return j.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		if layer != "" {
			if err := tx.QueryRowContext(ctx, "SELECT id FROM layers WHERE book = ? AND name = ?", book, layer).Scan(&id); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("no layer called %q", layer)
				}
				return err
			}
		}
		for _, s := range symbols {
			var err error
			if layer == "" {
				_, err = tx.ExecContext(ctx, "DELETE FROM position_layers WHERE book = ? AND symbol = ?", book, s)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO position_layers (book, symbol, layer_id) VALUES (?, ?, ?)
					ON CONFLICT (book, symbol) DO UPDATE SET layer_id = excluded.layer_id`, book, s, id)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// PositionLayers maps each assigned position symbol of a book to its layer's name.
func (j *Journal) PositionLayers(ctx context.Context, book string) (map[string]string, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT p.symbol, l.name FROM position_layers p JOIN layers l ON l.id = p.layer_id
		WHERE p.book = ?`, book)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var s, l string
		if err := rows.Scan(&s, &l); err != nil {
			return nil, err
		}
		out[s] = l
	}
	return out, rows.Err()
}

// GreekPoint is one sample of the Greeks of a book (Scope "") or a layer, in the desk's
// units: beta-weighted delta in benchmark units and dollars, gamma in dollars per 1% move,
// theta in dollars per day, vega in dollars per vol point.
type GreekPoint struct {
	Time       time.Time
	Scope      string
	BetaDelta  float64
	BetaDollar float64
	Gamma      float64
	Theta      float64
	Vega       float64
}

// RecordGreekHistory stores samples of a book; a sample of the same scope and time
// replaces the earlier one.
func (j *Journal) RecordGreekHistory(ctx context.Context, book string, pts []GreekPoint) error {
	for _, p := range pts {
		for _, x := range []float64{p.BetaDelta, p.BetaDollar, p.Gamma, p.Theta, p.Vega} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("greek history: %s at %s has a figure that is not a number", p.Scope, p.Time)
			}
		}
	}
	return j.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO greek_history (book, scope, taken_at, beta_delta, beta_dollar, gamma, theta, vega)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, p := range pts {
			if _, err := st.ExecContext(ctx, book, p.Scope, formatTime(p.Time), p.BetaDelta, p.BetaDollar, p.Gamma, p.Theta, p.Vega); err != nil {
				return err
			}
		}
		return nil
	})
}

// GreekHistory lists the samples of one scope of a book taken at or after since, oldest
// first.
func (j *Journal) GreekHistory(ctx context.Context, book, scope string, since time.Time) ([]GreekPoint, error) {
	rows, err := j.read.QueryContext(ctx, `SELECT taken_at, beta_delta, beta_dollar, gamma, theta, vega FROM greek_history
		WHERE book = ? AND scope = ? AND taken_at >= ? ORDER BY taken_at`, book, scope, formatTime(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []GreekPoint
	for rows.Next() {
		p := GreekPoint{Scope: scope}
		var at string
		if err := rows.Scan(&at, &p.BetaDelta, &p.BetaDollar, &p.Gamma, &p.Theta, &p.Vega); err != nil {
			return nil, err
		}
		if p.Time, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Setting reads a setting; ok is false when it was never set.
func (j *Journal) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = j.read.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, err
}

// SetSetting stores a setting.
func (j *Journal) SetSetting(ctx context.Context, key, value string) error {
	return j.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
		return err
	})
}

// FirstGreekSample is the time of a book's first Greeks sample: when the desk began
// recording it. ok is false when there is none.
func (j *Journal) FirstGreekSample(ctx context.Context, book string) (at time.Time, ok bool, err error) {
	var s sql.NullString
	if err := j.read.QueryRowContext(ctx, "SELECT min(taken_at) FROM greek_history WHERE book = ? AND scope = ''", book).Scan(&s); err != nil {
		return time.Time{}, false, err
	}
	if !s.Valid {
		return time.Time{}, false, nil
	}
	at, err = parseTime(s.String)
	return at, err == nil, err
}
