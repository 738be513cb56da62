"""Feed text: bytes to str by XML's own rules (BOM, declaration, HTTP charset)."""

import codecs
import re

from .page import _BOMS, _codec, charset_from_content_type

_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")


def decode_xml(data, content_type=None):
    """Decode a feed: BOM first, then the XML declaration, then the HTTP charset, then UTF-8."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, errors="replace")
    if data[:4] in (b"\x00\x00\x00<", b"<\x00\x00\x00"):
        return data.decode("utf-32-be" if data[0] == 0 else "utf-32-le", errors="replace")
    if data[:2] in (b"\x00<", b"<\x00"):
        return data.decode("utf-16-be" if data[0] == 0 else "utf-16-le", errors="replace")
    declared = _DECLARATION.match(data[:1024])
    for label in (declared.group(1).decode("ascii") if declared else None, charset_from_content_type(content_type)):
        name = _codec(label)
        if name and not name.startswith(("utf-16", "utf-32")):
            try:
                return data.decode(name)
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", errors="replace")
