#!/usr/bin/env python3
"""How many times a phrase is printed in a table column of a PDF (text read
by poppler's pdftotext -bbox, words of the column in reading order, spaces
and hyphens ignored). Used by agreement.sh on the `tall-group` case: every
agreement there repeats its title twelve times, and LibreOffice's print of
a merged cell taller than its rows loses part of the text.

    python3 scripts/merged_text.py FILE.pdf PHRASE [X_MIN X_MAX]
"""
import re
import subprocess
import sys

pdf, phrase = sys.argv[1], sys.argv[2]
x_min, x_max = (float(sys.argv[3]), float(sys.argv[4])) if len(sys.argv) > 4 else (75.0, 205.0)
pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout).group(1))
words = []
for p in range(1, pages + 1):
    html = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), "-bbox", pdf, "-"],
                          capture_output=True, text=True, check=True).stdout
    found = [(float(y), float(x), w) for x, y, w in
             re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<', html)]
    # Below the header row (the column's title is not the column's text).
    words.extend(w for y, x, w in sorted(found) if x_min <= x < x_max and y > 145)
squash = lambda s: re.sub(r"[\s\-\u00ad]", "", s)
print(squash("".join(words)).count(squash(phrase)))
