"""What every command shares: the global options, the store, and mapping errors to exits.

`@desk_command` adds `--data-dir`, `--today`, `--json` and `--lock-timeout` (with their
environment variables) after the command name, hands the command a `Desk`, and turns every
`RoomsyncError` into its one-line message (or JSON error) and exit status, in this one place.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from roomsync.cli.render import emit_json, error_line
from roomsync.errors import InternalError, RoomsyncError, UsageError
from roomsync.domain.calendar import Clock
from roomsync.storage.base import UnitOfWork
from roomsync.storage.names import is_postgres_url, without_password

app = typer.Typer(
    name="roomsync",
    help="Keep a hotel's room statuses consistent with its bookings.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_INTERVAL = re.compile(r"(\d+)\s*([smh]?)")


def parse_day(value: str) -> date:
    if isinstance(value, date):
        return value
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)")


def parse_positive(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise typer.BadParameter(f"{value!r} is not a whole number") from None
    if number <= 0:
        raise typer.BadParameter(f"{value} must be at least 1")
    return number


def parse_interval(value: str) -> float:
    match = _INTERVAL.fullmatch(value.strip().lower())
    if not match or int(match.group(1)) <= 0:
        raise typer.BadParameter(f"{value!r} is not an interval such as 30s, 5m or 1h")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def parse_timeout(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise typer.BadParameter(f"{value!r} is not a number of seconds") from None
    if seconds < 0 or seconds != seconds:
        raise typer.BadParameter(f"{value} must be zero or more seconds")
    return seconds


def parse_name(value: str) -> str:
    if value is None:
        return value
    if not value.strip():
        raise typer.BadParameter("the guest's name cannot be empty")
    return value


@dataclass
class Desk:
    """One command's settings: where the hotel is, what day it is, how to answer."""

    data_dir: Path
    today_given: date | None
    json: bool
    lock_timeout: float
    store: str | None = None
    hotel: str | None = None

    def __post_init__(self) -> None:
        if self.store is not None and not is_postgres_url(self.store):
            raise UsageError(f"--store must be a postgresql:// URL, not {self.store.split(':', 1)[0]!r} "
                             f"(leave it out to use the JSON files in --data-dir)")
        if self.hotel is not None and self.store is None:
            raise UsageError("--hotel needs a PostgreSQL --store (or ROOMSYNC_STORE)")
        if self.hotel is not None and not self.hotel.strip():
            raise UsageError("--hotel cannot be empty")

    @property
    def today(self) -> date:
        return self.today_given or date.today()

    @property
    def clock(self) -> Clock:
        return Clock.read(self.today_given)

    def unit_of_work(self, *, create: bool = False, read_only: bool = False) -> UnitOfWork:
        """The JSON store at --data-dir, or the PostgreSQL property named by --store/--hotel."""
        if self.store is not None:
            from roomsync.storage.postgres import PgUnitOfWork

            return PgUnitOfWork(self.store, self.hotel or "default", self.lock_timeout, create=create,
                                read_only=read_only)
        return self.files(create=create)

    def files(self, *, create: bool = False) -> UnitOfWork:
        from roomsync.storage.json_store import JsonUnitOfWork

        return JsonUnitOfWork(self.data_dir, self.lock_timeout, create=create)

    @property
    def where(self) -> dict[str, str]:
        """Where the hotel is, for `init`/`import`/`export --json` (never a password)."""
        if self.store is None:
            return {"data_dir": str(self.data_dir)}
        return {"store": without_password(self.store), "hotel": self.hotel or "default"}

    @property
    def command_line(self) -> list[str]:
        """The command as the audit records it, with any password removed."""
        return ["roomsync", *(redact(arg) for arg in sys.argv[1:])]


def redact(arg: str) -> str:
    for scheme in ("postgresql://", "postgres://"):
        at = arg.find(scheme)
        if at >= 0:
            return arg[:at] + without_password(arg[at:])
    return arg


