"""What Lockstep writes is owner-only (it names the people under investigation), unless
LOCKSTEP_UMASK says otherwise; the local store is checked in test_local_server."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import LOCKSTEP


def _modes(root: Path) -> set[str]:
    return {oct(p.stat().st_mode & 0o777) for p in root.rglob("*")}


def _generate(out: Path, **env: str) -> subprocess.CompletedProcess:
    old = os.umask(0o022)  # a usual shell: files world-readable unless Lockstep closes them
    try:
        return subprocess.run([LOCKSTEP, "generate", "--out", str(out), "--scale", "0.2"],
                              capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, **env))
    finally:
        os.umask(old)


def test_written_files_are_owner_only(tmp_path: Path) -> None:
    done = _generate(tmp_path / "incident")
    assert done.returncode == 0, done.stderr
    assert _modes(tmp_path / "incident") == {"0o600", "0o700"}


def test_a_team_umask_can_be_configured_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    done = _generate(tmp_path / "incident", LOCKSTEP_UMASK="027")
    assert done.returncode == 0, done.stderr
    assert _modes(tmp_path / "incident") == {"0o640", "0o750"}
    bad = _generate(tmp_path / "other", LOCKSTEP_UMASK="rw-r--r--")
    assert bad.returncode == 2 and "LOCKSTEP_UMASK must be an octal umask" in bad.stderr
    assert "Traceback" not in bad.stderr
