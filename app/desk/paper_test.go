package desk

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers/paper"
)

var paperStart = time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC)

func TestObservingThePaperAccountNeverWritesIt(t *testing.T) {
	ctx := context.Background()
	j := tempJournal(t)
	_, stop, err := StartPaper(j, PaperOptions{Seed: 3, Start: paperStart, Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	stop()
	saved, err := j.LoadPaper(ctx, paper.DefaultAccount)
	if err != nil || len(saved) == 0 {
		t.Fatalf("the new account was not saved: %v", err)
	}
	d, stop, err := StartPaper(j, PaperOptions{Observe: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Paper().Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	stop()
	after, err := j.LoadPaper(ctx, paper.DefaultAccount)
	if err != nil || !reflect.DeepEqual(saved, after) {
		t.Fatalf("observing changed the saved account (%v)", err)
	}
}

// A command that observes a journal without a paper account (keel checklist first of all)
// saves the new account as it starts — its clock running — and nothing after: the app
// then opens it running, not paused as the command left it.
func TestObservingANewJournalSavesTheAccountRunning(t *testing.T) {
	ctx := context.Background()
	j := tempJournal(t)
	d, stop, err := StartPaper(j, PaperOptions{Seed: 3, Start: paperStart, Paused: true, Observe: true})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Paper().Clock().Paused {
		t.Fatal("the observer's clock is not paused")
	}
	if err := d.Paper().Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	stop()
	saved, err := j.LoadPaper(ctx, paper.DefaultAccount)
	if err != nil || len(saved) == 0 {
		t.Fatalf("the new account was not saved: %v", err)
	}
	b, err := paper.New(paper.Config{Store: j, Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if c := b.Clock(); c.Paused || !c.Now.Equal(paperStart) {
		t.Errorf("the app would open the account at %v, paused %v: want it as it was made, at %v and running", c.Now, c.Paused, paperStart)
	}
}
