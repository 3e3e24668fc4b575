"""Normalisation shared by every reader: hashtags, handles, times (UTC), numbers, URLs, lists.

Converters raise ``ValueError`` with a short reason; readers turn that into a reject (required
field) or a field warning (optional field) naming the field.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ingest.records import FieldWarning

_MS_THRESHOLD = 10**11  # Unix seconds stay below this until the year 5138; larger means ms
# Bounds that keep every value storable: Neo4j integers are 64-bit, its datetimes end in year
# 999,999,999 (we stop at 9999), and a range-index key (ids, handles, hashtags, URLs) must stay
# under ~8 kB. Real values are far inside them: a TikTok handle is <= 24 characters, an id 19
# digits, a hashtag ~100 characters.
MAX_INT = 2**63 - 1
MAX_TS = 253_402_300_799       # 9999-12-31T23:59:59Z
MAX_KEY_BYTES = 1_000          # ids, handles, hashtags (UTF-8 bytes)
MAX_URL_BYTES = 4_000


class RecordError(ValueError):
    """A required field is missing or unusable: the whole record is rejected."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _key(text: str, what: str, limit: int = MAX_KEY_BYTES) -> str:
    """``text`` if it fits an index key, else the reason it does not."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise ValueError(f"{what} too long ({size:,} bytes, at most {limit:,})")
    return text


def hashtag(value: Any) -> str | None:
    """``#SkyFall`` -> ``skyfall``: Unicode NFC, lower-case, no leading ``#``, trimmed."""
    if not isinstance(value, str):
        raise ValueError(f"hashtag must be text, got {type(value).__name__}")
    text = unicodedata.normalize("NFC", value).strip().lstrip("#＃").strip().lower()
    return _key(text, "hashtag") or None


def hashtags(values: Any) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in re.split(r"[\s,]+", values) if v]
    if not isinstance(values, list | tuple):
        raise ValueError(f"expected a list of hashtags, got {type(values).__name__}")
    out: list[str] = []
    for v in values:
        tag = hashtag(v)
        if tag and tag not in out:
            out.append(tag)
    return out


def handle(value: Any) -> str:
    """An account handle as the platform shows it, without ``@`` (case kept, NFC)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    text = unicodedata.normalize("NFC", value).strip().lstrip("@")
    if not text:
        raise ValueError("empty")
    return _key(text, "handle")


# a decimal mantissa or a signed exponent: "1.0e3", "7.301E+18" (a bare "1e5" may be a hash)
_FLOAT_ID = re.compile(r"^[+-]?\d+(?:\.\d+[eE][+-]?|[eE][+-])\d+$")


def ident(value: Any) -> str:
    """A platform id (int or digit string or opaque hash) as text; floats like 1.0e18 refused."""
    if isinstance(value, bool):
        raise ValueError("expected an id, got a boolean")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        raise ValueError(f"id {value!r} is a float (precision lost)")
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(".0") and text[:-2].isdigit():
            text = text[:-2]
        if _FLOAT_ID.match(text):  # a spreadsheet's "7.301e18": the digits are gone
            raise ValueError(f"id {text!r} is in floating-point notation (precision lost)")
        if not text:
            raise ValueError("empty")
        return _key(text, "id")
    raise ValueError(f"expected an id, got {type(value).__name__}")


def timestamp(value: Any) -> int:
    """Unix seconds (UTC) from epoch seconds/ms, ISO 8601, or ``YYYY-MM-DD HH:MM[:SS]``."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"not a time: {value!r}")
        secs = int(value / 1000 if abs(value) >= _MS_THRESHOLD else value)
        if not 0 <= secs <= MAX_TS:
            raise ValueError(f"time {value!r} is out of range (before 1970 or after 9999)")
        return secs
    if not isinstance(value, str):
        raise ValueError(f"not a time: {type(value).__name__}")
    text = value.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return timestamp(float(text) if "." in text else int(text))
    iso = text.replace("Z", "+00:00").replace(" UTC", "+00:00")
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"unparseable time {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # archives write UTC without saying so
    secs = int(parsed.timestamp())
    if secs < 0:
        raise ValueError(f"time {text!r} is out of range (before 1970)")
    return secs


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def count(value: Any) -> int | None:
    """A non-negative counter; ``12.0`` and ``"12"`` accepted, ``""``/None mean unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError(f"not a number: {value!r}") from None
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"not a whole number: {value!r}")
        value = int(value)
    if not isinstance(value, int):
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"negative count {value}")
    if value > MAX_INT:
        raise ValueError(f"count beyond the 64-bit range ({len(str(value))} digits)")
    return value


def boolean(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.strip().lower() in ("true", "1", "yes")
    raise ValueError(f"not a boolean: {value!r}")


def text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return unicodedata.normalize("NFC", value)


def url(value: Any) -> str | None:
    """Trimmed URL with a lower-case scheme and host; scheme-less links get ``https://``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a URL, got {type(value).__name__}")
    raw = value.strip()
    if not raw:
        return None
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    if not parts.netloc:
        raise ValueError(f"not a URL: {value[:200]!r}")
    return _key(urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, "")),
                "URL", MAX_URL_BYTES)


