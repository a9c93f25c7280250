package brokers

import "time"

// Event is one thing a broker reports on its stream: a *QuoteEvent, *OrderEvent,
// *FillEvent, *SettlementEvent or *ConnectionEvent. Consumers switch on the type.
type Event interface {
	EventTime() time.Time
}

// QuoteEvent is a new quote of a subscribed symbol.
type QuoteEvent struct{ Quote Quote }

// OrderEvent is a change in an order's state (accepted, replaced, cancelled, rejected,
// filled). Fills arrive separately as FillEvents, before the OrderEvent that reports the
// order filled.
type OrderEvent struct{ Status OrderStatus }

// FillEvent carries the fills of one execution: every leg of a multi-leg order filled
// together, so a consumer can record them in one transaction.
type FillEvent struct{ Fills []Fill }

// SettlementEvent is an expiration, assignment or exercise.
type SettlementEvent struct{ Settlement Settlement }

// ConnectionEvent reports the session going up or down. Err says why it went down (nil
// for a Disconnect the caller asked for).
type ConnectionEvent struct {
	Time      time.Time
	Connected bool
	Err       error
}

func (e *QuoteEvent) EventTime() time.Time      { return e.Quote.Time }
func (e *OrderEvent) EventTime() time.Time      { return e.Status.Updated }
func (e *SettlementEvent) EventTime() time.Time { return e.Settlement.Time }
func (e *ConnectionEvent) EventTime() time.Time { return e.Time }

// EventTime is the time of the execution (the first fill's time; all share it).
func (e *FillEvent) EventTime() time.Time {
	if len(e.Fills) == 0 {
		return time.Time{}
	}
	return e.Fills[0].Time
}
