"""CooRTweet-layout share tables in and out of ``lockstep coordination``, as integer codes.

The co-action engine (:mod:`analyses.coaction`) works on integer codes; a share table's ids are
text. Reading a large CSV into Python strings, hashing them again in pandas and writing millions
of strings back cost several times the engine's own time, so this module keeps ids as Arrow
dictionaries end to end:

* the file is parsed by Arrow's multi-threaded CSV (or Parquet) reader, ids as text;
* ``object_id`` and ``content_id`` share one dictionary (so "the content id equals the object
  id", CooRTweet's loop rule, is an equality of codes), accounts get their own, numbered in the
  sorted order of their text (so the network's ``pmin``/``pmax`` of two accounts compares codes
  exactly as it compares the ids);
* the engine's output codes become Arrow dictionary columns again and are written by Arrow's CSV
  (or Parquet) writer; spreadsheet formulas are made inert once per distinct id, not per cell.

Input that Arrow cannot take as it is (an odd CSV dialect, dates as timestamps, fractional or
mixed-type values) goes through the pandas reader, which names the file, line and field of
what is wrong.

>>> import io, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "s.csv").write_text("object_id,account_id,content_id,timestamp_share\\n"
...                              "o,b,c1,10\\no,a,c2,20\\n")
>>> t = read_shares(d / "s.csv")
>>> t.frame.to_dict("list")
{'object_id': [0, 0], 'account_id': [1, 0], 'content_id': [1, 2], 'timestamp': [10, 20]}
>>> t.ids.to_pylist(), t.accounts.to_pylist()
(['o', 'c1', 'c2'], ['a', 'b'])
"""

from __future__ import annotations

import csv
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from graph.errors import LockstepError
from lockstep.csvsafe import FORMULA

if TYPE_CHECKING:
    import pandas as pd
# pandas is imported where it is used: `lockstep coordination` parses the file with Arrow while
# pandas and the engine are imported (0.4 s of a 1.6 s run at 1M rows)

COORTWEET_COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")
_ID_FIELDS = ("object_id", "account_id", "content_id")
#: which dictionary each output column's codes refer to
_SPACE = {"object_id": "ids", "content_id": "ids", "content_id_y": "ids",
          "account_id": "accounts", "account_id_y": "accounts", "from": "accounts",
          "to": "accounts", "object_type": "types"}


@dataclass
class Shares:
    """A share table as codes: ``frame`` holds ``object_id, account_id, content_id`` (+
    ``object_type``) as int32 codes and ``timestamp`` as int64 Unix seconds; ``ids`` is the text
    of the object and content codes, ``accounts`` of the account codes (sorted), ``types`` of
    the object types (or None)."""

    frame: pd.DataFrame
    ids: pa.Array
    accounts: pa.Array
    types: pa.Array | None = None

    def dictionaries(self, names: set[str], inert: bool) -> dict[str, pa.Array]:
        """The named dictionaries; with ``inert``, every formula-like text quoted (OWASP, as
        :mod:`lockstep.csvsafe` does for every other CSV)."""
        out = {k: getattr(self, k) for k in names}
        return {k: _inert(v) for k, v in out.items()} if inert else out


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in {".parquet", ".pq"}


def _where(path: Path, position: int, parquet: bool) -> str:
    """Human location of the data row at 0-based ``position`` (the CSV header is line 1)."""
    return f"{path}, row {position + 1}" if parquet else f"{path}, line {position + 2}"


