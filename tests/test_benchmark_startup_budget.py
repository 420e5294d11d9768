"""The start-up budget (benchmarks/startup_budget.py) adds up `python -X importtime` output
per top-level package: a wrong sum would send start-up work after the wrong import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from bench.startup import (
    STDLIB,
    budget_rows,
    by_package,
    median_budget,
    package_of,
    self_times,
    share,
)

SAMPLE = """\
import time: self [us] | cumulative | imported package
import time:       241 |        241 |   _io
import time:       425 |       1186 | _frozen_importlib_external
import time:      1200 |       1500 |     typer._click.core
import time:       300 |       1800 |   typer
import time:        50 |         50 |       roomsync.cli
import time:        70 |        120 |     roomsync
import time:      2000 |       2000 |   pydantic_core._pydantic_core
roomsync: a message the command itself printed
import time:      1000 |       3000 | pydantic
"""


def test_self_times_reads_each_module_and_skips_the_header_and_other_lines() -> None:
    times = self_times(SAMPLE)
    assert times["typer._click.core"] == 1200
    assert times["roomsync.cli"] == 50
    assert "imported package" not in times
    assert len(times) == 8


def test_by_package_sums_self_time_per_top_level_package_with_the_stdlib_as_one() -> None:
    sums = by_package(self_times(SAMPLE))
    assert sums == {STDLIB: 241 + 425, "typer": 1500, "roomsync": 120, "pydantic_core": 2000, "pydantic": 1000}


def test_package_of_keeps_third_party_names_apart_from_the_standard_library() -> None:
    assert package_of("json.decoder") == STDLIB
    assert package_of("pydantic.fields") == "pydantic"
    assert package_of("pydantic_core") == "pydantic_core"


def test_median_budget_counts_a_package_missing_from_a_run_as_zero() -> None:
    assert median_budget([{"rich": 10}, {}, {"rich": 30}]) == {"rich": 10}


def test_budget_rows_order_the_costliest_first_merge_the_small_and_total_every_column() -> None:
    budgets = {"baseline": {"typer": 5.0, STDLIB: 10.0, "tiny": 0.2},
               "rooms": {"typer": 6.0, "roomsync": 20.0, STDLIB: 12.0, "tiny": 0.3, "wee": 0.1}}
    rows = budget_rows(budgets)
    assert [name for name, _ in rows] == ["roomsync", "typer", "2 more, < 1 ms each", STDLIB, "total"]
    assert dict(rows)["2 more, < 1 ms each"] == [0.2, 0.4]
    assert dict(rows)["total"] == [15.2, 38.4]
    assert share(dict(rows)["roomsync"][-1], rows) == "52%"


def test_a_real_importtime_run_is_read_whole() -> None:
    """The format parsed is the one this interpreter prints."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", "import json"], capture_output=True,
                         text=True, check=True)
    times = self_times(run.stderr)
    assert "json" in times and "json.decoder" in times
    sums = by_package(times)
    assert "json" not in sums
    assert sums[STDLIB] >= times["json"] + times["json.decoder"]
