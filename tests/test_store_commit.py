"""The two-file commit under faults and crashes (SPEC §5 WRITE_FAILED, §6 storage guarantees).

One command that changes both files -- `checkin 101` on the sample hotel, which turns
booking B-000006 `CheckedIn` (bookings.json) and room 101 `OCCUPIED` (rooms.json) -- is made
to fail at every step of its commit in turn:

* **raise**: `os.replace`, `os.fsync`, `os.write`, `os.link` raise OSError (ENOSPC, EIO) at
  their N-th call, once or from then on; and "the disk dies": every one of them fails from
  the N-th call of any of them on;
* **SIGKILL**: a child process running the real CLI kills itself before its N-th
  file-changing system call.

After each, the next command (`validate`) runs, and the data directory must hold both old
files or both new ones (as a clean run writes them, wall-clock stamps aside), no other
record changed, exactly zero (old) or one (new) new audit line, and nothing else but the
two files, audit.jsonl and the lock file. A reported WRITE_FAILED must leave the old pair,
now and after recovery; exit 0 must leave the new pair.

A kill test cannot catch a missing fsync (PITFALLS), so the order of system calls is
checked as well, and `atomic.recover` is exercised directly on journals left by a crash.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, Result, run_cli

from roomsync.storage import atomic

COMMAND = ("checkin", "101", "--today", TODAY, "--json")
DATA_FILES = ("rooms.json", "bookings.json")
EXPECTED_NAMES = {"rooms.json", "bookings.json", "audit.jsonl", ".roomsync.lock"}
# roomsync stamps `checked_in_at` / `updated_at` from the wall clock: mask them to compare.
STAMP = re.compile(rb'"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})"')
KINDS = ("replace", "fsync", "write", "link")
ERRNOS = (errno.ENOSPC, errno.EIO)


def masked(data: bytes) -> bytes:
    return STAMP.sub(b'"<stamp>"', data)


def audit_lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


# --------------------------------------------------------------------------- fixtures


@dataclass
class Reference:
    """The sample hotel before the command, and what a clean run of the command leaves."""

    pristine: Path
    old: dict[str, bytes]
    new_masked: dict[str, bytes]
    new_audit_changes: Any
    counts: dict[str, int]
    total: int


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    base = tmp_path_factory.mktemp("reference")
    pristine = base / "pristine"
    assert run_cli("init", "--sample", "--data-dir", str(pristine), "--today", TODAY).code == 0
    old = {name: (pristine / name).read_bytes() for name in (*DATA_FILES, "audit.jsonl")}

    clean = base / "clean"
    shutil.copytree(pristine, clean)
    with Syscalls() as calls:
        result = run_cli(*COMMAND, "--data-dir", str(clean))
    assert result.code == 0, result.stderr
    new = {name: (clean / name).read_bytes() for name in (*DATA_FILES, "audit.jsonl")}
    # The command really changes both files, or this module tests nothing.
    assert new["rooms.json"] != old["rooms.json"] and new["bookings.json"] != old["bookings.json"]
    added = audit_lines(new["audit.jsonl"])[len(audit_lines(old["audit.jsonl"])):]
    assert len(added) == 1
    counts = {kind: sum(1 for c in calls.log if c[0] == kind) for kind in KINDS}
    assert counts["replace"] >= 3 and counts["fsync"] >= 4 and counts["write"] >= 3
    return Reference(pristine, old, {name: masked(new[name]) for name in DATA_FILES},
                     _masked_changes(added[0]), counts, sum(counts.values()))


def _masked_changes(line: bytes) -> Any:
    return json.loads(masked(line))["changes"]


def fresh(reference: Reference, tmp_path: Path, label: str) -> Path:
    data = tmp_path / label
    shutil.copytree(reference.pristine, data)
    return data


# --------------------------------------------------------------------------- checking one outcome


def outcome(data: Path, reference: Reference) -> str:
    """'old' or 'new' after recovery, or an AssertionError describing what is wrong."""
    names = set(os.listdir(data))
    assert names == EXPECTED_NAMES, f"left behind / missing: {sorted(names ^ EXPECTED_NAMES)}"
    files = {name: (data / name).read_bytes() for name in (*DATA_FILES, "audit.jsonl")}
    is_old = {name: files[name] == reference.old[name] for name in DATA_FILES}
    is_new = {name: masked(files[name]) == reference.new_masked[name] for name in DATA_FILES}
    old_lines = audit_lines(reference.old["audit.jsonl"])
    lines = audit_lines(files["audit.jsonl"])
    if all(is_old.values()):
        assert files["audit.jsonl"] == reference.old["audit.jsonl"], (
            f"old pair but the audit changed: {len(lines) - len(old_lines)} new line(s)")
        return "old"
    if all(is_new.values()):
        assert files["audit.jsonl"].startswith(reference.old["audit.jsonl"]), "earlier audit lines changed"
        added = lines[len(old_lines):]
        assert len(added) == 1, f"new pair with {len(added)} new audit line(s), not exactly one"
        assert added[0].endswith(b"\n")
        assert _masked_changes(added[0]) == reference.new_audit_changes
        return "new"
    state = {name: "old" if is_old[name] else "new" if is_new[name] else "neither" for name in DATA_FILES}
    raise AssertionError(f"mixed / damaged pair after recovery: {state}")


def check_reported(result: Result) -> str:
    """'ok' for exit 0, 'failed' for a proper WRITE_FAILED report; anything else is an error."""
    if result.code == 0:
        document = result.json()
        assert document["booking"]["status"] == "CheckedIn" and document["room"]["status"] == "OCCUPIED"
        return "ok"
    assert result.code == 3, f"exit {result.code}, stderr {result.stderr!r}"
    document = result.json()
    assert set(document) == {"error"}, document
    assert document["error"]["code"] == "WRITE_FAILED", document
    assert isinstance(document["error"]["message"], str) and document["error"]["message"]
    assert result.stderr.strip(), "WRITE_FAILED must be explained on stderr"
    assert "Traceback" not in result.stderr
    return "failed"


# --------------------------------------------------------------------------- syscall wrapping


@dataclass
class Syscalls:
    """Wrap os.<kind> for the duration of a with-block: record every call, fail on demand.

    `fail(kind, index_of_kind, index_overall)` returns an errno to raise, or None.
    """

    fail: Callable[[str, int, int], int | None] | None = None
    log: list[tuple[Any, ...]] = field(default_factory=list)
    per_kind: dict[str, int] = field(default_factory=dict)
    raised: list[tuple[str, int]] = field(default_factory=list)
    extra: tuple[str, ...] = ()

    def __enter__(self) -> Syscalls:
        self._saved = {}
        for kind in (*KINDS, *self.extra):
            original = getattr(os, kind)
            self._saved[kind] = original
            setattr(os, kind, self._wrap(kind, original))
        return self

    def __exit__(self, *exc: object) -> None:
        for kind, original in self._saved.items():
            setattr(os, kind, original)

    def _wrap(self, kind: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if kind in KINDS:
                self.per_kind[kind] = self.per_kind.get(kind, 0) + 1
                overall = sum(self.per_kind.values())
                code = self.fail(kind, self.per_kind[kind], overall) if self.fail else None
                if code is not None:
                    self.raised.append((kind, self.per_kind[kind]))
                    self.log.append((kind, "FAILED", *args[:2]))
                    path = str(args[0]) if kind in ("replace", "link") else None
                    raise OSError(code, os.strerror(code), path)
            result = original(*args, **kwargs)
            self.log.append((kind, *args[:2], result))
            return result

        return wrapper


def at_call(kind: str, n: int, code: int, persistent: bool) -> Callable[[str, int, int], int | None]:
    def fail(called: str, index: int, overall: int) -> int | None:
        if called == kind and (index == n or (persistent and index > n)):
            return code
        return None

    return fail


def disk_dies_at(n: int, code: int) -> Callable[[str, int, int], int | None]:
    return lambda called, index, overall: code if overall >= n else None


def run_with_faults(reference: Reference, data: Path, fail: Callable[[str, int, int], int | None]) -> str:
    """Run the command with faults, then `validate`; return a description of what happened."""
    with Syscalls(fail) as calls:
        try:
            result = run_cli(*COMMAND, "--data-dir", str(data))
        except Exception as exc:  # an unmapped error escaping main() is a bug too
            raise AssertionError(f"uncaught {type(exc).__name__}: {exc}") from None
    assert calls.raised, "the planned fault was never reached"
    reported = check_reported(result)
    if reported == "ok":  # exit 0 means the change is on disk before any recovery
        assert outcome_before_recovery(data, reference) == "new"
    after = run_cli("validate", "--data-dir", str(data), "--today", TODAY, "--json")
    assert after.code == 0, f"validate after the fault: exit {after.code} {after.stderr}"
    state = outcome(data, reference)
    if reported == "failed":
        assert state == "old", "WRITE_FAILED was reported but the change was completed"
    else:
        assert state == "new"
    return f"{reported}/{state}"


def outcome_before_recovery(data: Path, reference: Reference) -> str:
    files = {name: masked((data / name).read_bytes()) for name in DATA_FILES}
    return "new" if files == reference.new_masked else "not new"


def sweep(reference: Reference, tmp_path: Path, plans: list[tuple[str, Callable[[str, int, int], int | None]]]
          ) -> dict[str, str]:
    """Run every plan; collect failures so one run reports every broken crash point."""
    results, broken = {}, {}
    for label, fail in plans:
        data = fresh(reference, tmp_path, re.sub(r"\W+", "_", label))
        try:
            results[label] = run_with_faults(reference, data, fail)
        except AssertionError as exc:
            broken[label] = str(exc).splitlines()[0]
    assert not broken, "broken fault points:\n" + "\n".join(f"  {k}: {v}" for k, v in broken.items())
    return results


# --------------------------------------------------------------------------- raise OSError at call N


@pytest.mark.parametrize("kind", KINDS)
def test_single_failing_syscall_at_every_call_leaves_both_old_or_both_new(
        reference: Reference, tmp_path: Path, kind: str) -> None:
    plans = [(f"{kind} #{n} {errno.errorcode[code]}", at_call(kind, n, code, persistent=False))
             for n in range(1, reference.counts[kind] + 1) for code in ERRNOS]
    results = sweep(reference, tmp_path, plans)
    assert len(results) == 2 * reference.counts[kind]
    if kind != "link":  # a failed hard link falls back to a copy; the others must fail the command
        assert any(r.startswith("failed") for r in results.values())


@pytest.mark.parametrize("kind", KINDS)
def test_syscall_failing_from_call_n_on_leaves_both_old_or_both_new(
        reference: Reference, tmp_path: Path, kind: str) -> None:
    """A full disk or a dying device keeps failing: the undo meets the same error."""
    plans = [(f"{kind} #{n}+ {errno.errorcode[code]}", at_call(kind, n, code, persistent=True))
             for n in range(1, reference.counts[kind] + 1) for code in ERRNOS]
    sweep(reference, tmp_path, plans)


def test_disk_dying_at_any_call_never_completes_a_reported_write_failed(
        reference: Reference, tmp_path: Path) -> None:
    """Every wrapped call fails from the N-th on (EIO): WRITE_FAILED must still mean no change."""
    plans = [(f"all from #{n} EIO", disk_dies_at(n, errno.EIO)) for n in range(1, reference.total + 1)]
    sweep(reference, tmp_path, plans)


def test_write_failed_json_document_and_untouched_files_on_enospc(reference: Reference, tmp_path: Path) -> None:
    data = fresh(reference, tmp_path, "enospc")
    with Syscalls(at_call("write", 1, errno.ENOSPC, persistent=True)):
        result = run_cli(*COMMAND, "--data-dir", str(data))
    assert result.code == 3
    assert result.json()["error"]["code"] == "WRITE_FAILED"
    # Nothing was touched even before the next command runs.
    assert {n: (data / n).read_bytes() for n in (*DATA_FILES, "audit.jsonl")} == reference.old
    assert set(os.listdir(data)) == EXPECTED_NAMES
    # A script may simply retry: the retry does the change exactly once.
    retry = run_cli(*COMMAND, "--data-dir", str(data))
    assert retry.code == 0, retry.stderr
    assert outcome(data, reference) == "new"


# --------------------------------------------------------------------------- SIGKILL at call N

HOOK = r"""
import os, signal, sys
KILL_AT = int(os.environ["RS_KILL_AT"])
count = 0
def hook(name):
    original = getattr(os, name)
    def hooked(*args, **kwargs):
        global count
        if name == "open" and not (len(args) > 1 and args[1] & os.O_CREAT):
            return original(*args, **kwargs)
        count += 1
        if count == KILL_AT:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)
    setattr(os, name, hooked)