# ------------------------------------------------------------------------------------ reading
def read_shares(path: Path) -> Shares:
    """Read and validate a CooRTweet-layout CSV or Parquet file into codes.

    IDs are text; ``timestamp_share`` must be whole seconds (an integer, a decimal with no
    fraction such as ``1629589836.0``, or an ISO-8601 date-time, converted to Unix seconds).
    Raises :class:`LockstepError` naming the file, the line (CSV: 1-based line number with the
    header as line 1, assuming one line per record; Parquet: 1-based row) and the field.
    """
    parquet = _is_parquet(path)
    table = _read_arrow(path, parquet)
    if table is None:
        table = _read_pandas_csv(path)
    has_type = "object_type" in table.column_names
    text = {f: _as_text(table[f], path, parquet, f)
            for f in (*_ID_FIELDS, *(("object_type",) if has_type else ()))}
    seconds = _seconds(table["timestamp_share"], path, parquet)

    n = table.num_rows
    # the three hash passes run side by side: Arrow's kernels release the GIL
    with ThreadPoolExecutor(max_workers=2) as pool:
        by_account = pool.submit(_sorted_codes, text["account_id"])
        ids, codes = _shared_codes(text["object_id"], text["content_id"], pool)
        accounts, account_codes = by_account.result()
    frame = {"object_id": codes[:n], "account_id": account_codes, "content_id": codes[n:]}
    types = None
    if has_type:
        enc = pc.dictionary_encode(text["object_type"])
        types = enc.chunk(0).dictionary if enc.num_chunks else pa.array([], pa.string())
        frame["object_type"] = _indices(enc)
    frame["timestamp"] = seconds
    del table, text
    # the parsed text is gone, but Arrow's allocator keeps its pages (1.4 GB at 10M rows)
    pa.default_memory_pool().release_unused()
    import pandas as pd

    return Shares(pd.DataFrame(frame, copy=False), ids, accounts, types)


def _read_arrow(path: Path, parquet: bool) -> pa.Table | None:
    """The table as Arrow reads it, or None when it should go through pandas instead."""
    if parquet:
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise LockstepError(f"{path}: cannot read as Parquet: {exc}") from exc
        _check_header(path, table.column_names, parquet)
        return table
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return None  # pandas names the problem
    _check_header(path, header, parquet)
    wanted = [c for c in (*COORTWEET_COLUMNS, "object_type") if c in header]
    if len(set(header)) != len(header):
        return None  # duplicate column names: pandas' rules
    try:
        return pa_csv.read_csv(
            path,
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                include_columns=wanted, column_types={c: pa.string() for c in wanted},
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None  # ragged rows, bad bytes: pandas names the line


def _check_header(path: Path, columns: list[str], parquet: bool) -> None:
    missing = [c for c in COORTWEET_COLUMNS if c not in columns]
    if missing:
        where = f"{path}" if parquet else f"{path}, line 1 (header)"
        raise LockstepError(
            f"{where}: missing column(s) {', '.join(missing)}; the coortweet format needs "
            f"{', '.join(COORTWEET_COLUMNS)} (found: {', '.join(map(str, columns))})")


def _as_text(col: pa.ChunkedArray, path: Path, parquet: bool, field: str) -> pa.ChunkedArray:
    """An id column as text, refusing null and blank values with their row."""
    if pa.types.is_dictionary(col.type):
        col = pc.cast(col, col.type.value_type)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
            or pa.types.is_integer(col.type)):
        # e.g. floats in Parquet: pandas' text of them (what the pandas reader always gave)
        values = col.to_pandas()
        col = pa.chunked_array([pa.array(values.astype(str).to_numpy(), pa.string(),
                                         mask=values.isna().to_numpy())])
    col = pc.cast(col, pa.string())
    bad = pc.or_kleene(pc.is_null(col), pc.equal(pc.utf8_trim_whitespace(col), ""))
    bad = pc.fill_null(bad, True)
    if pc.any(bad).as_py():
        i = int(pc.index(bad, True).as_py())
        raise LockstepError(f"{_where(path, i, parquet)}, field {field}: empty value")
    return col


def _seconds(col: pa.ChunkedArray, path: Path, parquet: bool) -> np.ndarray:
    """``timestamp_share`` as int64 Unix seconds: integers directly, anything else through the
    pandas rules of :func:`parse_seconds`."""
    if col.null_count == 0:
        if pa.types.is_integer(col.type):
            return pc.cast(col, pa.int64()).to_numpy()
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            try:
                return pc.cast(col, pa.int64()).to_numpy()
            except pa.ArrowInvalid:
                pass  # decimals, date-times or a bad value: the slow rules below
    return parse_seconds(col.to_pandas(), path, parquet).to_numpy()


