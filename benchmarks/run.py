#!/usr/bin/env python3
"""Benchmark roomsync as its users run it: whole processes, median of several runs.

    python benchmarks/run.py                      # every size (about 2.5 minutes on 2 cores)
    python benchmarks/run.py --sizes small,medium # some sizes
    python benchmarks/run.py --smoke              # CI: a tiny hotel, one run, no targets judged
    python benchmarks/run.py --markdown           # also print a table for the README
    python benchmarks/run.py --postgres URL       # also the PostgreSQL store (or env ROOMSYNC_BENCH_PG)

Run it with the interpreter of the environment roomsync is installed in (a venv's
`bin/python`): commands are run through the `roomsync` console script next to
`sys.executable` (what users run; `--module` runs `python -m roomsync` instead), the floor
and the import baseline through `sys.executable` itself.

For each hotel size it generates a data directory (SPEC §1 files, 2-space indent, mostly
finished history over three past years, some guests in house, some future reservations, a
reservation due today in a known room) and measures, as whole processes:

* `book`, `checkin` end to end (each run on a fresh copy of the data, copied untimed),
* `reconcile` (dry run), on the hotel and on the same rooms with no bookings (fixed cost),
* `rooms --json`,
* the **floor**: a fresh Python process that reads and parses both files, changes one
  booking and one room, serialises both with indentation and replaces both with fsync
  (orjson when installed, else the standard library) -- the least any implementation of
  `checkin` on these files can cost,

and once: `roomsync --version`, `python -c "import typer, pydantic"` and `python -c pass`.
Ratios are taken pairwise (command and floor of the same run), then the median.
Peak memory is the child's max RSS, from `os.wait4`. Figures, not assertions: targets are
printed MET / NOT MET and never change the exit status, which is non-zero only when a
roomsync command (or the floor) fails.

With `--postgres URL` (default: env ROOMSYNC_BENCH_PG; with neither, the PostgreSQL part is
skipped, and the output says so), each selected size is also loaded into a fresh property of
that database (`roomsync import --replace`, property `bench_<size>_<pid>`, timed once). One
`checkin` is timed straight after the import (which refreshes the planner's statistics
itself: without that a lookup by id scanned the whole history until autovacuum ran); then
`ANALYZE rooms, bookings` runs once more and the same commands are measured as whole processes with
`--store URL --hotel H`: `checkin` (undone by `undo-checkin` after each run, untimed), `book`
(its booking removed by `delete` after each run, untimed), `reconcile` (dry run) and
`rooms --json`. They are shown next to the JSON store's figures for the same size, with
checkin's cost across sizes (SPEC §8: it must not grow with the history). The server's fsync
and synchronous_commit settings are printed: a throwaway server with fsync=off understates
what a commit costs on a durable one. The properties are deleted at the end unless `--keep`
(or by hand: DELETE FROM audit/bookings/rooms WHERE hotel_id = …, hotels WHERE id = …).
`--smoke` touches PostgreSQL only when given a URL, and then also checks the imported property.

Standard library only, plus orjson when importable (and psycopg, imported only for
`--postgres`: the server's settings, ANALYZE, dropping the benchmark's properties).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

try:
    import orjson
except ImportError:  # the standard library does everything, only slower
    orjson = None

# name: (rooms, bookings)
SIZES: dict[str, tuple[int, int]] = {
    "tiny": (5, 40),
    "small": (50, 2_000),
    "10k": (100, 10_000),
    "medium": (1_000, 100_000),
    "large": (10_000, 1_000_000),
}
DEFAULT_SIZES = ["small", "10k", "medium", "large"]
LARGEST = "large"
HISTORY_DAYS = 3 * 365
SEED = 20261127

# Targets (figures, not assertions).
CHECKIN_SIZE, CHECKIN_MAX = "medium", 1.5
RECONCILE_REF, RECONCILE_BIG, RECONCILE_MAX = "10k", "large", 1.25
STARTUP_SIZE, STARTUP_MAX = "small", 1.3
MEMORY_SIZE, MEMORY_MAX = "large", 2.5e9

IMPORT_BASELINE = "import typer, pydantic"

FLOOR_SOURCE = r'''
"""The floor: what any checkin on these two files must do, and nothing more."""
import os
import sys
from datetime import datetime, timezone

data_dir, room, today = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    import orjson
    loads = orjson.loads

    def dumps(obj):
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2) + b"\n"
except ImportError:
    import json
    loads = json.loads

    def dumps(obj):
        return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

rooms_path = os.path.join(data_dir, "rooms.json")
bookings_path = os.path.join(data_dir, "bookings.json")
with open(rooms_path, "rb") as f:
    rooms = loads(f.read())
with open(bookings_path, "rb") as f:
    bookings = loads(f.read())

stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
for booking in bookings:
    if (booking["room"] == room and booking["status"] == "Reserved"
            and booking["arrival"] <= today < booking["departure"]):
        booking["status"] = "CheckedIn"
        booking["checked_in_at"] = stamp
        break
else:
    sys.exit("floor: no reservation due today in room " + room)
for record in rooms:
    if record["number"] == room:
        record["status"] = "OCCUPIED"
        break
else:
    sys.exit("floor: no room " + room)


def replace(path, data):
    tmp = path + ".floor-tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


replace(rooms_path, dumps(rooms))
replace(bookings_path, dumps(bookings))
fd = os.open(data_dir, os.O_RDONLY)
try:
    os.fsync(fd)
finally:
    os.close(fd)
'''


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Data generation
# ---------------------------------------------------------------------------------------

FIRST = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret",
         "Ken", "Radia", "Tim", "Zoë", "José", "Søren", "Chloé", "Łukasz", "Ngozi", "Hiroshi",
         "Aïcha", "Mateo", "Priya", "Olga", "Kwame", "Inés"]
LAST = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus",
        "Hamilton", "Thompson", "Perlman", "Berners-Lee", "Müller", "García", "Kierkegaard",
        "Dubois", "Nowak", "Okafor", "Tanaka", "Benali", "Rossi", "Sharma", "Ivanova",
        "Mensah", "O'Brien"]

ROOM_TEMPLATE = '  {\n    "number": "%s",\n    "status": "%s",\n    "type": "%s",\n    "floor": %d\n  }'
BOOKING_TEMPLATE = ('  {\n    "id": "B-%06d",\n    "room": "%s",\n    "guest": %s,\n'
                    '    "arrival": "%s",\n    "departure": "%s",\n    "status": "%s",\n'
                    '    "created_at": "%sT%02d:%02d:00Z"\n  }')


@dataclass
class Hotel:
    name: str
    rooms: int
    bookings: int
    path: Path            # the generated data directory (never written to by a timed run)
    empty: Path           # the same rooms.json with no bookings
    checkin_room: str
    checkin_booking: str
    book_room: str
    book_arrival: date
    rooms_bytes: int = 0
    bookings_bytes: int = 0
    seconds: float = 0.0


def room_number(index: int) -> str:
    return str((index // 50 + 1) * 100 + index % 50 + 1)  # 50 rooms a floor: 101..150, 201..


class _Writer:
    """Writes a JSON array of pre-rendered records, in chunks, as json.dumps(indent=2) would."""

    def __init__(self, path: Path) -> None:
        self.file = open(path, "w", encoding="utf-8", newline="\n")
        self.parts: list[str] = []
        self.count = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        if len(self.parts) >= 50_000:
            self._flush()

    def _flush(self) -> None:
        if self.parts:
            self.file.write(("[\n" if self.count == 0 else ",\n") + ",\n".join(self.parts))
            self.count += len(self.parts)
            self.parts = []

    def close(self) -> None:
        self._flush()
        self.file.write("\n]\n" if self.count else "[]\n")
        self.file.close()


def generate(name: str, rooms_n: int, bookings_n: int, root: Path, today: date) -> Hotel:
    """Write rooms.json and bookings.json for one hotel; return where the benchmark acts."""
    started = time.perf_counter()
    rng = __import__("random").Random(f"{SEED}-{rooms_n}-{bookings_n}")
    bits = rng.getrandbits
    guests = [json.dumps(f"{f} {l}", ensure_ascii=False) for f in FIRST for l in LAST]
    numbers = [room_number(i) for i in range(rooms_n)]
    checkin_index, book_index = min(1, rooms_n - 1), rooms_n - 1
    if checkin_index == book_index:
        raise SystemExit("a hotel needs at least two rooms")

    # Each room: at most one active booking (in house, due today, or in the future).
    roles = []
    for i in range(rooms_n):
        if i == checkin_index:
            roles.append("due")
        elif i == book_index:
            roles.append("none")
        else:
            x = rng.random()
            roles.append("inhouse" if x < 0.22 else "due" if x < 0.27 else "future" if x < 0.55 else "none")
    active = sum(role != "none" for role in roles)
    if active > bookings_n:
        raise SystemExit(f"{name}: {bookings_n} bookings cannot hold {active} active ones")

    base = today.toordinal()
    low = base - HISTORY_DAYS - 2 * (bookings_n // rooms_n + 1) - 200
    iso = [date.fromordinal(o).isoformat() for o in range(low, base + 400)]

    def day(ordinal: int) -> str:
        return iso[ordinal - low]

    path = root / name
    empty = root / f"{name}-no-bookings"
    for directory in (path, empty):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)

    # rooms.json
    types = ["Single", "Double", "Double", "Twin", "Suite"]
    writer = _Writer(path / "rooms.json")
    bare = _Writer(empty / "rooms.json")  # the same rooms; no bookings keep any RESERVED/OCCUPIED
    for i, number in enumerate(numbers):
        role = roles[i]
        if role == "inhouse":
            status = "OCCUPIED"
        elif role == "due":
            status = "RESERVED"
        elif i == book_index:
            status = "AVAILABLE"
        else:
            x = rng.random()
            status = ("AVAILABLE" if x < 0.6 else "CLEAN" if x < 0.85 else "DIRTY" if x < 0.95
                      else "MAINTENANCE" if x < 0.99 else "OUT_OF_SERVICE")
        writer.add(ROOM_TEMPLATE % (number, status, types[i % len(types)], i // 50 + 1))
        bare.add(ROOM_TEMPLATE % (number, "AVAILABLE" if status in ("OCCUPIED", "RESERVED") else status,
                                  types[i % len(types)], i // 50 + 1))
    writer.close()
    bare.close()
    (empty / "bookings.json").write_text("[]\n", encoding="utf-8")

    # bookings.json: finished history in non-overlapping slots per room over three years,
    # ending six days ago, written slot by slot so that ids run roughly with time; then the
    # active bookings, the most recent.
    history = bookings_n - active
    per_room = [history // rooms_n + (1 if i < history % rooms_n else 0) for i in range(rooms_n)]
    slot = [max(2, HISTORY_DAYS // h) if h else 0 for h in per_room]
    start = [base - 6 - h * s for h, s in zip(per_room, slot)]
    writer = _Writer(path / "bookings.json")
    template = BOOKING_TEMPLATE
    next_id = 1
    for j in range(max(per_room, default=0)):
        for i in range(rooms_n):
            if j >= per_room[i]:
                continue
            width = slot[i]
            x = bits(48)
            nights = 1 + x % min(7, width - 1)
            arrival = start[i] + j * width + (x >> 3) % (width - nights + 1)
            pick = (x >> 13) % 100
            status = "CheckedOut" if pick < 82 else "Cancelled" if pick < 94 else "NoShow"
            created = arrival - 1 - (x >> 20) % 90
            writer.add(template % (next_id, numbers[i], guests[(x >> 27) % len(guests)], day(arrival),
                                   day(arrival + nights), status, day(created), 8 + (x >> 37) % 12,
                                   (x >> 41) % 60))
            next_id += 1
    checkin_booking = ""
    for i, role in enumerate(roles):
        if role == "none":
            continue
        x = bits(48)
        if role == "inhouse":
            arrival, departure, status = base - 1 - x % 5, base + 1 + (x >> 3) % 7, "CheckedIn"
        elif role == "due":
            arrival, departure, status = base, base + 1 + (x >> 3) % 5, "Reserved"
        else:
            arrival = base + 1 + (x >> 6) % 120
            arrival, departure, status = arrival, arrival + 1 + (x >> 3) % 7, "Reserved"
        if i == checkin_index:
            checkin_booking = f"B-{next_id:06d}"
        writer.add(template % (next_id, numbers[i], guests[(x >> 27) % len(guests)], day(arrival),
                               day(departure), status, day(arrival - 1 - (x >> 13) % 60), 8 + (x >> 37) % 12,
                               (x >> 41) % 60))
        next_id += 1
    writer.close()
    assert next_id - 1 == bookings_n, (next_id, bookings_n)

    hotel = Hotel(name, rooms_n, bookings_n, path, empty, numbers[checkin_index], checkin_booking,
                  numbers[book_index], today + timedelta(days=7))
    hotel.rooms_bytes = (path / "rooms.json").stat().st_size
    hotel.bookings_bytes = (path / "bookings.json").stat().st_size
    hotel.seconds = time.perf_counter() - started
    return hotel


def check_format(hotel: Hotel) -> None:
    """The generated files are exactly what roomsync writes (json.dumps(indent=2) + newline)."""
    for file in ("rooms.json", "bookings.json"):
        data = (hotel.path / file).read_bytes()
        if orjson is not None:
            again = orjson.dumps(orjson.loads(data), option=orjson.OPT_INDENT_2) + b"\n"
        else:
            again = (json.dumps(json.loads(data), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        if again != data:
            raise SystemExit(f"generator bug: {hotel.path / file} is not in canonical pretty-printed form")


# ---------------------------------------------------------------------------------------
# Running processes
# ---------------------------------------------------------------------------------------

# Every process is started by a small runner process rather than by this script: with
# posix_spawn (vfork) -- and Python's subprocess uses vfork too -- Linux carries the parent's
# peak RSS over into the child's ru_maxrss at exec, so children of this script, which holds
# the generated data for a while, would all report at least its peak. The runner never
# holds more than a few MB, below any Python process's own footprint.
RUNNER_SOURCE = r"""
import json, os, sys, time
unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
for line in sys.stdin:
    argv, out, err = json.loads(line)
    fout = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    ferr = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_DUP2, fout, 1), (os.POSIX_SPAWN_DUP2, ferr, 2)]
    try:
        started = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - started
        reply = [elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss * unit]
    except OSError as exc:
        os.write(ferr, f"cannot run {argv[0]}: {exc}\n".encode())
        reply = [0.0, 127, 0]
    finally:
        os.close(fout)
        os.close(ferr)
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
"""


class Runner:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", RUNNER_SOURCE], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env, text=True, encoding="utf-8")

    def run(self, argv: list[str], out: Path, err: Path) -> tuple[float, int, int]:
        """Run one process to completion: (wall seconds, exit status, its peak RSS in bytes)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([argv, str(out), str(err)]) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            raise SystemExit("the process runner died")
        elapsed, code, rss = json.loads(reply)
        return elapsed, code, rss

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait()


