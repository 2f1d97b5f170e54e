"""The results viewer's library side: a finished compare or sweep folder, read for the page.

``orglearn compare`` and ``orglearn sweep`` write a results folder (see ``results/README.md``):
``manifest.json``, ``report.md``, ``summary.csv``, ``figures/*.png`` and, for a sweep,
``winners.csv``. :func:`open_results` reads one into a :class:`ResultsFolder`: the verdict in
plain sentences (taken from ``report.md``, without Markdown), the main table, the figures with
captions, the full report and the manifest. :func:`find_results` lists the
folders under a root that it can open.

Reading is read-only: nothing is written into a folder and its lock (``.orglearn.lock``) is never
taken, so a folder can be viewed while a command rewrites it (every file is replaced atomically).
A folder that is not a finished compare or sweep raises :class:`ResultsError` with a one-line
message that names the folder, says what is wrong and what is expected.

This module puts a folder together; reading its files is :mod:`sim.dashboard.results_files`, its
manifest :mod:`sim.dashboard.results_manifest`, its verdict :mod:`sim.dashboard.results_verdict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sim.dashboard.results_files import Cell, ResultsError, figures, read_csv, read_text
from sim.dashboard.results_manifest import folder_description, folder_title, read_manifest
from sim.dashboard.results_verdict import compare_verdict, sweep_verdict
from sim.experiments.manifest import Manifest

__all__ = ["Cell", "Manifest", "ResultsError", "ResultsFolder", "cell_text", "find_results",
           "open_results"]

REPLACED = ".replaced-"
"""Folders moved aside by ``--force`` are named ``<name>.replaced-<UTC time>``."""


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
        manifest: ``manifest.json``, as the one typed manifest of compare and sweep.
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
        The folder's verdict, table, figures, report and manifest.

    Raises:
        ResultsError: If the folder is missing, not a folder, has no valid ``manifest.json``,
            was written by another command, holds only the stored runs of an unfinished
            command, or lacks its report or table.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    kind = manifest.command
    report = read_text(folder, "report.md", required=True)
    validation = read_text(folder, "validation.md", required=False)
    table = "winners.csv" if kind == "sweep" and (folder / "winners.csv").is_file() \
        else "summary.csv"
    header, rows = read_csv(folder, table)
    return ResultsFolder(
        path=folder,
        kind=kind,
        title=folder_title(folder, manifest, report),
        description=folder_description(manifest),
        verdict=tuple(compare_verdict(report) if kind == "compare" else sweep_verdict(
            report, validation, compared=len(manifest.strategies) != 1)),
        summary_file=table,
        summary_header=header,
        summary_rows=rows,
        figures=figures(folder),
        report_markdown=report,
        validation_markdown=validation,
        manifest=manifest,
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
