package journal

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/ui"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/format"
)

// auditTab is the journal's audit log of the desk's automated orders (migration 0009):
// each order with its rule, inputs and client order id, written before it was sent.
type auditTab struct {
	note *widget.Label
	list *widget.List
	rows []data.AuditEntry
	gen  int
}

func (v *JournalView) buildAuditTab() fyne.CanvasObject {
	t := &auditTab{note: ui.Wrapped("", widget.MediumImportance)}
	t.list = widget.NewList(func() int { return len(t.rows) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Wrapping = fyne.TextWrapWord
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(t.rows) {
				o.(*widget.Label).SetText(auditText(t.rows[i]))
				t.list.SetItemHeight(i, o.MinSize().Height)
			}
		})
	v.audit = t
	refresh := widget.NewButton("Refresh", func() { v.loadAudit() })
	return container.NewBorder(container.NewBorder(nil, nil, nil, refresh, t.note), nil, nil, nil, t.list)
}

// auditText is one audited order in words: when, layer, kind, the order, its rule and
// inputs, its client order id and what became of it.
func auditText(e data.AuditEntry) string {
	oid := e.OrderID
	if oid == "" {
		oid = "—"
	}
	return fmt.Sprintf("%s  %s · %s · %s\n%s  inputs %s\nclient order id %s · order %s · %s",
		e.At.In(instrument.NewYork).Format("Mon 2 Jan 15:04:05"), e.Layer, e.Kind, e.Legs, e.Rule, e.Inputs,
		e.ClientOrderID, oid, e.Outcome)
}

// loadAudit reads the audit log of the tab's book, newest first.
func (v *JournalView) loadAudit() {
	t := v.audit
	t.gen++
	gen := t.gen
	book, name := v.greekBook()
	if book == "" {
		t.note.SetText("No account yet.")
		return
	}
	v.Background(func() func() {
		rows, err := v.j.AuditLog(v.ctx, book, time.Time{}, time.Now().AddDate(100, 0, 0))
		return func() {
			if gen != t.gen {
				return
			}
			if err != nil {
				ui.SetLabel(t.note, "Could not read the audit log: "+err.Error(), widget.DangerImportance)
				return
			}
			for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
				rows[i], rows[j] = rows[j], rows[i]
			}
			t.rows = rows
			msg := fmt.Sprintf("%s: %s, newest first — each written here before it was sent.", name, format.Count(len(rows), "automated order", "automated orders"))
			if len(rows) == 0 {
				msg = name + ": no automated order yet. Arm a layer on the desk to let its rules trade."
			}
			ui.SetLabel(t.note, msg, widget.MediumImportance)
			t.list.Refresh()
		}
	})
}
