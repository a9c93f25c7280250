//go:build race

package pricing

// raceEnabled is true when the tests run under the race detector, which slows the pricer
// about tenfold: the costliest sweeps then sample their grids more sparsely.
const raceEnabled = true
