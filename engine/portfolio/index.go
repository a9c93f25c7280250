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

// hashName hashes a symbol or a layer name: eight bytes at a time (four, or single bytes,
// for the rest) into a multiply-and-fold, so that a symbol of a few letters costs two
// multiplications rather than one per letter.
func hashName(s string) uint32 {
	const k = 0x9E3779B97F4A7C15
	h := uint64(len(s)) * k
	for len(s) >= 8 {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = (h ^ w) * k
		h ^= h >> 31
		s = s[8:]
	}
	var w uint64
	switch n := len(s); {
	case n >= 4: // the first and the last four bytes (overlapping for fewer than eight)
		w = uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			(uint64(s[n-4])|uint64(s[n-3])<<8|uint64(s[n-2])<<16|uint64(s[n-1])<<24)<<32
	case n > 0:
		w = uint64(s[0]) | uint64(s[n/2])<<8 | uint64(s[n-1])<<16
	}
	h = (h ^ w) * k
	return uint32(h>>32) ^ uint32(h)
}

// hashSecond mixes a Unix time in seconds or a packed date (Fibonacci hashing: the high
// bits of the product, where every bit of the key counts).
func hashSecond(s int64) uint32 {
	return uint32((uint64(s) * 0x9E3779B97F4A7C15) >> 32)
}
