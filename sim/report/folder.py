"""The report of a results folder, written from its runs and manifest.

One entry point for ``orglearn compare``, ``orglearn sweep`` and ``orglearn report``: every
folder gets ``summary.csv`` (per context, KPI and strategy, with the paired comparison to the
reference); a folder of one context (a strategy comparison) gets the comparison report and its
figures (:mod:`sim.report.text`, :mod:`sim.report.figures`), a folder of many contexts the
sweep report (:mod:`sim.report.sweep`).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from sim.experiments.manifest import Manifest
from sim.experiments.results import atomic_write
from sim.report import figures
from sim.report.caveats import caveats
from sim.report.html import write_html
from sim.report.summary import summarise, verdicts, write_summary_csv
from sim.report.sweep import write_sweep_report
from sim.report.text import render_report

__all__ = ["REPORT_FILES", "write_report"]

REPORT_FILES = ("summary.csv", "report.md", "report.html", "winners.csv", "sensitivity.csv",
                "robustness.csv", "figures/timeseries.png", "figures/paired_differences.png",
                "figures/kpis.png", "figures/phase_diagram.png", "figures/sweep_lines.png",
                "figures/sensitivity.png", "figures/tornado.png")
"""Every file a report may write; those this report does not write are removed, so that a
folder never mixes the report of one shape with figures left from another."""


def write_report(runs: pa.Table, timeseries: pa.Table, manifest: Manifest,
                 out_dir: Path) -> dict[str, Path]:
    """Write ``summary.csv``, the figures and ``report.md`` of a results folder.

    Args:
        runs: One row per run.
        timeseries: One row per run and week.
        manifest: The folder's manifest (its reference, contrast, KPIs and design).
        out_dir: The results folder.

    Returns:
        Paths by name: ``summary``, one per figure, ``report``, ``html``, and for many contexts
        ``winners`` and, for Sobol' and Morris designs, ``sensitivity``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = _write(runs, timeseries, manifest, out_dir)
    paths["html"] = write_html(out_dir, manifest)  # the report in one file, figures inside
    written = {p.resolve() for p in paths.values()}
    for name in REPORT_FILES:
        stale = out_dir / name
        if stale.is_file() and stale.resolve() not in written:
            stale.unlink()
    return paths


def _write(runs: pa.Table, timeseries: pa.Table, manifest: Manifest,
           out_dir: Path) -> dict[str, Path]:
    """The report of one context (a comparison) or of many (a sweep)."""
    summary = summarise(runs, manifest.reference)
    paths = {"summary": write_summary_csv(summary, out_dir / "summary.csv")}
    notes = [*manifest.notes, *caveats(runs, timeseries, manifest)]
    if len(set(runs["context"].to_pylist())) > 1:
        return paths | write_sweep_report(runs, summary, manifest, out_dir, notes)
    for path in figures.make_figures(runs, timeseries, summary, out_dir / "figures",
                                     manifest.reference):
        paths[path.stem] = path
    text = render_report(runs, timeseries, summary, verdicts(summary, runs), manifest, notes)
    report = out_dir / "report.md"
    atomic_write(report, lambda p: p.write_text(text, encoding="utf-8"))
    paths["report"] = report
    return paths
