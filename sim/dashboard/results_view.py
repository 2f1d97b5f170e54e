"""The results viewer's library side: a finished compare or sweep folder, read for the page.

``orglearn compare`` and ``orglearn sweep`` write a results folder (see ``results/README.md``):
``manifest.json``, ``report.md``, ``summary.csv``, ``figures/*.png`` and, for a sweep,
``winners.csv``. :func:`open_results` reads one into a :class:`ResultsFolder`: the verdict in
plain sentences (taken from ``report.md``, without Markdown), the main table, the figures with
captions, the full report and the essentials of the manifest. :func:`find_results` lists the
folders under a root that it can open.

Reading is read-only: nothing is written into a folder and its lock (``.orglearn.lock``) is never
taken, so a folder can be viewed while a command rewrites it (every file is replaced atomically).
A folder that is not a finished compare or sweep raises :class:`ResultsError` with a one-line
message that names the folder, says what is wrong and what is expected.
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sim.experiments.folders import MANIFEST, STORE_HEADER, ResultsFolderError, folder_owner
from sim.report.text import dig

__all__ = ["Cell", "Manifest", "ResultsError", "ResultsFolder", "cell_text", "find_results",
           "open_results"]

Cell = str | int | float | bool | None
"""A value of the summary table: text, a number, a yes/no, or ``None`` where it is empty
(no value, or NaN such as the reference's difference from itself)."""

KINDS = ("compare", "sweep")
EXPECTED = "a results folder is one written by orglearn compare or orglearn sweep"
REPLACED = ".replaced-"
"""Folders moved aside by ``--force`` are named ``<name>.replaced-<UTC time>``."""

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

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z*`])")
_BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*:\s*")
_INTEGER = re.compile(r"^[+-]?\d+$")


class ResultsError(ValueError):
    """A folder the results viewer cannot show; the message is one line naming the folder."""


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


@dataclass(frozen=True)
class ResultsFolder:
    """A finished compare or sweep, read for display.

    Attributes:
        path: The folder, as given.
        kind: ``"compare"`` or ``"sweep"``.
        title: The scenario's name (compare) or the experiment's name (sweep).
        description: The scenario's or experiment's one-line description (``""`` if none).
        verdict: Plain-language sentences (no Markdown): for a compare, the verdict on each
            headline KPI and the "start small or start wide?" summary; for a sweep, per KPI
            where each strategy wins clearly, what drives the verdict (Sobol' and Morris
            designs) and the validation result (validation experiments). Empty if the report
            has none of these parts.
        summary_file: The file the table comes from: ``summary.csv`` (compare) or, for a
            sweep, ``winners.csv`` (the winner of each KPI in each context, with its paired
            margin; ``summary.csv`` when there is no ``winners.csv``).
        summary_header: Column names of that file.
        summary_rows: Its rows, one :data:`Cell` per column (see :func:`cell_text`).
        figures: ``(caption, path)`` of each PNG in ``figures/``, in display order.
        report_markdown: The full text of ``report.md``; its images are linked relative to the
            folder (``figures/<name>.png``).
        validation_markdown: The text of ``validation.md`` (validation experiments), else
            ``None``.
        manifest: The essentials of ``manifest.json``.
    """

    path: Path
    kind: Literal["compare", "sweep"]
    title: str
    description: str
    verdict: tuple[str, ...]
    summary_file: str
    summary_header: tuple[str, ...]
    summary_rows: tuple[tuple[Cell, ...], ...]
    figures: tuple[tuple[str, Path], ...]
    report_markdown: str
    validation_markdown: str | None
    manifest: Manifest


# ----------------------------------------------------------------------------- opening


def open_results(folder: Path) -> ResultsFolder:
    """Read a finished compare or sweep folder.

    Args:
        folder: The results folder (``results/default``, say).

    Returns:
        The folder's verdict, table, figures, report and manifest essentials.

    Raises:
        ResultsError: If the folder is missing, not a folder, has no valid ``manifest.json``,
            was written by another command, holds only the stored runs of an unfinished
            command, or lacks its report or table.
    """
    folder = Path(folder)
    manifest = _manifest(folder)
    kind = manifest["command"]
    report = _text(folder, "report.md", required=True)
    validation = _text(folder, "validation.md", required=False)
    table = "winners.csv" if kind == "sweep" and (folder / "winners.csv").is_file() \
        else "summary.csv"
    header, rows = _csv(folder, table)
    essentials = _essentials(manifest)
    return ResultsFolder(
        path=folder,
        kind=kind,
        title=_title(folder, kind, manifest, report),
        description=_description(kind, manifest),
        verdict=tuple(_compare_verdict(report) if kind == "compare" else _sweep_verdict(
            report, validation, compared=len(essentials.strategies) != 1)),
        summary_file=table,
        summary_header=header,
        summary_rows=rows,
        figures=_figures(folder),
        report_markdown=report,
        validation_markdown=validation,
        manifest=essentials,
    )


def find_results(root: Path = Path("results"), *, depth: int = 3) -> list[Path]:
    """Every folder under ``root`` that :func:`open_results` accepts, sorted.

    Folders moved aside by ``--force`` (``*.replaced-*``) and hidden folders are left out, and
    the search does not descend into a results folder (its ``figures/`` and ``store/`` are
    parts of it).

    Args:
        root: Where to look; ``root`` itself counts. A missing root gives ``[]``.
        depth: How many levels below ``root`` to look (``results/validation/NAME`` is 2).

    Returns:
        The folders' paths (``root`` joined with their relative path), sorted.
    """
    found: list[Path] = []

    def visit(folder: Path, level: int) -> None:
        if REPLACED in folder.name or (level and folder.name.startswith(".")):
            return
        try:
            open_results(folder)
        except ResultsError:
            pass
        else:
            found.append(folder)
            return
        if level >= depth:
            return
        try:
            children = sorted(p for p in folder.iterdir() if p.is_dir())
        except OSError:
            return
        for child in children:
            visit(child, level + 1)

    root = Path(root)
    if root.is_dir():
        visit(root, 0)
    return sorted(found)


def cell_text(value: Cell) -> str:
    """A table cell as text: floats to 4 significant digits, ``—`` where empty.

    Args:
        value: A value of :attr:`ResultsFolder.summary_rows`.

    Returns:
        ``"0.7885"``, ``"20"``, ``"yes"``, ``"org_wide_first"`` or ``"—"``.
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


# ----------------------------------------------------------------------------- the manifest


def _manifest(folder: Path) -> dict[str, Any]:
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
        raise ResultsError(f"{folder}: {MANIFEST} cannot be read ({_reason(error)}); "
                           f"{EXPECTED}") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise ResultsError(f"{folder}: {MANIFEST} is not valid JSON ({_one_line(error)}); "
                           f"{EXPECTED}") from None
    if not isinstance(data, dict):
        raise ResultsError(f"{folder}: {MANIFEST} holds a JSON {type(data).__name__}, not an "
                           f"object; {EXPECTED}")
    command = data.get("command")
    if command not in KINDS:
        what = (f"was written by orglearn {command} (not a comparison of strategies)"
                if command == "run" else f"has command = {_one_line(repr(command))}")
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


def _essentials(data: dict[str, Any]) -> Manifest:
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
        created_utc=_str(data.get("created_utc")),
        scenario=_str(dig(data, "scenario", "name")),
        source=_str(dig(data, "experiment", "file")) or _str(dig(data, "scenario", "file")),
        strategies=strategies,
        reference=_str(data.get("reference")),
        replications=replications,
        runs=runs,
        contexts=n_contexts,
        design=_str(data.get("design")),
        root_seed=_int(data.get("root_seed")),
        steps=_int(data.get("steps")),
        git_commit=_str(data.get("git_commit")),
        wall_s=float(wall) if isinstance(wall, int | float) and not isinstance(wall, bool)
        else None,
    )


def _title(folder: Path, kind: str, data: dict[str, Any], report: str) -> str:
    """The scenario's (compare) or experiment's (sweep) name, else the report's or folder's."""
    name = _str(dig(data, "scenario", "name")) if kind == "compare" else _str(data.get("name"))
    if name:
        return name
    first = report.lstrip().splitlines()[0] if report.strip() else ""
    if first.startswith("# ") and ": " in first:
        return first.split(": ", 1)[1].strip()
    return folder.name


def _description(kind: str, data: dict[str, Any]) -> str:
    """The scenario's or experiment's description."""
    text = (dig(data, "parameters", "scenario", "description") if kind == "compare"
            else data.get("description"))
    return text if isinstance(text, str) else ""


# ----------------------------------------------------------------------------- files


def _reason(error: OSError) -> str:
    """Why a file could not be read, in a few words."""
    return error.strerror or _one_line(error)


def _one_line(value: object) -> str:
    """Text on one line."""
    return " ".join(str(value).split())


def _missing(folder: Path, name: str) -> ResultsError:
    """The error for a finished folder without its report or table."""
    if (folder / "runs.parquet").is_file() and (folder / "timeseries.parquet").is_file():
        fix = f"orglearn report {folder} writes it from the stored runs"
    else:
        fix = "run the same orglearn compare or orglearn sweep again to write it"
    return ResultsError(f"{folder}: no {name}; {fix}")


def _text(folder: Path, name: str, *, required: bool) -> str | None:
    """A text file of the folder, or None when it is missing and not required."""
    path = folder / name
    if not path.is_file():
        if required:
            raise _missing(folder, name)
        return None
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise ResultsError(f"{folder}: {name} cannot be read ({_reason(error)})") from None
    except UnicodeDecodeError:
        raise ResultsError(f"{folder}: {name} is not UTF-8 text; {EXPECTED}") from None


def _csv(folder: Path, name: str) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    """Header and typed rows of a CSV file of the folder."""
    path = folder / name
    if not path.is_file():
        raise _missing(folder, name)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            lines = list(csv.reader(handle))
    except OSError as error:
        raise ResultsError(f"{folder}: {name} cannot be read ({_reason(error)})") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise ResultsError(f"{folder}: {name} is not a readable CSV file "
                           f"({_one_line(error)})") from None
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


def _figures(folder: Path) -> tuple[tuple[str, Path], ...]:
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


# ----------------------------------------------------------------------------- the verdict


def _sections(text: str, level: int) -> list[tuple[str, str]]:
    """``(heading, body)`` of each Markdown section of ``level`` (2 for ``##``), in order."""
    mark = "#" * level + " "
    out: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith(mark):
            out.append((line[len(mark):].strip(), []))
        elif out:
            out[-1][1].append(line)
    return [(heading, "\n".join(body).strip()) for heading, body in out]


def _section(text: str, heading: str) -> str:
    """The body of the first ``##`` section called ``heading``, or ``""``."""
    return next((body for h, body in _sections(text, 2) if h == heading), "")


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of Markdown text that are neither tables nor headings nor images."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and not any(line.startswith(("|", "#", "![")) for line in lines):
            out.append(" ".join(lines))
    return out


def _plain(text: str) -> str:
    """Markdown inline text as plain text: no emphasis, code marks, links or images."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "").replace("`", "")
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return " ".join(text.split())


def _compare_verdict(report: str) -> list[str]:
    """The verdict per headline KPI, then the "start small or start wide?" summary."""
    sentences = [_plain(s) for p in _paragraphs(_section(report, "Verdict"))
                 for s in _SENTENCE.split(p)]
    sentences += [_plain(p) for p in _paragraphs(_section(report, "Start small or start wide?"))]
    return [s for s in sentences if s]


def _sweep_verdict(report: str, validation: str | None, *, compared: bool) -> list[str]:
    """Per KPI where each strategy wins clearly, what drives it, and the validation result.

    With a single strategy (``compared`` false) nothing can win, so the sentences on where
    each strategy wins are left out.
    """
    sentences = []
    wins = _sections(_section(report, "Where each strategy wins"), 3) if compared else []
    for heading, body in wins:
        paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
        last = _paragraphs(paragraphs[-1]) if paragraphs else []
        if last:
            sentences.append(f"{_plain(heading)} — {_plain(last[0])}")
    for paragraph in _paragraphs(_section(report, "What drives the verdict")):
        if _BOLD_LEAD.match(paragraph):
            sentences.append(_plain(_BOLD_LEAD.sub(r"\1 — ", paragraph, count=1)))
    if validation:
        sentences.append(_validation_sentence(validation))
    return [s for s in sentences if s]


def _validation_sentence(validation: str) -> str:
    """How many of the published claims in ``validation.md`` the runs reproduce."""
    results = []
    for line in validation.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and cells and _plain(cells[-1]) in ("pass", "fail"):
            results.append(_plain(cells[-1]))
    if not results:
        return ""
    passed, n = results.count("pass"), len(results)
    if passed == n:
        held = f"all {n} published claims hold" if n > 1 else "the published claim holds"
        return f"Validation against published results: {held} within tolerance."
    failed = n - passed
    return (f"Validation against published results: {passed} of {n} published claims hold "
            f"within tolerance; {failed} fail{'s' if failed == 1 else ''}.")
