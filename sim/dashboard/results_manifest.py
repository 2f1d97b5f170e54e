"""A results folder's ``manifest.json``, checked to be a compare's or a sweep's, and its essentials.

:func:`read_manifest` reads and checks it (a folder that holds only the stored runs of an
unfinished command says so); :func:`essentials` picks what the page shows, tolerating missing or
oddly typed keys; :func:`folder_title` and :func:`folder_description` name what was run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.dashboard.results_files import EXPECTED, ResultsError, one_line, reason
from sim.experiments.folders import MANIFEST, STORE_HEADER, ResultsFolderError, folder_owner

__all__ = ["KINDS", "Manifest", "dig", "essentials", "folder_description", "folder_title",
           "read_manifest"]

KINDS = ("compare", "sweep")
"""The commands whose folders the results viewer shows."""


def dig(data: Any, *keys: str) -> Any:
    """``data[k1][k2]...``, or None where a key or level is missing."""
    for key in keys:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data


@dataclass(frozen=True)
class Manifest:
    """What was run, from ``manifest.json``; a field is ``None`` where the manifest is silent.

    Attributes:
        command: ``compare`` or ``sweep``.
        created_utc: When the results were written (ISO 8601, UTC).
        scenario: Name of the scenario the runs start from.
        source: The scenario file (compare) or experiment file (sweep).
        strategies: Strategies compared, in report order.
        reference: Strategy the others are compared with in ``summary.csv``.
        replications: Replications per strategy (and context, for a sweep).
        runs: Runs in all.
        contexts: Contexts (points of the sweep's design; 1 for a compare).
        design: The sweep's design (``grid``, ``lhs``, ``sobol``, ``morris``); ``None`` for a
            compare.
        root_seed: The root seed every run's seed is derived from.
        steps: Weeks simulated per run.
        git_commit: Commit of the code that wrote the results.
        wall_s: Wall time of the command, in seconds.
    """

    command: str
    created_utc: str | None
    scenario: str | None
    source: str | None
    strategies: tuple[str, ...]
    reference: str | None
    replications: int | None
    runs: int | None
    contexts: int | None
    design: str | None
    root_seed: int | None
    steps: int | None
    git_commit: str | None
    wall_s: float | None


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's manifest, checked to be a compare's or a sweep's."""
    if not folder.exists():
        raise ResultsError(f"{folder}: no such folder; {EXPECTED}")
    if not folder.is_dir():
        raise ResultsError(f"{folder}: is a file, not a folder; {EXPECTED}")
    path = folder / MANIFEST
    if not path.exists():
        raise ResultsError(f"{folder}: {_without_manifest(folder)}")
    if not path.is_file():
        raise ResultsError(f"{folder}: {MANIFEST} is not a file; {EXPECTED}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ResultsError(f"{folder}: {MANIFEST} cannot be read ({reason(error)}); "
                           f"{EXPECTED}") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise ResultsError(f"{folder}: {MANIFEST} is not valid JSON ({one_line(error)}); "
                           f"{EXPECTED}") from None
    if not isinstance(data, dict):
        raise ResultsError(f"{folder}: {MANIFEST} holds a JSON {type(data).__name__}, not an "
                           f"object; {EXPECTED}")
    command = data.get("command")
    if command not in KINDS:
        what = (f"was written by orglearn {command} (not a comparison of strategies)"
                if command == "run" else f"has command = {one_line(repr(command))}")
        raise ResultsError(f"{folder}: {MANIFEST} {what}; the results viewer shows folders "
                           "written by orglearn compare or orglearn sweep")
    return data


def _without_manifest(folder: Path) -> str:
    """Why a folder without a manifest cannot be shown: an unfinished command, or none."""
    try:
        owner = folder_owner(folder)
    except (ResultsFolderError, OSError):
        owner = None
    if owner is not None and owner.interrupted:
        return (f"holds only the stored runs of an unfinished {owner.label} ({STORE_HEADER.parent}/"
                ", still running or interrupted) and no final tables yet; its results appear "
                "here when it finishes (an interrupted one continues with the same command "
                "and --resume)")
    return f"no {MANIFEST}; {EXPECTED}"


def _int(value: Any) -> int | None:
    """An integer, or None for anything else (booleans included)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    """A non-empty string, or None."""
    return value if isinstance(value, str) and value else None


def essentials(data: dict[str, Any]) -> Manifest:
    """The manifest's essentials, tolerating missing or oddly typed keys."""
    strategies = tuple(str(s) for s in data.get("strategies") or () if isinstance(s, str)) \
        if isinstance(data.get("strategies"), list) else ()
    replications = _int(data.get("replications"))
    contexts = data.get("contexts")
    n_contexts = (len(contexts) if isinstance(contexts, list)
                  else 1 if data["command"] == "compare" else None)
    runs = _int(data.get("runs"))
    if runs is None and replications is not None and strategies and n_contexts:
        runs = replications * len(strategies) * n_contexts
    wall = dig(data, "timings_s", "wall")
    return Manifest(
        command=data["command"],
        created_utc=_str(dig(data, "provenance", "created_utc")),
        scenario=_str(dig(data, "scenario", "name")),
        source=_str(dig(data, "experiment_file", "file")) or _str(dig(data, "scenario", "file")),
        strategies=strategies,
        reference=_str(data.get("reference")),
        replications=replications,
        runs=runs,
        contexts=n_contexts,
        design=_str(data.get("design")),
        root_seed=_int(data.get("root_seed")),
        steps=_int(data.get("steps")),
        git_commit=_str(dig(data, "provenance", "git_commit")),
        wall_s=float(wall) if isinstance(wall, int | float) and not isinstance(wall, bool)
        else None,
    )


def folder_title(folder: Path, kind: str, data: dict[str, Any], report: str) -> str:
    """The scenario's (compare) or experiment's (sweep) name, else the report's or folder's."""
    name = _str(dig(data, "scenario", "name")) if kind == "compare" else _str(data.get("name"))
    if name:
        return name
    first = report.lstrip().splitlines()[0] if report.strip() else ""
    if first.startswith("# ") and ": " in first:
        return first.split(": ", 1)[1].strip()
    return folder.name


def folder_description(kind: str, data: dict[str, Any]) -> str:
    """The scenario's or experiment's description."""
    text = (dig(data, "parameters", "scenario", "description") if kind == "compare"
            else data.get("description"))
    return text if isinstance(text, str) else ""
