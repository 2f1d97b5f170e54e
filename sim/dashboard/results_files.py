"""Reading a results folder's files for the results viewer: text, typed CSV tables, figures.

Every failure is a :class:`ResultsError` with a one-line message naming the folder and the file,
and, for a missing report or table, how to write it. Nothing is written.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

__all__ = ["EXPECTED", "FIGURE_CAPTIONS", "Cell", "ResultsError", "figures", "one_line",
           "read_csv", "read_text", "reason"]

Cell = str | int | float | bool | None
"""A value of the summary table: text, a number, a yes/no, or ``None`` where it is empty
(no value, or NaN such as the reference's difference from itself)."""

EXPECTED = "a results folder is one written by orglearn compare or orglearn sweep"
"""The end of every message about a folder that is not a results folder."""

FIGURE_CAPTIONS = {
    "timeseries": "Weekly KPIs",
    "paired_differences": "Paired differences",
    "kpis": "Headline KPIs",
    "phase_diagram": "Phase diagram",
    "sweep_lines": "KPIs along the sweep",
    "sensitivity": "Sensitivity",
    "validation": "Published values and ours",
}
"""Captions of the figures orglearn draws, by file stem, in the order they are shown; other
figures follow in name order, captioned from their file names."""

_INTEGER = re.compile(r"^[+-]?\d+$")


class ResultsError(ValueError):
    """A folder the results viewer cannot show; the message is one line naming the folder."""


def reason(error: OSError) -> str:
    """Why a file could not be read, in a few words."""
    return error.strerror or one_line(error)


def one_line(value: object) -> str:
    """Text on one line."""
    return " ".join(str(value).split())


def _missing(folder: Path, name: str) -> ResultsError:
    """The error for a finished folder without its report or table."""
    if (folder / "runs.parquet").is_file() and (folder / "timeseries.parquet").is_file():
        fix = f"orglearn report {folder} writes it from the stored runs"
    else:
        fix = "run the same orglearn compare or orglearn sweep again to write it"
    return ResultsError(f"{folder}: no {name}; {fix}")


def read_text(folder: Path, name: str, *, required: bool) -> str | None:
    """A text file of the folder, or None when it is missing and not required."""
    path = folder / name
    if not path.is_file():
        if required:
            raise _missing(folder, name)
        return None
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise ResultsError(f"{folder}: {name} cannot be read ({reason(error)})") from None
    except UnicodeDecodeError:
        raise ResultsError(f"{folder}: {name} is not UTF-8 text; {EXPECTED}") from None


def read_csv(folder: Path, name: str) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    """Header and typed rows of a CSV file of the folder."""
    path = folder / name
    if not path.is_file():
        raise _missing(folder, name)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            lines = list(csv.reader(handle))
    except OSError as error:
        raise ResultsError(f"{folder}: {name} cannot be read ({reason(error)})") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise ResultsError(f"{folder}: {name} is not a readable CSV file "
                           f"({one_line(error)})") from None
    if not lines:
        raise ResultsError(f"{folder}: {name} is empty; expected a header line and one row per "
                           "result")
    header = tuple(lines[0])
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        if len(line) != len(header):
            raise ResultsError(f"{folder}: {name} line {number} has {len(line)} values, its "
                               f"header {len(header)}")
        rows.append(tuple(_cell(v) for v in line))
    return header, tuple(rows)


def _cell(text: str) -> Cell:
    """A CSV value as a number, a yes/no, text, or None where empty or NaN."""
    if text == "" or text.lower() in ("nan", "null"):
        return None
    if text in ("true", "false"):
        return text == "true"
    if _INTEGER.match(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return text
    return None if math.isnan(number) else number


def figures(folder: Path) -> tuple[tuple[str, Path], ...]:
    """Captions and paths of the PNGs in ``figures/``: orglearn's first, then by name."""
    figures = folder / "figures"
    try:
        files = [p for p in figures.iterdir() if p.suffix.lower() == ".png"
                 and not p.name.startswith(".") and p.is_file()] if figures.is_dir() else []
    except OSError:
        files = []
    order = list(FIGURE_CAPTIONS)
    files.sort(key=lambda p: (order.index(p.stem) if p.stem in order else len(order), p.name))
    return tuple((FIGURE_CAPTIONS.get(p.stem) or _caption(p.stem), p) for p in files)


def _caption(stem: str) -> str:
    """A caption from a file name: ``"forest_plot"`` → ``"Forest plot"``."""
    words = " ".join(stem.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else stem
