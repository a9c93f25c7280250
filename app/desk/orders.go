package desk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
)

// Limits are the pre-trade size limits: an order whose leg asks for more is stopped before
// it is sent.
type Limits struct {
	MaxContracts int64 // options and futures per leg of one order; 0 means 50
	MaxShares    int64 // shares per leg of one order; 0 means 10,000
}

func (l Limits) withDefaults() Limits {
	if l.MaxContracts <= 0 {
		l.MaxContracts = 50
	}
	if l.MaxShares <= 0 {
		l.MaxShares = 10000
	}
	return l
}

// CheckError is an order stopped by Keel's pre-trade checks before anything was sent.
// Spiral holds the legs the spiral guard stopped (their texts are among Problems): such an
// order may still be sent with PlaceWithOverride and a written reason.
type CheckError struct {
	Problems []string
	Spiral   []SpiralStop
}

func (e *CheckError) Error() string {
	return "not sent: " + strings.Join(e.Problems, "; ")
}

// NewClientID makes a fresh idempotency key for an order. The ticket makes one when it
// opens and keeps it across retries, so sending twice never places two orders.
func NewClientID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return "keel-" + hex.EncodeToString(b[:])
}

// Check runs the pre-trade checks on o and returns every problem in words (nil: it may be
// sent): the size limits and the spiral guard (an order adding contracts to the untested
// side of an imbalanced layer, judged on the latest snapshot). It reads nothing from the
// broker.
func (s *Service) Check(o brokers.Order) []string {
	problems, _ := s.check(o, nil)
	return problems
}

// check is Check with the guard's stopped (or, with override, overridden) legs.
func (s *Service) check(o brokers.Order, override *hedge.Override) ([]string, []SpiralStop) {
	problems := s.sizeCheck(o)
	if p := s.liveProblem(); p != "" {
		problems = append([]string{p}, problems...)
	}
	stops, err := s.guardCheck(o, override)
	if err != nil {
		problems = append(problems, err.Error())
	}
	var stopped []SpiralStop
	for _, st := range stops {
		if st.Verdict.Stop {
			problems = append(problems, st.Text())
			stopped = append(stopped, st)
		}
	}
	if override != nil {
		return problems, stops
	}
	return problems, stopped
}

// sizeCheck is the order's own checks: ids, legs, sizes and prices.
func (s *Service) sizeCheck(o brokers.Order) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(o.ClientID) == "" {
		add("the order has no client id")
	}
	if len(o.Legs) == 0 {
		add("the order has no legs")
	}
	if o.Quantity <= 0 {
		add("quantity %d: it must be a whole number of at least 1", o.Quantity)
	}
	seen := map[string]bool{}
	for i, l := range o.Legs {
		name := l.Symbol
		if name == "" {
			name = fmt.Sprintf("leg %d", i+1)
		}
		if l.Ratio == 0 {
			add("%s: ratio is 0 — buy or sell at least 1", name)
		}
		if seen[l.Symbol] {
			add("%s appears twice; combine the legs", name)
		}
		seen[l.Symbol] = true
		size := abs64(l.Ratio) * o.Quantity
		if l.Instrument.Kind == instrument.Stock {
			if size > s.cfg.Limits.MaxShares {
				add("%s: %d shares is more than the %d-share limit per order", name, size, s.cfg.Limits.MaxShares)
			}
		} else if size > s.cfg.Limits.MaxContracts {
			add("%s: %d contracts is more than the %d-contract limit per order", name, size, s.cfg.Limits.MaxContracts)
		}
	}
	if o.Type == brokers.Limit && o.Limit.IsZero() && len(o.Legs) == 1 {
		add("limit price is 0: give a price or send a market order")
	}
	return problems
}

// Place sends an order through the pre-trade checks. A stopped order returns a
// *CheckError; a refused one the broker's *brokers.RejectedError. Calling Place again with
// the same ClientID (a retry after a timeout) never places a second order.
//
// An order the spiral guard stops is journaled as a stop. Every order sent is journaled
// either as the checklist's (it matches an adjustment a checklist run proposed; its fills
// are then recorded as a hedge) or, when it adjusts what the book holds, as an
// off-checklist adjustment.
func (s *Service) Place(ctx context.Context, o brokers.Order) (brokers.OrderStatus, error) {
	return s.place(ctx, o, nil)
}

func (s *Service) place(ctx context.Context, o brokers.Order, override *hedge.Override) (brokers.OrderStatus, error) {
	p, stops := s.check(o, override)
	p = append(p, s.liquidityCheck(ctx, o)...)
	if len(p) > 0 {
		var stopped []SpiralStop
		for _, st := range stops {
			if st.Verdict.Stop {
				stopped = append(stopped, st)
			}
		}
		if len(stopped) > 0 {
			s.journalGuard(ctx, "stop", o, stopped, "")
		}
		return brokers.OrderStatus{}, &CheckError{Problems: p, Spiral: stopped}
	}
	var overrides []int64
	if override != nil && len(stops) > 0 {
		overrides = s.journalGuard(ctx, "override", o, stops, override.Reason)
	}
	snap := s.Latest()
	st, err := s.broker.Place(ctx, o)
	if err != nil {
		if errors.Is(err, brokers.ErrDisconnected) {
			s.post(func() { s.st.connected = false; s.st.connErr = err; s.st.dirty = true })
			s.requestSync()
		}
		return st, err
	}
	s.post(func() { s.st.orders[st.ID] = st; s.st.dirty = true })
	if j := s.cfg.Journal; j != nil {
		for _, id := range overrides {
			if err := j.SetGuardEventOrder(ctx, id, st.ID); err != nil {
				s.noteJournal("could not record the override's order: " + err.Error())
			}
		}
		s.recordOrigin(ctx, snap, o, st)
	}
	return st, nil
}

// Cancel cancels a working order.
func (s *Service) Cancel(ctx context.Context, orderID string) error {
	return s.broker.Cancel(ctx, orderID)
}

// Reconnect asks the desk to reconnect now (after a disconnect it also retries by itself).
func (s *Service) Reconnect() {
	s.post(func() { s.st.connected = false; s.st.dirty = true })
	s.requestSync()
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// netPrice is Σ ratio × price over legs (per unit of the order).
func netPrice(legs []brokers.Leg, price func(i int) decimal.Decimal) decimal.Decimal {
	net := decimal.Zero
	for i, l := range legs {
		net = net.Add(decimal.NewFromInt(l.Ratio).Mul(price(i)))
	}
	return net
}
