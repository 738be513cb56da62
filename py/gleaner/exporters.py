"""Exporters turn a scraper's records into the bytes of a file.

One registry by format name serves the popup, the options page's history,
the CLI and the tests, so a file exported anywhere holds the same data. Every
exporter has the same two entry points: ``export(records)`` for one
scraper's records, and ``export_results(results)`` for several scrapers' in
one file. Unknown formats and unknown options are refused loudly.
"""

import csv
import io
import json
import math
import re


def _compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def _columns(records):
    """The union of the records' keys, in first-seen order."""
    return list(dict.fromkeys(key for record in records for key in record))


# OWASP's CSV injection advice: a cell a spreadsheet would run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value, neutralize_formulas=True):
    """A value as spreadsheet text: lists and dicts as compact JSON, booleans
    as true/false, and text that would start a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return _compact(value)
    text = str(value)
    if neutralize_formulas and isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class Exporter:
    """The lifecycle every format shares; subclasses say how records become bytes."""

    media_type = "application/octet-stream"
    extension = ""
    binary = False

    def export(self, records):
        raise NotImplementedError

    def export_results(self, results):
        """Several scrapers' records in one file: by default one table with a
        leading ``scraper`` column, so rows from different scrapers stay apart
        (a failed scraper's records are left out, as its error is no row)."""
        return self.export([{"scraper": r["scraper"], **record} for r in results if r["ok"] for record in r["records"]])


class JsonExporter(Exporter):
    """A UTF-8 JSON array of records; non-ASCII text is kept as is."""

    media_type = "application/json"
    extension = "json"

    def export(self, records):
        return (json.dumps(list(records), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def export_results(self, results):
        """An object keyed by scraper name: its records, or its error."""
        body = {r["scraper"]: r["records"] if r["ok"] else {"error": r["error"]} for r in results}
        return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class JsonLinesExporter(Exporter):
    """JSON Lines: one compact UTF-8 JSON object per record, each ended by a newline.

    A file that streams: a reader needs one line at a time, and files of
    several runs concatenate into one.
    """

    media_type = "application/jsonl"
    extension = "jsonl"

    def export(self, records):
        return "".join(_compact(record) + "\n" for record in records).encode("utf-8")


class CsvExporter(Exporter):
    """RFC 4180 CSV in UTF-8 (CRLF line ends, quotes doubled).

    The header is the union of the records' keys in first-seen order; a
    record without a key leaves its cell empty. Lists and dicts become
    compact JSON text so nothing is lost. Cells that a spreadsheet would run
    as a formula are neutralised with a leading apostrophe unless
    ``neutralize_formulas`` is off (see text_cell).
    """

    media_type = "text/csv"
    extension = "csv"
    delimiter = ","

    def __init__(self, neutralize_formulas=True):
        self.neutralize_formulas = neutralize_formulas

    def cell(self, value):
        return text_cell(value, self.neutralize_formulas)

    def export(self, records):
        records = list(records)
        header = _columns(records)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        if header:
            writer.writerow(header)
        for record in records:
            writer.writerow([self.cell(record.get(key)) for key in header])
        return out.getvalue().encode("utf-8")


class TsvExporter(CsvExporter):
    """Tab-separated text, what "Copy as table" puts on the clipboard.

    Spreadsheets (Excel, LibreOffice, Google Sheets) paste it as rows and
    columns. It is CSV's dialect with a tab between cells, so a cell holding
    a tab, a line break or a quote is quoted and pastes whole.
    """

    media_type = "text/tab-separated-values"
    extension = "tsv"
    delimiter = "\t"


class XlsxExporter(Exporter):
    """An Excel workbook (Office Open XML), written by openpyxl.

    A header row, then one row per record. Numbers and booleans the record
    holds stay numbers and booleans; integers past 15 digits, which a
    spreadsheet's float would round, are written as text, as are infinities
    and NaN. Everything else is text (lists and dicts as compact JSON), never
    a formula, and text that would start one is neutralised as in CSV.

    A spreadsheet's limits never make a broken file: records beyond a sheet's
    rows continue on further sheets ("name (2)", ...), text past a cell's
    32,767 characters is cut, columns past 16,384 are left out, and
    characters XML cannot hold become U+FFFD; each cut is listed on a
    "Notes" sheet. Several scrapers' records go on one sheet (or more) each.
    """

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"
    binary = True

    MAX_ROWS = 1_048_576
    MAX_COLUMNS = 16_384
    MAX_CELL_CHARS = 32_767
    MAX_EXACT_INTEGER = 10**15
    SHEET_NAME_CHARS = 31
    # Excel refuses these in sheet names, and reserves "History".
    SHEET_NAME_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
    RESERVED_SHEET_NAMES = {"history"}
    XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

    def __init__(self, neutralize_formulas=True, sheet_name="records", max_rows=MAX_ROWS, max_cell_chars=MAX_CELL_CHARS):
        if max_rows < 2:
            raise ValueError("max_rows must leave room for the header and one record")
        self.neutralize_formulas = neutralize_formulas
        self.sheet_name = sheet_name
        self.max_rows = max_rows
        self.max_cell_chars = max_cell_chars

    def export(self, records):
        return self._workbook([(self.sheet_name, list(records))], [])

    def export_results(self, results):
        failures = [f"{r['scraper']} failed: {r['error'].get('message', '')}" for r in results if not r["ok"]]
        return self._workbook([(r["scraper"], r["records"]) for r in results if r["ok"]], failures)

    def _workbook(self, tables, notes):
        from openpyxl import Workbook  # imported on the first XLSX export only: it is not needed to scrape

        workbook = Workbook(write_only=True)
        self._names = set()
        for name, records in tables:
            self._write_table(workbook, name, records, notes)
        if not tables:
            workbook.create_sheet(self._unique_name(self.sheet_name))
        if notes:
            sheet = workbook.create_sheet(self._unique_name("Notes"))
            sheet.append(["Note"])
            for note in notes:
                sheet.append([self._cell(sheet, note, neutralize=False)])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def _write_table(self, workbook, name, records, notes):
        columns = _columns(records)
        if len(columns) > self.MAX_COLUMNS:
            notes.append(f"{name}: the records have {len(columns):,} fields; a sheet holds {self.MAX_COLUMNS:,} columns, "
                         f"so the fields from {columns[self.MAX_COLUMNS]!r} on are left out.")
            columns = columns[: self.MAX_COLUMNS]
        per_sheet = self.max_rows - 1  # each sheet repeats the header
        chunks = [records[start:start + per_sheet] for start in range(0, len(records), per_sheet)] or [[]]
        titles = [self._unique_name(name, "" if i == 0 else f" ({i + 1})") for i in range(len(chunks))]
        if len(chunks) > 1:
            notes.append(f"{name}: {len(records):,} records are more than one sheet's {self.max_rows:,} rows hold with its header, "
                         f"so they continue on the sheets {', '.join(titles[1:])}.")
        for title, chunk in zip(titles, chunks):
            sheet = workbook.create_sheet(title)
            sheet.append([self._cell(sheet, column, neutralize=False) for column in columns])
            for row, record in enumerate(chunk, start=2):
                sheet.append([self._value(sheet, record.get(column), (title, row, index), notes) for index, column in enumerate(columns)])

    def _value(self, sheet, value, where, notes):
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and abs(value) < self.MAX_EXACT_INTEGER:
            return value
        if isinstance(value, float) and math.isfinite(value):
            return value
        text = str(value) if isinstance(value, (int, float)) else text_cell(value, self.neutralize_formulas)
        if len(text) > self.max_cell_chars:
            from openpyxl.utils import get_column_letter

            title, row, index = where
            notes.append(f"{title}!{get_column_letter(index + 1)}{row}: the text had {len(text):,} characters; "
                         f"a cell holds {self.max_cell_chars:,}, so it was cut there (ending in …).")
            text = text[: self.max_cell_chars - 1] + "…"
        return self._cell(sheet, text, neutralize=False)

    def _cell(self, sheet, text, neutralize):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, self.XML_ILLEGAL.sub("\ufffd", text_cell(text, neutralize)))
        # Text, always: openpyxl would make "=..." a formula and "#N/A" an error.
        cell.data_type = "s"
        return cell

    def _unique_name(self, name, suffix=""):
        """A sheet name Excel accepts: no forbidden characters, at most 31 of
        them with ``suffix``, not reserved, and unlike every other sheet's
        (ignoring case)."""
        base = self.SHEET_NAME_FORBIDDEN.sub("_", name).strip("'") or "sheet"
        candidate, n = base[: self.SHEET_NAME_CHARS - len(suffix)] + suffix, 1
        while candidate.lower() in self._names or candidate.lower() in self.RESERVED_SHEET_NAMES:
            n += 1
            tail = f"{suffix} ({n})"
            candidate = base[: self.SHEET_NAME_CHARS - len(tail)] + tail
        self._names.add(candidate.lower())
        return candidate


EXPORTERS = {
    "json": JsonExporter,
    "jsonl": JsonLinesExporter,
    "csv": CsvExporter,
    "tsv": TsvExporter,
    "xlsx": XlsxExporter,
}


def exporter(fmt, **options):
    """The registered exporter for a format name; unknown names and options are refused."""
    try:
        kind = EXPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORTERS)}") from None
    try:
        return kind(**options)
    except TypeError as exc:
        raise ValueError(f"the {fmt} exporter takes no such option: {exc}") from None


def export(records, fmt, **options):
    return exporter(fmt, **options).export(records)


def export_results(results, fmt, **options):
    """Several scrapers' records in one file, as the CLI writes them (see each exporter's export_results)."""
    return exporter(fmt, **options).export_results(results)
