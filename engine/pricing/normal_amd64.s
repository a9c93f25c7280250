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

// The same constants, four of each, for the four values at a time of normCDFsFMA's vector loop.
DATA normVec<>+0x000(SB)/8, $0xbfe0000000000000 // −0.5
DATA normVec<>+0x008(SB)/8, $0xbfe0000000000000
DATA normVec<>+0x010(SB)/8, $0xbfe0000000000000
DATA normVec<>+0x018(SB)/8, $0xbfe0000000000000
DATA normVec<>+0x020(SB)/8, $0x40571547652b82fe // 64/ln 2
DATA normVec<>+0x028(SB)/8, $0x40571547652b82fe
DATA normVec<>+0x030(SB)/8, $0x40571547652b82fe
DATA normVec<>+0x038(SB)/8, $0x40571547652b82fe
DATA normVec<>+0x040(SB)/8, $0x4338000000000000 // 0x1.8p52, the shifter
DATA normVec<>+0x048(SB)/8, $0x4338000000000000
DATA normVec<>+0x050(SB)/8, $0x4338000000000000
DATA normVec<>+0x058(SB)/8, $0x4338000000000000
DATA normVec<>+0x060(SB)/8, $0x3f862e42fefa39ef // ln2Hi64
DATA normVec<>+0x068(SB)/8, $0x3f862e42fefa39ef
DATA normVec<>+0x070(SB)/8, $0x3f862e42fefa39ef
DATA normVec<>+0x078(SB)/8, $0x3f862e42fefa39ef
DATA normVec<>+0x080(SB)/8, $0x3c1abc9e3b39803f // ln2Lo64
DATA normVec<>+0x088(SB)/8, $0x3c1abc9e3b39803f
DATA normVec<>+0x090(SB)/8, $0x3c1abc9e3b39803f
DATA normVec<>+0x098(SB)/8, $0x3c1abc9e3b39803f
DATA normVec<>+0x0a0(SB)/8, $0x3f81111111111111 // 1/120
DATA normVec<>+0x0a8(SB)/8, $0x3f81111111111111
DATA normVec<>+0x0b0(SB)/8, $0x3f81111111111111
DATA normVec<>+0x0b8(SB)/8, $0x3f81111111111111
DATA normVec<>+0x0c0(SB)/8, $0x3fa5555555555555 // 1/24
DATA normVec<>+0x0c8(SB)/8, $0x3fa5555555555555
DATA normVec<>+0x0d0(SB)/8, $0x3fa5555555555555
DATA normVec<>+0x0d8(SB)/8, $0x3fa5555555555555
DATA normVec<>+0x0e0(SB)/8, $0x3fc5555555555555 // 1/6
DATA normVec<>+0x0e8(SB)/8, $0x3fc5555555555555
DATA normVec<>+0x0f0(SB)/8, $0x3fc5555555555555
DATA normVec<>+0x0f8(SB)/8, $0x3fc5555555555555
DATA normVec<>+0x100(SB)/8, $0x3fe0000000000000 // 0.5
DATA normVec<>+0x108(SB)/8, $0x3fe0000000000000
DATA normVec<>+0x110(SB)/8, $0x3fe0000000000000
DATA normVec<>+0x118(SB)/8, $0x3fe0000000000000
DATA normVec<>+0x120(SB)/8, $0x3ff0000000000000 // 1
DATA normVec<>+0x128(SB)/8, $0x3ff0000000000000
DATA normVec<>+0x130(SB)/8, $0x3ff0000000000000
DATA normVec<>+0x138(SB)/8, $0x3ff0000000000000
DATA normVec<>+0x140(SB)/8, $0x4010000000000000 // 4
DATA normVec<>+0x148(SB)/8, $0x4010000000000000
DATA normVec<>+0x150(SB)/8, $0x4010000000000000
DATA normVec<>+0x158(SB)/8, $0x4010000000000000
DATA normVec<>+0x160(SB)/8, $0x7fffffffffffffff // |x| mask
DATA normVec<>+0x168(SB)/8, $0x7fffffffffffffff
DATA normVec<>+0x170(SB)/8, $0x7fffffffffffffff
DATA normVec<>+0x178(SB)/8, $0x7fffffffffffffff
DATA normVec<>+0x180(SB)/8, $0x4020000000000000 // 8
DATA normVec<>+0x188(SB)/8, $0x4020000000000000
DATA normVec<>+0x190(SB)/8, $0x4020000000000000
DATA normVec<>+0x198(SB)/8, $0x4020000000000000
DATA normVec<>+0x1a0(SB)/8, $0x4097700000000000 // 1500
DATA normVec<>+0x1a8(SB)/8, $0x4097700000000000
DATA normVec<>+0x1b0(SB)/8, $0x4097700000000000
DATA normVec<>+0x1b8(SB)/8, $0x4097700000000000
DATA normVec<>+0x1c0(SB)/8, $0x000000000000003f // the integer 63
DATA normVec<>+0x1c8(SB)/8, $0x000000000000003f
DATA normVec<>+0x1d0(SB)/8, $0x000000000000003f
DATA normVec<>+0x1d8(SB)/8, $0x000000000000003f
DATA normVec<>+0x1e0(SB)/8, $0x000000000000ffc0 // the integer 1023·64
DATA normVec<>+0x1e8(SB)/8, $0x000000000000ffc0
DATA normVec<>+0x1f0(SB)/8, $0x000000000000ffc0
DATA normVec<>+0x1f8(SB)/8, $0x000000000000ffc0
DATA normVec<>+0x200(SB)/8, $0x0000000f0000000f // the 32-bit integers 15
DATA normVec<>+0x208(SB)/8, $0x0000000f0000000f
DATA normVec<>+0x210(SB)/8, $0x0000000100000001 // the 32-bit integers 1
DATA normVec<>+0x218(SB)/8, $0x0000000100000001
GLOBL normVec<>(SB), RODATA|NOPTR, $0x220

