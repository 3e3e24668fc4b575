"""The share-table reader and writer of `lockstep coordination` (lockstep/coortweet_table.py):
Arrow's fast path and the pandas fallback must give the same codes, and every odd file either
reads exactly or is refused with its file, line and field."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import LockstepError
from lockstep import coortweet_table as ct

HEADER = "object_id,account_id,content_id,timestamp_share"


def decoded(t: ct.Shares) -> list[tuple[str, str, str, int]]:
    """The table back as text rows (what the codes stand for)."""
    ids, acc = t.ids.to_pylist(), t.accounts.to_pylist()
    f = t.frame
    return [(ids[o], acc[a], ids[c], int(s)) for o, a, c, s in zip(
        f["object_id"], f["account_id"], f["content_id"], f["timestamp"], strict=True)]


def fallback(path: Path, monkeypatch: pytest.MonkeyPatch) -> ct.Shares:
    """The same file through the pandas reader only."""
    with monkeypatch.context() as m:
        m.setattr(ct, "_read_arrow", lambda *_: None)
        return ct.read_shares(path)


def test_bom_and_crlf_are_read_by_arrow_as_plain_csv(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(f"{HEADER}\no1,bob,c1,10\no1,amy,c2,20\n", encoding="utf-8")
    bom = tmp_path / "bom.csv"
    bom.write_bytes(f"{HEADER}\r\no1,bob,c1,10\r\no1,amy,c2,20\r\n".encode("utf-8-sig"))
    assert ct._read_arrow(bom, parquet=False) is not None  # the fast path took it
    rows = [("o1", "bob", "c1", 10), ("o1", "amy", "c2", 20)]
    assert decoded(ct.read_shares(plain)) == rows
    assert decoded(ct.read_shares(bom)) == rows


def test_quoted_commas_and_newlines_in_ids(tmp_path: Path) -> None:
    src = tmp_path / "q.csv"
    src.write_text(f'{HEADER}\n"o,1","a\nb",c1,5\n"o,1",z,"c ""2""",6\n', encoding="utf-8")
    assert decoded(ct.read_shares(src)) == [("o,1", "a\nb", "c1", 5), ("o,1", "z", 'c "2"', 6)]


def test_ragged_row_falls_back_and_names_the_line(tmp_path: Path) -> None:
    src = tmp_path / "ragged.csv"
    src.write_text(f"{HEADER}\no,a,c1,1\no,b,c2,2,extra\n", encoding="utf-8")
    assert ct._read_arrow(src, parquet=False) is None  # Arrow refuses: pandas decides
    with pytest.raises(LockstepError) as err:
        ct.read_shares(src)
    assert str(src) in str(err.value) and re.search(r"line 3\b", str(err.value)), str(err.value)


def test_bad_bytes_are_refused_with_the_file(tmp_path: Path) -> None:
    src = tmp_path / "latin1.csv"
    src.write_bytes(f"{HEADER}\no,a,c1,1\no,Jos\xe9,c2,2\n".encode("latin-1"))
    with pytest.raises(LockstepError, match=re.escape(str(src))):
        ct.read_shares(src)


def test_duplicate_columns_use_pandas_rules(tmp_path: Path) -> None:
    src = tmp_path / "dup.csv"
    src.write_text(f"{HEADER},account_id\no,a,c1,1,x\no,b,c2,2,y\n", encoding="utf-8")
    assert ct._read_arrow(src, parquet=False) is None
    # pandas keeps the first account_id and renames the second account_id.1
    assert decoded(ct.read_shares(src)) == [("o", "a", "c1", 1), ("o", "b", "c2", 2)]


def test_parquet_integer_ids_and_the_shared_object_content_dictionary(tmp_path: Path) -> None:
    src = tmp_path / "ints.parquet"
    # row 3 shares content 7 as an object: the loop rule compares object and content codes
    pd.DataFrame({"object_id": [7, 7, 8], "account_id": [30, 4, 4],
                  "content_id": [1, 2, 7], "timestamp_share": [100, 101, 102]}).to_parquet(src)
    t = ct.read_shares(src)
    assert decoded(t) == [("7", "30", "1", 100), ("7", "4", "2", 101), ("8", "4", "7", 102)]
    f = t.frame
    assert f["content_id"].iloc[2] == f["object_id"].iloc[0]
    assert t.frame["object_id"].dtype == np.int32 and t.frame["timestamp"].dtype == np.int64
    # account codes in the text order of the ids ("30" < "4"), as CooRTweet compares them
    assert t.accounts.to_pylist() == ["30", "4"]


