package data

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAutomationState(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	if _, _, ok, err := j.AutomationState(ctx, "paper/paper"); err != nil || ok {
		t.Fatalf("a new journal keeps a state: ok %v err %v", ok, err)
	}
	for _, tc := range []struct {
		name, book, state string
		wantErr           bool
	}{
		{"first save", "paper/paper", `{"tactical":{"ES options":{"reference":6000}}}`, false},
		{"replaced", "paper/paper", `{"tactical":{"ES options":{"reference":6012.25}}}`, false},
		{"another book", "paper/other", `{"tracks":[]}`, false},
		{"no book", "", `{}`, true},
		{"no state", "paper/paper", " ", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := j.SaveAutomationState(ctx, tc.book, at, tc.state)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			got, gotAt, ok, err := j.AutomationState(ctx, tc.book)
			if err != nil || !ok || got != tc.state || !gotAt.Equal(at) {
				t.Fatalf("read back %q at %v (ok %v, err %v), want %q at %v", got, gotAt, ok, err, tc.state, at)
			}
		})
	}
	if n := count(t, j, "automation_state"); n != 2 {
		t.Fatalf("%d rows, want one per book (2)", n)
	}
}

func TestAuditAndLifecycle(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	e := AuditEntry{Book: "paper/paper", At: at, Layer: "ES options", Kind: "let assign", ClientOrderID: "es-options-letassign-1", Rule: "profit exit"}
	id, err := j.AuditOrder(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a client order id is audited once", func(t *testing.T) {
		if _, err := j.AuditOrder(ctx, e); !errors.Is(err, ErrDuplicateOrder) {
			t.Fatalf("second audit: %v, want ErrDuplicateOrder", err)
		}
	})
	if err := j.SetAuditOutcome(ctx, id, "P-7", "filled"); err != nil {
		t.Fatal(err)
	}
	log, err := j.AuditLog(ctx, "paper/paper", at.Add(-time.Hour), at.Add(time.Hour))
	if err != nil || len(log) != 1 || log[0].OrderID != "P-7" || log[0].Outcome != "filled" || log[0].Inputs != "{}" {
		t.Fatalf("audit log %+v, err %v", log, err)
	}
	for i, st := range [][2]string{{"options", "deep ITM"}, {"deep ITM", "awaiting assignment"}, {"awaiting assignment", "future"}} {
		if err := j.RecordLifecycle(ctx, LifecycleEvent{Book: "paper/paper", Layer: "ES options", Symbol: "./ESZ6 P6400",
			From: st[0], To: st[1], Reason: "because " + st[1], At: at.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.RecordLifecycle(ctx, LifecycleEvent{Book: "paper/paper", At: at}); err == nil {
		t.Fatal("a transition without a reason was journaled")
	}
	evs, err := j.LifecycleEvents(ctx, "paper/paper", at, at.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].To != "deep ITM" || evs[1].To != "awaiting assignment" || evs[1].Reason != "because awaiting assignment" {
		t.Fatalf("events in [at, at+2m): %+v", evs)
	}
}
