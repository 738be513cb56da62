"""Picking data in the page, end to end in real headless Chromium.

A list page with competing structures (a nav menu, a sponsored item between
the books wearing their class, a related rail, a footer;
tests/pages/picker/) is picked with the real mouse: hover, a click on one
book, clicks on its parts, the next link; the in-page preview is read; "Save
as scraper" opens the Python file in the options page's editor, which saves
it; the saved scraper then runs from the toolbar and in a crawl over page 1
and page 2. The Lists view flips the lists the lists scraper finds, drops a
column and exports the list.

The picker's panel lives in a closed shadow root, which page scripts (and
Playwright's selectors) cannot enter; the test finds the panel's controls
through the DevTools protocol, which sees closed roots, and presses them
with the mouse and keyboard like a person. One browser for the module, in a
thread of its own (see conftest.pytest_pyfunc_call).
"""

import concurrent.futures
import json
import time

import pytest

from gleaner_cli.browser import ExtensionBrowser, popup_results

PLAYWRIGHT_THREAD = concurrent.futures.ThreadPoolExecutor(max_workers=1)
WAIT_S = 120
SCRAPER = "127-0-0-1-picker"

# What a person reads off tests/pages/picker/books-1.html and books-2.html.
PAGE_1 = [
    ("The Quiet Harbour", "101", "Ana Lind", "€ 7.50"),
    ("Salt and Cedar", "102", "Tomas Berg", "€ 4.00"),
    ("A Map of Small Rivers", "103", "Mei Okada", "€ 12.00"),
    ("Winter Orchard", "104", "Piet de Vries", "€ 6.25"),
    ("Letters from the Pass", "105", "Iris Kovač", "€ 9.90"),
]
PAGE_2 = [
    ("The Lighthouse Keeper's Almanac", "111", "Nora Hale", "€ 3.50"),
    ("Stones of the Valley", "112", "Jonas Ek", "€ 11.00"),
    ("Ferry Timetables", "113", "Leila Moradi", "€ 2.75"),
]


def books(site, rows):
    return [{"title": title, "url": f"{site}/picker/book/{number}.html", "author": author, "price": price} for title, number, author, price in rows]


@pytest.fixture(scope="module")
def browser(extension_dir):
    browser = ExtensionBrowser(extension_dir)
    PLAYWRIGHT_THREAD.submit(browser.__enter__).result()
    yield browser
    PLAYWRIGHT_THREAD.submit(browser.__exit__, None, None, None).result()


def wait_until(check, what, timeout=WAIT_S, show=None):
    """Poll check() until it is truthy; on timeout, fail saying what was awaited and what show() gives then."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}" + (f"; found {show()!r}" if show else ""))
        time.sleep(0.1)


class Panel:
    """The picker's panel and outlines in the tab's closed shadow root, seen through the DevTools protocol."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)

    def _root(self):
        document = self.cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        pending = [document]
        while pending:
            node = pending.pop()
            if node.get("localName") == "gleaner-picker":
                return node["shadowRoots"][0]["nodeId"]
            pending.extend(node.get("children") or [])
        return None

    def present(self):
        return self._root() is not None

    def nodes(self, selector):
        root = self._root()
        return self.cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"] if root else []

    def _call(self, node_id, function):
        handle = self.cdp.send("DOM.resolveNode", {"nodeId": node_id})["object"]
        return self.cdp.send("Runtime.callFunctionOn", {"objectId": handle["objectId"], "functionDeclaration": function, "returnByValue": True})["result"].get("value")

    def texts(self, selector):
        return [self._call(node, "function () { return this.textContent; }") for node in self.nodes(selector)]

    def text(self, selector):
        found = self.texts(selector)
        assert len(found) == 1, (selector, found)
        return found[0]

    def values(self, selector):
        return [self._call(node, "function () { return this.value; }") for node in self.nodes(selector)]

    def focused_value(self):
        found = [self._call(node, "function () { return this.getRootNode().activeElement === this ? this.value : null; }") for node in self.nodes("input")]
        return next((value for value in found if value is not None), None)

    def click(self, selector):
        [node] = self.nodes(selector)
        quad = self.cdp.send("DOM.getBoxModel", {"nodeId": node})["model"]["border"]
        self.page.mouse.click((quad[0] + quad[4]) / 2, (quad[1] + quad[5]) / 2)

    def preview(self):
        return [[cell for cell in self.texts_in_row(row)] for row in self.nodes(".preview tbody tr")]

    def texts_in_row(self, row):
        return self._call(row, "function () { return [...this.children].map((td) => td.textContent); }")


