"""``--render``: each page loaded in a real Chromium by scrapy-playwright, so the plugin reads the live DOM.

A plugin that needs what a page's scripts write gets, under Scrapy, what the
browser extension gives it: the document as Chromium has it once loaded
(scrapy-playwright serialises it with ``page.content()``), decoded by the
same rules. The browser is the one installed on the machine (``chromium``
on PATH, or ``-s PLAYWRIGHT_LAUNCH_OPTIONS='{"executable_path": ...}'``):
nothing is downloaded. robots.txt is still fetched by Scrapy's own handler;
only the plugin's pages are rendered.
"""

import os
import shutil

PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
CHROMIUM_COMMANDS = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
# The request meta key scrapy-playwright looks for: requests without it use Scrapy's own downloader.
RENDER_META = {"playwright": True}


class RenderUnavailable(Exception):
    """--render cannot run on this machine: the sentence says what to install."""


def find_chromium():
    return next((path for path in map(shutil.which, CHROMIUM_COMMANDS) if path), None)


def render_settings():
    """The Scrapy settings that send page requests through scrapy-playwright and the system's Chromium."""
    try:
        import scrapy_playwright  # noqa: F401
    except ImportError:
        raise RenderUnavailable('--render needs scrapy-playwright: pip install ".[render]"') from None
    chromium = find_chromium()
    if not chromium:
        raise RenderUnavailable("--render needs Chromium on this machine (a 'chromium' command on PATH)")
    return {
        "DOWNLOAD_HANDLERS": {"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER},
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        # Chromium will not start its sandbox as root (a container's usual user).
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": chromium, "headless": True, "args": ["--no-sandbox"] if os.geteuid() == 0 else []},
    }
