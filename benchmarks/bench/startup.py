"""The start-up budget: what each imported package costs a command on the 50-room hotel,
and how that command compares with `python -c "import typer, pydantic"` (target ≤ 1.3×).

`python -X importtime` prints one line per imported module with its own ("self") time; the
budget sums those per top-level package (the standard library as one row), median over runs.
Self times under -X importtime are inflated by the measurement, so they show where the time
goes (shares); the wall-time ratio, measured without it in the same run, is the figure
judged.
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.hotel import SIZES, generate
from bench.processes import (
    Processes,
    Step,
    bench_env,
    pairwise,
    progress,
    roomsync_command,
    seal,
    tail,
)
from bench.report import mb, seconds
from bench.scenarios import (
    BASELINE_LABEL,
    IMPORT_BASELINE,
    STARTUP_MAX,
    STARTUP_SIZE,
    ratio,
)

STDLIB = "(standard library)"
IMPORTTIME_PREFIX = "import time:"


def self_times(stderr: str) -> dict[str, int]:
    """Module → its own import time in µs, from `python -X importtime` output (other lines,
    such as the command's own messages, are ignored)."""
    times: dict[str, int] = {}
    for line in stderr.splitlines():
        if not line.startswith(IMPORTTIME_PREFIX):
            continue
        fields = line[len(IMPORTTIME_PREFIX):].split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue  # the header: "self [us] | cumulative | imported package"
        module = fields[2].strip()
        times[module] = times.get(module, 0) + int(fields[0])
    return times


def package_of(module: str, stdlib: Iterable[str] = sys.stdlib_module_names) -> str:
    """The top-level package a module counts for; every standard-library module counts as one."""
    top = module.split(".", 1)[0]
    return STDLIB if top in stdlib or top.startswith(("_frozen_importlib", "_sysconfigdata")) else top


def by_package(times: dict[str, int]) -> dict[str, int]:
    """Self µs summed per top-level package."""
    sums: dict[str, int] = {}
    for module, micros in times.items():
        package = package_of(module)
        sums[package] = sums.get(package, 0) + micros
    return sums


def median_budget(runs: list[dict[str, int]]) -> dict[str, float]:
    """Per package, the median over runs (a package missing from a run counts 0 there)."""
    packages = {package for run in runs for package in run}
    return {package: statistics.median(run.get(package, 0) for run in runs) for package in packages}


@dataclass
class Command:
    """A process whose imports are budgeted: `python -X importtime ARGS`."""

    label: str
    args: list[str]   # after the interpreter: ["-m", "roomsync", ...] or ["-c", "..."]
    roomsync: bool = True


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Start-up budget: import time per package, and a command on the "
                                            "50-room hotel against importing typer and pydantic.")
    p.add_argument("--runs", type=int, default=10, help="runs of each process; figures are medians (default 10)")
    p.add_argument("--today", default="2026-11-27", help="the fixed --today of every command")
    p.add_argument("--module", action="store_true",
                   help="time `python -m roomsync` instead of the console script next to sys.executable")
    p.add_argument("--markdown", action="store_true", help="also print the budget as a README table")
    return p


def importtime(processes: Processes, command: Command, runs: int, logs: Path) -> dict[str, float] | str:
    """Median self ms per package of `python -X importtime -m roomsync ARGS`, or what went wrong."""
    samples = []
    out, err = logs / "importtime.out", logs / "importtime.err"
    for _ in range(runs):
        _, code, _ = processes.run([sys.executable, "-X", "importtime", *command.args], out, err)
        if code != 0:
            return f"exit {code}: {tail(out, err)}"
        samples.append(by_package(self_times(err.read_text(encoding="utf-8", errors="replace"))))
        if command.roomsync and "roomsync" not in samples[-1]:
            return "no roomsync module in the -X importtime output"
    return {package: micros / 1000 for package, micros in median_budget(samples).items()}


def budget_rows(budgets: dict[str, dict[str, float]], least: float = 1.0) -> list[tuple[str, list[float]]]:
    """(package, ms per command) most expensive first (by the last command); packages under
    `least` ms in every command summed in one row, the standard library after the packages,
    then the total."""
    labels = list(budgets)
    packages = sorted({package for budget in budgets.values() for package in budget} - {STDLIB},
                      key=lambda p: (-budgets[labels[-1]].get(p, 0.0), p))

    def row(package: str) -> list[float]:
        return [budgets[label].get(package, 0.0) for label in labels]
    named = [p for p in packages if max(row(p)) >= least]
    small = [p for p in packages if p not in named]
    rows = [(p, row(p)) for p in named]
    if small:
        rows.append((f"{len(small)} more, < {least:g} ms each",
                     [sum(budgets[label].get(p, 0.0) for p in small) for label in labels]))
    rows.append((STDLIB, row(STDLIB)))
    return [*rows, ("total", [sum(budget.values()) for budget in budgets.values()])]


