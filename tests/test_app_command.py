"""`lockstep app` (what `make demo` ends with) on a machine where Streamlit never ran before.

Streamlit's first start asks for an e-mail address on the terminal unless it runs headless; with
no terminal that prompt killed the demo. The command must start the app without asking and open
the browser itself (here a fake browser named by $BROWSER, which records the address).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from graph import local_server
from tests.conftest import LOCKSTEP, stop_process, wait_for_app


def test_app_starts_without_a_prompt_and_opens_the_browser(neo4j_env: dict[str, str],
                                                           tmp_path: Path) -> None:
    home = tmp_path / "home"   # no ~/.streamlit: Streamlit's first run on this machine
    home.mkdir()
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    browser.chmod(0o755)
    port = local_server.free_port()
    env = dict(neo4j_env, HOME=str(home), BROWSER=str(browser))
    env.pop("DISPLAY", None)
    log = tmp_path / "app.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([LOCKSTEP, "app", "--port", str(port)], env=env,
                                stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT)
    try:
        wait_for_app(f"http://127.0.0.1:{port}", proc, log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not opened.exists():
            time.sleep(0.2)
        assert opened.read_text().split() == [f"http://127.0.0.1:{port}"]
        assert b"Email" not in log.read_bytes()
    finally:
        stop_process(proc)



def _listening(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp{,6})."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:
                found.add(addr)
    return found


def test_streamlit_run_listens_on_this_machine_only(neo4j_env: dict[str, str],
                                                    tmp_path: Path) -> None:
    # the README's alternative launch, without any address flag: the project's config decides
    root = Path(__file__).resolve().parent.parent
    port = local_server.free_port()
    env = dict(neo4j_env, HOME=str(tmp_path))
    log = tmp_path / "app.log"
    streamlit = Path(LOCKSTEP).parent / "streamlit"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([str(streamlit), "run", "app.py", "--server.port", str(port)],
                                cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=fh,
                                stderr=subprocess.STDOUT)
    try:
        wait_for_app(f"http://127.0.0.1:{port}", proc, log)
        assert _listening(port) == {"0100007F"}  # 127.0.0.1, and no wildcard or IPv6 socket
    finally:
        stop_process(proc)
