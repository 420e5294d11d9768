"""What every command shares: the global options, the `CommandSettings` built from them, and the one
place where a `RoomsyncError` becomes its one-line message (or JSON error) and exit status.

The global options are accepted before the command name (on the root group, with their
environment variables) and after it (on each command); a value given after the name wins.
Commands register with `@desk_command` into `REGISTERED`; `cli/app.py` builds only the one
that is run.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandInfo

from roomsync.cli.options import parse_day
from roomsync.cli.params import direct
from roomsync.cli.render import emit_json, error_line
from roomsync.domain.calendar import Clock
from roomsync.errors import InternalError, RoomsyncError, UsageError
from roomsync.storage.base import UnitOfWork
from roomsync.storage.names import is_postgres_url, without_password

GLOBAL_OPTIONS = ("data_dir", "today", "store", "hotel", "json_output", "lock_timeout")
MAX_LOCK_TIMEOUT = 86_400.0

F = TypeVar("F", bound=Callable[..., Any])
REGISTERED: dict[str, CommandInfo] = {}
"""Commands by name, filled as their module is imported (see `cli/app.py`)."""


DataDir = Annotated[Path | None, typer.Option(
    "--data-dir", envvar="ROOMSYNC_DATA_DIR", metavar="DIR", help="The hotel's data directory [default: data].")]
Today = Annotated[date | None, typer.Option(
    "--today", envvar="ROOMSYNC_TODAY", parser=parse_day, metavar="YYYY-MM-DD",
    help="Act as if today were this date (scripts, tests, catch-up).")]
Store = Annotated[str | None, typer.Option(
    "--store", envvar="ROOMSYNC_STORE", metavar="URL",
    help="A postgresql:// URL: use that database instead of --data-dir.")]
Hotel = Annotated[str | None, typer.Option(
    "--hotel", envvar="ROOMSYNC_HOTEL", metavar="CODE", help="The property in a PostgreSQL store [default: default].")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout (errors included).")]
LockTimeout = Annotated[float | None, typer.Option(
    "--lock-timeout", envvar="ROOMSYNC_LOCK_TIMEOUT", min=0.0, max=MAX_LOCK_TIMEOUT, metavar="SECONDS",
    help="How long to wait for another command's lock [default: 10].")]
"""The global options as the root group takes them (before the command name, or from the environment)."""


def command_options(
    data_dir: Annotated[Path | None, typer.Option("--data-dir", metavar="DIR", help="The hotel's data directory.")]
    = None,
    today: Annotated[date | None, typer.Option("--today", parser=parse_day, metavar="YYYY-MM-DD",
                                               help="Act as if today were this date.")] = None,
    store: Annotated[str | None, typer.Option("--store", metavar="URL", help="A postgresql:// URL.")] = None,
    hotel: Annotated[str | None, typer.Option("--hotel", metavar="CODE", help="The property in --store.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    lock_timeout: Annotated[float | None, typer.Option("--lock-timeout", min=0.0, max=MAX_LOCK_TIMEOUT,
                                                       metavar="SECONDS", help="How long to wait for the lock.")]
    = None,
) -> None:
    """The same options after the command name (environment variables are read by the root)."""


@cache
def shared_params() -> list[Any]:
    """Click parameters of the options every command accepts after its name, built once."""
    built = typer.main.get_command_from_info(CommandInfo(callback=command_options),
                                             pretty_exceptions_short=True, rich_markup_mode=None)
    return list(built.params)


@dataclass
class CommandSettings:
    """One command's settings: where the hotel is, what day it is, how to answer."""

    data_dir: Path
    today_given: date | None
    json: bool
    lock_timeout: float
    store: str | None = None
    hotel: str | None = None
    command_line: list[str] = field(default_factory=lambda: ["roomsync"])
    """The command as the audit records it, passwords removed; built once by the entry point."""

    def __post_init__(self) -> None:
        if not math.isfinite(self.lock_timeout):
            raise UsageError(f"--lock-timeout {self.lock_timeout} is not a number of seconds")
        if self.store is not None and not is_postgres_url(self.store):
            raise UsageError(f"--store must be a postgresql:// URL, not {self.store.split(':', 1)[0]!r} "
                             f"(leave it out to use the JSON files in --data-dir)")
        if self.hotel is not None and self.store is None:
            raise UsageError("--hotel needs a PostgreSQL --store (or ROOMSYNC_STORE)")
        if self.hotel is not None and not self.hotel.strip():
            raise UsageError("--hotel cannot be empty")

    @classmethod
    def of(cls, ctx: typer.Context) -> CommandSettings:
        """The settings of this run: options after the command name win over those before it."""
        root = ctx.find_root()
        given: dict[str, Any] = ctx.meta.get("roomsync.options", {})

        def pick(name: str, default: Any) -> Any:
            value = given.get(name)
            if value is None:
                value = root.params.get(name)
            return default if value is None else value

        command_line = root.obj if isinstance(root.obj, list) else ["roomsync", *ctx.command_path.split()[1:]]
        return cls(Path(pick("data_dir", Path("data"))), pick("today", None),
                   bool(given.get("json_output") or root.params.get("json_output")),
                   float(pick("lock_timeout", 10.0)), pick("store", None), pick("hotel", None),
                   list(command_line))

    @property
    def today(self) -> date:
        return self.today_given or date.today()

    @cached_property
    def clock(self) -> Clock:
        """One clock per command: the rules' today, the records' stamps and the audit's time.
        (`watch` reads a fresh one each cycle.)"""
        return Clock.read(self.today_given)

    def unit_of_work(self, *, create: bool = False, read_only: bool = False,
                     channels_only: bool = False) -> UnitOfWork:
        """The JSON store at --data-dir, or the PostgreSQL property named by --store/--hotel.
        `channels_only`: read-only, for channels and the fetch cache alone (PostgreSQL reads
        only what is asked anyway; the JSON store then skips loading the hotel)."""
        if self.store is not None:
            from roomsync.storage.postgres import PgUnitOfWork

            return PgUnitOfWork(self.store, self.hotel or "default", self.lock_timeout, create=create,
                                read_only=read_only or channels_only)
        return self.files(create=create, read_only=read_only, channels_only=channels_only)

    def files(self, *, create: bool = False, read_only: bool = False, channels_only: bool = False) -> UnitOfWork:
        from roomsync.storage.json_store import JsonUnitOfWork

        return JsonUnitOfWork(self.data_dir, self.lock_timeout, create=create, read_only=read_only,
                              command=self.command_line, on_wait=self._say_waiting, channels_only=channels_only)

    def _say_waiting(self, holder: str) -> None:
        """Waiting for the lock is said on a terminal (after a second), naming who holds it."""
        try:
            if sys.stderr.isatty():
                sys.stderr.write(f"roomsync: waiting for the lock on {self.data_dir}, held by {holder}; "
                                 f"giving up after {self.lock_timeout:g} s (--lock-timeout)\n")
                sys.stderr.flush()
        except (OSError, ValueError):
            pass

    @property
    def where(self) -> dict[str, str]:
        """Where the hotel is, for `init`/`import`/`export --json` (never a password)."""
        if self.store is None:
            return {"data_dir": str(self.data_dir)}
        return {"store": without_password(self.store), "hotel": self.hotel or "default"}


