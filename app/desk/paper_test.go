package desk

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
)

func TestObservingThePaperAccountNeverWritesIt(t *testing.T) {
	ctx := context.Background()
	j, err := data.Open(ctx, filepath.Join(t.TempDir(), "keel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	start := time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC)
	_, stop, err := StartPaper(j, PaperOptions{Seed: 3, Start: start, Manual: true})
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
