#!/usr/bin/env python3
"""Generate util/gsm_table.c from the GSM 03.38 table in tests/fixtures/gsm0338.csv.

Usage: scripts/gen-gsm-table.py [CSV] [OUT]   (defaults: the fixture, util/gsm_table.c)

Writes three read-only tables that util/gsm.c searches (declared in util/gsm_table.h):
  gsm_septets_low[256]  septets for U+0000..U+00FF (0: not in GSM-7), the fast path;
  gsm_septets[]         every GSM-7 code point with its septet count, sorted by code point;
  gsm_translit[]        for code points outside GSM-7, the plain GSM-7 text they fold to,
                        sorted by code point.
The transliterations come from two sources, both checked to produce GSM-7 only:
  - accented Latin letters and compatibility forms, derived from the Unicode decomposition
    (unicodedata): drop accents one at a time until the letter is in GSM-7, so a letter GSM
    lacks keeps what it can (u with diaeresis and acute -> u with diaeresis) and folds to its
    base letter otherwise (a-tilde -> a, c-cedilla -> c);
  - punctuation, spaces and symbols listed in PUNCT below, where decomposition gives nothing
    useful (curly quotes, dashes) or something wrong (spacing accents decompose to a space).
Python only, standard library only; the output depends on the CSV and unicodedata's version.
"""

import csv
import os
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSV_PATH = os.path.join(ROOT, "tests", "fixtures", "gsm0338.csv")
OUT_PATH = os.path.join(ROOT, "util", "gsm_table.c")

# Letters with no Unicode decomposition, folded the way a reader would spell them.
LETTERS = {
    0x00D0: "D", 0x00F0: "d", 0x00DE: "Th", 0x00FE: "th",
    0x0110: "D", 0x0111: "d", 0x0126: "H", 0x0127: "h", 0x0131: "i",
    0x0141: "L", 0x0142: "l", 0x0152: "OE", 0x0153: "oe", 0x0166: "T", 0x0167: "t",
    0x0180: "b", 0x0197: "I", 0x01B5: "Z", 0x01B6: "z", 0x0268: "i",
}

# Punctuation, spaces and symbols. "" means: drop (invisible characters that would only force
# UCS-2).
PUNCT = {
    0x0060: "'",                          # grave accent: ASCII, but not in GSM-7
    0x00A0: " ",                          # no-break space
    0x00A6: "|", 0x00A9: "(c)", 0x00AA: "a", 0x00AB: '"', 0x00AD: "", 0x00AE: "(R)",
    0x00B1: "+/-", 0x00B2: "2", 0x00B3: "3", 0x00B4: "'", 0x00B5: "u", 0x00B7: ".",
    0x00B9: "1", 0x00BA: "o", 0x00BB: '"', 0x00BC: "1/4", 0x00BD: "1/2", 0x00BE: "3/4",
    0x00D7: "x", 0x00F7: "/",
    0x02BC: "'", 0x02C6: "^", 0x02DC: "~",
    0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2014: "-", 0x2015: "-",
    0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'",
    0x201C: '"', 0x201D: '"', 0x201E: '"', 0x201F: '"',
    0x2022: "*", 0x2026: "...", 0x2032: "'", 0x2033: '"', 0x2039: "<", 0x203A: ">",
    0x200B: "", 0x2060: "", 0xFEFF: "",
    0x20A6: "NGN", 0x20B1: "PHP", 0x20B9: "INR",
    0x2122: "TM", 0x2190: "<-", 0x2192: "->", 0x2212: "-", 0x2248: "~", 0x2264: "<=",
    0x2265: ">=",
}
for _cp in list(range(0x2000, 0x200B)) + [0x202F, 0x205F, 0x3000]:
    PUNCT[_cp] = " "

# Where decomposition is tried: Latin letters, ligatures, full-width ASCII.
FOLD_RANGES = [(0x00C0, 0x024F), (0x1E00, 0x1EFF), (0xFB00, 0xFB06), (0xFF01, 0xFF5E)]


NAMES = {}  # code point -> name as the CSV gives it


