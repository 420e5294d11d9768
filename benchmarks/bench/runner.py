"""Starts each measured process and reports (wall seconds, exit status, peak RSS in bytes).

Run as a script by the benchmark; one JSON line per process on stdin:
[argv, stdout path, stderr path, stdin path]. Every process is started from here rather than
from the benchmark itself: with posix_spawn (vfork) -- and Python's subprocess uses vfork
too -- Linux carries the parent's peak RSS over into the child's ru_maxrss at exec, so
children of the benchmark, which holds the generated data for a while, would all report at
least its peak. This runner never holds more than a few MB, below any Python process's own
footprint.
"""

import json
import os
import sys
import time

UNIT = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux


def run(argv: list[str], out: str, err: str, stdin: str) -> list[float]:
    """Run one process to completion with its output in files."""
    fout = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    ferr = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    actions = [(os.POSIX_SPAWN_OPEN, 0, stdin, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_DUP2, fout, 1), (os.POSIX_SPAWN_DUP2, ferr, 2)]
    try:
        started = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - started
        return [elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss * UNIT]
    except OSError as exc:
        os.write(ferr, f"cannot run {argv[0]}: {exc}\n".encode())
        return [0.0, 127, 0]
    finally:
        os.close(fout)
        os.close(ferr)


if __name__ == "__main__":
    for line in sys.stdin:
        sys.stdout.write(json.dumps(run(*json.loads(line))) + "\n")
        sys.stdout.flush()
