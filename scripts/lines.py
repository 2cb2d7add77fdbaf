#!/usr/bin/env python3
"""Line-level agreement of two PDFs of the same report.

For every word LibreOffice printed, is the same word on the same page at the
same height (same line) in otchet's PDF? Reads word boxes with poppler's
`pdftotext -bbox`; heights are compared after removing the constant offset
between the two files' font boxes. Our PDF names each word split over lines
whole (ActualText) where it starts; the comparison is of glyph positions, so
that is taken out of a copy first (qpdf), and both files show the halves.
Usage: lines.py OURS.pdf THEIRS.pdf [-v]
Prints: "<words> words, <n> not on the same line".
"""
import collections
import os
import re
import statistics
import subprocess
import sys
import tempfile

# qpdf writes the strings as hex in QDF form; ours are literal.
ACTUAL_TEXT = re.compile(rb"/Span\s*<<\s*/ActualText\s*(?:<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))\s*>>\s*BDC")


def glyphs_only(pdf, tmp):
    """A copy of `pdf` whose ActualText spans are plain spans."""
    qdf = os.path.join(tmp, "in.qdf")
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf], check=True)
    with open(qdf, "rb") as f:
        data = ACTUAL_TEXT.sub(b"/Span<<>>BDC", f.read())
    with open(qdf, "wb") as f:
        f.write(data)
    out = os.path.join(tmp, "plain.pdf")
    with open(out, "wb") as f:
        subprocess.run(["fix-qdf", qdf], check=True, stdout=f)
    return out

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def pages(pdf):
    xml = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    return [[(float(m[3]), m[4]) for m in WORD.findall(p)] for p in xml.split("<page ")[1:]]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        ours = pages(glyphs_only(sys.argv[1], tmp))
    theirs = pages(sys.argv[2])
    # Offset between the files: words that occur once on a page in both.
    offsets = []
    for a, b in zip(ours, theirs):
        ca, cb = collections.Counter(t for _, t in a), collections.Counter(t for _, t in b)
        ya = {t: y for y, t in a if ca[t] == 1}
        yb = {t: y for y, t in b if cb[t] == 1}
        offsets += [yb[t] - ya[t] for t in ya if t in yb]
    offset = statistics.median(offsets) if offsets else 0.0
    total = missing = 0
    for n, (a, b) in enumerate(zip(ours, theirs), 1):
        pool = collections.defaultdict(list)
        for y, t in a:
            pool[t].append(y + offset)
        bad = []
        for y, t in b:
            total += 1
            near = [v for v in pool[t] if abs(v - y) < 1.0]
            if near:
                pool[t].remove(near[0])
            else:
                bad.append(t)
        missing += len(bad)
        if bad and "-v" in sys.argv:
            print(f"  page {n}: {' '.join(bad[:12])}")
    print(f"{total} words, {missing} not on the same line")


if __name__ == "__main__":
    main()
