"""The scenario a calibration fitted: ``calibrated.toml``, a scenario file like any other.

It is the scenario the calibration started from, every parameter as it was (``--set``
overrides included), with the fitted parameters at their posterior means and the name
``<scenario>-calibrated``; a header says what it was fitted to. ``orglearn compare`` runs it
like any scenario (with ``--posterior posterior.csv``, each replication draws the fitted
parameters from the posterior instead). Organisation files are named relative to it. The
whole posterior sample, with its weights, is ``posterior.csv`` beside it.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.calibration.observed import Observed
from sim.calibration.run import Calibration
from sim.config.scenario import ORG_FILES, to_toml
from sim.engine.params import Params
from sim.experiments.results import atomic_write

__all__ = ["write_calibrated"]


def write_calibrated(calibration: Calibration, params: Params, observed: Observed,
                     out: Path) -> Path:
    """Write ``out/calibrated.toml``: the scenario at the posterior means, with its origin.

    Args:
        calibration: What the calibration found.
        params: The scenario as given (its own number of weeks).
        observed: The observations it was fitted to.
        out: The calibration's results folder.
    """
    means = dict(zip(calibration.prior.keys, (float(f"{m:.4g}") for m in
                                               calibration.posterior.mean()), strict=True))
    name = f"{params.scenario.name}-calibrated"
    # A scenario file's paths are relative to its folder: the organisation files' paths
    # (relative to the current folder when read) are rewritten relative to ``out``.
    files = {key: Path(os.path.relpath(Path(params[key]).resolve(), out.resolve())).as_posix()
             for key in ORG_FILES if params[key]}
    fitted = params.replace({**means, **files, "scenario.name": name}, "calibration")
    header = (f"# {name}: the scenario {params.scenario.name!r} with the posterior means of "
              f"{', '.join(means)},\n# fitted by `orglearn calibrate` to {observed.path} "
              f"(SHA-256 {observed.sha256}).\n# The posterior sample is posterior.csv beside "
              "this file; report.md says how well each parameter is identified.\n\n")
    path = out / "calibrated.toml"
    atomic_write(path, lambda p: p.write_text(header + to_toml(fitted), encoding="utf-8"))
    return path
