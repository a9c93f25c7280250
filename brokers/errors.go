package brokers

import (
	"errors"
	"fmt"
	"time"
)

// ErrDisconnected is returned by every call made while the session is down.
var ErrDisconnected = errors.New("broker: not connected")

// ErrUnknownSymbol is returned (wrapped) for a symbol the broker does not list.
var ErrUnknownSymbol = errors.New("broker: unknown symbol")

// ErrUnknownOrder is returned (wrapped) for an order id the broker does not know.
var ErrUnknownOrder = errors.New("broker: unknown order")

// RejectedError is an order the broker refused, with its reason in words.
type RejectedError struct {
	ClientID string
	Reason   string
}

func (e *RejectedError) Error() string { return "order rejected: " + e.Reason }

// RateLimitedError says the broker refused a call for sending too many; retry after
// RetryAfter.
type RateLimitedError struct {
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("broker: rate limited, retry in %s", e.RetryAfter)
}
