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
reservation due today in a known room), seals it as roomsync leaves a hotel it keeps (one
untimed commit, `room add` then `room remove` of a room ZZ-BENCH: the same bytes, and an audit
line that seals both files, so the next command parses them without the full check), and
measures, as whole processes:

* `book`, `checkin` end to end (each run on a fresh copy of the data and the audit, copied
  untimed), and at 100,000 bookings `checkin` on the same files without the audit (no seal:
  the full check of hand-edited files),
* `reconcile` (dry run), on the hotel and on the same rooms with no bookings (fixed cost),
* `rooms --json`,
* `batch` of 1,000 `book` lines on stdin (medium size; the smoke run's tiny hotel too),
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

The code is the package beside this file, `bench/`: `hotel` (the generator), `floor` (the
floor script), `runner` and `processes` (timing whole processes), `scenarios` (what is
measured and the targets: adding a command is one registered function), `checks` (the
smoke checks), `postgres`, `report` (the tables) and `main` (this command line).
`benchmarks/startup.py` is the start-up budget (python -X importtime, per package).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench.main import main

if __name__ == "__main__":
    sys.exit(main())
