#!/usr/bin/env python3
"""Writes the machine-readable Debian copyright file (DEP-5) of what the
otchet binary contains, to standard output: every Rust crate linked into it
with its licence as cargo-deny determines it (`cargo deny list`, the shipped
graph of deny.toml: no dev-dependencies) and its authors (`cargo metadata`),
and the bundled fonts, hyphenation patterns and colour profile from their
own copyright files. Nothing in it is written by hand.

Usage: python3 scripts/copyright.py > target/package-assets/copyright
"""

import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args):
    return subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def paragraphs(text):
    """DEP-5 paragraphs as lists of (field, value) (continuation lines kept)."""
    out, cur, field = [], [], None
    for line in text.splitlines():
        if not line.strip():
            if cur:
                out.append(cur)
            cur, field = [], None
            continue
        if line[0] in " \t" and cur:
            cur[-1] = (cur[-1][0], cur[-1][1] + "\n" + line)
            continue
        m = re.match(r"^([A-Za-z-]+):\s?(.*)$", line)
        if m:
            cur.append((m.group(1), m.group(2)))
        elif cur:
            cur[-1] = (cur[-1][0], cur[-1][1] + "\n " + line)
    if cur:
        out.append(cur)
    return out


def field(p, name):
    for k, v in p:
        if k.lower() == name.lower():
            return v
    return None


def spdx_to_debian(expr):
    e = expr.replace("/", " OR ")
    e = re.sub(r"\bOR\b", "or", e)
    e = re.sub(r"\bAND\b", "and", e)
    e = re.sub(r"\bWITH\b", "with", e)
    return " ".join(e.split())


LICENSE_TEXTS = {
    "MIT": """Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.""",
    "Apache-2.0": """Licensed under the Apache License, Version 2.0 (the "License"); you may not
use this file except in compliance with the License. You may obtain a copy of
the License at https://www.apache.org/licenses/LICENSE-2.0
On Debian systems, the complete text of the Apache License 2.0 can be found
in /usr/share/common-licenses/Apache-2.0.""",
    "Apache-2.0 with LLVM-exception": """The Apache License 2.0 (see Apache-2.0) with the LLVM exception: as an
exception, if, as a result of compiling your source code, portions of this
Software are embedded into an Object form of such source code, you may
redistribute such embedded portions in such Object form without complying
with the conditions of Sections 4(a), 4(b) and 4(d) of the License.""",
    "BSD-3-Clause": """Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:
1. Redistributions of source code must retain the above copyright notice,
   this list of conditions and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.
3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from this
   software without specific prior written permission.
THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES ARE DISCLAIMED. IN NO EVENT SHALL THE
COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DAMAGES ARISING IN ANY WAY
OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH
DAMAGE.""",
    "Zlib": """This software is provided 'as-is', without any express or implied warranty.
In no event will the authors be held liable for any damages arising from the
use of this software. Permission is granted to anyone to use this software
for any purpose, including commercial applications, and to alter it and
redistribute it freely, subject to the following restrictions:
1. The origin of this software must not be misrepresented; you must not
   claim that you wrote the original software. If you use this software in a
   product, an acknowledgment in the product documentation would be
   appreciated but is not required.
2. Altered source versions must be plainly marked as such, and must not be
   misrepresented as being the original software.
3. This notice may not be removed or altered from any source distribution.""",
    "0BSD": """Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted.
THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES.""",
    "Unlicense": """This is free and unencumbered software released into the public domain.
Anyone is free to copy, modify, publish, use, compile, sell, or distribute
this software, either in source code form or as a compiled binary, for any
purpose, commercial or non-commercial, and by any means.""",
    "ISC": """Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.
THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY
SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN ACTION
OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR IN
CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.""",
    "Unicode-3.0": """UNICODE LICENSE V3. Permission is hereby granted, free of charge, to any
person obtaining a copy of data files and any associated documentation (the
"Data Files") or software and any associated documentation (the "Software")
to deal in the Data Files or Software without restriction, provided that
this copyright and permission notice appear with all copies.
On the web: https://www.unicode.org/license.txt""",
}