_runner: Runner | None = None


def spawn(argv: list[str], out: Path, err: Path, env: dict[str, str]) -> tuple[float, int, int]:
    global _runner
    if _runner is None:
        _runner = Runner(env)
    return _runner.run(argv, out, err)


def fresh_copy(source: Path, scratch: Path) -> Path:
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    for file in ("rooms.json", "bookings.json"):
        shutil.copyfile(source / file, scratch / file)
    return scratch


@dataclass
class Step:
    label: str
    argv: list[str]
    source: Path | None = None   # a data dir copied afresh to `scratch` before each run
    expect: int = 0
    roomsync: bool = True        # a roomsync command (counts for memory and failures)
    # Untimed, after each successful run (given the run's stdout file): puts the state back
    # for the next run; returns what went wrong, or None.
    after: Callable[[Path], str | None] | None = None


@dataclass
class Measured:
    label: str
    times: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    failed: str | None = None
    roomsync: bool = True

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def measure(steps: list[Step], runs: int, scratch: Path, logs: Path, env: dict[str, str],
            title: str) -> dict[str, Measured]:
    """Run the steps round-robin `runs` times; a step that fails is reported and dropped."""
    results = {step.label: Measured(step.label, roomsync=step.roomsync) for step in steps}
    logs.mkdir(parents=True, exist_ok=True)
    for run in range(runs):
        progress(f"  {title}: run {run + 1}/{runs}")
        for number, step in enumerate(steps):
            result = results[step.label]
            if result.failed:
                continue
            if step.source is not None:
                fresh_copy(step.source, scratch)
            out, err = logs / f"{number}.out", logs / f"{number}.err"
            elapsed, code, rss = spawn(step.argv, out, err, env)
            if code != step.expect:
                result.failed = f"exit {code}, expected {step.expect}: {tail(out, err)}"
                progress(f"  FAILED {step.label}: {result.failed}")
                continue
            result.times.append(elapsed)
            result.rss.append(rss)
            if step.after is not None:
                problem = step.after(out)
                if problem:
                    result.failed = f"resetting after run {run + 1}: {problem}"
                    progress(f"  FAILED {step.label}: {result.failed}")
    return results


