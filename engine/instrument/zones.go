package instrument

import (
	"time"
	_ "time/tzdata" // embedded zone data: works without /usr/share/zoneinfo (Windows)
)

// The exchange time zones, loaded once: expiry arithmetic sits on hot paths.
var (
	NewYork = mustLoad("America/New_York")
	Chicago = mustLoad("America/Chicago")
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Unreachable with time/tzdata embedded; a broken build should fail loudly.
		panic("instrument: time zone " + name + ": " + err.Error())
	}
	return loc
}
