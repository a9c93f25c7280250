// Package house holds only a test: the house rules of DESIGN.md that the import graph can
// check. The engine imports no UI, SQL, network or chart package; no window package imports
// the paper broker (its controls come from desk.Service.Paper); the command line imports no
// Fyne package, so it starts no Fyne app and prints nothing but its own messages; nothing
// imports the root package app. Two more rules read the windows' source: no window writes the
// journal itself, and no window runs a loop of its own (no go statement, no ticker): its work
// goes through ui.Work.
package house
