// Package charts is the Greek charts window: the book's and its layers' Greeks over time
// (β-delta in benchmark shares, gamma in $ per 1% move, theta in $ per day, vega in $ per vol
// point), sampled by the desk into the journal and extended live from its snapshots, and the
// risk profile of the book, a layer or an underlying. It opens at once with a loading note:
// the saved choices and the history are read, and the charts computed and drawn, off the UI
// goroutine.
package charts