def test_account_codes_follow_code_point_order(tmp_path: Path) -> None:
    src = tmp_path / "u.csv"
    names = ["zoë", "Zed", "émile", "amy", "Émile", "10", "9"]
    src.write_text(HEADER + "\n" + "".join(f"o,{n},c{i},{i}\n" for i, n in enumerate(names)),
                   encoding="utf-8")
    t = ct.read_shares(src)
    assert t.accounts.to_pylist() == sorted(names)
    code = dict(zip(t.accounts.to_pylist(), range(len(names)), strict=True))
    assert list(t.frame["account_id"]) == [code[n] for n in names]


def test_object_type_column_is_its_own_dictionary(tmp_path: Path) -> None:
    src = tmp_path / "typed.csv"
    src.write_text(f"{HEADER},object_type\no,a,c1,1,hashtag\no,b,c2,2,url\np,a,c3,3,hashtag\n",
                   encoding="utf-8")
    t = ct.read_shares(src)
    assert t.types is not None
    types = t.types.to_pylist()
    assert [types[i] for i in t.frame["object_type"]] == ["hashtag", "url", "hashtag"]


def test_write_table_makes_formulas_inert_in_csv_only(tmp_path: Path) -> None:
    src = tmp_path / "f.csv"
    src.write_text(f"{HEADER}\n=HYPERLINK(x),+amy,c1,1\n=HYPERLINK(x),bob,@c2,2\n",
                   encoding="utf-8")
    t = ct.read_shares(src)
    out = pd.DataFrame({"object_id": t.frame["object_id"], "account_id": t.frame["account_id"],
                        "timestamp": t.frame["timestamp"]})
    ct.write_table(out, t, tmp_path / "o.csv")
    ct.write_table(out, t, tmp_path / "o.parquet")
    got = pd.read_csv(tmp_path / "o.csv", dtype=str)
    assert got.to_dict("list") == {"object_id": ["'=HYPERLINK(x)"] * 2,
                                   "account_id": ["'+amy", "bob"], "timestamp": ["1", "2"]}
    raw = (tmp_path / "o.csv").read_bytes()
    assert raw.count(b"\r\n") == 3 and b"\n=" not in raw
    assert pd.read_parquet(tmp_path / "o.parquet").to_dict("list") == {
        "object_id": ["=HYPERLINK(x)"] * 2, "account_id": ["+amy", "bob"], "timestamp": [1, 2]}


def test_write_table_quotes_only_when_an_id_needs_it(tmp_path: Path) -> None:
    plain = tmp_path / "p.csv"
    plain.write_text(f"{HEADER}\no1,bob,c1,1\no1,amy,c2,2\n", encoding="utf-8")
    t = ct.read_shares(plain)
    out = pd.DataFrame({"object_id": t.frame["object_id"], "account_id": t.frame["account_id"],
                        "timestamp": t.frame["timestamp"]})
    ct.write_table(out, t, tmp_path / "o.csv")
    assert (tmp_path / "o.csv").read_bytes() == (
        b"object_id,account_id,timestamp\r\no1,bob,1\r\no1,amy,2\r\n")
    odd = tmp_path / "q.csv"  # one id with a comma, one with quotes, one with a line break
    odd.write_text(f'{HEADER}\n"o,1",bob,c1,1\n"o,1","a\nb",c2,2\no2,"say ""hi""",c3,3\n',
                   encoding="utf-8")
    t = ct.read_shares(odd)
    out = pd.DataFrame({"object_id": t.frame["object_id"], "account_id": t.frame["account_id"]})
    ct.write_table(out, t, tmp_path / "o2.csv")
    got = pd.read_csv(tmp_path / "o2.csv", dtype=str, keep_default_na=False)
    assert got.to_dict("list") == {"object_id": ["o,1", "o,1", "o2"],
                                   "account_id": ["bob", "a\nb", 'say "hi"']}
    edge = tmp_path / "e.csv"  # an id with an edge space is quoted (R's fread strips unquoted)
    edge.write_text(f'{HEADER}\n" o1",bob,c1,1\n" o1",amy,c2,2\n', encoding="utf-8")
    t = ct.read_shares(edge)
    ct.write_table(pd.DataFrame({"object_id": t.frame["object_id"]}), t, tmp_path / "o3.csv")
    assert (tmp_path / "o3.csv").read_bytes() == b'object_id\r\n" o1"\r\n" o1"\r\n'


