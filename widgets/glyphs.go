package widgets

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/fontscan"
	"golang.org/x/image/vector"
)

// Ticking text (TickingText) is drawn from glyphs rasterised once and kept: a text that
// changes costs a few small copies, where a new string for Fyne's text costs shaping it
// twice (to measure and to draw) and rasterising every glyph again. Glyphs are kept per
// font, size and pixel scale, at four horizontal positions within a pixel, so the text is
// spaced as Fyne spaces it. A rune no font here has an outline for is not drawn here: the
// text then falls back to Fyne's.

// glyphPhases is how many horizontal positions within a pixel a glyph is rasterised at.
const glyphPhases = 4

// glyph is one rune's coverage, its top-left at (x, y) from the pen on the baseline.
type glyph struct {
	mask    *image.Alpha
	x, y    int
	advance float32 // pixels
}

type glyphKey struct {
	r     rune
	phase uint8
}

// glyphFace is a font at a text size and pixel scale, with its glyphs so far. A rune the
// font lacks (the minus sign "−" in Fyne's font) comes from a system font, as Fyne's text
// finds it; the baseline stays the theme font's, so a column's figures share one.
type glyphFace struct {
	primary  *font.Face
	family   string  // the family a rune the font lacks is looked for in
	size     float32 // Fyne's text size
	pixScale float32 // pixels a unit of Fyne's
	ascent   int     // pixels from the top of the line to the baseline, as Fyne draws text
	glyphs   map[glyphKey]*glyph
	runes    map[rune]*runeGlyph // nil: no font draws the rune here
}

// runeGlyph is the font that draws a rune, its glyph there and its advance in pixels.
type runeGlyph struct {
	face    *font.Face
	gid     font.GID
	advance float32
}

type faceKey struct {
	font           string
	size, pixScale float32
	monospace      bool
}

var (
	glyphsMu sync.Mutex
	fonts    = map[string]*font.Face{} // parsed fonts by resource name
	faces    = map[faceKey]*glyphFace{}
	system   *fontscan.FontMap // the system's fonts, for runes the theme's font lacks
	scanned  bool
)

// faceFor is res at text size size (Fyne's units) and pixScale pixels a unit, a monospace
// font or not; nil when the font cannot be read (under glyphsMu).
func faceFor(res fyne.Resource, size, pixScale float32, monospace bool) *glyphFace {
	if res == nil {
		return nil
	}
	k := faceKey{res.Name(), size, pixScale, monospace}
	if f, ok := faces[k]; ok {
		return f
	}
	ft, ok := fonts[res.Name()]
	if !ok {
		var err error
		if ft, err = font.ParseTTF(bytes.NewReader(res.Content())); err != nil {
			fyne.LogError("figure font", err)
		}
		fonts[res.Name()] = ft
	}
	if ft == nil {
		return nil
	}
	family := fontscan.SansSerif
	if monospace {
		family = fontscan.Monospace
	}
	f := &glyphFace{primary: ft, family: family, size: size, pixScale: pixScale, glyphs: map[glyphKey]*glyph{}, runes: map[rune]*runeGlyph{}}
	// Fyne shapes at the text size in 26.6 fixed point and scales the ascent to pixels,
	// rounding up: the baseline is there.
	if ext, ok := ft.FontHExtents(); ok {
		asc := math.Round(float64(ext.Ascender*size/float32(ft.Upem())) * 64)
		f.ascent = int(math.Ceil(asc / 64 * float64(pixScale)))
	}
	faces[k] = f
	return f
}

// systemFace is a system font of family that has r, or nil (under glyphsMu).
func systemFace(r rune, family string) *font.Face {
	if !scanned {
		scanned = true
		system = fontscan.NewFontMap(quietLog{})
		if err := system.UseSystemFonts(""); err != nil {
			system = nil
		}
	}
	if system == nil {
		return nil
	}
	system.SetQuery(fontscan.Query{Families: []string{family}})
	if f := system.ResolveFace(r); f != nil {
		if _, ok := f.NominalGlyph(r); ok {
			return f
		}
	}
	return nil
}

type quietLog struct{}

func (quietLog) Printf(string, ...any) {}

