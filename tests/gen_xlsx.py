#!/usr/bin/env python3
"""Writes Excel workbooks (.xlsx) shaped like the World Bank's RPW dataset, with the standard
library only (zipfile streams each sheet, so any size is written in little memory).

  gen_xlsx.py sheets OUT.xlsx NAME=FILE.csv [NAME=FILE.csv ...]
      one sheet per CSV, in that order, after a "Notes" sheet of prose; the first data sheet
      gets a title row above its header (the reader must find the header row). Cells are
      written the ways Excel and other writers do: text as shared strings, the firm column as
      inline strings (rich text in one row), numbers as numbers, "24/Jan/2021" dates as date
      serials with a date style, other values as they are ("12.5 " stays text).
  gen_xlsx.py synthetic OUT.xlsx ROWS
      the current and older layouts (42 and 31 columns), ROWS rows in all, realistic values
      (float noise, 200 firms a corridor, repeated labels): a benchmark workbook. Deterministic.

Test fixtures are synthetic; no real firm's data is in them.
"""
import datetime
import random
import re
import sys
import zipfile
from xml.sax.saxutils import escape

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
DATE_RE = re.compile(r"^(\d{1,2})/([A-Za-z]{3})/(\d{4})$")
NUM_RE = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
MONTHS = {m: i + 1 for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])}
EPOCH = datetime.date(1899, 12, 30)


def col_ref(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


class SharedStrings:
    def __init__(self):
        self.index = {}
        self.items = []
        self.uses = 0

    def get(self, s):
        self.uses += 1
        if s not in self.index:
            self.index[s] = len(self.items)
            self.items.append(s)
        return self.index[s]

    def xml(self):
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
               '<sst %s count="%d" uniqueCount="%d">' % (NS, self.uses, len(self.items))]
        for s in self.items:
            sp = ' xml:space="preserve"' if s != s.strip() else ""
            out.append("<si><t%s>%s</t></si>" % (sp, escape(s)))
        out.append("</sst>")
        return "".join(out)


def cell(sst, ref, value, inline=False, rich=False):
    if value == "":
        return ""
    m = DATE_RE.match(value)
    if m and m.group(2).title() in MONTHS:
        d = datetime.date(int(m.group(3)), MONTHS[m.group(2).title()], int(m.group(1)))
        return '<c r="%s" s="1"><v>%d</v></c>' % (ref, (d - EPOCH).days)
    if NUM_RE.match(value):
        return '<c r="%s"><v>%s</v></c>' % (ref, value)
    if rich:  # two formatted runs, as Excel writes text with mixed fonts
        half = len(value) // 2
        return ('<c r="%s" t="inlineStr"><is><r><rPr><b/></rPr><t xml:space="preserve">%s</t>'
                '</r><r><t xml:space="preserve">%s</t></r></is></c>'
                % (ref, escape(value[:half]), escape(value[half:])))
    if inline:
        return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(value))
    return '<c r="%s" t="s"><v>%d</v></c>' % (ref, sst.get(value))


def write_sheet(zf, part, sst, rows, title=None):
    """rows: an iterable of lists of strings, the first the header."""
    with zf.open(part, "w", force_zip64=True) as f:
        def w(s):
            f.write(s.encode("utf-8"))
        w('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet %s %s>'
          '<sheetData>' % (NS, RNS))
        r = 0
        if title:
            r += 1
            w('<row r="%d">%s</row>' % (r, cell(sst, "A%d" % r, title)))
            r += 1  # and an empty row, left out as writers do
        firm_col = None
        for n, row in enumerate(rows):
            r += 1
            if n == 0:
                low = [h.strip().lower() for h in row]
                firm_col = low.index("firm") if "firm" in low else None
            parts = []
            for i, v in enumerate(row):
                parts.append(cell(sst, "%s%d" % (col_ref(i), r), v,
                                  inline=(i == firm_col and n > 0),
                                  rich=(i == firm_col and n == 2)))
            w('<row r="%d">%s</row>' % (r, "".join(parts)))
        w("</sheetData></worksheet>")


