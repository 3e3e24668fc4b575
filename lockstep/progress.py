"""Progress bars for long jobs (rich), quiet when output is not a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)


@contextmanager
def byte_progress(label: str, enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """Yields ``update(current_file, bytes_done, bytes_total)``."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda *_: None
        return
    with Progress(TextColumn(f"[bold]{label}[/] {{task.fields[file]}}"), BarColumn(),
                  DownloadColumn(), TransferSpeedColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task(label, total=None, file="")

        def update(file: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, file=file.rsplit("/", 1)[-1])

        yield update
