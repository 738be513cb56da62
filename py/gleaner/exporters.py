"""Exporters turn a scraper's records into the bytes of a file.

One registry by format name serves the popup, the CLI and the tests, so a
file exported anywhere is byte-for-byte the same.
"""

import csv
import io
import json


def _compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


class JsonExporter:
    """A UTF-8 JSON array of records; non-ASCII text is kept as is."""

    media_type = "application/json"
    extension = "json"

    def export(self, records):
        return (json.dumps(list(records), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class CsvExporter:
    """RFC 4180 CSV in UTF-8 (CRLF line ends, quotes doubled).

    The header is the union of the records' keys in first-seen order; a
    record without a key leaves its cell empty. Lists and dicts become
    compact JSON text so nothing is lost. Cells that a spreadsheet would run
    as a formula are neutralised with a leading apostrophe unless
    ``neutralize_formulas`` is off (OWASP's CSV injection advice).
    """

    media_type = "text/csv"
    extension = "csv"
    FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

    def __init__(self, neutralize_formulas=True):
        self.neutralize_formulas = neutralize_formulas

    def cell(self, value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (list, dict)):
            return _compact(value)
        text = str(value)
        if self.neutralize_formulas and isinstance(value, str) and text.startswith(self.FORMULA_STARTS):
            return "'" + text
        return text

    def export(self, records):
        records = list(records)
        header = list(dict.fromkeys(key for record in records for key in record))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        if header:
            writer.writerow(header)
        for record in records:
            writer.writerow([self.cell(record.get(key)) for key in header])
        return out.getvalue().encode("utf-8")


EXPORTERS = {"json": JsonExporter, "csv": CsvExporter}


def export(records, fmt, **options):
    try:
        exporter = EXPORTERS[fmt](**options)
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORTERS)}") from None
    return exporter.export(records)


def export_results(results, fmt, **options):
    """Several scrapers' records in one file, as the CLI writes them.

    JSON: an object keyed by scraper name. CSV: one table with a leading
    ``scraper`` column, so rows from different scrapers stay apart.
    """
    if fmt == "json":
        body = {r["scraper"]: r["records"] if r["ok"] else {"error": r["error"]} for r in results}
        return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    rows = [{"scraper": r["scraper"], **record} for r in results if r["ok"] for record in r["records"]]
    return export(rows, fmt, **options)