def block(text):
    return "\n".join(" " + (line if line.strip() else ".") for line in text.splitlines())


def main():
    listed = json.loads(run("cargo", "deny", "list", "-f", "json", "-l", "crate"))
    meta = json.loads(run("cargo", "metadata", "--format-version", "1", "--locked"))
    packages = {(p["name"], p["version"]): p for p in meta["packages"]}
    version = next(p["version"] for p in meta["packages"] if p["name"] == "otchet")

    out = [
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
        "Upstream-Name: otchet",
        "Upstream-Contact: otchet developers <otchet@localhost>",
        "Comment: Generated by scripts/copyright.py for otchet " + version + " from `cargo deny list`",
        " (each crate's licence as cargo-deny determines it; deny.toml allows permissive licences only)",
        " and `cargo metadata` (authors). /usr/bin/otchet is one statically linked program: the Rust",
        " crates listed under vendor/rust/ are compiled into it; the fonts, hyphenation patterns and",
        " colour profile are embedded in it.",
        "",
        "Files: *",
        "Copyright: 2026 otchet developers",
        "License: MIT",
    ]
    used = {"MIT"}
    for key in sorted(listed, key=lambda k: k.lower()):
        name, ver = key.split()[:2]
        if name == "otchet":
            continue
        p = packages.get((name, ver), {})
        authors = [re.sub(r"\s+", " ", a) for a in p.get("authors") or []] or [f"the {name} developers"]
        expr = p.get("license") or " OR ".join(listed[key]["licenses"])
        lic = spdx_to_debian(expr)
        for part in re.split(r"\s+(?:or|and)\s+|[()]", lic):
            part = part.strip()
            if part:
                used.add(part)
        out += ["", f"Files: vendor/rust/{name}-{ver}/*",
                "Copyright: " + "\n ".join(authors), f"License: {lic}"]

    # The bundled data, from their own copyright files (DEP-5 each).
    assets = [
        ("fonts/LiberationSerif-*.ttf", "fonts/LICENSE-LiberationSerif.txt"),
        ("fonts/DejaVuSans*.ttf", "fonts/DejaVu-LICENSE"),
        ("hyphenation/hyph_ru_RU.dic", "hyphenation/COPYRIGHT"),
        ("color/sRGB.icc", "color/COPYRIGHT"),
    ]
    standalone = []
    for files, source in assets:
        text = open(os.path.join(ROOT, source), encoding="utf-8").read()
        ps = paragraphs(text)
        main_p = next((p for p in ps if field(p, "Files") and ("*" in field(p, "Files") or "sRGB" in field(p, "Files"))
                       and field(p, "Copyright")), None)
        if main_p is None:
            sys.exit(f"copyright.py: no Files/Copyright paragraph in {source}")
        if source.startswith("color/"):
            main_p = next(p for p in ps if field(p, "Files") and "sRGB.icc" in field(p, "Files"))
        lic_field = field(main_p, "License")
        lic = lic_field.splitlines()[0].strip()
        copyright_lines = [l.strip() for l in field(main_p, "Copyright").strip().splitlines() if l.strip()]
        out += ["", f"Files: {files}", "Copyright: " + "\n ".join(copyright_lines),
                "License: " + lic_field.rstrip(), f"Comment: from {source} (installed beside this file)"]
        if len(lic_field.splitlines()) == 1 and lic not in LICENSE_TEXTS:
            # The text is a paragraph of its own in that file.
            for p in ps:
                if field(p, "License") and not field(p, "Files"):
                    name = field(p, "License").splitlines()[0].strip()
                    if name == lic and name not in [s[0] for s in standalone]:
                        standalone.append((name, field(p, "License")))
        elif len(lic_field.splitlines()) == 1:
            used.add(lic)

    for name in sorted(used):
        if name in LICENSE_TEXTS:
            out += ["", f"License: {name}", block(LICENSE_TEXTS[name])]
        elif name not in [s[0] for s in standalone]:
            sys.exit(f"copyright.py: no text for licence {name!r}: add it to LICENSE_TEXTS")
    for name, value in standalone:
        out += ["", "License: " + value.rstrip()]
    print("\n".join(out))


main()
