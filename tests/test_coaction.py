"""Unit tests of the co-action engine (analyses.coaction), the network (analyses.network) and the
offline `lockstep coordination` command."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analyses.coaction import (
    PAIR_COLUMNS,
    CoActionCapWarning,
    co_action_pairs,
    detect_groups,
)
from analyses.network import (
    account_pair_summary,
    connected_components,
    coordinated_network,
    louvain_communities,
    r_quantile_type7,
)
from graph.errors import LockstepError
from lockstep.cmd_coordination import coordination

REF = Path(__file__).resolve().parents[2] / "shared" / "data" / "coortweet"


def actions(rows: list[tuple]) -> pd.DataFrame:
    """rows of (object_id, account_id, content_id, timestamp)."""
    return pd.DataFrame(rows, columns=["object_id", "account_id", "content_id", "timestamp"])


def as_set(df: pd.DataFrame) -> set[tuple]:
    return set(df[list(PAIR_COLUMNS)].itertuples(index=False, name=None))


def naive_detect_groups(x: pd.DataFrame, tw: int, mp: int) -> pd.DataFrame:
    """A literal, quadratic transcription of CooRTweet 2.1.3's detect_groups (for testing)."""
    x = x.reset_index(drop=True).copy()
    x["_i"] = np.arange(len(x))
    x = x[x["account_id"].map(x["account_id"].value_counts()) >= mp]
    first = x.groupby("account_id", sort=False)["_i"].transform("min")
    x = x.assign(_f=first).sort_values(["_f", "_i"], kind="stable")
    rows = []
    for obj, g in x.groupby("object_id", sort=False):
        c, a, t = g["content_id"].tolist(), g["account_id"].tolist(), g["timestamp"].tolist()
        for j in range(len(g)):
            for i in range(j):
                if abs(t[i] - t[j]) <= tw:
                    rows.append((obj, c[i], c[j], t[i] - t[j], a[i], a[j]))
    r = pd.DataFrame(rows, columns=list(PAIR_COLUMNS))
    r = r[(r.object_id != r.content_id) & (r.object_id != r.content_id_y)
          & (r.content_id != r.content_id_y) & (r.account_id != r.account_id_y)]
    if mp >= 1 and len(r):
        cids = set(r.content_id) | set(r.content_id_y)
        xx = x[x.content_id.isin(cids)]
        filt = xx[xx.account_id.map(xx.account_id.value_counts()) >= mp]
        keep = set(filt.content_id)
        r = r[r.content_id.isin(keep) | r.content_id_y.isin(keep)].copy()
    swap = r.time_delta > 0
    cols = ["content_id", "content_id_y", "account_id", "account_id_y"]
    r.loc[swap, cols] = r.loc[swap, ["content_id_y", "content_id", "account_id_y",
                                     "account_id"]].to_numpy()
    r["time_delta"] = r.time_delta.abs()
    return r.reset_index(drop=True)


