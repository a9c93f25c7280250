package paper

import (
	"sync"

	"github.com/keel-desk/keel/brokers"
)

// outbox sits between the owner goroutine and the Events channel so the owner never
// blocks on a slow consumer. Orders, fills, settlements and connection changes queue
// without limit and in order; a quote replaces the still-queued quote of the same symbol
// in place, so under backpressure the consumer loses intermediate quotes but always gets
// the latest one, and the queue holds at most one quote per symbol.
type outbox struct {
	mu      sync.Mutex
	queue   []brokers.Event
	head    int              // queue[head:] is pending
	base    int64            // absolute sequence number of queue[0]
	quoteAt map[string]int64 // symbol → absolute sequence of its pending quote
	maxLen  int
	wake    chan struct{}
	out     chan brokers.Event
	done    chan struct{}
	stopped chan struct{}
}

func newOutbox(capacity int) *outbox {
	o := &outbox{
		quoteAt: make(map[string]int64),
		wake:    make(chan struct{}, 1),
		out:     make(chan brokers.Event, capacity),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go o.forward()
	return o
}

// push queues events in order.
func (o *outbox) push(evs ...brokers.Event) {
	if len(evs) == 0 {
		return
	}
	o.mu.Lock()
	for _, ev := range evs {
		if q, ok := ev.(*brokers.QuoteEvent); ok {
			if seq, ok := o.quoteAt[q.Quote.Symbol]; ok {
				o.queue[seq-o.base] = ev
				continue
			}
			o.quoteAt[q.Quote.Symbol] = o.base + int64(len(o.queue))
		}
		o.queue = append(o.queue, ev)
	}
	if n := len(o.queue) - o.head; n > o.maxLen {
		o.maxLen = n
	}
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// pop takes the oldest pending event.
func (o *outbox) pop() (brokers.Event, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.head == len(o.queue) {
		return nil, false
	}
	ev := o.queue[o.head]
	o.queue[o.head] = nil
	if q, ok := ev.(*brokers.QuoteEvent); ok {
		delete(o.quoteAt, q.Quote.Symbol)
	}
	o.head++
	if o.head == len(o.queue) || o.head > 1024 && o.head*2 > len(o.queue) {
		n := copy(o.queue, o.queue[o.head:])
		clear(o.queue[n:])
		o.queue = o.queue[:n]
		o.base += int64(o.head)
		o.head = 0
	}
	return ev, true
}

// pending is how many events wait to enter the channel, and the most that ever did.
func (o *outbox) pending() (now, most int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.queue) - o.head, o.maxLen
}

func (o *outbox) forward() {
	defer close(o.stopped)
	for {
		for {
			ev, ok := o.pop()
			if !ok {
				break
			}
			select {
			case o.out <- ev:
			case <-o.done:
				return
			}
		}
		select {
		case <-o.wake:
		case <-o.done:
			return
		}
	}
}

func (o *outbox) stop() {
	close(o.done)
	<-o.stopped
}
