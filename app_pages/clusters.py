"""Cluster explorer: the ranked clusters of a detection run and, for one cluster, who, when, on
what and why (network with evidence, members, shared content, timeline of synchronised waves)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import common, data, netviz
from graph.connection import Graph

DEFAULT_NODE_CAP = 300
WAVE_BIN = "10 min"


# --------------------------------------------------------------------------------- filtering


def _filters(table: pd.DataFrame) -> pd.DataFrame:
    """Sidebar filters on score, size, signal and active time; returns the matching clusters."""
    sb = st.sidebar
    sb.markdown("**Filter clusters**")
    min_score = sb.slider("Minimum score", 0.0, 1.0, 0.0, 0.05, key="f_score")
    max_size = int(table["size"].max())
    min_size = sb.number_input("Minimum accounts", 1, max(max_size, 1), 1, key="f_size")
    signals = sorted({s for sig in table["top_signals"] for s in (sig or [])})
    wanted = sb.multiselect("Main signal includes", signals, key="f_signals",
                            help="Keep clusters whose main signals include any of these.")
    lo, hi = int(table["first_ts"].min()), int(table["last_ts"].max())
    out = table[(table["score"] >= min_score) & (table["size"] >= min_size)]
    if wanted:
        out = out[out["top_signals"].map(lambda s: bool(set(s or []) & set(wanted)))]
    if hi > lo:
        start, end = sb.slider(
            "Active between (UTC)", datetime.fromtimestamp(lo, UTC), datetime.fromtimestamp(hi, UTC),
            (datetime.fromtimestamp(lo, UTC), datetime.fromtimestamp(hi, UTC)),
            format="MM-DD HH:mm", key="f_time")
        out = out[(out["last_ts"] >= start.timestamp()) & (out["first_ts"] <= end.timestamp())]
    return out


def _ranked(table: pd.DataFrame) -> None:
    st.dataframe(pd.DataFrame({
        "rank": table["rank"], "score": table["score"].round(3), "accounts": table["size"],
        "pairs": table["edges"], "main signals": table["top_signals"].map(common.signals_text),
        "top hashtags": table["top_hashtags"].map(lambda t: ", ".join("#" + x for x in (t or [])[:4])),
        "active from": table["first_ts"].map(common.ts), "until": table["last_ts"].map(common.ts),
        "cluster": table["cluster_id"],
    }), hide_index=True, width="stretch", height=min(38 + 35 * len(table), 320), column_config={
        "score": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.3f"),
    })


def _pick_cluster(table: pd.DataFrame, full: pd.DataFrame) -> str:
    ids = table["cluster_id"].tolist()
    wanted = st.query_params.get("cluster")
    if wanted in set(full["cluster_id"]) and wanted not in ids and "cluster_pick" not in st.session_state:
        ids = [wanted, *ids]  # a shared link wins over the filters
    if not ids:
        raise common.NoData("No cluster matches the filters; loosen them in the sidebar.")
    if "cluster_pick" not in st.session_state and wanted in ids:
        st.session_state["cluster_pick"] = wanted
    if st.session_state.get("cluster_pick") not in ids:
        st.session_state["cluster_pick"] = ids[0]
    by_id = full.set_index("cluster_id")
    chosen = st.selectbox(
        "Cluster", ids, key="cluster_pick",
        format_func=lambda c: (f"#{by_id.at[c, 'rank']} · score {by_id.at[c, 'score']:.3f} · "
                               f"{by_id.at[c, 'size']} accounts · "
                               f"{common.signals_text(by_id.at[c, 'top_signals'])}"))
    st.query_params["cluster"] = chosen  # the URL always points at what is on screen
    return chosen


# ---------------------------------------------------------------------------------- network


def _weighted_degree(edges: list[dict[str, Any]]) -> Counter:
    deg: Counter = Counter()
    for e in edges:
        deg[e["a"]] += e["weight"]
        deg[e["b"]] += e["weight"]
    return deg


def _evidence_line(ev: dict[str, Any], names: dict[str, str]) -> str:
    what = {"hashtag": "#", "mention": "@"}.get(ev["type"], "")
    obj = names.get(ev["object"], ev["object"]) if ev["type"] == "sound" else ev["object"]
    return (f"{ev['type']} {what}{common.short(obj, 40)}: {common.ts(ev['t_a'])[11:16]} and "
            f"{common.ts(ev['t_b'])[11:16]} on {common.ts(ev['t_a'])[:10]} (Δ {ev['dt']} s)")


@st.cache_data(show_spinner=False, max_entries=16)
def _network(key: str, cluster_id: str, cap: int, _members: pd.DataFrame,
             _edges: list[dict[str, Any]], _sound_names: dict[str, str]) -> tuple[str, list[str]]:
    """The cluster's drawing (members as nodes, evidence pairs as edges) and the accounts left out.

    Cached on (data key, cluster, cap) only: the members, edges and sound names follow from those,
    and hashing a large cluster's evidence on every rerun would cost more than drawing it.
    """
    members, edges, sound_names = _members, _edges, _sound_names
    deg = _weighted_degree(edges)
    m = members.assign(weight=members["account_key"].map(lambda k: deg.get(k, 0.0)))
    m = m.sort_values(["weight", "member_score"], ascending=False)
    drawn, rest = m.head(cap), m.iloc[cap:]
    keep = set(drawn["account_key"])
    lo, hi = float(m["member_score"].min()), float(m["member_score"].max())
    wmax = max(drawn["weight"].max(), 1e-9)
    names = dict(zip(m["account_key"], m["username"], strict=True))
    nodes = [{
        "id": r.account_key, "label": r.username,
        "title": netviz.tip(f"@{r.username}", [
            ("display name", r.display_name or "—"), ("member score", f"{r.member_score:.3f}"),
            ("rank in cluster", r.member_rank), ("posts", r.posts),
            ("followers", f"{int(r.followers):,}" if r.followers is not None
             and r.followers == r.followers else "—"),
            ("evidence weight", f"{r.weight:.1f}")]),
        "color": netviz.score_colour(r.member_score, lo, hi),
        "size": 7 + 13 * (r.weight / wmax),
    } for r in drawn.itertuples(index=False)]
    links = []
    for e in edges:
        if e["a"] not in keep or e["b"] not in keep:
            continue
        sig = ", ".join(f"{k} {v}" for k, v in sorted(e["signals"].items(), key=lambda kv: -kv[1]))
        links.append({
            "from": e["a"], "to": e["b"], "value": e["weight"],
            "title": netviz.tip(
                f"@{names.get(e['a'], e['a'])} ↔ @{names.get(e['b'], e['b'])}",
                [("weight", e["weight"]), ("separate waves", e["waves"]),
                 ("co-actions", e["events"]), ("mean gap", f"{e['mean_dt']:.0f} s"),
                 ("surprise (-log10 p)", e["surprise"]), ("signals", sig)],
                ["Evidence:"] + [_evidence_line(ev, sound_names) for ev in e["evidence"][:3]]
                + ([f"… and {len(e['evidence']) - 3} more"]
                   if len(e["evidence"]) > 3 else [])),
        })
    # Layout in Python (cached with the page) for every size: a physics simulation in the browser
    # cost each page load ~0.15 s of CPU, paid again by every session (docs/benchmarks.md, "Load").
    page = netviz.network_html(
        nodes, links, height=620, physics=False,
        legend="Colour: member score (pale = lower, dark red = higher). Size and edge width: "
               "strength of the evidence. Hover a node or an edge for the evidence; scroll to zoom.")
    return page, rest["account_key"].tolist()


def _network_section(c: dict[str, Any], members: pd.DataFrame, key: str,
                     sound_names: dict[str, str]) -> None:
    st.subheader("Network of the cluster")
    size = len(members)
    cap = size
    if size > 10:
        cap = st.slider("Draw at most this many accounts (top by evidence weight)", 10,
                        max(size, 10), min(size, DEFAULT_NODE_CAP), key=f"cap_{c['cluster_id']}")
    page, left_out = _network(key, c["cluster_id"], cap, members, c["edges"], sound_names)
    st.caption(f"{min(cap, size)} of {size} accounts drawn; edges are the "
               f"{len(c['edges'])} strongest account pairs stored with the cluster; drag a node "
               "to move it.")
    st.iframe(page, height=660)
    if left_out:
        st.markdown(f"**{len(left_out)} accounts not drawn** (weaker evidence):")
        rest = members[members["account_key"].isin(left_out)]
        st.dataframe(rest[["username", "display_name", "member_score", "member_rank", "posts"]],
                     hide_index=True, width="stretch", height=240)


# ------------------------------------------------------------------------------- the rest


def _members_section(members: pd.DataFrame) -> None:
    st.dataframe(pd.DataFrame({
        "rank": members["member_rank"], "username": members["username"],
        "display name": members["display_name"], "member score": members["member_score"].round(3),
        "posts": members["posts"], "followers": members["followers"],
        "verified": members["verified"], "bio": members["bio"].map(lambda b: common.short(b, 60) if isinstance(b, str) else ""),
        "account": members["account_key"],
    }), hide_index=True, width="stretch", column_config={
        "member score": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0,
                                                        format="%.3f"),
    })


def _shared_section(c: dict[str, Any], sound_names: dict[str, str]) -> None:
    summary = c["summary"]
    a, b, d = st.columns([1, 1, 2])
    with a:
        st.markdown("**Hashtags**")
        st.dataframe(pd.DataFrame(summary.get("top_hashtags", []), columns=["hashtag", "posts"]),
                     hide_index=True, width="stretch")
    with b:
        st.markdown("**Sounds**")
        st.dataframe(pd.DataFrame([(sound_names.get(s, s), n) for s, n in summary.get("top_sounds", [])],
                                  columns=["sound", "posts"]), hide_index=True, width="stretch")
    with d:
        st.markdown("**Sample captions**")
        st.dataframe(pd.DataFrame(summary.get("sample_captions", []), columns=["caption", "posts"]),
                     hide_index=True, width="stretch")


def _timeline_section(posts: pd.DataFrame, members: pd.DataFrame, coordinated: dict[str, Any]) -> None:
    if posts.empty:
        st.info("The members' posts have no timestamps.")
        return
    order = members.sort_values("member_rank")["username"].tolist()
    names = dict(zip(members["account_key"], members["username"], strict=True))
    df = pd.DataFrame({
        "time": pd.to_datetime(posts["timestamp"], unit="s", utc=True),
        "account": posts["account_key"].map(names),
        "in lockstep": posts["video_key"].isin(coordinated).map({True: "yes", False: "no"}),
        "caption": posts["caption"].fillna("").map(lambda s: common.short(s, 90)),
        "hashtags": posts["hashtags"].map(lambda t: " ".join("#" + x for x in (t or []))),
    })
    st.caption("Each dot is a post; dots stacked in a vertical line are a synchronised wave (many "
               "members posting within minutes). Drag on the upper chart to zoom the lower one.")
    colour = alt.Color("in lockstep:N", scale=alt.Scale(domain=["yes", "no"],
                                                        range=["#cc4c02", "#b0b7c0"]))
    axis = alt.Axis(format="%a %d %H:%M", labelAngle=0)
    # Posts per 10 minutes: a wave is a spike far above the members' usual trickle.
    df["bin"] = df["time"].dt.floor("10min")
    per_bin = df.groupby(["bin", "in lockstep"]).size().reset_index(name="posts")
    brush = alt.selection_interval(encodings=["x"], name="zoom")
    bars = alt.Chart(per_bin).mark_bar(width=3).encode(
        x=alt.X("bin:T", title=None, scale=alt.Scale(type="utc"), axis=axis),
        y=alt.Y("sum(posts):Q", title=f"posts / {WAVE_BIN}"), color=colour,
        tooltip=[alt.Tooltip("utcyearmonthdatehoursminutes(bin):T", title="from (UTC)"),
                 "in lockstep:N", alt.Tooltip("sum(posts):Q", title="posts")],
    ).add_params(brush).properties(height=130)
    dots = alt.Chart(df.drop(columns=["bin"])).mark_tick(thickness=2, size=12).encode(
        x=alt.X("time:T", title="time (UTC)", axis=axis,
                scale=alt.Scale(type="utc", domain={"param": "zoom", "encoding": "x"})),
        y=alt.Y("account:N", sort=order, title=None),
        color=colour,
        tooltip=["account:N", alt.Tooltip("utcyearmonthdatehoursminutesseconds(time):T",
                                          title="time (UTC)"),
                 "in lockstep:N", "hashtags:N", "caption:N"],
    ).properties(height=max(160, 16 * len(order)))
    st.altair_chart(alt.vconcat(bars, dots), width="stretch")


def _evidence_section(c: dict[str, Any], members: pd.DataFrame, sound_names: dict[str, str]) -> None:
    names = dict(zip(members["account_key"], members["username"], strict=True))
    rows = [{
        "account A": names.get(e["a"], e["a"]), "account B": names.get(e["b"], e["b"]),
        "weight": e["weight"], "waves": e["waves"], "mean gap (s)": e["mean_dt"],
        "surprise": e["surprise"],
        "signals": ", ".join(f"{k} {v}" for k, v in sorted(e["signals"].items(), key=lambda kv: -kv[1])),
        "example": _evidence_line(e["evidence"][0], sound_names) if e["evidence"] else "",
    } for e in c["edges"][:50]]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=300)


def _score_section(c: dict[str, Any]) -> None:
    parts = pd.DataFrame(sorted(c["parts"].items()), columns=["part", "value"])
    st.caption("How the score is made up.")
    st.altair_chart(alt.Chart(parts).mark_bar().encode(
        x=alt.X("value:Q", scale=alt.Scale(domain=[0, 1])), y=alt.Y("part:N", sort="-x"),
        tooltip=["part:N", "value:Q"]).properties(height=160), width="stretch")


def _details(c: dict[str, Any], members: pd.DataFrame, posts: pd.DataFrame,
             sound_names: dict[str, str]) -> None:
    """The cluster's details in tabs, of which only the open one is built and sent.

    Building every section on each visit cost the browser more than the drawing itself (tables and
    charts are rendered by the page's one main thread, which the drawing shares): with 8 sessions
    on one machine, the network waited behind them (docs/benchmarks.md, "Load"). The open tab is
    in the URL (``?view=``), so a shared link opens the same tab.
    """
    sections = {  # tab label (also the ?view= value) -> what builds it
        "Members": lambda: _members_section(members),
        "What they share": lambda: _shared_section(c, sound_names),
        "Timeline": lambda: _timeline_section(posts, members, c["coordinated"]),
        "Evidence": lambda: _evidence_section(c, members, sound_names),
        "Score": lambda: _score_section(c),
    }
    tabs = st.tabs(list(sections), key="view", bind="query-params")
    for build, tab in zip(sections.values(), tabs, strict=True):
        if tab.open:
            with tab:
                build()


def body(graph: Graph, key: str) -> None:
    st.title("Cluster explorer")
    run = common.pick_run(graph, key)
    full = data.cluster_table(graph, key, run["run_id"])
    if full.empty:
        raise common.NoData(f"Detection run `{run['run_id']}` found no coordinated clusters. "
                            "Try `lockstep detect` with wider `--windows` or a higher "
                            "`--alpha` (more chance pairs accepted).")
    table = _filters(full)
    st.caption(f"{len(table)} of {len(full)} clusters of run `{run['run_id']}` match the filters "
               "(sidebar), strongest first. Pick one below the table.")
    _ranked(table)
    cid = _pick_cluster(table, full)
    c = data.cluster(graph, key, cid)
    if c is None:
        raise common.NoData(f"Cluster `{cid}` is not in the graph any more; reload the page.")
    members = data.cluster_members(graph, key, cid)
    posts = data.cluster_posts(graph, key, cid)
    sound_keys = {s for s, _ in c["summary"].get("top_sounds", [])}
    sound_keys |= {ev["object"] for e in c["edges"] for ev in e["evidence"] if ev["type"] == "sound"}
    sound_names = data.sound_titles(graph, key, tuple(sorted(sound_keys)))

    st.header(f"Cluster #{c['rank']}")
    # Plain text first and the drawing right after it: the browser builds the page in order, so
    # the network is not kept waiting behind member tables and charts.
    st.markdown(
        f"**Score {c['score']:.3f}** · **{c['size']} accounts** · {len(posts):,} posts, "
        f"{len(c['coordinated']):,} of them in lockstep · active "
        f"{common.ts(c['first_ts'])} → {common.ts(c['last_ts'])} · main signals: "
        f"{common.md(common.signals_text(c['top_signals']))} · id `{cid}`")
    chance = c.get("log10_p")
    if chance is not None and chance == chance:
        st.markdown(f"A group this size would show this much evidence by chance about "
                    f"**1 in 10^{-float(chance):.0f}** (corrected for how many groups could have "
                    "been found).")
    contrast = (c.get("summary") or {}).get("crowd") or []
    if contrast:
        st.markdown("\n".join(f"- {common.md(x['text'])}" for x in contrast))
    _network_section(c, members, key, sound_names)
    links = st.columns(3)
    links[0].page_link("app_pages/export.py", label="Export this cluster",
                       icon=":material/download:", query_params={"run": run["run_id"], "cluster": cid})
    links[1].page_link("app_pages/search.py", label="Pivot from its top member",
                       icon=":material/travel_explore:",
                       query_params={"kind": "account", "key": members["account_key"].iat[0]}
                       if not members.empty else None)
    _details(c, members, posts, sound_names)


common.run_page(body)