#define V_NEGHALF normVec<>+0x000(SB)
#define V_INVLN264 normVec<>+0x020(SB)
#define V_SHIFTER normVec<>+0x040(SB)
#define V_LN2HI64 normVec<>+0x060(SB)
#define V_LN2LO64 normVec<>+0x080(SB)
#define V_C120 normVec<>+0x0a0(SB)
#define V_C24 normVec<>+0x0c0(SB)
#define V_C6 normVec<>+0x0e0(SB)
#define V_HALF normVec<>+0x100(SB)
#define V_ONE normVec<>+0x120(SB)
#define V_FOUR normVec<>+0x140(SB)
#define V_ABS normVec<>+0x160(SB)
#define V_EIGHT normVec<>+0x180(SB)
#define V_H1500 normVec<>+0x1a0(SB)
#define V_I63 normVec<>+0x1c0(SB)
#define V_I65472 normVec<>+0x1e0(SB)
#define V_I15 normVec<>+0x200(SB)
#define V_I1 normVec<>+0x210(SB)

// func normCDFsFMA(x, out, ex *float64, n int) (left bool)
//
// normCDFs for |x| ≤ 37 and |x| > √1500, one operation for each of the Go code's (see
// normCDFsGo, whose lines the comments quote), four values at a time where it can (AVX2;
// vector lanes round as scalar operations do); other x (NaN, and 37 < |x| ≤ √1500,
// where fastExp hands over to math.Exp) give numbers the caller replaces; left reports
// whether there were any.
TEXT ·normCDFsFMA(SB), NOSPLIT, $0-33
	MOVQ x+0(FP), SI
	MOVQ out+8(FP), DI
	MOVQ ex+16(FP), DX
	LEAQ ·exp2Table(SB), R8
	LEAQ ·millsTable(SB), R9 // near [16][12]float64, then tail [13]float64
	XORQ AX, AX
	MOVB $0, left+32(FP)

