#!/usr/bin/env python3
"""The start-up budget of roomsync: what each imported package costs a command.

    python benchmarks/startup_budget.py             # median of 10 runs
    python benchmarks/startup_budget.py --runs 1    # CI: once, exit non-zero if a command fails
    python benchmarks/startup_budget.py --markdown  # also the budget as a README table

Runs `python -X importtime -m roomsync checkin --help` and `... rooms` on the generated
50-room hotel, sums each module's self time per top-level package (roomsync, typer, click,
pydantic, rich, ...; the standard library as one row) and prints the medians, next to the
wall time (without -X importtime) of `roomsync rooms` on that hotel against
`python -c "import typer, pydantic"`, both from the same run (target ≤ 1.3×). Run it with
the interpreter of the environment roomsync is installed in. The code is bench/startup.py.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench.startup import main

if __name__ == "__main__":
    sys.exit(main())
