//go:build !purego

#include "textflag.h"

// The constants of normCDFs, as the Go code rounds them.
DATA normConst<>+0x00(SB)/8, $0xbfe0000000000000 // −0.5
DATA normConst<>+0x08(SB)/8, $0x40571547652b82fe // 64/ln 2
DATA normConst<>+0x10(SB)/8, $0x4338000000000000 // 0x1.8p52, the shifter
DATA normConst<>+0x18(SB)/8, $0x3f862e42fefa39ef // ln2Hi64
DATA normConst<>+0x20(SB)/8, $0x3c1abc9e3b39803f // ln2Lo64
DATA normConst<>+0x28(SB)/8, $0x3f81111111111111 // 1/120
DATA normConst<>+0x30(SB)/8, $0x3fa5555555555555 // 1/24
DATA normConst<>+0x38(SB)/8, $0x3fc5555555555555 // 1/6
DATA normConst<>+0x40(SB)/8, $0x3fe0000000000000 // 0.5
DATA normConst<>+0x48(SB)/8, $0x3ff0000000000000 // 1
DATA normConst<>+0x50(SB)/8, $0x4010000000000000 // 4
DATA normConst<>+0x58(SB)/8, $0x4020000000000000 // 8
DATA normConst<>+0x60(SB)/8, $0x7fffffffffffffff // |x| mask (16 bytes)
DATA normConst<>+0x68(SB)/8, $0x7fffffffffffffff
DATA normConst<>+0x70(SB)/8, $0x3fe3759f2298375a // millsTailMid
DATA normConst<>+0x78(SB)/8, $0x3fd914c1bacf914c // millsTailHalf
GLOBL normConst<>(SB), RODATA|NOPTR, $0x80

#define NEGHALF normConst<>+0x00(SB)
#define INVLN264 normConst<>+0x08(SB)
#define SHIFTER normConst<>+0x10(SB)
#define LN2HI64 normConst<>+0x18(SB)
#define LN2LO64 normConst<>+0x20(SB)
#define C120 normConst<>+0x28(SB)
#define C24 normConst<>+0x30(SB)
#define C6 normConst<>+0x38(SB)
#define HALF normConst<>+0x40(SB)
#define ONE normConst<>+0x48(SB)
#define FOUR normConst<>+0x50(SB)
#define EIGHT normConst<>+0x58(SB)
#define ABSMASK normConst<>+0x60(SB)
#define TAILMID normConst<>+0x70(SB)
#define TAILHALF normConst<>+0x78(SB)

