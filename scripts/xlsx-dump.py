#!/usr/bin/python3
"""Print an .xlsx file as JSON, for tests that reopen duban's XLSX exports.

Usage: xlsx-dump.py FILE.xlsx

Output: {"sheets": [{"name": ..., "merged": ["A3:A4", ...] (sorted),
"rows": [[cell, ...], ...]}]}, every row of the used range with None for an
empty cell and numbers as numbers. Needs openpyxl (Debian python3-openpyxl,
scripts/install-deps.sh).
"""
import json
import sys

import openpyxl


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    wb = openpyxl.load_workbook(sys.argv[1])
    sheets = []
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        sheets.append({
            "name": ws.title,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "rows": rows,
        })
    json.dump({"sheets": sheets}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
