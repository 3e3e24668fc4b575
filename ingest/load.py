"""Run one ingest: files -> readers -> the graph, with rejects, counts and provenance.

:func:`ingest` picks the path: online (``ingest/online.py``: batched transactions, any server, any
state) or bulk (``ingest/bulk.py``: Neo4j's offline importer into an empty local database). Both
read with the same readers and merge records with the same :class:`ingest.rows.Batch`. Every
source record is counted: ``read = loaded + rejected`` per record kind; rejected records go to a
JSONL rejects file with the file, record number, field, reason and the raw record.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph import bulk_import
from graph.connection import Graph
from graph.errors import LockstepError
from graph.queries import load as q
from graph.queries.runs import Heartbeat, mark_failed
from ingest import bulk, formats
from ingest.formats import common
from ingest.online import DEFAULT_BATCH, Loader
from ingest.rows import (
    Sink,
    file_error,
    guarded,
    no_gc,
    refused_record,
    reject_record,
    warning_record,
)
from lockstep import __version__

__all__ = ["DEFAULT_BATCH", "IngestResult", "expand_paths", "ingest", "new_run_id", "plan",
           "sha256_file"]


@dataclass
class IngestResult:
    run_id: str
    incident: str
    files: list[dict[str, Any]]
    skipped: list[str] = field(default_factory=list)
    read: Counter = field(default_factory=Counter)
    loaded: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    warnings: int = 0
    written: Counter = field(default_factory=Counter)   # rows sent per label / relationship
    created: Counter = field(default_factory=Counter)   # new in the graph per label / relationship
    seconds: float = 0.0
    rejects_file: str = ""
    warnings_file: str = ""
    mode: str = "online"          # online (transactions) or bulk (offline importer)
    import_seconds: float = 0.0   # bulk: server stop + import + restart + schema + leftovers
    import_report: Any = None     # bulk: graph.bulk_import.ImportReport
    reread_files: int = 0         # bulk: files read again for keys they share with another file
    # files that could not be read (or stopped part-way): their file-level reject records
    unreadable: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0              # records the database refused (counted as rejected)
    conflicts: int = 0            # records that named a second author for a post (warnings)

    def reconciles(self) -> bool:
        return all(self.read[k] == self.loaded[k] + self.rejected[k] for k in self.read)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "incident": self.incident, "files": self.files,
            "skipped_files": self.skipped,
            "read": dict(self.read), "loaded": dict(self.loaded), "rejected": dict(self.rejected),
            "field_warnings": self.warnings, "author_conflicts": self.conflicts,
            "refused": self.refused, "written": dict(self.written),
            "created": dict(self.created), "seconds": round(self.seconds, 3),
            "rejects_file": self.rejects_file, "warnings_file": self.warnings_file,
            "mode": self.mode, "import_seconds": round(self.import_seconds, 3),
            "unreadable_files": [{k: u[k] for k in ("file", "records_read", "reason")}
                                 for u in self.unreadable],
        }


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files, directories (recursively, known suffixes) and globs, in a stable order."""
    return [p for p, _ in _expand(paths)]


def _expand(paths: Iterable[str | Path]) -> list[tuple[Path, bool]]:
    """(file, named explicitly) for every input file; files found in directories are not."""
    out: list[tuple[Path, bool]] = []
    for raw in paths:
        text = str(raw)
        matches = sorted(glob.glob(text, recursive=True)) if glob.has_magic(text) else [text]
        if not matches:
            raise LockstepError(f"{text}: no file matches this pattern")
        for m in matches:
            p = Path(m)
            if p.is_dir():
                out += [(f, False) for f in sorted(p.rglob("*"))
                        if f.is_file() and f.suffix.lower() in formats.SUFFIXES]
            elif p.is_file():
                out.append((p, True))
            else:
                raise LockstepError(f"{p}: no such file or directory")
    seen: set[Path] = set()
    unique = [(p, e) for p, e in out if not (p.resolve() in seen or seen.add(p.resolve()))]
    if not unique:
        raise LockstepError("no input files found (looked for " + ", ".join(formats.SUFFIXES) + ")")
    return unique