for name in ("open", "write", "fsync", "link", "replace", "unlink", "ftruncate", "rename"):
    hook(name)
if os.environ.get("RS_COUNT_FILE"):
    import atexit
    def report():
        with open(os.environ["RS_COUNT_FILE"], "w") as handle:  # builtin open: not counted
            handle.write(str(count))
    atexit.register(report)
sys.argv = ["roomsync", *sys.argv[1:]]
from roomsync.cli.app import main
main()
"""


def run_hooked(data: Path, kill_at: int, count_file: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RS_KILL_AT": str(kill_at)}
    env.pop("ROOMSYNC_TODAY", None)
    if count_file is not None:
        env["RS_COUNT_FILE"] = str(count_file)
    return subprocess.run([sys.executable, "-c", HOOK, *COMMAND, "--data-dir", str(data)],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.slow
def test_sigkill_at_every_file_changing_syscall_recovers_to_both_old_or_both_new(
        reference: Reference, tmp_path: Path) -> None:
    counting = fresh(reference, tmp_path, "count")
    count_file = tmp_path / "count.txt"
    clean = run_hooked(counting, 0, count_file)
    assert clean.returncode == 0, clean.stderr
    total = int(count_file.read_text())
    assert total >= reference.total  # the hook sees at least the calls counted in-process
    states: dict[int, str] = {}
    broken: dict[int, str] = {}
    for n in range(1, total + 1):
        data = fresh(reference, tmp_path, f"kill{n}")
        killed = run_hooked(data, n)
        if killed.returncode != -signal.SIGKILL:
            broken[n] = f"not killed: exit {killed.returncode} {killed.stderr[-300:]}"
            continue
        after = run_cli("validate", "--data-dir", str(data), "--today", TODAY, "--json")
        try:
            assert after.code == 0, f"validate after kill: exit {after.code} {after.stderr}"
            states[n] = outcome(data, reference)
        except AssertionError as exc:
            broken[n] = str(exc).splitlines()[0]
    assert not broken, "broken kill points:\n" + "\n".join(f"  #{k}: {v}" for k, v in broken.items())
    # The kill points span the commit point: early kills keep the old pair, late ones the new.
    assert states[1] == "old" and states[total] == "new"
    first_new = min(n for n, s in states.items() if s == "new")
    assert all(s == "new" for n, s in states.items() if n >= first_new), states


# --------------------------------------------------------------------------- atomic.recover directly


class Crash(BaseException):
    """Stands for the process dying: not an OSError, so no undo runs."""


@contextmanager
def crash_before(kind: str, n: int, partial_write: bool = False) -> Iterator[None]:
    """Make the n-th os.<kind> call die (a partial write first writes half of its bytes)."""
    original = getattr(os, kind)
    seen = 0

    def dying(*args: Any, **kwargs: Any) -> Any:
        nonlocal seen
        seen += 1
        if seen == n:
            if partial_write:
                fd, data = args[0], bytes(args[1])
                original(fd, data[: len(data) // 2])
            raise Crash(f"{kind} #{n}")
        return original(*args, **kwargs)

    setattr(os, kind, dying)
    try:
        yield
    finally:
        setattr(os, kind, original)


@dataclass
class Pair:
    data: Path
    old: dict[str, bytes]
    new: dict[str, bytes]
    line: str
    commit_id: str

    @property
    def audit(self) -> bytes:
        return (self.data / "audit.jsonl").read_bytes()

    def files(self) -> dict[str, bytes]:
        return {name: (self.data / name).read_bytes() for name in DATA_FILES}

    def leftovers(self) -> set[str]:
        return set(os.listdir(self.data)) - EXPECTED_NAMES

    def commit(self) -> None:
        changes = [atomic.Change(self.data / name, self.new[name]) for name in DATA_FILES]
        atomic.commit(self.data, changes, self.data / "audit.jsonl", self.line, self.commit_id)

    def recover(self) -> None:
        atomic.recover(self.data, [self.data / name for name in DATA_FILES])


@pytest.fixture
def pair(reference: Reference, tmp_path: Path) -> Pair:
    data = fresh(reference, tmp_path, "pair")
    old = {name: (data / name).read_bytes() for name in DATA_FILES}
    new = {name: content.replace(b'"status"', b'"status" ') for name, content in old.items()}
    commit_id = atomic.new_commit_id()
    line = json.dumps({"commit": commit_id, "changes": ["test"]})
    return Pair(data, old, new, line, commit_id)


def journal_of(pair: Pair) -> dict[str, Any]:
    return json.loads((pair.data / atomic.JOURNAL).read_bytes())


def test_recover_rolls_back_a_journal_whose_temps_are_all_present_but_no_audit_line(pair: Pair) -> None:
    """The journal is intent, not the commit point: without the audit line the old pair stands."""
    old_audit = pair.audit
    with crash_before("replace", 2), pytest.raises(Crash):  # journal in place, no target replaced yet
        pair.commit()
    journal = journal_of(pair)
    assert all(Path(e["temp"]).exists() for e in journal["files"])
    assert pair.files() == pair.old
    pair.recover()
    assert pair.files() == pair.old
    assert pair.audit == old_audit
    assert not pair.leftovers()


def test_recover_rolls_back_when_one_target_is_replaced_and_the_other_temp_pending(pair: Pair) -> None:
    old_audit = pair.audit
    with crash_before("replace", 3), pytest.raises(Crash):
        pair.commit()
    assert pair.files() == {"rooms.json": pair.new["rooms.json"], "bookings.json": pair.old["bookings.json"]}
    pair.recover()
    assert pair.files() == pair.old
    assert pair.audit == old_audit
    assert not pair.leftovers()


def test_recover_rolls_back_a_journal_with_a_missing_temp_and_an_unchanged_target(pair: Pair) -> None:
    old_audit = pair.audit
    with crash_before("replace", 2), pytest.raises(Crash):
        pair.commit()
    bookings_entry = next(e for e in journal_of(pair)["files"] if e["target"].endswith("bookings.json"))
    os.unlink(bookings_entry["temp"])  # the temp is gone and bookings.json still holds the old content
    pair.recover()
    assert pair.files() == pair.old
    assert pair.audit == old_audit
    assert not pair.leftovers()


def test_recover_rolls_back_restoring_an_already_replaced_target_from_its_backup(pair: Pair) -> None:
    old_audit = pair.audit
    with crash_before("replace", 3), pytest.raises(Crash):  # rooms.json replaced, bookings.json pending
        pair.commit()
    bookings_entry = next(e for e in journal_of(pair)["files"] if e["target"].endswith("bookings.json"))
    os.unlink(bookings_entry["temp"])
    pair.recover()
    assert pair.files() == pair.old
    assert pair.audit == old_audit
    assert not pair.leftovers()


def test_recover_does_not_append_the_audit_line_twice(pair: Pair) -> None:
    old_audit = pair.audit
    with crash_before("unlink", 1), pytest.raises(Crash):  # audit appended, clean-up not started
        pair.commit()
    assert (pair.data / atomic.JOURNAL).exists()
    assert pair.audit == old_audit + pair.line.encode() + b"\n"
    pair.recover()
    assert pair.files() == pair.new
    assert pair.audit == old_audit + pair.line.encode() + b"\n"
    assert not pair.leftovers()


def test_recover_cuts_a_torn_audit_line_and_rolls_back(pair: Pair) -> None:
    """Half an audit line is not the commit point: recovery removes it and keeps the old pair."""
    old_audit = pair.audit
    writes_before_audit = 3  # two temps and the journal
    with crash_before("write", writes_before_audit + 1, partial_write=True), pytest.raises(Crash):
        pair.commit()
    assert pair.audit != old_audit and not pair.audit.endswith(b"\n")  # half a line on disk
    assert pair.files() == pair.new  # both files were already replaced
    pair.recover()
    assert pair.files() == pair.old
    assert pair.audit == old_audit
    assert not pair.leftovers()


def test_recover_rolls_forward_once_the_audit_line_is_complete(pair: Pair) -> None:
    old_audit = pair.audit
    with crash_before("fsync", 7), pytest.raises(Crash):  # the audit line written, its fsync not done
        pair.commit()
    assert pair.audit == old_audit + pair.line.encode() + b"\n"
    pair.recover()
    assert pair.files() == pair.new
    assert pair.audit == old_audit + pair.line.encode() + b"\n"
    assert not pair.leftovers()


def test_recover_without_journal_removes_prepared_temps_and_backups_and_keeps_the_old_pair(pair: Pair) -> None:
    old_audit = pair.audit
    with crash_before("replace", 1), pytest.raises(Crash):  # prepared, commit point not reached
        pair.commit()
    assert not (pair.data / atomic.JOURNAL).exists()
    assert pair.leftovers()  # temps, backups and the journal's temp are there
    pair.recover()
    assert pair.files() == pair.old
    assert pair.audit == old_audit
    assert not pair.leftovers()


# --------------------------------------------------------------------------- order of system calls


@dataclass
class Trace:
    """Every file-level call of a commit, with descriptors resolved to the paths they name."""

    events: list[tuple[str, str, str | None]] = field(default_factory=list)
    fds: dict[int, str] = field(default_factory=dict)

    def index(self, kind: str, path: str, second: str | None = None, start: int = 0) -> list[int]:
        return [i for i, e in enumerate(self.events) if i >= start and e[0] == kind and e[1] == path
                and (second is None or e[2] == second)]


@contextmanager
def tracing() -> Iterator[Trace]:
    trace = Trace()
    saved = {name: getattr(os, name) for name in ("open", "close", "write", "fsync", "replace", "link", "unlink")}

    def real(path: Any) -> str:
        return os.path.realpath(path)

    def opened(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        fd = saved["open"](path, flags, *args, **kwargs)
        trace.fds[fd] = real(path)
        trace.events.append(("open", real(path), "dir" if flags & getattr(os, "O_DIRECTORY", 0) else None))
        return fd

    def closed(fd: int) -> None:
        trace.events.append(("close", trace.fds.pop(fd, f"fd{fd}"), None))
        saved["close"](fd)

    def by_fd(kind: str) -> Callable[..., Any]:
        def call(fd: int, *args: Any) -> Any:
            result = saved[kind](fd, *args)
            trace.events.append((kind, trace.fds.get(fd, f"fd{fd}"), None))
            return result
        return call

    def by_paths(kind: str) -> Callable[..., Any]:
        def call(src: Any, dst: Any = None, *args: Any, **kwargs: Any) -> Any:
            result = saved[kind](src, dst, *args, **kwargs) if dst is not None else saved[kind](src, *args, **kwargs)
            trace.events.append((kind, real(src), real(dst) if dst is not None else None))
            return result
        return call

    os.open, os.close = opened, closed
    os.write, os.fsync = by_fd("write"), by_fd("fsync")
    os.replace, os.link, os.unlink = by_paths("replace"), by_paths("link"), by_paths("unlink")
    try:
        yield trace
    finally:
        for name, original in saved.items():
            setattr(os, name, original)


def assert_commit_order(trace: Trace, data: Path, targets: dict[str, Path]) -> None:
    events = trace.events
    data_dir = os.path.realpath(data)
    journal = os.path.join(data_dir, atomic.JOURNAL)
    journal_renames = [i for i, e in enumerate(events) if e[0] == "replace" and e[2] == journal]
    assert len(journal_renames) == 1, "the journal (the commit's intent) is renamed into place once"
    intent = journal_renames[0]
    journal_temp = events[intent][1]

    def dir_fsyncs(directory: str) -> list[int]:
        return [i for i, e in enumerate(events) if e[0] == "fsync" and e[1] == directory]

    # The journal is written and fsynced before it is renamed into place ...
    writes = trace.index("write", journal_temp)
    syncs = trace.index("fsync", journal_temp)
    assert writes and syncs and max(writes) < min(syncs) < intent, \
        "the journal must be written and fsynced before it is renamed into place"
    # ... and the data directory is fsynced after the rename, before any target changes.
    first_apply = min(i for i, e in enumerate(events) if e[0] == "replace" and e[2] in
                      {str(t) for t in targets.values()})
    assert any(intent < i < first_apply for i in dir_fsyncs(data_dir)), \
        "the journal rename must be durable before any data file is replaced"

    journal_unlinks = trace.index("unlink", journal)
    assert len(journal_unlinks) == 1
    for name, target in targets.items():
        renames = [i for i, e in enumerate(events) if e[0] == "replace" and e[2] == str(target)]
        assert len(renames) == 1, f"{name}: replaced once"
        rename = renames[0]
        temp = events[rename][1]
        assert os.path.dirname(temp) == str(target.parent), f"{name}: temp file next to its target"
        # Temp written, then fsynced, then (after the commit point) renamed.
        writes, syncs = trace.index("write", temp), trace.index("fsync", temp)
        assert writes, f"{name}: temp never written"
        assert syncs and max(writes) < max(syncs) < intent < rename, \
            f"{name}: temp must be fsynced after its last write and before the commit point and rename"
        # The backup link is durable (directory fsynced) before the commit point.
        links = [i for i, e in enumerate(events) if e[0] == "link" and e[1] == str(target)]
        assert links, f"{name}: no backup of the old file"
        assert any(max(links) < i < intent for i in dir_fsyncs(str(target.parent))), \
            f"{name}: backup must be durable before the commit point"
        # The directory holding the target is fsynced after the rename, before the journal goes.
        assert any(rename < i < journal_unlinks[0] for i in dir_fsyncs(str(target.parent))), \
            f"{name}: directory must be fsynced after the rename, before the journal is removed"
    # The commit point: the audit line, written only once every target is replaced and its
    # directory fsynced, and fsynced before the journal is removed; then the removal is synced.
    audit = os.path.join(data_dir, "audit.jsonl")
    audit_writes, audit_syncs = trace.index("write", audit), trace.index("fsync", audit)
    target_paths = {str(t) for t in targets.values()}
    last_apply = max(i for i, e in enumerate(events) if e[0] == "replace" and e[2] in target_paths)
    applied_durable = min(i for d in {str(t.parent) for t in targets.values()} for i in dir_fsyncs(d) if i > last_apply)
    assert audit_writes and min(audit_writes) > applied_durable, \
        "the audit line (the commit point) must come after every replace is durable"
    assert audit_writes and audit_syncs and max(audit_writes) < max(audit_syncs) < journal_unlinks[0], \
        "the audit line must be fsynced before the journal is removed"
    assert any(i > journal_unlinks[0] for i in dir_fsyncs(data_dir)), "journal removal must be fsynced"


def test_commit_fsyncs_temps_before_rename_and_directories_after(reference: Reference, tmp_path: Path) -> None:
    data = fresh(reference, tmp_path, "order")
    with tracing() as trace:
        result = run_cli(*COMMAND, "--data-dir", str(data))
    assert result.code == 0, result.stderr
    targets = {name: Path(os.path.realpath(data / name)) for name in DATA_FILES}
    assert_commit_order(trace, data, targets)


def test_commit_through_a_symlink_writes_and_fsyncs_next_to_the_target(reference: Reference, tmp_path: Path) -> None:
    data = fresh(reference, tmp_path, "linked")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (data / "rooms.json").rename(elsewhere / "real-rooms.json")
    (data / "rooms.json").symlink_to(Path("..") / "elsewhere" / "real-rooms.json")
    with tracing() as trace:
        result = run_cli(*COMMAND, "--data-dir", str(data))
    assert result.code == 0, result.stderr
    targets = {"rooms.json": Path(os.path.realpath(elsewhere / "real-rooms.json")),
               "bookings.json": Path(os.path.realpath(data / "bookings.json"))}
    assert_commit_order(trace, data, targets)
    assert (data / "rooms.json").is_symlink()
    assert os.listdir(elsewhere) == ["real-rooms.json"]