// func normCDFsFMA(x, out, ex *float64, n int)
//
// normCDFs for |x| ≤ 37 and |x| > √1500, one operation for each of the Go code's (see
// normCDFsGo, whose lines the comments quote); other x (NaN, and 37 < |x| ≤ √1500, where
// fastExp hands over to math.Exp) give numbers the caller replaces.
TEXT ·normCDFsFMA(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ out+8(FP), DI
	MOVQ ex+16(FP), DX
	MOVQ n+24(FP), CX
	LEAQ ·exp2Table(SB), R8
	LEAQ ·millsTable(SB), R9 // near [16][12]float64, then tail [13]float64
	XORQ AX, AX

loop:
	CMPQ AX, CX
	JGE  done
	VMOVSD  (SI)(AX*8), X0 // xi
	VANDPD  ABSMASK, X0, X9 // t := math.Abs(xi)
	VMOVQ   X9, BX          // its bits, which order as t does (NaN above +Inf)
	VXORPD  X5, X5, X5
	VCMPSD  $0x11, X0, X5, X5 // above: all ones where 0 < xi (LT_OQ), else 0
	MOVQ    $0x4042800000000000, R10 // 37
	CMPQ    BX, R10
	JHI     big

	// expHalfSquare(xi), with fastExp inside it (hi ≤ 37², so fastExp's own branch).
	VMULSD      X0, X0, X1       // hi := xi * xi
	VMOVAPD     X1, X2
	VFMSUB231SD X0, X0, X2       // lo := math.FMA(xi, xi, -hi)
	VMULSD      NEGHALF, X1, X3  // a := -0.5 * hi
	VMOVSD      SHIFTER, X4
	VFMADD231SD INVLN264, X3, X4 // math.FMA(a, invLn264, shifter)
	VSUBSD      SHIFTER, X4, X4  // kf := … − shifter
	VMOVAPD     X3, X6
	VFNMADD231SD LN2HI64, X4, X6 // r := math.FMA(-kf, ln2Hi64, a)
	VFNMADD231SD LN2LO64, X4, X6 // r = math.FMA(-kf, ln2Lo64, r)
	VCVTTSD2SIQ X4, R10          // k := int64(kf)
	VMOVSD      C24, X7
	VFMADD231SD C120, X6, X7     // p := math.FMA(r, 1.0/120, 1.0/24)
	VFMADD213SD C6, X6, X7       // p = math.FMA(p, r, 1.0/6)
	VFMADD213SD HALF, X6, X7     // p = math.FMA(p, r, 0.5)
	VFMADD213SD ONE, X6, X7      // p = math.FMA(p, r, 1)
	MOVQ        R10, R11
	ANDQ        $63, R11
	VMOVSD      (R8)(R11*8), X8  // t := exp2Table[k&63]
	VMULSD      X6, X7, X7       // p*r
	VFMADD213SD X8, X8, X7       // math.FMA(t, p*r, t)
	SARQ        $6, R10
	ADDQ        $1023, R10
	SHLQ        $52, R10
	VMOVQ       R10, X8          // math.Float64frombits(uint64((k>>6)+1023)<<52)
	VMULSD      X8, X7, X7       // ea
	VMULSD      HALF, X2, X2     // 0.5*lo
	VMULSD      X7, X2, X2       // 0.5*lo*ea
	VSUBSD      X2, X7, X6       // e = ea - 0.5*lo*ea
	TESTQ       DX, DX
	JEQ         mills
	VMOVSD      X6, (DX)(AX*8)   // ex[i] = e

mills:
	// millsRatio(t) (then p := e * mr …).
	MOVQ $0x4020000000000000, R10 // 8
	CMPQ BX, R10
	JCC  tail

	VADDSD      X9, X9, X10      // 2 * t
	VCVTTSD2SIQ X10, R12         // i := int(2 * t)
	LEAQ        1(R12)(R12*1), R13
	VXORPD      X11, X11, X11
	VCVTSI2SDQ  R13, X11, X11    // float64(2*i + 1)
	VMULSD      FOUR, X9, X12
	VSUBSD      X11, X12, X12    // y := 4*t - float64(2*i+1)
	IMULQ       $96, R12
	LEAQ        (R9)(R12*1), R14 // c := &millsTable.near[i]
	VMULSD      X12, X12, X13    // y2 := y * y
	VMULSD      X13, X13, X14    // y4 := y2 * y2
	VMOVSD      16(R14), X1
	VFMADD231SD 24(R14), X12, X1 // math.FMA(c[3], y, c[2])
	VMOVSD      0(R14), X2
	VFMADD231SD 8(R14), X12, X2  // math.FMA(c[1], y, c[0])
	VFMADD231SD X13, X1, X2      // b0
	VMOVSD      48(R14), X1
	VFMADD231SD 56(R14), X12, X1 // math.FMA(c[7], y, c[6])
	VMOVSD      32(R14), X3
	VFMADD231SD 40(R14), X12, X3 // math.FMA(c[5], y, c[4])
	VFMADD231SD X13, X1, X3      // b1
	VMOVSD      80(R14), X1
	VFMADD231SD 88(R14), X12, X1 // math.FMA(c[11], y, c[10])
	VMOVSD      64(R14), X4
	VFMADD231SD 72(R14), X12, X4 // math.FMA(c[9], y, c[8])
	VFMADD231SD X13, X1, X4      // b2
	VFMADD231SD X14, X4, X3      // math.FMA(b2, y4, b1)
	VFMADD231SD X14, X3, X2      // mr = math.FMA(…, y4, b0)
	JMP         combine

tail:
	// 8 ≤ t ≤ 37: t·R(t) is one polynomial in w = 8/t.
	VMOVSD      EIGHT, X1
	VDIVSD      X9, X1, X1       // w := 8 / t
	VSUBSD      TAILMID, X1, X1
	VDIVSD      TAILHALF, X1, X12 // y := (w - millsTailMid) / millsTailHalf
	LEAQ        1536(R9), R14    // c := &millsTable.tail
	VMOVSD      96(R14), X2      // p := c[12]
	VFMADD213SD 88(R14), X12, X2 // p = math.FMA(p, y, c[k]), k = 11 … 0
	VFMADD213SD 80(R14), X12, X2
	VFMADD213SD 72(R14), X12, X2
	VFMADD213SD 64(R14), X12, X2
	VFMADD213SD 56(R14), X12, X2
	VFMADD213SD 48(R14), X12, X2
	VFMADD213SD 40(R14), X12, X2
	VFMADD213SD 32(R14), X12, X2
	VFMADD213SD 24(R14), X12, X2
	VFMADD213SD 16(R14), X12, X2
	VFMADD213SD 8(R14), X12, X2
	VFMADD213SD 0(R14), X12, X2
	VDIVSD      X9, X2, X2       // mr = p / t

combine:
	// normCDFFromExp(xi, e).
	VMULSD      X2, X6, X1       // p := e * mr
	VADDSD      X1, X1, X2       // 2*p
	VMOVSD      ONE, X3
	VSUBSD      X2, X3, X3       // 1 - 2*p
	VANDPD      X5, X3, X3       // above*(1-2*p): 1−2p or +0
	VADDSD      X3, X1, X1       // p + above*(1-2*p)
	VMOVSD      X1, (DI)(AX*8)
	INCQ        AX
	JMP         loop

big:
	// t > 37 or NaN. Where hi = xi² > 1500, e is 0, p = e·mr is 0 (mr is finite) and
	// N(xi) is above·1; the rest is left to the caller.
	VXORPD X6, X6, X6
	VMULSD X0, X0, X1
	VMOVQ  X1, R10
	MOVQ   $0x4097700000000000, R11 // 1500
	CMPQ   R10, R11
	JLS    next                    // hi ≤ 1500: the caller's
	MOVQ   $0x7ff0000000000000, R11 // +Inf
	CMPQ   BX, R11
	JHI    next                    // NaN: the caller's
	VMOVSD ONE, X1
	VANDPD X5, X1, X1              // 1 or +0
	VMOVSD X1, (DI)(AX*8)
	TESTQ  DX, DX
	JEQ    next
	VMOVSD X6, (DX)(AX*8)          // ex[i] = 0

next:
	INCQ AX
	JMP  loop

done:
	RET
