"""Dates as feeds and pages write them, to ISO 8601 in UTC."""

import datetime
import email.utils
import re

_ISO = re.compile(
    r"^\s*(\d{4})(?:-?(\d{2})(?:-?(\d{2})"
    r"(?:[T\s]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.I,
)
# Zone names RFC 822 allows plus a few that real feeds use anyway.
_ZONES = {"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
          "PST": -8, "PDT": -7, "CET": 1, "CEST": 2, "BST": 1, "MSK": 3, "JST": 9, "IST": 5.5, "AEST": 10}
_DAY_NAME = re.compile(r"^\s*[A-Za-z]+\.?,?\s+(?=\d)")


def to_utc_iso(text):
    """Return ``text`` as ``YYYY-MM-DDTHH:MM:SSZ``, or None when it is not a date.

    Reads ISO 8601 / W3C-DTF (partial dates mean the start of the period, a
    missing zone means UTC) and RFC 822 / RFC 2822 with or without the day
    name, with numeric or named zones.
    """
    if not text or not isinstance(text, str):
        return None
    text = " ".join(text.split())
    try:
        moment = _parse_iso(text) or _parse_rfc822(text)
        if moment is None:
            return None
        return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError):  # an impossible zone offset or year
        return None


def _parse_iso(text):
    match = _ISO.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        moment = datetime.datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    return moment.replace(tzinfo=_zone(zone))


def _zone(zone):
    if not zone or zone.upper() in ("Z", "UTC", "GMT"):
        return datetime.timezone.utc
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
    return datetime.timezone(datetime.timedelta(minutes=minutes if zone[0] == "+" else -minutes))


def _parse_rfc822(text):
    text = _DAY_NAME.sub("", text)
    parts = text.split()
    offset = None
    if parts and parts[-1].upper().strip("()") in _ZONES:
        offset = _ZONES[parts.pop().upper().strip("()")]
    parsed = email.utils.parsedate_tz(" ".join(parts))
    if not parsed or not parsed[0]:
        return None
    year = parsed[0]
    if year < 100:  # RFC 822 two-digit years
        year += 2000 if year < 50 else 1900
    try:
        moment = datetime.datetime(year, parsed[1], parsed[2], parsed[3], parsed[4], parsed[5])
    except ValueError:
        return None
    if offset is not None:
        seconds = int(offset * 3600)
    else:
        seconds = parsed[9] or 0
    return moment.replace(tzinfo=datetime.timezone(datetime.timedelta(seconds=seconds)))
