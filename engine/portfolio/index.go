package portfolio

// smallIndex numbers the few dozen distinct keys of one book (underlying symbols, expiry
// moments) by open addressing on a hash the caller computes: several times cheaper than a
// map for a table this small, which hashes the whole key with a seeded hash and probes
// groups. It grows at half full; reset empties it and keeps its memory.
type smallIndex[K comparable] struct {
	keys []K
	vals []int32 // −1: empty slot
	n    int
}

// get returns the number stored for k (whose hash is h), or false.
func (t *smallIndex[K]) get(h uint32, k K) (int32, bool) {
	if len(t.vals) == 0 {
		return 0, false
	}
	mask := uint32(len(t.vals) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		v := t.vals[i]
		if v < 0 {
			return 0, false
		}
		if t.keys[i] == k {
			return v, true
		}
	}
}

// put stores v for k (hash h), which must not be in t yet.
func (t *smallIndex[K]) put(h uint32, k K, v int32, hash func(K) uint32) {
	if 2*(t.n+1) > len(t.vals) {
		t.grow(hash)
	}
	mask := uint32(len(t.vals) - 1)
	i := h & mask
	for t.vals[i] >= 0 {
		i = (i + 1) & mask
	}
	t.keys[i], t.vals[i] = k, v
	t.n++
}

func (t *smallIndex[K]) grow(hash func(K) uint32) {
	keys, vals := t.keys, t.vals
	size := 2 * len(vals)
	if size < 64 {
		size = 64
	}
	t.keys, t.vals, t.n = make([]K, size), make([]int32, size), 0
	for i := range t.vals {
		t.vals[i] = -1
	}
	for i, v := range vals {
		if v >= 0 {
			t.put(hash(keys[i]), keys[i], v, hash)
		}
	}
}

func (t *smallIndex[K]) reset() {
	if t.n == 0 {
		return
	}
	clear(t.keys) // drop the strings of the last book
	for i := range t.vals {
		t.vals[i] = -1
	}
	t.n = 0
}

// hashName is FNV-1a of a symbol.
func hashName(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// hashSecond mixes a Unix time in seconds (Fibonacci hashing: the high bits of the
// product, where every bit of the key counts).
func hashSecond(s int64) uint32 {
	return uint32((uint64(s) * 0x9E3779B97F4A7C15) >> 32)
}
