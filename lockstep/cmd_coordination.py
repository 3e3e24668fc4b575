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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click


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

    from lockstep.coortweet_table import read_shares, write_table  # Arrow, not yet pandas

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(read_shares, input_path)
        # pandas and the engine load while Arrow's threads parse the file
        from analyses.coaction import PAIR_COLUMNS, CoActionCapWarning, detect_groups
        from analyses.network import ACCOUNT_COLUMNS, EDGE_COLUMNS, coordinated_network
        shares = reading.result()
    actions = shares.frame
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
    network = edges_out is not None or accounts_out is not None
    # the pairs file is written while the network is computed (Arrow's writer releases the GIL)
    with ThreadPoolExecutor(max_workers=1) as pool:
        written = pool.submit(write_table, pairs[cols], shares, out_path)
        if network:
            t2 = time.monotonic()
            edges, accounts = coordinated_network(pairs, edge_weight=edge_weight, subgraph=1)
            t_net = time.monotonic() - t2
        written.result()
    click.echo(f"pairs: {len(pairs):,} (window {window}s, min participation "
               f"{min_participation}) in {t_pairs:.1f}s -> {out_path}")

    if network:
        thr = edges.attrs.get("weight_threshold_value")
        n_comp = int(accounts["component"].nunique()) if len(accounts) else 0
        click.echo(f"network: {len(edges):,} edges with weight > {thr:g} (quantile "
                   f"{edge_weight:g}), {len(accounts):,} accounts in {n_comp:,} components "
                   f"in {t_net:.1f}s" if thr == thr else
                   f"network: no edges (no pairs) in {t_net:.1f}s")
        if edges_out is not None:
            write_table(edges[list(EDGE_COLUMNS)], shares, edges_out)
            click.echo(f"  edges -> {edges_out}")
        if accounts_out is not None:
            write_table(accounts[list(ACCOUNT_COLUMNS)], shares, accounts_out)
            click.echo(f"  accounts -> {accounts_out}")
    click.echo(f"done in {time.monotonic() - t0:.1f}s")
