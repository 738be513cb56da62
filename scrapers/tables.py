"""Data tables: one record per data row, keyed by the table's header cells.

Every <table> on the page is read on its own: rows of a nested table belong
to the nested table (and its text is left out of the outer cell). Cells that
span columns or rows are copied into every slot they cover, so each row has
one value per column.

Headers are the rows in <thead>, or else the leading rows made only of <th>
cells; several header rows are joined per column with " / ". Leading header
rows that are one cell across the whole table are a title: they become the
caption when there is none (joined with a space), not column names. Empty
headers become "column_N" and repeated ones get "_2", "_3", ...
(so do headers named "table" or "caption", which the record already uses).
A table without header rows has keys "column_1", "column_2", ...

Layout tables are skipped. The rule: a table is layout when it has
role="presentation" or role="none", or has no header cells and either holds
another table, has a single column, or has a cell with more than 300
characters of text (prose, not data). A table whose data rows are all empty
is skipped too.
"""

import re

from bs4.element import NavigableString, Tag

from gleaner.tag_search import index as tag_index

NAME = "tables"
TITLE = "Tables"
VERSION = "1.0.0"
DESCRIPTION = "One record per data row of every data table: table index, caption, then one key per header cell."
MATCHES = ["*://*/*", "file:///*"]
INPUT = "html"
REQUIRES = []

MAX_SPAN = 1000  # colspan="100000" exists in the wild; no table is that wide
PROSE_LENGTH = 300
RESERVED = ("table", "caption")
SPAN = re.compile(r"\s*(\d+)")
# Elements whose strings a cell's text leaves out, or (a table) leaves out whole.
_NOT_PLAIN = ("script", "style", "template", "table")


def scrape(page):
    tags = tag_index(page.soup)
    rows_of = _rows_by_table(tags)
    first_caption = _first_below(tags, "caption")
    for index, table in enumerate(tags.named("table")):
        if (table.get("role") or "").strip().lower() in ("presentation", "none"):
            continue
        rows = rows_of.get(id(table), [])
        grid = _grid(rows)
        header_count = _header_row_count(table, rows)
        headers, grid = grid[:header_count], grid[header_count:]
        caption = first_caption.get(id(table))
        caption = _text(caption) if caption is not None and _owner(caption) is table else None
        titles = []
        while headers and _is_title_row(headers[0]):
            titles.append(headers.pop(0)[0])
        caption = caption or " ".join(titles)
        width = max((len(row) for row in headers + grid), default=0)
        data = [row + [""] * (width - len(row)) for row in grid if any(row)]
        if not data or (not headers and _looks_like_layout(table, data, width)):
            continue
        keys = _keys(headers, width)
        for row in data:
            record = {"table": index, "caption": caption or None}
            record.update(zip(keys, (value or None for value in row)))
            yield record


def _owner(tag):
    """The table a row or cell belongs to: its nearest <table> ancestor."""
    return _ancestor(tag, "table")


def _ancestor(tag, name):
    """tag.find_parent(name), without building bs4's matcher for every call."""
    parent = tag.parent
    while parent is not None and parent.name != name:
        parent = parent.parent
    return parent


def _first(root, name):
    """root.find(name): with a limit of one, bs4 takes its generic matcher, several times slower."""
    return next((tag for tag in root.descendants if tag.name == name), None)


def _rows_by_table(tags):
    """{id(table): its <tr> elements with their cells}, leaving nested tables' rows out: for each
    table what ``table.find_all("tr")`` gives of its own rows, from one pass over the page's rows."""
    rows_of = {}
    for tr in tags.named("tr"):
        table = _owner(tr)
        if table is not None:
            cells = [c for c in tr.contents if c.name in ("td", "th")]
            rows_of.setdefault(id(table), []).append((tr, cells))
    return rows_of


def _first_below(tags, name):
    """{id(element): the first <name> below it}, as ``element.find(name)`` would give it, for
    every element above a <name>: one walk up from each of them, not one walk down each table."""
    first = {}
    for tag in tags.named(name):  # document order: the first one below an element sets it
        parent = tag.parent
        while parent is not None:
            first.setdefault(id(parent), tag)
            parent = parent.parent
    return first


