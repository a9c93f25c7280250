package portfolio

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/keel-desk/keel/engine/instrument"
)

// scratch is the working memory of one Revalue call: the underlyings, layers and expiries
// met so far as small integers (each name is hashed once per position, not once per use),
// the pricing jobs, and a compact copy of each position's figures for the sums. It is
// reused between calls through scratchPool; nothing in it ends up in a Book.
type scratch struct {
	underAt    smallIndex[string]   // underlying symbol → under
	futAt      map[futuresKey]int32 // futures contract → under, without formatting its code
	futs       []futuresSlot        // the same, looked through one by one while few
	seen       [64]seenName         // symbol memory → under, for this call only (see underlying)
	seenLayer  [32]seenName         // layer name memory → index in layers, likewise
	under      []underlyingInfo
	lastUnder  int32              // the slot of the previous position's underlying (books are often sorted)
	layerAt    smallIndex[string] // layer name → index in layers
	layers     []LayerRisk        // the book's layers as met: the configured ones first
	lastLayer  int32
	configured int               // the configured layers lead layers
	layerCount []int32           // positions of each layer (as built); then, in aggregate, its cursor
	layerFinal []int32           // index in Book.Layers as built → index once sorted
	instantAt  smallIndex[int64] // expiry moment (Unix seconds) → expiries
	lastSec    int64             // the previous option's expiry moment, in expiries[lastExp]
	lastExp    int32
	dateAt     smallIndex[int64] // expiry date (dateKey.packed) → expiries
	expiries   []expirySlot
	jobIndex   map[optKey]int32 // American options and implied vols: shared between positions
	nowSec     int64            // Market.Now in Unix seconds and nanoseconds
	nowNs      int64
	jobs       []pricingJob
	pos        []posScratch
	quotes     []Quote // Market.Quotes of each position
	waiting    []int32 // positions valued by a job, in order
	failed     []int32 // positions with Err
	order      []int32
	names      []byte // the expiries' names, end to end
	oldNames   string // the same of the Book revalued into (RevalueInto), reused when equal
	bench      benchmark
	jobErrs    jobErrors
	// The benchmark symbol last parsed and the day it was parsed for; kept between calls.
	benchIn     instrument.Instrument
	benchKey    parsedKey
	benchParsed bool
	// futNames are the futures codes formatted so far (ESZ6), kept between calls.
	futNames map[futuresKey]string
}

// underlyingInfo is one underlying of the book and what its positions look up about it.
type underlyingInfo struct {
	name    string
	price   float64 // Market.Underlyings[name]; 0 when absent
	div     float64 // Market.DividendYield[name]
	profile instrument.Profile
	futRoot string // the futures root futBeta was looked up for
	futBeta float64

	divKnown, profileKnown, futKnown, futOK bool

	count  int32 // positions valued without error
	group  int32 // its index in Book.Underlyings
	cursor int32 // where its next position goes in aggregate's backing
}

// seenName is a symbol's memory (its bytes' address and length) and its underlying's slot.
// The address is kept as a number: it is compared, never followed.
type seenName struct {
	p uintptr
	n int
	u int32
}

// seenSlot is where name's memory is remembered in t, a power of two long: the address
// of its bytes, mixed (Fibonacci hashing: the high bits of the product).
func seenSlot(t []seenName, name string) *seenName {
	h := uint64(uintptr(unsafe.Pointer(unsafe.StringData(name)))) * 0x9E3779B97F4A7C15
	return &t[(h>>32)&uint64(len(t)-1)]
}

// is reports whether s remembers name's memory. An empty name is never remembered.
func (s *seenName) is(name string) bool {
	return len(name) > 0 && s.n == len(name) && s.p == uintptr(unsafe.Pointer(unsafe.StringData(name)))
}

func (s *seenName) remember(name string, u int32) {
	if len(name) > 0 {
		s.p, s.n, s.u = uintptr(unsafe.Pointer(unsafe.StringData(name))), len(name), u
	}
}

// futuresSlot is one futures contract of the book and its underlying's slot.
type futuresSlot struct {
	root  string
	year  int
	month time.Month
	u     int32
}

type futuresKey struct {
	root  string
	year  int
	month time.Month
}

type dateKey struct {
	y int
	m time.Month
	d int
}

// packed is the date as one number, distinct for distinct dates (years within ±2⁴⁷).
func (k dateKey) packed() int64 { return int64(k.y)<<16 | int64(k.m)<<8 | int64(k.d) }

