"""Whether a run is still alive: a running job's heartbeat, and the status people are shown.

A run (``IngestRun``, ``DetectionRun``) is written ``running`` first and marked ``completed``
after its last write, or ``failed`` with the reason when the job sees its own failure. A job that
is killed (power cut, ``kill -9``, out of memory) cannot mark anything, so while it runs a
:class:`Heartbeat` stamps ``heartbeat_at`` on its run every :func:`heartbeat_seconds`; a
``running`` run whose last stamp is older than :func:`stale_seconds` is shown as ``interrupted``
(:data:`SHOWN_STATUS`) and, like every run that is not ``completed``, is never chosen by default.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from graph.connection import Graph
from graph.errors import GraphUnavailable
from graph.schema import label

RUN_LABELS = ("IngestRun", "DetectionRun")


def heartbeat_seconds() -> float:
    """Seconds between stamps (``LOCKSTEP_HEARTBEAT_SECONDS``, default 30)."""
    return float(os.environ.get("LOCKSTEP_HEARTBEAT_SECONDS", "") or 30)


def stale_seconds() -> float:
    """A running run whose last stamp is older than this is interrupted
    (``LOCKSTEP_STALE_SECONDS``, default 180: six missed stamps)."""
    return float(os.environ.get("LOCKSTEP_STALE_SECONDS", "") or 180)


# The status to show for run ``r`` (needs the query parameter ``$stale``: stale_seconds()).
# A run from before heartbeats falls back to its start time (a datetime on ingest runs).
SHOWN_STATUS = (
    "CASE WHEN r.status = 'running' AND coalesce(r.heartbeat_at, r.started_at) < "
    "datetime() - duration({milliseconds: toInteger($stale * 1000)}) "
    "THEN 'interrupted' ELSE r.status END"
)


def mark_failed(graph: Graph, run_label: str, run_id: str, error: BaseException) -> None:
    """Mark a ``running`` run ``failed`` with the error, if the server still answers. A run it
    cannot mark (the server is gone: no second wait for it) stays ``running``, turns
    ``interrupted`` when its heartbeat goes stale, and is never taken for a complete one."""
    if run_label not in RUN_LABELS:
        raise ValueError(f"{run_label!r} is not a run label")
    if isinstance(error, GraphUnavailable):
        return
    reason = f"{type(error).__name__}: {error}"
    try:
        graph.write(f"MATCH (r:{label(run_label)} {{run_id: $id}}) WHERE r.status = 'running' "
                    "SET r.status = 'failed', r.error = $reason, r.finished_at = datetime()",
                    id=run_id, reason=reason[:500])
    except Exception:  # noqa: BLE001, S110 - the original failure is what the caller raises
        pass


class Heartbeat:
    """Stamp ``heartbeat_at`` on one run every few seconds from a background thread, while the
    ``with`` block runs. A stamp that fails (the server restarting during a bulk import) is
    skipped: the next one may work, and a dead job stops stamping, which is the point."""

    def __init__(self, graph: Graph, run_label: str, run_id: str,
                 every: float | None = None) -> None:
        if run_label not in RUN_LABELS:
            raise ValueError(f"{run_label!r} is not a run label")
        self.graph = graph
        self.query = (f"MATCH (r:{label(run_label)} {{run_id: $id}}) WHERE r.status = 'running' "
                      "SET r.heartbeat_at = datetime()")
        self.run_id = run_id
        self.every = every if every is not None else heartbeat_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lockstep-heartbeat-{run_id}",
                                        daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.graph.write(self.query, id=self.run_id)
            except Exception:  # noqa: BLE001, S110 - see the class docstring
                pass

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        # A stamp in flight against a server that went away would wait out the driver's retries;
        # the thread is a daemon and stamps nothing once stopped, so it is not waited for long.
        self._thread.join(timeout=2)
