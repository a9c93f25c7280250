// Package positions is the positions window: the connection, the account, the paper
// market's clock (when the desk trades the paper broker), the book's Greeks, every position
// with its market and risk, and the orders. Units: delta in underlying units and β-weighted
// shares, gamma in $ per 1% move, theta in $ per calendar day, vega in $ per vol point.
package positions
