"""What the benchmark measures on each generated hotel, and the targets it judges.

A scenario is a small registered function: given the hotel and how to run roomsync, it
returns the Step to time (or None where it does not apply). Rows appear in the order of
registration. Adding a command is a few lines: `batch_of_bookings` below, for example, writes
its stdin once (untimed, `Setting.prepare`) and is judged by its entry in TARGETS.

A target is a function of all the figures returning Target rows (figures, not assertions).
"""

from __future__ import annotations

import json
import math
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench import floor
from bench.hotel import DATA_FILES, SIZES, Hotel, room_number
from bench.processes import Measured, Step, pairwise

FLOOR_SCRIPT = Path(floor.__file__)
FLOOR_LABEL = floor.LABEL
IMPORT_BASELINE = "import typer, pydantic"
BASELINE_LABEL = f'python -c "{IMPORT_BASELINE}"'

# Targets (figures, not assertions).
CHECKIN_SIZE, CHECKIN_MAX = "medium", 1.5
RECONCILE_REF, RECONCILE_BIG, RECONCILE_MAX = "10k", "large", 1.25
STARTUP_SIZE, STARTUP_MAX = "small", 1.3
MEMORY_SIZE, MEMORY_MAX = "large", 2.5e9
BATCH_SIZE, BATCH_LINES, BATCH_MAX = "medium", 1_000, 1.25
BATCH_LABEL = f"batch of {BATCH_LINES:,} book lines"

# A mutating step's copy: the data files and the audit, whose last line seals them (as after
# any roomsync commit; see `processes.seal`).
SEALED = (*DATA_FILES, "audit.jsonl")


@dataclass(frozen=True)
class Setting:
    """What a scenario builds its step from: one hotel, and how commands are run on it."""

    hotel: Hotel
    roomsync: list[str]   # argv prefix: the console script, or python -m roomsync
    day: str              # every command's --today
    scratch: Path         # a mutating step's fresh copy of the data (Step.source)
    work: Path            # files a scenario prepares once, untimed

    def command(self, *args: str, data_dir: Path) -> list[str]:
        """roomsync ARGS --data-dir DIR --today DAY."""
        return [*self.roomsync, *args, "--data-dir", str(data_dir), "--today", self.day]

    def prepare(self, name: str, text: str) -> Path:
        """A file for this hotel's scenarios (stdin lines, feeds), written once."""
        path = self.work / self.hotel.name / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path


Scenario = Callable[[Setting], "Step | None"]
SCENARIOS: list[Scenario] = []


def scenario(build: Scenario) -> Scenario:
    """Register a scenario; rows are measured and shown in registration order."""
    SCENARIOS.append(build)
    return build


def steps_for(at: Setting) -> list[Step]:
    return [step for build in SCENARIOS if (step := build(at)) is not None]


@scenario
def import_baseline(at: Setting) -> Step | None:
    """What a command's start-up is judged against, on the start-up target's hotel."""
    if at.hotel.name != STARTUP_SIZE:
        return None
    return Step(BASELINE_LABEL, [sys.executable, "-c", IMPORT_BASELINE], roomsync=False)


@scenario
def floor_checkin(at: Setting) -> Step:
    return Step(FLOOR_LABEL, [sys.executable, str(FLOOR_SCRIPT), str(at.scratch), at.hotel.checkin_room, at.day],
                source=at.hotel.path, roomsync=False)


@scenario
def rooms_json(at: Setting) -> Step:
    return Step("rooms --json", at.command("rooms", "--json", data_dir=at.hotel.path))


@scenario
def reconcile(at: Setting) -> Step:
    return Step("reconcile", at.command("reconcile", data_dir=at.hotel.path))


@scenario
def reconcile_no_bookings(at: Setting) -> Step:
    """The fixed cost of a command: the same rooms, nothing to load."""
    return Step("reconcile, no bookings", at.command("reconcile", data_dir=at.hotel.empty))


@scenario
def book(at: Setting) -> Step:
    return Step("book", at.command("book", *book_args(at.hotel), data_dir=at.scratch), source=at.hotel.path,
                copies=SEALED)


@scenario
def checkin(at: Setting) -> Step:
    return Step("checkin", at.command("checkin", at.hotel.checkin_room, data_dir=at.scratch), source=at.hotel.path,
                copies=SEALED)


@scenario
def checkin_hand_edited(at: Setting) -> Step | None:
    """The same check-in on files no roomsync commit sealed (copied without the audit): the
    full check of a hand edit, at the check-in target's size."""
    if at.hotel.name != CHECKIN_SIZE:
        return None
    return Step("checkin, hand-edited files", at.command("checkin", at.hotel.checkin_room, data_dir=at.scratch),
                source=at.hotel.path)


@scenario
def batch_of_bookings(at: Setting) -> Step | None:
    """A script's 1,000 bookings in one `batch`: one load, one validation, one write."""
    if at.hotel.name not in (BATCH_SIZE, "tiny"):  # tiny: the smoke run covers it too
        return None
    stdin = at.prepare("batch-book.jsonl", batch_book_lines(at.hotel, BATCH_LINES))
    return Step(BATCH_LABEL, at.command("batch", data_dir=at.scratch), source=at.hotel.path, stdin=stdin,
                copies=SEALED)