ids = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
              min_size=1, max_size=6).filter(lambda s: s.strip() != "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(ids, ids, ids, st.integers(0, 2**40)), min_size=1, max_size=25))
def test_arrow_and_pandas_readers_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        rows: list[tuple[str, str, str, int]]) -> None:
    src = tmp_path / "h.csv"
    pd.DataFrame(rows, columns=HEADER.split(",")).to_csv(src, index=False)
    fast, slow = ct.read_shares(src), fallback(src, monkeypatch)
    assert decoded(fast) == decoded(slow) == [(o, a, c, s) for o, a, c, s in rows]
    assert fast.accounts.equals(slow.accounts)
    assert fast.frame["account_id"].tolist() == slow.frame["account_id"].tolist()
    assert isinstance(fast.ids, pa.Array)


@settings(max_examples=60, deadline=None)
@given(objects=st.lists(st.sampled_from("abcdefg"), max_size=30),
       contents=st.lists(st.sampled_from("defghij"), max_size=30))
def test_shared_codes_number_ids_as_one_encode_of_both_columns(objects: list[str],
                                                              contents: list[str]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    n = min(len(objects), len(contents))
    o = pa.chunked_array([pa.array(objects[:n], pa.string())])
    c = pa.chunked_array([pa.array(contents[:n], pa.string())])
    with ThreadPoolExecutor(max_workers=2) as pool:
        ids, codes = ct._shared_codes(o, c, pool)
    one = pa.chunked_array(o.chunks + c.chunks, pa.string()).combine_chunks().dictionary_encode()
    assert ids.to_pylist() == one.dictionary.to_pylist()
    assert codes.tolist() == one.indices.to_pylist()


def test_csv_written_in_slices_is_the_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "s.csv"
    rows = [f"o{i % 7},a{i % 5},c{i},{i}" for i in range(50)]
    src.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    t = ct.read_shares(src)
    out = t.frame[["object_id", "account_id", "content_id", "timestamp"]]
    ct.write_table(out, t, tmp_path / "whole.csv")
    monkeypatch.setattr(ct, "_WRITE_ROWS", 3)  # 17 slices, formatted two at a time
    ct.write_table(out, t, tmp_path / "sliced.csv")
    whole = (tmp_path / "whole.csv").read_bytes()
    assert whole == (tmp_path / "sliced.csv").read_bytes()
    assert whole.decode().split("\r\n")[:3] == [
        "object_id,account_id,content_id,timestamp", "o0,a0,c0,0", "o1,a1,c1,1"]
    ct.write_table(out.iloc[:0], t, tmp_path / "empty.csv")  # no rows: the header alone
    assert (tmp_path / "empty.csv").read_bytes() == b"object_id,account_id,content_id,timestamp\r\n"


def test_a_failed_write_leaves_the_previous_file_and_no_part(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "s.csv"
    src.write_text(HEADER + "\n" + "\n".join(f"o{i % 3},a{i % 4},c{i},{i}" for i in range(20))
                   + "\n", encoding="utf-8")
    t = ct.read_shares(src)
    out = t.frame[["object_id", "account_id"]]
    target = tmp_path / "pairs.csv"
    target.write_bytes(b"the previous run's pairs\r\n")
    monkeypatch.setattr(ct, "_WRITE_ROWS", 4)
    real = ct.pa_csv.write_csv
    calls = []

    def failing(part, sink, opts):  # the third slice cannot be formatted
        calls.append(1)
        if len(calls) == 3:
            raise pa.ArrowInvalid("disk trouble")
        return real(part, sink, opts)

    monkeypatch.setattr(ct.pa_csv, "write_csv", failing)
    with pytest.raises(LockstepError, match="cannot write .*pairs.csv: disk trouble"):
        ct.write_table(out, t, target)
    assert target.read_bytes() == b"the previous run's pairs\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pairs.csv", "s.csv"]
    monkeypatch.setattr(ct.pa_csv, "write_csv", real)
    ct.write_table(out, t, target)  # and a good write replaces it whole
    assert target.read_bytes().startswith(b"object_id,account_id\r\no0,a0\r\n")