vec:
	// Four values at a time where each is below 8 in size (millsRatio's table) or has
	// x² > 1500 (N is 0 or 1); four with any other go to the scalar code (CX = AX + 4).
	MOVQ      n+24(FP), R10
	LEAQ      4(AX), CX
	CMPQ      CX, R10
	JGT       rest
	VMOVUPD   (SI)(AX*8), Y0       // xi
	VANDPD    V_ABS, Y0, Y9        // t := math.Abs(xi)
	VMULPD    Y0, Y0, Y1           // hi := xi * xi
	VCMPPD    $0x11, V_EIGHT, Y9, Y10 // t < 8
	VCMPPD    $0x1e, V_H1500, Y1, Y11 // big: hi > 1500
	VORPD     Y10, Y11, Y12
	VMOVMSKPD Y12, R10
	CMPQ      R10, $15
	JNE       scalar

	// expHalfSquare(xi), with fastExp inside it, as below (where big, e is 0).
	VMOVAPD      Y1, Y2
	VFMSUB231PD  Y0, Y0, Y2        // lo := math.FMA(xi, xi, -hi)
	VMULPD       V_NEGHALF, Y1, Y3 // a := -0.5 * hi
	VMOVAPD      V_SHIFTER, Y4
	VFMADD231PD  V_INVLN264, Y3, Y4 // kf + shifter
	VSUBPD       V_SHIFTER, Y4, Y5 // kf
	VMOVAPD      Y3, Y6
	VFNMADD231PD V_LN2HI64, Y5, Y6 // r := math.FMA(-kf, ln2Hi64, a)
	VFNMADD231PD V_LN2LO64, Y5, Y6 // r = math.FMA(-kf, ln2Lo64, r)
	VPSUBQ       V_SHIFTER, Y4, Y4 // k := int64(kf): kf + shifter has the bits of the shifter plus k
	VMOVAPD      V_C24, Y7
	VFMADD231PD  V_C120, Y6, Y7    // p := math.FMA(r, 1.0/120, 1.0/24)
	VFMADD213PD  V_C6, Y6, Y7      // p = math.FMA(p, r, 1.0/6)
	VFMADD213PD  V_HALF, Y6, Y7    // p = math.FMA(p, r, 0.5)
	VFMADD213PD  V_ONE, Y6, Y7     // p = math.FMA(p, r, 1)
	VPAND        V_I63, Y4, Y8     // k&63
	VPCMPEQD     Y13, Y13, Y13
	VGATHERQPD   Y13, (R8)(Y8*8), Y14 // t := exp2Table[k&63]
	VMULPD       Y6, Y7, Y7        // p*r
	VFMADD213PD  Y14, Y14, Y7      // math.FMA(t, p*r, t)
	VPADDQ       V_I65472, Y4, Y4  // k + 1023·64 > 0 where t < 8 (k > −2^12)
	VPSRLQ       $6, Y4, Y4        // (k>>6) + 1023
	VPSLLQ       $52, Y4, Y4       // math.Float64frombits(uint64((k>>6)+1023)<<52)
	VMULPD       Y4, Y7, Y7        // ea
	VMULPD       V_HALF, Y2, Y2    // 0.5*lo
	VMULPD       Y7, Y2, Y2        // 0.5*lo*ea
	VSUBPD       Y2, Y7, Y6        // e = ea - 0.5*lo*ea
	VANDNPD      Y6, Y11, Y6       // e = 0 where big
	TESTQ        DX, DX
	JEQ          vmills
	VMOVUPD      Y6, (DX)(AX*8)    // ex[i] = e

