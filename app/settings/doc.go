// Package settings is the Settings window: the benchmark and betas, the risk limits (in the
// units each label says), the paper account's commissions and fees, and the paper market's
// clock when the desk trades the paper broker (desk.Service.Paper; a real broker's market
// runs on real time). The settings model itself is app/desk's (desk.Settings).
package settings