def random_actions(seed: int, n: int = 400, n_acc: int = 25, n_obj: int = 12,
                   span: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return actions(list(zip(
        [f"o{v}" for v in rng.integers(0, n_obj, n)],
        [f"a{v}" for v in rng.integers(0, n_acc, n)],
        [f"c{v}" for v in rng.permutation(n)],
        rng.integers(0, span, n).tolist(), strict=True)))


# ----------------------------------------------------------------------------- detect_groups
def test_window_boundary_is_inclusive():
    x = actions([("o", "a", "c1", 100), ("o", "b", "c2", 160), ("o", "c", "c3", 221)])
    got = detect_groups(x, time_window=60, min_participation=1)
    assert as_set(got) == {("o", "c1", "c2", 60, "a", "b")}  # 60 in, 61 and 121 out
    got0 = detect_groups(actions([("o", "a", "c1", 5), ("o", "b", "c2", 5),
                                  ("o", "c", "c3", 6)]), time_window=0, min_participation=1)
    assert as_set(got0) == {("o", "c1", "c2", 0, "a", "b")}


def test_loops_are_removed():
    x = actions([
        ("o", "a", "c1", 0), ("o", "a", "c2", 1),    # same account: a loop
        ("o", "b", "o", 2),                          # content_id == object_id: a loop
        ("o", "c", "c1", 3),                         # same content id as a's c1: a loop
        ("p", "d", "c9", 0), ("p", "e", "c8", 1),    # a real pair
    ])
    got = detect_groups(x, time_window=10, min_participation=1)
    assert ("p", "c9", "c8", 1, "d", "e") in as_set(got)
    assert not (got["account_id"] == got["account_id_y"]).any()
    assert not (got["content_id"] == got["content_id_y"]).any()
    assert not ((got["content_id"] == got["object_id"])
                | (got["content_id_y"] == got["object_id"])).any()
    assert as_set(got) == {("o", "c2", "c1", 2, "a", "c"), ("p", "c9", "c8", 1, "d", "e")}
    assert as_set(got) == as_set(naive_detect_groups(x, 10, 1))
    kept = detect_groups(x, time_window=10, min_participation=1, remove_loops=False)
    assert len(kept) == 7  # all 6 pairs on o and the one on p


def test_participation_refinement_is_an_or():
    # a has 2 rows in pairs (passes); b, d, e have 1 each (fail); c's 2nd row pairs with nobody
    x = actions([
        ("o1", "a", "a1", 0), ("o1", "b", "b1", 5),
        ("o2", "a", "a2", 0), ("o2", "c", "c1", 5),
        ("o3", "b", "b2", 0), ("o4", "c", "c2", 0),
        ("o5", "d", "d1", 0), ("o5", "e", "e1", 5),
        ("o6", "d", "d2", 0), ("o7", "e", "e2", 0),
    ])
    got = detect_groups(x, time_window=10, min_participation=2)
    # (a, b) and (a, c) are kept because a passes, although b and c do not (OR, not AND);
    # (d, e) is dropped: neither passes
    assert as_set(got) == {("o1", "a1", "b1", 5, "a", "b"), ("o2", "a2", "c1", 5, "a", "c")}
    assert as_set(got) == as_set(naive_detect_groups(x, 10, 2))


def test_prefilter_drops_accounts_with_few_rows():
    x = actions([("o", "a", "a1", 0), ("o", "b", "b1", 1), ("p", "a", "a2", 0),
                 ("p", "b", "b2", 1), ("o", "z", "z1", 0)])
    got = detect_groups(x, time_window=10, min_participation=2)
    assert "z" not in set(got["account_id"]) | set(got["account_id_y"])
    assert len(got) == 2


def test_orientation_and_ties():
    # earlier share first whatever the input order; a tie keeps the account seen first (b)
    x = actions([("o", "b", "b1", 50), ("o", "a", "a1", 20), ("p", "a", "a2", 7),
                 ("p", "b", "b2", 7)])
    got = detect_groups(x, time_window=60, min_participation=1)
    assert as_set(got) == {("o", "a1", "b1", 30, "a", "b"), ("p", "b2", "a2", 0, "b", "a")}


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(("tw", "mp"), [(0, 1), (10, 2), (30, 3), (60, 2)])
def test_matches_literal_coortweet_transcription(seed, tw, mp):
    x = random_actions(seed)
    ref = naive_detect_groups(x, tw, mp)
    got = detect_groups(x, time_window=tw, min_participation=mp)
    assert as_set(got) == as_set(ref)
    assert len(got) == len(ref)
    # and in CooRTweet's row order
    assert got[list(PAIR_COLUMNS)].reset_index(drop=True).equals(ref[list(PAIR_COLUMNS)])


@pytest.mark.parametrize("seed", range(4))
def test_chunked_equals_unchunked(seed):
    x = random_actions(seed, n=3000, n_obj=5, span=600)  # bursts: ~600 rows per object
    whole = detect_groups(x, time_window=60, min_participation=2)
    assert whole.attrs["coaction_stats"]["chunks"] == 1
    for chunk in (1, 7, 1000, 25_000):
        part = detect_groups(x, time_window=60, min_participation=2, max_pairs_per_chunk=chunk)
        assert part.attrs["coaction_stats"]["chunks"] > 1
        assert part.equals(whole)
    unsorted = detect_groups(x, time_window=60, min_participation=2, sort=False,
                             max_pairs_per_chunk=999)
    assert as_set(unsorted) == as_set(whole)


def test_coortweet_order_fallback_and_radix_argsort(monkeypatch):
    import analyses.coaction as ca

    x = random_actions(5, n=800, n_obj=6)
    fast = detect_groups(x, 30, 2)
    monkeypatch.setattr(ca, "_MAX_PAIR_CODE", 0)  # force the argsort path
    assert detect_groups(x, 30, 2).equals(fast)
    codes = np.random.default_rng(0).integers(0, 200_000, 50_000)
    assert np.array_equal(ca._stable_argsort_codes(codes), np.argsort(codes, kind="stable"))


def test_coortweet_order_in_chunks_is_the_same_order(monkeypatch):
    import analyses.coaction as ca

    x = random_actions(11, n=900, n_obj=5)
    whole = detect_groups(x, 40, 2)
    assert len(whole) > 100
    for chunk in (1, 7, 64):  # order codes built a few pairs at a time (bounded memory)
        monkeypatch.setattr(ca, "_ORDER_CHUNK", chunk)
        assert detect_groups(x, 40, 2).equals(whole)
    monkeypatch.setattr(ca, "_MAX_PAIR_CODE", 0)  # and on the argsort path
    assert detect_groups(x, 40, 2).equals(whole)


def test_sort_fallbacks_for_wide_keys():
    import analyses.coaction as ca
    import analyses.network as nw

    rng = np.random.default_rng(2)
    lo, hi = rng.integers(0, 2**30, 5000), rng.integers(0, 2**30, 5000)
    perm, ks = nw._sort_pairs(lo, hi, 2**30)  # key needs 60 bits: two stable packed sorts
    key = lo * 2**30 + hi
    assert np.array_equal(perm, np.argsort(key, kind="stable")) and np.array_equal(ks, key[perm])
    # timestamps spread so wide that group * span overflows: times are rank-compressed
    x = actions([("o", "a", "c1", 2**61), ("o", "b", "c2", 2**61 + 5), ("p", "a", "c3", 0),
                 ("p", "b", "c4", 3), ("q", "c", "c5", 2**60), ("q", "d", "c6", 2**60 + 60)])
    got = detect_groups(x, time_window=5, min_participation=1)
    assert as_set(got) == {("o", "c1", "c2", 5, "a", "b"), ("p", "c3", "c4", 3, "a", "b")}
    assert ca._packed_argsort(np.array([3, 1, 2]), 2**61) is None


def test_object_type_separates_signals():
    x = pd.DataFrame({
        "object_type": ["hashtag", "hashtag", "sound", "sound", "hashtag"],
        "object_id": ["x", "x", "x", "x", "y"],
        "account_id": ["a", "b", "c", "d", "e"],
        "content_id": [1, 2, 3, 4, 5],
        "timestamp": [0, 5, 1, 2, 0],
    })
    got = co_action_pairs(x, 60)
    rows = set(got[["object_type", "object_id", "account_id", "account_id_y"]]
               .itertuples(index=False, name=None))
    assert rows == {("hashtag", "x", "a", "b"), ("sound", "x", "c", "d")}
    no_type = co_action_pairs(x.drop(columns="object_type"), 60)
    assert len(no_type) == 6  # a, b, c, d all pair on "x" without the type


def test_co_action_pairs_is_detect_groups_with_participation_one():
    x = random_actions(3)
    assert as_set(co_action_pairs(x, 30)) == as_set(detect_groups(x, 30, 1))


def test_burst_cap_keeps_nearest_neighbours_and_reports():
    n = 2000
    x = actions([("viral", f"a{i}", f"c{i}", i // 10) for i in range(n)]
                + [("calm", "u", "u1", 0), ("calm", "v", "v1", 3)])
    exact = detect_groups(x, time_window=60, min_participation=1)
    with pytest.warns(CoActionCapWarning, match="max_pairs_per_object"):
        capped = detect_groups(x, time_window=60, min_participation=1,
                               max_pairs_per_object=10_000)
    stats = capped.attrs["coaction_stats"]
    assert stats["capped_objects"] == 1 and stats["capped_k"] == 5
    assert stats["capped_pairs_dropped"] == len(exact) - len(capped)
    assert (capped["object_id"] == "viral").sum() <= 10_000
    assert as_set(capped) <= as_set(exact)
    assert ("calm", "u1", "v1", 3, "u", "v") in as_set(capped)
    # each row keeps its 5 following shares: time gaps stay tiny
    assert capped.loc[capped.object_id == "viral", "time_delta"].max() <= 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert detect_groups(x, 60, 1, max_pairs_per_object=10**9).equals(exact)


def test_viral_burst_of_100k_actions_in_one_window_is_bounded():
    n = 100_000  # exact would be ~5e9 pairs (~40 GB of indices)
    x = pd.DataFrame({"object_id": np.zeros(n, dtype=np.int64),
                      "account_id": np.arange(n, dtype=np.int64),
                      "content_id": np.arange(n, dtype=np.int64) + 10**9,
                      "timestamp": np.sort(np.random.default_rng(0).integers(0, 60, n))})
    with pytest.warns(CoActionCapWarning):
        got = co_action_pairs(x, 60, max_pairs_per_object=2_000_000,
                              max_pairs_per_chunk=500_000)
    stats = got.attrs["coaction_stats"]
    assert stats["capped_k"] == 20 and stats["chunks"] >= 4
    assert stats["candidate_pairs"] == len(got) == 20 * n - 20 * 21 // 2
    assert stats["capped_pairs_dropped"] == n * (n - 1) // 2 - len(got)


def test_int_ids_datetime_timestamps_and_categorical_output():
    x = pd.DataFrame({"object_id": [7, 7, 8, 8], "account_id": [1, 2, 1, 2],
                      "content_id": [10, 11, 12, 13],
                      "timestamp": pd.to_datetime([0, 30, 100, 101], unit="s")})
    got = detect_groups(x, time_window=60, min_participation=2)
    assert as_set(got) == {(7, 10, 11, 30, 1, 2), (8, 12, 13, 1, 1, 2)}
    aware = x.assign(timestamp=x["timestamp"].dt.tz_localize("Europe/Berlin"))
    assert as_set(detect_groups(aware, 60, 2)) == as_set(got)
    cat = detect_groups(x, time_window=60, min_participation=2, categorical=True)
    assert isinstance(cat["account_id"].dtype, pd.CategoricalDtype)
    assert as_set(cat.astype({c: "int64" for c in PAIR_COLUMNS})) == as_set(got)


def test_bad_input():
    with pytest.raises(ValueError, match="timestamp"):
        detect_groups(pd.DataFrame({"object_id": [1], "account_id": [1], "content_id": [1]}))
    with pytest.raises(ValueError, match="whole seconds"):
        detect_groups(actions([("o", "a", "c", 1.5)]))
    empty = detect_groups(actions([("o", "a", "c", 1)]), 10, 1)
    assert list(empty.columns) == list(PAIR_COLUMNS) and len(empty) == 0


# ----------------------------------------------------------------------------------- network
def test_r_quantile_type7_matches_numpy_linear():
    rng = np.random.default_rng(0)
    for _ in range(50):
        w = rng.integers(1, 20, rng.integers(1, 40))
        for p in (0, 0.1, 0.5, 0.9, 0.99, 1):
            assert r_quantile_type7(w, p) == pytest.approx(np.quantile(w, p), abs=1e-12)
    assert r_quantile_type7(np.array([1, 1, 1, 2]), 0.5) == 1.0


def test_coordinated_network_by_hand():
    pairs = pd.DataFrame({
        "object_id": ["o1", "o2", "o3", "o4", "o5", "o6"],
        "content_id": ["x1", "x2", "x3", "x3", "x5", "x6"],
        "content_id_y": ["y1", "y2", "y3", "y4", "y5", "y6"],
        "time_delta": [2, 4, 6, 1, 9, 3],
        "account_id": ["b", "a", "c", "c", "d", "e"],
        "account_id_y": ["a", "b", "b", "b", "e", "f"],
    })
    edges, accounts = coordinated_network(pairs, edge_weight=0.5)
    # weights: a-b 2, b-c 2, d-e 1, e-f 1 -> median 1.5 -> keep a-b and b-c
    assert edges.attrs["weight_threshold_value"] == 1.5
    rows = set(edges[["from", "to", "weight", "avg_time_delta", "n_content_id",
                      "n_content_id_y", "edge_symmetry_score", "weight_threshold"]]
               .itertuples(index=False, name=None))
    # vertex order: unique(c(pmin = a, b ; pmax = b, c)) = a, b, c
    assert rows == {("a", "b", 2, 3.0, 2, 2, 1.0, 1), ("b", "c", 2, 3.5, 1, 2, 0.5, 1)}
    assert accounts.to_dict("list") == {"account_id": ["a", "b", "c"], "component": [1, 1, 1]}
    all_edges, all_accounts = coordinated_network(pairs, edge_weight=0.5, subgraph=0)
    assert len(all_edges) == 4 and all_edges["weight_threshold"].tolist() == [1, 1, 0, 0]
    # igraph vertex order: pmins a, b, d, e then the new pmaxes c, f
    assert all_accounts["account_id"].tolist() == ["a", "b", "d", "e", "c", "f"]
    assert all_accounts["component"].tolist() == [1, 1, 2, 2, 1, 2]


def test_from_to_follow_igraph_vertex_order():
    # first aggregated edge (b, c) makes b vertex 0; the later edge (a, b) is reported b -> a
    pairs = pd.DataFrame({"content_id": [1, 2, 3, 4], "content_id_y": [5, 6, 7, 8],
                          "time_delta": [1, 1, 1, 1], "account_id": ["b", "c", "a", "b"],
                          "account_id_y": ["c", "b", "b", "a"]})
    edges, accounts = coordinated_network(pairs, edge_weight=0, subgraph=0)
    assert edges[["from", "to"]].values.tolist() == [["b", "c"], ["b", "a"]]
    assert accounts["account_id"].tolist() == ["b", "a", "c"]


def test_account_pair_summary_and_communities():
    pairs = detect_groups(random_actions(1, n=600), 30, 1)
    s = account_pair_summary(pairs)
    edges, _ = coordinated_network(pairs, edge_weight=0, subgraph=0)
    assert s["weight"].sum() == len(pairs) == edges["weight"].sum()
    assert (s["account_a"] < s["account_b"]).all()
    assert ((s["n_content_a"] <= s["weight"]) & (s["n_content_b"] <= s["weight"])).all()
    cc = connected_components(edges)
    lv = louvain_communities(edges, seed=1)
    assert set(cc["account_id"]) == set(lv["account_id"])
    assert lv.equals(louvain_communities(edges, seed=1))


def test_empty_network():
    edges, accounts = coordinated_network(detect_groups(actions([("o", "a", "c", 1)]), 10, 1))
    assert len(edges) == 0 and len(accounts) == 0


# ------------------------------------------------------------------------------------- CLI
def test_cli_on_russian_tweets_matches_reference(tmp_path: Path):
    data = REF / "russian_coord_tweets.csv"
    if not data.is_file():
        pytest.skip(f"CooRTweet reference data not found at {REF}")
    out, e_out, a_out = tmp_path / "pairs.csv", tmp_path / "e.csv", tmp_path / "a.csv"
    result = CliRunner().invoke(coordination, [
        "--input", str(data), "--format", "coortweet", "--window", "60",
        "--min-participation", "2", "--out", str(out), "--edges-out", str(e_out),
        "--accounts-out", str(a_out), "--edge-weight", "0.5"])
    assert result.exit_code == 0, result.output
    assert "35,125 rows" in result.output and "pairs: 3,791" in result.output
    assert "60 edges" in result.output and "94 accounts in 34 components" in result.output
    for ours, ref in ((out, "ref_tw60_mp2_detect_groups.csv"),
                      (e_out, "ref_tw60_mp2_ew0.5_edges.csv"),
                      (a_out, "ref_tw60_mp2_ew0.5_accounts.csv")):
        a = pd.read_csv(ours, dtype=str)
        b = pd.read_csv(REF / ref, dtype=str)
        assert list(a.columns) == list(b.columns)
        assert len(a) == len(b)
        floats = [c for c in ("avg_time_delta", "edge_symmetry_score") if c in a.columns]
        exact = [c for c in a.columns if c not in floats]
        assert set(a[exact].itertuples(index=False)) == set(b[exact].itertuples(index=False))
        for c in floats:
            assert np.allclose(a[c].astype(float), b[c].astype(float), rtol=0, atol=1e-9)


@pytest.mark.parametrize(("content", "message"), [
    ("object_id,account_id,content_id\no,a,c\n",
     r"in\.csv, line 1 \(header\): missing column\(s\) timestamp_share"),
    ("object_id,account_id,content_id,timestamp_share\no,a,c,1\no,b,d,soon\n",
     r"in\.csv, line 3, field timestamp_share: cannot read 'soon'"),
    ("object_id,account_id,content_id,timestamp_share\no,a,c,1\no,b,d,2.5\n",
     r"in\.csv, line 3, field timestamp_share"),
    ("object_id,account_id,content_id,timestamp_share\no,a,c,1\no,,d,2\n",
     r"in\.csv, line 3, field account_id: empty value"),
])
def test_cli_bad_input_names_file_line_and_field(tmp_path: Path, content: str, message: str):
    src = tmp_path / "in.csv"
    src.write_text(content)
    result = CliRunner().invoke(coordination, ["--input", str(src), "--out",
                                               str(tmp_path / "o.csv")])
    assert isinstance(result.exception, LockstepError)
    assert result.exit_code != 0
    assert re.search(message, str(result.exception)), str(result.exception)


def test_cli_parquet_and_iso_timestamps(tmp_path: Path):
    src = tmp_path / "in.parquet"
    pd.DataFrame({"object_id": ["o", "o", "p", "p"], "account_id": ["a", "b", "a", "b"],
                  "content_id": ["c1", "c2", "c3", "c4"],
                  "timestamp_share": ["2021-06-16T10:00:00Z", "1623837630", "1000", "1005"],
                  }).to_parquet(src)
    out = tmp_path / "pairs.parquet"
    result = CliRunner().invoke(coordination, ["--input", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    got = pd.read_parquet(out)
    expected = {("o", "c1", "c2", 30, "a", "b"), ("p", "c3", "c4", 5, "a", "b")}
    assert set(got.itertuples(index=False, name=None)) == expected
    # native (time-zone aware) timestamps in Parquet
    src2 = tmp_path / "in2.parquet"
    pd.DataFrame({"object_id": ["o", "o"], "account_id": ["a", "b"], "content_id": ["c1", "c2"],
                  "timestamp_share": pd.to_datetime(["2021-06-16T12:00:00+02:00",
                                                     "2021-06-16T10:00:30Z"], utc=True,
                                                    format="ISO8601")}).to_parquet(src2)
    result = CliRunner().invoke(coordination, ["--input", str(src2), "--out", str(out),
                                               "--min-participation", "1"])
    assert result.exit_code == 0, result.output
    assert set(pd.read_parquet(out).itertuples(index=False, name=None)) == {
        ("o", "c1", "c2", 30, "a", "b")}


def test_network_of_small_and_mixed_integer_account_ids():
    from analyses.network import account_pair_summary

    def pairs(a, b):
        return pd.DataFrame({"object_id": [1, 1], "content_id": [1, 2], "content_id_y": [3, 4],
                             "time_delta": [1, 2], "account_id": a, "account_id_y": b})

    # int8 ids spanning most of their range: codes must not wrap around
    got = account_pair_summary(pairs(np.array([-100, 100], np.int8), np.array([100, -100], np.int8)))
    assert got[["account_a", "account_b", "weight"]].values.tolist() == [[-100, 100, 2]]
    # unsigned against signed columns
    got = account_pair_summary(pairs(np.array([1, 200], np.uint8), np.array([-3, 5], np.int64)))
    assert sorted(got[["account_a", "account_b"]].values.tolist()) == [[-3, 1], [5, 200]]


def test_components_by_pointer_jumping_match_scipy():
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    import analyses.network as nw

    rng = np.random.default_rng(4)
    for trial in range(60):
        n = int(rng.integers(1, 400))
        e = int(rng.integers(0, 2 * n))
        u, v = rng.integers(0, n, e), rng.integers(0, n, e)
        _, labels = connected_components(
            coo_matrix((np.ones(e, dtype=np.int8), (u, v)), shape=(n, n)), directed=False)
        want, _ = pd.factorize(labels)
        got = nw._components_in_order(n, u, v)
        assert np.array_equal(got, want + 1), trial
        roots = nw._component_roots(n, u, v)
        # each component's root is its smallest vertex
        assert np.array_equal(roots, pd.Series(np.arange(n)).groupby(labels).transform("min"))
        # scipy decides when hooking has not settled within max_rounds
        fallback, _ = pd.factorize(nw._component_roots(n, u, v, max_rounds=0))
        assert np.array_equal(fallback, want)
    path = rng.permutation(5000)  # a long path in random order: a few rounds, one component
    assert set(nw._component_roots(5000, path[:-1], path[1:]).tolist()) == {0}