// expirySlot is one expiry date of the book's options.
type expirySlot struct {
	first  time.Time // the moment that named it
	expiry time.Time // the earliest moment on that date
	sec    int64     // expiry as Unix seconds and nanoseconds
	ns     int64
	dte    float64
	date   dateKey // first's date, in its own time zone
	count  int32
	group  int32
	cursor int32 // where its next position goes in aggregate's backing
	// nameLen is the length of its name (first.Format(time.DateOnly)) as writeDate wrote it.
	nameLen int32
}

// writeDate appends x's date to b as first.Format(time.DateOnly) writes it (2026-12-18) and
// notes its length in x.nameLen.
func writeDate(b []byte, x *expirySlot) []byte {
	y, m, d := x.date.y, int(x.date.m), x.date.d
	if y < 0 || y > 9999 {
		s := x.first.Format(time.DateOnly)
		x.nameLen = int32(len(s))
		return append(b, s...)
	}
	var buf [len(time.DateOnly)]byte
	buf[0], buf[1], buf[2], buf[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	buf[4], buf[5], buf[6] = '-', byte('0'+m/10), byte('0'+m%10)
	buf[7], buf[8], buf[9] = '-', byte('0'+d/10), byte('0'+d%10)
	x.nameLen = int32(len(buf))
	return append(b, buf[:]...)
}

// posScratch is what the sums need of one position. It holds no pointers, so the garbage
// collector never scans the pooled slice.
type posScratch struct {
	e      Exposure
	expSec int64 // the expiry: Unix seconds and nanoseconds
	expNs  int64
	dte    float64
	legs   float64 // |quantity| of an option or future
	job    int32   // −1: valued without a job
	layer  int32
	under  int32
	exp    int32

	ok      bool // valued without error: counted in the sums
	counted bool // an option or future: counted in Contracts and LargestLeg
	option  bool
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{
		futAt:    make(map[futuresKey]int32, 8),
		jobIndex: make(map[optKey]int32, 64),
		futNames: make(map[futuresKey]string, 8),
	}
}}

// lastScratch holds the scratch of the last call for the next one, whichever processor
// (P) it runs on: sync.Pool keeps what is put back for the P that put it, so a caller whose
// goroutine the scheduler has moved (as it often does around a garbage collection) would
// find the pool empty and build a new scratch, a few hundred bytes a position. The one
// scratch held here (sized for the largest book seen) is never freed; the pool holds the
// others, for calls running at the same time.
var lastScratch atomic.Pointer[scratch]

func getScratch(n int) *scratch {
	sc := lastScratch.Swap(nil)
	if sc == nil {
		sc = scratchPool.Get().(*scratch)
	}
	if cap(sc.pos) < n {
		sc.pos = make([]posScratch, n)
	}
	sc.pos = sc.pos[:n]
	if cap(sc.quotes) < n {
		sc.quotes = make([]Quote, n)
	}
	sc.quotes = sc.quotes[:n]
	sc.lastUnder, sc.lastLayer, sc.lastExp = -1, -1, -1
	// Addresses of the last call's strings mean nothing now.
	sc.seen = [len(sc.seen)]seenName{}
	sc.seenLayer = [len(sc.seenLayer)]seenName{}
	return sc
}

func putScratch(sc *scratch) {
	sc.underAt.reset()
	clear(sc.futAt)
	clear(sc.futs)
	sc.futs = sc.futs[:0]
	sc.layerAt.reset()
	sc.instantAt.reset()
	sc.dateAt.reset()
	clear(sc.jobIndex)
	clear(sc.under) // drop the strings and profiles of this book
	sc.under = sc.under[:0]
	sc.expiries = sc.expiries[:0]
	sc.jobs = sc.jobs[:0]
	sc.waiting = sc.waiting[:0]
	sc.failed = sc.failed[:0]
	sc.oldNames = ""
	sc.bench = benchmark{}
	sc.jobErrs.byJob = nil
	clear(sc.layers) // drop the names and limits of this book
	sc.layers = sc.layers[:0]
	if !lastScratch.CompareAndSwap(nil, sc) {
		scratchPool.Put(sc)
	}
}

// underlying is the slot of the underlying called name, priced from prices when new.
//
// The positions of a book mostly share the memory of their symbols (instruments built from
// the same strings), so the slot is first looked up by where name's bytes are: two strings
// at the same address with the same length are the same symbol. The positions keep those
// strings alive for the whole call, and sc.seen is emptied before the next one.
func (sc *scratch) underlying(name string, prices map[string]float64) int32 {
	seen := seenSlot(sc.seen[:], name)
	if seen.is(name) {
		return seen.u
	}
	var u int32
	if last := sc.lastUnder; last >= 0 && sc.under[last].name == name {
		u = last
	} else {
		h := hashName(name)
		var ok bool
		if u, ok = sc.underAt.get(h, name); !ok {
			u = int32(len(sc.under))
			sc.underAt.put(h, name, u, hashName)
			sc.under = append(sc.under, underlyingInfo{name: name, price: prices[name]})
		}
	}
	seen.remember(name, u)
	sc.lastUnder = u
	return u
}

