"""The floor: what any checkin on these two files must do, and nothing more.

Run as a script, in a fresh interpreter, by the benchmark:

    python floor.py DATA_DIR ROOM TODAY

It reads and parses both files, checks in the room's reservation due today, marks the room
OCCUPIED, pretty-prints both files (2-space indent, as roomsync writes them) and replaces
them with fsync. The generator imports `loads` and `dumps` from here so that "the form
roomsync writes" is defined once. Only the standard library and orjson (when importable):
the floor must not pay for anything roomsync's own imports would bring.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing would cost the floor ~2 ms
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

loads: Callable[[bytes], Any]
try:
    import orjson

    loads = orjson.loads
    FAST_JSON = True
    JSON_LIBRARY = f"orjson {orjson.__version__}"
    LABEL = "floor (orjson)"

    def dumps(obj: Any) -> bytes:
        """Pretty-printed JSON with a final newline, as roomsync writes its files."""
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2) + b"\n"
except ImportError:  # the standard library does everything, only slower
    import json

    loads = json.loads
    FAST_JSON = False
    JSON_LIBRARY = "stdlib json (orjson not installed)"
    LABEL = "floor (stdlib json)"

    def dumps(obj: Any) -> bytes:
        """Pretty-printed JSON with a final newline, as roomsync writes its files."""
        return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def replace(path: str, data: bytes) -> None:
    """Write beside the file, fsync, then rename over it (what a durable commit needs)."""
    tmp = path + ".floor-tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def checkin(data_dir: str, room: str, today: str) -> None:
    """Check in the room's reservation due today, the least a real checkin can do."""
    rooms_path = os.path.join(data_dir, "rooms.json")
    bookings_path = os.path.join(data_dir, "bookings.json")
    with open(rooms_path, "rb") as f:
        rooms = loads(f.read())
    with open(bookings_path, "rb") as f:
        bookings = loads(f.read())

    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
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

    replace(rooms_path, dumps(rooms))
    replace(bookings_path, dumps(bookings))
    fd = os.open(data_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


if __name__ == "__main__":
    checkin(sys.argv[1], sys.argv[2], sys.argv[3])
