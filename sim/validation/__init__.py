"""Validation checks: published results set against the engine's runs of an experiment.

An experiment declares the checks its results must pass (``checks`` in its file, recorded in the
manifest); each check turns its stored runs into :class:`Claim` rows — the source, the published
claim, our number, the tolerance, pass or fail — plus a figure that overlays the published
values and ours.
``orglearn sweep`` writes them to ``validation.md`` and ``figures/validation.png`` in the results
folder; ``orglearn reproduce`` fails when a claim fails.

May import: :mod:`sim.errors`, :mod:`sim.org`, :mod:`sim.engine`, :mod:`sim.experiments` and
:mod:`sim.report`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from sim.experiments.manifest import Manifest
from sim.experiments.results import atomic_write
from sim.validation.common import Claim
from sim.validation.contagion import bass, bass_closed_form, centola, watts
from sim.validation.lazer_friedman import lazer_friedman
from sim.validation.march import (
    MARCH_FIGURE_1,
    MARCH_P1,
    march,
    march_learners,
    march_turbulence,
    march_turnover,
)

__all__ = ["CHECKS", "MARCH_FIGURE_1", "MARCH_P1", "Claim", "bass_closed_form", "run_checks",
           "write_validation"]

CHECKS: dict[str, Callable[[pa.Table, pa.Table, dict[str, Any], Path], list[Claim]]] = {
    "bass-1969": bass,
    "march-1991": march,
    "march-1991-learners": march_learners,
    "march-1991-turnover": march_turnover,
    "march-1991-turbulence": march_turbulence,
    "centola-2010": centola,
    "watts-2002": watts,
    "lazer-friedman-2007": lazer_friedman,
}


def run_checks(runs: pa.Table, timeseries: pa.Table, manifest: Manifest,
               out: Path) -> list[Claim] | None:
    """The claims of the checks the experiment declares (``checks``), or ``None`` if none.

    Raises:
        ValueError: If the manifest names a check that does not exist.
    """
    if not manifest.checks:
        return None
    unknown = [name for name in manifest.checks if name not in CHECKS]
    if unknown:
        raise ValueError(f"unknown validation check {unknown[0]!r}; known: {', '.join(CHECKS)}")
    return [claim for name in manifest.checks
            for claim in CHECKS[name](runs, timeseries, manifest, out)]


def write_validation(claims: list[Claim], out: Path, name: str) -> Path:
    """Write ``validation.md``: one row per claim, with the figure."""
    rows = "\n".join(f"| {c.source} | {c.claim} | {c.ours} | {c.tolerance} | "
                     f"{'pass' if c.passed else '**fail**'} |" for c in claims)
    text = (f"# Validation: {name}\n\n"
            "| Source | Published claim | Ours | Tolerance | Result |\n"
            "| --- | --- | --- | --- | --- |\n" + rows + "\n\n"
            "![Published values and ours](figures/validation.png)\n")
    path = out / "validation.md"
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path
