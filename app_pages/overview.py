"""Incident overview: what is loaded, how activity grew, the strongest clusters, what is emerging."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from analyses.trends import growth, hourly_series
from app_pages import common, data
from graph.connection import Graph

TOP_CLUSTERS = 10


def _hours(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["time"] = pd.to_datetime(out["hour"], unit="s", utc=True)
    return out


def _activity(graph: Graph, key: str, incident: str | None, tags: pd.DataFrame,
              emerging: pd.DataFrame, cluster_tags: list[str]) -> None:
    st.subheader("Activity over time")
    posts = data.posts_per_hour(graph, key, incident)
    if posts.empty:
        st.info("No timestamped posts in this incident.")
        return
    x = alt.X("time:T", title="hour (UTC)", scale=alt.Scale(type="utc"),
              axis=alt.Axis(format="%a %d %H:%M", labelAngle=0))
    overall = alt.Chart(_hours(posts)).mark_area(opacity=0.6, interpolate="step-after").encode(
        x=x, y=alt.Y("posts:Q", title="posts per hour"),
        tooltip=[alt.Tooltip("utcyearmonthdatehours(time):T", title="hour (UTC)"),
                 alt.Tooltip("posts:Q")],
    ).properties(height=180, title="All posts")
    st.altair_chart(overall, width="stretch")

    names = sorted(tags["name"].unique().tolist()) if not tags.empty else []
    presets = {
        "fastest growing": list(emerging["name"].head(5)) if not emerging.empty else [],
        "most posted": (tags.groupby("name")["posts"].sum().nlargest(5).index.tolist()
                        if not tags.empty else []),
        "top clusters' hashtags": cluster_tags[:5],
    }
    preset = st.radio("Preselect hashtags", list(presets), horizontal=True,
                      help="Fastest growing: over their own baseline in the last N hours "
                           "(sidebar). You can add or remove hashtags below.")
    chosen = st.multiselect("Hashtags to plot", names,
                            default=[n for n in presets[preset] if n in names])
    if chosen:
        series = _hours(hourly_series(tags, chosen))
        lines = alt.Chart(series).mark_line(interpolate="step-after").encode(
            x=x, y=alt.Y("posts:Q", title="posts per hour"),
            color=alt.Color("name:N", title="hashtag"),
            tooltip=[alt.Tooltip("name:N", title="hashtag"),
                     alt.Tooltip("utcyearmonthdatehours(time):T", title="hour (UTC)"),
                     alt.Tooltip("posts:Q")],
        ).properties(height=240, title="Posts per hour by hashtag")
        st.altair_chart(lines, width="stretch")


def _emerging_table(df: pd.DataFrame, kind: str, titles: dict[str, str] | None = None) -> None:
    if df.empty:
        st.caption(f"No {kind} with enough recent posts.")
        return
    show = pd.DataFrame({
        kind: [(titles or {}).get(n, n) for n in df["name"]],
        "growth": df["growth"].round(1), "recent posts": df["recent"],
        "usual per hour": df["baseline_per_hour"].round(2),
        "new": df["new"].map({True: "new", False: ""}), "last 48 h": df["hourly"],
    })
    st.dataframe(show, hide_index=True, width="stretch", column_config={
        "growth": st.column_config.NumberColumn(help="recent posts / what its own earlier rate "
                                                     "predicts (smoothed); 1 = no change",
                                                format="%.1f×"),
        "last 48 h": st.column_config.LineChartColumn(help="posts per hour"),
    })


def _top_clusters(graph: Graph, key: str, run: dict) -> None:
    st.subheader("Top clusters")
    table = data.cluster_table(graph, key, run["run_id"])
    if table.empty:
        st.info("The latest detection run found no coordinated clusters. Try `lockstep detect` "
                "with wider `--windows` or a higher `--alpha`.")
        return
    st.caption(f"From detection run `{run['run_id']}` finished {common.iso(run['finished_at'])}: "
               f"{run['n_clusters']} clusters, {run['n_flagged']} accounts flagged.")
    top = table.sort_values("score", ascending=False).head(TOP_CLUSTERS)
    st.dataframe(pd.DataFrame({
        "rank": top["rank"], "cluster": top["cluster_id"], "score": top["score"].round(3),
        "accounts": top["size"], "main signals": top["top_signals"].map(common.signals_text),
        "top hashtags": top["top_hashtags"].map(lambda t: ", ".join("#" + x for x in (t or [])[:4])),
        "active from": top["first_ts"].map(common.ts), "until": top["last_ts"].map(common.ts),
    }), hide_index=True, width="stretch", column_config={
        "score": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.3f"),
    })
    cols = st.columns(min(3, len(top)))
    for col, row in zip(cols, top.head(3).itertuples(index=False), strict=False):
        col.page_link("app_pages/clusters.py", label=f"Open cluster #{int(row.rank)}",
                      icon=":material/hub:",
                      query_params={"run": run["run_id"], "cluster": row.cluster_id})


def _unfinished(ingests: list[dict], detections: list[dict]) -> None:
    """Say which runs did not complete and why: their data is never used by default."""
    for kind, rows in (("ingest", ingests), ("detection", detections)):
        for r in rows:
            if r["status"] in ("failed", "interrupted"):
                # the error names files, whose names are data: escaped like all data text
                why = (f": {common.md(r['error'])}" if r.get("error") else
                       " (its process stopped without finishing)")
                st.warning(f"The {kind} run {common.md(r['run_id'])} {r['status']}{why}. Nothing "
                           "is read from it by default; run it again (a re-run adds nothing twice).",
                           icon=":material/warning:")
        for r in rows if kind == "ingest" else []:
            if r.get("unreadable_files"):
                st.warning(f"The ingest run {common.md(r['run_id'])} could not read "
                           f"{len(r['unreadable_files'])} file(s): "
                           + common.md(", ".join(r["unreadable_files"][:5])),
                           icon=":material/warning:")


def _runs(graph: Graph, key: str) -> None:
    st.subheader("Latest runs")
    left, right = st.columns(2)
    ingests = data.ingest_runs(graph, key)
    with left:
        st.markdown("**Ingest runs**")
        st.dataframe(pd.DataFrame([{
            "run": r["run_id"], "incident": r["incident"], "status": r["status"],
            "finished": common.iso(r["finished_at"]), "files": len(r["files"] or []),
            "records read": r["read"], "loaded": r["loaded"], "rejected": r["rejected"],
            "seconds": round(r["seconds"] or 0, 1),
        } for r in ingests]), hide_index=True, width="stretch")
    log = data.detection_run_log(graph, key)
    runs = [r for r in log if r["status"] == "completed"]
    with right:
        st.markdown("**Detection runs**")
        st.dataframe(pd.DataFrame([{
            "run": r["run_id"], "incident": r["incident"], "status": r["status"],
            "finished": common.iso(r["finished_at"]),
            "clusters": r["n_clusters"], "flagged": r["n_flagged"], "posts": r["n_posts"],
            "window s": r["time_window"], "seed": r["seed"], "signals": common.signals_text(r["signals"]),
        } for r in log]), hide_index=True, width="stretch")
    _unfinished(ingests, log)
    if runs:
        with st.expander(f"Parameters of the latest detection run ({runs[0]['run_id']})"):
            st.json({"parameters": runs[0]["params"], "window estimate": runs[0]["window_estimate"],
                     "timings (s)": runs[0]["timings"], "stats": runs[0]["stats"]}, expanded=1)
    if ingests:
        with st.expander(f"Files of the latest ingest run ({ingests[0]['run_id']})"):
            st.dataframe(pd.DataFrame({"file": ingests[0]["files"] or [],
                                       "sha256": ingests[0]["sha256"] or []}),
                         hide_index=True, width="stretch")


def body(graph: Graph, key: str) -> None:
    st.title("Incident overview")
    counts = data.counts(graph, key)
    if not any(counts.values()):
        raise common.NoData(common.NO_DATA)
    names = data.incidents(graph, key)
    incident = st.sidebar.selectbox("Incident", [None, *names],
                                    format_func=lambda n: "all incidents" if n is None else n)
    runs = data.detection_runs(graph, key)
    latest = runs[0] if runs else None
    cols = st.columns(len(counts) + 1)
    for col, (name, n) in zip(cols, counts.items(), strict=False):
        col.metric(f"{name}s", f"{n:,}")
    cols[-1].metric("Flagged accounts", f"{latest['n_flagged']:,}" if latest else "—",
                    help="Accounts in a coordinated cluster of the latest detection run.")

    recent = st.sidebar.slider("Emerging: last N hours", 3, 72, 24, step=3,
                               help="Growth compares these hours with each object's own earlier "
                                    "hourly rate.")
    tags = data.object_posts_per_hour(graph, key, "hashtag", incident)
    sounds = data.object_posts_per_hour(graph, key, "sound", incident)
    end = int(max(tags["hour"].max() if not tags.empty else 0,
                  sounds["hour"].max() if not sounds.empty else 0)) + 3600
    tag_growth = growth(tags, recent_hours=recent, now=end, prior=5.0)
    sound_growth = growth(sounds, recent_hours=recent, now=end, prior=5.0)

    cluster_tags: list[str] = []
    if latest:
        for t in data.cluster_table(graph, key, latest["run_id"])["top_hashtags"].head(3):
            cluster_tags += [x for x in (t or []) if x not in cluster_tags]
    _activity(graph, key, incident, tags, tag_growth, cluster_tags)
    if latest:
        _top_clusters(graph, key, latest)
    else:
        st.info(common.NO_RUN)

    st.subheader("Emerging hashtags and sounds")
    st.caption(f"Fastest growth in the {recent} hours up to {common.ts(end)} (the end of the loaded "
               "data) against each one's own earlier rate.")
    left, right = st.columns(2)
    with left:
        st.markdown("**Hashtags**")
        _emerging_table(tag_growth.head(15), "hashtag")
    with right:
        st.markdown("**Sounds**")
        top_sounds = sound_growth.head(15)
        titles = data.sound_titles(graph, key, tuple(top_sounds["name"]))
        _emerging_table(top_sounds, "sound", titles)
    _runs(graph, key)


common.run_page(body)
