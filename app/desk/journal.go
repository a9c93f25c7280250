package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/data/statement"
)

// journalJob is one write for the journal writer: the fills of one execution with their
// entry Greeks, or a settlement.
type journalJob struct {
	events []statement.Event
	greeks map[string]data.GreekSnapshot
	what   string // for messages: "order 12", "assignment of SPY …"
	// history, when set, is a sample of the Greeks history instead of fills.
	history []data.GreekPoint
	days    []data.PositionDay // the positions' end of day so far, for P&L by Greek
}

// recordFills (loop goroutine) queues fills the desk has not seen, with the Greeks of each
// leg computed now, at fill time, from the latest quotes.
func (s *Service) recordFills(fills []brokers.Fill) {
	var evs []statement.Event
	greeks := map[string]data.GreekSnapshot{}
	for _, f := range fills {
		if s.st.seenFills[f.ID] {
			continue
		}
		s.st.seenFills[f.ID] = true
		evs = append(evs, statement.Event{
			Broker: s.acct.Broker, Account: s.acct.Account, ID: f.ID, Order: f.OrderID, Time: f.Time,
			Kind: statement.Fill, Instrument: f.Instrument, Symbol: f.Symbol,
			Quantity: decimal.NewFromInt(f.Quantity), Price: f.Price, Commission: f.Commission, Fees: f.Fees,
			Source: fmt.Sprintf("%s order %s", s.acct.Broker, f.OrderID),
		})
		if g, ok := s.st.valuer.entryGreeks(f, s.st.quotes); ok {
			greeks[f.ID] = g
		}
	}
	if len(evs) == 0 {
		return
	}
	s.queue(journalJob{events: evs, greeks: greeks, what: "order " + evs[0].Order})
}

// recordSettlement (loop goroutine) queues an expiration, assignment or exercise: the
// option leaving at zero and, for an assignment or exercise, the delivered shares or future
// at the strike.
func (s *Service) recordSettlement(se brokers.Settlement) {
	if s.st.seenSettle[se.ID] {
		return
	}
	s.st.seenSettle[se.ID] = true
	s.queueSettlement(se) // the desk's rules follow assignments (automation_kinds.go)
	kind := map[brokers.SettlementKind]statement.Kind{
		brokers.Expired: statement.Expiration, brokers.Assigned: statement.Assignment, brokers.Exercised: statement.Exercise,
	}[se.Kind]
	evs := []statement.Event{{
		Broker: s.acct.Broker, Account: s.acct.Account, ID: se.ID + "/option", Order: se.ID, Time: se.Time,
		Kind: kind, Effect: statement.Close, Instrument: se.Instrument, Symbol: se.Symbol,
		Quantity: decimal.NewFromInt(se.Quantity), Price: decimal.Zero,
		Source: fmt.Sprintf("%s %s: %s", s.acct.Broker, se.Kind, se.Reason),
	}}
	if !se.Instrument.IsOption() {
		// A cash-settled future leaves at its final settlement price, like a closing trade.
		evs[0].ID, evs[0].Kind, evs[0].Price, evs[0].Fees = se.ID+"/settlement", statement.Fill, se.Price, se.Fees
	}
	if se.Kind != brokers.Expired && se.DeliveredQuantity != 0 {
		evs = append(evs, statement.Event{
			Broker: s.acct.Broker, Account: s.acct.Account, ID: se.ID + "/delivery", Order: se.ID, Time: se.Time,
			Kind: statement.Delivery, Instrument: se.Delivered, Symbol: se.DeliveredSymbol,
			Quantity: decimal.NewFromInt(se.DeliveredQuantity), Price: se.Price, Fees: se.Fees,
			Source: fmt.Sprintf("%s %s of %s", s.acct.Broker, se.Kind, se.Symbol),
		})
	}
	s.queue(journalJob{events: evs, what: fmt.Sprintf("%s of %s", se.Kind, se.Symbol)})
}

func (s *Service) queue(job journalJob) {
	if s.cfg.Journal == nil {
		return
	}
	select {
	case s.writes <- job:
	default:
		// The writer is far behind (1,024 jobs): say so rather than block the desk. The
		// fills stay at the broker and are caught up at the next resync.
		for _, ev := range job.events {
			delete(s.st.seenFills, ev.ID)
		}
		s.addProblem("journal", "the journal is behind; "+job.what+" will be recorded at the next sync")
	}
}

// journalWriter writes jobs one at a time, each in its own transaction.
func (s *Service) journalWriter() {
	defer s.wg.Done()
	for job := range s.writes {
		if s.cfg.Journal == nil {
			continue
		}
		if job.history != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			err := s.cfg.Journal.RecordGreekHistory(ctx, s.Book(), job.history)
			if err == nil && len(job.days) > 0 {
				err = s.cfg.Journal.RecordDay(ctx, s.acct, job.days)
			}
			cancel()
			if err != nil {
				msg := fmt.Sprintf("could not record %s: %v", job.what, err)
				s.post(func() { s.addProblem("journal", msg); s.st.dirty = true })
			}
			continue
		}
		if err := s.recordRetrying(job); err != nil {
			msg := fmt.Sprintf("could not record %s in the journal: %v", job.what, err)
			s.post(func() { s.addProblem("journal", msg); s.st.dirty = true })
			continue
		}
		what := job.what
		s.post(func() { s.st.lastJournaled = what; s.st.dirty = true })
	}
}

// journalRetry is how often a journal write that failed for a passing reason (a full
// disk, a file another process holds) is tried again.
const journalRetry = time.Second

// recordRetrying records a job's fills, trying again every journalRetry while the journal
// fails for a passing reason, so fills made while the disk is full are recorded as soon
// as there is room, not at the next start. It gives up when the desk closes (the next
// start records them from the broker's fills).
func (s *Service) recordRetrying(job journalJob) error {
	retried := false
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err := s.cfg.Journal.RecordFills(ctx, s.acct, &statement.Statement{Format: s.acct.Broker, Events: job.events}, job.greeks)
		cancel()
		if err == nil && retried {
			s.post(func() { s.dropProblem("journal"); s.st.dirty = true })
		}
		if err == nil || !data.Transient(err) {
			return err
		}
		retried = true
		msg := fmt.Sprintf("could not record %s in the journal (%v): retrying every second", job.what, err)
		s.post(func() { s.addProblem("journal", msg); s.st.dirty = true })
		select {
		case <-s.done:
			return err
		case <-time.After(journalRetry):
		}
	}
}
