package paper

import (
	"encoding/json"
	"fmt"

	"github.com/keel-desk/keel/brokers"
)

// Row is one saved piece of a paper account: the account's header (cash, realized P&L,
// clock; kind "account"), the market's own state ("market"), and one row per order
// ("order", by id), fill ("fill"), settlement ("settlement") and open position
// ("position", by symbol). Body is JSON; a nil Body in a save deletes the row. It is an
// alias of an unnamed struct so a store (data.Journal) implements Store without importing
// this package.
type Row = struct {
	Kind string
	Key  string
	Body []byte
}

// Row kinds.
const (
	rowAccount    = "account"
	rowMarket     = "market"
	rowOrder      = "order"
	rowFill       = "fill"
	rowSettlement = "settlement"
	rowPosition   = "position"
	// rowLegacy is the whole account as one blob, the layout before the rows: the journal's
	// migration keeps it as this one row, and the first open turns it into rows.
	rowLegacy = "legacy"
)

// unsaved is what changed since the last save that worked, so a save writes only that
// (and the small header and market rows) and a failed save is retried whole.
type unsaved struct {
	orders      map[*order]bool
	positions   map[string]bool
	fills       int // Fills[fills:] are not saved yet
	settlements int
	legacy      bool // the legacy row is still in the store
}

func (u *unsaved) order(o *order) {
	if u.orders == nil {
		u.orders = map[*order]bool{}
	}
	u.orders[o] = true
}

func (u *unsaved) position(sym string) {
	if u.positions == nil {
		u.positions = map[string]bool{}
	}
	u.positions[sym] = true
}

// everything marks the whole account unsaved (a new account, a migrated one).
func (a *account) everything() {
	for _, o := range a.Orders {
		a.unsaved.order(o)
	}
	for sym := range a.Positions {
		a.unsaved.position(sym)
	}
	a.unsaved.fills, a.unsaved.settlements = 0, 0
}

// rows are the rows to write for what changed, with the market's state, in the order they
// happened (fills and settlements oldest first).
func (a *account) rows(market []byte) ([]Row, error) {
	head := *a
	head.Positions, head.Orders, head.Fills, head.Settlements, head.Market = nil, nil, nil, nil, nil
	hb, err := json.Marshal(&head)
	if err != nil {
		return nil, err
	}
	out := []Row{{Kind: rowAccount, Body: hb}, {Kind: rowMarket, Body: market}}
	if a.unsaved.legacy {
		out = append(out, Row{Kind: rowLegacy})
	}
	add := func(kind, key string, v any) error {
		body, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("paper broker: saving %s %s: %w", kind, key, err)
		}
		out = append(out, Row{Kind: kind, Key: key, Body: body})
		return nil
	}
	for _, o := range a.Orders { // in order, so a resumed account lists them as placed
		if a.unsaved.orders[o] {
			if err := add(rowOrder, o.Status.ID, o); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range a.Fills[a.unsaved.fills:] {
		if err := add(rowFill, f.ID, f); err != nil {
			return nil, err
		}
	}
	for _, s := range a.Settlements[a.unsaved.settlements:] {
		if err := add(rowSettlement, s.ID, s); err != nil {
			return nil, err
		}
	}
	for sym := range a.unsaved.positions {
		if p := a.Positions[sym]; p != nil {
			if err := add(rowPosition, sym, p); err != nil {
				return nil, err
			}
		} else {
			out = append(out, Row{Kind: rowPosition, Key: sym})
		}
	}
	return out, nil
}

// saved clears what rows wrote.
func (a *account) saved() {
	a.unsaved = unsaved{fills: len(a.Fills), settlements: len(a.Settlements)}
}

// accountFromRows rebuilds a saved account and its market's state. A legacy blob comes
// back with everything unsaved, so the first save writes it as rows and drops the blob.
func accountFromRows(rows []Row) (*account, []byte, error) {
	var head, market []byte
	for _, r := range rows {
		switch r.Kind {
		case rowLegacy:
			a, err := unmarshalAccount(r.Body)
			if err != nil {
				return nil, nil, err
			}
			market := a.Market
			a.Market = nil
			a.everything()
			a.unsaved.legacy = true
			return a, market, nil
		case rowAccount:
			head = r.Body
		case rowMarket:
			market = r.Body
		}
	}
	if head == nil || market == nil {
		return nil, nil, fmt.Errorf("paper broker: the saved account has no %s row", map[bool]string{true: "account", false: "market"}[head == nil])
	}
	a, err := unmarshalAccount(head)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		var err error
		switch r.Kind {
		case rowOrder:
			o := &order{}
			err = json.Unmarshal(r.Body, o)
			a.Orders = append(a.Orders, o)
		case rowFill:
			var f brokers.Fill
			err = json.Unmarshal(r.Body, &f)
			a.Fills = append(a.Fills, f)
		case rowSettlement:
			var s brokers.Settlement
			err = json.Unmarshal(r.Body, &s)
			a.Settlements = append(a.Settlements, s)
		case rowPosition:
			p := &position{}
			err = json.Unmarshal(r.Body, p)
			a.Positions[r.Key] = p
		}
		if err != nil {
			return nil, nil, fmt.Errorf("paper broker: reading saved %s %s: %w", r.Kind, r.Key, err)
		}
	}
	a.saved()
	return a, market, nil
}
