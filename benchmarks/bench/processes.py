"""Running whole processes, round-robin over runs, and the medians and ratios of their times."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.hotel import DATA_FILES

RUNNER = Path(__file__).with_name("runner.py")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def roomsync_command(module: bool) -> tuple[list[str], str]:
    """How to run roomsync (argv prefix) and how to say so: the console script next to
    sys.executable, as users run it, unless --module or there is none."""
    python = sys.executable
    script = Path(python).parent / "roomsync"
    if not module and script.is_file() and os.access(script, os.X_OK):
        return [str(script)], f"console script {script}"
    if not module:
        progress(f"no console script at {script}: using {python} -m roomsync")
    return [python, "-m", "roomsync"], f"{python} -m roomsync"


def bench_env() -> dict[str, str]:
    """This environment without roomsync's own settings or import profiling, and no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOMSYNC_")}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env["NO_COLOR"] = "1"
    return env


@dataclass
class Step:
    """One process to measure, and how to set up and put back the state it runs on."""

    label: str
    argv: list[str]
    source: Path | None = None   # a data dir whose `copies` are copied afresh to scratch before each run
    expect: int = 0
    roomsync: bool = True        # a roomsync command (counts for memory and failures)
    # Untimed, after each successful run (given the run's stdout file): puts the state back
    # for the next run; returns what went wrong, or None.
    after: Callable[[Path], str | None] | None = None
    stdin: Path | None = None    # fed to the process (default: /dev/null)
    copies: Sequence[str] = DATA_FILES


@dataclass
class Measured:
    label: str
    times: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    failed: str | None = None
    roomsync: bool = True

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def fresh_copy(source: Path, scratch: Path, files: Sequence[str] = DATA_FILES) -> Path:
    """The data files of `source` in an emptied `scratch` (a mutating run never touches `source`)."""
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    for file in files:
        shutil.copyfile(source / file, scratch / file)
    return scratch


def tail(out: Path, err: Path) -> str:
    """The last lines a failed process printed (stderr, else stdout)."""
    lines = (err.read_text(encoding="utf-8", errors="replace").strip()
             or out.read_text(encoding="utf-8", errors="replace").strip()).splitlines()[-5:]
    return " | ".join(lines) or "(no output)"


class Processes:
    """Runs processes through one small runner process (see runner.py for why) in `env`."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self._runner: subprocess.Popen[str] | None = None

    def run(self, argv: list[str], out: Path, err: Path, stdin: Path | None = None) -> tuple[float, int, int]:
        """Run one process to completion: (wall seconds, exit status, its peak RSS in bytes)."""
        if self._runner is None:
            self._runner = subprocess.Popen([sys.executable, str(RUNNER)], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, env=self.env, text=True, encoding="utf-8")
        assert self._runner.stdin is not None and self._runner.stdout is not None
        self._runner.stdin.write(json.dumps([argv, str(out), str(err), str(stdin or os.devnull)]) + "\n")
        self._runner.stdin.flush()
        reply = self._runner.stdout.readline()
        if not reply:
            raise SystemExit("the process runner died")
        elapsed, code, rss = json.loads(reply)
        return float(elapsed), int(code), int(rss)

    def output(self, argv: list[str], logs: Path, expect: int = 0) -> tuple[str | None, str]:
        """Run once for what it prints: (stdout, "") on the expected exit, else (None, what went wrong)."""
        out, err = logs / "check.out", logs / "check.err"
        _, code, _ = self.run(argv, out, err)
        if code != expect:
            return None, f"exit {code}, expected {expect}: {tail(out, err)}"
        return out.read_text(encoding="utf-8"), ""

    def measure(self, steps: list[Step], runs: int, scratch: Path, logs: Path, title: str) -> dict[str, Measured]:
        """Run the steps round-robin `runs` times; a step that fails is reported and dropped."""
        results = {step.label: Measured(step.label, roomsync=step.roomsync) for step in steps}
        logs.mkdir(parents=True, exist_ok=True)
        for run in range(runs):
            progress(f"  {title}: run {run + 1}/{runs}")
            for number, step in enumerate(steps):
                result = results[step.label]
                if result.failed:
                    continue
                if step.source is not None:
                    fresh_copy(step.source, scratch, step.copies)
                out, err = logs / f"{number}.out", logs / f"{number}.err"
                elapsed, code, rss = self.run(step.argv, out, err, step.stdin)
                if code != step.expect:
                    result.failed = f"exit {code}, expected {step.expect}: {tail(out, err)}"
                    progress(f"  FAILED {step.label}: {result.failed}")
                    continue
                result.times.append(elapsed)
                result.rss.append(rss)
                if step.after is not None:
                    problem = step.after(out)
                    if problem:
                        result.failed = f"resetting after run {run + 1}: {problem}"
                        progress(f"  FAILED {step.label}: {result.failed}")
        return results

    def close(self) -> None:
        if self._runner is not None:
            if self._runner.stdin:
                self._runner.stdin.close()
            self._runner.wait()
            self._runner = None


def pairwise(results: dict[str, Measured], label: str, base: str) -> float:
    """Median over runs of label/base, both from the same run."""
    a, b = results.get(label), results.get(base)
    if not a or not b or a.failed or b.failed or not a.times or len(a.times) != len(b.times):
        return float("nan")
    return statistics.median(x / y for x, y in zip(a.times, b.times, strict=True))


def seal(processes: Processes, roomsync: list[str], data_dir: Path, logs: Path, day: str) -> list[str]:
    """Leave a generated hotel as roomsync leaves one it keeps: last written by a roomsync
    commit, whose audit line seals both files (a room added, then removed: the same bytes).
    The "hand-edited" rows measure the same files without the seal (fully checked)."""
    problems = []
    for action in ("add", "remove"):
        argv = [*roomsync, "room", action, "ZZ-BENCH", "--data-dir", str(data_dir), "--today", day]
        _, problem = processes.output(argv, logs)
        if problem:
            problems.append(f"{data_dir.name}: sealing (room {action}): {problem}")
    return problems