vmills:
	// millsRatio(t)'s first branch (j clamped to 15 where big; those lanes are replaced).
	VADDPD      Y9, Y9, Y15        // 2 * t
	VCVTTPD2DQY Y15, X8            // j := int(2 * t)
	VPMINUD     V_I15, X8, X8
	VPADDD      X8, X8, X15        // 2*j
	VPADDD      X8, X15, X3
	VPSLLD      $2, X3, X3         // 12*j: c := &millsTable.near[j]
	VPADDD      V_I1, X15, X15
	VCVTDQ2PD   X15, Y15           // float64(2*j + 1)
	VMULPD      V_FOUR, Y9, Y12
	VSUBPD      Y15, Y12, Y12      // y := 4*t - float64(2*j+1)
	VMULPD      Y12, Y12, Y13      // y2 := y * y
	VMULPD      Y13, Y13, Y14      // y4 := y2 * y2
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 16(R9)(X3*8), Y1 // c[2]
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 24(R9)(X3*8), Y2 // c[3]
	VFMADD231PD Y2, Y12, Y1        // math.FMA(c[3], y, c[2])
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 0(R9)(X3*8), Y4 // c[0]
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 8(R9)(X3*8), Y2 // c[1]
	VFMADD231PD Y2, Y12, Y4        // math.FMA(c[1], y, c[0])
	VFMADD231PD Y13, Y1, Y4        // b0
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 48(R9)(X3*8), Y1 // c[6]
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 56(R9)(X3*8), Y2 // c[7]
	VFMADD231PD Y2, Y12, Y1        // math.FMA(c[7], y, c[6])
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 32(R9)(X3*8), Y5 // c[4]
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 40(R9)(X3*8), Y2 // c[5]
	VFMADD231PD Y2, Y12, Y5        // math.FMA(c[5], y, c[4])
	VFMADD231PD Y13, Y1, Y5        // b1
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 80(R9)(X3*8), Y1 // c[10]
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 88(R9)(X3*8), Y2 // c[11]
	VFMADD231PD Y2, Y12, Y1        // math.FMA(c[11], y, c[10])
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 64(R9)(X3*8), Y7 // c[8]
	VPCMPEQD    Y15, Y15, Y15
	VGATHERDPD  Y15, 72(R9)(X3*8), Y2 // c[9]
	VFMADD231PD Y2, Y12, Y7        // math.FMA(c[9], y, c[8])
	VFMADD231PD Y13, Y1, Y7        // b2
	VFMADD231PD Y14, Y7, Y5        // math.FMA(b2, y4, b1)
	VFMADD231PD Y14, Y5, Y4        // mr = math.FMA(…, y4, b0)

	// normCDFFromExp(xi, e); where big, above·1.
	VMULPD  Y4, Y6, Y1             // p := e * mr
	VXORPD  Y2, Y2, Y2
	VCMPPD  $0x11, Y0, Y2, Y2      // above: all ones where 0 < xi
	VADDPD  Y1, Y1, Y4             // 2*p
	VMOVAPD V_ONE, Y5
	VSUBPD  Y4, Y5, Y5             // 1 - 2*p
	VANDPD  Y2, Y5, Y5             // above*(1-2*p)
	VADDPD  Y5, Y1, Y1             // p + above*(1-2*p)
	VANDNPD Y1, Y11, Y1            // where big: 0 …
	VANDPD  V_ONE, Y2, Y4
	VANDPD  Y11, Y4, Y4
	VORPD   Y4, Y1, Y1             // … or 1 where above
	VMOVUPD Y1, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     vec

rest:
	MOVQ R10, CX // fewer than four left: the scalar code to the end

scalar:
	// One value at a time, up to CX.
	CMPQ AX, CX
	JGE  scalarEnd
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
	JMP         scalar

big:
	// t > 37 or NaN. Where hi = xi² > 1500, e is 0, p = e·mr is 0 (mr is finite) and
	// N(xi) is above·1; the rest is left to the caller.
	VXORPD X6, X6, X6
	VMULSD X0, X0, X1
	VMOVQ  X1, R10
	MOVQ   $0x4097700000000000, R11 // 1500
	CMPQ   R10, R11
	JLS    left                    // hi ≤ 1500: the caller's
	MOVQ   $0x7ff0000000000000, R11 // +Inf
	CMPQ   BX, R11
	JHI    left                    // NaN: the caller's
	VMOVSD ONE, X1
	VANDPD X5, X1, X1              // 1 or +0
	VMOVSD X1, (DI)(AX*8)
	TESTQ  DX, DX
	JEQ    next
	VMOVSD X6, (DX)(AX*8)          // ex[i] = 0

next:
	INCQ AX
	JMP  scalar

left:
	MOVB $1, left+32(FP)
	INCQ AX
	JMP  scalar

scalarEnd:
	CMPQ AX, n+24(FP)
	JLT  vec
	VZEROUPPER
	RET