def _shared_codes(objects: pa.ChunkedArray, contents: pa.ChunkedArray,
                  pool: ThreadPoolExecutor) -> tuple[pa.Array, np.ndarray]:
    """One dictionary for object and content ids, and the codes of both columns (objects
    first), exactly as ``dictionary_encode`` of the two columns one after the other numbers
    them: objects by first appearance, then the contents that are no object, by theirs.

    Each column is encoded on its own (one in a worker) and the content dictionary is matched
    against the object one: at 10M rows that is 1.5-2 s faster than one hash table over 20M ids.
    """
    by_content = pool.submit(pc.dictionary_encode, contents)
    eo = pc.dictionary_encode(objects)
    ec = by_content.result()
    empty = pa.array([], pa.string())
    d_obj = eo.chunk(0).dictionary if eo.num_chunks else empty
    d_con = ec.chunk(0).dictionary if ec.num_chunks else empty
    hit = pc.index_in(d_con, value_set=d_obj)
    found = hit.is_valid().to_numpy(zero_copy_only=False)
    remap = np.empty(len(d_con), dtype=np.int32)
    remap[found] = hit.drop_null().to_numpy()
    new = ~found
    remap[new] = len(d_obj) + np.arange(int(new.sum()), dtype=np.int32)
    ids = pa.concat_arrays([d_obj, d_con.filter(pa.array(new))])
    return ids, np.concatenate([_indices(eo), remap[_indices(ec)]])


def _indices(encoded: pa.ChunkedArray) -> np.ndarray:
    if encoded.num_chunks == 0:
        return np.zeros(0, dtype=np.int32)
    return np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks]
                          ).astype(np.int32, copy=False)