def write_book(out, sheets):
    """sheets: list of (name, rows iterable, title or None)."""
    sst = SharedStrings()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        ct = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://'
              'schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
              'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats'
              '-officedocument.spreadsheetml.sheet.main+xml"/>']
        for i in range(len(sheets)):
            ct.append('<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % (i + 1))
        ct.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                  'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                  '<Override PartName="/xl/styles.xml" ContentType="application/vnd.'
                  'openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
        zf.writestr("[Content_Types].xml", "".join(ct))
        zf.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
                    'org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.'
                    'xml"/></Relationships>')
        wb = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook %s %s>'
              '<workbookPr/><sheets>' % (NS, RNS)]
        rels = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
                '"http://schemas.openxmlformats.org/package/2006/relationships">']
        base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        for i, (name, rows, title) in enumerate(sheets):
            # Sheet ids and relationship ids deliberately not in sheet order.
            rid = "rId%d" % (i + 3)
            wb.append('<sheet name="%s" sheetId="%d" r:id="%s"/>' % (escape(name, {'"': "&quot;"}),
                                                                     i + 1, rid))
            rels.append('<Relationship Id="%s" Type="%sworksheet" Target="worksheets/sheet%d.xml"/>'
                        % (rid, base, i + 1))
            write_sheet(zf, "xl/worksheets/sheet%d.xml" % (i + 1), sst, rows, title)
        wb.append("</sheets></workbook>")
        rels.append('<Relationship Id="rId1" Type="%sstyles" Target="styles.xml"/>'
                    '<Relationship Id="rId2" Type="%ssharedStrings" Target="sharedStrings.xml"/>'
                    '</Relationships>' % (base, base))
        zf.writestr("xl/workbook.xml", "".join(wb))
        zf.writestr("xl/_rels/workbook.xml.rels", "".join(rels))
        zf.writestr("xl/styles.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<styleSheet %s><numFmts count="1"><numFmt numFmtId="164" formatCode='
                    '"dd/mmm/yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0"/>'
                    '<xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>' % NS)
        zf.writestr("xl/sharedStrings.xml", sst.xml())


def read_csv(path):
    import csv
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))


NOTES = [["About this workbook"], ["Synthetic test data shaped like the World Bank's Remittance "
                                   "Prices Worldwide dataset; not real prices."]]

CURRENT = ["id", "period", "source_code", "source_name", "source_region", "source_income",
           "source_lending", "source_G8G20", "destination_code", "destination_name",
           "destination_region", "destination_income", "destination_lending", "destination_G8G20",
           "firm", "firm_type", "payment instrument", "access point", "speed actual",
           "cc1 lcu amount", "cc1 denomination amount", "cc1 lcu code", "cc1 lcu fee",
           "cc1 lcu fx rate", "cc1 fx margin", "cc1 total cost %", "cc2 lcu amount",
           "cc2 denomination amount", "cc2 lcu code", "cc2 lcu fee", "cc2 lcu fx rate",
           "cc2 fx margin", "cc2 total cost %", "inter lcu bank fx", "transparent",
           "Standard Note", "note2", "receiving network coverage", "pickup location",
           "pickup method", "date", "corridor"]
OLDER = ["id", "period", "source_code", "source_name", "destination_code", "destination_name",
         "firm", "firm_type", "product", "sending location", "speed actual", "cc1 lcu amount",
         "cc1 denomination amount", "cc1 lcu code", "cc1 lcu fee", "cc1 lcu fx rate",
         "cc1 fx margin", "cc1 total cost %", "cc2 lcu amount", "cc2 denomination amount",
         "cc2 lcu code", "cc2 lcu fee", "cc2 lcu fx rate", "cc2 fx margin", "cc2 total cost %",
         "transparent", "note1", "coverage", "pick-up method", "date", "corridor"]
SENDERS = [("USA", "United States", "USD", 1.0), ("GBR", "United Kingdom", "GBP", 0.79),
           ("DEU", "Germany", "EUR", 0.92), ("SAU", "Saudi Arabia", "SAR", 3.75),
           ("ARE", "United Arab Emirates", "AED", 3.67), ("FRA", "France", "EUR", 0.92)]
