# Builds the default site mark: the letter خ (Noto Naskh Arabic Bold, OFL) in white on a
# rounded square of the theme's accent colour, as an SVG path (no font needed to draw it).
from fontTools.ttLib import TTFont
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.boundsPen import BoundsPen
f = TTFont('/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf')
cmap = f.getBestCmap()
name = cmap[0x062E]
gs = f.getGlyphSet()
bp = BoundsPen(gs); gs[name].draw(bp)
xmin, ymin, xmax, ymax = bp.bounds
pen = SVGPathPen(gs); gs[name].draw(pen)
d = pen.getCommands()
w, h = xmax - xmin, ymax - ymin
size = 512
target = 300  # the glyph's larger side, inside a 512 square
s = target / max(w, h)
tx = (size - w * s) / 2 - xmin * s
ty = (size + h * s) / 2 + ymin * s  # y flipped
svg = f'''<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">
<rect width="512" height="512" rx="112" fill="#a5282c"/>
<path fill="#fff" transform="translate({tx:.1f} {ty:.1f}) scale({s:.4f} {-s:.4f})" d="{d}"/>
</svg>
'''
open('icon.svg', 'w').write(svg)
print(len(svg), w, h)
