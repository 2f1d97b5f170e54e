"""From an experiment to a finished results folder: runs, report, checks; and reproduction.

The library behind ``orglearn compare``, ``orglearn sweep``, ``orglearn report`` and
``orglearn reproduce``. A comparison is the experiment of one context
(:meth:`~sim.experiments.design.Experiment.comparison`), so both commands take one path:
:func:`~sim.experiments.pipeline.run_experiment` runs and stores, :func:`finish` writes the
report (:func:`sim.report.folder.write_report`) and the validation the experiment declares.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sim.engine.limits import check_runs
from sim.engine.params import Params
from sim.experiments.design import ROBUSTNESS_KPIS, Experiment, Uncertainty
from sim.experiments.equality import Gap, compare_tables
from sim.experiments.folders import check_writable, locked
from sim.experiments.manifest import Manifest, ManifestError, read_manifest
from sim.experiments.pipeline import Outcome, run_experiment
from sim.report.folder import write_report
from sim.validation import run_checks, write_validation

if TYPE_CHECKING:
    from sim.calibration.run import Calibration, Settings
    from sim.report.calibration import Check

__all__ = ["Calibrated", "Reproduction", "calibrate", "compare", "finish", "report_folder",
           "reproduce", "robustness", "run"]


def compare(params: Params, strategies: list[str], replications: int, out: Path, *,
            reference: str, contrast: tuple[str, str] | None = None, workers: int = 1,
            scenario_file: Path | None = None, show_progress: bool | None = None,
            resume: bool = False, force: bool = False, notes: tuple[str, ...] = (),
            posterior: Path | None = None) -> Outcome:
    """Run every strategy on the same replication seeds and write the results folder.

    Args:
        params: The scenario's parameters; ``run.seed`` is the root seed.
        strategies: Strategy names, in the order to report them.
        replications: Replications per strategy.
        out: Results folder (created if needed).
        reference: Strategy the paired differences are taken against.
        contrast: Two strategies to set head to head in the report, if any.
        workers: Local processes.
        scenario_file: Scenario file, recorded in the manifest.
        show_progress: Progress bar; by default only on a terminal.
        resume: Continue an interrupted comparison whose finished runs are stored in ``out``.
        force: Move other results in ``out`` aside instead of refusing.
        notes: Sentences for the report on how the comparison was set up.
        posterior: A calibration's ``posterior.csv``: each replication draws the fitted
            parameters from it (:mod:`sim.experiments.posterior`).
    """
    from sim.experiments.posterior import read_posterior

    sample = read_posterior(posterior) if posterior is not None else None
    check_runs("orglearn compare", "--replications", replications,
               len(strategies) * replications,
               f"{len(strategies)} strategies x {replications:,} replications",
               steps=params.run.steps)
    experiment = Experiment.comparison(params, strategies, replications, reference=reference,
                                       contrast=contrast, scenario_file=scenario_file,
                                       notes=notes, posterior=sample)
    return run(experiment, out, workers=workers, show_progress=show_progress, resume=resume,
               force=force)


def robustness(params: Params, contrast: tuple[str, str], replications: int, out: Path, *,
               uncertainties: tuple[Uncertainty, ...] = (),
               kpis: tuple[str, ...] = ROBUSTNESS_KPIS, workers: int = 1,
               executor: str = "local", scheduler: str | None = None,
               scenario_file: Path | None = None, show_progress: bool | None = None,
               resume: bool = False, force: bool = False) -> Outcome:
    """How robust the verdict between two strategies is: tornado, break-even values, report.

    :meth:`Experiment.robustness` run like any sweep (:func:`run`); the arguments are those of
    :func:`compare` and of the experiment.
    """
    experiment = Experiment.robustness(params, contrast, replications,
                                       uncertainties=uncertainties, kpis=kpis,
                                       scenario_file=scenario_file)
    check_runs("orglearn robustness", "--replications", replications, experiment.run_count(),
               f"{len(experiment.contexts())} contexts x 2 strategies x {replications:,} "
               "replications", steps=params.run.steps)
    return run(experiment, out, workers=workers, executor=executor, scheduler=scheduler,
               show_progress=show_progress, resume=resume, force=force)


@dataclass(frozen=True)
class Calibrated:
    """A finished calibration: what was found, the check of its fit, and the files written."""

    calibration: Calibration
    check: Check
    files: dict[str, Path]


def calibrate(params: Params, observed_file: Path, out: Path, *,
              ranges: tuple[Uncertainty, ...], settings: Settings, workers: int = 1,
              executor: str = "local", scheduler: str | None = None,
              scenario_file: Path | None = None, show_progress: bool | None = None,
              resume: bool = False, force: bool = False) -> Calibrated:
    """Fit parameters of a scenario to observed weekly data and write the results folder.

    Args:
        params: The scenario; its strategy is the one the observations come from.
        observed_file: The observations (:mod:`sim.calibration.observed`).
        out: Results folder.
        ranges: The parameters to fit, each with its prior range.
        settings: :class:`sim.calibration.run.Settings`.
        workers: Local processes, or local Dask workers.
        executor: ``"local"`` or ``"dask"``.
        scheduler: Address of a running Dask scheduler.
        scenario_file: The scenario's file, for the manifest.
        show_progress: Progress bars; by default only on a terminal.
        resume: Continue a calibration whose runs are stored in ``out``.
        force: Move other results in ``out`` aside instead of refusing.
    """
    from sim.calibration.distance import Distance
    from sim.calibration.observed import read_observed
    from sim.calibration.run import calibrate as run_calibration
    from sim.calibration.run import prior_of
    from sim.config.calibrated import write_calibrated
    from sim.config.fit import division_names, organisation
    from sim.report.calibration import check_fit, write_calibration

    org = organisation(params)
    employees, names = org.n, division_names(params)
    sizes = [int(k) for k in np.bincount(org.division, minlength=len(names))]
    observed = read_observed(observed_file, steps=params.run.steps, employees=employees,
                             divisions=names)
    prior = prior_of([u.key for u in ranges], {u.key: (u.low, u.high) for u in ranges},
                     "--params")
    check_runs("orglearn calibrate", "--budget", settings.budget, settings.budget
               + settings.predictive, f"{settings.budget:,} runs and {settings.predictive} "
               "posterior predictive runs", steps=observed.last_week())
    calibration = run_calibration(params, observed, prior, out, settings=settings,
                                  employees=employees, division_names=names,
                                  division_sizes=sizes, scenario_file=scenario_file,
                                  workers=workers, executor=executor, scheduler=scheduler,
                                  resume=resume, force=force, show_progress=show_progress)
    distance = Distance(observed, employees, names, sizes)
    files = write_calibration(calibration, observed, distance, out)
    files["calibrated"] = write_calibrated(calibration, params, observed, out)
    return Calibrated(calibration, check_fit(calibration, distance), files)


def run(experiment: Experiment, out: Path, *, workers: int = 1, executor: str = "local",
        scheduler: str | None = None, resume: bool = False,
        show_progress: bool | None = None, force: bool = False) -> Outcome:
    """Run an experiment and finish it: runs, tables and manifest, then report and checks.

    The arguments are those of :func:`~sim.experiments.pipeline.run_experiment`.
    """
    outcome = run_experiment(experiment, out, workers=workers, executor=executor,
                             scheduler=scheduler, resume=resume, show_progress=show_progress,
                             force=force)
    outcome.files.update(finish(outcome.runs, outcome.timeseries, outcome.manifest, out))
    return outcome


def finish(runs: pa.Table, timeseries: pa.Table, manifest: Manifest,
           out: Path) -> dict[str, Path]:
    """Write the report and the declared validation of stored results."""
    files = write_report(runs, timeseries, manifest, out)
    claims = run_checks(runs, timeseries, manifest, out)
    if claims is not None:
        files["validation"] = write_validation(claims, out, manifest.name)
    return files


def report_folder(folder: Path) -> dict[str, Path]:
    """Rewrite the report (and validation) of a finished results folder from its stored runs.

    Raises:
        ManifestError: If the folder has no usable manifest or no consolidated tables.
        sim.experiments.folders.ResultsFolderError: If another process is writing it.
    """
    manifest = read_manifest(folder)
    if manifest.command == "calibrate":
        raise ManifestError(f"{folder}: a calibration's folder; orglearn calibrate writes its "
                            "report (run the same command again to rewrite it)")
    for name in ("runs.parquet", "timeseries.parquet"):
        if not (folder / name).is_file():
            raise ManifestError(f"{folder}: no {name}; give a folder whose compare or sweep "
                                "finished (an interrupted one continues with --resume)")
    check_writable(folder)
    with locked(folder):
        runs = pq.read_table(folder / "runs.parquet")
        series = pq.read_table(folder / "timeseries.parquet")
        return finish(runs, series, manifest, folder)


@dataclass(frozen=True)
class Reproduction:
    """How a re-run compares with committed results.

    Attributes:
        problems: One short line per difference beyond tolerance or failed claim.
        gap: The largest floating-point difference seen (see :mod:`sim.experiments.equality`).
    """

    problems: list[str]
    gap: Gap

    @property
    def same(self) -> bool:
        """Whether the re-run agrees with the committed results."""
        return not self.problems


def reproduce(experiment: Experiment, committed: Path, scratch: Path, *, workers: int = 1,
              replications: int | None = None,
              show_progress: bool | None = None) -> Reproduction:
    """Re-run an experiment and compare with its committed results.

    Runs and weekly series are deterministic: on one machine they are byte-identical; across
    machines integers and text must be identical and floats equal within rounding
    (:func:`sim.experiments.equality.compare_tables`).

    Args:
        experiment: The experiment.
        committed: The committed results folder (with ``runs.parquet``, ``timeseries.parquet``).
        scratch: An empty folder for the new runs.
        workers: Local processes.
        replications: Only re-run and compare the first ``replications`` replications.
        show_progress: Progress bar; by default only on a terminal.
    """
    new = run_experiment(experiment, scratch, workers=workers, show_progress=show_progress,
                         replications=replications)
    # Published claims hold for the full replication count; a subset checks determinism only.
    claims = (run_checks(new.runs, new.timeseries, new.manifest, scratch) or []
              if replications is None else [])
    problems = [f"validation fails: {c.claim}: {c.ours} (needs {c.tolerance})"
                for c in claims if not c.passed]
    gap = Gap()
    for name, table in (("runs", new.runs), ("timeseries", new.timeseries)):
        old = pq.read_table(committed / f"{name}.parquet")
        if replications is not None:
            old = old.filter(pc.less(old["replication"], replications))
        differences, widest = compare_tables(name, old, table)
        problems += differences
        gap = gap.widest(widest)
    return Reproduction(problems, gap)
