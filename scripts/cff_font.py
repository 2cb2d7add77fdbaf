#!/usr/bin/env python3
"""Makes an OpenType font with CFF outlines (an .otf, as PT Astra Serif is)
from a TrueType font, for the CI check that otchet embeds CFF faces as
FontFile3 under CIDFontType0. Usage: cff_font.py IN.ttf OUT.otf
(needs fontTools)."""

import sys

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont

src = TTFont(sys.argv[1])
glyphs = src.getGlyphSet()
order = src.getGlyphOrder()
charstrings = {}
for name in order:
    pen = T2CharStringPen(glyphs[name].width, glyphs)
    glyphs[name].draw(pen)
    charstrings[name] = pen.getCharString()
names = src["name"]
family = names.getDebugName(1) + " CFF"
ps = names.getDebugName(6) + "CFF"
fb = FontBuilder(src["head"].unitsPerEm, isTTF=False)
fb.setupGlyphOrder(order)
fb.setupCharacterMap(src.getBestCmap())
fb.setupCFF(ps, {"FullName": family}, charstrings, {})
fb.setupHorizontalMetrics({n: src["hmtx"][n] for n in order})
hhea = src["hhea"]
fb.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
fb.setupNameTable({"familyName": family, "styleName": names.getDebugName(2), "psName": ps})
os2 = src["OS/2"]
fb.setupOS2(
    sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender, sTypoLineGap=os2.sTypoLineGap,
    usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent, sxHeight=getattr(os2, "sxHeight", 0),
    sCapHeight=getattr(os2, "sCapHeight", 0), usWeightClass=os2.usWeightClass, fsType=0,
)
fb.setupPost()
fb.save(sys.argv[2])
