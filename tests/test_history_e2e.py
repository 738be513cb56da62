"""The run history end to end in real headless Chromium.

One story in a browser of its own (it stops the service worker and restarts
the browser, which would disturb the session's shared one): a scrape lands in
the options page's History with its exact counts, survives the service worker
stopping, an extension reload and a browser restart (the popup then shows the last results from
the history), exports byte for byte, is pruned by the size limit, deleted and
cleared.
"""

import concurrent.futures
import io

import openpyxl

from gleaner.exporters import export
from gleaner_cli.browser import ExtensionBrowser, popup_results
from test_options_e2e import WAIT_MS, open_options, reload_extension, stop_service_worker


def scrape(browser, url):
    """Open the page and its popup (which scrapes it); return what the popup shows."""
    _, tab_id = browser.open_tab(url)
    popup = browser.open_popup(tab_id)
    assert popup.evaluate("document.body.dataset.state") == "done"
    return popup, popup_results(popup)


def open_history(browser):
    options = open_options(browser)
    options.wait_for_selector("#history[data-loaded=true]", timeout=WAIT_MS)
    return options


def history_rows(options):
    """Each run the History list shows: (page URL, {scraper: record count}), newest first."""
    rows = options.eval_on_selector_all(
        "#history-runs tbody tr",
        """(rows) => rows.map((row) => [row.dataset.url,
            Object.fromEntries([...row.querySelectorAll('li')].map((li) => [li.dataset.scraper, Number(li.dataset.count)]))])""",
    )
    return [(url, counts) for url, counts in rows]


def wait_rows(options, count):
    options.wait_for_function(
        "(n) => document.getElementById('history').dataset.loaded === 'true' && document.querySelectorAll('#history-runs tbody tr').length === n",
        arg=count, timeout=WAIT_MS,
    )
    return history_rows(options)


def counts_of(shown):
    return {r["scraper"]: int(r["count"].split()[0]) for r in shown}


def download(browser, page, selector):
    """Click an export button on an extension page; return the name and bytes chrome.downloads wrote."""
    path, data = browser.download_by_click(page, selector)
    return path.name, data


def set_limit(options, mb):
    options.fill("#history-limit", str(mb))
    options.dispatch_event("#history-limit", "change")


def test_history_survives_and_is_managed(extension_dir, site, tmp_path):
    # Playwright's sync API allows one instance per thread, and the session's
    # shared browser (the chromium fixture) may already hold this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(history_story, extension_dir, site, tmp_path).result()


def history_story(extension_dir, site, tmp_path):
    url = f"{site}/shop.html"
    profile = tmp_path / "profile"
    # Extensions.loadUnpacked (the reload) needs this switch.
    with ExtensionBrowser(extension_dir, profile_dir=profile, extra_args=["--enable-unsafe-extension-debugging"]) as browser:
        _, first = scrape(browser, url)
        counts = counts_of(first)
        assert counts["links"] == 4 and counts["metadata"] == 1

        # The run is in the History list with the popup's exact counts.
        options = open_history(browser)
        assert history_rows(options) == [(url, counts)]
        [run_id] = options.eval_on_selector_all("#history-runs tbody tr", "(rows) => rows.map((r) => Number(r.dataset.runId))")

        # The service worker stops; the history is intact.
        stop_service_worker(browser)
        options.reload()
        options.wait_for_selector("#history[data-loaded=true]", timeout=WAIT_MS)
        assert history_rows(options) == [(url, counts)]

        # A history run's links export as the same bytes the Python exporter writes.
        links = next(r for r in first if r["scraper"] == "links")
        records = [dict(zip(links["columns"], row)) for row in links["rows"]]
        name, data = download(browser, options, f"#history-runs tr[data-run-id='{run_id}'] li[data-scraper=links] button[data-format=json]")
        assert name.endswith(".json") and "-links-" in name
        assert data == export(records, "json")
        # And as a workbook: the same cells, "=formula" neutralised, empty text an empty cell.
        name, data = download(browser, options, f"#history-runs tr[data-run-id='{run_id}'] li[data-scraper=links] button[data-format=xlsx]")
        assert name.endswith(".xlsx") and "-links-" in name
        book = openpyxl.load_workbook(io.BytesIO(data))
        assert book.sheetnames == ["links"]
        assert [list(row) for row in book["links"].iter_rows(values_only=True)] == [
            ["url", "text", "rel"],
            [f"{site}/about", "Über uns", None],
            ["https://example.org/x?a=1&b=2", 'Extern, mit "Zitat"', "nofollow"],
            [f"{site}/=cmd|' /C calc'!A0", "'=formula", None],
            [f"{site}/added-by-script", "Live DOM", None],
        ]

        # The extension reloads (as after an update); the history stays.
        reload_extension(browser, options)
        options = open_history(browser)
        assert history_rows(options) == [(url, counts)]

    # A browser restart on the same profile (session storage is gone).
    with ExtensionBrowser(extension_dir, profile_dir=profile) as browser:
        _, shown = scrape(browser, url)
        assert shown == first
        options = open_history(browser)
        # The popup showed the history's run; it did not scrape again.
        assert history_rows(options) == [(url, counts)]

        # A second page: two runs, newest first.
        _, second = scrape(browser, f"{url}?second")
        options.reload()
        assert wait_rows(options, 2) == [(f"{url}?second", counts_of(second)), (url, counts)]

        # A tiny limit prunes at once to the newest run; each scrape then keeps only itself.
        set_limit(options, 0.001)
        assert browser.service_worker.evaluate("async () => (await chrome.storage.local.get('historyLimitMB')).historyLimitMB") == 0.001
        assert wait_rows(options, 1) == [(f"{url}?second", counts_of(second))]
        _, third = scrape(browser, f"{url}?third")
        options.click("#history-refresh")
        assert wait_rows(options, 1) == [(f"{url}?third", counts_of(third))]

        # Back to a roomy limit: delete one run, then clear all (after confirming).
        set_limit(options, 50)
        scrape(browser, f"{url}?fourth")
        options.click("#history-refresh")
        assert [u for u, _ in wait_rows(options, 2)] == [f"{url}?fourth", f"{url}?third"]
        options.click(f"#history-runs tr[data-url='{url}?third'] button[data-action=delete]")
        assert [u for u, _ in wait_rows(options, 1)] == [f"{url}?fourth"]
        options.click("#history-clear")
        assert wait_rows(options, 0) == []
        assert "No runs yet" in options.inner_text("#history-summary")
        options.reload()
        options.wait_for_selector("#history[data-loaded=true]", timeout=WAIT_MS)
        assert history_rows(options) == []
