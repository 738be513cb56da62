"""The browser a command-line crawl runs in, behind one small interface.

``python build.py crawl`` speaks to the real extension the same way in
either browser: ``send(name, payload)`` gives the extension's reply to a
command ({ok, result | error}), and ``parse_url_list(text)`` reads a list as
the options page reads it (extension/common/crawl-scope.js). Chromium is
driven by Playwright from this process; Firefox by the Node driver's bridge
(firefox.py's FirefoxBridge), which talks to the event page.
"""

import contextlib

from .scrape import AUTOMATION_BUILD, CliError, install_in_browser

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
def extension_session(browser_name, plugins, index_url=None):
    """The extension running in `browser_name` ("chromium" or "firefox"), with
    these user plugins installed, for as long as the block runs. Plugins that
    pin packages are installed as the options page installs them (the
    extension fetches their packages from `index_url`); Chromium only."""
    user_scrapers = [{"source": p.source, "metadata": p.metadata(), "enabled": True} for p in plugins]
    if browser_name == "firefox":
        from .firefox import FirefoxBridge, FirefoxError

        if any(p.pins for p in plugins):
            raise CliError("a plugin that pins packages crawls in Chromium only for now (use --browser chromium)")
        try:
            with FirefoxBridge(user_scrapers=user_scrapers or None) as bridge:
                yield bridge
        except FirefoxError as exc:
            raise CliError(str(exc)) from None
        return
    from .browser import ExtensionBrowser

    with ExtensionBrowser(AUTOMATION_BUILD) as browser:
        if any(p.pins for p in plugins):
            install_in_browser(browser, plugins, index_url)
        elif user_scrapers:
            browser.set_user_scrapers(user_scrapers)
        page = browser.context.new_page()
        page.goto(browser.url("extension/options/options.html"))
        yield ChromiumSession(browser, page)
