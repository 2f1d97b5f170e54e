"""A results folder's ``manifest.json``, checked to be a compare's or a sweep's.

:func:`read_manifest` checks the folder (a folder that holds only the stored runs of an
unfinished command says so) and reads its manifest as the one typed
:class:`~sim.experiments.manifest.Manifest` that ``orglearn compare`` and ``orglearn sweep``
write; what cannot be read becomes a one-line :class:`ResultsError`. :func:`folder_title` and
:func:`folder_description` name what was run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.dashboard.results_files import EXPECTED, ResultsError, one_line, reason
from sim.experiments.folders import MANIFEST, STORE_HEADER, ResultsFolderError, folder_owner
from sim.experiments.manifest import Manifest, ManifestError

__all__ = ["KINDS", "Manifest", "folder_description", "folder_title", "read_manifest"]

KINDS = ("compare", "sweep")
"""The commands whose folders the results viewer shows."""


def read_manifest(folder: Path) -> Manifest:
    """The folder's manifest, checked to be a compare's or a sweep's.

    Raises:
        ResultsError: If the folder or its manifest is missing, unreadable, of another schema
            version or written by another command.
    """
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
    try:
        return Manifest.from_json(data, f"{folder}: {MANIFEST}")
    except ManifestError as error:
        raise ResultsError(one_line(error)) from None


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


def _text(value: Any) -> str | None:
    """A non-empty string, or None."""
    return value if isinstance(value, str) and value else None


def folder_title(folder: Path, manifest: Manifest, report: str) -> str:
    """The scenario's (compare) or experiment's (sweep) name, else the report's or folder's."""
    name = _text(manifest.scenario.get("name") if manifest.command == "compare"
                 else manifest.name)
    if name:
        return name
    first = report.lstrip().splitlines()[0] if report.strip() else ""
    if first.startswith("# ") and ": " in first:
        return first.split(": ", 1)[1].strip()
    return folder.name


def folder_description(manifest: Manifest) -> str:
    """The scenario's or experiment's description."""
    return _text(manifest.description) or ""
