package desk

import (
	"context"
	"time"
)

// ChecklistEverRun reports whether a daily checklist run of this desk's book was ever
// logged: until one is, the desk window shows the first-launch hint "Start here: today's
// checklist".
func (s *Service) ChecklistEverRun(ctx context.Context) (bool, error) {
	j, err := s.journal()
	if err != nil {
		return false, err
	}
	runs, err := j.ChecklistRuns(ctx, s.Book(), time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return false, err
	}
	return len(runs) > 0, nil
}
