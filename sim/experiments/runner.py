"""Run one scenario and store its results: the library behind ``orglearn run``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.engine.limits import check_run_memory
from sim.engine.model import LearningModel
from sim.engine.params import Params
from sim.experiments.folders import claim_results
from sim.experiments.results import (
    content_digest,
    provenance,
    scenario_record,
    timeseries_table,
    write_json,
    write_table,
)

__all__ = ["RunOutcome", "run_digest", "run_scenario"]


@dataclass
class RunOutcome:
    """What a stored run produced.

    Attributes:
        params: The resolved parameters.
        columns: KPI time series, ``{kpi: array}``.
        timings: Seconds spent building the model, stepping it and writing results.
        files: Paths written.
        moved_aside: Where earlier results in the folder were moved (``force``), if anywhere.
    """

    params: Params
    columns: dict[str, np.ndarray]
    timings: dict[str, float]
    files: list[Path] = field(default_factory=list)
    moved_aside: Path | None = None

    def final(self) -> dict[str, float]:
        """The KPIs of the last week."""
        return {k: float(v[-1]) for k, v in self.columns.items()}


def run_digest(params: Params) -> str:
    """Digest of everything that determines a run's results (to guard its results folder)."""
    from sim.org.chart import chart_files

    return content_digest({"command": "run", "parameters": params.nested(),
                           "org_files": chart_files(params.org)})


def run_scenario(params: Params, out: Path | None = None,
                 scenario_file: Path | None = None, *, force: bool = False) -> RunOutcome:
    """Build and run the model; if ``out`` is given, write the time series and manifest there.

    The results folder is claimed before the model is built
    (:func:`sim.experiments.folders.claim_results`):
    one that cannot be written, or that holds other results, is refused before anything runs.

    Args:
        params: Resolved parameters (seed and steps included).
        out: Output folder, created if needed; nothing is written when ``None``.
        scenario_file: The scenario file the parameters came from, recorded in the manifest.
        force: Move other results in ``out`` aside instead of refusing.

    Raises:
        sim.engine.params.ParameterError: If the run would not fit in memory.
        sim.experiments.folders.ResultsFolderError: If ``out`` may not be written.
    """
    check_run_memory(str(scenario_file or params.scenario.name), [params])
    if out is None:
        return _run(params)
    digest = run_digest(params)
    with claim_results(out, command="run", digest=digest, force=force) as claim:
        outcome = _run(params)
        outcome.moved_aside = claim.moved_aside
        ran = time.perf_counter()
        keys = {"scenario": params.scenario.name, "seed": params.run.seed}
        outcome.files = write_table(timeseries_table(outcome.columns, keys), out / "timeseries")
        outcome.timings["write_s"] = time.perf_counter() - ran
        manifest = {
            "command": "run",
            "digest": digest,
            "scenario": scenario_record(params, scenario_file),
            "seed": params.run.seed,
            "steps": params.run.steps,
            "parameters": params.nested(),
            **provenance(),
            "timings_s": {k: round(v, 4) for k, v in outcome.timings.items()},
            "files": [p.name for p in outcome.files],
        }
        outcome.files.append(write_json(manifest, out / "manifest.json"))
    return outcome


def _run(params: Params) -> RunOutcome:
    """Build and run the model; its time series and timings."""
    started = time.perf_counter()
    model = LearningModel(params)
    built = time.perf_counter()
    model.run()
    ran = time.perf_counter()
    return RunOutcome(params, model.timeseries(),
                      {"setup_s": built - started, "run_s": ran - built})
