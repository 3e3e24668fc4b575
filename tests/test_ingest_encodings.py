"""Encodings, against the real graph: a UTF-8 byte order mark is accepted in every format, bytes
that are not UTF-8 reject their record (with line and field) instead of being altered, and ids
in floating-point notation are refused as docs/formats.md promises."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.queries.load import graph_totals
from ingest.load import ingest
from ingest.normalize import ident

FIX = Path(__file__).parent / "fixtures"
DIRS = ["tiktok", "zeeschuimer", "twitter", "actions"]


def _rejects(result) -> list[dict]:  # noqa: ANN001
    path = Path(result.rejects_file)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_byte_order_mark_changes_nothing_in_any_format(graph: Graph, tmp_path: Path) -> None:
    marked = tmp_path / "bom"
    for d in DIRS:
        shutil.copytree(FIX / d, marked / d)
    files = [p for p in marked.rglob("*") if p.is_file()]
    for p in files:
        p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    with_bom = ingest(graph, [marked / d for d in DIRS], incident="i", out_dir=tmp_path / "a")
    assert not with_bom.skipped and len(with_bom.files) == len(files)
    after = graph_totals(graph)
    plain = ingest(graph, [FIX / d for d in DIRS], incident="i", out_dir=tmp_path / "b")
    # the same records read, loaded and rejected, and the plain files add nothing new
    assert (with_bom.read, with_bom.loaded, with_bom.rejected) == (
        plain.read, plain.loaded, plain.rejected)
    assert sum(plain.created.values()) == 0 and graph_totals(graph) == after
    assert not any("malformed JSON" in r["reason"] and r["record"] == 1 for r in _rejects(with_bom))


def test_invalid_utf8_in_a_csv_rejects_that_row_only(graph: Graph, tmp_path: Path) -> None:
    lines = (FIX / "zeeschuimer" / "4cat_tiktok.csv").read_bytes().split(b"\n")
    assert lines[1].count(b"Skyfall time") == 1
    lines[1] = lines[1].replace(b"Skyfall time", b"Skyfall \xff\xfe time")
    src = tmp_path / "in" / "4cat_tiktok.csv"
    src.parent.mkdir()
    src.write_bytes(b"\n".join(lines))
    clean = ingest(graph, [FIX / "zeeschuimer" / "4cat_tiktok.csv"], incident="c",
                   out_dir=tmp_path / "c")
    bad = ingest(graph, [src], incident="d", out_dir=tmp_path / "d")
    assert bad.reconciles() and sum(bad.read.values()) == sum(clean.read.values())
    assert sum(bad.loaded.values()) == sum(clean.loaded.values()) - 1
    new = [r for r in _rejects(bad) if "UTF-8" in r["reason"]]
    assert [(r["record"], r["reason"]) for r in new] == [(2, "field body: invalid UTF-8 (byte 0xff)")]
    # nothing was stored with a replacement character
    assert graph.read("MATCH (v:Video) WHERE v.caption CONTAINS '\\ufffd' RETURN count(v) AS n"
                      )[0]["n"] == 0


@pytest.mark.parametrize("value", ["1.0e3", "7.301E+18", "7.3010000e18", "-1.5e2", "12e+5"])
def test_ids_in_floating_point_notation_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="floating-point notation"):
        ident(value)


@pytest.mark.parametrize(("value", "expected"), [("7301000000000000001", "7301000000000000001"),
                                                 ("12.0", "12"), ("1e5", "1e5"),
                                                 ("a1b2e3", "a1b2e3"), (1000.0, "1000")])
def test_ordinary_ids_are_kept(value: object, expected: str) -> None:
    assert ident(value) == expected