def _grid(rows):
    """Expand colspan/rowspan into a rectangular list of lists of cell texts."""
    grid, pending = [], {}  # pending: column -> (text, rows left) from rowspans above
    for _, cells in rows:
        if not pending and not any("colspan" in cell.attrs or "rowspan" in cell.attrs for cell in cells):
            grid.append([_text(cell) for cell in cells])  # most rows: nothing spans into or out of them
            continue
        row, column = [], 0
        cells = list(cells)
        while cells or column in pending:
            if column in pending:
                text, left = pending[column]
                row.append(text)
                if left > 1:
                    pending[column] = (text, left - 1)
                else:
                    del pending[column]
                column += 1
                continue
            cell = cells.pop(0)
            text = _text(cell)
            colspan = _span(cell.get("colspan"))
            rowspan = _span(cell.get("rowspan"))
            for _ in range(colspan):
                row.append(text)
                if rowspan > 1:
                    pending[column] = (text, rowspan - 1)
                column += 1
        grid.append(row)
    return grid


def _span(value):
    if not value:
        return 1  # most cells: no colspan or rowspan at all
    match = SPAN.match(value)
    return max(1, min(int(match.group(1)), MAX_SPAN)) if match else 1


def _text(tag):
    """A cell's text with whitespace collapsed, without scripts or nested tables."""
    # The strings of tag.descendants in document order, by a walk of .contents (bs4's generator
    # costs several times more, and every cell of every table comes here); a nested table's
    # subtree is skipped whole, as none of its strings belong to the cell.
    contents = tag.contents
    if len(contents) == 1:
        only = contents[0]
        if type(only) is NavigableString:  # most cells: one plain string (the tag is a cell or a caption, not a script)
            return " ".join(only.split())
        if type(only) is Tag and only.name not in _NOT_PLAIN and len(only.contents) == 1 and type(only.contents[0]) is NavigableString:
            return " ".join(only.contents[0].split())  # a link or an emphasis holding a plain string
    parts = []
    skip_tables = tag.name != "table" and tag.name != "caption"
    stack = list(reversed(tag.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, str):  # bs4's strings are str, its elements are not
            if node.parent.name in ("script", "style", "template") or type(node).__name__ in ("Comment", "Doctype"):
                continue
            parts.append(str(node))
        elif not (skip_tables and node.name == "table"):
            stack.extend(reversed(node.contents))
    return " ".join(" ".join(parts).split())


def _header_row_count(table, rows):
    # ids, not tags: bs4 compares tags by serialising them
    in_head = {id(tr) for tr, _ in rows if _ancestor(tr, "thead") is not None}
    if in_head:
        count = 0
        for tr, _ in rows:
            if id(tr) not in in_head:
                break
            count += 1
        return count
    count = 0
    for _, cells in rows:
        if cells and all(c.name == "th" for c in cells) and count < len(rows) - 1:
            count += 1
        else:
            break
    return count


def _is_title_row(row):
    return len(set(row)) == 1 and len(row) > 1


def _looks_like_layout(table, data, width):
    return width < 2 or _first(table, "table") is not None or any(len(value) > PROSE_LENGTH for row in data for value in row)


def _keys(headers, width):
    names = []
    for column in range(width):
        parts = []
        for row in headers:
            value = row[column] if column < len(row) else ""
            if value and value not in parts:
                parts.append(value)
        names.append(" / ".join(parts))
    keys, used = [], set(RESERVED)
    for column, name in enumerate(names, 1):
        name = name or f"column_{column}"
        key, n = name, 1
        while key in used:
            n += 1
            key = f"{name}_{n}"
        used.add(key)
        keys.append(key)
    return keys


TESTS = [
    {
        "name": "header row, rowspan and colspan, a duplicate and an empty header, a nested table",
        "html": """<table><caption> Prices </caption>
            <thead><tr><th>Item</th><th>Price</th><th>Price</th><th></th></tr></thead>
            <tbody><tr><td rowspan="2">Tea</td><td colspan="2">1.50</td><td>hot</td></tr>
                   <tr><td>2.00</td><td>2.50</td><td>
                     <table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>b</td></tr></table></td></tr>
                   <tr><td></td><td></td><td></td><td></td></tr></tbody></table>""",
        "records": [
            {"table": 0, "caption": "Prices", "Item": "Tea", "Price": "1.50", "Price_2": "1.50", "column_4": "hot"},
            {"table": 0, "caption": "Prices", "Item": "Tea", "Price": "2.00", "Price_2": "2.50", "column_4": None},
            {"table": 1, "caption": None, "k": "a", "v": "b"},
        ],
    },
    {
        "name": "a layout table is skipped; a headerless grid gets column_N keys",
        "html": """<table role="presentation"><tr><td>menu</td><td>body</td></tr></table>
            <table><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>""",
        "records": [
            {"table": 1, "caption": None, "column_1": "1", "column_2": "2"},
            {"table": 1, "caption": None, "column_1": "3", "column_2": "4"},
        ],
    },
]
