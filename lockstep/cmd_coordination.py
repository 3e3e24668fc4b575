"""`lockstep coordination`: CooRTweet-compatible co-share detection on a file, offline.

Reads a table in CooRTweet's layout (``object_id, account_id, content_id, timestamp_share``,
optionally ``object_type``), runs :func:`analyses.coaction.detect_groups` and, if asked,
:func:`analyses.network.coordinated_network`, and writes CooRTweet's tables. No database needed.

    lockstep coordination --input shares.csv --format coortweet --window 60 \\
        --min-participation 2 --out pairs.csv --edges-out edges.csv --accounts-out accounts.csv

Registered on the CLI group in ``lockstep/cli.py`` (``main.add_command(coordination)``).
"""

from __future__ import annotations

import time
from pathlib import Path

import click
import numpy as np
import pandas as pd

from graph.errors import LockstepError
from lockstep.csvsafe import inert

COORTWEET_COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")
_ID_FIELDS = ("object_id", "account_id", "content_id")


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in {".parquet", ".pq"}


def _where(path: Path, position: int, parquet: bool) -> str:
    """Human location of the data row at 0-based ``position`` (the CSV header is line 1)."""
    return f"{path}, row {position + 1}" if parquet else f"{path}, line {position + 2}"


def read_coortweet(path: Path) -> pd.DataFrame:
    """Read and validate a CooRTweet-layout CSV or Parquet file.

    IDs are read as strings; ``timestamp_share`` must be whole seconds (an integer, a decimal
    with no fraction such as ``1629589836.0``, or an ISO-8601 date-time, converted to Unix
    seconds). Raises :class:`LockstepError` naming the file, the line (CSV: 1-based line number
    with the header as line 1, assuming one line per record; Parquet: 1-based row) and the field.
    Returns columns ``object_id, account_id, content_id, timestamp`` (+ ``object_type``).
    """
    parquet = _is_parquet(path)
    try:
        if parquet:
            raw = pd.read_parquet(path)
        else:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise LockstepError(f"{path}: cannot read as {'Parquet' if parquet else 'CSV'}: {exc}") \
            from exc
    missing = [c for c in COORTWEET_COLUMNS if c not in raw.columns]
    if missing:
        where = f"{path}" if parquet else f"{path}, line 1 (header)"
        raise LockstepError(
            f"{where}: missing column(s) {', '.join(missing)}; the coortweet format needs "
            f"{', '.join(COORTWEET_COLUMNS)} (found: {', '.join(map(str, raw.columns))})")

    out: dict[str, pd.Series] = {}
    for field in (*_ID_FIELDS, *(("object_type",) if "object_type" in raw.columns else ())):
        col = raw[field]
        missing_value = col.isna().to_numpy()
        col = col.astype(str)
        bad = missing_value | (col.str.strip() == "").to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise LockstepError(f"{_where(path, i, parquet)}, field {field}: empty value")
        out[field] = col.reset_index(drop=True)
    out["timestamp"] = _parse_seconds(raw["timestamp_share"], path, parquet)
    return pd.DataFrame(out)


def _parse_seconds(col: pd.Series, path: Path, parquet: bool) -> pd.Series:
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


def _write(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if _is_parquet(path):
            df.to_parquet(path, index=False)
        else:
            inert(df).to_csv(path, index=False, lineterminator="\r\n")  # see exports.render
    except OSError as exc:
        raise LockstepError(f"cannot write {path}: {exc}") from exc


@click.command("coordination")
@click.option("--input", "input_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV or Parquet (.parquet) with object_id, account_id, content_id, "
                   "timestamp_share [, object_type].")
@click.option("--format", "fmt", type=click.Choice(["coortweet"]), default="coortweet",
              show_default=True, help="Input layout (CooRTweet's prep_data layout).")
@click.option("--window", type=click.IntRange(min=0), default=60, show_default=True,
              help="Time window in seconds (CooRTweet time_window, inclusive).")
@click.option("--min-participation", type=click.IntRange(min=1), default=2, show_default=True,
              help="CooRTweet min_participation.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the pairs (CSV, or Parquet by .parquet suffix).")
@click.option("--edges-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the coordinated network's edges here.")
@click.option("--accounts-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the network's accounts with their connected component here.")
@click.option("--edge-weight", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Percentile of edge weights an edge must exceed (CooRTweet edge_weight).")
@click.option("--max-pairs-per-object", type=click.IntRange(min=1), default=None,
              help="Cap pairs per object (k nearest shares in time); off = exact CooRTweet.")
def coordination(input_path: Path, fmt: str, window: int, min_participation: int,
                 out_path: Path, edges_out: Path | None, accounts_out: Path | None,
                 edge_weight: float, max_pairs_per_object: int | None) -> None:
    """Find co-shares in a file (CooRTweet detect_groups + generate_coordinated_network)."""
    import warnings

    from analyses.coaction import PAIR_COLUMNS, CoActionCapWarning, detect_groups
    from analyses.network import ACCOUNT_COLUMNS, EDGE_COLUMNS, coordinated_network

    t0 = time.monotonic()
    actions = read_coortweet(input_path)
    t_read = time.monotonic() - t0
    click.echo(f"read {len(actions):,} rows from {input_path} in {t_read:.1f}s")

    t1 = time.monotonic()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CoActionCapWarning)
        pairs = detect_groups(actions, time_window=window, min_participation=min_participation,
                              max_pairs_per_object=max_pairs_per_object)
    for w in caught:
        click.secho(f"warning: {w.message}", fg="yellow", err=True)
    t_pairs = time.monotonic() - t1
    cols = list(PAIR_COLUMNS) + (["object_type"] if "object_type" in pairs.columns else [])
    _write(pairs[cols], out_path)
    click.echo(f"pairs: {len(pairs):,} (window {window}s, min participation "
               f"{min_participation}) in {t_pairs:.1f}s -> {out_path}")

    if edges_out is not None or accounts_out is not None:
        t2 = time.monotonic()
        edges, accounts = coordinated_network(pairs, edge_weight=edge_weight, subgraph=1)
        t_net = time.monotonic() - t2
        thr = edges.attrs.get("weight_threshold_value")
        n_comp = int(accounts["component"].nunique()) if len(accounts) else 0
        click.echo(f"network: {len(edges):,} edges with weight > {thr:g} (quantile "
                   f"{edge_weight:g}), {len(accounts):,} accounts in {n_comp:,} components "
                   f"in {t_net:.1f}s" if thr == thr else
                   f"network: no edges (no pairs) in {t_net:.1f}s")
        if edges_out is not None:
            _write(edges[list(EDGE_COLUMNS)], edges_out)
            click.echo(f"  edges -> {edges_out}")
        if accounts_out is not None:
            _write(accounts[list(ACCOUNT_COLUMNS)], accounts_out)
            click.echo(f"  accounts -> {accounts_out}")
    click.echo(f"done in {time.monotonic() - t0:.1f}s")
