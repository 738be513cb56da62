"""The browser a command-line crawl runs in, behind one small interface.

``python build.py crawl`` speaks to the real extension the same way in
either browser: ``send(name, payload)`` gives the extension's reply to a
command ({ok, result | error}), and ``parse_url_list(text)`` reads a list as
the options page reads it (extension/common/crawl-scope.js). Chromium is
driven by Playwright from this process; Firefox by the Node driver's bridge
(firefox.py's FirefoxBridge), which talks to the event page.
"""

import contextlib

from .scrape import AUTOMATION_BUILD, CliError

PARSE_URL_LIST = "async (text) => (await import('/extension/common/crawl-scope.js')).parseUrlList(text)"


class ChromiumSession:
    """The automation build in headless Chromium, spoken to from its options page."""

    def __init__(self, browser, page):
        self.browser = browser
        self.page = page

    def send(self, name, payload):
        return self.browser.send(self.page, name, payload)

    def parse_url_list(self, text):
        return self.page.evaluate(PARSE_URL_LIST, text)


@contextlib.contextmanager
def extension_session(browser_name, user_scrapers):
    """The extension running in `browser_name` ("chromium" or "firefox"), with
    these user scrapers installed, for as long as the block runs."""
    if browser_name == "firefox":
        from .firefox import FirefoxBridge, FirefoxError

        try:
            with FirefoxBridge(user_scrapers=user_scrapers or None) as bridge:
                yield bridge
        except FirefoxError as exc:
            raise CliError(str(exc)) from None
        return
    from .browser import ExtensionBrowser

    with ExtensionBrowser(AUTOMATION_BUILD) as browser:
        if user_scrapers:
            browser.set_user_scrapers(user_scrapers)
        page = browser.context.new_page()
        page.goto(browser.url("extension/options/options.html"))
        yield ChromiumSession(browser, page)
