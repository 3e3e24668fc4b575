"""Post-incident review: the report of a detection run, previewed and downloadable as Markdown and
as one self-contained HTML file (lockstep.review.build_review)."""

from __future__ import annotations

import streamlit as st

from app_pages import common
from graph.connection import Graph
from graph.queries.app import exports_of_run
from lockstep.review import build_review


@st.cache_data(show_spinner="Writing the review…", ttl=600, max_entries=8)
def _review(_graph: Graph, key: str, run_id: str, exports_seen: int) -> tuple[str, str]:
    # ``exports_seen`` is in the key: an export made since the last view belongs in the report.
    return build_review(_graph, run_id)


def body(graph: Graph, key: str) -> None:
    st.title("Post-incident review")
    run = common.pick_run(graph, key)
    n_exports = len(exports_of_run(graph, run["run_id"]))
    markdown, page = _review(graph, key, run["run_id"], n_exports)
    st.caption("For stakeholders who were not in the room: timeline, clusters found, evidence "
               "examples, containment exports and the parameters used. The HTML file is "
               "self-contained (no scripts, no external requests): attach it or print it.")
    c1, c2, _ = st.columns([1, 1, 2])
    stem = f"lockstep-review-{run['run_id']}"
    c1.download_button("Download HTML", page.encode("utf-8"), file_name=f"{stem}.html",
                       mime="text/html", type="primary", icon=":material/download:",
                       on_click="ignore", key="review_html")
    c2.download_button("Download Markdown", markdown.encode("utf-8"), file_name=f"{stem}.md",
                       mime="text/markdown", icon=":material/download:", on_click="ignore",
                       key="review_md")
    preview, source = st.tabs(["Preview", "Markdown source"])
    with preview:
        # The report's own HTML in a frame: what the stakeholder will see, chart included.
        st.iframe(page, height=900)
    with source:
        st.code(markdown, language="markdown")


common.run_page(body)
