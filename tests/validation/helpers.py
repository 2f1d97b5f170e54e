"""Fast versions of the validation experiments: the committed experiment files, scaled down."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from sim.designs import Experiment, Uncertainty, load_experiment
from sim.executors import run_tasks
from sim.results import runs_table, timeseries_long
from sim.sweep import _manifest
from sim.validation import Claim, run_checks

ROOT = Path(__file__).resolve().parents[2]


def scaled(name: str, *, replications: int, overrides: dict[str, Any] | None = None,
           axes: dict[str, list] | None = None) -> Experiment:
    """Load ``experiments/validation/<name>.toml`` with fewer replications, changed parameters
    and fewer grid values (``axes``), everything else as committed."""
    spec = load_experiment(ROOT / "experiments" / "validation" / f"{name}.toml")
    uncertainties = tuple(Uncertainty(u.key, values=tuple((axes or {}).get(u.key, u.values)))
                          for u in spec.uncertainties)
    return dataclasses.replace(spec, replications=replications, uncertainties=uncertainties,
                               base=spec.base.replace(overrides or {}, "test"))


def claims_for(spec: Experiment, tmp_path: Path) -> list[Claim]:
    """Run a (scaled) validation experiment and return its claims."""
    tasks = spec.tasks()
    results = run_tasks(tasks, 2, show_progress=False)
    manifest = _manifest(spec, tasks, spec.contexts(), 2, "local", None, skipped=0, wall=0.0)
    return run_checks(runs_table(results), timeseries_long(results), manifest, tmp_path)
