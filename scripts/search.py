#!/usr/bin/env python3
"""Phrase and word search in a rendered PDF, per text extractor: how an
archive's search would find the report's text.

    python3 scripts/search.py REPORT.pdf REPORT.docx [PHRASE]

The DOCX (otchet's, same data) gives the printed text: its words and how
often the phrase (default «и Администрацией», typed with a plain space) is
printed. For each extractor: the phrase found N of M times, and the share of
the printed word occurrences found whole (a word split by a line-end hyphen
is whole only for extractors that use the PDF's ActualText). Extractors that
are not installed are reported as missing. Exit 1 when an installed
extractor reading in content order (not Ghostscript's txtwrite, which lays
the columns side by side) finds the phrase fewer times than it is printed (counting the
occurrences split by a line-end hyphen, which such an extractor cannot join).
"""
import collections
import re
import subprocess
import sys
import tempfile
import zipfile

WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+(?:-[0-9A-Za-zА-Яа-яЁё]+)*")


def docx_text(path):
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    paras = []
    for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S):
        paras.append("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)))
    text = "\n".join(paras)
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(a, b)
    return text.replace("\u00a0", " ").replace("\u00ad", "")


def extract(name, pdf):
    if name == "pypdf":
        import pypdf
        return "\n".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    if name == "pdfminer.six":
        from pdfminer.high_level import extract_text
        return extract_text(pdf)
    if name == "PyMuPDF":
        import pymupdf
        return "\n".join(p.get_text() for p in pymupdf.open(pdf))
    if name == "poppler":
        return subprocess.run(["pdftotext", pdf, "-"], capture_output=True, check=True, text=True).stdout
    if name == "Ghostscript":
        with tempfile.NamedTemporaryFile(suffix=".txt") as f:
            subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=txtwrite", f"-sOutputFile={f.name}", pdf],
                           capture_output=True, check=True)
            return open(f.name, encoding="utf-8", errors="replace").read()
    raise ValueError(name)


def words(text):
    return collections.Counter(w.lower() for w in WORD.findall(text))


def main():
    pdf, docx = sys.argv[1], sys.argv[2]
    phrase = sys.argv[3] if len(sys.argv) > 3 else "и Администрацией"
    printed = docx_text(docx)
    want_phrase = printed.count(phrase)
    want = words(printed)
    total = sum(want.values())
    short = False
    for name in ("pypdf", "pdfminer.six", "PyMuPDF", "poppler", "Ghostscript"):
        try:
            text = extract(name, pdf)
        except (ImportError, FileNotFoundError, subprocess.CalledProcessError) as e:
            print(f"{name}: missing ({type(e).__name__})")
            continue
        found = text.count(phrase)
        # Occurrences whose last word is split by a line-end hyphen: whole
        # only for extractors that read the PDF's ActualText.
        joined = re.sub(r"-\s*\n\s*", "", text).count(phrase)
        got = words(text)
        whole = sum(min(n, got[w]) for w, n in want.items())
        nbsp = text.count("\u00a0")
        print(f"{name}: phrase «{phrase}» {found} of {want_phrase} (+{max(joined - found, 0)} split by a line-end "
              f"hyphen); words whole {whole} of {total} ({100 * whole / total:.1f} %); no-break spaces in the text: {nbsp}")
        # Ghostscript's txtwrite lays columns side by side on each line (a
        # hyphenated word's halves are not adjacent): reported only.
        short |= name != "Ghostscript" and max(found, joined) < want_phrase
    sys.exit(1 if short else 0)


main()