def plan(paths: Iterable[str | Path], fmt: str | None = None
         ) -> tuple[list[tuple[Path, formats.Format]], list[str]]:
    """The files to read with their formats, and the files skipped.

    A file named on the command line must be readable (else an error names it); a file found
    inside a directory whose format is not recognised (a README.json, a ground-truth file) or that
    cannot be opened is skipped and reported, never silently.
    """
    chosen, skipped, unreadable = _plan(paths, fmt)
    return chosen, skipped + [u["file"] for u in unreadable]


def _plan(paths: Iterable[str | Path], fmt: str | None
          ) -> tuple[list[tuple[Path, formats.Format]], list[str], list[dict[str, Any]]]:
    """:func:`plan`, with the files that cannot be opened apart (as file-level reject records)."""
    chosen: list[tuple[Path, formats.Format]] = []
    skipped: list[str] = []
    unreadable: list[dict[str, Any]] = []
    for path, explicit in _expand(paths):
        if fmt:
            chosen.append((path, formats.get(fmt)))
            continue
        try:
            chosen.append((path, formats.detect(path)))
        except formats.UnreadableFile as exc:
            if explicit:
                raise
            unreadable.append(file_error(path, 0, exc.__cause__ or exc))
        except LockstepError:
            if explicit:
                raise
            skipped.append(str(path))
    if not chosen:
        raise LockstepError("no readable input files (skipped: "
                            + ", ".join(skipped + [u["file"] for u in unreadable]) + ")")
    return chosen, skipped, unreadable


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def new_run_id(prefix: str = "ingest") -> str:
    return f"{prefix}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


MODES = ("auto", "online", "bulk")


def ingest(
    graph: Graph,
    paths: Iterable[str | Path],
    fmt: str | None = None,
    incident: str = "default",
    batch_size: int = DEFAULT_BATCH,
    out_dir: Path = Path(".lockstep") / "ingest",
    progress: Callable[[str, int, int], None] | None = None,
    mode: str = "auto",
    notify: Callable[[str], None] | None = None,
    bulk_batch: int | None = None,
    workers: int | None = None,
) -> IngestResult:
    """Load ``paths`` into ``graph``; returns the counts. Raises LockstepError on a lost server.

    ``mode``: ``online`` writes batched transactions (any server, any state); ``bulk`` loads an
    empty local database with Neo4j's offline importer (ingest/bulk.py; refused where it cannot
    run); ``auto`` takes bulk when it can run and the input is at least
    :data:`ingest.bulk.BULK_MIN_BYTES`, online otherwise. ``progress(file, bytes_done,
    bytes_total)`` is called as files are read; ``notify(message)`` reports the stages;
    ``bulk_batch`` is the number of rows per CSV part of a bulk load, ``workers`` the number of
    processes that read its files (default: the number of cores, up to 4).

    A file that cannot be read (or stops being readable part-way, like a damaged Parquet file) is
    reported in :attr:`IngestResult.unreadable` and in the rejects file, and the other files are
    loaded. If the run fails (a lost server, a full disk), its ``IngestRun`` is marked ``failed``
    with the reason where the server still answers; a re-run completes it without duplicates.
    """
    if mode not in MODES:
        raise LockstepError(f"unknown ingest mode {mode!r} (choose from {', '.join(MODES)})")
    say = notify or (lambda _msg: None)
    t0 = time.monotonic()
    started_ms = int(time.time() * 1000)
    chosen, skipped, unreadable = _plan(paths, fmt)
    out_dir = Path(out_dir)
    Sink.check_dir(out_dir)   # before anything is loaded: rejects must have somewhere to go
    run_id = new_run_id()
    file_info: list[dict[str, Any]] = []
    readable: list[tuple[Path, formats.Format]] = []
    for p, f in chosen:
        try:
            file_info.append({"path": str(p), "format": f.name, "bytes": p.stat().st_size,
                              "sha256": sha256_file(p)})
            readable.append((p, f))
        except OSError as exc:
            unreadable.append(file_error(p, 0, exc))
    chosen = readable
    total = sum(i["bytes"] for i in file_info)
    if mode != "online":
        why_not = bulk_import.unavailable_reason(graph)
        if mode == "bulk" and why_not:
            raise LockstepError(f"A bulk import cannot run here: {why_not}. Use --mode online.")
        if mode == "auto":
            if why_not is None and total < bulk.BULK_MIN_BYTES:
                why_not = f"the input is small ({total / 1e6:.1f} MB < {bulk.BULK_MIN_BYTES / 1e6:.0f} MB)"
            mode = "online" if why_not else "bulk"
            say(f"mode {mode}" + (f": {why_not}" if why_not else
                                  ": empty local database, Neo4j's offline importer"))
    result = IngestResult(run_id=run_id, incident=incident, files=file_info, skipped=skipped,
                          mode=mode, unreadable=unreadable)
    rejects = Sink(out_dir / f"rejects-{run_id}.jsonl")
    warnings = Sink(out_dir / f"field-warnings-{run_id}.jsonl")
    result.rejects_file, result.warnings_file = str(rejects.path), str(warnings.path)
    run_props = {
        "run_id": run_id, "incident": incident, "status": "running", "tool_version": __version__,
        "formats": sorted({f.name for _, f in chosen}), "file_paths": [i["path"] for i in file_info],
        "file_sha256": [i["sha256"] for i in file_info], "files_json": json.dumps(file_info),
        "batch_size": batch_size, "skipped_files": skipped, "mode": mode,
    }
    recorded = mode != "bulk"   # the bulk path records its run after the import
    try:
        for u in unreadable:
            rejects.write(u)
        if mode == "bulk":
            with no_gc():
                _load_bulk(graph, chosen, result, run_props, started_ms, rejects, warnings, out_dir,
                           bulk_batch or bulk.BULK_BATCH, workers, progress, say, t0)
            recorded = True
        else:
            q.start_ingest_run(graph, run_props)
            with Heartbeat(graph, "IngestRun", run_id):
                _load_online(graph, chosen, result, batch_size, total, rejects, warnings, progress)
        rejects.close()
        warnings.close()
    except BaseException as exc:
        rejects.close_quietly()
        warnings.close_quietly()
        if recorded:
            mark_failed(graph, "IngestRun", run_id, exc)
        raise
    result.seconds = time.monotonic() - t0
    q.finish_ingest_run(graph, run_id, {
        "status": "completed", "read": sum(result.read.values()),
        "loaded": sum(result.loaded.values()), "rejected": sum(result.rejected.values()),
        "field_warnings": result.warnings, "counts_json": json.dumps(result.as_dict()),
        "rejects_file": os.path.abspath(result.rejects_file) if rejects.count else "",
        "unreadable_files": [u["file"] for u in result.unreadable],
        "seconds": result.seconds,
    })
    return result


