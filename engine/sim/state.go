package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

// stateVersion is the version of the State encoding.
const stateVersion = 1

// savedState is the JSON form of a Market. Floats survive the round trip exactly
// (encoding/json writes the shortest text that parses back to the same float64).
type savedState struct {
	Version int                     `json:"version"`
	Seed    uint64                  `json:"seed"`
	RNG     []byte                  `json:"rng"`  // the PCG generator's binary state
	Now     int64                   `json:"now"`  // market time, Unix nanoseconds
	Path    pathState               `json:"path"` //
	Day     dayState                `json:"day"`
	Settle  map[string]float64      `json:"settle"`
	Closes  map[string][]dailyClose `json:"closes"`
}

// State is the market as versioned JSON; Restore continues it exactly.
func (m *Market) State() ([]byte, error) {
	rng, err := m.pcg.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("sim: saving the random generator: %w", err)
	}
	return json.Marshal(savedState{Version: stateVersion, Seed: m.seed, RNG: rng, Now: m.now.UnixNano(),
		Path: m.p, Day: m.day, Settle: m.settle, Closes: m.closes})
}

// Restore rebuilds a market from State bytes; the restored market continues exactly as the
// saved one would have (same random stream).
func Restore(state []byte) (*Market, error) {
	var s savedState
	if err := json.Unmarshal(state, &s); err != nil {
		return nil, fmt.Errorf("sim: reading market state: %w", err)
	}
	if s.Version != stateVersion {
		return nil, fmt.Errorf("sim: market state version %d, want %d", s.Version, stateVersion)
	}
	pcg := &rand.PCG{}
	if err := pcg.UnmarshalBinary(s.RNG); err != nil {
		return nil, fmt.Errorf("sim: reading the random generator: %w", err)
	}
	p := s.Path
	for _, v := range []float64{p.LogVol, p.LogSPY, p.LogQQQ, p.LogVXX, p.SQQQ, p.SH, p.SQQQBas, p.SHBase, p.QQQRef, p.SPYRef} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("sim: market state has a non-finite price")
		}
	}
	if !(p.SQQQBas > 0 && p.SHBase > 0 && p.QQQRef > 0 && p.SPYRef > 0 && p.SQQQ > 0 && p.SH > 0) {
		return nil, errors.New("sim: market state has a non-positive price")
	}
	if p.LogVol < minLogVol || p.LogVol > maxLogVol || math.Abs(p.LogSPY) > 30 || math.Abs(p.LogQQQ) > 30 || math.Abs(p.LogVXX) > 30 {
		return nil, errors.New("sim: market state is out of the model's range")
	}
	if s.Day.Date == "" {
		return nil, errors.New("sim: market state has no session date")
	}
	if _, err := time.Parse(time.DateOnly, s.Day.Date); err != nil {
		return nil, fmt.Errorf("sim: market state session date: %w", err)
	}
	now := time.Unix(0, s.Now).In(instrument.NewYork)
	if now.Year() < 2000 || now.Year() > maxYear+1 {
		return nil, fmt.Errorf("sim: market state time %s is outside 2000–%d", now.Format(time.RFC3339), maxYear)
	}
	if s.Settle == nil {
		s.Settle = map[string]float64{}
	}
	if s.Closes == nil {
		s.Closes = map[string][]dailyClose{}
	}
	if s.Day.Ref == nil {
		s.Day.Ref = map[string]float64{}
	}
	m := &Market{seed: s.Seed, pcg: pcg, rng: rand.New(pcg), now: now, p: p, day: s.Day,
		settle: s.Settle, closes: s.Closes}
	m.resetCaches()
	return m, nil
}
