"""The one pipeline from an experiment to a results folder (``orglearn compare`` and ``sweep``).

Runs are stored one by one in the results folder's run store (:mod:`sim.experiments.store`) the
moment they finish, so an interrupted experiment loses only the runs in flight, and ``resume``
skips the runs already stored. Once every run is stored, the consolidated tables
(``runs.parquet``, ``timeseries.parquet``) and the :class:`~sim.experiments.manifest.Manifest`
are written and the store is removed. The report is written from those by :mod:`sim.report`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from sim.engine.limits import check_run_memory
from sim.experiments import breakeven
from sim.experiments.design import Experiment
from sim.experiments.executors import executor_session
from sim.experiments.folders import claim_results
from sim.experiments.manifest import Manifest
from sim.experiments.results import atomic_write, write_table
from sim.experiments.store import RunStore, run_id
from sim.experiments.tasks import RunTask

__all__ = ["Outcome", "run_experiment"]


@dataclass
class Outcome:
    """The stored outcome of an experiment.

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
    manifest: Manifest
    files: dict[str, Path]
    skipped: int
    moved_aside: Path | None = None


def run_experiment(experiment: Experiment, out: Path, *, workers: int = 1,
                   executor: str = "local", scheduler: str | None = None,
                   resume: bool = False, show_progress: bool | None = None,
                   replications: int | None = None, force: bool = False) -> Outcome:
    """Run (or finish) every run of an experiment and write its tables and manifest.

    Args:
        experiment: The experiment (from an experiment file, or
            :meth:`Experiment.comparison`).
        out: Results folder.
        workers: Local processes, or local Dask workers.
        executor: ``"local"`` or ``"dask"``.
        scheduler: Address of a running Dask scheduler.
        resume: Continue the runs stored in ``out`` (refused if the experiment changed).
        show_progress: Progress bar; by default only on a terminal.
        replications: Only the first ``replications`` replications (for quick reproductions).
        force: Move other results in ``out`` aside instead of refusing
            (:func:`sim.experiments.folders.claim_results`).

    Raises:
        sim.experiments.folders.ResultsFolderError: If ``out`` cannot be written, holds other
            results, or holds stored runs and ``resume`` is false.
    """
    if experiment.largest_run is not None:
        # On a remote cluster the runs use its machines' memory, one run per worker thread.
        check_run_memory(str(experiment.path), [experiment.largest_run],
                         1 if scheduler else workers)
    with claim_results(out, command=experiment.command, digest=experiment.digest,
                       resume=resume, force=force) as claim:
        started = time.perf_counter()
        store = RunStore(out)
        store.open(experiment.name, experiment.digest, str(experiment.path), experiment.command)
        tasks = [t for t in experiment.tasks()
                 if replications is None or t.replication < replications]
        contexts = experiment.contexts()
        done = store.done()
        todo = [t for t in tasks if run_id(t) not in done]
        # One executor for the runs and the break-even probes: on Dask, one cluster (started
        # on the first runs to do, closed before the manifest is written). It is closed inside
        # the claim, and whatever fails, the stored runs stay for --resume.
        with executor_session(executor, workers, scheduler) as session:
            drawn = experiment.posterior.keys if experiment.posterior else ()
            results = session.run(todo, show_progress=show_progress,
                                  on_result=lambda r: store.save(r, {
                                      **contexts[r.task.context],
                                      **{k: r.task.values[k] for k in drawn}}),
                                  description=f"{experiment.name}: {len(todo)} runs")
            runs, series = store.load(tasks)
            files = {"runs": write_table(runs, out / "runs", csv=False)[0],
                     "timeseries": write_table(series, out / "timeseries", csv=False)[0]}
            found = None
            if experiment.design == "robustness" and experiment.contrast is not None:

                def run_batch(batch: list[RunTask]) -> pa.Table:
                    done = store.done()
                    session.run([t for t in batch if run_id(t) not in done],
                                show_progress=show_progress,
                                on_result=lambda r: store.save(r, {}),
                                description=f"{experiment.name}: break-even")
                    return store.load(batch)[0]

                found = breakeven.search(experiment, runs, contexts, run_batch,
                                         replications=replications)
        if found is not None:
            table = breakeven.breakeven_table(found, experiment.contrast)
            files["breakeven"] = out / "breakeven.csv"
            atomic_write(files["breakeven"], lambda p: pacsv.write_csv(table, p))
        wall = time.perf_counter() - started
        mean_run = (round(sum(r.seconds for r in results) / len(results), 4)
                    if results else None)
        manifest = Manifest.of(
            experiment, replications=max((t.replication for t in tasks), default=-1) + 1,
            runs=len(tasks), contexts=contexts,
            executor=executor if not scheduler else f"dask at {scheduler}", workers=workers,
            resumed_runs=len(tasks) - len(todo),
            timings_s={"wall": round(wall, 3), "mean_run": mean_run})
        files["manifest"] = manifest.write(out)
        store.discard()
    return Outcome(runs, series, manifest, files, len(tasks) - len(todo), claim.moved_aside)