def batch_book_lines(hotel: Hotel, count: int) -> str:
    """`count` two-night stays, room after room, beyond every generated booking (the
    furthest arrives 127 days ahead): every line is accepted."""
    first = hotel.book_arrival.toordinal() + 200
    lines = []
    for k in range(count):
        arrival = date.fromordinal(first + 3 * (k // hotel.rooms)).isoformat()
        lines.append(json.dumps({"command": "book", "room": room_number(k % hotel.rooms), "guest": f"Batch Guest {k}",
                                 "arrival": arrival, "nights": 2}))
    return "\n".join(lines) + "\n"


def book_args(hotel: Hotel) -> list[str]:
    """A three-night stay in the hotel's free room, a week from today."""
    return [hotel.book_room, "--guest", "Bench Guest", "--arrival", hotel.book_arrival.isoformat(), "--nights", "3"]


# ---------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------

@dataclass
class Target:
    name: str
    figure: str
    target: str
    met: bool | None  # None: not judged (missing size or failure)
    info: bool = False  # a figure shown next to a target, not judged


@dataclass
class Figures:
    """Everything one run measured: per size, and the start-up rows."""

    sizes: dict[str, dict[str, Measured]]
    startup: dict[str, Measured]


def ratio(r: float) -> str:
    return "—" if math.isnan(r) else f"{r:.2f}×"


def _at_most(name: str, r: float, maximum: float) -> Target:
    return Target(name, ratio(r), f"≤ {maximum:.2f}×", None if math.isnan(r) else r <= maximum)


def within(size: str, label: str, base: str, maximum: float,
           name: str | None = None) -> Callable[[Figures], list[Target]]:
    """A target: `label` at `size` takes at most `maximum` times `base` (pairwise, same run)."""
    shown = name or f"{label} at {size} vs {base}"

    def judge(figures: Figures) -> list[Target]:
        results = figures.sizes.get(size)
        return [_at_most(shown, pairwise(results, label, base) if results else float("nan"), maximum)]
    return judge


def reconcile_costs(results: dict[str, Measured], bookings_n: int) -> tuple[float, float]:
    """Reconcile's cost per booking: whole run, and marginal (minus the no-bookings run, pairwise)."""
    full, empty = results["reconcile"], results["reconcile, no bookings"]
    if full.failed or not full.times:
        return float("nan"), float("nan")
    per = full.median / bookings_n
    if empty.failed or len(empty.times) != len(full.times):
        return per, float("nan")
    return per, statistics.median((a - b) / bookings_n for a, b in zip(full.times, empty.times, strict=True))


def reconcile_linear(figures: Figures) -> list[Target]:
    """Reconcile stays linear: its per-booking cost at the largest size against 10,000 bookings."""
    name = f"reconcile per-booking cost, {RECONCILE_BIG} vs {RECONCILE_REF} (marginal)"
    big, ref = figures.sizes.get(RECONCILE_BIG), figures.sizes.get(RECONCILE_REF)
    if big is None or ref is None:
        return [_at_most(name, float("nan"), RECONCILE_MAX)]
    raw_big, marginal_big = reconcile_costs(big, SIZES[RECONCILE_BIG][1])
    raw_ref, marginal_ref = reconcile_costs(ref, SIZES[RECONCILE_REF][1])
    r = marginal_big / marginal_ref if marginal_ref > 0 else float("nan")
    return [_at_most(name, r, RECONCILE_MAX),
            Target(f"  (whole run / bookings, startup included: {ratio(raw_big / raw_ref)})", "", "", None,
                   info=True)]


def startup_ratios(figures: Figures) -> list[Target]:
    """A command on the small hotel, and --version, against importing typer and pydantic."""
    targets: list[Target] = []
    if STARTUP_SIZE in figures.sizes:
        for label in ("rooms --json", "reconcile", "book", "checkin"):
            targets += within(STARTUP_SIZE, label, BASELINE_LABEL, STARTUP_MAX,
                              f"{label} at {STARTUP_SIZE} vs {BASELINE_LABEL}")(figures)
    r = pairwise(figures.startup, "roomsync --version", BASELINE_LABEL)
    return [*targets, _at_most(f"roomsync --version vs {BASELINE_LABEL}", r, STARTUP_MAX)]


def peak_memory(figures: Figures) -> list[Target]:
    """The most memory any roomsync command took at the largest size."""
    name = f"peak memory at {MEMORY_SIZE} ({SIZES[MEMORY_SIZE][1]:,} bookings)"
    goal = f"≤ {MEMORY_MAX / 1e9:.1f} GB"
    peaks = [(max(m.rss), label) for label, m in figures.sizes.get(MEMORY_SIZE, {}).items() if m.roomsync and m.rss]
    if not peaks:
        return [Target(name, "—", goal, None)]
    peak, label = max(peaks)
    return [Target(f"{name}, {label}", f"{peak / 1e9:.2f} GB", goal, peak <= MEMORY_MAX)]


TARGETS: list[Callable[[Figures], list[Target]]] = [
    within(CHECKIN_SIZE, "checkin", FLOOR_LABEL, CHECKIN_MAX,
           f"checkin at {CHECKIN_SIZE} ({SIZES[CHECKIN_SIZE][0]:,} rooms / {SIZES[CHECKIN_SIZE][1]:,}) vs floor"),
    reconcile_linear,
    startup_ratios,
    peak_memory,
    within(BATCH_SIZE, BATCH_LABEL, "checkin", BATCH_MAX,
           f"{BATCH_LABEL} at {BATCH_SIZE} ({SIZES[BATCH_SIZE][1]:,} bookings) vs one checkin"),
]


def judge(figures: Figures) -> list[Target]:
    return [target for rule in TARGETS for target in rule(figures)]


# Last, not at the top: channel_scenarios imports this module, and registers its scenarios after the core ones.
from bench import channel_scenarios  # noqa: E402, F401
