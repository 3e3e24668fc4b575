"""The schema `lockstep db init` creates, on the real server, and its agreement with the docs."""

from __future__ import annotations

import re
import subprocess

import pytest

from graph.connection import Graph
from graph.schema import (
    CONSTRAINTS,
    INDEXES,
    LABELS,
    REL_TYPES,
    drop_all_schema,
    existing_schema,
    init_schema,
    label,
    rel_type,
)
from tests.conftest import LOCKSTEP, REPO


def _doc_table(heading: str) -> set[tuple[str, str, str]]:
    """Rows `| name | Label | property |` of the table under `heading` in docs/data-model.md."""
    text = (REPO / "docs" / "data-model.md").read_text()
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|", section, re.M)
    return set(rows)


@pytest.fixture
def bare_graph(empty_graph: Graph) -> Graph:
    drop_all_schema(empty_graph)
    return empty_graph


def test_init_creates_every_constraint_and_index(bare_graph: Graph) -> None:
    assert existing_schema(bare_graph) == {"constraints": [], "indexes": []}
    result = init_schema(bare_graph)
    assert result["created"] == [c.name for c in CONSTRAINTS] + [i.name for i in INDEXES]
    schema = existing_schema(bare_graph)
    got = {(c["name"], c["labelsOrTypes"][0], c["properties"][0], c["type"])
           for c in schema["constraints"]}
    assert got == {(c.name, c.label, c.prop, "UNIQUENESS") for c in CONSTRAINTS}
    got_idx = {(i["name"], i["labelsOrTypes"][0], i["properties"][0]) for i in schema["indexes"]}
    assert got_idx == {(i.name, i.label, i.prop) for i in INDEXES}


def test_second_init_changes_nothing(bare_graph: Graph) -> None:
    init_schema(bare_graph)
    before = existing_schema(bare_graph)
    again = init_schema(bare_graph)
    assert again["created"] == []
    assert len(again["existing"]) == len(CONSTRAINTS) + len(INDEXES)
    assert existing_schema(bare_graph) == before


def test_uniqueness_is_enforced(graph: Graph) -> None:
    graph.write("CREATE (:Hashtag {name: 'fyp'})")
    with pytest.raises(Exception, match="already exists"):
        graph.write("CREATE (:Hashtag {name: 'fyp'})")
    assert graph.read("MATCH (h:Hashtag) RETURN count(h) AS n")[0]["n"] == 1


def test_db_init_command_reports_what_it_did(bare_graph: Graph, neo4j_env: dict[str, str]) -> None:
    first = subprocess.run([LOCKSTEP, "db", "init"], capture_output=True, text=True, env=neo4j_env,
                           timeout=120)
    assert first.returncode == 0, first.stderr
    assert f"schema: {len(CONSTRAINTS) + len(INDEXES)} created, 0 already present" in first.stdout
    second = subprocess.run([LOCKSTEP, "db", "init"], capture_output=True, text=True, env=neo4j_env,
                            timeout=120)
    assert f"schema: 0 created, {len(CONSTRAINTS) + len(INDEXES)} already present" in second.stdout


def test_data_model_doc_matches_the_code() -> None:
    assert _doc_table("## Constraints") == {(c.name, c.label, c.prop) for c in CONSTRAINTS}
    assert _doc_table("## Indexes") == {(i.name, i.label, i.prop) for i in INDEXES}
    text = (REPO / "docs" / "data-model.md").read_text()
    for name in (*LABELS, *REL_TYPES):
        assert f"`{name}`" in text, f"{name} is not documented"


def test_labels_and_types_come_from_the_allowlist() -> None:
    assert label("Account") == "Account" and rel_type("POSTED") == "POSTED"
    for bad in ("Account) DETACH DELETE (n", "account", "User"):
        with pytest.raises(ValueError):
            label(bad)
    with pytest.raises(ValueError):
        rel_type("POSTED]->() DELETE r //")
