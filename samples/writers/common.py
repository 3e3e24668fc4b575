"""What every writer needs: a buffered JSON-lines file, and the API's ``error`` objects."""

from __future__ import annotations

from pathlib import Path

import numpy as np


class LineWriter:
    """Buffered JSON-lines writer that counts its lines (bounded memory at any scale)."""

    def __init__(self, path: Path, flush_every: int = 5_000) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed in close()
        self.buf: list[str] = []
        self.flush_every = flush_every
        self.lines = 0

    def write(self, line: str) -> None:
        self.buf.append(line)
        self.lines += 1
        if len(self.buf) >= self.flush_every:
            self.fh.write("\n".join(self.buf) + "\n")
            self.buf = []

    def close(self) -> None:
        if self.buf:
            self.fh.write("\n".join(self.buf) + "\n")
            self.buf = []
        self.fh.close()


def log_id(rng: np.random.Generator) -> str:
    """An API log id (``202603`` + 26 hex digits)."""
    return "202603" + rng.bytes(13).hex().upper()


def err(rng: np.random.Generator) -> dict[str, str]:
    """The ``error`` object of a successful API response."""
    return {"code": "ok", "message": "", "log_id": log_id(rng)}


def log_ids(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` API log ids at once (drawing them one by one was a hot spot at scale 100)."""
    raw = rng.integers(0, 256, (n, 13), dtype=np.uint8).tobytes()
    return ["202603" + raw[k * 13:(k + 1) * 13].hex().upper() for k in range(n)]
