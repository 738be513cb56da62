"""The everyday things, end to end in real headless Chromium: icons, the
shortcut, the badge, XLSX and JSONL downloads, Copy as table, dark mode,
keyboard focus and the right-click menu. One shared browser (the session's
``chromium``)."""

import io
import json
import struct
import time

import openpyxl
import pytest

from gleaner_cli.browser import popup_results

HARVEST = "harvest.html"


def xlsx_rows(data, sheet=None):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in (book[sheet] if sheet else book.active).iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def harvest(chromium, site):
    """harvest.html scraped once through the popup: (tab id, popup, the run as the service worker keeps it)."""
    _, tab_id = chromium.open_tab(f"{site}/{HARVEST}")
    popup = chromium.open_popup(tab_id)
    assert popup.evaluate("document.body.dataset.state") == "done"
    run = chromium.send(popup, "GetLastRun", {"tabId": tab_id})["result"]
    return tab_id, popup, run


def records_of(run, scraper):
    return next(r for r in run["results"] if r["scraper"] == scraper)["records"]


def download(chromium, popup, selector):
    path, data = chromium.download_by_click(popup, selector)
    assert path.parent == chromium.downloads_dir
    return path.name, data


def test_the_manifest_names_the_icons_and_the_shortcut_the_popup_shows(chromium, harvest):
    _, popup, _ = harvest
    manifest = chromium.service_worker.evaluate("() => chrome.runtime.getManifest()")
    assert manifest["commands"]["_execute_action"]["suggested_key"] == {"default": "Alt+Shift+G"}
    assert manifest["icons"] == {str(size): f"icons/gleaner-{size}.png" for size in (16, 32, 48, 128)}
    assert manifest["action"]["default_icon"] == {"16": "icons/gleaner-16.png", "32": "icons/gleaner-32.png"}
    # Each icon is a PNG of its size, as the extension serves it.
    for size, path in manifest["icons"].items():
        head = bytes(popup.evaluate("async (path) => [...new Uint8Array(await (await fetch(chrome.runtime.getURL(path))).arrayBuffer()).slice(0, 24)]", path))
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", head[16:24]) == (int(size), int(size))
    # The footer shows the binding the browser has now, read with chrome.commands.
    popup.wait_for_selector("#shortcut[data-shortcut]")
    assert popup.inner_text("#shortcut") == "Shortcut: Alt+Shift+G"


def test_the_badge_helper_shows_progress_and_clears(chromium, harvest):
    _, popup, _ = harvest
    shown = popup.evaluate("""async () => {
        const badge = await import(chrome.runtime.getURL('extension/service-worker/badge.js'));
        await badge.showProgress('3/40');
        const during = [await chrome.action.getBadgeText({}), await chrome.action.getBadgeBackgroundColor({})];
        await badge.clear();
        return [...during, await chrome.action.getBadgeText({})];
    }""")
    assert shown == ["3/40", [46, 107, 63, 255], ""]


def test_xlsx_download_holds_the_records_cell_by_cell(chromium, site, harvest):
    _, popup, run = harvest
    name, data = download(chromium, popup, "section[data-scraper='tables'] button[data-format='xlsx']")
    assert name.startswith("127.0.0.1-tables-") and name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["tables"]
    # What a person reads off harvest.html: the table index is a number (the
    # record holds one), the cells are text as the page has them, and
    # "=rising" is neutralised as in CSV.
    expected = [
        ["table", "caption", "Crop", "Price", "Note", "Fruit", "Crates"],
        [0, "Grain", "Wheat", "212.5", "'=rising", None, None],
        [0, "Grain", "Barley", "180", "steady", None, None],
        [1, "Fruit", None, None, None, "Apples", "40"],
        [1, "Fruit", None, None, None, "Pears", "12"],
    ]
    assert xlsx_rows(data) == expected
    assert book["tables"]["A2"].data_type == "n" and book["tables"]["E2"].data_type == "s"
    # And the same cells, read from the JSON records the popup shows.
    records = records_of(run, "tables")
    header = expected[0]
    assert [[record.get(key) for key in header] for record in records] == [
        [0, "Grain", "Wheat", "212.5", "=rising", None, None],
        [0, "Grain", "Barley", "180", "steady", None, None],
        [1, "Fruit", None, None, None, "Apples", "40"],
        [1, "Fruit", None, None, None, "Pears", "12"],
    ]


def test_all_scrapers_in_one_workbook_a_sheet_each(chromium, harvest):
    _, popup, run = harvest
    name, data = download(chromium, popup, "#export-all button[data-format='xlsx']")
    assert name.startswith("127.0.0.1-all-") and name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    ran = [r["scraper"] for r in run["results"] if r["ok"]]
    assert {"links", "tables"} <= set(ran)
    assert book.sheetnames == ran
    for result in run["results"]:
        rows = xlsx_rows(data, result["scraper"])
        header = list(dict.fromkeys(key for record in result["records"] for key in record))
        assert rows[:1] == ([header] if header else [])
        # Cell by cell: numbers stay numbers, lists and dicts become JSON text, empty text an empty cell.
        def cell(value):
            if isinstance(value, (list, dict)):
                return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                return "'" + value
            return None if value == "" else value
        assert rows[1:] == [[cell(record.get(key)) for key in header] for record in result["records"]]