def tail(out: Path, err: Path) -> str:
    """The last lines a failed process printed (stderr, else stdout)."""
    lines = (err.read_text(encoding="utf-8", errors="replace").strip()
             or out.read_text(encoding="utf-8", errors="replace").strip()).splitlines()[-5:]
    return " | ".join(lines) or "(no output)"


def pairwise(results: dict[str, Measured], label: str, base: str) -> float:
    """Median over runs of label/base, both from the same run."""
    a, b = results.get(label), results.get(base)
    if not a or not b or a.failed or b.failed or not a.times or len(a.times) != len(b.times):
        return float("nan")
    return statistics.median(x / y for x, y in zip(a.times, b.times))


# ---------------------------------------------------------------------------------------
# PostgreSQL store (SPEC §8)
# ---------------------------------------------------------------------------------------

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

    def connect(self):  # noqa: ANN201 - psycopg is imported only here
        import psycopg

        return psycopg.connect(self.url, autocommit=True, connect_timeout=10, application_name="roomsync-bench")

    def probe(self) -> str | None:
        """Read the server's version and durability settings; what went wrong, or None."""
        try:
            with self.connect() as conn:
                values = [conn.execute(f"SHOW {name}").fetchone()[0]
                          for name in ("server_version", "fsync", "synchronous_commit", "full_page_writes")]
        except ImportError:
            return (f"psycopg is not importable by {sys.executable}: install roomsync's PostgreSQL extra "
                    f"(pip install 'roomsync[postgres]') in this environment")
        except Exception as exc:  # psycopg.Error, or a malformed URL
            reason = " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__
            return f"cannot connect to {self.shown}: {reason}"
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
        except Exception as exc:
            return f"ANALYZE failed: {str(exc).strip() or type(exc).__name__}"
        return time.perf_counter() - started

    def drop(self) -> str | None:
        """Delete the benchmark's properties (audit, bookings, rooms, hotels rows)."""
        if not self.properties:
            return None
        try:
            with self.connect() as conn:
                with conn.transaction():
                    for table, column in (("audit", "hotel_id"), ("bookings", "hotel_id"), ("rooms", "hotel_id"),
                                          ("hotels", "id")):
                        conn.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [self.properties])
        except Exception as exc:
            return (f"could not drop the properties {', '.join(self.properties)} from {self.shown}: "
                    f"{str(exc).strip() or type(exc).__name__}")
        self.properties = []
        return None