def _load_online(graph: Graph, chosen: list[tuple[Path, formats.Format]], result: IngestResult,
                 batch_size: int, total: int, rejects: Sink, warnings: Sink,
                 progress: Callable[[str, int, int], None] | None) -> None:
    """The online path of :func:`ingest` (ingest/online.py): records are read here and written by
    the loader's thread in batched transactions; records the database refuses even alone are
    moved from loaded to rejected at the end."""
    loader = Loader(graph, result.run_id, result.incident, batch_size,
                    observed_default=int(time.time()))
    done_bytes = 0
    # No garbage collector passes over the batches (no cycles; they are freed by refcount).
    with no_gc():
        try:
            for path, fmt_obj in chosen:
                base = done_bytes

                def hook(pos: int, _base: int = base, _path: Path = path) -> None:
                    if progress:
                        progress(str(_path), _base + pos, total)

                common.set_progress_hook(hook)
                errors: list[dict[str, Any]] = []
                for parsed in guarded(fmt_obj.read(path), path, errors):
                    result.read[parsed.kind] += 1
                    if parsed.reject is not None:
                        result.rejected[parsed.kind] += 1
                        rejects.write(reject_record(parsed))
                        continue
                    result.loaded[parsed.kind] += 1
                    for w in parsed.warnings:
                        result.warnings += 1
                        warnings.write(warning_record(w))
                    loader.add(parsed)
                for e in errors:
                    result.unreadable.append(e)
                    rejects.write(e)
                done_bytes += path.stat().st_size
                if progress:
                    progress(str(path), done_bytes, total)
            loader.close()
        except BaseException:
            loader.abort()
            raise
        finally:
            common.set_progress_hook(None)
    for w in loader.conflicts:
        result.warnings += 1
        result.conflicts += 1
        warnings.write(w)
    for parsed, exc in loader.refused:
        result.loaded[parsed.kind] -= 1
        result.rejected[parsed.kind] += 1
        rejects.write(refused_record(parsed, exc))
    result.refused = len(loader.refused)
    result.written, result.created = loader.written, loader.created


