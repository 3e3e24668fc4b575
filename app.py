"""Lockstep's investigation app: `streamlit run app.py` or `lockstep app`.

Thin pages over the library: every query lives in graph/, every computation in analyses/; pages
only read and present. Neo4j unreachable or an empty graph gives a message with the next step.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Lockstep", page_icon=":material/hub:", layout="wide")

pages = [
    st.Page("app_pages/overview.py", title="Incident overview", icon=":material/dashboard:",
            default=True),
]
st.navigation(pages).run()
