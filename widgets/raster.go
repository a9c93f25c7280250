package widgets

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"math"

	"github.com/golang/freetype/truetype"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// strokeChunk is the most points one stroke hands the rasterizer: a longer polyline is
// stroked as pieces of this many points, each starting where the last ended. Freetype's
// rasterizer keeps a list of cells per pixel row and walks it for every new cell, so one
// path crossing a row hundreds of times costs quadratically; pieces keep the lists short.
const strokeChunk = 256

// raster is a chart.Renderer that draws into an *image.RGBA it keeps, so a chart widget
// draws each frame into the same memory instead of encoding a PNG and decoding it again.
// It draws with go-chart's own rasterizer (drawing.RasterGraphicContext, on freetype's
// raster package) and its bundled font, so a chart looks as go-chart's PNG renderer draws
// it. Where it works differently the pixels stay the same: paths are recorded and handed
// over when stroked or filled, fully transparent paint is skipped, an opaque axis-aligned
// rectangle is set with image/draw, and text sizes are measured once per text, font and
// size. The one change to the pixels: a polyline longer than strokeChunk points is
// stroked in pieces, which repaints a few anti-aliased pixels where two pieces meet (at
// most 1 pixel in 1,000 of a chart, TestRasterDrawsAsGoChart).
//
// A raster is not safe for use by several goroutines at once.
type raster struct {
	img *image.RGBA
	gc  *drawing.RasterGraphicContext

	// The style go-chart set (it sets it before each drawing call).
	stroke, fill, text drawing.Color
	width              float64
	dash               []float64
	font               *truetype.Font
	fontSize           float64
	rotation           float64 // radians, when rotated
	rotated            bool

	path  drawing.Path // the path being built, drawn by Stroke, Fill or FillStroke
	piece drawing.Path // scratch path for one piece of a long stroke

	measured map[measureKey]chart.Box // text sizes, unrotated; kept across frames
}

// measureKey is what a text's measured size depends on.
type measureKey struct {
	font      *truetype.Font
	size, dpi float64
	text      string
}

// maxMeasured bounds the measured-text memo (axis labels change as the data moves).
const maxMeasured = 4096