# A hashtag inside a caption: '#' (or the full-width '＃') then word characters, not preceded by a
# word character (so 'a#b' and URL fragments are not tags).
_CAPTION_TAG = re.compile(r"(?<![\w&/])[#＃](\w{1,100})")
_CAPTION_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}\u2026"
MAX_CAPTION_SIGNALS = 30      # per post and kind: a caption stuffed with links proves nothing more
MAX_URL_CHARS = 2_000         # longer "links" are spam or junk, and too long for an index key


def caption_hashtags(caption: str | None) -> list[str]:
    """The ``#tags`` written in a caption, normalised like every hashtag, in order, unique.

    >>> caption_hashtags("Try the #SkyFall challenge! #fyp #SkyFall https://x.io/a#frag")
    ['skyfall', 'fyp']
    """
    if not caption:
        return []
    return hashtags(_CAPTION_TAG.findall(caption)[:MAX_CAPTION_SIGNALS])


def caption_urls(caption: str | None) -> list[str]:
    """The links written in a caption (``https://...``, ``www....``), normalised, in order, unique.

    Trailing punctuation is not part of a link; what is not a URL is skipped.

    >>> caption_urls("read this: https://News.example.com/story?id=7. and www.other.org/x)")
    ['https://news.example.com/story?id=7', 'https://www.other.org/x']
    """
    if not caption:
        return []
    out: list[str] = []
    for raw in _CAPTION_URL.findall(caption):
        raw = raw.rstrip(_URL_TRAILING)
        if len(raw) > MAX_URL_CHARS:
            continue
        try:
            u = url(raw)
        except ValueError:
            continue
        if u and u not in out:
            out.append(u)
        if len(out) >= MAX_CAPTION_SIGNALS:
            break
    return out


def py_list(value: Any) -> list[Any]:
    """A list written as a Python repr (``"['a', 'b']"``), JSON, or a comma-separated string."""
    if value is None or value == "" or value == "[]":
        return []
    if isinstance(value, list):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a list, got {type(value).__name__}")
    stripped = value.strip()
    if stripped.startswith("["):
        try:
            parsed = ast.literal_eval(stripped)
        except (ValueError, SyntaxError):
            raise ValueError(f"unparseable list {value[:80]!r}") from None
        if not isinstance(parsed, list | tuple):
            raise ValueError(f"unparseable list {value[:80]!r}")
        return list(parsed)
    return [v.strip() for v in stripped.split(",") if v.strip()]


class Fields:
    """Reads fields of one source record: required ones raise, optional ones warn.

    >>> f = Fields({"like_count": "lots"}, "videos.jsonl", 7)
    >>> f.optional("like_count", count) is None, f.warnings[0].field
    (True, 'like_count')
    """

    def __init__(self, record: dict[str, Any], file: str, number: int) -> None:
        self.record = record
        self.file = file
        self.number = number
        self.warnings: list[FieldWarning] = []

    def required(self, name: str, conv: Callable[[Any], Any], *alts: str) -> Any:
        for key in (name, *alts):
            value = self.record.get(key)
            if value is not None and value != "":
                try:
                    return conv(value)
                except ValueError as exc:
                    raise RecordError(key, str(exc)) from None
        raise RecordError(name, "missing required field")

    def optional(self, name: str, conv: Callable[[Any], Any], *alts: str) -> Any:
        for key in (name, *alts):
            if key in self.record:
                value = self.record[key]
                # An empty string or list is no value (the graph cannot tell [] from absent).
                if value is None or value == "" or value == []:
                    return None
                try:
                    return conv(value)
                except ValueError as exc:
                    self.warnings.append(FieldWarning(self.file, self.number, key, str(exc), value))
                    return None
        return None
