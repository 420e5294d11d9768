"""The benchmark's command line and its run: start-up rows, then each size (JSON store, and
PostgreSQL when asked), then the targets. See benchmarks/run.py for what is measured."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bench import floor
from bench.checks import smoke_checks
from bench.hotel import DEFAULT_SIZES, LARGEST, SIZES, Hotel, check_format, generate
from bench.postgres import PG_ENV, PG_ORDER, Postgres, measure_postgres, pg_smoke_checks
from bench.processes import (
    Measured,
    Processes,
    Step,
    bench_env,
    pairwise,
    progress,
    roomsync_command,
    seal,
)
from bench.report import (
    checkin_points,
    cost_line,
    load,
    machine,
    markdown,
    markdown_postgres,
    mb,
    pg_row,
    seconds,
    show_row,
    source_state,
    targets_text,
)
from bench.scenarios import (
    BASELINE_LABEL,
    IMPORT_BASELINE,
    RECONCILE_REF,
    STARTUP_SIZE,
    Figures,
    Setting,
    Target,
    judge,
    reconcile_costs,
    steps_for,
)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Benchmark roomsync against the floor (see benchmarks/run.py).")
    p.add_argument("--sizes", default=",".join(DEFAULT_SIZES),
                   help=f"comma-separated among {', '.join(SIZES)} (default: {','.join(DEFAULT_SIZES)}); "
                        f"'{LARGEST}' brings '{RECONCILE_REF}' along for the reconcile ratio")
    p.add_argument("--runs", type=int, default=None,
                   help=f"runs per size (default 5; 3 for '{LARGEST}', 10 for '{RECONCILE_REF}', 10 for startup)")
    p.add_argument("--smoke", action="store_true",
                   help="a tiny hotel, one run, no targets judged; exit non-zero if a command fails")
    p.add_argument("--markdown", action="store_true", help="also print the results as a README table")
    p.add_argument("--today", default="2026-11-27", help="the fixed --today of every command")
    p.add_argument("--module", action="store_true",
                   help="run `python -m roomsync` instead of the console script next to sys.executable")
    p.add_argument("--work-dir", type=Path, default=None, help="where to generate data (default: a temp dir)")
    p.add_argument("--keep", action="store_true",
                   help="keep the generated data (and the PostgreSQL properties of --postgres)")
    p.add_argument("--postgres", metavar="URL", default=os.environ.get(PG_ENV) or None,
                   help=f"also measure the PostgreSQL store in this database (default: env {PG_ENV}; "
                        f"unset: skipped); each size goes into a fresh property bench_<size>_<pid>, "
                        f"deleted at the end unless --keep")
    return p


@dataclass
class Plan:
    sizes: list[str]
    pg_sizes: set[str]
    runs_default: int
    runs_largest: int


def plan(args: argparse.Namespace, p: argparse.ArgumentParser) -> Plan:
    if args.runs is not None and args.runs < 1:
        p.error("--runs must be at least 1")
    if args.smoke:
        return Plan(["tiny"], {"tiny"}, 1, 1)
    asked = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in asked if s not in SIZES]
    if unknown:
        p.error(f"unknown size(s) {', '.join(unknown)}; choose among {', '.join(SIZES)}")
    sizes = list(asked)
    if LARGEST in sizes and RECONCILE_REF not in sizes:
        sizes.append(RECONCILE_REF)
        progress(f"(adding size '{RECONCILE_REF}': the reconcile target compares '{LARGEST}' with it)")
    sizes = sorted(dict.fromkeys(sizes), key=list(SIZES).index)
    # PostgreSQL: the sizes asked for (not one brought along for a JSON target), every one
    # with the default number of runs: its commands should not grow with the hotel.
    return Plan(sizes, set(asked), args.runs or 5, args.runs or 3)


@dataclass
class Run:
    """One benchmark run's state: what to run, where, and what it found."""

    args: argparse.Namespace
    plan: Plan
    processes: Processes
    roomsync: list[str]
    work: Path
    day: str
    pg: Postgres | None
    failures: list[str] = field(default_factory=list)
    all_results: dict[str, dict[str, Measured]] = field(default_factory=dict)
    hotels: dict[str, Hotel] = field(default_factory=dict)

    @property
    def scratch(self) -> Path:
        return self.work / "scratch"


def out(line: str = "") -> None:
    print(line, flush=True)


