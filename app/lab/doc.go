// Package lab is the Lab window: it runs engine/lab's hedging experiments on a subject the
// trader picks (a ready example, one of the desk's layers, or the whole book, converted
// from the desk's snapshot), streams each policy's result into a table, the cost-vs-risk
// frontier and P&L histograms as it finishes, and lets the trader keep the chosen policy
// and band for the layer or book through the desk service.
package lab
