"""How a graph node is named, coloured and described in drawings and tables (any label)."""

from __future__ import annotations

from typing import Any

from app_pages import common, netviz

KIND_OF_LABEL = {"Account": "account", "Hashtag": "hashtag", "Sound": "sound", "Video": "video",
                 "Url": "url", "Cluster": "cluster"}
COLOURS = {"Account": "#2f6db5", "Video": "#9aa5b1", "Hashtag": "#2e9e5b", "Sound": "#8a5cc2",
           "Url": "#a0672c", "Cluster": "#cc4c02"}
SHAPES = {"Cluster": "diamond", "Video": "square", "Hashtag": "triangle", "Sound": "star",
          "Url": "triangleDown"}


def name(n: dict[str, Any]) -> str:
    """A short human name: @user, #tag, ♪ sound, ▶ post id, the URL, cluster #rank."""
    lab = n.get("label")
    if lab == "Account":
        return "@" + str(n.get("username") or n.get("account_id") or n.get("key"))
    if lab == "Hashtag":
        return "#" + str(n.get("name"))
    if lab == "Sound":
        return "♪ " + str(n.get("title") or n.get("sound_id") or n.get("key"))
    if lab == "Video":
        text = common.short(n.get("caption"), 24) or str(n.get("post_id") or n.get("key"))
        return ("💬 " if n.get("kind") == "comment" else "▶ ") + text
    if lab == "Url":
        return str(n.get("url"))
    if lab == "Cluster":
        return f"cluster #{n.get('rank')} ({str(n.get('run_id') or '')[-6:]})"
    return str(n.get("key") or n.get("id"))


def details(n: dict[str, Any]) -> list[tuple[str, Any]]:
    """The fields worth showing for a node (missing ones left out)."""
    lab = n.get("label")
    rows: list[tuple[str, Any]] = [("type", lab)]
    if lab == "Account":
        rows += [("display name", n.get("display_name")), ("key", n.get("key"))]
    elif lab == "Video":
        rows += [("post id", n.get("post_id")), ("kind", n.get("kind")),
                 ("posted", common.ts(n.get("created_ts"))),
                 ("caption", common.short(n.get("caption"), 160)), ("key", n.get("key"))]
    elif lab == "Sound":
        rows += [("sound id", n.get("sound_id")), ("title", n.get("title"))]
    elif lab == "Cluster":
        rows += [("cluster id", n.get("cluster_id")), ("score", n.get("score")),
                 ("accounts", n.get("size"))]
    rows.append(("connections", n.get("degree")))
    return [(k, v) for k, v in rows if v not in (None, "")]


def node(n: dict[str, Any], root: bool = False) -> dict[str, Any]:
    """A node for :func:`app_pages.netviz.network_html`."""
    lab = n.get("label") or ""
    out = {"id": n["id"], "label": name(n), "title": netviz.tip(name(n), details(n)),
           "color": COLOURS.get(lab, "#777777"), "shape": SHAPES.get(lab, "dot"),
           "size": 26 if root else 12 + min(int(n.get("degree") or 0), 400) ** 0.5}
    if root:
        out["borderWidth"] = 4
    return out
