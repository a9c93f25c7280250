package sim

import (
	"fmt"
	"math"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

// Session hours of the simulated market, New York time.
const (
	openHour, openMin   = 9, 30
	closeHour, closeMin = 16, 0
	sessionSeconds      = 6.5 * 3600
	// maxClockSpeed is the fastest a Clock may run (one market hour per wall second).
	maxClockSpeed = 3600
	// maxTickSessions bounds one Clock.Tick: at most this many sessions of market time,
	// so a absurd wall interval cannot stall the caller.
	maxTickSessions = 366
)

// IsOpenAt reports whether t falls in the regular session: 09:30 (inclusive) to 16:00
// (exclusive) New York time on a trading day (instrument.IsTradingDay: weekdays that are
// not NYSE holidays).
func IsOpenAt(t time.Time) bool {
	ny := t.In(instrument.NewYork)
	if !instrument.IsTradingDay(ny) {
		return false
	}
	open, cls := sessionBounds(ny)
	return !ny.Before(open) && ny.Before(cls)
}

// sessionBounds is the open and close of the session on ny's calendar date.
func sessionBounds(ny time.Time) (open, cls time.Time) {
	y, m, d := ny.Date()
	return time.Date(y, m, d, openHour, openMin, 0, 0, instrument.NewYork),
		time.Date(y, m, d, closeHour, closeMin, 0, 0, instrument.NewYork)
}

// NextOpenAt is t itself when the session is open at t, else the next session open after
// t (New York time).
func NextOpenAt(t time.Time) time.Time {
	if IsOpenAt(t) {
		return t
	}
	ny := t.In(instrument.NewYork)
	open, _ := sessionBounds(ny)
	if instrument.IsTradingDay(ny) && ny.Before(open) {
		return open
	}
	y, m, d := ny.Date()
	for i := 1; i < 20; i++ {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, instrument.NewYork)
		if instrument.IsTradingDay(day) {
			o, _ := sessionBounds(day)
			return o
		}
	}
	// No run of 20 closed days exists in the NYSE calendar; keep a defined answer.
	return time.Date(y, m, d+20, openHour, openMin, 0, 0, instrument.NewYork)
}

// SessionClose is the close (16:00 New York) of the session open at t; ok is false when
// the market is closed at t.
func SessionClose(t time.Time) (close time.Time, ok bool) {
	if !IsOpenAt(t) {
		return time.Time{}, false
	}
	_, c := sessionBounds(t.In(instrument.NewYork))
	return c, true
}

// Clock maps wall time to market time: market time runs Speed times as fast as wall time,
// stops while Paused, and skips closed hours (when it reaches the session close it jumps
// to the next open), so a paper market is always trading whenever Keel runs. Market time
// is always inside a session. Clock is not goroutine-safe.
type Clock struct {
	now    time.Time
	speed  float64
	paused bool
}

// NewClock starts a clock at market time market (moved to the next session open when the
// market is closed then) running speed times as fast as wall time. A speed outside
// (0, 3600] is replaced by 1 (real time).
func NewClock(market time.Time, speed float64) *Clock {
	if !(speed > 0 && speed <= maxClockSpeed) {
		speed = 1
	}
	return &Clock{now: NextOpenAt(market).In(instrument.NewYork), speed: speed}
}

// Tick advances market time by wallElapsed × Speed of session time, jumping from each
// session close to the next open, and returns Now. Nothing moves while paused or for a
// non-positive wallElapsed. One Tick moves at most 366 sessions of market time.
func (c *Clock) Tick(wallElapsed time.Duration) time.Time {
	if c.paused || wallElapsed <= 0 {
		return c.now
	}
	left := wallElapsed.Seconds() * c.speed
	if limit := maxTickSessions * sessionSeconds; !(left <= limit) {
		left = limit
	}
	for left > 0 {
		c.now = NextOpenAt(c.now)
		cls, _ := SessionClose(c.now)
		room := cls.Sub(c.now).Seconds()
		if left < room {
			c.now = c.now.Add(time.Duration(math.Round(left * 1e9)))
			if !IsOpenAt(c.now) { // rounding landed on the close
				c.now = NextOpenAt(c.now)
			}
			return c.now
		}
		left -= room
		c.now = NextOpenAt(cls)
	}
	return c.now
}

// Now is the clock's market time (New York).
func (c *Clock) Now() time.Time { return c.now }

// Speed is how many market seconds pass per wall second.
func (c *Clock) Speed() float64 { return c.speed }

// SetSpeed sets the speed; it fails unless 0 < s <= 3600.
func (c *Clock) SetSpeed(s float64) error {
	if !(s > 0 && s <= maxClockSpeed) {
		return fmt.Errorf("sim: clock speed %g must be above 0 and at most %d", s, maxClockSpeed)
	}
	c.speed = s
	return nil
}

// Paused reports whether the clock is stopped.
func (c *Clock) Paused() bool { return c.paused }

// SetPaused stops (true) or restarts (false) the clock.
func (c *Clock) SetPaused(p bool) { c.paused = p }
