"""Follow requests (contract v2): what a scraper yields, next to its records, to ask for another page.

``page.follow(url, callback, data)`` makes one; the host tells follows and
records apart (gleaner/runner.py). The fields map one to one onto a Scrapy
``Request``: ``url``, ``callback`` (by name, so the request can cross to the
browser's crawl queue or to Redis as JSON) and ``cb_kwargs``-like ``data``.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .errors import GleanerError
from .records import to_json_value
from .urls import join

DEFAULT_CALLBACK = "scrape"
FOLLOW_SCHEMES = ("http", "https")


class FollowInvalid(GleanerError):
    """A follow request the host cannot honour: not http(s), a callback that is not there, data that is not JSON."""

    user = False  # a mistake in the plugin, shown with the plugin's traceback


@dataclass(frozen=True)
class Follow:
    """One page to visit next: its absolute http(s) URL without a fragment,
    the name of the plugin function that scrapes it, and the JSON-able dict
    that page receives as ``page.data``."""

    url: str
    callback: str = DEFAULT_CALLBACK
    data: dict = field(default_factory=dict)

    def to_dict(self):
        return {"url": self.url, "callback": self.callback, "data": self.data}


def make_follow(base_url, url, callback=None, data=None):
    """The Follow for ``url`` as a link on a page at ``base_url``; FollowInvalid says why not."""
    if not isinstance(url, str):
        raise FollowInvalid(f"page.follow() needs a URL string, not a {type(url).__name__}")
    href = url.strip()
    try:
        absolute = join(base_url, href) if href else base_url
    except ValueError as exc:
        raise FollowInvalid(f"page.follow({url!r}): not a URL ({exc})") from None
    # Cut by hand: urldefrag also drops an empty "?" on Python < 3.14, which browsers keep.
    absolute = absolute.partition("#")[0]
    parts = urlsplit(absolute)
    scheme = parts.scheme.lower()
    if scheme not in FOLLOW_SCHEMES:
        raise FollowInvalid(f"page.follow({url!r}) leads to {absolute!r}; only http and https pages can be followed")
    # Scheme and host are case-blind: written as browsers write them, so one
    # page has one URL (the crawl's visited set compares URLs as text).
    prefix = len(scheme) + 3 + len(parts.netloc)  # "scheme://netloc", as the URL spells it
    userinfo, at, host = parts.netloc.rpartition("@")
    absolute = f"{scheme}://{userinfo}{at}{host.lower()}{absolute[prefix:]}"
    if callback is None:
        callback = DEFAULT_CALLBACK
    if not isinstance(callback, str) or not callback.isidentifier():
        raise FollowInvalid(f"page.follow(callback={callback!r}): the callback is the name of a function of this scraper, as a string")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FollowInvalid(f"page.follow(data=...) takes a dict, not a {type(data).__name__}")
    try:
        data = to_json_value(data, "follow data")
    except GleanerError as exc:
        raise FollowInvalid(exc.message) from None
    return Follow(absolute, callback, data)
