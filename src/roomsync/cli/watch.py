"""`watch`: reconcile with fix at start, then every interval, until SIGINT or SIGTERM.

The lock is held only while a cycle runs. A cycle that meets invalid data or a held lock
logs the error when it first appears or changes, and the loop goes on. Signals only set a
flag, so a running cycle finishes its commit before the process exits 0.
"""

from __future__ import annotations

import gc
import signal
import sys
import threading
import time
from typing import Annotated, Any

import typer

from roomsync.cli.command import CommandSettings, desk_command
from roomsync.cli.options import parse_interval
from roomsync.cli.render import emit_json_line, reconcile_json, report_lines, say
from roomsync.domain.calendar import Clock
from roomsync.errors import RoomsyncError
from roomsync.operations import front_desk as ops


def interval_words(seconds: float) -> str:
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds:g} seconds"


def parse_sync_every(value: str | float) -> float:
    """`--sync-every`: an interval like `--every`'s, or `0` to never sync."""
    if isinstance(value, float):
        return value
    if value.strip() in ("0", "0s", "0m", "0h"):
        return 0.0
    return parse_interval(value)


class Watcher:
    def __init__(self, desk: CommandSettings, sync_every: float = 0.0) -> None:
        self.desk = desk
        self.last_findings: Any = None
        self.last_error: str | None = None
        self.sync_every = sync_every
        self.next_sync: float | None = None  # monotonic time the next channel sync is due

    def sync_channels(self, clock: Clock) -> None:
        """Within a cycle, when due: the channels' sync, logging only what changed (a channel
        that created, changed, cancelled or found missing a stay, failed, or has conflicts)."""
        now = time.monotonic()
        if self.sync_every <= 0 or (self.next_sync is not None and now < self.next_sync):
            return
        self.next_sync = now + self.sync_every
        from roomsync.cli.channels import sync_lines
        from roomsync.operations.sync import sync

        result = sync(self.desk.unit_of_work, clock, self.desk.command_line)
        lines = sync_lines(result, changes_only=True)
        if not lines:
            return
        if self.desk.json:
            emit_json_line(result.as_json())
        else:
            for line in lines:
                self.log(line)

    def log(self, line: str) -> None:
        """Human log lines on stdout; with --json they go to stderr, beside the JSON Lines."""
        if self.desk.json:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
        else:
            say(line)
            sys.stdout.flush()

    def cycle(self, startup: bool) -> None:
        try:
            clock = Clock.read(self.desk.today_given)  # afresh each cycle: the date moves on
            self.sync_channels(clock)
            with self.desk.unit_of_work() as uow:
                report = ops.run_reconcile(uow, clock, fix=True)
                uow.commit(self.desk.command_line, at=clock.now)
        except RoomsyncError as error:
            if error.message != self.last_error:
                self.last_error = error.message
                if self.desk.json:
                    emit_json_line({"error": {"code": error.code, "message": error.message}})
                else:
                    self.log(f"[ERROR] {error.code}: {error.message}")
            return
        self.last_error = None
        findings = [(f.code, f.room, tuple(f.bookings)) for f in report.problems + report.warnings]
        if startup or report.fixes or findings != self.last_findings:
            if self.desk.json:
                emit_json_line(reconcile_json(report))
            else:
                for line in report_lines(report):
                    self.log(line)
        self.last_findings = findings


@desk_command(example="roomsync watch --every 5m")
def watch(ctx: typer.Context,
          every: Annotated[float, typer.Option("--every", parser=parse_interval, metavar="INTERVAL", show_default="5m",
                                               help="Interval with its unit: 30s, 5m, 1h.")] = 300.0,
          sync_every: Annotated[float, typer.Option(
              "--sync-every", parser=parse_sync_every, metavar="INTERVAL", show_default="15m",
              help="Sync the booking sites' feeds (when channels exist) within the cycles this often; 0 stops it.")]
          = 900.0) -> None:
    """Reconcile with fix now and then every interval (self-healing in the background)."""
    desk = CommandSettings.of(ctx)
    interval = every
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    watcher = Watcher(desk, sync_every)
    watcher.log("[STARTUP] Running room-booking synchronization check...")
    watcher.cycle(startup=True)
    gc.collect()  # the console script runs with the cyclic collector off: a long-lived loop collects itself
    watcher.log(f"[STARTUP] Periodic sync enabled (every {interval_words(interval)})")
    while not stop.wait(interval):
        watcher.cycle(startup=False)
        gc.collect()
    sys.stdout.flush()