def measure_postgres(pg: Postgres, roomsync: list[str], hotel: Hotel, runs: int, logs: Path,
                     env: dict[str, str], day: str) -> PgSize:
    """Import the hotel into a fresh property once (timed), then measure the commands on it."""
    code = f"bench_{hotel.name}_{os.getpid()}"
    pg.properties.append(code)
    store = ["--store", pg.url, "--hotel", code]
    common = [*store, "--today", day]
    logs.mkdir(parents=True, exist_ok=True)
    progress(f"  {hotel.name}: PostgreSQL import into property {code}")
    elapsed, status, rss = spawn([*roomsync, "import", "--data-dir", str(hotel.path), *store, "--replace"],
                                 logs / "import.out", logs / "import.err", env)
    size = PgSize(code, Measured("import", [elapsed], [rss]))
    if status != 0:
        size.imported.failed = f"exit {status}: {tail(logs / 'import.out', logs / 'import.err')}"
        return size

    def reset(argv: list[str]) -> str | None:
        _, code_, _ = spawn(argv, logs / "reset.out", logs / "reset.err", env)
        if code_ != 0:
            return f"{' '.join(argv[len(roomsync):len(roomsync) + 2])}: exit {code_}: " \
                   f"{tail(logs / 'reset.out', logs / 'reset.err')}"
        return None

    def undo_checkin(_: Path) -> str | None:
        return reset([*roomsync, "undo-checkin", hotel.checkin_booking, *common])

    def delete_booked(out: Path) -> str | None:
        found = re.search(r"\((B-\d+)\)", out.read_text(encoding="utf-8", errors="replace"))
        if not found:
            return "book printed no booking id to delete"
        return reset([*roomsync, "delete", found.group(1), *common])

    checkin = [*roomsync, "checkin", hotel.checkin_room, *common]
    progress(f"  {hotel.name}: PostgreSQL checkin straight after the import, then ANALYZE")
    elapsed, status, rss = spawn(checkin, logs / "first.out", logs / "first.err", env)
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
        Step("book", [*roomsync, "book", hotel.book_room, "--guest", "Bench Guest", "--arrival",
                      hotel.book_arrival.isoformat(), "--nights", "3", *common], after=delete_booked),
        Step("reconcile", [*roomsync, "reconcile", *common]),
        Step("rooms --json", [*roomsync, "rooms", "--json", *common]),
    ]
    size.results = measure(steps, runs, logs / "scratch", logs, env, f"{hotel.name} (PostgreSQL)")
    return size


def pg_smoke_checks(pg: Postgres, roomsync: list[str], hotel: Hotel, code: str, logs: Path, env: dict[str, str],
                    day: str) -> list[str]:
    """Beyond exit statuses, on the imported property: it validates clean, checkin checks in the due
    booking (then is undone), and the property holds what was generated."""
    problems = []
    common = ["--store", pg.url, "--hotel", code, "--today", day]

    def run(argv: list[str]) -> str | None:
        _, status, _ = spawn(argv, logs / "check.out", logs / "check.err", env)
        if status != 0:
            problems.append(f"PostgreSQL {' '.join(argv[len(roomsync):len(roomsync) + 2])}: exit {status}: "
                            f"{tail(logs / 'check.out', logs / 'check.err')}")
            return None
        return (logs / "check.out").read_text(encoding="utf-8")

    text = run([*roomsync, "validate", "--json", *common])
    if text is not None:
        report = json.loads(text)
        if report.get("problems") or report.get("details") or report.get("warnings"):
            problems.append(f"PostgreSQL validate: imported property not clean: {text[:500]}")
    text = run([*roomsync, "checkin", hotel.checkin_room, "--json", *common])
    if text is not None:
        doc = json.loads(text)
        if (doc.get("booking", {}).get("id") != hotel.checkin_booking
                or doc["booking"].get("status") != "CheckedIn" or doc.get("room", {}).get("status") != "OCCUPIED"):
            problems.append(f"PostgreSQL checkin --json: unexpected document {text[:300]}")
        run([*roomsync, "undo-checkin", hotel.checkin_booking, *common])
    try:
        with pg.connect() as conn:
            rooms_n, bookings_n = conn.execute(
                "SELECT (SELECT count(*) FROM rooms WHERE hotel_id = %s), "
                "(SELECT count(*) FROM bookings WHERE hotel_id = %s)", [code, code]).fetchone()
        if (rooms_n, bookings_n) != (hotel.rooms, hotel.bookings):
            problems.append(f"PostgreSQL property {code} holds {rooms_n} rooms / {bookings_n} bookings, "
                            f"expected {hotel.rooms} / {hotel.bookings}")
    except Exception as exc:
        problems.append(f"PostgreSQL: counting the property's rows: {exc}")
    return problems


def cost_line(label: str, points: list[tuple[str, int, float]]) -> str:
    """'<label>: 2,000 → 100,000 bookings: X ms → Y ms (ratio large/small R)'."""
    if not points:
        return f"{label}: no figures"
    line = (f"{label}: {' → '.join(f'{n:,}' for _, n, _ in points)} bookings: "
            f"{' → '.join(seconds(t) for _, _, t in points)}")
    if len(points) > 1:
        first, last = points[0], points[-1]
        r = last[2] / first[2] if first[2] == first[2] and first[2] > 0 else float("nan")
        line += f" (ratio {last[0]}/{first[0]} {ratio(r)})"
    return line


def checkin_points(pg: Postgres, all_results: dict[str, dict[str, Measured]], hotels: dict[str, Hotel],
                   store: str) -> list[tuple[str, int, float]]:
    points = []
    for name, size in pg.sizes.items():
        if store == "pg":
            result = size.results.get("checkin")
        elif store == "first":
            result = size.first
        else:
            result = all_results.get(name, {}).get("checkin")
        if result is not None and not result.failed and result.times:
            points.append((name, hotels[name].bookings, result.median))
    return points


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------

def mb(n: float) -> str:
    if n < 1e6:
        return f"{n / 1e3:,.1f} kB"
    return f"{n / 1e6:,.0f} MB" if n >= 10e6 else f"{n / 1e6:,.1f} MB"


