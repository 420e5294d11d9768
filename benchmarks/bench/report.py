"""The printed tables: plain text as the benchmark runs, Markdown for the README (`--markdown`)."""

from __future__ import annotations

import math
import os
import platform
import subprocess
from collections.abc import Callable
from pathlib import Path

from bench import floor
from bench.hotel import LARGEST, Hotel
from bench.postgres import PG_ORDER, Postgres
from bench.processes import Measured, pairwise
from bench.scenarios import RECONCILE_REF, Target, ratio

Out = Callable[[str], None]


def mb(n: float) -> str:
    if n < 1e6:
        return f"{n / 1e3:,.1f} kB"
    return f"{n / 1e6:,.0f} MB" if n >= 10e6 else f"{n / 1e6:,.1f} MB"


def seconds(s: float) -> str:
    if math.isnan(s):
        return "—"
    return f"{s * 1000:,.0f} ms" if s < 10 else f"{s:,.2f} s"


def source_state() -> str:
    """The commit the measured code comes from, when this is a git checkout."""
    here = Path(__file__).resolve().parent.parent.parent
    try:
        head = subprocess.run(["git", "-C", str(here), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=False)
        if head.returncode != 0:
            return ""
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return f", git {head.stdout.strip()}{' + uncommitted changes in src/' if dirty else ''}"


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.platform()}, {cpu + ', ' if cpu else ''}{os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, floor uses {floor.JSON_LIBRARY}")


def _timings(result: Measured) -> str:
    return f"   {result.label:<34}{seconds(result.median):>10}{seconds(min(result.times)):>10}" \
           f"{seconds(max(result.times)):>10}"


def show_row(out: Out, result: Measured, r: float, r2: float | None = None) -> None:
    if result.failed:
        out(f"   {result.label:<34}  FAILED: {result.failed}")
        return
    extra = f"{ratio(r2):>10}" if r2 is not None else ""
    out(f"{_timings(result)}{ratio(r):>10}{mb(max(result.rss)):>11}{extra}")


def _median(result: Measured | None) -> float:
    return result.median if result and not result.failed else float("nan")


def pg_row(out: Out, result: Measured, json_result: Measured | None) -> None:
    if result.failed:
        out(f"   {result.label:<34}  FAILED: {result.failed}")
        return
    json_median = _median(json_result)
    out(f"{_timings(result)}{seconds(json_median):>12}{ratio(result.median / json_median):>11}"
        f"{mb(max(result.rss)):>11}")


def targets_text(out: Out, targets: list[Target]) -> None:
    out("== targets (figures, not assertions)")
    width = max(len(t.name) for t in targets if not t.info)
    for t in targets:
        if t.info:
            out(f"   {t.name}")
            continue
        verdict = "not judged" if t.met is None else "MET" if t.met else "NOT MET"
        out(f"   {t.name:<{width}}  {t.figure:>14}  target {t.target:<10}  {verdict}")
    out("")


def cost_line(label: str, points: list[tuple[str, int, float]]) -> str:
    """'<label>: 2,000 → 100,000 bookings: X ms → Y ms (ratio large/small R)'."""
    if not points:
        return f"{label}: no figures"
    line = (f"{label}: {' → '.join(f'{n:,}' for _, n, _ in points)} bookings: "
            f"{' → '.join(seconds(t) for _, _, t in points)}")
    if len(points) > 1:
        first, last = points[0], points[-1]
        r = last[2] / first[2] if first[2] > 0 else float("nan")
        line += f" (ratio {last[0]}/{first[0]} {ratio(r)})"
    return line


def checkin_points(pg: Postgres, all_results: dict[str, dict[str, Measured]], hotels: dict[str, Hotel],
                   store: str) -> list[tuple[str, int, float]]:
    """Checkin's median per size: on PostgreSQL ("pg"), straight after import ("first"), or the JSON store."""
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


def how_short(how: str) -> str:
    return "the `roomsync` console script" if how.startswith("console script") else "`python -m roomsync`"


def markdown(md: list[str], version: str, how: str, day: str, sizes: list[str], runs_default: int,
             runs_largest: int, startup: dict[str, Measured], all_results: dict[str, dict[str, Measured]],
             hotels: dict[str, Hotel], targets: list[Target], total: float) -> None:
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
        where = hotels[name].where
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
                      f"{ratio(pairwise(results, label, floor.LABEL))} | {mb(max(result.rss))} |")
    if targets:
        md.append("")
        md.append("| target | figure | goal | |")
        md.append("|---|---:|---:|---|")
        for t in targets:
            if t.info:
                continue
            verdict = "not judged" if t.met is None else "met" if t.met else "**not met**"
            md.append(f"| {t.name} | {t.figure} | {t.target} | {verdict} |")


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
        where = hotels[name].where
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
            json_median = _median(all_results.get(name, {}).get(json_label))
            md.append(f"| {where} | {shown} | {seconds(result.median)} | {seconds(json_median)} | "
                      f"{ratio(result.median / json_median)} | {mb(max(result.rss))} |")