def _sorted_codes(col: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """Dictionary codes numbered by the sorted order of their text (code order = id order;
    UTF-8 bytes sort as code points, as Python's and R's C-locale string comparisons do)."""
    enc = pc.dictionary_encode(col)
    if enc.num_chunks == 0:
        return pa.array([], pa.string()), np.zeros(0, dtype=np.int32)
    dictionary = enc.chunk(0).dictionary
    order = pc.sort_indices(dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return dictionary.take(pa.array(order)), rank[_indices(enc)]


def _read_pandas_csv(path: Path) -> pa.Table:
    """A CSV Arrow does not take as it is, read by pandas as text (its errors name the line);
    the ids and timestamps are then checked by the same rules as Arrow's table."""
    import pandas as pd

    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[],
                          encoding="utf-8-sig")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise LockstepError(f"{path}: cannot read as CSV: {exc}") from exc
    _check_header(path, list(map(str, raw.columns)), parquet=False)
    return pa.Table.from_pandas(raw, preserve_index=False)


def parse_seconds(col: pd.Series, path: Path, parquet: bool) -> pd.Series:
    """Whole Unix seconds from integers, whole decimals or ISO-8601 date-times (else an error
    naming the row)."""
    import pandas as pd

    field = "timestamp_share"
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        if col.isna().any():
            i = int(np.flatnonzero(col.isna().to_numpy())[0])
            raise LockstepError(f"{_where(path, i, parquet)}, field {field}: missing value")
        ts = (col.dt.tz_convert("UTC").dt.tz_localize(None)
              if getattr(col.dt, "tz", None) is not None else col)
        return pd.Series(ts.astype("datetime64[s]").to_numpy().astype(np.int64))
    num = pd.to_numeric(col, errors="coerce")
    values = np.array(num.to_numpy(dtype=np.float64, na_value=np.nan), copy=True)
    bad = ~np.isfinite(values)
    if bad.any():  # maybe ISO-8601 date-times
        as_text = col.astype(str)[bad]
        dt = pd.to_datetime(as_text, errors="coerce", utc=True, format="ISO8601")
        ok = dt.notna().to_numpy()
        seconds = (dt[ok] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
        values[np.flatnonzero(bad)[ok]] = seconds.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(values)
    frac = np.zeros(len(values), dtype=bool)
    frac[~bad] = values[~bad] != np.floor(values[~bad])
    if bad.any() or frac.any():
        i = int(np.flatnonzero(bad | frac)[0])
        raise LockstepError(
            f"{_where(path, i, parquet)}, field {field}: cannot read {str(col.iloc[i])!r} as "
            "whole Unix seconds (integer or ISO-8601 date-time)")
    if pd.api.types.is_integer_dtype(num.dtype):  # exact, no float round trip
        return pd.Series(num.to_numpy().astype(np.int64))
    return pd.Series(values.astype(np.int64))


# ------------------------------------------------------------------------------------ writing
def _inert(text: pa.Array) -> pa.Array:
    hit = pc.match_substring_regex(text, FORMULA.pattern)  # the same pattern, as RE2
    if not pc.any(hit).as_py():
        return text
    return pc.if_else(hit, pc.binary_join_element_wise("'", text, ""), text)


# what CSV must quote (RFC 4180), and edge spaces, which R's fread strips from unquoted fields
_NEEDS_QUOTES = '[",\r\n]|^\\s|\\s$'


def _quoting(columns: dict[str, pa.Array], dicts: dict[str, pa.Array]) -> str:
    """Arrow's quoting style for these columns: ``none`` when no text can need quotes (every
    id is checked once, in its dictionary), else ``needed`` (Arrow then quotes every text cell).
    Unquoted ids are what CooRTweet's ``fwrite`` writes, and a third fewer bytes at 29M pairs."""
    texts = list(dicts.values()) + [a for a in columns.values()
                                    if pa.types.is_string(a.type) or pa.types.is_large_string(a.type)]
    if any(pc.any(pc.match_substring_regex(t, _NEEDS_QUOTES)).as_py() for t in texts):
        return "needed"
    return "none"


_WRITE_ROWS = 1 << 17  # rows turned into CSV text at once


def _write_csv(out: pa.Table, path: Path, quoting: str) -> None:
    """CRLF rows, as every other CSV Lockstep writes, under a plain header of our own (Arrow
    would quote it). Slices of the table are formatted two at a time (Arrow's writer is
    single-threaded and releases the GIL) and written in order, at most three slices in memory."""
    opts = pa_csv.WriteOptions(include_header=False, eol="\r\n", batch_size=1 << 16,
                               quoting_style=quoting)

    def text(part: pa.Table) -> pa.Buffer:
        buf = pa.BufferOutputStream()
        pa_csv.write_csv(part, buf, opts)
        return buf.getvalue()

    with open(path, "wb") as f, ThreadPoolExecutor(max_workers=2) as pool:
        f.write((",".join(out.column_names) + "\r\n").encode())
        pending: deque = deque()
        for start in range(0, out.num_rows, _WRITE_ROWS):
            pending.append(pool.submit(text, out.slice(start, _WRITE_ROWS)))
            if len(pending) > 2:
                f.write(pending.popleft().result())
        while pending:
            f.write(pending.popleft().result())


def write_table(table: pd.DataFrame, shares: Shares, path: Path) -> None:
    """Write an engine table whose id columns are codes of ``shares`` (CSV, or Parquet by the
    ``.parquet`` suffix); ids go out as their text, formula-like text inert in CSV, quoted only
    if some id needs it."""
    parquet = _is_parquet(path)
    dicts = shares.dictionaries({_SPACE[c] for c in table.columns if c in _SPACE},
                                inert=not parquet)
    columns = {}
    for name in table.columns:
        values = table[name].to_numpy()
        space = _SPACE.get(name)
        if space is None:
            columns[name] = pa.array(values)
            continue
        arr = pa.DictionaryArray.from_arrays(pa.array(values.astype(np.int32, copy=False)),
                                             dicts[space])
        columns[name] = arr.dictionary_decode() if parquet else arr
    out = pa.table(columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    # written next to the target and renamed at the end: a failed or interrupted write never
    # leaves a half file under the name (or half-overwrites the previous run's)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        if parquet:
            pq.write_table(out, part)
        else:
            _write_csv(out, part, _quoting(columns, dicts))
        os.replace(part, path)
    except (OSError, pa.ArrowException) as exc:
        raise LockstepError(f"cannot write {path}: {exc}") from exc
    finally:
        part.unlink(missing_ok=True)


__all__ = ["COORTWEET_COLUMNS", "Shares", "read_shares", "parse_seconds",
           "write_table"]
