"""The post-incident review: one detection run told for people who were not in the room.

:func:`build_review` returns the same report twice: Markdown (for a ticket or a wiki) and one
self-contained HTML file (inline CSS and an inline SVG chart; no script, no external request) for
stakeholders. Sections: summary, incident timeline, clusters found, evidence examples, containment
exports made, parameters used, glossary.

Every string that comes from the platform data (usernames, display names, captions, hashtags,
sound titles) is escaped for the format it lands in: ``html.escape`` in HTML, and HTML-escaping
plus backslashes before Markdown's special characters in Markdown, so ``<script>``, ``<img
onerror>`` or ``[x](javascript:...)`` in a caption stays text in every viewer.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph.connection import Graph
from graph.queries import app as qa
from lockstep import __version__
from lockstep.exports import resolve_run

EVIDENCE_CLUSTERS = 3      # clusters with worked examples
EVIDENCE_PAIRS = 3         # account pairs per cluster
EVIDENCE_ITEMS = 3         # co-actions per pair
TIMELINE_CLUSTERS = 10

SIGNAL_WORDS = {
    "hashtag": "the same hashtags", "sound": "the same sounds", "caption": "near-identical captions",
    "mention": "mentions of the same accounts", "repost": "reposts of the same videos",
    "url": "the same links",
}


# ------------------------------------------------------------------------------ document model
# A small block list rendered twice, so the Markdown and the HTML always say the same thing.
# Inline text is a list of (text, style) with style None, "b" (bold) or "code".

Inline = list[tuple[str, str | None]]


@dataclass
class Doc:
    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def h(self, level: int, text: str) -> None:
        self.blocks.append((f"h{level}", text))

    def p(self, *parts: str | tuple[str, str | None]) -> None:
        self.blocks.append(("p", [(x, None) if isinstance(x, str) else x for x in parts]))

    def ul(self, items: list[Inline | str]) -> None:
        self.blocks.append(("ul", [[(i, None)] if isinstance(i, str) else i for i in items]))

    def table(self, headers: list[str], rows: list[list[Any]]) -> None:
        self.blocks.append(("table", (headers, rows)))

    def pre(self, text: str) -> None:
        self.blocks.append(("pre", text))

    def svg(self, svg: str, alt: str) -> None:
        self.blocks.append(("svg", (svg, alt)))


# Characters that start inline Markdown constructs: emphasis, code, links and images ([...]),
# tables (|), strikethrough (~), maths ($) and escapes. "<" and "&" are HTML-escaped, so neither
# raw HTML nor <autolinks> can appear; without brackets, "javascript:..." is never a link.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~$])")


def md_text(value: Any) -> str:
    """Data text made inert in Markdown: one line, HTML-escaped, specials backslashed."""
    s = re.sub(r"\s+", " ", str(value if value is not None else ""))
    return _MD_SPECIAL.sub(r"\\\1", html.escape(s, quote=True))


def _md_block_start(text: str) -> str:
    """Escape what would turn the start of a line into a heading, list item or rule."""
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return re.sub(r"^([#+\-=])", r"\\\1", text)


def _md_inline(parts: Inline) -> str:
    out = []
    for text, style in parts:
        text = str(text)
        if style == "code":
            out.append("`" + text.replace("`", "'") + "`")  # our own ids only
        elif style == "b":
            # "**x **" is not bold in CommonMark: keep the spaces outside the markers.
            core = text.strip()
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            out.append(f"{lead}**{md_text(core)}**{trail}" if core else text)
        else:
            out.append(md_text(text))
    return _md_block_start("".join(out))


def _html_inline(parts: Inline) -> str:
    tags = {"b": "strong", "code": "code"}
    return "".join(f"<{tags[s]}>{html.escape(str(t))}</{tags[s]}>" if s in tags
                   else html.escape(str(t)) for t, s in parts)


def render_markdown(doc: Doc) -> str:
    out: list[str] = []
    for kind, value in doc.blocks:
        if kind.startswith("h"):
            out.append("#" * int(kind[1]) + " " + md_text(value))
        elif kind == "p":
            out.append(_md_inline(value))
        elif kind == "ul":
            out.append("\n".join("- " + _md_inline(item) for item in value))
        elif kind == "table":
            headers, rows = value
            lines = ["| " + " | ".join(md_text(h) for h in headers) + " |",
                     "|" + "---|" * len(headers)]
            lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows]
            out.append("\n".join(lines))
        elif kind == "pre":
            # Four-space indented block: no fence a value could close; still HTML-escaped so a
            # renderer that ignores code blocks shows text, not markup.
            out.append("\n".join("    " + html.escape(line) for line in value.splitlines()))
        elif kind == "svg":
            out.append(f"*{md_text(value[1])} (chart in the HTML version of this review)*")
    return "\n\n".join(out) + "\n"


_CSS = """
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #1f2328; max-width: 1000px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; border-bottom: 3px solid #cc4c02; padding-bottom: .3rem; }
h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #f6f8fa; }
tr:nth-child(even) td { background: #fbfcfd; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
pre { background: #f6f8fa; padding: .8rem; overflow-x: auto; white-space: pre-wrap; }
figure { margin: 1rem 0; } figcaption { font-size: 12px; color: #57606a; }
.meta { color: #57606a; font-size: 13px; }
@media print { body { margin: 0; } h2 { page-break-after: avoid; } }
"""


def render_html(doc: Doc, title: str) -> str:
    body: list[str] = []
    for kind, value in doc.blocks:
        if kind.startswith("h"):
            body.append(f"<{kind}>{html.escape(value)}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{_html_inline(value)}</p>")
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{_html_inline(i)}</li>" for i in value) + "</ul>")
        elif kind == "table":
            headers, rows = value
            body.append("<table><thead><tr>" + "".join(f"<th>{html.escape(str(h))}</th>"
                                                        for h in headers)
                        + "</tr></thead><tbody>"
                        + "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row)
                                  + "</tr>" for row in rows) + "</tbody></table>")
        elif kind == "pre":
            body.append(f"<pre>{html.escape(value)}</pre>")
        elif kind == "svg":
            svg, alt = value
            body.append(f'<figure>{svg}<figcaption>{html.escape(alt)}</figcaption></figure>')
    # No script at all, and a policy that forbids any fetch: the file opens the same offline.
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


# ------------------------------------------------------------------------------------ helpers


def _ts(value: Any, seconds: bool = False) -> str:
    if value is None:
        return ""
    fmt = "%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC"
    return datetime.fromtimestamp(int(value), UTC).strftime(fmt)


def _iso_ts(value: Any) -> int | None:
    """A Neo4j datetime or ISO string -> Unix seconds."""
    if value is None:
        return None
    if hasattr(value, "to_native"):
        return int(value.to_native().timestamp())
    m = re.match(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})", str(value))
    return int(datetime.fromisoformat(m.group(1)).replace(tzinfo=UTC).timestamp()) if m else None


def strength(score: float) -> str:
    """A score in words for people who do not read scores."""
    if score >= 0.7:
        return "strong"
    if score >= 0.5:
        return "moderate"
    return "weak"


def _signals(signals: list[str] | None) -> str:
    words = [SIGNAL_WORDS.get(s, s) for s in (signals or [])]
    if len(words) > 1:
        return ", ".join(words[:-1]) + " and " + words[-1]
    return words[0] if words else "shared activity"


def _short(text: Any, limit: int = 90) -> str:
    s = " ".join(str(text if text is not None else "").split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 7200:
        return f"{seconds // 60} minutes"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} hours"
    return f"{seconds // 86400} days"


def activity_svg(hours: list[tuple[int, int]], spans: list[tuple[str, int, int]],
                 width: int = 960, height: int = 220) -> str:
    """Posts per hour as bars, with the active span of each cluster as a band underneath.

    Pure SVG (no script); labels are our own numbers and ranks, nothing from the data.
    """
    if not hours:
        return ""
    lo, hi = hours[0][0], hours[-1][0] + 3600
    for _, a, b in spans:
        lo, hi = min(lo, a), max(hi, b)
    left, top, plot_h = 44, 10, 120
    band_h, gap = 10, 4
    span_w = max(hi - lo, 1)
    total_h = top + plot_h + 24 + len(spans) * (band_h + gap) + 8
    height = max(height, total_h)
    peak = max(n for _, n in hours) or 1

    def x(t: int) -> float:
        return left + (t - lo) / span_w * (width - left - 10)

    bar_w = max((width - left - 10) * 3600 / span_w - 0.5, 0.8)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="Posts per hour and cluster activity">',
             f'<text x="2" y="{top + 10}" font-size="11" fill="#57606a">{peak}</text>',
             f'<text x="2" y="{top + plot_h}" font-size="11" fill="#57606a">0</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
             'stroke="#8c959f"/>']
    for t, n in hours:
        h = n / peak * plot_h
        parts.append(f'<rect x="{x(t):.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                     f'height="{h:.1f}" fill="#5b8db8"/>')
    day = (lo // 86400 + 1) * 86400
    while day < hi:
        parts.append(f'<line x1="{x(day):.1f}" y1="{top}" x2="{x(day):.1f}" '
                     f'y2="{top + plot_h + 4}" stroke="#d0d7de"/>')
        parts.append(f'<text x="{x(day) + 2:.1f}" y="{top + plot_h + 16}" font-size="11" '
                     f'fill="#57606a">{datetime.fromtimestamp(day, UTC).strftime("%a %d %b")}</text>')
        day += 86400
    y = top + plot_h + 28
    for name, a, b in spans:
        parts.append(f'<text x="2" y="{y + band_h - 1}" font-size="10" fill="#1f2328">'
                     f'{html.escape(name)}</text>')
        parts.append(f'<rect x="{x(a):.1f}" y="{y}" width="{max(x(b) - x(a), 2):.1f}" '
                     f'height="{band_h}" fill="#cc4c02" opacity="0.75"/>')
        y += band_h + gap
    parts.append("</svg>")
    return "".join(parts)


# ------------------------------------------------------------------------------------- review


def build_review(graph: Graph, run_id: str | None = None) -> tuple[str, str]:
    """The post-incident review of a detection run (default: the latest) as (Markdown, HTML)."""
    run_id = resolve_run(graph, run_id)
    run = qa.detection_runs(graph, limit=1, run_id=run_id)[0]
    incident = run.get("incident")
    clusters = qa.cluster_table(graph, run_id)
    hours = qa.posts_per_hour(graph, incident)
    ingests = [r for r in qa.ingest_runs(graph, limit=100)
               if incident is None or r["incident"] == incident]
    exports_made = qa.exports_of_run(graph, run_id)
    detailed = [qa.cluster(graph, cid) for cid in clusters["cluster_id"].head(EVIDENCE_CLUSTERS)]
    detailed = [c for c in detailed if c is not None]

    doc = Doc()
    title = f"Post-incident review: {incident or 'all loaded data'}"
    doc.h(1, title)
    doc.p(("Generated ", None), (datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), None),
          (" by Lockstep ", None), (__version__, None), (" from detection run ", None),
          (run_id, "code"), (".", None))
    _summary(doc, run, clusters, hours, ingests, exports_made)
    _timeline(doc, graph, run, clusters, hours, ingests, exports_made)
    _clusters(doc, clusters)
    _evidence(doc, graph, detailed)
    _exports(doc, exports_made)
    _parameters(doc, run, ingests)
    _glossary(doc)
    return render_markdown(doc), render_html(doc, title)


def _summary(doc: Doc, run: dict[str, Any], clusters: Any, hours: Any, ingests: list[dict[str, Any]],
             exports_made: list[dict[str, Any]]) -> None:
    doc.h(2, "Summary")
    n_posts = int(hours["posts"].sum()) if not hours.empty else 0
    span = ""
    if not hours.empty:
        span = f" between {_ts(hours['hour'].min())} and {_ts(int(hours['hour'].max()) + 3599)}"
    doc.p(f"Lockstep examined {run.get('n_posts') or n_posts:,} posts{span}, loaded in "
          f"{len(ingests)} ingest run(s). It looked for groups of accounts that post the same "
          "hashtags, sounds, captions, links or mentions within minutes of each other, again and "
          "again, far more often than chance would explain.")
    if clusters.empty:
        doc.p(("No coordinated group was found", "b"), (" with the parameters below.", None))
        return
    strong = int((clusters["score"] >= 0.7).sum())
    top = clusters.iloc[0]
    doc.p(("Result: ", "b"),
          (f"{len(clusters)} coordinated group(s) (clusters) with {run.get('n_flagged', 0)} "
           f"accounts in total; {strong} of them with strong evidence.", None))
    doc.p(("The strongest group, cluster #1, ", "b"),
          (f"has {int(top['size'])} accounts that repeatedly posted {_signals(top['top_signals'])} "
           f"close together in time, from {_ts(top['first_ts'])} to {_ts(top['last_ts'])}. "
           "Its most used hashtags: ", None),
          (", ".join("#" + t for t in (top["top_hashtags"] or [])[:5]) or "none", None),
          (".", None))
    doc.p(f"{len(exports_made)} containment export(s) were made from these results.")


def _timeline(doc: Doc, graph: Graph, run: dict[str, Any], clusters: Any, hours: Any,
              ingests: list[dict[str, Any]], exports_made: list[dict[str, Any]]) -> None:
    doc.h(2, "Incident timeline")
    events: list[tuple[int, str]] = []
    if not hours.empty:
        events.append((int(hours["hour"].min()), "First post in the loaded data"))
        peak = hours.loc[hours["posts"].idxmax()]
        events.append((int(peak["hour"]), f"Busiest hour: {int(peak['posts'])} posts"))
        events.append((int(hours["hour"].max()) + 3599, "Last post in the loaded data"))
    if not clusters.empty:
        tags = qa.object_posts_per_hour(graph, "hashtag", run.get("incident"))
        for tag in (clusters.iloc[0]["top_hashtags"] or [])[:3]:
            t = tags[tags["name"] == tag]
            if t.empty:
                continue
            events.append((int(t["hour"].min()), f"#{tag} first seen"))
            p = t.loc[t["posts"].idxmax()]
            events.append((int(p["hour"]), f"#{tag} at its peak ({int(p['posts'])} posts in the hour)"))
    for c in clusters.head(TIMELINE_CLUSTERS).itertuples(index=False):
        events.append((int(c.first_ts), f"Cluster #{c.rank} ({int(c.size)} accounts) starts posting "
                                        "in lockstep"))
        events.append((int(c.last_ts), f"Cluster #{c.rank}: last coordinated post"))
    for r in ingests:
        t = _iso_ts(r["finished_at"])
        if t:
            events.append((t, f"Data loaded into Lockstep (ingest run {r['run_id']}, "
                              f"{r['loaded'] or 0:,} records)"))
    t = _iso_ts(run["finished_at"])
    if t:
        events.append((t, f"Detection run {run['run_id']} finished: {run['n_clusters']} clusters"))
    for e in exports_made:
        t = _iso_ts(e["created_at"])
        if t:
            events.append((t, f"Containment export: {e['entities']} {e['kind']} by {e['user']}"))
    events.sort(key=lambda x: x[0])
    spans = [(f"#{c.rank}", int(c.first_ts), int(c.last_ts))
             for c in clusters.head(TIMELINE_CLUSTERS).itertuples(index=False)]
    svg = activity_svg([(int(h), int(n)) for h, n in zip(hours["hour"], hours["posts"], strict=True)],
                       spans)
    if svg:
        doc.svg(svg, "Posts per hour (blue bars) and when each cluster was active (orange bands, "
                     "labelled by cluster rank).")
    doc.table(["when (UTC)", "what happened"], [[_ts(t), text] for t, text in events])


def _clusters(doc: Doc, clusters: Any) -> None:
    doc.h(2, "Clusters found")
    if clusters.empty:
        doc.p("None.")
        return
    doc.p("Ranked by the strength of the evidence (score from 0 to 1). Each cluster is a group of "
          "accounts that acted together; the main signals say what they shared.")
    doc.table(
        ["#", "evidence", "accounts", "active from", "until", "main signals", "top hashtags",
         "example caption"],
        [[int(c.rank), f"{strength(c.score)} ({c.score:.2f})", int(c.size), _ts(c.first_ts),
          _ts(c.last_ts), ", ".join(c.top_signals or []),
          ", ".join("#" + t for t in (c.top_hashtags or [])[:4]),
          _short((c.sample_captions or [""])[0], 80)]
         for c in clusters.itertuples(index=False)])


def _evidence(doc: Doc, graph: Graph, detailed: list[dict[str, Any]]) -> None:
    doc.h(2, "Evidence examples")
    if not detailed:
        doc.p("No clusters, so no evidence.")
        return
    doc.p("For the strongest clusters, the account pairs with the most evidence and a few of the "
          "moments they acted together. Times are UTC; Δ is the gap between the two posts.")
    keys: set[str] = set()
    posts: set[str] = set()
    for c in detailed:
        for e in c["edges"][:EVIDENCE_PAIRS]:
            keys |= {e["a"], e["b"]}
            for ev in e["evidence"]:
                posts |= {ev["post_a"], ev["post_b"]}
    members_of = {c["cluster_id"]: qa.cluster_members(graph, c["cluster_id"]) for c in detailed}
    for m in members_of.values():
        keys |= set(m["account_key"].head(12))
    names = {k: v["username"] for k, v in qa.accounts_by_key(graph, sorted(keys)).items()}
    post_info = qa.posts_by_key(graph, sorted(posts))
    sounds = qa.sound_titles(graph, sorted({ev["object"] for c in detailed for e in c["edges"]
                                            for ev in e["evidence"] if ev["type"] == "sound"}))
    for c in detailed:
        doc.h(3, f"Cluster #{c['rank']}: {strength(c['score'])} evidence, {c['size']} accounts")
        members = members_of[c["cluster_id"]]
        doc.p(("Most central members: ", "b"),
              (", ".join("@" + str(u) for u in members["username"].head(12))
               + (f" and {len(members) - 12} more" if len(members) > 12 else ""), None))
        if c.get("log10_p") is not None:
            doc.p(("By chance: ", "b"), (f"a group this size would show this much evidence about "
                                         f"1 in 10^{-float(c['log10_p']):.0f} times (corrected "
                                         "for how many groups could have been found).", None))
        contrast = (c.get("summary") or {}).get("crowd") or []
        if contrast:
            doc.p(("How it differs from the crowd:", "b"))
            doc.ul([x["text"] for x in contrast])
        for e in c["edges"][:EVIDENCE_PAIRS]:
            a, b = names.get(e["a"], e["a"]), names.get(e["b"], e["b"])
            doc.p((f"@{a} and @{b}", "b"),
                  (f" acted together in {e['waves']} separate waves ({e['events']} times), on "
                   f"average {_duration(e['mean_dt'])} apart, sharing "
                   f"{_signals(sorted(e['signals'], key=lambda s: -e['signals'][s]))}. The chance "
                   f"of this happening by coincidence is about 1 in 10^{e['surprise']:.0f}.", None))
            items = []
            # One line per moment (a pair of posts), listing everything the two posts shared.
            moments: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for ev in e["evidence"]:
                moments.setdefault((ev["post_a"], ev["post_b"]), []).append(ev)
            for (pa, pb), evs in list(moments.items())[:EVIDENCE_ITEMS]:
                shared = ", ".join(dict.fromkeys(_object_text(ev, sounds) for ev in evs))
                cap = post_info.get(pa, {}).get("caption")
                items.append([(f"{_ts(min(evs[0]['t_a'], evs[0]['t_b']), True)}: ", None),
                              (shared, "b"),
                              (f" in posts {post_info.get(pa, {}).get('post_id', pa)} and "
                               f"{post_info.get(pb, {}).get('post_id', pb)}, "
                               f"{abs(evs[0]['dt'])} s apart", None)]
                             + ([(f"; caption: “{_short(cap, 100)}”", None)] if cap else []))
            doc.ul(items)


def _object_text(ev: dict[str, Any], sounds: dict[str, str]) -> str:
    """What a piece of evidence shared, in words (caption groups have no readable id)."""
    obj = ev["object"]
    if ev["type"] == "hashtag":
        return f"#{obj}"
    if ev["type"] == "mention":
        return f"mention of @{obj.split(':', 1)[-1]}"
    if ev["type"] == "sound":
        return f"sound {sounds.get(obj, obj).removeprefix('tiktok:')}"
    if ev["type"] == "caption":
        return "near-identical caption"
    return f"{ev['type']} {obj}"


def _exports(doc: Doc, exports_made: list[dict[str, Any]]) -> None:
    doc.h(2, "Containment exports made")
    if not exports_made:
        doc.p("No containment export was recorded for this detection run.")
        return
    doc.p("Every entity list handed over for takedown, restriction or review, with its "
          "fingerprint (sha256) so the file can be matched later.")
    rows = []
    for e in exports_made:
        sel = json.loads(e["selection"] or "{}")
        clusters = sel.get("clusters")
        rows.append([_ts(_iso_ts(e["created_at"]), True), e["user"], e["kind"], e["format"],
                     e["entities"], ", ".join(c.rsplit(":", 1)[-1] for c in clusters)
                     if clusters else "filter", e["source"], e["sha256"]])
    doc.table(["when", "who", "entities", "format", "count", "clusters (#)", "from", "sha256"], rows)


def _parameters(doc: Doc, run: dict[str, Any], ingests: list[dict[str, Any]]) -> None:
    doc.h(2, "Parameters used")
    p = run.get("params") or {}
    f = p.get("fusion") or {}
    doc.p("With the same data, these parameters and this seed give the same clusters.")
    doc.table(["parameter", "value"], [
        ["detection run", run["run_id"]], ["incident", run.get("incident") or "all"],
        ["finished", str(run.get("finished_at") or "")], ["seed", run.get("seed")],
        ["time windows (s)", "/".join(str(w) for w in f.get("windows") or [f.get("time_window")])],
        ["data-driven window estimate (s)", (run.get("window_estimate") or {}).get("window")],
        ["signals", ", ".join(f.get("signals") or [])],
        ["false discovery rate of pairs; significance of groups and members", f.get("alpha")],
        ["minimum separate occasions per pair", f.get("min_occasions")],
        ["public crowd size (accounts within 30 minutes)",
         (run.get("stats") or {}).get("public_crowd_size")],
        ["minimum posts per account", f.get("min_participation")],
        ["clustering", p.get("clustering")], ["minimum cluster size", p.get("min_cluster_size")],
        ["time range", f"{_ts(run['since']) or 'start'} – {_ts(run['until']) or 'end'}"],
        ["tool version", run.get("tool_version")],
    ])
    doc.h(3, "Data loaded")
    doc.table(["ingest run", "incident", "finished", "files", "records loaded", "rejected"],
              [[r["run_id"], r["incident"], str(r["finished_at"] or ""), len(r["files"] or []),
                r["loaded"], r["rejected"]] for r in ingests])
    files = [(path, sha) for r in ingests for path, sha in zip(r["files"] or [], r["sha256"] or [],
                                                               strict=False)]
    if files:
        doc.table(["source file", "sha256"], [[path, sha] for path, sha in files[:50]])
    doc.h(3, "All detection parameters")
    doc.pre(json.dumps(p, indent=2, sort_keys=True))


def _glossary(doc: Doc) -> None:
    doc.h(2, "Glossary")
    doc.ul([
        [("Cluster", "b"), (": a group of accounts that acted together, found by Lockstep.", None)],
        [("Wave", "b"), (": a burst of posts by several members within minutes; coordinated groups "
                         "post in many separate waves, organic crowds rarely repeat.", None)],
        [("Signal", "b"), (": what the posts shared — hashtag, sound, caption, link, mention or "
                           "repost.", None)],
        [("Score", "b"), (": strength of the evidence from 0 to 1 (timing, repetition, shared "
                          "content, density, improbability); 0.7 and above is strong.", None)],
        [("Surprise", "b"), (": how unlikely it is that two unrelated accounts with the same "
                             "activity would have met that often, given that they met at all "
                             "(-log10 of the probability). Meetings inside a public crowd, "
                             "reactions to a creator's post and posts that name each other do "
                             "not count.", None)],
        [("By chance", "b"), (": the probability that a group this size would show this much "
                              "evidence by coincidence, corrected for how many groups could have "
                              "been found.", None)],
        [("Export", "b"), (": an entity list handed over for containment, recorded with who, when "
                           "and a sha256 fingerprint.", None)],
    ])
