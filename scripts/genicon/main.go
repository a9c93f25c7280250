// Command genicon draws Keel's application icon, assets/icon.png: a white sailing hull with a
// teal keel fin and bulb under the waterline, on a navy rounded square. It was run once; the PNG is what the app
// embeds. Run it again with `go run ./scripts/genicon assets/icon.png` after changing a shape.
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

const size = 512

// samples is the supersampling grid per pixel edge (samples² points per pixel) used for
// anti-aliased edges.
const samples = 4

type shape struct {
	inside func(x, y float64) bool
	paint  func(x, y float64) color.NRGBA
}

func main() {
	out := "assets/icon.png"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	if err := write(out); err != nil {
		fmt.Fprintln(os.Stderr, "genicon:", err)
		os.Exit(1)
	}
}

func write(path string) error {
	img := draw()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func solid(c color.NRGBA) func(x, y float64) color.NRGBA {
	return func(float64, float64) color.NRGBA { return c }
}

func draw() *image.NRGBA {
	navyTop := color.NRGBA{0x12, 0x2B, 0x4A, 0xFF}
	navyBottom := color.NRGBA{0x0B, 0x3D, 0x52, 0xFF}
	hull := color.NRGBA{0xEE, 0xF4, 0xF7, 0xFF}
	teal := color.NRGBA{0x2C, 0xC4, 0xB0, 0xFF}
	water := color.NRGBA{0x15, 0x55, 0x6B, 0xFF}
	sail := color.NRGBA{0xB9, 0xE6, 0xE0, 0xFF}

	shapes := []shape{
		{ // background: a rounded square, sky navy above the waterline, deep teal below
			inside: func(x, y float64) bool { return roundedRect(x, y, 16, 16, 496, 496, 104) },
			paint: func(_, y float64) color.NRGBA {
				if y < 262 {
					return mix(navyTop, navyBottom, y/262)
				}
				return mix(water, navyBottom, (y-262)/234)
			},
		},
		{ // mainsail: a right triangle aft of the mast
			inside: func(x, y float64) bool {
				if y < 84 || y > 214 || x < 252 {
					return false
				}
				return x <= 252+(y-84)*(128.0/130)
			},
			paint: solid(hull),
		},
		{ // jib: a smaller triangle ahead of the mast
			inside: func(x, y float64) bool {
				if y < 112 || y > 214 || x > 240 {
					return false
				}
				return x >= 240-(y-112)*(92.0/102)
			},
			paint: solid(sail),
		},
		{ // hull, side view: a straight deck, a long shallow bottom rising to bow and stern
			inside: func(x, y float64) bool {
				if y < 226 || x < 88 || x > 440 {
					return false
				}
				t := (x - 88) / 352
				depth := 62 * math.Pow(math.Sin(math.Pi*t), 0.7)
				return y <= 226+depth
			},
			paint: solid(hull),
		},
		{ // keel fin: a trapezoid swept aft, from the hull down to the bulb
			inside: func(x, y float64) bool {
				if y < 280 || y > 408 {
					return false
				}
				t := (y - 280) / 128
				left := 236 + 26*t
				right := 284 + 8*t
				return x >= left && x <= right
			},
			paint: solid(teal),
		},
		{ // keel bulb
			inside: func(x, y float64) bool {
				dx, dy := (x-276)/62, (y-410)/20
				return dx*dx+dy*dy <= 1
			},
			paint: solid(teal),
		},
	}

	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < samples; sy++ {
				for sx := 0; sx < samples; sx++ {
					x := float64(px) + (float64(sx)+0.5)/samples
					y := float64(py) + (float64(sy)+0.5)/samples
					// the topmost shape containing the sample paints it
					for i := len(shapes) - 1; i >= 0; i-- {
						if shapes[i].inside(x, y) {
							c := shapes[i].paint(x, y)
							r += float64(c.R)
							g += float64(c.G)
							b += float64(c.B)
							a += 255
							break
						}
					}
				}
			}
			if a == 0 {
				continue
			}
			n := float64(samples * samples)
			cov := a / 255 // samples covered
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / cov)),
				G: uint8(math.Round(g / cov)),
				B: uint8(math.Round(b / cov)),
				A: uint8(math.Round(a / n)),
			})
		}
	}
	return img
}

// roundedRect reports whether (x, y) is inside the rectangle (x0, y0)–(x1, y1) with corners
// rounded to radius rad.
func roundedRect(x, y, x0, y0, x1, y1, rad float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := math.Min(math.Max(x, x0+rad), x1-rad)
	cy := math.Min(math.Max(y, y0+rad), y1-rad)
	dx, dy := x-cx, y-cy
	return dx*dx+dy*dy <= rad*rad
}

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	t = math.Min(math.Max(t, 0), 1)
	l := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + (float64(q)-float64(p))*t)) }
	return color.NRGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xFF}
}
