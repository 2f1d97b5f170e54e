"""Fast versions of the validation experiments: the committed experiment files, scaled down."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from sim.config.experiment_file import load_experiment
from sim.experiments.design import Experiment, Uncertainty
from sim.experiments.pipeline import run_experiment as run_only
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
    """Sweep a (scaled) validation experiment as ``orglearn sweep`` does; return its claims."""
    outcome = run_only(spec, tmp_path / "sweep", workers=2, show_progress=False)
    return run_checks(outcome.runs, outcome.timeseries, outcome.manifest, tmp_path)
