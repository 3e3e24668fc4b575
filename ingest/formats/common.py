"""Streaming helpers shared by the readers: JSON lines, CSV rows, rejects."""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from ingest.records import Parsed, Reject

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # captions can be long

_progress: Callable[[int], None] | None = None
_EVERY = 8192  # lines between progress reports


def set_progress_hook(hook: Callable[[int], None] | None) -> None:
    """``hook(bytes_read_in_current_file)`` is called now and then by the line iterators."""
    global _progress
    _progress = hook


def report(position: int) -> None:
    if _progress is not None:
        _progress(position)


def reject_for(kind: str, file: str, number: int, field: str | None, reason: str, raw: Any) -> Parsed:
    return Parsed(kind=kind, reject=Reject(file=file, record=number, field=field, reason=reason, raw=raw))


def safely(kind: str, file: str, number: int, raw: Any, parse: Callable[..., Parsed], /,
           *args: Any, **kwargs: Any) -> Parsed:
    """``parse(*args, **kwargs)``, or a reject of this record if it fails in a way its reader did
    not foresee (a list where an object was expected deep inside it): one odd record never ends
    its file."""
    try:
        return parse(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any failure here is this record's
        reason = f"unusable record ({type(exc).__name__}: {str(exc)[:200]})"
        return reject_for(kind, file, number, None, reason, raw)


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, object, None) per line, or (line number, raw text, reason) if malformed.

    Streams: one line in memory at a time. Blank lines are not records and are skipped.
    """
    position = 0
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, 1):
            position += len(line)
            if number == 1:
                line = strip_bom(line)
            if number % _EVERY == 0:
                report(position)
            if not line.strip():
                continue
            try:
                yield number, orjson.loads(line), None
            except orjson.JSONDecodeError as exc:
                yield number, line.decode("utf-8", "replace").rstrip("\n"), f"malformed JSON: {exc}"


def iter_csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str] | None, str | None]]:
    """(line number, row, None) per CSV record, or (line number, None, reason) for a broken row.

    The line number is where the record starts (quoted fields may span lines), so people can find
    it in an editor. Columns may come in any order; names are matched case-insensitively.
    """
    # invalid bytes are kept as surrogate escapes, so that their row is rejected, not altered
    with open(path, newline="", encoding="utf-8-sig", errors="surrogateescape") as fh:
        reader = csv.reader(_counting(fh))
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            return
        start = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, None, f"malformed CSV: {exc}"
                start = reader.line_num + 1
                continue
            number, start = start, reader.line_num + 1
            if not values or all(not v for v in values):
                continue
            # one search per row (the hot path of a large CSV); the field only when there is a hit
            if _INVALID.search("".join(values)):
                bad = next(i for i, v in enumerate(values) if _INVALID.search(v))
                name = header[bad] if bad < len(header) else f"column {bad + 1}"
                byte = ord(_INVALID.search(values[bad]).group()) - 0xDC00
                values = [_INVALID.sub("\ufffd", v) for v in values]
                yield number, dict(zip(header, values, strict=False)), (
                    f"field {name}: invalid UTF-8 (byte 0x{byte:02x})")
                continue
            if len(values) != len(header):
                yield number, dict(zip(header, values, strict=False)), (
                    f"expected {len(header)} columns, found {len(values)}")
                continue
            yield number, dict(zip(header, values, strict=True)), None


def _counting(lines: Iterator[str]) -> Iterator[str]:
    position = 0
    for number, line in enumerate(lines, 1):
        position += len(line)  # characters, close enough to bytes for a progress bar
        if number % _EVERY == 0:
            report(position)
        yield line


BOM = b"\xef\xbb\xbf"
_INVALID = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogate escapes)


def strip_bom(data: bytes) -> bytes:
    """``data`` without a leading UTF-8 byte order mark (Windows tools write one)."""
    return data[len(BOM):] if data.startswith(BOM) else data


def read_head(path: Path, size: int = 4096) -> bytes:
    with open(path, "rb") as fh:
        return strip_bom(fh.read(size))
