"""Lockstep's investigation app: `streamlit run app.py` or `lockstep app`.

Thin pages over the library: every query lives in graph/, every computation in analyses/ and
lockstep/; pages only read and present (the one write is the Export audit record of a download).
Neo4j unreachable or an empty graph gives a message with the next step, never a traceback.
"""

from __future__ import annotations

import streamlit as st

# No Material icons on pages: the current page's icon becomes the favicon, which Streamlit fetches
# from fonts.gstatic.com; an emoji favicon is inline SVG (the app must work offline).
st.set_page_config(page_title="Lockstep", page_icon="🕸️", layout="wide")

pages = [
    st.Page("app_pages/overview.py", title="Incident overview",
            url_path="overview", default=True),
    st.Page("app_pages/clusters.py", title="Cluster explorer",
            url_path="clusters"),
    st.Page("app_pages/search.py", title="Search and pivot",
            url_path="search"),
    st.Page("app_pages/export.py", title="Containment export",
            url_path="export"),
    st.Page("app_pages/review.py", title="Post-incident review",
            url_path="review"),
]
st.navigation(pages).run()
