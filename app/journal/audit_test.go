package journal

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/data"
)

// TestJournalShowsAuditLog: an automated order in the journal's audit log is listed on the
// journal window's audit tab with its rule, inputs and client order id.
func TestJournalShowsAuditLog(t *testing.T) {
	dt := testkit.QuotedDesk(t, testkit.PaperStart)
	ctx := context.Background()
	if _, err := dt.Journal.AuditOrder(ctx, data.AuditEntry{Book: dt.Desk.Book(), At: testkit.PaperStart, Layer: "MES futures",
		Kind: "tactical", ClientOrderID: "auto-tactical-mes-1", Rule: "tactical: step 1 of 3",
		Inputs: `{"price":6012.25}`, Legs: `[{"symbol":"MESZ6","side":"sell","quantity":1}]`}); err != nil {
		t.Fatal(err)
	}
	v := NewJournalView(dt.Journal, dt.Desk, "", nil)
	onUI(v, func() {
		w := test.NewTempWindow(t, v.Content())
		w.Resize(fyne.NewSize(1360, 820))
	})
	v.Wait()
	onUI(v, func() { v.loadAudit() })
	v.Wait()
	var rows []data.AuditEntry
	var note string
	onUI(v, func() { rows, note = v.audit.rows, v.audit.note.Text })
	if len(rows) != 1 || !strings.Contains(note, "1 automated order,") {
		t.Fatalf("audit tab: %d rows, note %q", len(rows), note)
	}
	text := auditText(rows[0])
	for _, want := range []string{"MES futures", "tactical: step 1 of 3", "6012.25", "auto-tactical-mes-1", "sending"} {
		if !strings.Contains(text, want) {
			t.Errorf("audit row %q lacks %q", text, want)
		}
	}
	if _, err := dt.Journal.AuditOrder(ctx, data.AuditEntry{Book: dt.Desk.Book(), ClientOrderID: "auto-tactical-mes-1",
		Rule: "again"}); err == nil {
		t.Error("the audit log took a client order id twice")
	}
}
