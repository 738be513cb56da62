"""How long a click takes the picker on large pages, and whether it picks the list Python finds.

Run from the repository root::

    python bench/picker_click.py

Pages: the large pages of bench/lists_speed.py (1-2 MB saved pages: news
fronts, an encyclopedia article, a product page, a 1,935-item document
index, a 1,090-item forum index). Each is shown in headless Chromium at the
address it came from, with its own scripts off, and the picker
(extension/content/picker.js) is started in it. The click lands on the
first part of the first item of list 0 as gleaner.lists finds it natively,
and the time is that of the click's handling (finding the candidate
levels, comparing the items, drawing the panel and the outlines), measured
in the page around the dispatch of the click, RUNS times per page.

Also printed per page: how many items the picker chose and how many list 0
has. They agree when the picker's default level is the list Python ranks
first; they may differ where Python's list is a finer or coarser level of
the same click (Larger items / Smaller items reach it).

The last line is machine-readable:
``PICKER_CLICK ms_median=… ms_max=… pages=… same_count=…``
(median over pages of each page's median; max: the slowest single click).
"""

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT / "bench"))

from lists_speed import PAGES, SHARED  # noqa: E402  (the same large pages)

RUNS = 5
PICKER = ROOT / "extension" / "content" / "picker.js"

CLICK = """([itemSelector, fieldSelector]) => {
    const item = document.querySelector(itemSelector);
    const target = (fieldSelector && item.querySelector(fieldSelector)) || item;
    target.scrollIntoView({ block: 'center' });
    const started = performance.now();
    target.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true, button: 0 }));
    return performance.now() - started;
}"""


def main():
    from gleaner.lists import list_specs
    from gleaner.page import make_page
    from gleaner_cli.browser import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    source = PICKER.read_text(encoding="utf-8")
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, url in PAGES:
            data = (SHARED / name).read_bytes()
            specs = list_specs(make_page(data, url, "text/html"))
            if not specs:
                print(f"{name}: no list found natively; skipped")
                continue
            spec = specs[0]["spec"]
            field = next((f["selector"] for f in spec["fields"] if f["selector"]), "")
            times, chosen = [], None
            for _ in range(RUNS):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.route("**/*", saved_page(url, data))
                page.goto(url, wait_until="domcontentloaded")
                # DevTools' evaluate is not the page's script: the page's CSP does not stop it.
                page.evaluate(source)
                page.evaluate("globalThis.gleanerPicker.start({ target: 'bench', save: 'bench', outlinePort: 'bench' })")
                times.append(page.evaluate(CLICK, [spec["item_selector"], field]))
                chosen = shown_count(page)
                page.close()
            rows.append((name, statistics.median(times), max(times), specs[0]["items"], chosen))
            print(f"{name}: click {statistics.median(times):.0f} ms median, {max(times):.0f} ms worst; the picker chose {chosen}, list 0 has {specs[0]['items']} items")
        browser.close()
    medians = [row[1] for row in rows]
    same = sum(1 for row in rows if row[4] == f"{row[3]} items")
    print(f"PICKER_CLICK ms_median={statistics.median(medians):.0f} ms_max={max(row[2] for row in rows):.0f} pages={len(rows)} same_count={same}")


def saved_page(url, data):
    """A route handler: the saved bytes at their address, still (no page scripts); every other request refused."""

    def answer(route):
        if route.request.url.split("#")[0] == url:
            route.fulfill(status=200, body=data, headers={"content-type": "text/html", "content-security-policy": "script-src 'none'"})
        else:
            route.abort()

    return answer


def shown_count(page):
    """The count the picker's panel shows ("24 items"), read through DevTools (the panel's root is closed)."""
    cdp = page.context.new_cdp_session(page)
    pending = [cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]]
    while pending:
        node = pending.pop()
        attributes = node.get("attributes") or []
        if node.get("localName") == "span" and "count" in attributes[1::2]:
            return "".join(child.get("nodeValue", "") for child in node.get("children") or [])
        pending.extend((node.get("children") or []) + (node.get("shadowRoots") or []))
    return None


if __name__ == "__main__":
    main()
