package tactical

import (
	"math"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/portfolio"
)

// BenchmarkStep is one tick of a short-biased ES layer on a path that cycles (the replay
// steps every layer at every tick).
func BenchmarkStep(b *testing.B) {
	p, _ := Defaults(portfolio.Short, "ES", "")
	st := State{Layer: "ES strangle", Bias: portfolio.Short, Reference: 6000}
	at := open.Add(time.Hour)
	for i := 0; b.Loop(); i++ {
		price := 6000 + 60*math.Sin(float64(i)/50)
		var err error
		st, _, err = Step(p, st, Tick{At: at, Price: price, LayerDelta: -100, LayerUnits: 100})
		if err != nil {
			b.Fatal(err)
		}
	}
}