def seconds(s: float) -> str:
    if s != s:
        return "—"
    return f"{s * 1000:,.0f} ms" if s < 10 else f"{s:,.2f} s"


def source_state() -> str:
    """The commit the measured code comes from, when this is a git checkout."""
    here = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(here), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10)
        if head.returncode != 0:
            return ""
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return f", git {head.stdout.strip()}{' + uncommitted changes in src/' if dirty else ''}"


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def ratio(r: float) -> str:
    return "—" if r != r else f"{r:.2f}×"


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    json_lib = f"orjson {orjson.__version__}" if orjson is not None else "stdlib json (orjson not installed)"
    return (f"{platform.platform()}, {cpu + ', ' if cpu else ''}{os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, floor uses {json_lib}")


@dataclass
class Target:
    name: str
    figure: str
    target: str
    met: bool | None  # None: not judged (missing size or failure)
    info: bool = False  # a figure shown next to a target, not judged


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark roomsync against the floor (see module docstring).")
    parser.add_argument("--sizes", default=",".join(DEFAULT_SIZES),
                        help=f"comma-separated among {', '.join(SIZES)} (default: {','.join(DEFAULT_SIZES)}); "
                             f"'{LARGEST}' brings '{RECONCILE_REF}' along for the reconcile ratio")
    parser.add_argument("--runs", type=int, default=None,
                        help=f"runs per size (default 5; 3 for '{LARGEST}', 10 for '{RECONCILE_REF}', 10 for startup)")
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny hotel, one run, no targets judged; exit non-zero if a command fails")
    parser.add_argument("--markdown", action="store_true", help="also print the results as a README table")
    parser.add_argument("--today", default="2026-11-27", help="the fixed --today of every command")
    parser.add_argument("--module", action="store_true",
                        help="run `python -m roomsync` instead of the console script next to sys.executable")
    parser.add_argument("--work-dir", type=Path, default=None, help="where to generate data (default: a temp dir)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated data (and the PostgreSQL properties of --postgres)")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get(PG_ENV) or None,
                        help=f"also measure the PostgreSQL store in this database (default: env {PG_ENV}; "
                             f"unset: skipped); each size goes into a fresh property bench_<size>_<pid>, "
                             f"deleted at the end unless --keep")
    args = parser.parse_args()

    began = time.perf_counter()
    today = date.fromisoformat(args.today)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.smoke:
        sizes, runs_default, runs_largest = ["tiny"], 1, 1
    else:
        sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
        unknown = [s for s in sizes if s not in SIZES]
        if unknown:
            parser.error(f"unknown size(s) {', '.join(unknown)}; choose among {', '.join(SIZES)}")
        if LARGEST in sizes and RECONCILE_REF not in sizes:
            sizes.append(RECONCILE_REF)
            progress(f"(adding size '{RECONCILE_REF}': the reconcile target compares '{LARGEST}' with it)")
        sizes = sorted(dict.fromkeys(sizes), key=list(SIZES).index)
        runs_default = args.runs or 5
        runs_largest = args.runs or 3
    # PostgreSQL: the sizes asked for (not one brought along for a JSON target), every one
    # with the default number of runs: its commands should not grow with the hotel.
    pg_sizes = set(sizes) if args.smoke else {s.strip() for s in args.sizes.split(",") if s.strip()}
    pg = Postgres(args.postgres) if args.postgres else None

    python = sys.executable
    script = Path(python).parent / "roomsync"
    if args.module:
        roomsync, how = [python, "-m", "roomsync"], f"{python} -m roomsync"
    elif script.is_file() and os.access(script, os.X_OK):
        roomsync, how = [str(script)], f"console script {script}"
    else:
        progress(f"no console script at {script}: using {python} -m roomsync")
        roomsync, how = [python, "-m", "roomsync"], f"{python} -m roomsync"

    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOMSYNC_")}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env["NO_COLOR"] = "1"
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="roomsync-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    md: list[str] = []

    def out(line: str = "") -> None:
        print(line, flush=True)

    try:
        floor_py = work / "floor.py"
        floor_py.write_text(FLOOR_SOURCE, encoding="utf-8")
        floor_label = f"floor ({'orjson' if orjson is not None else 'stdlib json'})"
        scratch = work / "scratch"
        day = today.isoformat()

        out(f"roomsync benchmark — {machine()}")
        out(f"roomsync run as: {how}; --today {day}; wall time of whole processes, median of runs; "
            f"peak RSS = max over runs")

        # Startup: no data involved.
        startup_runs = max(2 * runs_default, 1) if not args.smoke else 1
        steps = [
            Step("python -c pass", [python, "-c", "pass"], roomsync=False),
            Step(f'python -c "{IMPORT_BASELINE}"', [python, "-c", IMPORT_BASELINE], roomsync=False),
            Step("roomsync --version", [*roomsync, "--version"]),
        ]
        if not args.module and roomsync[0] != python:
            steps.append(Step("python -m roomsync --version", [python, "-m", "roomsync", "--version"]))
        spawn([*roomsync, "--version"], work / "warm.out", work / "warm.err", env)  # warm the bytecode caches
        version = ((work / "warm.out").read_text(errors="replace").strip() or "(unknown version)") + source_state()
        load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        out(f"{version}; load average at start {load()}")
        if pg is None:
            out(f"PostgreSQL store: skipped (no --postgres URL given and {PG_ENV} is not set)")
        else:
            problem = pg.probe()
            if problem:
                out(f"PostgreSQL store: NOT measured: {problem}")
                failures.append(f"PostgreSQL: {problem}")
                pg = None
            else:
                out(f"PostgreSQL store: {pg.shown} — {pg.server}; {pg.durability_note()}")
        out("")
        startup = measure(steps, startup_runs, scratch, work / "logs" / "startup", env, "startup")
        base_label = steps[1].label
        failures += [f"startup: {label}: {m.failed}" for label, m in startup.items() if m.failed]
        out(f"== startup ({startup_runs} runs)")
        out(f"   {'command':<34}{'median':>10}{'min':>10}{'max':>10}{'× import':>10}{'peak RSS':>11}")
        for label, result in startup.items():
            show_row(out, result, pairwise(startup, label, base_label))
        out("")

        all_results: dict[str, dict[str, Measured]] = {}
        hotels: dict[str, Hotel] = {}
        for name in sizes:
            rooms_n, bookings_n = SIZES[name]
            progress(f"generating {name}: {rooms_n:,} rooms / {bookings_n:,} bookings")
            hotel = generate(name, rooms_n, bookings_n, work / "data", today)
            if name != LARGEST or orjson is not None:
                check_format(hotel)
            hotels[name] = hotel
            runs = runs_largest if name == LARGEST else runs_default
            if name == RECONCILE_REF and args.runs is None and not args.smoke:
                runs = 2 * runs_default  # its marginal reconcile cost is a small difference: more runs
            common = ["--today", day]
            d = str(hotel.path)
            s = str(scratch)
            steps = []
            if name == STARTUP_SIZE:
                steps.append(Step(f'python -c "{IMPORT_BASELINE}"', [python, "-c", IMPORT_BASELINE],
                                  roomsync=False))
            steps += [
                Step(floor_label, [python, str(floor_py), s, hotel.checkin_room, day], source=hotel.path,
                     roomsync=False),
                Step("rooms --json", [*roomsync, "rooms", "--json", "--data-dir", d, *common]),
                Step("reconcile", [*roomsync, "reconcile", "--data-dir", d, *common]),
                Step("reconcile, no bookings", [*roomsync, "reconcile", "--data-dir", str(hotel.empty), *common]),
                Step("book", [*roomsync, "book", hotel.book_room, "--guest", "Bench Guest", "--arrival",
                              hotel.book_arrival.isoformat(), "--nights", "3", "--data-dir", s, *common],
                     source=hotel.path),
                Step("checkin", [*roomsync, "checkin", hotel.checkin_room, "--data-dir", s, *common],
                     source=hotel.path),
            ]
            results = measure(steps, runs, scratch, work / "logs" / name, env, name)
            all_results[name] = results
            if args.smoke:
                failures += smoke_checks(roomsync, hotel, scratch, work / "logs" / name, env, day, floor_py, python)
            for label, result in results.items():
                if result.failed:
                    failures.append(f"{name}: {label}: {result.failed}")

            out(f"== {name}: {rooms_n:,} rooms / {bookings_n:,} bookings — rooms.json {mb(hotel.rooms_bytes)}, "
                f"bookings.json {mb(hotel.bookings_bytes)} (generated in {hotel.seconds:.1f} s); {runs} run(s)")
            out(f"   checkin room {hotel.checkin_room} ({hotel.checkin_booking} due {day}); book room "
                f"{hotel.book_room} {hotel.book_arrival} + 3 nights; each mutating run on a fresh copy")
            extra = "× import" if name == STARTUP_SIZE else ""
            out(f"   {'command':<34}{'median':>10}{'min':>10}{'max':>10}{'× floor':>10}{'peak RSS':>11}"
                + (f"{extra:>10}" if extra else ""))
            for label, result in results.items():
                show_row(out, result, pairwise(results, label, floor_label),
                         pairwise(results, label, base_label) if name == STARTUP_SIZE else None)
            per, marginal = reconcile_costs(results, bookings_n)
            if bookings_n >= 10_000:  # below that the difference drowns in startup noise
                out(f"   reconcile per booking: {per * 1e6:.2f} µs (whole run / bookings), "
                    f"{marginal * 1e6:.2f} µs marginal (minus the no-bookings run, pairwise)")

            if pg is not None and name in pg_sizes:
                pg_runs = args.runs or runs_default
                size = measure_postgres(pg, roomsync, hotel, pg_runs, work / "logs" / f"{name}-pg", env, day)
                pg.sizes[name] = size
                imp = size.imported
                if imp.failed:
                    failures.append(f"{name}: PostgreSQL import: {imp.failed}")
                    out(f"   PostgreSQL store, property {size.hotel}: import FAILED: {imp.failed}")
                else:
                    if args.smoke:
                        failures += pg_smoke_checks(pg, roomsync, hotel, size.hotel, work / "logs" / f"{name}-pg",
                                                    env, day)
                    for label, result in [*size.results.items(), ("checkin, 1st after import", size.first)]:
                        if result is not None and result.failed:
                            failures.append(f"{name}: PostgreSQL {label}: {result.failed}")
                    if isinstance(size.analyze, str):
                        failures.append(f"{name}: PostgreSQL {size.analyze}")
                        analyzed = size.analyze
                    else:
                        analyzed = f"ANALYZE rooms, bookings {seconds(size.analyze)}"
                    out(f"   PostgreSQL store, property {size.hotel}: roomsync import {seconds(imp.median)} "
                        f"(once, peak RSS {mb(max(imp.rss))}), one checkin, {analyzed} (as autovacuum does soon "
                        f"after a load); then {pg_runs} run(s), checkin undone by undo-checkin and book's booking "
                        f"deleted after each (untimed)")
                    out(f"   {'command (--store)':<34}{'median':>10}{'min':>10}{'max':>10}{'JSON store':>12}"
                        f"{'PG / JSON':>11}{'peak RSS':>11}")
                    for label in PG_ORDER:
                        pg_row(out, size.results[label], results.get(label))
                    if size.first is not None:
                        pg_row(out, size.first, results.get("checkin"))
            out("")

        if pg is not None:
            out(f"== PostgreSQL store ({pg.server})")
            out("   " + cost_line("PostgreSQL checkin", checkin_points(pg, all_results, hotels, "pg")))
            out("   " + cost_line("PostgreSQL checkin straight after import (1 run)",
                                  checkin_points(pg, all_results, hotels, "first")))
            out("   " + cost_line("JSON store checkin", checkin_points(pg, all_results, hotels, "json")))
            if args.keep:
                out(f"   properties kept: {', '.join(pg.properties) or '(none)'}")
            else:
                started = time.perf_counter()
                dropped = list(pg.properties)
                problem = pg.drop()
                if problem:
                    failures.append(f"PostgreSQL: {problem}")
                    out(f"   {problem}")
                elif dropped:
                    out(f"   dropped the properties {', '.join(dropped)} in {seconds(time.perf_counter() - started)}")
            out("")

        # Targets
        targets: list[Target] = []
        if not args.smoke:
            targets = judge(all_results, startup, floor_label, base_label)
            out("== targets (figures, not assertions)")
            width = max(len(t.name) for t in targets if not t.info)
            for t in targets:
                if t.info:
                    out(f"   {t.name}")
                    continue
                verdict = "not judged" if t.met is None else "MET" if t.met else "NOT MET"
                out(f"   {t.name:<{width}}  {t.figure:>14}  target {t.target:<10}  {verdict}")
            out("")

        if failures:
            out("== FAILURES")
            for failure in failures:
                out(f"   {failure}")
            out("")
        total = time.perf_counter() - began
        busy = max(load_start, os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0) > 1.5
        out(f"total time: {int(total // 60)} min {total % 60:.0f} s; load average at end {load()}"
            + ("  (other processes were running: they skew the figures)" if busy else ""))

        if args.markdown:
            markdown(md, version, how, day, sizes, runs_default, runs_largest, startup, all_results,
                     hotels, floor_label, base_label, targets, total)
            if pg is not None:
                markdown_postgres(md, pg, all_results, hotels, args.runs or runs_default)
            print()
            print("\n".join(md))
    finally:
        if _runner is not None:
            _runner.close()
        if pg is not None and pg.properties and not args.keep:  # interrupted before the normal drop
            problem = pg.drop()
            if problem:
                progress(problem)
        if not args.keep and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep:
            progress(f"data kept in {work}")
    return 1 if failures else 0