def test_jsonl_download_is_a_record_per_line(chromium, site, harvest):
    _, popup, _ = harvest
    name, data = download(chromium, popup, "section[data-scraper='links'] button[data-format='jsonl']")
    assert name.endswith(".jsonl")
    assert data.decode("utf-8") == (
        f'{{"url":"{site}/market","text":"market hall","rel":""}}\n'
        f'{{"url":"{site}/archive","text":"archive","rel":""}}\n'
    )


def test_copy_as_table_puts_tab_separated_rows_on_the_clipboard(chromium, harvest):
    _, popup, _ = harvest
    chromium.context.grant_permissions(["clipboard-read", "clipboard-write"])
    popup.click("section[data-scraper='tables'] button[data-format='tsv'][data-copy='true']")
    popup.wait_for_function("() => document.getElementById('status').textContent.startsWith('Copied tables as a table')")
    assert popup.evaluate("navigator.clipboard.readText()") == (
        "table\tcaption\tCrop\tPrice\tNote\tFruit\tCrates\r\n"
        "0\tGrain\tWheat\t212.5\t'=rising\t\t\r\n"
        "0\tGrain\tBarley\t180\tsteady\t\t\r\n"
        "1\tFruit\t\t\t\tApples\t40\r\n"
        "1\tFruit\t\t\t\tPears\t12\r\n"
    )


def computed_colours(page):
    return page.evaluate("() => { const style = getComputedStyle(document.body); return [style.backgroundColor, style.color]; }")


def test_dark_mode_follows_the_system_in_the_popup_and_the_options_page(chromium, harvest):
    _, popup, _ = harvest
    options = chromium.context.new_page()
    options.goto(chromium.url("extension/options/options.html"))
    try:
        for page in (popup, options):
            page.emulate_media(color_scheme="dark")
            assert computed_colours(page) == ["rgb(28, 29, 33)", "rgb(230, 231, 234)"]
            # The records' table header stays readable: it takes the dark background too.
            page.emulate_media(color_scheme="light")
            assert computed_colours(page) == ["rgb(255, 255, 255)", "rgb(31, 35, 40)"]
        popup.emulate_media(color_scheme="dark")
        assert popup.evaluate("getComputedStyle(document.querySelector('section.scraper th')).backgroundColor") == "rgb(28, 29, 33)"
    finally:
        popup.emulate_media(color_scheme="light")
        options.close()