def redact(arg: str) -> str:
    """An argument as the audit keeps it: a database URL loses its password, a booking site's
    feed URL its user, password and query (the listing's secret)."""
    for scheme in ("postgresql://", "postgres://"):
        at = arg.find(scheme)
        if at >= 0:
            return arg[:at] + without_password(arg[at:])
    if "://" in arg:
        from roomsync.channels.urls import redacted

        return redacted(arg)
    return arg


def wants_json(ctx: typer.Context) -> bool:
    given = ctx.meta.get("roomsync.options", {})
    return bool(given.get("json_output") or ctx.find_root().params.get("json_output"))


def error_document(error: RoomsyncError) -> dict[str, Any]:
    """The `{"error": ...}` document of `--json` (and of a refused `batch` line)."""
    return {"error": {"code": error.code, "message": error.message}}


def report_error(error: RoomsyncError, as_json: bool) -> None:
    if as_json:
        emit_json(error_document(error))
    sys.stderr.write(error_line(error.message) + "\n")


class PipeClosed(Exception):
    """The reader of stdout went away (`roomsync bookings | head`); not an OSError, so that
    Click's own handling (exit 1, which means "refused" here) does not apply."""


class DeskCommand(TyperCommand):
    """A roomsync command: takes the shared options, maps every error to its exit status."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        ctx.meta["roomsync.options"] = {name: ctx.params.pop(name, None) for name in GLOBAL_OPTIONS}
        try:
            code = super().invoke(ctx)
        except RoomsyncError as error:
            report_error(error, wants_json(ctx))
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:
            raise PipeClosed() from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("ROOMSYNC_DEBUG"):
                raise
            if hasattr(exc, "exit_code") and hasattr(exc, "show"):  # Click's usage errors
                raise
            bug = InternalError(f"internal error ({type(exc).__name__}: {exc}); please report it "
                                f"(ROOMSYNC_DEBUG=1 shows the details; 'roomsync history' shows whether "
                                f"a change was saved).")
            report_error(bug, wants_json(ctx))
            raise typer.Exit(bug.exit_code) from None
        if code:
            raise typer.Exit(code)
        return None


def desk_command(name: str | None = None, *, example: str, group: str | None = None,
                 **options: Any) -> Callable[[F], F]:
    """Register a command (its first parameter is the `typer.Context`), with a usage example.

    `group="room"` makes it a subcommand: `roomsync room add`.
    """

    def register(func: F) -> F:
        command_name = name or func.__name__.replace("_", "-")
        key = f"{group} {command_name}" if group else command_name
        REGISTERED[key] = CommandInfo(name=command_name, callback=func, cls=DeskCommand,
                                      epilog=f"\b\nExample:\n  {example}", **options)
        return func

    return register


def build_command(name: str) -> Any:
    """The Click command for one registered command (or group of subcommands), with the
    shared options appended to each command."""
    info = REGISTERED.get(name)
    if info is None:
        prefix = f"{name} "
        commands = {key[len(prefix):]: build_command(key) for key in REGISTERED if key.startswith(prefix)}
        return TyperGroup(name=name, commands=commands, no_args_is_help=True, rich_markup_mode=None,
                          help=GROUP_HELP.get(name), epilog=f"Example: roomsync {name} --help")
    command = typer.main.get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=None)
    command.params.extend(shared_params())
    return direct(command)


GROUP_HELP = {"room": "Add or remove a room.", "channel": "Add, list or remove a booking site's feed."}