def show_row(out, result: Measured, r: float, r2: float | None = None) -> None:
    if result.failed:
        out(f"   {result.label:<34}  FAILED: {result.failed}")
        return
    extra = f"{ratio(r2):>10}" if r2 is not None else ""
    out(f"   {result.label:<34}{seconds(result.median):>10}{seconds(min(result.times)):>10}"
        f"{seconds(max(result.times)):>10}{ratio(r):>10}{mb(max(result.rss)):>11}{extra}")


def reconcile_costs(results: dict[str, Measured], bookings_n: int) -> tuple[float, float]:
    full, empty = results["reconcile"], results["reconcile, no bookings"]
    if full.failed or not full.times:
        return float("nan"), float("nan")
    per = full.median / bookings_n
    if empty.failed or len(empty.times) != len(full.times):
        return per, float("nan")
    return per, statistics.median((a - b) / bookings_n for a, b in zip(full.times, empty.times))


def judge(all_results: dict[str, dict[str, Measured]], startup: dict[str, Measured], floor_label: str,
          base_label: str) -> list[Target]:
    targets = []
    name = f"checkin at {CHECKIN_SIZE} ({SIZES[CHECKIN_SIZE][0]:,} rooms / {SIZES[CHECKIN_SIZE][1]:,}) vs floor"
    if CHECKIN_SIZE in all_results:
        r = pairwise(all_results[CHECKIN_SIZE], "checkin", floor_label)
        targets.append(Target(name, ratio(r), f"≤ {CHECKIN_MAX:.2f}×", None if r != r else r <= CHECKIN_MAX))
    else:
        targets.append(Target(name, "—", f"≤ {CHECKIN_MAX:.2f}×", None))

    name = f"reconcile per-booking cost, {RECONCILE_BIG} vs {RECONCILE_REF} (marginal)"
    if RECONCILE_BIG in all_results and RECONCILE_REF in all_results:
        _, big = reconcile_costs(all_results[RECONCILE_BIG], SIZES[RECONCILE_BIG][1])
        _, ref = reconcile_costs(all_results[RECONCILE_REF], SIZES[RECONCILE_REF][1])
        r = big / ref if ref == ref and ref > 0 else float("nan")
        targets.append(Target(name, ratio(r), f"≤ {RECONCILE_MAX:.2f}×", None if r != r else r <= RECONCILE_MAX))
        raw_big, _ = reconcile_costs(all_results[RECONCILE_BIG], SIZES[RECONCILE_BIG][1])
        raw_ref, _ = reconcile_costs(all_results[RECONCILE_REF], SIZES[RECONCILE_REF][1])
        r = raw_big / raw_ref
        targets.append(Target(f"  (whole run / bookings, startup included: {ratio(r)})", "", "", None, info=True))
    else:
        targets.append(Target(name, "—", f"≤ {RECONCILE_MAX:.2f}×", None))

    if STARTUP_SIZE in all_results:
        results = all_results[STARTUP_SIZE]
        for label in ("rooms --json", "reconcile", "book", "checkin"):
            r = pairwise(results, label, base_label)
            targets.append(Target(f"{label} at {STARTUP_SIZE} vs python -c \"{IMPORT_BASELINE}\"", ratio(r),
                                  f"≤ {STARTUP_MAX:.2f}×", None if r != r else r <= STARTUP_MAX))
    r = pairwise(startup, "roomsync --version", base_label)
    targets.append(Target(f"roomsync --version vs python -c \"{IMPORT_BASELINE}\"", ratio(r),
                          f"≤ {STARTUP_MAX:.2f}×", None if r != r else r <= STARTUP_MAX))

    name = f"peak memory at {MEMORY_SIZE} ({SIZES[MEMORY_SIZE][1]:,} bookings)"
    if MEMORY_SIZE in all_results:
        peaks = [(max(m.rss), label) for label, m in all_results[MEMORY_SIZE].items()
                 if m.roomsync and m.rss]
        if peaks:
            peak, label = max(peaks)
            targets.append(Target(f"{name}, {label}", f"{peak / 1e9:.2f} GB", f"≤ {MEMORY_MAX / 1e9:.1f} GB",
                                  peak <= MEMORY_MAX))
        else:
            targets.append(Target(name, "—", f"≤ {MEMORY_MAX / 1e9:.1f} GB", None))
    else:
        targets.append(Target(name, "—", f"≤ {MEMORY_MAX / 1e9:.1f} GB", None))
    return targets