// rune is the font, glyph and advance of r, nil when no font draws it.
func (f *glyphFace) rune(r rune) *runeGlyph {
	if g, ok := f.runes[r]; ok {
		return g
	}
	var g *runeGlyph
	for _, face := range []*font.Face{f.primary, nil} {
		if face == nil {
			face = systemFace(r, f.family)
		}
		if face == nil {
			break
		}
		gid, ok := face.NominalGlyph(r)
		if _, outline := face.GlyphData(gid).(font.GlyphOutline); ok && outline {
			// Advances round as Fyne's shaping rounds them: 26.6 fixed point at the text size.
			units := float64(face.HorizontalAdvance(gid)) * float64(f.size) / float64(face.Upem())
			g = &runeGlyph{face: face, gid: gid, advance: float32(math.Round(units*64)/64) * f.pixScale}
			break
		}
	}
	f.runes[r] = g
	return g
}

// draws says whether every rune of s is drawn.
func (f *glyphFace) draws(s string) bool {
	for _, r := range s {
		if f.rune(r) == nil {
			return false
		}
	}
	return true
}

// glyph is r rasterised with the pen at phase/glyphPhases of a pixel (r is drawn: draws).
func (f *glyphFace) glyph(r rune, phase uint8) *glyph {
	k := glyphKey{r, phase}
	if g, ok := f.glyphs[k]; ok {
		return g
	}
	rg := f.rune(r)
	outline, _ := rg.face.GlyphData(rg.gid).(font.GlyphOutline)
	g := &glyph{advance: rg.advance, mask: image.NewAlpha(image.Rectangle{})}
	off := float32(phase) / glyphPhases
	scale := f.size * f.pixScale / float32(rg.face.Upem()) // pixels a font unit
	pt := func(p opentype.SegmentPoint) (float32, float32) { return p.X*scale + off, -p.Y * scale }
	minX, minY, maxX, maxY := float32(math.Inf(1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Inf(-1))
	for _, s := range outline.Segments {
		for _, a := range s.ArgsSlice() {
			x, y := pt(a)
			minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
		}
	}
	if minX > maxX { // a space: nothing to draw
		f.glyphs[k] = g
		return g
	}
	g.x, g.y = int(math.Floor(float64(minX))), int(math.Floor(float64(minY)))
	w, h := int(math.Ceil(float64(maxX)))-g.x, int(math.Ceil(float64(maxY)))-g.y
	z := vector.NewRasterizer(w, h)
	dx, dy := float32(g.x), float32(g.y)
	open := false
	for _, s := range outline.Segments {
		a := s.ArgsSlice()
		p := make([]float32, 0, 6)
		for _, q := range a {
			x, y := pt(q)
			p = append(p, x-dx, y-dy)
		}
		switch s.Op {
		case opentype.SegmentOpMoveTo:
			if open {
				z.ClosePath()
			}
			z.MoveTo(p[0], p[1])
			open = true
		case opentype.SegmentOpLineTo:
			z.LineTo(p[0], p[1])
		case opentype.SegmentOpQuadTo:
			z.QuadTo(p[0], p[1], p[2], p[3])
		case opentype.SegmentOpCubeTo:
			z.CubeTo(p[0], p[1], p[2], p[3], p[4], p[5])
		}
	}
	if open {
		z.ClosePath()
	}
	g.mask = image.NewAlpha(image.Rect(0, 0, w, h))
	z.Draw(g.mask, g.mask.Bounds(), image.Opaque, image.Point{})
	f.glyphs[k] = g
	return g
}

// width is the pixel width of s (every rune drawn: draws).
func (f *glyphFace) width(s string) float32 {
	w := float32(0)
	for _, r := range s {
		w += f.rune(r).advance
	}
	return w
}

// drawText draws s in col on dst with the pen starting x pixels from the left, on the
// line's baseline.
func (f *glyphFace) drawText(dst *image.RGBA, s string, x float32, col color.Color) {
	src := image.NewUniform(col)
	for _, r := range s {
		pen := float32(math.Floor(float64(x)))
		phase := uint8(math.Floor(float64((x-pen)*glyphPhases))) % glyphPhases
		g := f.glyph(r, phase)
		at := image.Pt(int(pen)+g.x, f.ascent+g.y)
		draw.DrawMask(dst, g.mask.Bounds().Add(at), src, image.Point{}, g.mask, image.Point{}, draw.Over)
		x += g.advance
	}
}