def editor_source(browser, options):
    """The editor's text, as its Export .py button writes it to a file."""
    path, data = browser.download_by_click(options, "#export-one")
    assert path.suffix == ".py"
    return data.decode("utf-8")


def point_at(page, selector, index=0):
    """The middle of the top-left part of the element: where a person's pointer lands on it."""
    box = page.locator(selector).nth(index).bounding_box()
    return box["x"] + min(6, box["width"] / 2), box["y"] + min(6, box["height"] / 2)


def click_on(page, selector, index=0):
    page.mouse.click(*point_at(page, selector, index))


def status(popup):
    return popup.inner_text("#status")


def start_picking(browser, page_url, opened=None):
    page, tab_id = opened or browser.open_tab(page_url)
    popup = browser.open_popup(tab_id)
    popup.click("#pick")
    wait_until(lambda: status(popup).startswith("Picking on the page"), "the popup to say picking started")
    page.bring_to_front()
    panel = Panel(page)
    wait_until(panel.present, "the picker panel")
    return page, tab_id, popup, panel


def test_pick_a_list_save_it_as_a_scraper_run_it_and_crawl_it(browser, site):
    page, tab_id, popup, panel = start_picking(browser, f"{site}/picker/books-1.html")
    before = panel.text(".step")
    assert before == "Point at an item of the list you want (a product, a result, a row) and click it."

    # Hovering outlines the element under the pointer and names it.
    page.mouse.move(*point_at(page, "li.book h2 a", 1))
    wait_until(lambda: panel.texts(".tip") == ["a"], "the hover outline")
    page.mouse.move(*point_at(page, "li.book .author", 1))
    wait_until(lambda: panel.texts(".tip") == ["span.author"], "the hover outline to follow the pointer")

    # One click on a book's title: the five books are chosen, not the sponsored
    # item between them, the nav menu, the related rail or the footer.
    click_on(page, "li.book h2 a", 1)
    wait_until(lambda: panel.texts(".count") == ["5 items"], "5 items", show=lambda: panel.texts(".count"))
    assert panel.texts(".row code.muted") == ["ul.results > li.book:not(.promo)"]
    assert len(panel.nodes(".box.item")) == 5
    # The click picked; it did not follow the link.
    assert page.url == f"{site}/picker/books-1.html"

    # Clicks inside a book add columns, each named from the page's own words.
    click_on(page, "li.book h2 a", 1)
    wait_until(lambda: panel.values(".field input") == ["title"], "the title column")
    assert panel.focused_value() == "title"
    page.keyboard.press("Enter")
    click_on(page, "li.book h2 a", 1)  # the same link again: its address
    wait_until(lambda: panel.values(".field input") == ["title", "title_url"], "the link column")
    page.keyboard.press("Control+A")
    page.keyboard.type("url")
    page.keyboard.press("Enter")
    click_on(page, "li.book .author", 3)
    click_on(page, "li.book .price", 0)
    wait_until(lambda: panel.values(".field input") == ["title", "url", "author", "price"], "four columns")
    assert panel.texts(".field code") == ["h2.book-title > a", "h2.book-title > a", "span.author", "span.price"]
    assert panel.texts(".preview th") == ["title", "url", "author", "price"]
    assert panel.preview() == [list(record.values()) for record in books(site, PAGE_1)]

    # A click on the next link marks it (it says "Next"), and the page is not left.
    click_on(page, "a.next")
    wait_until(lambda: panel.texts(".next code") == ["a.next"], "the next link", show=lambda: panel.texts(".next code, .status"))
    assert page.url == f"{site}/picker/books-1.html"
    # Any other link outside the items is not taken for it...
    click_on(page, "a.page")
    wait_until(lambda: panel.texts(".status.error") != [], "a word on the click outside the items")
    assert panel.texts(".next code") == ["a.next"]
    # ...unless the person says so first with Mark next link.
    panel.click("button[data-action=next]")
    wait_until(lambda: panel.text(".step") == "Click the link to the next page of this list.", "next-link mode")
    click_on(page, "a.page")
    wait_until(lambda: panel.texts(".next code") == ["a.page"], "the marked link")
    panel.click("button[data-action=clear-next]")
    wait_until(lambda: panel.texts(".next code") == ["none marked"], "the next link cleared")
    click_on(page, "a.next")
    wait_until(lambda: panel.texts(".next code") == ["a.next"], "the next link again")

    # The page grows under the picker (infinite scroll): the count follows.
    page.evaluate("loadMore()")
    wait_until(lambda: panel.texts(".count") == ["7 items"], "7 items after more were loaded", show=lambda: panel.texts(".count"))
    assert panel.texts(".preview .muted") == ["Preview: the first 5 of 7 records"]

    # Save as scraper: Python writes it, the options page's editor opens it unsaved.
    with browser.context.expect_page(lambda opened: opened.url.startswith(browser.url("extension/options/options.html")), timeout=WAIT_S * 1000) as opened:
        panel.click("button[data-action=save]")
    options = opened.value
    said = wait_until(lambda: [t for t in panel.texts(".status") if t and t != "Writing the scraper…"], "the panel to say how the save went")
    assert said == ["The scraper is open in Gleaner's editor: check it there and save it to install it."]
    wait_until(lambda: options.evaluate("document.getElementById('editor-state').textContent") == "unsaved changes", "the editor to hold the new scraper")
    wait_until(lambda: options.evaluate("document.getElementById('editor-pane').dataset.validation") == "ok", "the new scraper to validate")
    assert options.inner_text("#editor-title") == "New scraper from " + site.split("//")[1]
    source = editor_source(browser, options)
    assert f'NAME = "{SCRAPER}"' in source
    assert f'MATCHES = ["*://{site.split("//")[1]}/picker/*"]' in source
    assert 'ITEMS = "ul.results > li.book:not(.promo)"' in source
    assert 'NEXT_PAGE = "a.next"' in source
    assert '"title": text(item.select_one("h2.book-title > a")),' in source
    assert '"url": url(page, item.select_one("h2.book-title > a"), "href"),' in source
    assert "css-" not in source.split("TESTS = [")[0] and "nth-" not in source

    # Its own TESTS pass in the browser's Python, and Save installs it.
    options.click("#run-tests")
    wait_until(lambda: options.evaluate("document.getElementById('tests-output').dataset.state") in ("done", "error"), "the tests")
    assert options.inner_text("#tests-output .summary") == "1 of 1 passed", options.inner_text("#tests-output")
    options.click("#save")
    wait_until(lambda: options.evaluate("document.getElementById('notice').textContent") == f"Saved {SCRAPER} 1.0.0.", "the save")
    options.close()

    # Esc leaves picking: nothing of the picker stays in the page.
    page.bring_to_front()
    page.keyboard.press("Escape")
    wait_until(lambda: not panel.present(), "the picker to leave")
    popup.close()
    page.close()

    # The toolbar on page 1 again: it shows the earlier results, and Scrape
    # again runs the saved scraper too, which gives the five books.
    fresh, fresh_id = browser.open_tab(f"{site}/picker/books-1.html")
    popup = browser.open_popup(fresh_id)
    assert status(popup).startswith("Results from ")
    popup.click("#scrape")
    wait_until(lambda: popup.evaluate("document.body.dataset.state") == "done" and not status(popup).startswith("Results from "), "the scrape")
    shown = {result["scraper"]: result for result in popup_results(popup)}
    assert SCRAPER in shown, (list(shown), status(popup), source)
    assert shown[SCRAPER]["ok"] and shown[SCRAPER]["count"] == "5 records"
    assert shown[SCRAPER]["columns"] == ["title", "url", "author", "price"]
    assert shown[SCRAPER]["rows"] == [list(record.values()) for record in books(site, PAGE_1)]
    run = browser.send(popup, "GetLastRun", {"tabId": fresh_id})["result"]
    result = next(r for r in run["results"] if r["scraper"] == SCRAPER)
    assert result["records"] == books(site, PAGE_1)
    assert [follow["url"] for follow in result["follows"]] == [f"{site}/picker/books-2.html"]

    # And in a crawl from the popup: page 1, then page 2 by the marked next link, then no more.
    button = f"button[data-crawl-scraper='{SCRAPER}']"
    popup.click(button)
    crawl_id = wait_until(lambda: popup.get_attribute(".crawl-line", "data-crawl-id") if popup.query_selector(".crawl-line") else None, "the crawl to start")
    crawl = wait_until(lambda: (c := browser.send(popup, "GetCrawl", {"crawlId": crawl_id})["result"]["crawl"])["state"] in ("done", "failed") and c, "the crawl to end")
    assert crawl["state"] == "done" and crawl["counters"]["done"] == 2 and crawl["counters"]["failed"] == 0, crawl
    exported = browser.send(popup, "ExportCrawl", {"crawlId": crawl_id, "scraper": SCRAPER, "format": "json"})["result"]
    assert json.loads(exported["text"]) == books(site, PAGE_1) + books(site, PAGE_2)
    popup.close()
    fresh.close()


