"""PostgreSQL for the store tests (SPEC §8), and per-test isolation.

`pg_url` (session): `ROOMSYNC_TEST_PG` when set (CI's `.ci/run` exports it); otherwise, when
Debian's server binaries exist, a throwaway cluster this session starts itself under /tmp
(owned by `postgres`, run through `runuser` when we are root, free port, socket in its own
directory, fsync off) and removes at the end; otherwise the PostgreSQL tests skip, or fail
when `ROOMSYNC_REQUIRE_PG=1`.

Isolation: every test gets its own property (`hotel_code`) in the one shared database, and
the session deletes its properties at the end. Tests that need a database without the
schema (or with a doctored one) get their own from `scratch_db`, dropped afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest

REQUIRE = os.environ.get("ROOMSYNC_REQUIRE_PG") == "1"
SESSION_PREFIX = f"rst{uuid.uuid4().hex[:6]}-"


def no_server(reason: str) -> None:
    """Skip the PostgreSQL tests, or fail them when CI requires a server."""
    if REQUIRE:
        pytest.fail(f"ROOMSYNC_REQUIRE_PG=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    return free_port()


# ---------------------------------------------------------------- URLs


def conninfo(url: str) -> dict[str, Any]:
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(url)


def make_url(info: dict[str, Any]) -> str:
    """A postgresql:// URL from conninfo parts (roomsync takes URLs only)."""
    info = {k: v for k, v in info.items() if v not in (None, "")}
    user = quote(str(info.pop("user", "")), safe="")
    password = info.pop("password", None)
    host = quote(str(info.pop("host", "")), safe="")
    port = info.pop("port", None)
    dbname = quote(str(info.pop("dbname", "")), safe="")
    auth = ""
    if user or password:
        auth = user + (f":{quote(str(password), safe='')}" if password is not None else "") + "@"
    netloc = auth + host + (f":{port}" if port else "")
    query = urlencode(info)
    return f"postgresql://{netloc}/{dbname}" + (f"?{query}" if query else "")


def with_database(url: str, dbname: str) -> str:
    return make_url({**conninfo(url), "dbname": dbname})


def with_port(url: str, port: int) -> str:
    info = conninfo(url)
    host = info.get("host") or "127.0.0.1"
    if host.startswith("/"):
        host = "127.0.0.1"
    return make_url({**info, "host": host, "port": port, "connect_timeout": 3})


def with_password(url: str, password: str) -> str:
    return make_url({**conninfo(url), "password": password})


def connect(url: str, autocommit: bool = True) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=autocommit, connect_timeout=5)


# ---------------------------------------------------------------- a throwaway cluster


def server_bindir() -> Path | None:
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")

    def major(path: str) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", Path(path).parent.parent.name))

    return Path(sorted(found, key=major)[-1]).parent if found else None


class Cluster:
    """A PostgreSQL cluster under /tmp owned by `postgres` (pytest's tmp_path is 0700 root)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="roomsync-test-pg.", dir="/tmp"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")

    def create(self) -> Cluster:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--no-locale", "--no-sync")
        self.start()
        return self

    def start(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                  "-t", "30", "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
                  "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    bindir = server_bindir()
    if bindir is None:
        raise LookupError("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb)")
    cluster = Cluster(bindir)
    try:
        return cluster.create()
    except BaseException:
        cluster.remove()
        raise


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A postgresql:// URL of a server the tests may create properties and databases in."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        no_server("psycopg is not installed (pip install 'roomsync[postgres]')")
    cluster = None
    url = os.environ.get("ROOMSYNC_TEST_PG")
    if url:
        url = url if url.startswith(("postgresql://", "postgres://")) else make_url(conninfo(url))
        where = "ROOMSYNC_TEST_PG"
    else:
        if server_bindir() is None:
            no_server("ROOMSYNC_TEST_PG is not set and no PostgreSQL server binaries were found "
                      "(/usr/lib/postgresql/*/bin/initdb); install Debian's postgresql package or point "
                      "ROOMSYNC_TEST_PG at a server")
        try:
            cluster = start_cluster()
        except Exception as exc:
            no_server(f"could not start a throwaway PostgreSQL cluster: {exc}")
        url, where = cluster.url, "the throwaway cluster"
    try:
        with connect(url) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        if cluster is not None:
            cluster.remove()
        no_server(f"cannot connect to {where} ({url}): {exc}")
    try:
        yield url
    finally:
        if cluster is not None:
            cluster.remove()
        else:
            _forget_session_hotels(url)


def _forget_session_hotels(url: str) -> None:
    """Delete this session's properties from a shared (developer's or CI's) database."""
    try:
        with connect(url) as conn:
            if conn.execute("SELECT to_regclass('hotels')").fetchone()[0] is None:
                return
            for table in ("audit", "bookings", "rooms"):
                conn.execute(f"DELETE FROM {table} WHERE starts_with(hotel_id, %s)", [SESSION_PREFIX])
            conn.execute("DELETE FROM hotels WHERE starts_with(id, %s)", [SESSION_PREFIX])
    except Exception:
        pass


@pytest.fixture(autouse=True)
def _no_store_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test selects its store by arguments; a developer's ROOMSYNC_STORE/HOTEL must not leak in."""
    for name in ("ROOMSYNC_STORE", "ROOMSYNC_HOTEL", "ROOMSYNC_LOCK_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


def shown(url: str) -> str:
    """The URL as roomsync may print it: the same, minus any password in the user part."""
    return re.sub(r"^(postgres(?:ql)?://[^:@/]*):[^@/]*@", r"\1@", url)


@pytest.fixture
def hotel_code() -> str:
    """A property code no other test (of this or any session) uses."""
    return f"{SESSION_PREFIX}{uuid.uuid4().hex[:10]}"


@pytest.fixture
def scratch_db(pg_url: str) -> Iterator[str]:
    """The URL of a brand-new, empty database, dropped after the test."""
    name = f"rs_scratch_{uuid.uuid4().hex[:12]}"
    with connect(pg_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(pg_url, name)
    finally:
        with connect(pg_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def own_cluster() -> Iterator[Cluster | None]:
    """A cluster of this test's own, which it may stop and restart (never the shared server),
    or None where no server binaries exist (the test then simulates with a closed port)."""
    if server_bindir() is None:
        yield None
        return
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.remove()


def urlparts(url: str) -> tuple[str, str]:
    """(host, database) as a user would recognise them in a message."""
    parts = urlsplit(url)
    return parts.hostname or "", parts.path.lstrip("/")

