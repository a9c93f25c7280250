package journal

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/format"
)

// chooseStatement opens the file dialog for an import.
func (v *JournalView) chooseStatement() {
	if v.win == nil {
		return
	}
	dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			v.showImportNote("Could not open the file: " + err.Error())
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		v.ImportFile(path)
	}, v.win).Show()
}

// ImportFile parses the statement at path and imports it into the account selected in the
// filter, or, with all accounts selected, into the account the statement names. It shows a
// summary or the error exactly as the parser or journal gives it; on error nothing changes.
func (v *JournalView) ImportFile(path string) {
	ref := data.AccountRef{}
	if a := v.selectedAccount(); a != nil {
		ref = data.AccountRef{Broker: a.Broker, Account: a.Account, Kind: a.Kind}
	}
	v.importBtn.Disable()
	v.importNote.Importance = widget.MediumImportance
	v.showImportNote("Importing " + path + "…")
	v.showNotImported(nil)
	opts := statement.Options{SkipUnknown: v.importSkip.Checked}
	v.Background(func() func() {
		var res data.ImportResult
		st, err := statement.ParseFileWith(path, opts)
		if err == nil {
			err = v.writable()
		}
		if err == nil {
			res, err = v.w.ImportStatement(v.ctx, ref, st)
		}
		var accts []data.Account
		if err == nil {
			accts, err = v.j.Accounts(v.ctx)
		}
		return func() {
			v.importBtn.Enable()
			if err != nil {
				v.importNote.Importance = widget.DangerImportance
				v.showImportNote("Nothing imported: " + err.Error())
				return
			}
			v.importNote.Importance = widget.SuccessImportance
			msg := fmt.Sprintf("%s: %s, %d already in the journal; %s; %s opened, %d closed, %s.",
				shortName(path), format.Count(res.New, "new fill", "new fills"), res.Skipped,
				format.Count(res.CashNew, "new money movement", "new money movements"),
				format.Count(res.TradesOpened, "trade", "trades"), res.TradesClosed, format.Count(res.Rolls, "roll", "rolls"))
			msg += " " + res.Filed("choose the account in the Account filter before importing to file it there")
			msg += " " + res.Reconciliation()
			v.showNotImported(res.NotImported)
			if len(st.Warnings) > 0 {
				msg += " Warnings: " + strings.Join(st.Warnings, "; ")
			}
			v.showImportNote(msg)
			v.setAccounts(accts)
			v.applyFilter()
			v.loadLessons()
		}
	})
}

// showNotImported lists the rows an import did not import (file, line, text, why), or hides
// the list when there are none.
func (v *JournalView) showNotImported(rows []statement.SkippedRow) {
	if len(rows) == 0 {
		v.skipped.SetText("")
		v.skippedBox.Hide()
		return
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = r.String()
	}
	v.skipped.SetText(strings.Join(lines, "\n"))
	v.skippedBox.Items[0].Title = fmt.Sprintf("Rows not imported (%d)", len(rows))
	v.skippedBox.Refresh()
	v.skippedBox.Show()
}

func shortName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