// fewFutures is how many futures contracts future compares one by one before it uses a map.
const fewFutures = 16

// future is the slot of a futures contract, named by its code (ESZ6).
func (sc *scratch) future(root string, year int, month time.Month, prices map[string]float64) int32 {
	if len(sc.futs) <= fewFutures {
		for k := range sc.futs {
			if f := &sc.futs[k]; f.year == year && f.month == month && f.root == root {
				return f.u
			}
		}
	} else if u, ok := sc.futAt[futuresKey{root, year, month}]; ok {
		return u
	}
	k := futuresKey{root, year, month}
	name, ok := sc.futNames[k]
	if !ok {
		if len(sc.futNames) > 1024 { // a book does not hold that many; forget old ones
			clear(sc.futNames)
		}
		name = instrument.FormatFutures(root, year, month)
		sc.futNames[k] = name
	}
	u := sc.underlying(name, prices)
	sc.futAt[futuresKey{root, year, month}] = u
	sc.futs = append(sc.futs, futuresSlot{root: root, year: year, month: month, u: u})
	return u
}

// configureLayers starts the book's layers with cfg's layers, in order.
// old is the Layers of the Book revalued into: a configured layer's Underlyings there are
// reused when they are the same as cfg's.
func (sc *scratch) configureLayers(cfg Config, old []LayerRisk) {
	for _, l := range cfg.Layers {
		h := hashName(l.Name)
		if _, dup := sc.layerAt.get(h, l.Name); dup {
			continue
		}
		sc.layerAt.put(h, l.Name, int32(len(sc.layers)), hashName)
		if k := len(sc.layers); k < len(old) && old[k].Configured && slices.Equal(old[k].Layer.Underlyings, l.Underlyings) &&
			(old[k].Layer.Underlyings == nil) == (l.Underlyings == nil) {
			l.Underlyings = old[k].Layer.Underlyings
		} else {
			l.Underlyings = slices.Clone(l.Underlyings) // the Book shares nothing mutable with cfg
		}
		sc.layers = append(sc.layers, LayerRisk{Layer: l, Group: Group{Name: l.Name}, Configured: true})
	}
	sc.configured = len(sc.layers)
}

// fewLayers is how many layers layerOf compares names with one by one before it hashes:
// a book's handful of layer names mostly share their memory with the previous positions'
// (string comparison then stops at the pointers), which costs less than hashing the name.
const fewLayers = 16

// layerOf is the index in sc.layers of the layer called name, added when new.
func (sc *scratch) layerOf(name string) int32 {
	if name == "" {
		name = Unassigned
	}
	seen := seenSlot(sc.seenLayer[:], name)
	if seen.is(name) {
		return seen.u
	}
	if li := sc.lastLayer; li >= 0 && sc.layers[li].Name == name {
		seen.remember(name, li)
		return li
	}
	li, ok := int32(-1), false
	if len(sc.layers) <= fewLayers {
		for k := range sc.layers {
			if sc.layers[k].Name == name {
				li, ok = int32(k), true
				break
			}
		}
	} else {
		li, ok = sc.layerAt.get(hashName(name), name)
	}
	if !ok {
		li = int32(len(sc.layers))
		sc.layerAt.put(hashName(name), name, li, hashName)
		sc.layers = append(sc.layers, LayerRisk{Layer: Layer{Name: name}, Group: Group{Name: name}})
	}
	seen.remember(name, li)
	sc.lastLayer = li
	return li
}

