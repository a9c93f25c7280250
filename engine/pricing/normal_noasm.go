//go:build !amd64 || purego

package pricing

// normCDFsFast reports that there is no assembly for normCDFs here: normCDFsGo serves.
// (On arm64 math.FMA is one instruction, and normCDFsGo runs as fast as assembly would.)
func normCDFsFast(x, out, ex []float64) bool { return false }

// fastExpsFast reports that there is no assembly for fastExps here: fastExp serves.
func fastExpsFast(x, out []float64) bool { return false }

// lnBAtPointsFast reports that there is no assembly for lnBAtPoints here.
func lnBAtPointsFast(lv *aloLevel, h *[aloMaxNodes + 1]float64, lnX float64, lnBu *[aloMaxNodes * aloMaxBoundaryGL]float64) bool {
	return false
}
