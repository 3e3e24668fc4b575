"""The bulk path's column form of node rows gives the rows back exactly, or says it cannot.

A video with rows in several files is merged from its CSV columns (``FileColumns.rows``), so the
columns must give each row back as the reader produced it; where they cannot (a value set to None,
a value no CSV column holds, a counter named like a property), the key or the part is marked and
the bulk loader reads the files again instead. The end-to-end check (bulk graph == online graph,
both paths taken) is in tests/test_ingest_bulk.py; these tests need no database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pytest

from graph.bulk_import import ImportFiles, NodeColumns, column_values, node_columns
from graph.errors import LockstepError
from ingest.bulk import _file_columns


def test_column_values_inverts_every_csv_kind() -> None:
    values = {
        "s": ["a", None, 'b\n"c", d'],
        "i": [1, -(2 ** 62), None],
        "f": [1.5, 0.1, None],
        "b": [True, False, None],
        "d": [datetime(2024, 1, 1, tzinfo=UTC),
              datetime(2024, 1, 2, 3, 4, 5, 123, tzinfo=timezone(timedelta(hours=2))), None],
        "ls": [["x", "y"], None, ["z"]],
        "li": [[1, 2], [3], None],
        "lf": [[0.1, 2.5], None, None],
        "lb": [[True, False], None, None],
    }
    part, leftovers = node_columns("Video", "key", ["k1", "k2", "k3"], values)
    assert leftovers == []
    kinds = {name: kind for name, (kind, _) in part.columns.items()}
    assert kinds == {"s": "string", "i": "long", "f": "double", "b": "boolean", "d": "datetime",
                     "ls": "string[]", "li": "long[]", "lf": "double[]", "lb": "boolean[]"}
    for name, (kind, array) in part.columns.items():
        assert column_values(kind, array) == values[name], name


def _video(post_id: str, **props: object) -> dict:
    return {"platform": "tiktok", "post_id": post_id, "kind": "video", "created_ts": 1709290000,
            **props}


def test_file_columns_give_the_rows_back() -> None:
    rows = {
        "tiktok:1": [_video("1", caption="x\ny", effect_ids=["e1", "e2"]), {"like_count": 5}, 100],
        "tiktok:2": [_video("2", region="DE"), None, None],
        "tiktok:3": [{"platform": "tiktok", "post_id": "3"}, None, None],            # a stub
        "tiktok:4": [_video("4", region=None), {"like_count": 1}, 100],               # a None
        "tiktok:5": [_video("5", effect_ids=["a\x1fb"]), None, None],                 # a leftover
    }
    cols = _file_columns("Video", {k: [dict(v[0]), v[1], v[2]] for k, v in rows.items()})
    assert cols.full.keys.to_pylist() == ["tiktok:1", "tiktok:2", "tiktok:4", "tiktok:5"]
    assert cols.stubs.to_pydict() == {"key": ["tiktok:3"], "platform": ["tiktok"], "post_id": ["3"]}
    assert cols.exact and cols.irregular == {"tiktok:4", "tiktok:5"}
    assert cols.leftovers == [("tiktok:5", {"effect_ids": ["a\x1fb"]})]
    # created_at and counters_at are derived when written, not part of the rows.
    assert {"created_at", "counters_at", "like_count"} <= cols.full.columns.keys()
    back = cols.rows(pa.array(["tiktok:1", "tiktok:2"]))
    assert back == {"tiktok:1": rows["tiktok:1"], "tiktok:2": rows["tiktok:2"]}


def test_a_counter_named_like_a_property_makes_the_part_inexact() -> None:
    rows = {"tiktok:1": [_video("1", like_count=3), None, None],
            "tiktok:2": [_video("2"), {"like_count": 5}, 100]}
    assert not _file_columns("Video", rows).exact


def test_relationships_must_name_imported_nodes(tmp_path: Path) -> None:
    files = ImportFiles(tmp_path / "work")
    files.add_node_columns(NodeColumns("Video", "key", pa.array(["v1", "v2"]), {}))
    files.add_node_columns(NodeColumns("Hashtag", "name", pa.array(["dance"]), {}))
    # Ids run over all labels in the order nodes were added.
    assert [a.to_pylist() for a in files.node_ids("Video", [pa.array(["v2", "v1"]), pa.array(["v2"])])] \
        == [[1, 0], [1]]
    assert files.node_ids("Hashtag", [pa.array(["dance"])])[0].to_pylist() == [2]
    with pytest.raises(LockstepError, match="names Hashtag 'nope'"):
        files.node_ids("Hashtag", [pa.array(["dance", "nope"])])


def test_node_ids_rise_across_parts_and_keys_are_imported_once(tmp_path: Path) -> None:
    files = ImportFiles(tmp_path / "work")
    # Row 2's caption has a line break: it goes to a multi-line part, listed after its part, so
    # it takes the last id of the batch (the importer wants ids rising across files).
    files.add_node_columns(NodeColumns("Video", "key", pa.array(["a", "b", "c"]), {
        "caption": ("string", pa.array(["one", "two\nlines", "three"]))}))
    files.add_node_columns(NodeColumns("Video", "key", pa.array(["d"]), {}))
    assert files.node_ids("Video", [pa.array(["a", "b", "c", "d"])])[0].to_pylist() == [0, 2, 1, 3]
    parts = [p.name for p in sorted((tmp_path / "work").glob("*.csv"))]
    assert parts == ["Video-00000.csv", "Video-00001-ml.csv", "Video-00002.csv"]
    assert (tmp_path / "work" / "Video-00001-ml.csv").read_text().splitlines()[1:] == ['2,"b","two', 'lines"']
    assert "--id-type=actual" in files.arguments()
    files.add_node_columns(NodeColumns("Video", "key", pa.array(["a"]), {}))
    with pytest.raises(LockstepError, match="Video 'a' would be imported twice"):
        files.arguments()


def test_datetimes_before_year_1000_are_iso_8601() -> None:
    part, _ = node_columns("Video", "key", ["k"], {"d": [datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)]})
    kind, array = part.columns["d"]
    assert array.to_pylist() == ["0999-01-02T03:04:05Z"]
    assert column_values(kind, array) == [datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)]
