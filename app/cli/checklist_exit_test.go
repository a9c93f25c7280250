package cli

import (
	"testing"

	"github.com/keel-desk/keel/engine/hedge"
)

// Each outcome of a run has its own exit status, and every status is documented.
func TestChecklistExit(t *testing.T) {
	for _, c := range []struct {
		o    hedge.Outcome
		want int
	}{
		{hedge.OutcomeNothing, 0},
		{hedge.OutcomeAction, 1},
		{hedge.OutcomeAttention, 3},
	} {
		t.Run(string(c.o), func(t *testing.T) {
			if got := ChecklistExit(c.o); got != c.want {
				t.Errorf("ChecklistExit(%s) = %d, want %d", c.o, got, c.want)
			}
		})
	}
	documented := map[int]bool{}
	for _, c := range ChecklistExitCodes {
		documented[c.Code] = true
	}
	for _, code := range []int{0, 1, 2, 3} {
		if !documented[code] {
			t.Errorf("exit %d is not in ChecklistExitCodes", code)
		}
	}
}
