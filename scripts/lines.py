#!/usr/bin/env python3
"""Line-level agreement of two PDFs of the same report.

For every word LibreOffice printed, is the same word on the same page at the
same height (same line) in otchet's PDF? Reads word boxes with poppler's
`pdftotext -bbox`; heights are compared after removing the constant offset
between the two files' font boxes. Usage: lines.py OURS.pdf THEIRS.pdf [-v]
Prints: "<words> words, <n> not on the same line".
"""
import collections
import re
import statistics
import subprocess
import sys

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def pages(pdf):
    xml = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    return [[(float(m[3]), m[4]) for m in WORD.findall(p)] for p in xml.split("<page ")[1:]]


def main():
    ours, theirs = pages(sys.argv[1]), pages(sys.argv[2])
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
