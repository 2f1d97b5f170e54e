"""Sweeps: run an experiment file's every run, store each at once, resume, analyse.

The library behind ``orglearn sweep`` and ``orglearn reproduce``. Runs are stored one by one in
the results folder's run store (:mod:`sim.experiments.store`) the moment they finish, so an interrupted sweep
loses only the runs in flight, and ``resume`` skips the runs already stored. Once every run is
stored, the consolidated tables, the manifest and the analysis are written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from sim.engine.limits import check_run_memory
from sim.experiments.design import Experiment
from sim.experiments.equality import Gap, compare_tables
from sim.experiments.executors import run_tasks
from sim.experiments.folders import claim_results
from sim.experiments.results import (
    provenance,
    write_json,
    write_table,
)
from sim.experiments.store import RunStore, run_id
from sim.validation import run_checks, write_validation

__all__ = ["Reproduction", "SweepOutcome", "analyse", "reproduce", "run_sweep"]


@dataclass
class SweepOutcome:
    """The stored outcome of a sweep.

    Attributes:
        runs: One row per run, in task order.
        timeseries: One row per run and week.
        manifest: What was run and how.
        files: Paths written, by name.
        skipped: Runs found already stored (resumed).
        moved_aside: Where earlier results in the folder were moved (``force``), if anywhere.
    """

    runs: pa.Table
    timeseries: pa.Table
    manifest: dict[str, Any]
    files: dict[str, Path]
    skipped: int
    moved_aside: Path | None = None


def run_sweep(experiment: Experiment, out: Path, *, workers: int = 1, executor: str = "local",
              scheduler: str | None = None, resume: bool = False,
              show_progress: bool | None = None, replications: int | None = None,
              analyse_results: bool = True, force: bool = False) -> SweepOutcome:
    """Run (or finish) a sweep and write its results folder.

    Args:
        experiment: The loaded experiment file.
        out: Results folder.
        workers: Local processes, or local Dask workers.
        executor: ``"local"`` or ``"dask"``.
        scheduler: Address of a running Dask scheduler.
        resume: Continue the runs stored in ``out`` (refused if the experiment changed).
        show_progress: Progress bar; by default only on a terminal.
        replications: Only the first ``replications`` replications (for quick reproductions).
        analyse_results: Write summary, figures and report after the runs.
        force: Move other results in ``out`` aside instead of refusing
            (:func:`sim.experiments.folders.claim_results`).

    Raises:
        sim.experiments.folders.ResultsFolderError: If ``out`` cannot be written, holds other results, or
            holds stored runs and ``resume`` is false.
    """
    if experiment.largest_run is not None:
        # On a remote cluster the runs use its machines' memory, one run per worker thread.
        check_run_memory(str(experiment.path), [experiment.largest_run],
                         1 if scheduler else workers)
    with claim_results(out, command="sweep", digest=experiment.digest, resume=resume,
                       force=force) as claim:
        started = time.perf_counter()
        store = RunStore(out)
        store.open(experiment.name, experiment.digest, str(experiment.path), "sweep")
        tasks = [t for t in experiment.tasks()
                 if replications is None or t.replication < replications]
        contexts = experiment.contexts()
        done = store.done()
        todo = [t for t in tasks if run_id(t) not in done]
        run_tasks(todo, workers, executor=executor, scheduler=scheduler,
                  show_progress=show_progress,
                  on_result=lambda r: store.save(r, contexts[r.task.context]),
                  description=f"{experiment.name}: {len(todo)} runs")
        runs, series = store.load(tasks)
        files = {"runs": write_table(runs, out / "runs", csv=False)[0],
                 "timeseries": write_table(series, out / "timeseries", csv=False)[0]}
        manifest = _manifest(experiment, tasks, contexts, workers, executor, scheduler,
                             skipped=len(tasks) - len(todo), wall=time.perf_counter() - started)
        files["manifest"] = write_json(manifest, out / "manifest.json")
        if analyse_results:
            files.update(analyse(runs, series, manifest, out))
    return SweepOutcome(runs, series, manifest, files, len(tasks) - len(todo),
                        claim.moved_aside)


def analyse(runs: pa.Table, series: pa.Table, manifest: dict[str, Any],
            out: Path) -> dict[str, Path]:
    """Write summary, figures and report of stored sweep results (also ``orglearn report``)."""
    from sim.report.sweep import write_sweep_report

    problem = manifest.get("salib_problem")
    matrix = manifest.get("design_matrix")
    files = write_sweep_report(
        runs, series, manifest, out,
        reference=manifest["reference"], kpis=list(manifest["kpis"]),
        design=manifest["design"],
        axes=[(key, tuple(values)) for key, values in manifest.get("axes", [])],
        problem=problem,
        design_matrix=np.asarray(matrix, dtype=float) if matrix is not None else None,
    )
    claims = run_checks(runs, series, manifest, out)
    if claims is not None:
        files["validation"] = write_validation(claims, out, manifest["name"])
    return files


def _manifest(experiment: Experiment, tasks: list, contexts: list[dict[str, Any]],
              workers: int, executor: str, scheduler: str | None, *, skipped: int,
              wall: float) -> dict[str, Any]:
    sampled = experiment.design in ("sobol", "morris")
    return {
        "command": "sweep",
        "name": experiment.name,
        "description": experiment.description,
        "digest": experiment.digest,
        "experiment": {"file": str(experiment.path), "digest": experiment.digest},
        "scenario": {"name": experiment.base.scenario.name,
                     "file": str(experiment.scenario_path)},
        "design": experiment.design,
        "samples": experiment.samples,
        "replications": max(t.replication for t in tasks) + 1 if tasks else 0,
        "root_seed": experiment.seed,
        "seed_rule": ("seed of replication r = derive_seed(root_seed, 0, r) in every context "
                      "(shared_seeds) and for every strategy (common random numbers)"
                      if experiment.shared_seeds else
                      "seed of (context c, replication r) = derive_seed(root_seed, c, r), the "
                      "same for every strategy (common random numbers)"),
        "strategies": [label for label, _ in experiment.policies()],
        "reference": experiment.reference,
        "kpis": list(experiment.kpis),
        "axes": [[key, list(values)] for key, values in experiment.grid_axes()],
        "contexts": contexts,
        "salib_problem": experiment.salib_problem() if sampled else None,
        "design_matrix": experiment.design_matrix().tolist() if sampled else None,
        "runs": len(tasks),
        "steps": experiment.base.run.steps,
        "parameters": experiment.base.nested(),
        **provenance(),
        "executor": executor if not scheduler else f"dask at {scheduler}",
        "workers": workers,
        "resumed_runs": skipped,
        "timings_s": {"wall": round(wall, 3)},
    }


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
        experiment: The loaded experiment file.
        committed: The committed results folder (with ``runs.parquet``, ``timeseries.parquet``).
        scratch: An empty folder for the new runs.
        workers: Local processes.
        replications: Only re-run and compare the first ``replications`` replications.
        show_progress: Progress bar; by default only on a terminal.
    """
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    new = run_sweep(experiment, scratch, workers=workers, show_progress=show_progress,
                    replications=replications, analyse_results=False)
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
