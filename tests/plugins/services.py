"""Throwaway PostgreSQL, Redis and clamd for the test run, on loopback, in temp dirs.

Loaded with ``-p tests.plugins.services`` (see pyproject.toml). Before pytest-django reads the
settings, it starts the servers and exports DATABASE_URL, REDIS_URL and PORTAL_CLAMD_ADDRESS; when the
run ends, they are stopped and their directories removed. clamd loads only a test signature made here.
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user (created by
Debian's postgresql package).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"Nothing answered on 127.0.0.1:{port} within {timeout:.0f} s")


def find_executable(name: str, extra_globs: tuple[str, ...] = ()) -> str:
    """``name`` on PATH, else the newest match of ``extra_globs`` (Debian keeps PostgreSQL off PATH)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = [path for pattern in extra_globs for path in glob.glob(pattern) if os.access(path, os.X_OK)]
    if not candidates:
        raise RuntimeError(f"{name} is not installed (install the Debian package that provides it)")

    def version_key(path: str) -> tuple[int, ...]:
        parts = [part for part in Path(path).parts if part.replace(".", "").isdigit()]
        return tuple(int(n) for n in parts[-1].split(".")) if parts else (0,)

    return max(candidates, key=version_key)


class PostgresServer:
    """A PostgreSQL cluster in a temp dir, trust auth on 127.0.0.1 only."""

    def __init__(self) -> None:
        self.port = free_port()
        self.user = "portal"
        self.directory = Path(tempfile.mkdtemp(prefix="portal-test-pg-"))
        self.data = self.directory / "data"
        self.initdb = find_executable("initdb", ("/usr/lib/postgresql/*/bin/initdb",))
        self.pg_ctl = find_executable("pg_ctl", ("/usr/lib/postgresql/*/bin/pg_ctl",))
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
            self.run_as = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/portal"

    def _run(self, *command: str) -> None:
        subprocess.run([*self.run_as, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        self._run(
            self.initdb, "-D", str(self.data), "-U", self.user, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        log = self.directory / "server.log"
        self._run(self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(log), "-w", "-t", "60", "start")
        wait_for_port(self.port)

    def restart(self) -> None:
        """A fast restart (what an operator or a crash-restart does): sessions are cut, the data stays."""
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "restart")
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                [*self.run_as, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(self.directory, ignore_errors=True)


class RedisServer:
    """A Redis server in a temp dir on 127.0.0.1, no persistence. Can be stopped and started again."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="portal-test-redis-"))
        self.executable = find_executable("redis-server")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        options = {"bind": "127.0.0.1", "port": str(self.port), "dir": str(self.directory)}
        options |= {"save": "", "appendonly": "no", "protected-mode": "yes", "logfile": ""}
        arguments = [part for name, value in options.items() for part in (f"--{name}", value)]
        self.process = subprocess.Popen(
            [self.executable, *arguments],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def eicar_bytes() -> bytes:
    """The EICAR anti-virus test string, assembled here so no file in the repository holds it whole."""
    return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS" + "-TEST-FILE!$H+H*").encode()


SHIPPED_CLAMD_CONF = Path(__file__).resolve().parents[2] / "deploy" / "clamav" / "clamd.conf"
# What the test clamd sets itself; everything else (the limits above all) comes from the shipped config.
CLAMD_LOCAL_OPTIONS = {
    "TCPSocket", "TCPAddr", "LocalSocket", "User", "Foreground", "DatabaseDirectory", "LogFile", "LogTime", "PidFile",
}  # fmt: skip


def shipped_clamd_options() -> dict[str, str]:
    """The options of deploy/clamav/clamd.conf, the config docker-compose's clamd runs with."""
    options = {}
    for line in SHIPPED_CLAMD_CONF.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition(" ")
            options[key] = value.strip()
    return options


class ClamdServer:
    """clamd on 127.0.0.1 with only the project's test signature (EICAR as a body signature, any offset), and the
    shipped config's limits (deploy/clamav/clamd.conf): only where it listens, logs and loads from is changed."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="portal-test-clamd-"))
        self.executable = find_executable("clamd", ("/usr/sbin/clamd", "/usr/local/sbin/clamd"))
        self.process: subprocess.Popen[bytes] | None = None
        database = self.directory / "db"
        database.mkdir()
        (database / "portal-test.ndb").write_text(f"Portal.Test.EICAR:0:*:{eicar_bytes().hex()}\n")
        settings = {key: value for key, value in shipped_clamd_options().items() if key not in CLAMD_LOCAL_OPTIONS}
        settings |= {
            "TCPSocket": self.port,
            "TCPAddr": "127.0.0.1",
            "Foreground": "yes",
            "DatabaseDirectory": database,
            "LogFile": self.directory / "clamd.log",
            "PidFile": self.directory / "clamd.pid",
        }
        self.config = self.directory / "clamd.conf"
        self.config.write_text("".join(f"{key} {value}\n" for key, value in settings.items()))

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [self.executable, "-c", str(self.config)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, timeout=60)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


_started: list[PostgresServer | RedisServer | ClamdServer] = []


def _stop_all() -> None:
    while _started:
        server = _started.pop()
        if isinstance(server, RedisServer | ClamdServer):
            server.remove()
        else:
            server.stop()


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):  # type: ignore[no-untyped-def]
    # Runs around pytest-django's hook of the same name, so the settings see the URLs.
    atexit.register(_stop_all)
    postgres = PostgresServer()
    _started.append(postgres)
    postgres.start()
    redis = RedisServer()
    _started.append(redis)
    redis.start()
    clamd = ClamdServer()
    _started.append(clamd)
    clamd.start()
    os.environ["DATABASE_URL"] = postgres.url
    os.environ["REDIS_URL"] = redis.url
    os.environ["PORTAL_CLAMD_ADDRESS"] = clamd.address
    return (yield)


def pytest_unconfigure(config: pytest.Config) -> None:
    _stop_all()


@pytest.fixture
def postgres_session_server() -> PostgresServer:
    """The session's PostgreSQL (the test database lives there): for drills that restart it."""
    return next(server for server in _started if isinstance(server, PostgresServer))


@pytest.fixture
def clamd_server():  # type: ignore[no-untyped-def]
    """A second, private clamd a test may stop (the session's clamd stays up)."""
    server = ClamdServer()
    server.start()
    yield server
    server.remove()


@pytest.fixture
def redis_server():  # type: ignore[no-untyped-def]
    """A second, private Redis a test may stop and start (the session's Redis stays up)."""
    server = RedisServer()
    server.start()
    yield server
    server.remove()
