"""Command-line values converted without a pydantic adapter each.

Typer (0.29) converts every given parameter through a pydantic TypeAdapter it builds on first
use; the first one imports pydantic's validator machinery (~60 ms) and each costs a few
milliseconds more: together about half of a small command's start-up. roomsync's parameters
are plain strings, paths, numbers and values with their own parser, which need none of it:
`direct` gives each parameter a converter doing what the adapter would do for these, and
hands every other value (an enum's choices, a number out of range, text that is no number) to
Typer's own adapter, so what is accepted and every error message stay Typer's.

This reaches into Typer 0.29's internals (`typer._coercion`, the `_runtime_param` slot of a
parameter, `typer._param_types.coerce_cli_path`); a parameter without that slot is left to
Typer. A Typer release that moves them must be followed here (the CLI tests import it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_path


class Direct(RuntimeParam):
    """A parameter's conversion: the parser, the string, the path or the number as given.
    (Typer's frozen dataclass fields and constructor, inherited: no dataclass of its own to
    define at start-up.)"""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        info, annotation = self.parameter_info, self.annotation
        if info.parser is not None:
            return info.parser(value)  # roomsync's parsers raise typer.BadParameter themselves
        if isinstance(value, str):
            if annotation is str:
                return value
            if annotation is Path and info.path_type is None:
                return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
            if annotation in (int, float) and not info.clamp:
                number = _number(annotation, value)
                if number is not None and (info.min is None or number >= info.min) and (
                        info.max is None or number <= info.max):
                    return number
        return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)


def _number(kind: type[int | float], text: str) -> int | float | None:
    """Plain decimal text only (Python also reads `1_000`, ` 5` and `inf`; Typer may not)."""
    plain = text.removeprefix("-")
    if not plain.isascii() or not plain.replace(".", "", 1 if kind is float else 0).isdigit():
        return None
    return kind(text)


def direct(command: Any) -> Any:
    """Give each parameter of a Click command built by Typer the direct conversion, the
    `--help` option included (Click makes that one when a command line is parsed)."""
    for param in getattr(command, "params", []):
        _give(param)
    made = command.get_help_option

    def help_option(ctx: Any) -> Any:
        return _give(made(ctx))

    command.get_help_option = help_option
    return command


def _give(param: Any) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None and descriptor.file_annotation is None and getattr(param, "_runtime_param", 0) is None:
        param._runtime_param = Direct(annotation=descriptor.annotation, parameter_info=descriptor.parameter_info)
    return param
