"""What a scraper may yield: dicts of JSON values, checked as they arrive."""

import datetime
import math

from .errors import UnsupportedOutput


def to_json_value(value, where):
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        # JSON has no NaN or infinity; None is what a reader can handle.
        return value if math.isfinite(value) else None
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    # Plain values are taken as they are before a place name is made for them: a big
    # page's scraper yields tens of thousands of records of a few strings each.
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str) or not (v is None or isinstance(v, (str, bool, int))):
                break
        else:
            return dict(value)  # most records: string keys, plain values; a copy made at C speed
        checked = {}
        for k, v in value.items():
            key = k if isinstance(k, str) else _key(k, where)
            checked[key] = v if v is None or isinstance(v, (str, bool, int)) else to_json_value(v, f"{where}.{k}")
        return checked
    if isinstance(value, (list, tuple)):
        return [v if v is None or isinstance(v, (str, bool, int)) else to_json_value(v, f"{where}[{i}]")
                for i, v in enumerate(value)]
    # A bs4 Tag or NavigableString is a common slip; say so plainly.
    raise UnsupportedOutput(
        f"{where} is a {type(value).__module__}.{type(value).__name__}; records may hold only "
        "str, int, float, bool, None, lists, dicts and dates (use .get_text() or str())"
    )


def _key(key, where):
    if isinstance(key, str):
        return key
    if isinstance(key, (int, float, bool)) or key is None:
        return str(key)
    raise UnsupportedOutput(f"{where} has a key of type {type(key).__name__}; keys must be strings")


def to_record(value, index):
    if not isinstance(value, dict):
        raise UnsupportedOutput(f"record {index} is a {type(value).__name__}; a scraper must yield dicts (records) or page.follow(...) requests")
    return to_json_value(value, f"record {index}")
