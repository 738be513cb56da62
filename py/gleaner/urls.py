"""URL joining that gives the same answer on every Python the host runs on."""

import re
import sys
from urllib.parse import urljoin, urlsplit

# Python before 3.14 drops an empty query or fragment ("page?" and "page#"
# become "page", and "?" even inherits the base's query), while 3.14 and
# browsers keep them. A placeholder carries the empty part through urljoin.
_EMPTY = "\x00"
_KEEPS_EMPTY_PARTS = sys.version_info >= (3, 14)

# Most links on a page are absolute ("https://host/path") or from the root
# ("/path"), and urljoin costs several microseconds a call. For a plain href
# of either kind its answer is known: urljoin takes the href apart and puts
# it back together unchanged (or with the base's scheme and host in front),
# on every Python from 3.11 to 3.14. Plain: printable ASCII without spaces;
# no ";params" in the path (3.11 splits them off, 3.14 does not); no IPv6
# brackets in the host; no empty query or fragment (see above); and for a
# path from the root, no "." or ".." segment to resolve.
_PLAIN_ABSOLUTE = re.compile(r"https?://[^/?#;\[\]\\ ]+(?:/[^?#; ]*)?(?:\?[^# ]+)?(?:#[^ ]+)?")
_PLAIN_FROM_ROOT = re.compile(r"(/(?!/)[^?#; ]*)(?:\?[^# ]+)?(?:#[^ ]+)?")


def join(base, href):
    """urljoin with 3.14's (and browsers') treatment of an empty "?" or "#".

    Raises ValueError for what urljoin cannot read (e.g. "http://[x").
    """
    if href.isascii() and href.isprintable():
        if _PLAIN_ABSOLUTE.fullmatch(href):
            urlsplit(base)  # raises where urljoin would
            return href
        from_root = _PLAIN_FROM_ROOT.fullmatch(href)
        if from_root:
            parts = urlsplit(base)
            segments = from_root.group(1).split("/")
            if parts.scheme in ("http", "https") and parts.netloc and "." not in segments and ".." not in segments:
                return f"{parts.scheme}://{parts.netloc}{href}"
    if _KEEPS_EMPTY_PARTS or ("?" not in href and "#" not in href):
        return urljoin(base, href)
    before, hash_sign, fragment = href.partition("#")
    path, question_mark, query = before.partition("?")
    if question_mark and not query:
        before = path + "?" + _EMPTY
    if hash_sign and not fragment:
        fragment = _EMPTY
    return urljoin(base, before + hash_sign + fragment).replace(_EMPTY, "")