def test_esc_leaves_the_page_as_it_was(browser, site):
    opened = browser.open_tab(f"{site}/picker/books-1.html?esc")
    markup = opened[0].evaluate("document.documentElement.outerHTML")
    page, _, popup, panel = start_picking(browser, None, opened)
    popup.close()
    page.mouse.move(*point_at(page, "li.book .price", 2))
    click_on(page, "li.book .price", 2)
    wait_until(lambda: panel.texts(".count") == ["5 items"], "5 items")
    page.keyboard.press("Escape")
    wait_until(lambda: not panel.present(), "the picker to leave")
    assert page.evaluate("document.documentElement.outerHTML") == markup
    # Clicks reach the page again: a link is followed.
    click_on(page, "a.next")
    page.wait_for_url(f"{site}/picker/books-2.html", timeout=WAIT_S * 1000)
    page.close()


def test_pick_data_on_a_browser_page_says_it_cannot(browser):
    tab_id = browser.service_worker.evaluate("async () => (await chrome.tabs.create({ url: 'chrome://version/' })).id")
    popup = browser.open_popup(tab_id)
    assert popup.evaluate("document.body.dataset.state") == "unreadable"
    assert popup.is_disabled("#pick") and popup.is_disabled("#lists-toggle")
    assert "Gleaner cannot read this tab: it shows a browser page" in status(popup)
    popup.close()