// newRaster returns a raster drawing into a new width×height image.
func newRaster(width, height int) (*raster, error) {
	if width <= 0 || height <= 0 {
		return nil, fmt.Errorf("raster size %d×%d px is empty", width, height)
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	gc, err := drawing.NewRasterGraphicContext(img)
	if err != nil {
		return nil, err
	}
	return &raster{img: img, gc: gc, measured: map[measureKey]chart.Box{}}, nil
}

// fits says the raster draws width×height images.
func (r *raster) fits(width, height int) bool {
	return r.img.Rect.Dx() == width && r.img.Rect.Dy() == height
}

// begin makes the raster ready for a new frame: a transparent image, as a new one is, and
// no style or path left from the last frame.
func (r *raster) begin() {
	clear(r.img.Pix)
	r.path.Clear()
	r.ResetStyle()
	r.gc.SetLineDash(nil, 0)
}

// provider hands go-chart this raster for a chart of its size.
func (r *raster) provider() chart.RendererProvider {
	return func(width, height int) (chart.Renderer, error) {
		if !r.fits(width, height) {
			return nil, fmt.Errorf("chart of %d×%d px asked of a %d×%d raster", width, height, r.img.Rect.Dx(), r.img.Rect.Dy())
		}
		return r, nil
	}
}

// draw renders graph into the raster's image and returns it.
func (r *raster) draw(graph chart.Chart) (*image.RGBA, error) {
	if !r.fits(graph.Width, graph.Height) {
		return nil, fmt.Errorf("chart %q: %d×%d px asked of a %d×%d raster", graph.Title, graph.Width, graph.Height, r.img.Rect.Dx(), r.img.Rect.Dy())
	}
	r.begin()
	if err := graph.Render(r.provider(), io.Discard); err != nil {
		return nil, fmt.Errorf("chart %q: %w", graph.Title, err)
	}
	return r.img, nil
}

// ResetStyle forgets the colours, widths and rotation set, keeping the font.
func (r *raster) ResetStyle() {
	r.stroke, r.fill, r.text = drawing.Color{}, drawing.Color{}, drawing.Color{}
	r.width, r.dash, r.fontSize = 0, nil, 0
	r.ClearTextRotation()
}

// GetDPI is the resolution text sizes in points are turned into pixels at.
func (r *raster) GetDPI() float64 { return r.gc.GetDPI() }

// SetDPI sets the resolution of text.
func (r *raster) SetDPI(dpi float64) { r.gc.SetDPI(dpi) }

// SetClassName does nothing: a raster has no classes.
func (r *raster) SetClassName(string) {}

// SetStrokeColor sets the colour lines are stroked in.
func (r *raster) SetStrokeColor(c drawing.Color) { r.stroke = c }

// SetFillColor sets the colour shapes are filled with.
func (r *raster) SetFillColor(c drawing.Color) { r.fill = c }

// SetStrokeWidth sets the width of stroked lines, in pixels.
func (r *raster) SetStrokeWidth(width float64) { r.width = width }

// SetStrokeDashArray sets the dash pattern (on, off, … in pixels); nil strokes solid lines.
func (r *raster) SetStrokeDashArray(dash []float64) { r.dash = dash }

// MoveTo starts a new part of the path at (x, y).
func (r *raster) MoveTo(x, y int) { r.path.MoveTo(float64(x), float64(y)) }

// LineTo adds a straight line to (x, y).
func (r *raster) LineTo(x, y int) { r.path.LineTo(float64(x), float64(y)) }

// QuadCurveTo adds a quadratic Bézier curve through control point (cx, cy) to (x, y).
func (r *raster) QuadCurveTo(cx, cy, x, y int) {
	r.path.QuadCurveTo(float64(cx), float64(cy), float64(x), float64(y))
}

// ArcTo adds an elliptic arc around (cx, cy) from startAngle turning by delta (radians).
func (r *raster) ArcTo(cx, cy int, rx, ry, startAngle, delta float64) {
	r.path.ArcTo(float64(cx), float64(cy), rx, ry, startAngle, delta)
}

// Close joins the path back to where its part began.
func (r *raster) Close() { r.path.Close() }

// Circle adds a circle of radius around (x, y) as four quadratic curves through the
// points left, top, right and bottom of it, each pulled towards the corner of the square
// around the circle between them (go-chart's PNG renderer draws dots so too). It is drawn
// by the next Fill, Stroke or FillStroke.
func (r *raster) Circle(radius float64, x, y int) {
	cx, cy := float64(x), float64(y)
	r.path.MoveTo(cx-radius, cy)
	r.path.QuadCurveTo(cx-radius, cy-radius, cx, cy-radius)
	r.path.QuadCurveTo(cx+radius, cy-radius, cx+radius, cy)
	r.path.QuadCurveTo(cx+radius, cy+radius, cx, cy+radius)
	r.path.QuadCurveTo(cx-radius, cy+radius, cx-radius, cy)
}

// Stroke draws the path's outline in the stroke style and starts a new path.
func (r *raster) Stroke() {
	r.strokePath()
	r.path.Clear()
}

// Fill fills the path and starts a new path.
func (r *raster) Fill() {
	r.fillPath()
	r.path.Clear()
}

// FillStroke fills the path, strokes its outline over the fill and starts a new path.
func (r *raster) FillStroke() {
	r.fillPath()
	r.strokePath()
	r.path.Clear()
}

// fillPath fills the path (even-odd) in the fill colour. A fully transparent fill paints
// nothing and is skipped; an opaque axis-aligned rectangle (every background and box
// go-chart draws) is set with image/draw, which gives the same pixels: the rasterizer
// covers whole pixels fully inside edges on pixel boundaries and leaves the ones outside.
func (r *raster) fillPath() {
	if r.fill.A == 0 || r.path.IsEmpty() {
		return
	}
	if rect, ok := pathRect(&r.path); ok && r.fill.A == 255 {
		draw.Draw(r.img, rect, image.NewUniform(r.fill), image.Point{}, draw.Src)
		return
	}
	r.gc.SetFillColor(r.fill)
	r.gc.Fill(&r.path)
}

// strokePath strokes the path in the stroke colour, width and dashes, a long polyline in
// pieces of strokeChunk points with the dash pattern carried on from piece to piece. A
// fully transparent stroke paints nothing and is skipped.
func (r *raster) strokePath() {
	if r.stroke.A == 0 || r.path.IsEmpty() {
		return
	}
	r.gc.SetStrokeColor(r.stroke)
	r.gc.SetLineWidth(r.width)
	n, ok := polyline(&r.path)
	if !ok || n <= strokeChunk {
		r.gc.SetLineDash(r.dash, 0)
		r.gc.Stroke(&r.path)
		r.gc.SetLineDash(nil, 0)
		return
	}
	pts := r.path.Points
	var dashes dashState
	for first := 0; first < n-1; first += strokeChunk - 1 {
		last := min(first+strokeChunk-1, n-1)
		r.piece.Clear()
		r.piece.MoveTo(pts[2*first], pts[2*first+1])
		if len(r.dash) > 0 {
			r.gc.SetLineDash(r.dash, dashes.offset(r.dash))
		}
		for i := first + 1; i <= last; i++ {
			r.piece.LineTo(pts[2*i], pts[2*i+1])
			if len(r.dash) > 0 {
				dx, dy := pts[2*i]-pts[2*i-2], pts[2*i+1]-pts[2*i-1]
				dashes.along(r.dash, math.Sqrt(dx*dx+dy*dy))
			}
		}
		r.gc.Stroke(&r.piece)
	}
	r.gc.SetLineDash(nil, 0)
}

// dashState is where go-chart's dasher (drawing.DashVertexConverter) stands in the dash
// pattern: in dash number cur, dist into it. A piece of a long dashed stroke starts where
// the one before left the dasher, so the pieces dash as one stroke would. The dasher
// counts only the length since the last dash boundary it crossed within a segment (a
// segment crossing none restarts the count), and this follows its count, not the true
// length along the line, so the dashes fall exactly where one stroke puts them.
type dashState struct {
	cur  int
	dist float64
}

// along moves the state by one segment of length d, as the dasher's LineTo does.
func (s *dashState) along(dash []float64, d float64) {
	rest := dash[s.cur] - s.dist
	for rest < 0 {
		s.dist -= dash[s.cur]
		s.cur = (s.cur + 1) % len(dash)
		rest = dash[s.cur] - s.dist
	}
	for d >= rest {
		d -= rest
		s.cur = (s.cur + 1) % len(dash)
		rest = dash[s.cur]
	}
	s.dist = d
	if s.dist >= dash[s.cur] {
		s.dist -= dash[s.cur]
		s.cur = (s.cur + 1) % len(dash)
	}
}

// offset is the dash offset that starts the dasher in this state: the dashes before cur
// and the distance into it.
func (s dashState) offset(dash []float64) float64 {
	o := 0.0
	for _, d := range dash[:s.cur] {
		o += d
	}
	return o + s.dist
}

// polyline says whether p is one open polyline — a MoveTo followed only by LineTos — and
// how many points it has.
func polyline(p *drawing.Path) (int, bool) {
	c := p.Components
	if len(c) == 0 || c[0] != drawing.MoveToComponent {
		return 0, false
	}
	for _, k := range c[1:] {
		if k != drawing.LineToComponent {
			return 0, false
		}
	}
	return len(c), true
}

// pathRect says whether p is an axis-aligned rectangle — a MoveTo and three or four
// LineTos along its sides back towards the start, with or without a Close — and which.
func pathRect(p *drawing.Path) (image.Rectangle, bool) {
	c, pts := p.Components, p.Points
	n := len(c)
	if n > 0 && c[n-1] == drawing.CloseComponent {
		n--
	}
	if n != 4 && n != 5 {
		return image.Rectangle{}, false
	}
	if c[0] != drawing.MoveToComponent {
		return image.Rectangle{}, false
	}
	for _, k := range c[1:n] {
		if k != drawing.LineToComponent {
			return image.Rectangle{}, false
		}
	}
	if n == 5 && (pts[8] != pts[0] || pts[9] != pts[1]) {
		return image.Rectangle{}, false
	}
	// The four sides alternate horizontal and vertical, each of some length, and the
	// corners are on whole pixels (the Renderer's coordinates are integers).
	rect := image.Rectangle{Min: image.Pt(math.MaxInt, math.MaxInt), Max: image.Pt(math.MinInt, math.MinInt)}
	var horizontal [4]bool
	for i := range 4 {
		x0, y0 := pts[2*i], pts[2*i+1]
		j := (i + 1) % 4
		x1, y1 := pts[2*j], pts[2*j+1]
		if x0 != math.Trunc(x0) || y0 != math.Trunc(y0) || math.Abs(x0) > 1<<30 || math.Abs(y0) > 1<<30 {
			return image.Rectangle{}, false
		}
		switch {
		case y0 == y1 && x0 != x1:
			horizontal[i] = true
		case x0 == x1 && y0 != y1:
		default:
			return image.Rectangle{}, false
		}
		if i > 0 && horizontal[i] == horizontal[i-1] {
			return image.Rectangle{}, false
		}
		rect.Min.X, rect.Min.Y = min(rect.Min.X, int(x0)), min(rect.Min.Y, int(y0))
		rect.Max.X, rect.Max.Y = max(rect.Max.X, int(x0)), max(rect.Max.Y, int(y0))
	}
	return rect, true
}

// SetFont sets the font of text.
func (r *raster) SetFont(f *truetype.Font) { r.font = f }

// SetFontColor sets the colour of text.
func (r *raster) SetFontColor(c drawing.Color) { r.text = c }

// SetFontSize sets the size of text, in points.
func (r *raster) SetFontSize(size float64) { r.fontSize = size }

// Text draws body with its baseline starting at (x, y), turned about that point by the
// text rotation when one is set. Fully transparent text paints nothing and is skipped.
func (r *raster) Text(body string, x, y int) {
	if r.text.A == 0 || body == "" || r.font == nil {
		return
	}
	r.gc.SetFont(r.font)
	r.gc.SetFontSize(r.fontSize)
	r.gc.SetFillColor(r.text)
	fx, fy := float64(x), float64(y)
	if r.rotated {
		// The glyphs are laid out at the origin of a frame moved to (x, y) and turned.
		tr := drawing.NewIdentityMatrix()
		tr.Translate(fx, fy)
		tr.Rotate(r.rotation)
		r.gc.SetMatrixTransform(tr)
		fx, fy = 0, 0
	}
	// A glyph the font cannot load ends the text there; what was laid out is drawn.
	_, _ = r.gc.CreateStringPath(body, fx, fy)
	r.gc.Fill()
	if r.rotated {
		r.gc.SetMatrixTransform(drawing.NewIdentityMatrix())
	}
}

// MeasureText is the size of body's box in pixels in the current font, size and rotation,
// from the outline points of its glyphs: as wide as from the pen's start to the right-most
// point plus any overhang left of it, as tall as the glyphs reach above and below the
// baseline together.
func (r *raster) MeasureText(body string) chart.Box {
	key := measureKey{r.font, r.fontSize, r.gc.GetDPI(), body}
	box, ok := r.measured[key]
	if !ok {
		if r.font == nil {
			return chart.Box{}
		}
		r.gc.SetFont(r.font)
		r.gc.SetFontSize(r.fontSize)
		left, top, right, bottom, err := r.gc.GetStringBounds(body)
		if err != nil {
			return chart.Box{}
		}
		box = chart.Box{Right: int(math.Ceil(right + math.Abs(left))), Bottom: int(math.Ceil(bottom + math.Abs(top)))}
		if len(r.measured) >= maxMeasured {
			clear(r.measured)
		}
		r.measured[key] = box
	}
	if r.rotated {
		return box.Corners().Rotate(chart.RadiansToDegrees(r.rotation)).Box()
	}
	return box
}

// SetTextRotation turns the text drawn from now on by radians about its start point.
func (r *raster) SetTextRotation(radians float64) { r.rotation, r.rotated = radians, true }

// ClearTextRotation draws text level again.
func (r *raster) ClearTextRotation() { r.rotation, r.rotated = 0, false }

// Save hands the image to w when it collects images (chart.RGBACollector) and writes it
// as a PNG otherwise. The widgets take the image from draw instead.
func (r *raster) Save(w io.Writer) error {
	if c, ok := w.(chart.RGBACollector); ok {
		c.SetRGBA(r.img)
		return nil
	}
	if w == io.Discard {
		return nil
	}
	if w == nil {
		return errors.New("no writer to save the chart to")
	}
	return png.Encode(w, r.img)
}

// drawNew draws graph into a new image of its size.
func drawNew(graph chart.Chart) (image.Image, error) {
	r, err := newRaster(graph.Width, graph.Height)
	if err != nil {
		return nil, err
	}
	img, err := r.draw(graph)
	if err != nil {
		return nil, err
	}
	return img, nil
}

// drawInto draws the chart build makes for dst's size into dst's image.
func drawInto(dst *raster, build func(width, height int) (chart.Chart, error)) (image.Image, error) {
	graph, err := build(dst.img.Rect.Dx(), dst.img.Rect.Dy())
	if err != nil {
		return nil, err
	}
	img, err := dst.draw(graph)
	if err != nil {
		return nil, err
	}
	return img, nil
}
