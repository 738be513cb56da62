"""WebExtension match patterns, the same rules as extension/common/match-pattern.js.

Both matchers are tested against one table, tests/match_cases.json, so the
service worker (which filters without booting Python) and this host never
disagree about which scrapers apply to a URL.

Rules, as Chrome and Firefox document them:
- ``<all_urls>`` matches every http, https, ws, wss, ftp and file URL.
- ``*`` as the scheme matches http, https, ws and wss.
- ``*.example.com`` matches example.com and every subdomain; ``*`` any host.
- No port in the pattern matches any port; an explicit port only that one.
- The path part is matched against path and query (never the fragment),
  with ``*`` standing for any run of characters.
"""

import re
from urllib.parse import urlsplit

from .errors import GleanerError

ALL_URLS = "<all_urls>"
WILDCARD_SCHEMES = ("http", "https", "ws", "wss")
SCHEMES = WILDCARD_SCHEMES + ("ftp", "file")

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
_PATTERN = re.compile(r"^(\*|[a-z]+)://([^/]*)(/.*)$")


class InvalidPattern(GleanerError):
    """A match pattern that browsers would reject too."""


class MatchPattern:
    def __init__(self, pattern):
        self.pattern = pattern
        if pattern == ALL_URLS:
            self.schemes = SCHEMES
            self.host = self.port = None
            self.any_host = True
            self.path = re.compile(r".*", re.S)
            return
        m = _PATTERN.match(pattern)
        if not m:
            raise InvalidPattern(f"{pattern!r} is not a match pattern (expected scheme://host/path or <all_urls>)")
        scheme, hostport, path = m.groups()
        if scheme != "*" and scheme not in SCHEMES:
            raise InvalidPattern(f"{pattern!r}: scheme {scheme!r} is not supported")
        self.schemes = WILDCARD_SCHEMES if scheme == "*" else (scheme,)
        if scheme == "file":
            if hostport:
                raise InvalidPattern(f"{pattern!r}: file patterns take no host (file:///path)")
            host, port = "", None
        else:
            host, _, port = hostport.partition(":") if not hostport.startswith("[") else _split_ipv6(hostport)
            if not host:
                raise InvalidPattern(f"{pattern!r}: the host is missing")
            if "*" in host and host != "*" and not (host.startswith("*.") and "*" not in host[2:]):
                raise InvalidPattern(f"{pattern!r}: '*' in the host must be alone or lead as '*.'")
            if port and not (port.isdigit() or port == "*"):
                raise InvalidPattern(f"{pattern!r}: the port must be a number")
        self.any_host = host == "*"
        self.host = host.lower()
        self.port = None if port in (None, "", "*") else int(port)
        self.path = re.compile("".join(".*" if c == "*" else re.escape(c) for c in path) + r"\Z", re.S)

    def matches(self, url):
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        if parts.scheme.lower() not in self.schemes:
            return False
        if not self.any_host:
            host = (parts.hostname or "").lower()
            if self.host.startswith("*."):
                base = self.host[2:]
                if host != base and not host.endswith("." + base):
                    return False
            elif host != self.host:
                return False
        if self.port is not None and (port or DEFAULT_PORTS.get(parts.scheme.lower())) != self.port:
            return False
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return bool(self.path.match(path))

    def __repr__(self):
        return f"MatchPattern({self.pattern!r})"


def _split_ipv6(hostport):
    # urlsplit().hostname drops the brackets of an IPv6 literal; so do we.
    host, _, rest = hostport[1:].partition("]")
    return host, ":", rest[1:] if rest.startswith(":") else ""


def validate(patterns):
    """Return compiled patterns or raise InvalidPattern naming the bad one."""
    if isinstance(patterns, str) or not isinstance(patterns, (list, tuple)):
        raise InvalidPattern("match patterns must be a list of strings")
    return [MatchPattern(p) if isinstance(p, str) else _not_a_string(p) for p in patterns]


def _not_a_string(value):
    raise InvalidPattern(f"match pattern {value!r} is not a string")


def url_matches(url, includes, excludes=()):
    """True when some include pattern matches and no exclude pattern does."""
    return any(MatchPattern(p).matches(url) for p in includes) and not any(
        MatchPattern(p).matches(url) for p in excludes
    )
