//go:build !purego

package pricing

import (
	"math"

	"golang.org/x/sys/cpu"
)

// haveFMA reports the fused multiply–add, AVX and AVX2 instructions the assembly uses
// (normCDFsFMA, fastExpsFMA, lnBAtPointsAVX).
var haveFMA = cpu.X86.HasAVX && cpu.X86.HasAVX2 && cpu.X86.HasFMA

// normCDFsFMA is normCDFs (out[i] and, when ex is not nil, ex[i], for i < n) in
// assembly, for |x[i]| ≤ 37 and x[i]² > 1500: the same operations in the same order, each
// math.FMA one instruction; left reports other values, whose out[i] and ex[i] are to be
// replaced. Built for any amd64, the Go code pays for every math.FMA a test of the
// processor and a call the compiler must keep registers free for, which halves its speed.
//
//go:noescape
func normCDFsFMA(x, out, ex *float64, n int) (left bool)

// normCDFsFast is normCDFs by normCDFsFMA, and true, where the processor has its
// instructions; false, having done nothing, elsewhere. The values normCDFsFMA does not
// cover (NaN, and 37 < |x| ≤ √1500, where fastExp hands over to math.Exp) are then
// taken by normCDFsGo. x, out and ex (if not nil) have the same length.
func normCDFsFast(x, out, ex []float64) bool {
	if !haveFMA || len(x) == 0 {
		return false
	}
	var e *float64
	if ex != nil {
		e = &ex[0]
	}
	if !normCDFsFMA(&x[0], &out[0], e, len(x)) {
		return true
	}
	for i, xi := range x {
		if !(math.Abs(xi) <= 37) && !(xi*xi > 1500) {
			var e []float64
			if ex != nil {
				e = ex[i : i+1]
			}
			normCDFsGo(x[i:i+1], out[i:i+1], e)
		}
	}
	return true
}

// fastExpsFMA is fastExps (out[i] for i < n) in assembly, for −708 < x[i] < 709: the same
// operations in the same order as fastExp's, four values at a time.
//
//go:noescape
func fastExpsFMA(x, out *float64, n int)

// fastExpsFast is fastExps by fastExpsFMA, and true, where the processor has its
// instructions; false, having done nothing, elsewhere. The values fastExpsFMA does not
// cover are then taken by fastExp. x and out have the same length.
func fastExpsFast(x, out []float64) bool {
	if !haveFMA || len(x) == 0 {
		return false
	}
	fastExpsFMA(&x[0], &out[0], len(x))
	for i, xi := range x {
		if !(xi > -708 && xi < 709) {
			out[i] = fastExp(xi)
		}
	}
	return true
}

// lnBAtPointsAVX is lnBAtPoints's loop in assembly, four points at a time over np4 (a
// multiple of four) points: wt is aloLevel.interpT, n the nodes. Each lane adds the
// products in the Go loop's order (no fused multiply–add), so the figures are the same,
// bit for bit.
//
//go:noescape
func lnBAtPointsAVX(wt, h *float64, n, np4 int, lnX float64, out *float64)

// lnBAtPointsFast is lnBAtPoints by lnBAtPointsAVX, and true, where the processor has
// AVX (haveFMA); false, having done nothing, elsewhere.
func lnBAtPointsFast(lv *aloLevel, h *[aloMaxNodes + 1]float64, lnX float64, lnBu *[aloMaxNodes * aloMaxBoundaryGL]float64) bool {
	if !haveFMA {
		return false
	}
	lnBAtPointsAVX(&lv.interpT[0], &h[0], lv.nodes, pad4(lv.nodes*len(lv.bx)), lnX, &lnBu[0])
	return true
}