// finite reports whether every figure of e is a finite number.
func (e *Exposure) finite() bool {
	// The sum is NaN or ±Inf when any term is, and x − x is 0 for every finite x; only
	// when it is not (or the sum of finite terms overflows) are the terms looked at one by one.
	s := ((e.Delta + e.DollarDelta) + (e.BetaDollarDelta + e.BetaDelta)) + ((e.Gamma + e.BetaGamma) + (e.Theta + e.Vega)) +
		((e.Notional + e.Value) + (e.Bull + e.Bear))
	if s-s == 0 {
		return true
	}
	for _, v := range [...]float64{e.Delta, e.DollarDelta, e.BetaDollarDelta, e.BetaDelta, e.Gamma, e.BetaGamma,
		e.Theta, e.Vega, e.Notional, e.Value, e.Bull, e.Bear} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// exposureOf turns per-unit Greeks into the position's money figures.
func exposureOf(pr *PositionRisk, benchUnit float64) Exposure {
	var e Exposure
	e.setFrom(pr, benchUnit)
	return e
}

// setFrom sets e to pr's money figures from its per-unit Greeks. It writes e one field at
// a time: a struct built elsewhere and copied in would be read back in 16-byte pieces
// from 8-byte stores still in flight, which the processor cannot forward (a stall per
// piece, a third of the cost of a European position).
func (e *Exposure) setFrom(pr *PositionRisk, benchUnit float64) {
	n := pr.Quantity * pr.Instrument.Multiplier // units of the underlying per unit of price
	s := pr.UnderlyingPrice
	g := &pr.Greeks
	dollarDelta := n * g.Delta * s
	gamma := 0.01 * s * (s * g.Gamma) * n
	if g.Gamma == 0 { // stocks, futures, expired options: no gamma (and no 0 · ∞)
		gamma = 0
	}
	value := n * pr.Mark
	if pr.Instrument.Kind == instrument.Future {
		value = 0
	}
	bdd := dollarDelta * pr.Beta
	e.Delta = n * g.Delta / pr.unitMult
	e.DollarDelta = dollarDelta
	e.BetaDollarDelta = bdd
	e.BetaDelta = bdd / benchUnit
	e.Gamma = gamma
	e.BetaGamma = gamma * pr.Beta * pr.Beta
	e.Theta = n * g.Theta / 365
	e.Vega = n * g.Vega / 100
	e.Notional = math.Abs(n) * s
	e.Value = value
	if bdd > 0 {
		e.Bull, e.Bear = bdd, 0
	} else {
		e.Bull, e.Bear = 0, bdd
	}
}

// copyFrom sets e to o one field at a time (see setFrom).
func (e *Exposure) copyFrom(o *Exposure) {
	e.Delta = o.Delta
	e.DollarDelta = o.DollarDelta
	e.BetaDollarDelta = o.BetaDollarDelta
	e.BetaDelta = o.BetaDelta
	e.Gamma = o.Gamma
	e.BetaGamma = o.BetaGamma
	e.Theta = o.Theta
	e.Vega = o.Vega
	e.Notional = o.Notional
	e.Value = o.Value
	e.Bull = o.Bull
	e.Bear = o.Bear
}

// aggregate fills the layer, underlying and expiry groups and the book total from the
// positions' compact figures, summing in the order of the positions. A first pass counts
// each group's positions, so every group's index list is carved from one allocation and
// the groups are built in their final order.
func (sc *scratch) aggregate(book *Book, cfg Config) {
	band := cfg.NeutralBand
	if band <= 0 {
		band = 0.10
	}
	n := len(book.Positions)
	nl := len(sc.layers)
	sc.layerCount = append(sc.layerCount[:0], make([]int32, nl)...)
	valued, options := 0, 0
	for i := range sc.pos {
		ps := &sc.pos[i]
		sc.layerCount[ps.layer]++
		if !ps.ok {
			continue
		}
		valued++
		sc.under[ps.under].count++
		if !ps.option {
			continue
		}
		options++
		ei := sc.lastExp
		if ei < 0 || sc.lastSec != ps.expSec {
			var found bool
			h := hashSecond(ps.expSec)
			if ei, found = sc.instantAt.get(h, ps.expSec); !found {
				exp := book.Positions[i].Instrument.Expiry
				y, mo, d := exp.Date()
				k := dateKey{y, mo, d}
				dk := k.packed()
				dh := hashSecond(dk)
				if ei, found = sc.dateAt.get(dh, dk); !found {
					ei = int32(len(sc.expiries))
					sc.dateAt.put(dh, dk, ei, hashSecond)
					sc.expiries = append(sc.expiries, expirySlot{first: exp, expiry: exp, sec: ps.expSec, ns: ps.expNs, dte: ps.dte, date: k})
				}
				sc.instantAt.put(h, ps.expSec, ei, hashSecond)
			}
			sc.lastSec, sc.lastExp = ps.expSec, ei
		}
		ps.exp = ei
		x := &sc.expiries[ei]
		x.count++
		if ps.expSec < x.sec || ps.expSec == x.sec && ps.expNs < x.ns { // Before
			x.expiry = book.Positions[i].Instrument.Expiry
			x.sec, x.ns, x.dte = ps.expSec, ps.expNs, ps.dte
		}
	}
	// Each group's list is carved out of backing, and filled through a cursor kept with the
	// group in sc: where its next position goes.
	backing := reuse(book.groupIndex, n+valued+options)
	book.groupIndex = backing
	carved := int32(0)
	carve := func(c int32) ([]int, int32) {
		at := carved
		carved += c
		return backing[at:carved:carved], at
	}

	// Layers: the configured ones in order, then the others by name, then Unassigned.
	order := sc.order[:0]
	for li := sc.configured; li < nl; li++ {
		order = append(order, int32(li))
	}
	slices.SortFunc(order, func(a, b int32) int {
		na, nb := sc.layers[a].Name, sc.layers[b].Name
		if (na == Unassigned) != (nb == Unassigned) {
			if nb == Unassigned {
				return -1
			}
			return 1
		}
		return strings.Compare(na, nb)
	})
	sc.layerFinal = sc.layerFinal[:0]
	for li := 0; li < nl; li++ {
		sc.layerFinal = append(sc.layerFinal, int32(li))
	}
	if nl > 0 {
		book.Layers = reuse(book.Layers, nl)
		copy(book.Layers, sc.layers[:sc.configured])
		for k, li := range order {
			f := sc.configured + k
			book.Layers[f] = sc.layers[li]
			sc.layerFinal[li] = int32(f)
		}
	}
	for li := 0; li < nl; li++ {
		book.Layers[sc.layerFinal[li]].Positions, sc.layerCount[li] = carve(sc.layerCount[li]) // now its cursor
	}

	// Underlyings by symbol.
	order = order[:0]
	for u := range sc.under {
		if sc.under[u].count > 0 {
			order = append(order, int32(u))
		}
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(sc.under[a].name, sc.under[b].name) })
	if len(order) > 0 {
		book.Underlyings = reuse(book.Underlyings, len(order))
		for g, u := range order {
			ul := &sc.under[u]
			ul.group = int32(g)
			list, at := carve(ul.count)
			ul.cursor = at
			book.Underlyings[g] = Group{Name: ul.name, Positions: list}
		}
	}

	// Expiries by date.
	order = order[:0]
	for x := range sc.expiries {
		order = append(order, int32(x))
	}
	slices.SortStableFunc(order, func(a, b int32) int { // expiry.Compare, from its Unix time
		xa, xb := &sc.expiries[a], &sc.expiries[b]
		if c := cmp.Compare(xa.sec, xb.sec); c != 0 {
			return c
		}
		return cmp.Compare(xa.ns, xb.ns)
	})
	if len(order) > 0 {
		book.Expiries = reuse(book.Expiries, len(order))
		// The dates' names share one string: one allocation, not one per expiry, and none
		// when they are those of the Book revalued into.
		names := sc.names[:0]
		for _, x := range order {
			names = writeDate(names, &sc.expiries[x])
		}
		sc.names = names
		all, at := sc.oldNames, 0
		if string(names) != all {
			all = string(names)
		}
		book.expiryNames = all
		for g, x := range order {
			xs := &sc.expiries[x]
			xs.group = int32(g)
			list, cursor := carve(xs.count)
			xs.cursor = cursor
			book.Expiries[g] = ExpiryGroup{Group: Group{Name: all[at : at+int(xs.nameLen)], Positions: list},
				Expiry: xs.expiry, DTE: xs.dte}
			at += int(xs.nameLen)
		}
	}
	sc.order = order

	for i := range sc.pos {
		ps := &sc.pos[i]
		cur := &sc.layerCount[ps.layer]
		backing[*cur] = i
		*cur++
		if !ps.ok {
			continue
		}
		lr := &book.Layers[sc.layerFinal[ps.layer]]
		lr.Exposure.accumulate(&ps.e)
		if ps.counted {
			lr.Contracts += ps.legs
			if ps.legs > lr.LargestLeg { // math.Max, for the finite, non-negative legs
				lr.LargestLeg = ps.legs
			}
		}
		book.Total.accumulate(&ps.e)
		ul := &sc.under[ps.under]
		backing[ul.cursor] = i
		ul.cursor++
		book.Underlyings[ul.group].Exposure.accumulate(&ps.e)
		if ps.option {
			xs := &sc.expiries[ps.exp]
			backing[xs.cursor] = i
			xs.cursor++
			book.Expiries[xs.group].Exposure.accumulate(&ps.e)
		}
	}
	for i := range book.Layers {
		lr := &book.Layers[i]
		lr.Bias = checkLayerBias(book, lr, band)
	}
}