RECEIVERS = [("MEX", "Mexico"), ("PHL", "Philippines"), ("IND", "India"), ("KEN", "Kenya"),
             ("NGA", "Nigeria"), ("SEN", "Senegal"), ("PAK", "Pakistan"), ("VNM", "Viet Nam")]
TYPES = ["Money Transfer Operator", "Bank", "Post office", "Mobile operator", "Bank/MTO"]
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def synthetic_rows(n, older, rnd):
    yield OLDER if older else CURRENT
    i = 0
    while i < n:
        s = SENDERS[i // 5000 % len(SENDERS)]
        r = RECEIVERS[i // 800 % len(RECEIVERS)]
        year = (2011 + (i // 200) % 5) if older else (2016 + (i // 200) % 10)
        q = 1 + (i // 50) % 4
        firm = "Firm %d %s%s" % (i % 200, s[0], r[0])
        # Free text that varies: the shared strings table grows as a real one does.
        note = "Fee quoted at the counter; the firm's %s office, visit %d" % (s[1], i // 4)
        fee1 = round(rnd.uniform(0, 25) * s[3], 2)
        fee2 = round(fee1 * rnd.uniform(1, 1.6), 2)
        margin = rnd.uniform(-0.5, 6)
        transparent = "yes" if i % 13 else "no"
        m = 0.0 if transparent == "no" else margin
        a1, a2 = round(200 * s[3], 2), round(500 * s[3], 2)
        t1 = fee1 / a1 * 100 + m
        t2 = fee2 / a2 * 100 + m
        fx = rnd.uniform(0.5, 20000)
        date = "%02d/%s/%d" % (1 + i % 28, MON[(q - 1) * 3], year)
        if older:
            row = [str(i + 1), "%d_%dQ" % (year, q), s[0], s[1], r[0], r[1], firm,
                   TYPES[i % 5], "Cash to cash" if i % 3 else "Account to account",
                   "Branch", "1 day", repr(a1), "200", s[2], repr(fee1), repr(fx), repr(m),
                   repr(t1), repr(a2), "500", s[2], repr(fee2), repr(fx), repr(m), repr(t2),
                   transparent.title(), note, "Nationwide", "Cash", date, s[0] + r[0]]
        else:
            row = [str(i + 1), "%d_%dQ" % (year, q), s[0], s[1], "..", "High income", "..",
                   "G20", r[0], r[1], "..", "Lower middle income", "IDA", "..", firm,
                   TYPES[i % 5], ["Cash", "Bank account", "Mobile wallet", "Card"][i % 4],
                   ["Agent", "Branch", "Online", "Mobile app"][i % 4],
                   ["Less than one hour", "Same day", "Next day", "2 days"][i % 4],
                   repr(a1), "200", s[2], repr(fee1), repr(fx), repr(m), repr(t1), repr(a2),
                   "500", s[2], repr(fee2), repr(fx), repr(m), repr(t2), repr(fx * 1.01),
                   transparent, note, "..", "Nationwide", "Urban", "Cash", date, s[0] + r[0]]
        yield row
        i += 1


def main(argv):
    if len(argv) >= 3 and argv[1] == "sheets":
        sheets = [("Notes", NOTES, None)]
        for k, spec in enumerate(argv[3:]):
            name, path = spec.split("=", 1)
            sheets.append((name, read_csv(path),
                           "Remittance Prices Worldwide (synthetic)" if k == 0 else None))
        write_book(argv[2], sheets)
        return 0
    if len(argv) == 4 and argv[1] == "synthetic":
        n = int(argv[3])
        rnd = random.Random(13)
        write_book(argv[2], [("Notes", NOTES, None),
                             ("Dataset (from Q2 2016)", synthetic_rows(n * 4 // 5, False, rnd),
                              None),
                             ("up to Q1 2016", synthetic_rows(n - n * 4 // 5, True, rnd), None)])
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
