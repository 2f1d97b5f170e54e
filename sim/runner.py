"""Run one scenario and store its results: the library behind ``orglearn run``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.model import LearningModel
from sim.params import Params
from sim.results import (
    git_commit,
    now_utc,
    package_versions,
    scenario_record,
    timeseries_table,
    write_json,
    write_table,
)

__all__ = ["RunOutcome", "run_scenario"]


@dataclass
class RunOutcome:
    """What a stored run produced.

    Attributes:
        params: The resolved parameters.
        columns: KPI time series, ``{kpi: array}``.
        timings: Seconds spent building the model, stepping it and writing results.
        files: Paths written.
    """

    params: Params
    columns: dict[str, np.ndarray]
    timings: dict[str, float]
    files: list[Path] = field(default_factory=list)

    def final(self) -> dict[str, float]:
        """The KPIs of the last week."""
        return {k: float(v[-1]) for k, v in self.columns.items()}


def run_scenario(params: Params, out: Path | None = None,
                 scenario_file: Path | None = None) -> RunOutcome:
    """Build and run the model; if ``out`` is given, write the time series and manifest there.

    Args:
        params: Resolved parameters (seed and steps included).
        out: Output folder, created if needed; nothing is written when ``None``.
        scenario_file: The scenario file the parameters came from, recorded in the manifest.
    """
    started = time.perf_counter()
    model = LearningModel(params)
    built = time.perf_counter()
    model.run()
    ran = time.perf_counter()
    columns = model.timeseries()
    outcome = RunOutcome(params, columns, {"setup_s": built - started, "run_s": ran - built})
    if out is None:
        return outcome
    keys = {"scenario": params.scenario.name, "seed": params.run.seed}
    outcome.files = write_table(timeseries_table(columns, keys), out / "timeseries")
    outcome.timings["write_s"] = time.perf_counter() - ran
    manifest = {
        "command": "run",
        "scenario": scenario_record(params, scenario_file),
        "seed": params.run.seed,
        "steps": params.run.steps,
        "parameters": params.nested(),
        "versions": package_versions(),
        "git_commit": git_commit(),
        "created_utc": now_utc(),
        "timings_s": {k: round(v, 4) for k, v in outcome.timings.items()},
        "files": [p.name for p in outcome.files],
    }
    outcome.files.append(write_json(manifest, out / "manifest.json"))
    return outcome