def focus_walk(page, most=80):
    """Press Tab from the top until the focus leaves the page; each focused element's label and outline."""
    # A click at the top left puts the start of Tab's path there (a blur alone would
    # leave it at the last control clicked).
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    page.mouse.click(1, 1)
    seen = []
    for _ in range(most):
        page.keyboard.press("Tab")
        step = page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const style = getComputedStyle(el);
            return [el.id || el.dataset.format && `${el.dataset.scraper || 'all'}:${el.dataset.format}:${el.dataset.copy}` || el.className || el.textContent.trim(),
                    `${style.outlineStyle} ${style.outlineWidth}`];
        }""")
        if step is None:
            break
        seen.append(step)
    return seen


def test_the_keyboard_reaches_every_control_in_order_with_a_visible_focus(chromium, harvest):
    _, popup, run = harvest
    popup.bring_to_front()
    walk = focus_walk(popup)
    labels = [label for label, _ in walk]
    # Every focused control draws a 2px outline.
    assert {outline for _, outline in walk} == {"solid 2px"}, json.dumps(walk)
    # Top to bottom: Scrape again, Pick data, Lists, each scraper's switch for this site, the
    # workbook of them all, "Also scrape the next N pages", each scraper's exports (and its table, when it
    # scrolls), the footer.
    assert labels[0] == "scrape"
    first_export = labels.index("article:json:false") if "article:json:false" in labels else labels.index("links:json:false")
    chips = popup.evaluate("document.querySelectorAll('#applies .chip').length")
    assert chips >= len(run["results"])
    assert labels[1:first_export] == ["pick", "lists-toggle"] + ["site-toggle"] * chips + ["all:xlsx:false", "crawl-next", "crawl-next-count"], labels
    assert labels.index("links:xlsx:false") < labels.index("links:tsv:true") < labels.index("tables:json:false")
    assert labels[-2:] == ["options", "shortcut"]

    options = chromium.context.new_page()
    options.goto(chromium.url("extension/options/options.html"))
    try:
        labels = [label for label, _ in focus_walk(options)][:6]
        # The file pickers are buttons now, so the keyboard reaches them.
        assert labels == ["new", "install", "export-all", "export-wheels", "import", "test-url"]
    finally:
        options.close()


# --- the right-click menu -----------------------------------------------------


@pytest.fixture(scope="module")
def sender(chromium):
    """An extension page to send commands from (the options page scrapes nothing by itself)."""
    page = chromium.context.new_page()
    page.goto(chromium.url("extension/options/options.html"))
    yield page
    page.close()


def choose_menu_item(chromium, sender, tab_id, item, timeout=120):
    """The item chosen on the tab, through the service worker's own onClicked
    listeners; returns the run it kept as the tab's last, once it is there."""
    before = chromium.service_worker.evaluate("() => new Date().toISOString()")
    chromium.service_worker.evaluate(
        """async ([tabId, menuItemId]) => {
            const tab = await chrome.tabs.get(tabId);
            chrome.contextMenus.onClicked.dispatch({ menuItemId, frameId: 0, pageUrl: tab.url, editable: false }, tab);
        }""",
        [tab_id, item],
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = chromium.send(sender, "GetLastRun", {"tabId": tab_id})["result"]
        if run and run.get("scope") == item and run["startedAt"] >= before:
            return run
        if badge(chromium, tab_id)[0] == "!":
            return None
        time.sleep(0.2)
    raise AssertionError(f"no {item} run within {timeout} s")


def badge(chromium, tab_id):
    return chromium.service_worker.evaluate(
        "async (tabId) => [await chrome.action.getBadgeText({ tabId }), await chrome.action.getTitle({ tabId })]", tab_id
    )


def results_by_scraper(run):
    return {r["scraper"]: r["records"] for r in run["results"]}


def test_scrape_this_page_from_the_menu(chromium, site, sender):
    page, tab_id = chromium.open_tab(f"{site}/{HARVEST}?menu-page")
    run = choose_menu_item(chromium, sender, tab_id, "page")
    found = results_by_scraper(run)
    assert [r["url"] for r in found["links"]] == [f"{site}/market", f"{site}/archive"]
    assert len(found["tables"]) == 4
    # The badge counts the records; the popup, opened on the tab, shows them.
    assert badge(chromium, tab_id) == [str(sum(len(records) for records in found.values())), "Scrape this page with Gleaner"]
    page.close()


def test_scrape_this_table_gives_only_its_rows(chromium, site, sender):
    page, tab_id = chromium.open_tab(f"{site}/{HARVEST}?menu-table")
    # Chrome does not say which element was right-clicked: the pointer is still over it.
    page.hover("#fruit tbody td")
    run = choose_menu_item(chromium, sender, tab_id, "table")
    assert [r["scraper"] for r in run["results"]] == ["tables"]
    assert run["results"][0]["records"] == [
        {"table": 0, "caption": "Fruit", "Fruit": "Apples", "Crates": "40"},
        {"table": 0, "caption": "Fruit", "Fruit": "Pears", "Crates": "12"},
    ]
    assert badge(chromium, tab_id)[0] == "2"
    # A word selected in the other table chooses that one, header and caption kept.
    page.evaluate("""() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector('#grain tbody td'));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
    }""")
    run = choose_menu_item(chromium, sender, tab_id, "table")
    assert run["results"][0]["records"] == [
        {"table": 0, "caption": "Grain", "Crop": "Wheat", "Price": "212.5", "Note": "=rising"},
        {"table": 0, "caption": "Grain", "Crop": "Barley", "Price": "180", "Note": "steady"},
    ]
    page.close()


def test_scrape_this_table_where_there_is_none_says_so(chromium, site, sender):
    page, tab_id = chromium.open_tab(f"{site}/shop.html?menu-no-table")
    assert choose_menu_item(chromium, sender, tab_id, "table") is None
    assert badge(chromium, tab_id) == ["!", "Gleaner: Gleaner could not tell which table you right-clicked. Select a word in the table, then choose Scrape this table again."]
    page.close()


def test_scrape_selection_runs_the_scrapers_on_the_selected_part_only(chromium, site, sender):
    page, tab_id = chromium.open_tab(f"{site}/{HARVEST}?menu-selection")
    page.evaluate("""() => {
        const range = document.createRange();
        range.selectNodeContents(document.getElementById('intro'));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
    }""")
    run = choose_menu_item(chromium, sender, tab_id, "selection")
    found = results_by_scraper(run)
    # The page has two links and two tables; the selected paragraph holds one link and no table.
    assert found["links"] == [{"url": f"{site}/market", "text": "market hall", "rel": ""}]
    assert found["tables"] == []
    # Opened on the tab, the popup shows this run and says it was the selection.
    popup = chromium.open_popup(tab_id)
    assert popup.inner_text("#status").startswith("The selection from ")
    assert {r["scraper"] for r in popup_results(popup)} == set(found)
    popup.close()
    # Two selected rows of a table stay rows of that table, under its header.
    page.evaluate("""() => {
        const rows = document.querySelectorAll('#grain tbody tr');
        const range = document.createRange();
        range.setStartBefore(rows[0]);
        range.setEndAfter(rows[1]);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
    }""")
    run = choose_menu_item(chromium, sender, tab_id, "selection")
    assert results_by_scraper(run)["tables"] == [
        {"table": 0, "caption": "Grain", "Crop": "Wheat", "Price": "212.5", "Note": "=rising"},
        {"table": 0, "caption": "Grain", "Crop": "Barley", "Price": "180", "Note": "steady"},
    ]
    page.close()