def lists_view(popup):
    return popup.evaluate("""() => {
        const view = document.getElementById('lists');
        return {
            state: view.dataset.state,
            heading: view.querySelector('h2')?.textContent ?? null,
            selector: view.querySelector('.lists-head code')?.textContent ?? null,
            columns: [...view.querySelectorAll('th input')].map((input) => input.value),
            rows: [...view.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
            dropped: [...view.querySelectorAll('.dropped button')].map((button) => button.dataset.restore),
        };
    }""")


def test_the_lists_view_flips_lists_outlines_them_drops_a_column_and_exports(browser, site):
    page, tab_id = browser.open_tab(f"{site}/picker/books-1.html?lists")
    popup = browser.open_popup(tab_id)
    panel = Panel(page)
    popup.click("#lists-toggle")
    wait_until(lambda: lists_view(popup)["state"] == "shown", "the Lists view")
    assert status(popup) == "4 lists on this page."
    # List 1 is the books: not the menu above them, the rail beside them or the footer.
    shown = lists_view(popup)
    assert shown["heading"] == "List 1 of 4: 5 items"
    assert shown["selector"] == "#content > section.listing > ul.results > li.book:not(.promo)"
    assert shown["columns"] == ["title", "url", "image", "author", "price"]
    covers = [f"{site}/picker/covers/{number}.png" for _, number, _, _ in PAGE_1]
    assert shown["rows"] == [[r["title"], r["url"], cover, r["author"], r["price"]] for r, cover in zip(books(site, PAGE_1), covers)]
    # On the page, its five items are outlined, under a banner that names the list.
    wait_until(lambda: panel.texts(".banner") == ["List 1 of 4: 5 items"], "the list's outline on the page")
    assert len(panel.nodes(".box.outline")) == 5

    # Flip to the next list (the menu), and its outline follows.
    popup.click("#lists button[data-action=next-list]")
    wait_until(lambda: lists_view(popup)["heading"] == "List 2 of 4: 5 items", "list 2")
    shown = lists_view(popup)
    assert shown["selector"] == "li.menu-item"
    assert shown["rows"] == [[name, f"{site}/picker/{name.lower()}.html"] for name in ["Fiction", "Poetry", "History", "Travel", "Children"]]
    wait_until(lambda: panel.texts(".banner") == ["List 2 of 4: 5 items"], "list 2's outline")
    popup.click("#lists button[data-action=previous-list]")
    wait_until(lambda: lists_view(popup)["heading"] == "List 1 of 4: 5 items", "list 1 again")

    # Drop the image column and rename title to book; the export has exactly that.
    popup.click("#lists th[data-key=image] button[data-drop=image]")
    wait_until(lambda: lists_view(popup)["dropped"] == ["image"], "the column to be dropped")
    popup.fill("#lists th[data-key=title] input", "book")
    popup.press("#lists th[data-key=title] input", "Tab")
    assert lists_view(popup)["columns"] == ["book", "url", "author", "price"]
    name, data = browser.download_by_click(popup, "#lists button[data-format=json]")
    assert name.name.startswith("127.0.0.1-lists-1-") and name.suffix == ".json"
    rows = [(r["title"], r["url"], r["author"], r["price"]) for r in books(site, PAGE_1)]
    assert data.decode("utf-8") == "[\n" + ",\n".join(
        f'  {{\n    "book": "{title}",\n    "url": "{url}",\n    "author": "{author}",\n    "price": "{price}"\n  }}' for title, url, author, price in rows
    ) + "\n]\n"

    # Save as scraper from the view: the scraper has the columns as they
    # stand, and it opens in the options page already open, not in a second one.
    options = browser.context.new_page()
    options.goto(browser.url("extension/options/options.html"))
    options.wait_for_selector("body[data-loaded=true]")
    assert options.is_hidden("#editor-pane")
    popup.click("#lists button[data-action=save-list]")
    wait_until(lambda: options.evaluate("document.getElementById('editor-pane').dataset.validation") == "ok", "the new scraper in the editor")
    assert options.inner_text("#editor-state") == "unsaved changes"
    assert [p.url for p in browser.context.pages].count(options.url) == 1
    source = editor_source(browser, options)
    assert 'ITEMS = "#content > section.listing > ul.results > li.book:not(.promo)"' in source
    assert '"book": text(item.select_one("h2.book-title > a")),' in source
    assert '"image"' not in source and '"title":' not in source
    options.close()

    # The popup closing takes the outline away.
    popup.close()
    wait_until(lambda: not panel.present(), "the outline to go with the popup")
    page.close()


def test_a_page_without_lists_says_so(browser, site):
    page, tab_id = browser.open_tab(f"{site}/harvest.html?lists")
    popup = browser.open_popup(tab_id)
    popup.click("#lists-toggle")
    wait_until(lambda: lists_view(popup)["state"] == "none", "the Lists view")
    assert status(popup) == "No list was found on this page."
    popup.close()
    page.close()