_COMMON = [
    inspect.Parameter("data_dir", inspect.Parameter.KEYWORD_ONLY, default=Path("data"), annotation=Annotated[
        Path, typer.Option("--data-dir", envvar="ROOMSYNC_DATA_DIR", help="The hotel's data directory.",
                           show_default=True)]),
    inspect.Parameter("today", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
        date | None, typer.Option("--today", envvar="ROOMSYNC_TODAY", parser=parse_day, metavar="YYYY-MM-DD",
                                  help="Act as if today were this date (scripts, tests, catch-up).")]),
    inspect.Parameter("store", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
        str | None, typer.Option("--store", envvar="ROOMSYNC_STORE", metavar="URL",
                                 help="A postgresql:// URL: use that database instead of --data-dir.")]),
    inspect.Parameter("hotel", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
        str | None, typer.Option("--hotel", envvar="ROOMSYNC_HOTEL", metavar="CODE",
                                 help="The property in a PostgreSQL store (default: default).")]),
    inspect.Parameter("json_output", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout (errors included).")]),
    inspect.Parameter("lock_timeout", inspect.Parameter.KEYWORD_ONLY, default=10.0, annotation=Annotated[
        float, typer.Option("--lock-timeout", envvar="ROOMSYNC_LOCK_TIMEOUT", parser=parse_timeout,
                            metavar="SECONDS", help="How long to wait for another command's lock.")]),
]


def report_error(error: RoomsyncError, as_json: bool) -> None:
    if as_json:
        emit_json({"error": {"code": error.code, "message": error.message}})
    sys.stderr.write(error_line(error.message) + "\n")


def desk_command(name: str | None = None, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a command that takes a `Desk` first, with the global options appended."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func, eval_str=True)
        own = list(signature.parameters.values())[1:]

        def command(**kwargs: Any) -> None:
            as_json = kwargs["json_output"]
            try:
                desk = Desk(kwargs.pop("data_dir"), kwargs.pop("today"), kwargs.pop("json_output"),
                            kwargs.pop("lock_timeout"), kwargs.pop("store"), kwargs.pop("hotel"))
                code = func(desk, **kwargs)
            except RoomsyncError as error:
                report_error(error, as_json)
                raise typer.Exit(error.exit_code) from None
            except (typer.Exit, typer.Abort, KeyboardInterrupt):
                raise
            except Exception as exc:
                if os.environ.get("ROOMSYNC_DEBUG"):
                    raise
                if hasattr(exc, "exit_code") and hasattr(exc, "show"):  # an argument error
                    raise
                error = InternalError(f"internal error ({type(exc).__name__}: {exc}); please report it "
                                      f"(ROOMSYNC_DEBUG=1 shows the details; 'roomsync history' shows whether "
                                      f"a change was saved).")
                report_error(error, as_json)
                raise typer.Exit(error.exit_code) from None
            if code:
                raise typer.Exit(code)

        command.__name__ = func.__name__
        command.__doc__ = func.__doc__
        command.__signature__ = signature.replace(parameters=own + _COMMON)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in own + _COMMON}
        app.command(name, **options)(command)
        return func

    return register


def run() -> None:
    """The console script: `main()`, then leave at once.

    Output is flushed and every file and lock was closed by the command itself; what is
    skipped is freeing a large hotel's objects one by one (a tenth of a second at 100,000
    bookings), which the operating system does all at once.
    """
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or 1
    os._exit(code)


def main() -> None:
    """Entry point: run the app and turn argument errors into exit 2 (JSON too with --json)."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=sys.argv[1:], prog_name="roomsync", standalone_mode=False)
    except typer.Abort:
        sys.stderr.write("roomsync: aborted\n")
        sys.exit(1)
    except RoomsyncError as error:  # raised by a callback outside a command
        report_error(error, "--json" in sys.argv)
        sys.exit(error.exit_code)
    except Exception as exc:
        if not (hasattr(exc, "exit_code") and hasattr(exc, "show")):
            raise
        exc.show()
        if "--json" in sys.argv[1:]:
            emit_json({"error": {"code": UsageError.code, "message": exc.format_message()}})
        sys.exit(exc.exit_code)
    sys.exit(result if isinstance(result, int) else 0)
