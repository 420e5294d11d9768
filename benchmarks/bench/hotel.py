"""Generated hotels: SPEC §1 files as roomsync writes them, with a known room to check in
and a known free room to book, at every size the benchmark measures."""

from __future__ import annotations

import json
import random
import shutil
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from bench.floor import dumps, loads

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
DATA_FILES = ("rooms.json", "bookings.json")

FIRST = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret",
         "Ken", "Radia", "Tim", "Zoë", "José", "Søren", "Chloé", "Łukasz", "Ngozi", "Hiroshi",
         "Aïcha", "Mateo", "Priya", "Olga", "Kwame", "Inés"]
LAST = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus",
        "Hamilton", "Thompson", "Perlman", "Berners-Lee", "Müller", "García", "Kierkegaard",
        "Dubois", "Nowak", "Okafor", "Tanaka", "Benali", "Rossi", "Sharma", "Ivanova",
        "Mensah", "O'Brien"]
ROOM_TYPES = ["Single", "Double", "Double", "Twin", "Suite"]

ROOM_TEMPLATE = '  {\n    "number": "%s",\n    "status": "%s",\n    "type": "%s",\n    "floor": %d\n  }'
BOOKING_TEMPLATE = ('  {\n    "id": "B-%06d",\n    "room": "%s",\n    "guest": %s,\n'
                    '    "arrival": "%s",\n    "departure": "%s",\n    "status": "%s",\n'
                    '    "created_at": "%sT%02d:%02d:00Z"\n  }')


@dataclass
class Hotel:
    """One generated hotel and where the benchmark acts on it."""

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

    @property
    def where(self) -> str:
        """'1,000 rooms / 100,000', the hotel column of the tables."""
        return f"{self.rooms:,} rooms / {self.bookings:,}"


def room_number(index: int) -> str:
    """50 rooms a floor: 101..150, 201..250, ..."""
    return str((index // 50 + 1) * 100 + index % 50 + 1)


class _Writer:
    """Writes a JSON array of pre-rendered records, in chunks, as json.dumps(indent=2) would:
    building a million records as objects first would cost more than the benchmark."""

    def __init__(self, path: Path) -> None:
        self.file: TextIO = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed by close()
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


def _roles(rng: random.Random, rooms_n: int, checkin_index: int, book_index: int) -> list[str]:
    """Each room: at most one active booking (in house, due today, or in the future)."""
    roles = []
    for i in range(rooms_n):
        if i == checkin_index:
            roles.append("due")
        elif i == book_index:
            roles.append("none")
        else:
            x = rng.random()
            roles.append("inhouse" if x < 0.22 else "due" if x < 0.27 else "future" if x < 0.55 else "none")
    return roles


def _write_rooms(rng: random.Random, path: Path, empty: Path, numbers: list[str], roles: list[str],
                 book_index: int) -> None:
    """rooms.json, and the same rooms with no bookings keeping any RESERVED/OCCUPIED."""
    writer = _Writer(path / "rooms.json")
    bare = _Writer(empty / "rooms.json")
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
        kind = ROOM_TYPES[i % len(ROOM_TYPES)]
        writer.add(ROOM_TEMPLATE % (number, status, kind, i // 50 + 1))
        bare.add(ROOM_TEMPLATE % (number, "AVAILABLE" if status in ("OCCUPIED", "RESERVED") else status,
                                  kind, i // 50 + 1))
    writer.close()
    bare.close()
    (empty / "bookings.json").write_text("[]\n", encoding="utf-8")


def generate(name: str, rooms_n: int, bookings_n: int, root: Path, today: date) -> Hotel:
    """Write rooms.json and bookings.json for one hotel; return where the benchmark acts."""
    started = time.perf_counter()
    rng = random.Random(f"{SEED}-{rooms_n}-{bookings_n}")
    bits = rng.getrandbits
    guests = [json.dumps(f"{first} {last}", ensure_ascii=False) for first in FIRST for last in LAST]
    numbers = [room_number(i) for i in range(rooms_n)]
    checkin_index, book_index = min(1, rooms_n - 1), rooms_n - 1
    if checkin_index == book_index:
        raise SystemExit("a hotel needs at least two rooms")
    roles = _roles(rng, rooms_n, checkin_index, book_index)
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
    _write_rooms(rng, path, empty, numbers, roles, book_index)

    # bookings.json: finished history in non-overlapping slots per room over three years,
    # ending six days ago, written slot by slot so that ids run roughly with time; then the
    # active bookings, the most recent.
    history = bookings_n - active
    per_room = [history // rooms_n + (1 if i < history % rooms_n else 0) for i in range(rooms_n)]
    slot = [max(2, HISTORY_DAYS // h) if h else 0 for h in per_room]
    start = [base - 6 - h * s for h, s in zip(per_room, slot, strict=True)]
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
            departure, status = arrival + 1 + (x >> 3) % 7, "Reserved"
        if i == checkin_index:
            checkin_booking = f"B-{next_id:06d}"
        writer.add(template % (next_id, numbers[i], guests[(x >> 27) % len(guests)], day(arrival),
                               day(departure), status, day(arrival - 1 - (x >> 13) % 60), 8 + (x >> 37) % 12,
                               (x >> 41) % 60))
        next_id += 1
    writer.close()
    if next_id - 1 != bookings_n:
        raise SystemExit(f"generator bug: wrote {next_id - 1} bookings, expected {bookings_n}")

    hotel = Hotel(name, rooms_n, bookings_n, path, empty, numbers[checkin_index], checkin_booking,
                  numbers[book_index], today + timedelta(days=7))
    hotel.rooms_bytes = (path / "rooms.json").stat().st_size
    hotel.bookings_bytes = (path / "bookings.json").stat().st_size
    hotel.seconds = time.perf_counter() - started
    return hotel


def check_format(hotel: Hotel) -> None:
    """The generated files are exactly what roomsync writes (pretty-printed, final newline)."""
    for file in DATA_FILES:
        data = (hotel.path / file).read_bytes()
        if dumps(loads(data)) != data:
            raise SystemExit(f"generator bug: {hotel.path / file} is not in canonical pretty-printed form")
