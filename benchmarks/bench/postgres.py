"""The PostgreSQL store (SPEC §8: a check-in must not grow with the history): each size
imported into a fresh property, then the same commands measured with `--store URL`."""

from __future__ import annotations

import os
import re
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench.checks import Checker, Problems, checked_in, clean
from bench.hotel import Hotel
from bench.processes import Measured, Processes, Step, progress, tail
from bench.scenarios import book_args

if TYPE_CHECKING:
    import psycopg
    from psycopg.rows import TupleRow

PG_ENV = "ROOMSYNC_BENCH_PG"
PG_ORDER = ["checkin", "book", "reconcile", "rooms --json"]  # table order; JSON rows of the same label


def shown_url(url: str) -> str:
    """The URL for output: any password replaced by ***."""
    url = re.sub(r"(password=)[^&\s]+", r"\1***", url)
    try:
        parts = urllib.parse.urlsplit(url)
        if parts.password is not None:
            host = parts.netloc.rsplit("@", 1)[1]
            return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))
    except ValueError:
        pass
    return url


def reason(exc: BaseException) -> str:
    """An exception as one line."""
    return " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__


@dataclass
class PgSize:
    hotel: str                                   # the property code
    imported: Measured                           # the one timed import
    # One checkin straight after the import (import runs ANALYZE itself; this shows it did).
    first: Measured | None = None
    analyze: float | str = 0.0                   # seconds ANALYZE took, or what went wrong
    results: dict[str, Measured] = field(default_factory=dict)


class Postgres:
    """The benchmark's own use of the server: its settings, and dropping its properties."""

    def __init__(self, url: str) -> None:
        self.url, self.shown = url, shown_url(url)
        self.properties: list[str] = []          # created (or being created): dropped at the end
        self.sizes: dict[str, PgSize] = {}
        self.server = ""                         # "PostgreSQL 15.18, fsync=off, synchronous_commit=on"
        self.fsync_off = False

    def connect(self) -> psycopg.Connection[TupleRow]:
        import psycopg  # only with --postgres

        return psycopg.connect(self.url, autocommit=True, connect_timeout=10, application_name="roomsync-bench")

    @staticmethod
    def errors() -> type[Exception]:
        """What the server or the driver raises (a malformed URL included); probe() found psycopg."""
        import psycopg

        return psycopg.Error

    def probe(self) -> str | None:
        """Read the server's version and durability settings; what went wrong, or None."""
        try:
            errors = self.errors()
        except ImportError:
            return (f"psycopg is not importable by {sys.executable}: install roomsync's PostgreSQL extra "
                    f"(pip install 'roomsync[postgres]') in this environment")
        try:
            with self.connect() as conn:
                values = [str(row[0]) for name in ("server_version", "fsync", "synchronous_commit", "full_page_writes")
                          if (row := conn.execute(f"SHOW {name}").fetchone()) is not None]
        except errors as exc:
            return f"cannot connect to {self.shown}: {reason(exc)}"
        version, fsync, sync, fpw = values
        self.fsync_off = fsync == "off"
        self.server = (f"PostgreSQL {version.split()[0]}, fsync={fsync}, synchronous_commit={sync}, "
                       f"full_page_writes={fpw}")
        return None

    def durability_note(self) -> str:
        if self.fsync_off:
            return ("fsync=off: commits never wait for the disk here, so write figures understate a durable "
                    "server (production keeps fsync=on)")
        return "fsync=on: commits wait for the disk"

    def analyze(self) -> float | str:
        """ANALYZE the tables (what autovacuum does soon after a bulk load): seconds, or the error."""
        started = time.perf_counter()
        try:
            with self.connect() as conn:
                conn.execute("ANALYZE rooms, bookings")
        except self.errors() as exc:
            return f"ANALYZE failed: {str(exc).strip() or type(exc).__name__}"
        return time.perf_counter() - started

    def drop(self) -> str | None:
        """Delete the benchmark's properties (audit, bookings, rooms, hotels rows)."""
        if not self.properties:
            return None
        try:
            with self.connect() as conn, conn.transaction():
                for table, column in (("audit", "hotel_id"), ("bookings", "hotel_id"), ("rooms", "hotel_id"),
                                      ("hotels", "id")):
                    conn.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [self.properties])
        except self.errors() as exc:
            return (f"could not drop the properties {', '.join(self.properties)} from {self.shown}: "
                    f"{str(exc).strip() or type(exc).__name__}")
        self.properties = []
        return None

    def counts(self, code: str) -> tuple[int, int]:
        """(rooms, bookings) the property holds."""
        with self.connect() as conn:
            row = conn.execute("SELECT (SELECT count(*) FROM rooms WHERE hotel_id = %s), "
                               "(SELECT count(*) FROM bookings WHERE hotel_id = %s)", [code, code]).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)