def measure_startup(run: Run, runs: int) -> dict[str, Measured]:
    """Start-up with no data: python itself, the import baseline, roomsync --version."""
    python, roomsync = sys.executable, run.roomsync
    steps = [
        Step("python -c pass", [python, "-c", "pass"], roomsync=False),
        Step(BASELINE_LABEL, [python, "-c", IMPORT_BASELINE], roomsync=False),
        Step("roomsync --version", [*roomsync, "--version"]),
    ]
    if not run.args.module and roomsync[0] != python:
        steps.append(Step("python -m roomsync --version", [python, "-m", "roomsync", "--version"]))
    startup = run.processes.measure(steps, runs, run.scratch, run.work / "logs" / "startup", "startup")
    run.failures += [f"startup: {label}: {m.failed}" for label, m in startup.items() if m.failed]
    out(f"== startup ({runs} runs)")
    out(f"   {'command':<34}{'median':>10}{'min':>10}{'max':>10}{'× import':>10}{'peak RSS':>11}")
    for label, result in startup.items():
        show_row(out, result, pairwise(startup, label, BASELINE_LABEL))
    out("")
    return startup


def measure_size(run: Run, name: str) -> None:
    """Generate one hotel, measure every scenario on it, print its table (and PostgreSQL's)."""
    rooms_n, bookings_n = SIZES[name]
    progress(f"generating {name}: {rooms_n:,} rooms / {bookings_n:,} bookings")
    hotel = generate(name, rooms_n, bookings_n, run.work / "data", date.fromisoformat(run.day))
    if name != LARGEST or floor.FAST_JSON:  # the stdlib re-encodes a million records slowly
        check_format(hotel)
    run.hotels[name] = hotel
    logs = run.work / "logs" / name
    logs.mkdir(parents=True, exist_ok=True)
    for data_dir in (hotel.path, hotel.empty):
        run.failures += seal(run.processes, run.roomsync, data_dir, logs, run.day)
    runs = run.plan.runs_largest if name == LARGEST else run.plan.runs_default
    if name == RECONCILE_REF and run.args.runs is None and not run.args.smoke:
        runs = 2 * run.plan.runs_default  # its marginal reconcile cost is a small difference: more runs
    setting = Setting(hotel, run.roomsync, run.day, run.scratch, run.work / "prepared")
    results = run.processes.measure(steps_for(setting), runs, run.scratch, logs, name)
    run.all_results[name] = results
    if run.args.smoke:
        run.failures += smoke_checks(run.processes, run.roomsync, hotel, run.scratch, logs, run.day, sys.executable)
    run.failures += [f"{name}: {label}: {result.failed}" for label, result in results.items() if result.failed]

    out(f"== {name}: {rooms_n:,} rooms / {bookings_n:,} bookings — rooms.json {mb(hotel.rooms_bytes)}, "
        f"bookings.json {mb(hotel.bookings_bytes)} (generated in {hotel.seconds:.1f} s); {runs} run(s)")
    out(f"   checkin room {hotel.checkin_room} ({hotel.checkin_booking} due {run.day}); book room "
        f"{hotel.book_room} {hotel.book_arrival} + 3 nights; each mutating run on a fresh copy")
    extra = "× import" if name == STARTUP_SIZE else ""
    out(f"   {'command':<34}{'median':>10}{'min':>10}{'max':>10}{'× floor':>10}{'peak RSS':>11}"
        + (f"{extra:>10}" if extra else ""))
    for label, result in results.items():
        show_row(out, result, pairwise(results, label, floor.LABEL),
                 pairwise(results, label, BASELINE_LABEL) if name == STARTUP_SIZE else None)
    per, marginal = reconcile_costs(results, bookings_n)
    if bookings_n >= 10_000:  # below that the difference drowns in startup noise
        out(f"   reconcile per booking: {per * 1e6:.2f} µs (whole run / bookings), "
            f"{marginal * 1e6:.2f} µs marginal (minus the no-bookings run, pairwise)")
    if run.pg is not None and name in run.plan.pg_sizes:
        measure_size_postgres(run, run.pg, hotel, results)
    out("")


def measure_size_postgres(run: Run, pg: Postgres, hotel: Hotel, results: dict[str, Measured]) -> None:
    name = hotel.name
    pg_runs = run.args.runs or run.plan.runs_default
    logs = run.work / "logs" / f"{name}-pg"
    size = measure_postgres(pg, run.processes, run.roomsync, hotel, pg_runs, logs, run.day)
    pg.sizes[name] = size
    imp = size.imported
    if imp.failed:
        run.failures.append(f"{name}: PostgreSQL import: {imp.failed}")
        out(f"   PostgreSQL store, property {size.hotel}: import FAILED: {imp.failed}")
        return
    if run.args.smoke:
        run.failures += pg_smoke_checks(pg, run.processes, run.roomsync, hotel, size.hotel, logs, run.day)
    for label, result in [*size.results.items(), ("checkin, 1st after import", size.first)]:
        if result is not None and result.failed:
            run.failures.append(f"{name}: PostgreSQL {label}: {result.failed}")
    if isinstance(size.analyze, str):
        run.failures.append(f"{name}: PostgreSQL {size.analyze}")
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