def share_label(budgets: dict[str, dict[str, float]]) -> str:
    """'% of rooms': the share column's heading, after the last command."""
    return f"% of {list(budgets)[-1].split(' (')[0]}"


def share(value: float, rows: list[tuple[str, list[float]]]) -> str:
    """The value's share of the last command's total (the last row): robust to a loaded machine."""
    total = rows[-1][1][-1]
    return f"{100 * value / total:.0f}%" if total > 0 else "—"


def main(argv: list[str] | None = None) -> int:
    """Exit status 1 when a command failed."""
    p = parser()
    args = p.parse_args(argv)
    if args.runs < 1:
        p.error("--runs must be at least 1")
    try:
        day = date.fromisoformat(args.today).isoformat()
    except ValueError:
        p.error(f"--today {args.today}: not a date (YYYY-MM-DD)")
    roomsync, how = roomsync_command(args.module)
    processes = Processes(bench_env())
    work = Path(tempfile.mkdtemp(prefix="roomsync-startup-"))
    try:
        return budget(processes, roomsync, how, work, day, args.runs, args.markdown)
    finally:
        processes.close()
        shutil.rmtree(work, ignore_errors=True)


def budget(processes: Processes, roomsync: list[str], how: str, work: Path, day: str, runs: int,
           markdown: bool) -> int:
    rooms_n, bookings_n = SIZES[STARTUP_SIZE]
    hotel = generate(STARTUP_SIZE, rooms_n, bookings_n, work / "data", date.fromisoformat(day))
    logs = work / "logs"
    logs.mkdir()
    sealing = seal(processes, roomsync, hotel.path, logs, day)  # as a hotel roomsync keeps is
    if sealing:
        progress("; ".join(sealing))
        return 1
    rooms = Command(f"rooms ({hotel.where})", ["-m", "roomsync", "rooms", "--data-dir", str(hotel.path),
                                                "--today", day])
    commands = [Command(IMPORT_BASELINE, ["-c", IMPORT_BASELINE], roomsync=False),
                Command("checkin --help", ["-m", "roomsync", "checkin", "--help"]), rooms]
    processes.run([*roomsync, "--version"], logs / "warm.out", logs / "warm.err")  # warm the bytecode caches

    # Wall time as users run it (the console script unless --module), without -X importtime.
    steps = [Step(BASELINE_LABEL, [sys.executable, "-c", IMPORT_BASELINE], roomsync=False),
             *(Step(command.label, [*roomsync, *command.args[2:]]) for command in commands if command.roomsync)]
    timed = processes.measure(steps, runs, work / "scratch", logs, "wall time")
    budgets: dict[str, dict[str, float]] = {}
    failures = [f"{label}: {m.failed}" for label, m in timed.items() if m.failed]
    for command in commands:
        progress(f"  -X importtime: {command.label}, {runs} run(s)")
        found = importtime(processes, command, runs, logs)
        if isinstance(found, str):
            failures.append(f"python -X importtime {' '.join(command.args[:3])}: {found}")
        else:
            budgets[command.label] = found

    print(f"roomsync start-up budget — roomsync run as {how}; median of {runs} run(s)")
    print(f"   {'wall time, without -X importtime':<40}{'median':>10}{'× import':>10}{'peak RSS':>11}")
    for label, measured in timed.items():
        if not measured.failed:
            print(f"   {label:<40}{seconds(measured.median):>10}{ratio(pairwise(timed, label, BASELINE_LABEL)):>10}"
                  f"{mb(max(measured.rss)):>11}")
    r = pairwise(timed, rooms.label, BASELINE_LABEL)
    verdict = "not judged" if math.isnan(r) else "MET" if r <= STARTUP_MAX else "NOT MET"
    print(f"   target: {rooms.label} ≤ {STARTUP_MAX:.2f}× {BASELINE_LABEL}: {ratio(r)}  {verdict}")
    if budgets:
        print()
        print("   self import time per package, ms (python -X importtime, which inflates it; read as shares)")
        rows = budget_rows(budgets)
        width = max(len(package) for package, _ in rows) + 2
        print(f"   {'package':<{width}}" + "".join(f"{label:>28}" for label in budgets) + f"{share_label(budgets):>12}")
        for package, values in rows:
            print(f"   {package:<{width}}" + "".join(f"{value:>28.1f}" for value in values)
                  + f"{share(values[-1], rows):>12}")
    if markdown and budgets:
        print()
        rows = budget_rows(budgets)
        print("| package | " + " | ".join(f"`{label}`, ms" for label in budgets) + f" | {share_label(budgets)} |")
        print("|---|" + "---:|" * (len(budgets) + 1))
        for package, values in rows:
            print(f"| {package} | " + " | ".join(f"{value:.1f}" for value in values)
                  + f" | {share(values[-1], rows)} |")
    for failure in failures:
        print(f"FAILED {failure}")
    return 1 if failures else 0