def measure_postgres(pg: Postgres, processes: Processes, roomsync: list[str], hotel: Hotel, runs: int,
                     logs: Path, day: str) -> PgSize:
    """Import the hotel into a fresh property once (timed), then measure the commands on it."""
    code = f"bench_{hotel.name}_{os.getpid()}"
    pg.properties.append(code)
    store = ["--store", pg.url, "--hotel", code]
    common = [*store, "--today", day]
    logs.mkdir(parents=True, exist_ok=True)
    progress(f"  {hotel.name}: PostgreSQL import into property {code}")
    elapsed, status, rss = processes.run([*roomsync, "import", "--data-dir", str(hotel.path), *store, "--replace"],
                                         logs / "import.out", logs / "import.err")
    size = PgSize(code, Measured("import", [elapsed], [rss]))
    if status != 0:
        size.imported.failed = f"exit {status}: {tail(logs / 'import.out', logs / 'import.err')}"
        return size

    def reset(argv: list[str]) -> str | None:
        text, problem = processes.output(argv, logs)
        return None if text is not None else f"{' '.join(argv[len(roomsync):len(roomsync) + 2])}: {problem}"

    def undo_checkin(_: Path) -> str | None:
        return reset([*roomsync, "undo-checkin", hotel.checkin_booking, *common])

    def delete_booked(out: Path) -> str | None:
        found = re.search(r"\((B-\d+)\)", out.read_text(encoding="utf-8", errors="replace"))
        if not found:
            return "book printed no booking id to delete"
        return reset([*roomsync, "delete", found.group(1), *common])

    checkin = [*roomsync, "checkin", hotel.checkin_room, *common]
    progress(f"  {hotel.name}: PostgreSQL checkin straight after the import, then ANALYZE")
    elapsed, status, rss = processes.run(checkin, logs / "first.out", logs / "first.err")
    size.first = Measured("checkin, 1st after import", [elapsed], [rss])
    if status != 0:
        size.first.failed = f"exit {status}: {tail(logs / 'first.out', logs / 'first.err')}"
    else:
        problem = undo_checkin(logs / "first.out")
        if problem:
            size.first.failed = f"resetting: {problem}"
    size.analyze = pg.analyze()

    steps = [
        Step("checkin", checkin, after=undo_checkin),
        Step("book", [*roomsync, "book", *book_args(hotel), *common], after=delete_booked),
        Step("reconcile", [*roomsync, "reconcile", *common]),
        Step("rooms --json", [*roomsync, "rooms", "--json", *common]),
    ]
    size.results = processes.measure(steps, runs, logs / "scratch", logs, f"{hotel.name} (PostgreSQL)")
    return size


def pg_smoke_checks(pg: Postgres, processes: Processes, roomsync: list[str], hotel: Hotel, code: str, logs: Path,
                    day: str) -> Problems:
    """Beyond exit statuses, on the imported property: it validates clean, checkin checks in the due
    booking (then is undone), and the property holds what was generated."""
    check = Checker(processes, roomsync, logs, prefix="PostgreSQL ")
    common = ["--store", pg.url, "--hotel", code, "--today", day]
    text = check.run([*roomsync, "validate", "--json", *common])
    if text is not None:
        check.expect(clean(text, "validate: imported property"))
    text = check.run([*roomsync, "checkin", hotel.checkin_room, "--json", *common])
    if text is not None:
        check.expect(checked_in(text, hotel, "checkin --json"))
        check.run([*roomsync, "undo-checkin", hotel.checkin_booking, *common])
    try:
        rooms_n, bookings_n = pg.counts(code)
        if (rooms_n, bookings_n) != (hotel.rooms, hotel.bookings):
            check.expect(f"property {code} holds {rooms_n} rooms / {bookings_n} bookings, "
                         f"expected {hotel.rooms} / {hotel.bookings}")
    except pg.errors() as exc:
        check.expect(f"counting the property's rows: {reason(exc)}")
    return check.problems