def postgres_summary(run: Run, pg: Postgres) -> None:
    """Checkin's cost across sizes on both stores, then drop the benchmark's properties."""
    out(f"== PostgreSQL store ({pg.server})")
    out("   " + cost_line("PostgreSQL checkin", checkin_points(pg, run.all_results, run.hotels, "pg")))
    out("   " + cost_line("PostgreSQL checkin straight after import (1 run)",
                          checkin_points(pg, run.all_results, run.hotels, "first")))
    out("   " + cost_line("JSON store checkin", checkin_points(pg, run.all_results, run.hotels, "json")))
    if run.args.keep:
        out(f"   properties kept: {', '.join(pg.properties) or '(none)'}")
    else:
        started = time.perf_counter()
        dropped = list(pg.properties)
        problem = pg.drop()
        if problem:
            run.failures.append(f"PostgreSQL: {problem}")
            out(f"   {problem}")
        elif dropped:
            out(f"   dropped the properties {', '.join(dropped)} in {seconds(time.perf_counter() - started)}")
    out("")


def connect_postgres(run: Run) -> None:
    if run.pg is None:
        out(f"PostgreSQL store: skipped (no --postgres URL given and {PG_ENV} is not set)")
        return
    problem = run.pg.probe()
    if problem:
        out(f"PostgreSQL store: NOT measured: {problem}")
        run.failures.append(f"PostgreSQL: {problem}")
        run.pg = None
    else:
        out(f"PostgreSQL store: {run.pg.shown} — {run.pg.server}; {run.pg.durability_note()}")


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def execute(run: Run, how: str, began: float) -> None:
    args, plan_ = run.args, run.plan
    out(f"roomsync benchmark — {machine()}")
    out(f"roomsync run as: {how}; --today {run.day}; wall time of whole processes, median of runs; "
        f"peak RSS = max over runs")
    warm = run.work / "warm.out"
    run.processes.run([*run.roomsync, "--version"], warm, run.work / "warm.err")  # warm the bytecode caches
    version = (warm.read_text(errors="replace").strip() or "(unknown version)") + source_state()
    load_start = load_average()
    out(f"{version}; load average at start {load()}")
    connect_postgres(run)
    out("")
    startup = measure_startup(run, max(2 * plan_.runs_default, 1) if not args.smoke else 1)
    for name in plan_.sizes:
        measure_size(run, name)
    if run.pg is not None:
        postgres_summary(run, run.pg)

    targets: list[Target] = []
    if not args.smoke:
        targets = judge(Figures(run.all_results, startup))
        targets_text(out, targets)
    if run.failures:
        out("== FAILURES")
        for failure in run.failures:
            out(f"   {failure}")
        out("")
    total = time.perf_counter() - began
    busy = max(load_start, load_average()) > 1.5
    out(f"total time: {int(total // 60)} min {total % 60:.0f} s; load average at end {load()}"
        + ("  (other processes were running: they skew the figures)" if busy else ""))
    if args.markdown:
        md: list[str] = []
        markdown(md, version, how, run.day, plan_.sizes, plan_.runs_default, plan_.runs_largest, startup,
                 run.all_results, run.hotels, targets, total)
        if run.pg is not None:
            markdown_postgres(md, run.pg, run.all_results, run.hotels, args.runs or plan_.runs_default)
        print()
        print("\n".join(md))


def main(argv: list[str] | None = None) -> int:
    """Exit status 1 when a roomsync command (or the floor) failed; targets never change it."""
    p = parser()
    args = p.parse_args(argv)
    began = time.perf_counter()
    try:
        day = date.fromisoformat(args.today).isoformat()
    except ValueError:
        p.error(f"--today {args.today}: not a date (YYYY-MM-DD)")
    plan_ = plan(args, p)
    roomsync, how = roomsync_command(args.module)
    work: Path = args.work_dir or Path(tempfile.mkdtemp(prefix="roomsync-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    run = Run(args, plan_, Processes(bench_env()), roomsync, work, day,
              Postgres(args.postgres) if args.postgres else None)
    try:
        execute(run, how, began)
    finally:
        run.processes.close()
        if run.pg is not None and run.pg.properties and not args.keep:  # interrupted before the normal drop
            problem = run.pg.drop()
            if problem:
                progress(problem)
        if not args.keep and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep:
            progress(f"data kept in {work}")
    return 1 if run.failures else 0
