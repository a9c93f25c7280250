// Package ticket is the order ticket window: a single or multi-leg order with each leg's
// market and the order's net, the estimated commissions and fees, the effect on the book's
// Greeks, and a confirmation that says exactly what will be sent. The legs are looked up and
// the orders sent through the desk service only (desk.Service.Lookup, Chain, Preview, Place),
// which runs the pre-trade checks; limit prices sit on instrument.Tick's grid.
package ticket
