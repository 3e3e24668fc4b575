"""Incident data is owner-only: the graph store, rejects, exports and reviews name the people
under investigation.

Every Lockstep process (the CLI, the app, the local Neo4j it starts and the importer) creates
files with the umask :data:`UMASK` (0o077: ``rw-------`` files, ``rwx------`` directories), unless
``LOCKSTEP_UMASK`` says otherwise (e.g. ``027`` for a team group on a shared server).
"""

from __future__ import annotations

import os
from pathlib import Path

UMASK = 0o077


def umask() -> int:
    """The umask Lockstep's files are created with (``LOCKSTEP_UMASK`` in octal, or 0o077)."""
    value = os.environ.get("LOCKSTEP_UMASK", "").strip()
    if not value:
        return UMASK
    try:
        mask = int(value, 8)
    except ValueError:
        raise ValueError(f"LOCKSTEP_UMASK must be an octal umask such as 077 or 027, not {value!r}") \
            from None
    if not 0 <= mask <= 0o777:
        raise ValueError(f"LOCKSTEP_UMASK must be between 000 and 777, not {value!r}")
    return mask


def make_private() -> None:
    """Set this process's umask (its children inherit it)."""
    os.umask(umask())


def private_dir(path: Path) -> Path:
    """``path`` created if needed and (if ours) closed to others, whatever made it before."""
    path.mkdir(parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():
        path.chmod(0o777 & ~umask() | 0o700)
    return path
