"""Interactive network drawings (pyvis / vis-network), fully offline and safe with hostile content.

pyvis holds the nodes, edges and options; the page is written here rather than by pyvis's template,
because that template always links Bootstrap from a CDN and hands titles to ``innerHTML`` as they
are. Here:

* vis-network's JavaScript and CSS are inlined from the copy shipped inside the pyvis package, so
  the drawing works on an air-gapped laptop and makes no network request at all;
* node and edge data go into the page as JSON with ``<``, ``>`` and ``&`` written as ``\\u003c``...,
  so no caption or username can close the script element;
* tooltips are built by :func:`tip` from html-escaped parts; only those escaped strings ever reach
  ``innerHTML`` (vis-network would otherwise print the markup as text);
* above :data:`PHYSICS_MAX_NODES` nodes the layout is computed in Python (networkx spring layout,
  seeded) and physics is off, so a large cluster is drawn at once instead of after seconds of
  simulation in the browser.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import secrets
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
import pyvis
from pyvis.network import Network

PHYSICS_MAX_NODES = 200
_SECRET = secrets.token_bytes(32)
_VIS_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
# Member-score colour ramp (pale yellow -> deep red): readable on white, colour-blind safe order.
_RAMP = ["#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04"]


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    js = (_VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    # Of vis-network's 220 kB of CSS only the tooltip rules matter here (no navigation buttons,
    # manipulation or configurator): every byte is sent on each drawing, so keep just those.
    rules = re.finditer(r"([^{}]+)\{([^{}]*)\}",
                        (_VIS_DIR / "vis-network.css").read_text(encoding="utf-8"))
    css = "".join(f"{sel.strip()}{{{body}}}" for sel, body in (m.groups() for m in rules)
                  if "vis-tooltip" in sel)
    # A literal "</script" or "</style" inside would end the inline element early.
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError("vis-network assets cannot be inlined safely")
    return js, css


def tip(title: str, rows: Iterable[tuple[str, Any]] = (), lines: Iterable[str] = ()) -> str:
    """A tooltip: html-escaped lines joined by newlines, the first shown bold.

    The page turns it into markup by adding only ``<b>`` and ``<br>`` around the escaped lines
    (newlines instead of ``<br>`` tags keep a large drawing's page small).
    """
    out = [str(title)]
    out += [f"{k}: {v}" for k, v in rows]
    out += [str(line) for line in lines]
    return "\n".join(html.escape(" ".join(line.split())) for line in out)


def score_colour(value: float, lo: float = 0.0, hi: float = 1.0) -> str:
    """Colour of a member score on the ramp (higher = darker)."""
    span = (hi - lo) or 1.0
    i = int(round((min(max(value, lo), hi) - lo) / span * (len(_RAMP) - 1)))
    return _RAMP[i]


def safe_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element whatever strings it holds."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def label_text(text: Any, limit: int = 28) -> str:
    """A short canvas label (drawn as text by vis-network, so it needs no HTML escaping)."""
    s = " ".join(str(text if text is not None else "").split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def layout(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], seed: int = 42
           ) -> dict[str, tuple[float, float]]:
    """Spring layout positions (pixels) computed in Python, deterministic for a seed."""
    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in nodes)
    for e in edges:
        if e["from"] in g and e["to"] in g:
            w = float(e.get("value") or 1.0)
            if g.has_edge(e["from"], e["to"]):
                g[e["from"]][e["to"]]["weight"] += w
            else:
                g.add_edge(e["from"], e["to"], weight=w)
    n = max(len(g), 1)
    pos = nx.spring_layout(g, seed=seed, weight="weight", k=2.0 / n ** 0.5, iterations=60)
    scale = 120.0 * n ** 0.5  # keeps nodes ~ a constant distance apart whatever the size
    return {k: (float(x) * scale, float(y) * scale) for k, (x, y) in pos.items()}


def network_html(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], height: int = 620,
                 directed: bool = False, physics: bool | None = None, seed: int = 42,
                 legend: str = "") -> str:
    """A self-contained HTML page drawing the network.

    ``nodes``: ``id``, ``label``, ``title`` (HTML from :func:`tip`), optional ``color``, ``size``,
    ``shape``. ``edges``: ``from``, ``to``, optional ``value`` (width), ``title``, ``label``.
    ``physics`` defaults to on up to :data:`PHYSICS_MAX_NODES` nodes and off above.
    """
    if physics is None:
        physics = len(nodes) <= PHYSICS_MAX_NODES
    net = Network(height=f"{height}px", width="100%", directed=directed, cdn_resources="in_line")
    pos = {} if physics else layout(nodes, edges, seed=seed)
    # Small integer ids in the page instead of long keys (element ids, platform keys).
    ids = {n["id"]: i for i, n in enumerate(nodes)}
    for n in nodes:
        extra = {k: n[k] for k in ("color", "shape", "borderWidth", "font") if k in n}
        if "size" in n:
            extra["size"] = round(float(n["size"]), 1)
        if n["id"] in pos:
            extra.update(x=round(pos[n["id"]][0], 1), y=round(pos[n["id"]][1], 1), physics=False)
        net.add_node(ids[n["id"]], label=label_text(n.get("label", "")), title=n.get("title", ""),
                     **extra)
    for e in edges:
        if e["from"] not in ids or e["to"] not in ids:
            continue
        extra = {k: e[k] for k in ("value", "title", "label", "color", "dashes") if k in e}
        if "label" in extra:
            extra["label"] = label_text(extra["label"], 20)
        net.add_edge(ids[e["from"]], ids[e["to"]], **extra)
    options = {
        "physics": {"enabled": bool(physics), "solver": "barnesHut",
                    "barnesHut": {"gravitationalConstant": -12000, "springLength": 220,
                                  "avoidOverlap": 0.3},
                    "stabilization": {"enabled": True, "iterations": 250, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False,
                        "hideEdgesOnDrag": len(nodes) > PHYSICS_MAX_NODES,
                        "multiselect": True},
        "nodes": {"shape": "dot", "font": {"size": 13, "face": "sans-serif",
                                           "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"color": {"color": "#9aa5b1", "highlight": "#1f4e79", "opacity": 0.55,
                            "inherit": False},
                  "scaling": {"min": 0.5, "max": 6}, "smooth": False,
                  "font": {"size": 10, "align": "middle"}},
        "layout": {"randomSeed": seed, "improvedLayout": len(nodes) <= 100},
    }
    data_nodes, data_edges, _, _, _, _ = net.get_network_data()
    return _page(data_nodes, data_edges, options, height, legend)


def _page(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], options: dict[str, Any],
          height: int, legend: str) -> str:
    js, css = _vis_assets()
    # Only our two script elements carry the nonce: an injected <script> or an inline handler
    # (onerror=...) would be refused by the browser even if one slipped through the escaping. The
    # nonce depends on the content (keyed by a per-process secret), so an unchanged drawing gives
    # the same page and Streamlit does not reload the frame on every rerun.
    body = safe_json([nodes, edges, options])
    nonce = hmac.new(_SECRET, body.encode("utf-8"), hashlib.sha256).hexdigest()[:24]
    legend_html = f'<div id="legend">{html.escape(legend)}</div>' if legend else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; img-src data:">
<style>{css}</style>
<style>
html, body {{ margin: 0; padding: 0; font-family: sans-serif; background: #fff; }}
#net {{ width: 100%; height: {int(height)}px; border: 1px solid #d0d7de; box-sizing: border-box; }}
#legend {{ font-size: 12px; color: #444; padding: 4px 2px; }}
div.vis-tooltip {{ white-space: normal; max-width: 420px; font-size: 12px; line-height: 1.35; }}
</style></head>
<body>{legend_html}<div id="net"></div>
<script nonce="{nonce}">{js}</script>
<script nonce="{nonce}">
(function () {{
  // Titles arrive as html-escaped lines (see netviz.tip): the only markup added here is <b> on
  // the first line and <br> between lines, so every character of the data stays text.
  function asElement(t) {{
    var lines = String(t).split("\\n"), d = document.createElement("div");
    d.innerHTML = "<b>" + lines[0] + "</b>" + (lines.length > 1 ? "<br>" + lines.slice(1).join("<br>") : "");
    return d;
  }}
  var nodes = {safe_json(nodes)};
  var edges = {safe_json(edges)};
  nodes.forEach(function (n) {{ if (n.title) {{ n.title = asElement(n.title); }} }});
  edges.forEach(function (e) {{ if (e.title) {{ e.title = asElement(e.title); }} }});
  var data = {{ nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }};
  var network = new vis.Network(document.getElementById("net"), data, {safe_json(options)});
  network.once("afterDrawing", function () {{
    document.body.setAttribute("data-drawn", String(performance.now()));
    document.body.setAttribute("data-nodes", String(nodes.length));
  }});
  network.once("stabilizationIterationsDone", function () {{ network.setOptions({{ physics: false }}); }});
  window.lockstepNetwork = network;
}})();
</script></body></html>"""


_REMOTE = re.compile(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*["']?\s*(https?:)?//""",
                     re.IGNORECASE)


def remote_references(page: str) -> list[str]:
    """Any script, link, img or iframe element that would fetch from the network (should be none)."""
    return [m.group(0) for m in _REMOTE.finditer(page)]
