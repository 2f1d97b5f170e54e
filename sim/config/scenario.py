"""Scenario files: TOML <-> :class:`sim.engine.params.Params`, with overrides and clear errors.

A scenario file maps onto the schema one to one: each TOML table is a schema section and each
key a parameter of that section. Keys a file leaves out keep their schema defaults, so a variant
scenario lists only what makes it different. ``--set section.key=value`` overrides a value after
the file is read. Every problem is reported as one line naming the file, the key, the value and
what is allowed.

Organisation files named in a scenario (``org.chart``, ``org.collaboration``) are relative to the
scenario file's folder (given with ``--set``, to the current folder); they are read and checked
when the scenario is loaded, and ``org.employees`` and ``org.divisions`` are set from the chart.
"""

from __future__ import annotations

import os
import textwrap
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sim.engine.params import SCHEMA, Param, Params, lookup, sections
from sim.errors import ParameterError, ScenarioError

__all__ = [
    "load_scenario",
    "params_from_mapping",
    "parse_overrides",
    "to_toml",
]


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning every failure into a one-line :class:`ScenarioError`."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a directory, not a scenario file") from None
    except OSError as error:
        raise ScenarioError(f"{path}: cannot be read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{path}: not valid TOML ({error})") from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise ScenarioError(f"{path}: not valid TOML ({error})") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text file in UTF-8; a scenario is a TOML file") \
            from None
    except RecursionError:
        raise ScenarioError(f"{path}: arrays or tables nested too deeply to read; allowed: a "
                            "scenario or experiment file, whose values nest at most one level")\
            from None


def params_from_mapping(data: Mapping[str, Any], source: str,
                        base: Params | None = None) -> Params:
    """Turn ``{section: {key: value}}`` into validated :class:`Params`.

    Nested sections (``[strategy.leader_cascade]`` in TOML) may be given nested or under their
    dotted name.

    Args:
        data: Nested mapping as read from TOML.
        source: Where it came from, used in error messages.
        base: Values for keys the mapping leaves out; schema defaults when ``None``.

    Raises:
        ParameterError: On an unknown section or key, a wrong type or an out-of-range value.
    """
    return (base or Params()).replace(_flatten(data, source), source)


def _flatten(data: Mapping[str, Any], source: str, section: str = "") -> dict[str, Any]:
    """Flatten nested tables into ``{dotted key: value}``, checking every name on the way."""
    known = sections()
    flat: dict[str, Any] = {}
    for name, value in data.items():
        path = f"{section}.{name}" if section else name
        if path in known:
            if not isinstance(value, Mapping):
                raise ParameterError(source, path, value,
                                     f"allowed: a table [{path}] of parameters")
            flat.update(_flatten(value, source, path))
        elif not section:
            raise ParameterError(source, path, "(unknown section)",
                                 "allowed sections: " + ", ".join(known))
        else:
            spec = lookup(path, source, value)
            if isinstance(value, Mapping):
                raise ParameterError(source, path, value, spec.allowed())
            flat[path] = value
    return flat


def parse_overrides(items: Iterable[str], source: str = "--set") -> dict[str, Any]:
    """Parse ``section.key=value`` strings into validated values.

    Raises:
        ParameterError: If an item has no ``=``, names an unknown key or gives a bad value.
    """
    parsed: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep:
            raise ParameterError(source, key or item, item, "allowed: section.key=value")
        parsed[key] = lookup(key, source, text.strip()).parse(text.strip(), source)
    return parsed


