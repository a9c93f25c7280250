// Package deskview is the desk, Keel's main window: the book's Greeks at a glance (delta in
// β-weighted shares and dollars, gamma in $ per 1% move, theta in $ per day, vega in $ per
// vol point), the bull/bear gauge, the layers with their Greeks, bias check and limit use,
// the positions of the selected layer, the alerts and the connection. It opens the other
// windows by name through ui.Env.Open.
package deskview
