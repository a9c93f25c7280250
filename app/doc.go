// Package app is Keel's user interface: the windows, the registry that lists them, the
// theme, and the headless screenshot mode. Each window is built from a Window entry so the
// running app (Run) and the screenshot mode (Screenshots) show exactly the same content.
//
// Figures follow DESIGN.md's units and every label says its unit: option values per share
// (or per futures point) and per contract, theta per calendar day, vega per volatility
// point, rho per 1% of rate. Time comes from a clock passed in, never from time.Now inside a
// screen, so screenshots and tests are deterministic.
package app
