package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestRefreshCellsUpdatesOnlyWhatChanged fills a shown table, changes some cells and
// counts the cells the table fills again: only the changed ones, or all when rows came or
// went.
func TestRefreshCellsUpdatesOnlyWhatChanged(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		name      string
		rows      int
		change    map[[2]int]bool // cells whose text changes
		wantFills int             // cells filled again; -1: at least every cell shown
	}{
		{"nothing changed", 5, nil, 0},
		{"one cell", 5, map[[2]int]bool{{2, 1}: true}, 1},
		{"three cells in two rows", 5, map[[2]int]bool{{0, 0}: true, {0, 2}: true, {4, 1}: true}, 3},
		{"a row more", 6, nil, -1},
		{"more than a few cells: all at once", 5, map[[2]int]bool{{0, 0}: true, {0, 1}: true, {1, 0}: true, {1, 1}: true,
			{2, 0}: true, {2, 1}: true, {3, 0}: true}, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const cols = 3
			text := func(r, c int) string { return fmt.Sprintf("r%dc%d", r, c) }
			data := make([][]string, 5)
			for r := range data {
				for c := range cols {
					data[r] = append(data[r], text(r, c))
				}
			}
			fills := 0
			tbl := widget.NewTable(
				func() (int, int) { return len(data), cols },
				func() fyne.CanvasObject { return widget.NewLabel("wide enough text") },
				func(id widget.TableCellID, o fyne.CanvasObject) {
					fills++
					o.(*widget.Label).SetText(data[id.Row][id.Col])
				})
			w := test.NewWindow(tbl)
			defer w.Close()
			w.Resize(fyne.NewSize(800, 600))
			tbl.Refresh()
			old := data
			data = make([][]string, tc.rows)
			for r := range data {
				for c := range cols {
					s := text(r, c)
					if tc.change[[2]int{r, c}] {
						s += " changed"
					}
					data[r] = append(data[r], s)
				}
			}
			fills = 0
			RefreshCells(tbl, len(old), len(data), cols, func(r, c int) bool { return old[r][c] == data[r][c] })
			if tc.wantFills >= 0 && fills != tc.wantFills {
				t.Errorf("%d cells filled again, want %d", fills, tc.wantFills)
			}
			if tc.wantFills < 0 && fills < len(data)*cols {
				t.Errorf("%d cells filled again after rows changed, want all %d", fills, len(data)*cols)
			}
			for _, o := range test.LaidOutObjects(tbl) {
				if l, ok := o.(*widget.Label); ok && l.Text == "r2c1" && tc.change[[2]int{2, 1}] {
					t.Error("the changed cell still shows its old text")
				}
			}
		})
	}
}
