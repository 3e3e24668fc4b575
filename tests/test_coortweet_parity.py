"""Exact parity with CooRTweet 2.1.3 on the reference outputs of the R package.

The reference files live outside the repository in ``../shared/data/coortweet`` (see its
README); these tests skip, with the reason, where that folder is absent.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from analyses.coaction import PAIR_COLUMNS, detect_groups
from analyses.network import coordinated_network

REF = Path(__file__).resolve().parents[2] / "shared" / "data" / "coortweet"
ID_COLUMNS = ["object_id", "account_id", "content_id", "content_id_y", "account_id_y",
              "from", "to"]

pytestmark = pytest.mark.skipif(
    not REF.is_dir(), reason=f"CooRTweet reference data not found at {REF} (shared data folder "
                             "absent, e.g. in a user's clone)")


def _read(name: str) -> pd.DataFrame:
    path = REF / name
    if not path.is_file():
        pytest.skip(f"reference file {path} is missing")
    head = pd.read_csv(path, nrows=0).columns
    return pd.read_csv(path, dtype={c: str for c in head if c in ID_COLUMNS})


def _input(name: str) -> pd.DataFrame:
    x = _read(name)
    return x.rename(columns={"timestamp_share": "timestamp"})


def _pair_set(df: pd.DataFrame) -> set[tuple]:
    cols = list(PAIR_COLUMNS)
    d = df[cols].astype({c: str for c in cols if c != "time_delta"})
    d["time_delta"] = d["time_delta"].astype("int64")
    return set(d.itertuples(index=False, name=None))


def _assert_edges_equal(ours: pd.DataFrame, ref: pd.DataFrame) -> None:
    exact = ["from", "to", "weight", "n_content_id", "n_content_id_y"]
    assert len(ours) == len(ref)
    ours_exact = set(ours[exact].astype({"weight": "int64", "n_content_id": "int64",
                                         "n_content_id_y": "int64"})
                     .itertuples(index=False, name=None))
    ref_exact = set(ref[exact].itertuples(index=False, name=None))
    assert ours_exact == ref_exact
    # the float attributes, per edge, to 1e-9
    key = ["from", "to"]
    merged = ours.merge(ref, on=key, suffixes=("", "_ref"), validate="one_to_one")
    assert len(merged) == len(ref)
    for col in ("avg_time_delta", "edge_symmetry_score", "weight_threshold"):
        for a, b in zip(merged[col], merged[f"{col}_ref"], strict=True):
            assert math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9), (col, a, b)


def _partition(accounts: pd.DataFrame) -> set[frozenset[str]]:
    groups = accounts.astype({"account_id": str}).groupby("component")["account_id"]
    return {frozenset(members) for _, members in groups}


CASES = [
    pytest.param("russian_coord_tweets.csv", "ref_tw60_mp2_detect_groups.csv",
                 "ref_tw60_mp2_ew0.5_edges.csv", "ref_tw60_mp2_ew0.5_accounts.csv",
                 id="russian_coord_tweets"),
    pytest.param("german_urls_input.csv", "german_urls_tw60_mp2_pairs.csv",
                 "german_urls_tw60_mp2_edges.csv", "german_urls_tw60_mp2_accounts.csv",
                 id="german_urls"),
]


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    return {}


def _run(results: dict, input_name: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    if input_name not in results:
        pairs = detect_groups(_input(input_name), time_window=60, min_participation=2)
        edges, accounts = coordinated_network(pairs, edge_weight=0.5, subgraph=1)
        results[input_name] = (pairs, edges, accounts)
    return results[input_name]


@pytest.mark.parametrize(("input_name", "pairs_ref", "edges_ref", "accounts_ref"), CASES)
def test_detect_groups_pairs(results, input_name, pairs_ref, edges_ref, accounts_ref):
    pairs, _, _ = _run(results, input_name)
    ref = _read(pairs_ref)
    assert len(pairs) == len(ref)
    assert _pair_set(pairs) == _pair_set(ref)
    # CooRTweet's row order too (it drives igraph's from/to orientation)
    ours = pairs[list(PAIR_COLUMNS)].astype(str).reset_index(drop=True)
    assert ours.equals(ref[list(PAIR_COLUMNS)].astype(str))


@pytest.mark.parametrize(("input_name", "pairs_ref", "edges_ref", "accounts_ref"), CASES)
def test_network_edges(results, input_name, pairs_ref, edges_ref, accounts_ref):
    _, edges, _ = _run(results, input_name)
    _assert_edges_equal(edges, _read(edges_ref))


@pytest.mark.parametrize(("input_name", "pairs_ref", "edges_ref", "accounts_ref"), CASES)
def test_network_accounts_partition(results, input_name, pairs_ref, edges_ref, accounts_ref):
    _, _, accounts = _run(results, input_name)
    ref = _read(accounts_ref)
    assert set(accounts["account_id"]) == set(ref["account_id"].astype(str))
    assert _partition(accounts) == _partition(ref)
    # igraph's vertex order and component numbering are reproduced as well
    assert accounts["account_id"].tolist() == ref["account_id"].astype(str).tolist()
    assert accounts["component"].tolist() == ref["component"].tolist()


@pytest.mark.parametrize(("input_name", "pairs_ref", "edges_ref", "accounts_ref"), CASES)
def test_network_from_reference_pairs(input_name, pairs_ref, edges_ref, accounts_ref):
    """The network stage alone, fed with CooRTweet's own pairs."""
    edges, accounts = coordinated_network(_read(pairs_ref), edge_weight=0.5, subgraph=1)
    _assert_edges_equal(edges, _read(edges_ref))
    assert _partition(accounts) == _partition(_read(accounts_ref))


def test_simulated_truth_pairs():
    """CooRTweet's simulate_data (seed 123): detect_groups(input, 10, 2) == the TRUE pairs."""
    x = _input("sim_seed123_input.csv")
    truth = _read("sim_seed123_truth_pairs.csv")
    flag = truth["coordinated"].astype(str).str.upper() == "TRUE"
    pairs = detect_groups(x, time_window=10, min_participation=2)
    assert _pair_set(pairs) == _pair_set(truth[flag])
