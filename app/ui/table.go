package ui

import "fyne.io/fyne/v2/widget"

// fewCells is how many changed cells RefreshCells refreshes one by one; beyond it, a
// refresh of the whole table is cheaper. Fyne's Table.RefreshItem lays out the visible
// rows and columns again for each cell (about 0.15 ms for the positions table), while
// Table.Refresh fills every visible cell once (about 1 ms) and a cell whose text did not
// change costs nothing more (SetCell, SetLongCell).
const fewCells = 6

// RefreshCells refreshes only the cells of t whose content changed: each cell (row, col)
// of rows × cols for which same(row, col) is false — or the whole table when its number of
// rows changed (it had wasRows) or more than a few cells changed, where refreshing the
// visible cells at once is cheaper; unchanged cells are then not redrawn when they are set
// with SetCell or SetLongCell. Call it after the table's data has been replaced, on the UI
// goroutine. A cell scrolled out of sight is filled when it comes into view.
func RefreshCells(t *widget.Table, wasRows, rows, cols int, same func(row, col int) bool) {
	if wasRows != rows {
		t.Refresh()
		return
	}
	var changed []widget.TableCellID
	for r := range rows {
		for c := range cols {
			if same(r, c) {
				continue
			}
			if len(changed) == fewCells {
				t.Refresh()
				return
			}
			changed = append(changed, widget.TableCellID{Row: r, Col: c})
		}
	}
	for _, id := range changed {
		t.RefreshItem(id)
	}
}
