"""The words of a DOCX as a reader sees them, with its tracked changes
accepted or rejected — shared by the browser tests."""

import re
import zipfile


def docx_words(docx_bytes, accept=None):
    """The words of a DOCX's body as a reader sees them (soft hyphens are
    invisible); with tracked changes, after accepting (True) or rejecting
    (False) every one."""
    xml = zipfile.ZipFile(__import__("io").BytesIO(docx_bytes)).read("word/document.xml").decode()
    # Soft hyphens (Word's elements, between the text of a word) join it.
    xml = re.sub(r"</w:t>(?:<w:softHyphen/>)+<w:t(?: [^>]*)?>", "", xml)
    out = []
    for row in re.findall(r"<w:tr>.*?</w:tr>|<w:p>.*?</w:p>|<w:p .*?</w:p>", xml, re.S):
        if accept is not None:
            trpr = re.search(r"<w:trPr>.*?</w:trPr>", row, re.S)
            if trpr and ("<w:del " in trpr.group(0)) and accept:
                continue
            if trpr and ("<w:ins " in trpr.group(0)) and not accept:
                continue
            if accept:
                row = re.sub(r"<w:del .*?</w:del>", "", row, flags=re.S)
            else:
                row = re.sub(r"<w:ins (?:(?!/>).)*?>.*?</w:ins>", "", row, flags=re.S)
                row = row.replace("w:delText", "w:t")
        out.extend(" ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", row)).split())
    return " ".join(out).replace("\u00a0", " ").replace("\u00ad", "").split()


def authors(docx_bytes):
    """The authors of the tracked changes, as Word lists them."""
    xml = zipfile.ZipFile(__import__("io").BytesIO(docx_bytes)).read("word/document.xml").decode()
    return set(re.findall(r'w:author="([^"]*)"', xml))
