#!/bin/bash
# Times `remitline import` of a World Bank RPW workbook as published (.xlsx) of about 50 MB:
# tests/gen_xlsx.py writes a synthetic one (a notes sheet, the current layout, the older one;
# ROWS rows in all, 250,000 by default, about the size of the real dataset), the shipped content
# is imported into a fresh database, then the workbook, under /usr/bin/time. Prints the
# workbook's size, the import's summary, its wall time and peak RSS. The target is under a
# minute. Usage: bash bench/xlsx.sh [build-dir] [ROWS]   (the workbook is kept in build-dir)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$src/build}
rows=${2:-250000}
bin=$dir/remitline
[ -x "$bin" ] || { echo "bench/xlsx.sh: build first ($bin)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/xlsx.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }
book=$dir/bench-rpw-$rows.xlsx
if [ ! -s "$book" ]; then
    python3 "$src/tests/gen_xlsx.py" synthetic "$book.tmp" "$rows"
    mv "$book.tmp" "$book"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'database = "%s/bench.db";\ncontent = "%s/conf/content";\n' "$work" "$src" >"$work/bench.conf"
"$bin" import -c "$work/bench.conf" >/dev/null 2>&1
python3 - "$book" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
size = sum(i.compress_size for i in z.infolist())
sheets = sum(i.file_size for i in z.infolist() if i.filename.startswith("xl/worksheets/"))
sst = z.getinfo("xl/sharedStrings.xml").file_size
print("workbook: %.1f MB compressed, sheets %.0f MB of XML, shared strings %.1f MB"
      % (size / 1e6, sheets / 1e6, sst / 1e6))
PY
/usr/bin/time -f 'import: %e s wall, %U s user, peak RSS %M KiB' \
    "$bin" import -c "$work/bench.conf" "$book" 2>&1 | grep -v '^  skipped'