def smoke_checks(roomsync: list[str], hotel: Hotel, scratch: Path, logs: Path, env: dict[str, str], day: str,
                 floor_py: Path, python: str) -> list[str]:
    """Beyond exit statuses: the data validates clean, and checkin/book/floor did what they say."""
    problems = []

    def run(argv: list[str], expect: int = 0) -> str | None:
        _, code, _ = spawn(argv, logs / "check.out", logs / "check.err", env)
        if code != expect:
            err = (logs / "check.err").read_text(errors="replace").strip()
            problems.append(f"{' '.join(argv[len(roomsync):])}: exit {code}, expected {expect}: {err[-300:]}")
            return None
        return (logs / "check.out").read_text(encoding="utf-8")

    text = run([*roomsync, "validate", "--json", "--data-dir", str(hotel.path), "--today", day])
    if text is not None:
        report = json.loads(text)
        if report.get("problems") or report.get("details") or report.get("warnings"):
            problems.append(f"validate: generated data not clean: {text[:500]}")
    fresh_copy(hotel.path, scratch)
    text = run([*roomsync, "checkin", hotel.checkin_room, "--json", "--data-dir", str(scratch), "--today", day])
    if text is not None:
        doc = json.loads(text)
        if (doc.get("booking", {}).get("id") != hotel.checkin_booking
                or doc["booking"].get("status") != "CheckedIn" or doc.get("room", {}).get("status") != "OCCUPIED"):
            problems.append(f"checkin --json: unexpected document {text[:300]}")
        run([*roomsync, "validate", "--data-dir", str(scratch), "--today", day])
    fresh_copy(hotel.path, scratch)
    text = run([*roomsync, "book", hotel.book_room, "--guest", "Bench Guest", "--arrival",
                hotel.book_arrival.isoformat(), "--nights", "3", "--json", "--data-dir", str(scratch), "--today", day])
    if text is not None:
        doc = json.loads(text)
        if doc.get("booking", {}).get("status") != "Reserved" or doc["booking"].get("room") != hotel.book_room:
            problems.append(f"book --json: unexpected document {text[:300]}")
    fresh_copy(hotel.path, scratch)
    if run([python, str(floor_py), str(scratch), hotel.checkin_room, day]) is not None:
        bookings = json.loads((scratch / "bookings.json").read_text(encoding="utf-8"))
        if not any(b["id"] == hotel.checkin_booking and b["status"] == "CheckedIn" for b in bookings):
            problems.append("floor: the due booking was not checked in")
    return problems


