"""URL joining that gives the same answer on every Python the host runs on."""

import sys
from urllib.parse import urljoin

# Python before 3.14 drops an empty query or fragment ("page?" and "page#"
# become "page", and "?" even inherits the base's query), while 3.14 and
# browsers keep them. A placeholder carries the empty part through urljoin.
_EMPTY = "\x00"
_KEEPS_EMPTY_PARTS = sys.version_info >= (3, 14)


def join(base, href):
    """urljoin with 3.14's (and browsers') treatment of an empty "?" or "#".

    Raises ValueError for what urljoin cannot read (e.g. "http://[x").
    """
    if _KEEPS_EMPTY_PARTS or ("?" not in href and "#" not in href):
        return urljoin(base, href)
    before, hash_sign, fragment = href.partition("#")
    path, question_mark, query = before.partition("?")
    if question_mark and not query:
        before = path + "?" + _EMPTY
    if hash_sign and not fragment:
        fragment = _EMPTY
    return urljoin(base, before + hash_sign + fragment).replace(_EMPTY, "")