def load_scenario(path: str | Path, overrides: Iterable[str] = (),
                  **options: Any) -> Params:
    """Load a scenario file, apply ``--set`` overrides and options such as ``seed``/``steps``.

    Args:
        path: Scenario TOML file.
        overrides: ``section.key=value`` strings.
        **options: ``seed`` and ``steps`` shortcuts for ``run.seed`` and ``run.steps``, as
            numbers or as command-line text; ``None`` values are ignored.

    Raises:
        ScenarioError: If the file cannot be read as TOML.
        ParameterError: If a key or value is not allowed.
    """
    path = Path(path)
    data = read_toml(path)
    params = params_from_mapping(data, str(path))
    files = {key: _from_here(path.parent / params[key])
             for key in ORG_FILES if params[key] and not Path(params[key]).is_absolute()}
    params = params.replace(files, str(path)) if files else params
    updates = parse_overrides(overrides)
    for name, value in options.items():
        if value is not None:
            spec, source = lookup(f"run.{name}", f"--{name}"), f"--{name}"
            parse = spec.parse if isinstance(value, str) else spec.check
            updates[spec.key] = parse(value, source)
    params = params.replace(updates, "--set") if updates else params
    if params.org.chart:  # the chart fixes the size: setting it too is a contradiction
        org_table = data.get("org", {}) if isinstance(data.get("org"), dict) else {}
        for key in SIZED_BY_CHART:
            source = ("--set" if key in updates else
                      str(path) if key.partition(".")[2] in org_table or key in data else None)
            if source:
                raise ParameterError(source, key, params[key], "allowed: not set when "
                                     f"org.chart names a chart ({params.org.chart}), which "
                                     "gives the number")
    return with_org_files(params, {key: "--set" if key in updates else str(path)
                                   for key in ORG_FILES})


ORG_FILES = ("org.chart", "org.collaboration")
"""Parameters that name organisation files."""

SIZED_BY_CHART = ("org.employees", "org.divisions")
"""Parameters taken from a chart, which a scenario with a chart must not set."""


def _from_here(path: Path) -> str:
    """``path`` relative to the current folder if it lies below it, else absolute."""
    relative = os.path.relpath(path)
    return str(path.absolute()) if relative.startswith("..") else relative


def with_org_files(params: Params, sources: Mapping[str, str]) -> Params:
    """Check the organisation files ``params`` names and take the chart's size from it.

    Args:
        params: Parameters whose file paths are final (relative to the current folder).
        sources: Where each file parameter came from, for messages.

    Raises:
        ParameterError: If a named file does not exist.
        sim.org.chart.ChartError: If a file's content is not allowed.
    """
    if not params.org.chart:
        return params
    from sim.org.chart import collaboration_settings, read_chart, read_collaboration

    for key in ORG_FILES:
        if params[key] and not _is_file(params[key]):
            raise ParameterError(sources.get(key, "scenario"), key, params[key],
                                 "allowed: an existing CSV file (paths in a scenario file are "
                                 "relative to its folder)")
    chart = read_chart(params.org.chart)
    if params.org.collaboration:
        read_collaboration(params.org.collaboration, chart,
                           **collaboration_settings(params.org))
    return params.replace({"org.employees": chart.n, "org.divisions": chart.n_divisions},
                          params.org.chart)


def _is_file(path: str) -> bool:
    """Whether ``path`` names an existing file (a name too long for the system names none)."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def _comment(p: Param) -> str:
    parts = [p.help]
    if p.unit:
        parts.append(f"Unit: {p.unit}.")
    parts.append(p.allowed().replace("allowed: ", "Allowed: ") + ".")
    if p.scaled:
        parts.append(f"Default: {p.scaled.text}; uncomment to fix it.")
    if p.source:
        parts.append(f"Source: {p.source}.")
    return " ".join(parts)


def to_toml(params: Params | None = None, *, comments: bool = True, width: int = 99) -> str:
    """Render parameters as a scenario file, every key with its help text as a comment.

    A parameter with a scaled default that ``params`` did not set is written as a comment,
    so that the file leaves it to its rule; so are the numbers an organisation chart gives
    (:data:`SIZED_BY_CHART`) when ``params`` names a chart.

    Args:
        params: Values to write; schema defaults when ``None``.
        comments: Whether to write the help comments.
        width: Wrap comments at this width.
    """
    params = params or Params()
    lines: list[str] = []
    current = None
    for p in SCHEMA:
        if p.section != current:
            lines.extend(([""] if lines else []) + [f"[{p.section}]"])
            current = p.section
        if comments:
            lines.extend(textwrap.wrap(_comment(p), width, initial_indent="# ",
                                       subsequent_indent="# "))
        # A scaled default left to its rule stays a comment, so that it keeps following the
        # organisation's size when the file is read (with another org.employees, say).
        # So does a number the organisation chart gives (a chart's file sets them).
        follows = ((p.scaled and p.key not in params.explicit)
                   or (bool(params.org.chart) and p.key in SIZED_BY_CHART))
        lines.append(f"{'# ' if follows else ''}{p.name} = {_toml_value(params[p.key])}")
    return "\n".join(lines) + "\n"
