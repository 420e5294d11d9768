"""Channel scenarios: `sync` of 20 file feeds x 200 events when nothing changed, and
`ical --all`, each against a `checkin` on the same hotel (SPEC §9's speed targets).

The synced copy of the hotel is prepared once, untimed: the feeds, `channels.json`, and one
first sync that imports every stay, so the timed runs measure a sync that changes nothing
(the common case every 15 minutes).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

from bench.hotel import DATA_FILES
from bench.processes import Step
from bench.scenarios import TARGETS, Setting, scenario, within

SIZE = "medium"
CHANNELS, EVENTS = 20, 200
FIRST_NIGHT = 400  # days ahead: past every generated booking, within the 2 years a feed is read
SYNC_LABEL, ICAL_LABEL = f"sync, {CHANNELS} feeds x {EVENTS}, nothing changed", "ical --all"


def feed(channel: int, today: date) -> str:
    """One-night stays on consecutive nights, CRLF as sites write them."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for n in range(EVENTS):
        night = today + timedelta(days=FIRST_NIGHT + n)
        lines += ["BEGIN:VEVENT", f"UID:{channel}-{n}@bench", f"DTSTART;VALUE=DATE:{night:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{night + timedelta(days=1):%Y%m%d}", "SUMMARY:Reserved", "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


def synced_copy(at: Setting) -> Path:
    """The hotel with 20 channels whose feeds were synced once already."""
    target = at.work / at.hotel.name / "channels"
    if (target / "channels.json").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in DATA_FILES:
        shutil.copyfile(at.hotel.path / name, target / name)
    rooms = [r["number"] for r in json.loads((at.hotel.path / "rooms.json").read_text(encoding="utf-8"))]
    today = date.fromisoformat(at.day)
    channels = []
    for index, room in enumerate(rooms[:CHANNELS]):
        path = at.prepare(f"feeds/site-{index}.ics", feed(index, today))
        channels.append({"name": f"site-{index}", "room": room, "url": str(path), "cancel_after": "12h",
                         "conflicts": []})
    (target / "channels.json").write_text(json.dumps(channels, indent=2) + "\n", encoding="utf-8")
    subprocess.run(at.command("sync", data_dir=target), check=True, capture_output=True)
    return target


@scenario
def sync_nothing_changed(at: Setting) -> Step | None:
    if at.hotel.name != SIZE:
        return None
    return Step(SYNC_LABEL, at.command("sync", data_dir=synced_copy(at)))


@scenario
def ical_all(at: Setting) -> Step | None:
    if at.hotel.name != SIZE:
        return None
    out = at.work / at.hotel.name / "ical"
    return Step(ICAL_LABEL, at.command("ical", "--all", "--out-dir", str(out), data_dir=at.hotel.path))


TARGETS += [within(SIZE, SYNC_LABEL, "checkin", 1.5), within(SIZE, ICAL_LABEL, "checkin", 2.0)]
