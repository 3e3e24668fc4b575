"""The post-incident review (lockstep/review.py) on a real, hostile incident in a real Neo4j.

The report must tell the story (timeline, clusters, evidence, exports, parameters) and no payload
planted in usernames, display names, captions or hashtags may come out as markup: the HTML holds
only the report's own tags and no script, the Markdown holds no raw HTML and no link.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.errors import LockstepError
from graph.settings import Neo4jSettings
from lockstep import exports
from lockstep.review import activity_svg, build_review, md_text, render_markdown
from tests.test_app import (
    JS,
    MD_LINK,
    RAW_HTML,
    RAW_MARKDOWN,
    SCRIPT,
    Seeded,
    seed_hostile_incident,
)

pytestmark = pytest.mark.storage

ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "ul", "li",
                "table", "thead", "tbody", "tr", "th", "td", "strong", "code", "pre", "figure",
                "figcaption", "svg", "rect", "line", "text"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += attrs


@pytest.fixture(scope="module")
def seeded(neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    yield seed_hostile_incident(neo4j_settings, tmp_path_factory.mktemp("review-incident"), scale=0.2)


@pytest.fixture(scope="module")
def report(seeded: Seeded, neo4j_settings: Neo4jSettings) -> tuple[str, str, dict]:
    """The review after one containment export of the hostile cluster."""
    graph = Graph(neo4j_settings)
    clusters = exports.resolve_clusters(graph, seeded.run_id, [seeded.hostile_cluster])
    table = exports.entity_table(graph, clusters, "accounts")
    data = exports.render(table, "csv")
    rec = exports.record_export(graph, data, "accounts", "csv",
                                {"run_id": seeded.run_id, "kind": "accounts",
                                 "clusters": [seeded.hostile_cluster]}, len(table), None, "test")
    md, page = build_review(graph)   # default: the latest detection run
    return md, page, rec


def test_review_tells_the_story(seeded: Seeded, report: tuple[str, str, dict]) -> None:
    md, page, rec = report
    for section in ("Summary", "Incident timeline", "Clusters found", "Evidence examples",
                    "Containment exports made", "Parameters used", "Glossary"):
        assert f"## {section}" in md and f"<h2>{section}</h2>" in page
    assert seeded.run_id in md and seeded.run_id in page
    assert f"Detection run {seeded.run_id} finished" in page          # timeline
    assert "coordinated group(s)" in page                               # plain-language summary
    n = len(seeded.usernames)
    assert f"{n} coordinated group(s)" in page
    top = seeded.usernames[seeded.top_cluster]
    assert any(f"@{u}" in page for u in top[:12])                       # evidence names members
    assert "separate waves" in page and "s apart" in page               # evidence, in words
    assert rec["sha256"] in page and rec["user"] in page                # the export made
    assert "accounts" in page and "Containment export: " in page
    params = re.search(r"<pre>(.*?)</pre>", page, re.S)
    assert params and json.loads(params.group(1).replace("&quot;", '"'))["seed"] == 42
    assert "<svg" in page and "<rect" in page                           # the activity chart


def test_review_has_no_live_markup(seeded: Seeded, report: tuple[str, str, dict]) -> None:
    md, page, _ = report
    for bad in RAW_HTML:
        assert bad not in page, bad
    for bad in RAW_MARKDOWN:
        assert bad not in md, bad
    # The payloads are there, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    # Only the report's own tags and attributes: nothing a payload could have added.
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= ALLOWED_TAGS, parser.tags - ALLOWED_TAGS
    names = {a for a, _ in parser.attrs}
    assert not {a for a in names if a.startswith("on")}, names
    assert "src" not in names and "href" not in names
    assert "<script" not in page.lower()
    assert "default-src 'none'" in page                                 # no fetch, ever
    # Markdown: no raw tag, no link or image syntax from data.
    assert "<" not in md.replace("&lt;", "")
    assert not MD_LINK.search(md)


def test_review_of_a_given_run_and_errors(seeded: Seeded, neo4j_settings: Neo4jSettings) -> None:
    graph = Graph(neo4j_settings)
    md, page = build_review(graph, seeded.run_id)
    assert seeded.run_id in md and page.startswith("<!DOCTYPE html>")
    with pytest.raises(LockstepError, match="no detection run"):
        build_review(graph, "detect-nope")


def test_markdown_escaping_units() -> None:
    link = md_text(f"[click]({JS}) ![i](x) <b>{SCRIPT}</b> *bold* _it_ `code` | cell")
    assert not MD_LINK.search(link) and "<" not in link
    assert "`" not in link.replace("\\`", "")
    assert "\\|" in link and "\\*bold\\*" in link
    from lockstep.review import Doc

    doc = Doc()
    doc.p("1. not a list")
    doc.p(("# not a heading", None))
    doc.ul([[("- ", None), ("x", "b")]])
    out = render_markdown(doc)
    assert out.startswith("1\\. not a list") and "\n\n\\# not a heading" in out
    svg = activity_svg([(0, 1), (3600, 5)], [(f"#{SCRIPT}", 0, 3600)])
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_review_cli_style_round_trip(tmp_path: Path, report: tuple[str, str, dict]) -> None:
    """The HTML is one self-contained file: written and read back, it needs nothing else."""
    md, page, _ = report
    out = tmp_path / "review.html"
    out.write_text(page, encoding="utf-8")
    text = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "@import" not in text and "url(http" not in text


def test_review_without_detection(graph: Graph) -> None:
    """Last in the module: the ``graph`` fixture empties the database."""
    with pytest.raises(LockstepError, match="lockstep detect"):
        build_review(graph)