def _load_bulk(graph: Graph, chosen: list[tuple[Path, formats.Format]], result: IngestResult,
               run_props: dict[str, Any], started_ms: int, rejects: Sink, warnings: Sink,
               out_dir: Path, bulk_batch: int, workers: int | None,
               progress: Callable[[str, int, int], None] | None, say: Callable[[str], None],
               t0: float) -> None:
    """The bulk path of :func:`ingest` (see ingest/bulk.py): files are read in worker processes
    while the server stops, merged in file order, imported, and the run recorded afterwards (the
    import replaces the database): its ``IngestRun`` is written as soon as the server answers
    again, before the schema and the leftovers, and completed after them."""
    workers = workers or bulk.default_workers()
    loader = bulk.BulkLoader(graph, result.run_id, result.incident, int(time.time()),
                             out_dir / f"import-{result.run_id}", bulk_batch, workers)
    stopping: dict[str, Any] = {}

    def stop() -> None:
        try:
            stopping["state"] = bulk_import.stop_server(graph)
        except BaseException as exc:  # noqa: BLE001 - raised below, in the caller's thread
            stopping["error"] = exc

    stopper = threading.Thread(target=stop, name="lockstep-stop-server", daemon=True)
    stopper.start()
    total = sum(i["bytes"] for i in result.files)
    done_bytes = 0
    try:
        tasks = [(path, f.name) for path, f in chosen]
        for task, (path, rows) in zip(tasks, bulk.read_files(tasks, loader.observed_default, workers),
                                      strict=True):
            result.read.update(rows.read)
            result.loaded.update(rows.loaded)
            result.rejected.update(rows.rejected)
            for r in rows.rejects:
                rejects.write(r)
            for w in rows.warnings:
                warnings.write(w)
            result.warnings += len(rows.warnings)
            for e in rows.errors:
                result.unreadable.append(e)
                rejects.write(e)
            for w in rows.conflicts:
                result.warnings += 1
                result.conflicts += 1
                warnings.write(w)
            loader.merge(task, rows)
            done_bytes += path.stat().st_size
            if progress:
                progress(str(path), done_bytes, total)
        loader.close()
        for w in loader.conflicts:
            result.warnings += 1
            result.conflicts += 1
            warnings.write(w)
    except BaseException:
        stopper.join()
        if "state" in stopping:
            bulk_import.start_server(graph, stopping["state"])
        raise
    stopper.join()
    if "error" in stopping:
        raise stopping["error"]
    files = loader.files
    result.reread_files = loader.reread_files
    again = f" ({loader.reread_files} file(s) read twice)" if loader.reread_files else ""
    say(f"read in {time.monotonic() - t0:.1f}s{again}; importing {sum(files.nodes.values()):,} nodes "
        f"and {sum(files.relationships.values()):,} relationships ({files.bytes / 1e6:,.0f} MB of "
        f"CSV in {files.work_dir}) ...")
    t_import = time.monotonic()
    stage = re.compile(r"\(\d/4\) |.* COMPLETED in |IMPORT DONE")

    def importer_line(line: str) -> None:
        if stage.match(line):   # the importer's stages, not its dotted progress lines
            say("  importer: " + line.strip())

    report = loader.finish(stopping["state"], importer_line,
                           lambda: q.start_ingest_run(graph, run_props, started_ms=started_ms))
    result.import_seconds = time.monotonic() - t_import
    result.import_report = report
    say(f"imported in {result.import_seconds:.1f}s: importer {report.import_seconds:.1f}s, server "
        f"start {report.start_seconds:.1f}s, schema {report.schema_seconds:.1f}s, "
        f"{len(loader.leftovers):,} leftover value(s) {report.leftover_seconds:.1f}s")
    log = out_dir / f"import-{result.run_id}.log"
    shutil.move(report.log, log)
    report.log = str(log)
    shutil.rmtree(files.work_dir, ignore_errors=True)
    result.written, result.created = loader.written, loader.created