// func fastExpsFMA(x, out *float64, n int)
//
// fastExps for −708 < x < 709, four values at a time (the scalar code of fastExp for the
// last few), one operation for each of fastExp's; other x give numbers the caller
// replaces.
TEXT ·fastExpsFMA(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ out+8(FP), DI
	MOVQ n+16(FP), CX
	LEAQ ·exp2Table(SB), R8
	XORQ AX, AX

evec:
	LEAQ         4(AX), R10
	CMPQ         R10, CX
	JGT          escalar
	VMOVUPD      (SI)(AX*8), Y3    // x
	VMOVAPD      V_SHIFTER, Y4
	VFMADD231PD  V_INVLN264, Y3, Y4 // kf + shifter
	VSUBPD       V_SHIFTER, Y4, Y5 // kf := math.FMA(x, invLn264, shifter) - shifter
	VMOVAPD      Y3, Y6
	VFNMADD231PD V_LN2HI64, Y5, Y6 // r := math.FMA(-kf, ln2Hi64, x)
	VFNMADD231PD V_LN2LO64, Y5, Y6 // r = math.FMA(-kf, ln2Lo64, r)
	VPSUBQ       V_SHIFTER, Y4, Y4 // k := int64(kf)
	VMOVAPD      V_C24, Y7
	VFMADD231PD  V_C120, Y6, Y7    // p := math.FMA(r, 1.0/120, 1.0/24)
	VFMADD213PD  V_C6, Y6, Y7      // p = math.FMA(p, r, 1.0/6)
	VFMADD213PD  V_HALF, Y6, Y7    // p = math.FMA(p, r, 0.5)
	VFMADD213PD  V_ONE, Y6, Y7     // p = math.FMA(p, r, 1)
	VPAND        V_I63, Y4, Y8     // k&63
	VPCMPEQD     Y13, Y13, Y13
	VGATHERQPD   Y13, (R8)(Y8*8), Y14 // t := exp2Table[k&63]
	VMULPD       Y6, Y7, Y7        // p*r
	VFMADD213PD  Y14, Y14, Y7      // math.FMA(t, p*r, t)
	VPADDQ       V_I65472, Y4, Y4  // k + 1023·64 > 0 where x > −708
	VPSRLQ       $6, Y4, Y4        // (k>>6) + 1023
	VPSLLQ       $52, Y4, Y4       // math.Float64frombits(uint64((k>>6)+1023)<<52)
	VMULPD       Y4, Y7, Y7
	VMOVUPD      Y7, (DI)(AX*8)
	MOVQ         R10, AX
	JMP          evec

escalar:
	CMPQ         AX, CX
	JGE          edone
	VMOVSD       (SI)(AX*8), X3    // x
	VMOVSD       SHIFTER, X4
	VFMADD231SD  INVLN264, X3, X4
	VSUBSD       SHIFTER, X4, X4   // kf
	VMOVAPD      X3, X6
	VFNMADD231SD LN2HI64, X4, X6
	VFNMADD231SD LN2LO64, X4, X6   // r
	VCVTTSD2SIQ  X4, R10           // k
	VMOVSD       C24, X7
	VFMADD231SD  C120, X6, X7
	VFMADD213SD  C6, X6, X7
	VFMADD213SD  HALF, X6, X7
	VFMADD213SD  ONE, X6, X7       // p
	MOVQ         R10, R11
	ANDQ         $63, R11
	VMOVSD       (R8)(R11*8), X8   // t
	VMULSD       X6, X7, X7
	VFMADD213SD  X8, X8, X7
	SARQ         $6, R10
	ADDQ         $1023, R10
	SHLQ         $52, R10
	VMOVQ        R10, X8
	VMULSD       X8, X7, X7
	VMOVSD       X7, (DI)(AX*8)
	INCQ         AX
	JMP          escalar

edone:
	VZEROUPPER
	RET

// func lnBAtPointsAVX(wt, h *float64, n, np4 int, lnX float64, out *float64)
TEXT ·lnBAtPointsAVX(SB), NOSPLIT, $0-48
	MOVQ         wt+0(FP), SI
	MOVQ         h+8(FP), BX
	MOVQ         n+16(FP), CX
	MOVQ         np4+24(FP), DX
	VBROADCASTSD lnX+32(FP), Y5
	MOVQ         out+40(FP), DI
	LEAQ         (DX*8), R9 // a row of wt, in bytes
	XORQ         AX, AX     // p

lpoint:
	CMPQ   AX, DX
	JGE    ldone
	VXORPD Y0, Y0, Y0       // hu := 0
	LEAQ   (SI)(AX*8), R10  // &wt[0·np4 + p]
	XORQ   R11, R11         // k

lnode:
	CMPQ         R11, CX
	JGE          lend
	VBROADCASTSD (BX)(R11*8), Y1 // h[k]
	VMULPD       (R10), Y1, Y1   // wk * h[k]
	VADDPD       Y1, Y0, Y0      // hu += …
	ADDQ         R9, R10
	INCQ         R11
	JMP          lnode

lend:
	VXORPD  Y2, Y2, Y2
	VCMPPD  $0x11, Y2, Y0, Y3 // hu < 0 (LT_OQ)
	VANDNPD Y0, Y3, Y0        // if hu < 0 { hu = 0 }
	VSQRTPD Y0, Y0
	VSUBPD  Y0, Y5, Y0        // lnX - math.Sqrt(hu)
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     lpoint

ldone:
	VZEROUPPER
	RET
