"""The local Neo4j: Neo4j Community 5.26 from Maven Central, run by a one-file Java launcher.

``start`` resolves the classpath of ``org.neo4j:neo4j`` once with Maven (``mvn
dependency:build-classpath``; the jars land in the Maven cache and the classpath is cached, so later
starts work offline), then runs ``java -cp <classpath> Launcher <home> <port> <pagecache>`` in
the background (``Launcher.java`` is compiled once into the cache; without javac it runs in
source-file mode). The launcher prints ``LOCKSTEP READY`` once the database answers a query; ``start``
then checks Bolt with the Python driver before it returns. A state file in the data directory lets
``status`` and ``stop`` work from any shell.

The password of user ``neo4j`` is generated on the first start and kept (mode 0600) beside the
store; it reaches the launcher through the environment, never the command line.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from graph.errors import LocalServerError
from graph.private import private_dir, umask

LAUNCHER_DIR = Path(__file__).parent / "launcher"
STATE_FILE = "lockstep-server.json"
CREDENTIALS_FILE = ".credentials.json"
LOG_FILE = "launcher.log"
DEFAULT_PORT = 7687
DEFAULT_HEAP = os.environ.get("LOCKSTEP_NEO4J_HEAP", "512m")
DEFAULT_PAGECACHE = os.environ.get("LOCKSTEP_NEO4J_PAGECACHE", "256m")
_MIN_JAVA = 17

NO_JAVA_HELP = (
    "Neither Docker nor a server is needed for the local Neo4j, but Java {need}+ and Maven are. "
    "Install them (e.g. `apt-get install -y openjdk-17-jre-headless maven`), or run Neo4j "
    "another way: `docker compose up -d neo4j`, or set NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD "
    "to an existing server."
)


@dataclass
class ServerState:
    pid: int
    port: int
    uri: str
    user: str
    password: str
    home: str
    log: str
    started_at: float
    neo4j_version: str
    heap: str = DEFAULT_HEAP            # kept so a restart (after a bulk import) uses the same
    pagecache: str = DEFAULT_PAGECACHE  # memory settings

    def alive(self) -> bool:
        return _pid_alive(self.pid)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0): reap it if it is our child; if it is another process's
    # (a test runner started the server, a CLI stops it), its state in /proc says it is gone.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        return state not in ("Z", "X")


def read_state(data_dir: Path) -> ServerState | None:
    path = Path(data_dir) / STATE_FILE
    if not path.exists():
        return None
    try:
        return ServerState(**json.loads(path.read_text()))
    except (ValueError, TypeError) as exc:
        raise LocalServerError(f"{path} is damaged ({exc}); delete it and start again.") from exc


def _write_private(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(payload, fh, indent=2)
    os.replace(tmp, path)


def _password(data_dir: Path) -> str:
    path = data_dir / CREDENTIALS_FILE
    if path.exists():
        return json.loads(path.read_text())["password"]
    password = secrets.token_urlsafe(18)
    _write_private(path, {"user": "neo4j", "password": password})
    return password


def neo4j_version() -> str:
    text = (LAUNCHER_DIR / "pom.xml").read_text()
    match = re.search(r"<neo4j.version>([^<]+)</neo4j.version>", text)
    return match.group(1) if match else "unknown"


def cache_dir() -> Path:
    base = os.environ.get("LOCKSTEP_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "lockstep"
    )
    return Path(base)


def _java_major(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        return 0
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise LocalServerError("Java was not found on PATH. " + NO_JAVA_HELP.format(need=_MIN_JAVA))
    major = _java_major(java)
    if major < _MIN_JAVA:
        raise LocalServerError(
            f"{java} is Java {major}; Neo4j 5.26 needs Java {_MIN_JAVA} or newer. "
            + NO_JAVA_HELP.format(need=_MIN_JAVA)
        )
    return java


def resolve_classpath() -> str:
    """Return the launcher's classpath, asking Maven only when no complete cached copy exists."""
    pom = LAUNCHER_DIR / "pom.xml"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()[:16]
    cached = cache_dir() / f"neo4j-classpath-{digest}.txt"
    if cached.exists():
        classpath = cached.read_text().strip()
        if classpath and all(Path(p).exists() for p in classpath.split(os.pathsep)):
            return classpath
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalServerError(
            "Maven (mvn) was not found on PATH; it fetches Neo4j's jars from Maven Central on the "
            "first start. " + NO_JAVA_HELP.format(need=_MIN_JAVA)
        )
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".part")
    proc = subprocess.run(
        [mvn, "-q", "-B", "-f", str(pom), "dependency:build-classpath",
         f"-Dmdep.outputFile={tmp}"],
        capture_output=True, text=True, timeout=1800,
    )
    if proc.returncode != 0 or not tmp.exists():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise LocalServerError(
            "Maven could not resolve Neo4j's jars (is Maven Central reachable?):\n" + tail
        )
    os.replace(tmp, cached)
    return cached.read_text().strip()