def read_gsm(path):
    table = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            uni = row["unicode_hex"].strip()
            if not uni:  # the escape code itself has no character
                continue
            if not uni.startswith("U+"):
                sys.exit(f"{path}: bad unicode_hex {uni!r}")
            cp = int(uni[2:], 16)
            septets = int(row["septets"])
            if septets not in (1, 2) or cp in table:
                sys.exit(f"{path}: bad or duplicate row for {uni}")
            table[cp] = septets
            NAMES[cp] = row["unicode_name"].strip()
    return table


def fold(cp, gsm):
    """The GSM-7 text a Latin letter folds to, or None."""
    if cp in LETTERS:
        return LETTERS[cp]
    ch = chr(cp)
    if unicodedata.category(ch)[0] not in "LNPS":
        return None
    dec = unicodedata.normalize("NFKD", ch)
    base = [c for c in dec if not unicodedata.combining(c)]
    marks = [c for c in dec if unicodedata.combining(c)]
    if len(base) == 1:
        # Keep as many accents as GSM-7 has a letter for, dropping from the last.
        for k in range(len(marks), -1, -1):
            cand = unicodedata.normalize("NFC", base[0] + "".join(marks[:k]))
            if len(cand) == 1 and ord(cand) in gsm:
                return cand
        return None
    text = "".join(base)
    if text and all(ord(c) in gsm for c in text):
        return text
    return None


def build_translit(gsm):
    out = {}
    for lo, hi in FOLD_RANGES:
        for cp in range(lo, hi + 1):
            if cp in gsm:
                continue
            to = fold(cp, gsm)
            if to is not None and to != chr(cp):
                out[cp] = to
    for cp, to in PUNCT.items():
        if cp in gsm:
            sys.exit(f"PUNCT maps U+{cp:04X}, which is already in GSM-7")
        out[cp] = to
    for cp, to in out.items():
        for c in to:
            if ord(c) not in gsm or ord(c) < 0x20:
                sys.exit(f"U+{cp:04X} folds to {to!r}, which is not plain GSM-7")
    return out


def c_string(s):
    res = '"'
    for b in s.encode("utf-8"):
        if b in (0x22, 0x5C):
            res += "\\" + chr(b)
        elif 0x20 <= b < 0x7F:
            res += chr(b)
        else:
            res += f"\\{b:03o}"  # octal: at most three digits, so nothing after is eaten
    return res + '"'


def main():
    csv_path = sys.argv[1] if len(sys.argv) > 1 else CSV_PATH
    out_path = sys.argv[2] if len(sys.argv) > 2 else OUT_PATH
    gsm = read_gsm(csv_path)
    translit = build_translit(gsm)
    rel = os.path.relpath(os.path.abspath(csv_path), ROOT)

    lines = [
        "/*",
        " * gsm_table.c: GENERATED by scripts/gen-gsm-table.py from " + rel,
        f" * (GSM 03.38 default alphabet and extension table) and Python's unicodedata, Unicode",
        f" * {unicodedata.unidata_version}. Do not edit: change the CSV or the script and run it again.",
        " */",
        '#include "util/gsm_table.h"',
        "",
        "/* One row per line, as generated; clang-format would only realign the comments. */",
        "/* clang-format off */",
        "const unsigned char gsm_septets_low[256] = {",
    ]
    low = [gsm.get(cp, 0) for cp in range(256)]
    for i in range(0, 256, 16):
        lines.append("    " + ", ".join(str(v) for v in low[i:i + 16]) + f", /* U+{i:04X} */")
    lines.append("};")
    lines.append("")
    lines.append("const struct gsm_septet gsm_septets[] = {")
    for cp in sorted(gsm):
        lines.append(f"    {{0x{cp:04X}, {gsm[cp]}}}, /* {NAMES[cp]} */")
    lines.append("};")
    lines.append("const size_t gsm_septets_len = sizeof(gsm_septets) / sizeof(gsm_septets[0]);")
    lines.append("")
    lines.append("const struct gsm_fold gsm_translit[] = {")
    for cp in sorted(translit):
        name = unicodedata.name(chr(cp), "?")
        lines.append(f"    {{0x{cp:04X}, {c_string(translit[cp])}}}, /* {name} */")
    lines.append("};")
    lines.append("const size_t gsm_translit_len = sizeof(gsm_translit) / sizeof(gsm_translit[0]);")
    lines.append("/* clang-format on */")
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{out_path}: {len(gsm)} GSM-7 code points, {len(translit)} transliterations")


if __name__ == "__main__":
    main()