def how_short(how: str) -> str:
    return "the `roomsync` console script" if how.startswith("console script") else "`python -m roomsync`"


def markdown(md: list[str], version: str, how: str, day: str, sizes: list[str], runs_default: int,
             runs_largest: int, startup: dict[str, Measured], all_results: dict[str, dict[str, Measured]],
             hotels: dict[str, Hotel], floor_label: str, base_label: str, targets: list[Target],
             total: float) -> None:
    runs = f"{runs_default} runs" + (f" ({runs_largest} for {LARGEST})" if LARGEST in sizes else "")
    if RECONCILE_REF in all_results:
        runs += f", {len(next(iter(all_results[RECONCILE_REF].values())).times) or '?'} for {RECONCILE_REF}"
    md.append(f"Measured with `python benchmarks/run.py` ({version}): {machine()}. "
              f"Commands run through {how_short(how)}, `--today {day}`; whole-process wall time, median of "
              f"{runs}; ratios pairwise against the floor of the same run; peak RSS of the child. "
              f"Total benchmark time {total / 60:.1f} min.")
    md.append("")
    md.append("| hotel | command | median | × floor | peak RSS |")
    md.append("|---|---|---:|---:|---:|")
    for label, result in startup.items():
        if result.failed:
            continue
        md.append(f"| — | `{label}` | {seconds(result.median)} | | {mb(max(result.rss))} |")
    for name, results in all_results.items():
        hotel = hotels[name]
        where = f"{hotel.rooms:,} rooms / {hotel.bookings:,}"
        for label, result in results.items():
            if result.failed:
                md.append(f"| {where} | {label} | failed | | |")
                continue
            if label == "reconcile, no bookings":
                shown = "`reconcile`, same rooms, no bookings"
            elif label.startswith("floor"):
                shown = label
            else:
                shown = f"`{label}`"
            md.append(f"| {where} | {shown} | {seconds(result.median)} | "
                      f"{ratio(pairwise(results, label, floor_label))} | {mb(max(result.rss))} |")
    if targets:
        md.append("")
        md.append("| target | figure | goal | |")
        md.append("|---|---:|---:|---|")
        for t in targets:
            if t.info:
                continue
            verdict = "not judged" if t.met is None else "met" if t.met else "**not met**"
            md.append(f"| {t.name} | {t.figure} | {t.target} | {verdict} |")


def pg_row(out, result: Measured, json_result: Measured | None) -> None:
    if result.failed:
        out(f"   {result.label:<34}  FAILED: {result.failed}")
        return
    json_median = json_result.median if json_result and not json_result.failed else float("nan")
    out(f"   {result.label:<34}{seconds(result.median):>10}{seconds(min(result.times)):>10}"
        f"{seconds(max(result.times)):>10}{seconds(json_median):>12}"
        f"{ratio(result.median / json_median):>11}{mb(max(result.rss)):>11}")


def markdown_postgres(md: list[str], pg: Postgres, all_results: dict[str, dict[str, Measured]],
                      hotels: dict[str, Hotel], runs: int) -> None:
    md.append("")
    caveat = (" — a throwaway server: commits never wait for the disk, so write figures understate a durable one"
              if pg.fsync_off else "")
    md.append(f"PostgreSQL store ({pg.server}{caveat}): each size loaded once into a fresh property with "
              f"`roomsync import --replace`, one `checkin` timed straight after it, then `ANALYZE rooms, bookings` "
              f"(what autovacuum does within about a minute of a bulk load) and the commands run with "
              f"`--store URL --hotel H`; whole-process wall time, median of {runs} runs; `checkin` undone with "
              f"`undo-checkin` and `book`'s booking removed with `delete` between runs, untimed. "
              f"{cost_line('Checkin', checkin_points(pg, all_results, hotels, 'pg'))}; straight after import, "
              f"{cost_line('', checkin_points(pg, all_results, hotels, 'first'))[2:]}.")
    md.append("")
    md.append("| hotel | command | PostgreSQL | JSON store | PG / JSON | peak RSS (PG) |")
    md.append("|---|---|---:|---:|---:|---:|")
    for name, size in pg.sizes.items():
        hotel = hotels[name]
        where = f"{hotel.rooms:,} rooms / {hotel.bookings:,}"
        imp = size.imported
        if imp.failed:
            md.append(f"| {where} | `import` | failed | | | |")
            continue
        md.append(f"| {where} | `import` (once) | {seconds(imp.median)} | | | {mb(max(imp.rss))} |")
        rows = [(f"`{label}`", size.results.get(label), label) for label in PG_ORDER]
        rows.append(("`checkin` straight after import (1 run)", size.first, "checkin"))
        for shown, result, json_label in rows:
            if result is None or result.failed:
                md.append(f"| {where} | {shown} | failed | | | |")
                continue
            json_result = all_results.get(name, {}).get(json_label)
            json_median = json_result.median if json_result and not json_result.failed else float("nan")
            md.append(f"| {where} | {shown} | {seconds(result.median)} | {seconds(json_median)} | "
                      f"{ratio(result.median / json_median)} | {mb(max(result.rss))} |")


if __name__ == "__main__":
    sys.exit(main())