def launcher_command(java: str, classpath: str) -> list[str]:
    """``-cp ... Launcher`` from a compiled class cached next to the classpath (javac once: saves
    ~2 s per start), or ``-cp ... Launcher.java`` (source-file mode) where there is no javac."""
    source = LAUNCHER_DIR / "Launcher.java"
    digest = hashlib.sha256(source.read_bytes() + classpath.encode()).hexdigest()[:16]
    out = cache_dir() / f"launcher-{digest}"
    if not (out / "Launcher.class").exists():
        javac = shutil.which("javac") or str(Path(java).with_name("javac"))
        if not Path(javac).exists():
            return ["-cp", classpath, str(source)]
        tmp = cache_dir() / f"launcher-{digest}.{os.getpid()}.part"
        proc = subprocess.run([javac, "-cp", classpath, "-d", str(tmp), str(source)],
                              capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            return ["-cp", classpath, str(source)]
        try:
            os.replace(tmp, out)
        except OSError:   # another process compiled it meanwhile
            shutil.rmtree(tmp, ignore_errors=True)
    return ["-cp", classpath + os.pathsep + str(out), "Launcher"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def start(
    data_dir: Path,
    port: int = DEFAULT_PORT,
    heap: str = DEFAULT_HEAP,
    pagecache: str = DEFAULT_PAGECACHE,
    timeout: float = 180.0,
) -> tuple[ServerState, bool]:
    """Start the local server (or find it running). Returns (state, started_now)."""
    data_dir = Path(data_dir).resolve()
    existing = read_state(data_dir)
    if existing is not None:
        if existing.alive():
            return existing, False
        (data_dir / STATE_FILE).unlink(missing_ok=True)  # stale: the process is gone
    if port_open(port):
        raise LocalServerError(
            f"Port {port} on 127.0.0.1 is already in use by another program; choose another with "
            "`lockstep db start --port N`."
        )
    java = find_java()
    classpath = resolve_classpath()
    private_dir(data_dir)  # the store holds the incident: owner-only, like everything it writes
    home = data_dir / "home"
    home.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / LOG_FILE
    password = _password(data_dir)
    env = dict(os.environ, LOCKSTEP_NEO4J_PASSWORD=password)
    cmd = [
        java, f"-Xmx{heap}", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
        *launcher_command(java, classpath), str(home), str(port), pagecache,
    ]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env, start_new_session=True, cwd=str(data_dir), umask=umask(),
        )
    state = ServerState(
        pid=proc.pid, port=port, uri=f"bolt://127.0.0.1:{port}", user="neo4j", password=password,
        home=str(home), log=str(log_path), started_at=time.time(), neo4j_version=neo4j_version(),
        heap=heap, pagecache=pagecache,
    )
    deadline = time.monotonic() + timeout
    while True:
        text = log_path.read_text(errors="replace")
        if "LOCKSTEP READY" in text:
            break
        if proc.poll() is not None:
            tail = "\n".join(text.strip().splitlines()[-20:])
            raise LocalServerError(
                f"The local Neo4j exited during start-up (code {proc.returncode}); log "
                f"{log_path}:\n{tail}"
            )
        if time.monotonic() > deadline:
            proc.terminate()
            raise LocalServerError(f"The local Neo4j was not ready after {timeout:.0f}s; see {log_path}.")
        time.sleep(0.2)
    _wait_for_bolt(state, deadline)
    _write_private(data_dir / STATE_FILE, asdict(state))
    return state, True


def _wait_for_bolt(state: ServerState, deadline: float) -> None:
    """Readiness as a client sees it: a Bolt login and a query on the default database."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import ServiceUnavailable

    while True:
        try:
            with GraphDatabase.driver(state.uri, auth=(state.user, state.password)) as driver:
                driver.execute_query("RETURN 1", database_="neo4j")
            return
        except ServiceUnavailable:
            if time.monotonic() > deadline:
                raise LocalServerError(f"Bolt at {state.uri} did not answer; see {state.log}.") from None
            time.sleep(0.2)


def status(data_dir: Path) -> ServerState | None:
    """The running server's state, or None (a stale state file is removed)."""
    data_dir = Path(data_dir).resolve()
    state = read_state(data_dir)
    if state is None:
        return None
    if not state.alive():
        (data_dir / STATE_FILE).unlink(missing_ok=True)
        return None
    return state


def stop(data_dir: Path, timeout: float = 90.0) -> ServerState | None:
    """Shut the server down cleanly (SIGTERM runs Neo4j's shutdown); returns what was stopped."""
    data_dir = Path(data_dir).resolve()
    state = status(data_dir)
    if state is None:
        return None
    os.kill(state.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while state.alive():
        if time.monotonic() > deadline:
            os.kill(state.pid, signal.SIGKILL)
            time.sleep(0.5)
            break
        time.sleep(0.2)
    while port_open(state.port) and time.monotonic() < deadline + 10:
        time.sleep(0.2)
    (data_dir / STATE_FILE).unlink(missing_ok=True)
    return state


def admin_import(data_dir: Path, database: str, args: list[str], log_path: Path,
                 on_line: Callable[[str], None] | None = None) -> str:
    """Run Neo4j's offline importer (``neo4j-admin database import full``) on the local store.

    The server must be stopped (the importer writes the store files). ``args`` are the importer's
    options after the database name. The importer is Neo4j's own ``org.neo4j.cli.AdminTool`` from
    the same Maven classpath as the server; its output goes to ``log_path`` and, line by line, to
    ``on_line``. Returns the output; raises LocalServerError with its tail if it fails.
    """
    data_dir = Path(data_dir).resolve()
    if status(data_dir) is not None:
        raise LocalServerError(f"The local Neo4j in {data_dir} is running; stop it before an import.")
    home = data_dir / "home"
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").touch()
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    cmd = [find_java(), "-XX:+UseG1GC", "-cp", resolve_classpath(), "org.neo4j.cli.AdminTool",
           "database", "import", "full", database, *args]
    lines: list[str] = []
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                stdin=subprocess.DEVNULL, env=env, cwd=str(data_dir),
                                umask=umask())
        assert proc.stdout is not None
        for line in proc.stdout:
            log.write(line)
            lines.append(line)
            if on_line:
                on_line(line.rstrip("\n"))
        code = proc.wait()
    out = "".join(lines)
    if code != 0:
        tail = "\n".join(out.strip().splitlines()[-25:])
        raise LocalServerError(f"Neo4j's importer failed (exit code {code}); log {log_path}:\n{tail}")
    return out


def wipe_database(data_dir: Path, database: str) -> None:
    """Delete one database's store and transaction logs (the server must be stopped); the server
    creates it again, empty, on its next start."""
    data = Path(data_dir).resolve() / "home" / "data"
    for part in ("databases", "transactions"):
        shutil.rmtree(data / part / database, ignore_errors=True)
