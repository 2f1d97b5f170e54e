"""A calibration from start to finish: priors, simulations through the store, the posterior.

:func:`calibrate` fits a scenario's uncertain parameters to observed weekly data with the
ABC-SMC sampler of :mod:`sim.calibration.abc`. Every simulation is a run like any other: a
:class:`~sim.experiments.tasks.RunTask` (its ``context`` the generation, its ``replication``
the particle), run by the project's executors (this process, local processes or Dask, one
cluster for the whole calibration) and kept in the results folder's run store the moment it
finishes, so an interrupted calibration resumes where it stopped: the sampler proposes the
same values again from the same seed and the runs already stored are not repeated. After the
last generation, ``predictive`` draws from the posterior are run with new seeds for the fit
diagnostics (the observed series against the band of simulated ones).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sim.calibration import abc
from sim.calibration.distance import Distance, Key
from sim.calibration.observed import Observed
from sim.engine.params import Params, lookup
from sim.engine.rng import derive_seed
from sim.errors import ParameterError
from sim.experiments.executors import ExecutorSession, executor_session
from sim.experiments.folders import claim_results
from sim.experiments.manifest import Manifest, scenario_record
from sim.experiments.results import provenance, write_table
from sim.experiments.store import RunStore, run_id
from sim.experiments.tasks import RunTask

__all__ = ["PREDICTIVE_CONTEXT", "Calibration", "Settings", "calibrate", "prior_of"]

PREDICTIVE_CONTEXT = 10_000
"""The ``context`` of the posterior predictive runs (generations are 0, 1, ...)."""


@dataclass(frozen=True)
class Settings:
    """How a calibration samples.

    Attributes:
        budget: Simulations in all, over the generations (each generation ``budget //
            generations``).
        generations: Generations of the sampler, the first from the prior.
        quantile: Share of the previous generation's distances each tolerance keeps.
        seed: Root seed of the proposals and of every run's seed.
        predictive: Posterior draws run again, with new seeds, for the diagnostics.
    """

    budget: int = 1000
    generations: int = 5
    quantile: float = 0.5
    seed: int = 1
    predictive: int = 50

    @property
    def population(self) -> int:
        """Simulations per generation."""
        return self.budget // self.generations


@dataclass(frozen=True)
class Calibration:
    """What a calibration found.

    Attributes:
        prior: The priors.
        generations: Every generation; the last one is the posterior sample.
        predictive: The posterior predictive runs' simulated observables, one dict per draw
            (``{(division or None, observable): values at the observed weeks}``).
        predictive_values: The parameter values of those draws (draws x keys).
        manifest: The results folder's manifest.
        resumed_runs: Runs found already stored.
        runs: Simulations in all (predictive ones included).
    """

    prior: abc.Prior
    generations: list[abc.Generation]
    predictive: list[dict[str, np.ndarray]]
    predictive_values: np.ndarray
    manifest: Manifest
    resumed_runs: int
    runs: int

    @property
    def posterior(self) -> abc.Generation:
        """The last generation: the posterior sample."""
        return self.generations[-1]


def prior_of(keys: list[str], ranges: Mapping[str, tuple[float, float]], source: str) -> abc.Prior:
    """Uniform priors: the given ranges, else each key's plausible range in the schema.

    Raises:
        ParameterError: For a key that is not a real-valued parameter, or that has neither a
            given nor a plausible range.
    """
    low, high = [], []
    for key in keys:
        param = lookup(key, source)
        if param.kind is not float:
            raise ParameterError(source, key, ranges.get(key, key),
                                 f"allowed: real-valued parameters (calibration moves them "
                                 f"continuously; {key} is a {param.kind.__name__})")
        if key in ranges:
            lo, hi = ranges[key]
        elif param.plausible is not None:
            lo, hi = param.plausible.low, param.plausible.high
        else:
            raise ParameterError(source, key, key, f"allowed: {key}=LOW:HIGH (it has no "
                                 "plausible range in the schema)")
        low.append(float(lo))
        high.append(float(hi))
    return abc.Prior(tuple(keys), np.array(low), np.array(high))


def calibrate(params: Params, observed: Observed, prior: abc.Prior, out: Path, *,
              settings: Settings, employees: int, division_names: Sequence[str] = (),
              division_sizes: Sequence[int] = (), scenario_file: Path | None = None,
              workers: int = 1, executor: str = "local", scheduler: str | None = None,
              resume: bool = False, force: bool = False, show_progress: bool | None = None,
              on_generation: Callable[[abc.Generation], None] | None = None) -> Calibration:
    """Fit ``prior``'s parameters to ``observed`` by ABC-SMC; keep every run in ``out``.

    Args:
        params: The scenario (its strategy is the one the observations come from).
        observed: The observations.
        prior: The parameters to fit and their priors.
        out: Results folder.
        settings: Budget, generations, tolerance quantile, seed and predictive draws.
        employees: People in the organisation (for counts of people).
        division_names: The organisation's division names (for per-division observations).
        division_sizes: People per division, in the same order.
        scenario_file: The scenario's file, for the manifest.
        workers: Local processes, or local Dask workers.
        executor: ``"local"`` or ``"dask"``.
        scheduler: Address of a running Dask scheduler.
        resume: Continue the runs stored in ``out``.
        force: Move other results in ``out`` aside instead of refusing.
        show_progress: A progress bar per generation; by default only on a terminal.
        on_generation: Called with each generation as it is done.
    """
    steps = observed.last_week()
    base = params.replace({"run.steps": max(steps, 1),
                           "run.division_series": bool(observed.divisions)}, "calibration")
    digest = _digest(base, observed, prior, settings)
    name = f"calibrate-{base.scenario.name}"
    distance = Distance(observed, employees, division_names, division_sizes)
    started = time.perf_counter()
    counts = {"runs": 0, "resumed": 0}
    with claim_results(out, command="calibrate", digest=digest, resume=resume, force=force):
        store = RunStore(out)
        store.open(name, digest, str(scenario_file or ""), "calibrate")
        with executor_session(executor, workers, scheduler) as session:

            def simulate(context: int, values: np.ndarray) -> list[dict[Key, np.ndarray]]:
                """Each value's run (stored, or run now): its observed series' values."""
                tasks = [_task(name, base, prior, context, i, row, settings.seed)
                         for i, row in enumerate(values)]
                _run(session, store, tasks, prior.keys, counts, show_progress)
                return [distance.simulated(s) for s in _series(store, tasks)]

            def distance_of(generation: int, values: np.ndarray) -> np.ndarray:
                return np.array([distance.of(s) for s in simulate(generation, values)])

            generations = abc.sample(prior, distance_of, population=settings.population,
                                     generations=settings.generations, seed=settings.seed,
                                     quantile=settings.quantile, on_generation=on_generation)
            picked = abc.draws(generations[-1], settings.predictive, settings.seed)
            draws = generations[-1].values[picked]
            predictive = simulate(PREDICTIVE_CONTEXT, draws)
        every = [_task(name, base, prior, g.index, i, row, settings.seed)
                 for g in generations for i, row in enumerate(g.values)]
        every += [_task(name, base, prior, PREDICTIVE_CONTEXT, i, row, settings.seed)
                  for i, row in enumerate(draws)]
        runs, series = store.load(every)
        runs = runs.append_column("distance", pa.array(
            [float(d) for g in generations for d in g.distances] + [math.nan] * len(draws)))
        write_table(runs, out / "runs", csv=False)
        write_table(series, out / "timeseries", csv=False)
        wall = time.perf_counter() - started
        manifest = _manifest(base, observed, prior, settings, digest, name, scenario_file,
                             counts, wall, executor, scheduler, workers)
        manifest.write(out)
        store.discard()
    return Calibration(prior, generations, predictive, draws, manifest, counts["resumed"],
                       counts["runs"])


def _task(name: str, base: Params, prior: abc.Prior, context: int, index: int,
          row: np.ndarray, seed: int) -> RunTask:
    """The run of one proposed value: its own seed, the value's parameters set."""
    run_seed = derive_seed(seed, context, index)
    values = dict(zip(prior.keys, (float(v) for v in row), strict=True))
    params = base.replace({**values, "run.seed": run_seed}, "calibration")
    return RunTask(name, base.scenario.name, context, base.strategy.name, index, run_seed,
                   params.values)


def _run(session: ExecutorSession, store: RunStore, tasks: list[RunTask], keys: tuple[str, ...],
         counts: dict[str, int], show_progress: bool | None) -> None:
    """Run the tasks not yet stored, storing each (with its values of ``keys``) as it ends."""
    done = store.done()
    todo = [t for t in tasks if run_id(t) not in done]
    counts["runs"] += len(tasks)
    counts["resumed"] += len(tasks) - len(todo)
    if todo:
        session.run(todo, show_progress=show_progress,
                    on_result=lambda r: store.save(r, {k: r.task.values[k] for k in keys}),
                    description=f"generation {tasks[0].context}: {len(todo)} runs"
                    if tasks[0].context != PREDICTIVE_CONTEXT else
                    f"posterior predictive: {len(todo)} runs")


def _series(store: RunStore, tasks: list[RunTask]) -> list[dict[str, np.ndarray]]:
    """Each task's weekly KPIs as arrays indexed by week."""
    _, series = store.load(tasks)
    out = []
    replication = series["replication"]
    for task in tasks:
        rows = series.filter(pc.equal(replication, task.replication))
        order = np.argsort(rows["step"].to_numpy(), kind="stable")
        out.append({name: rows[name].to_numpy()[order].astype(np.float64)
                    for name in rows.column_names if _numeric(rows.schema.field(name).type)})
    return out


def _numeric(kind: pa.DataType) -> bool:
    return pa.types.is_floating(kind) or pa.types.is_integer(kind)


def _digest(base: Params, observed: Observed, prior: abc.Prior, settings: Settings) -> str:
    """What determines a calibration's runs and result (guards --resume)."""
    content = {"values": {k: str(v) for k, v in sorted(base.values.items())},
               "observed": observed.sha256,
               "prior": [[k, float(lo), float(hi)] for k, lo, hi in
                         zip(prior.keys, prior.low, prior.high, strict=True)],
               "settings": [settings.budget, settings.generations, settings.quantile,
                            settings.seed, settings.predictive]}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]


def _manifest(base: Params, observed: Observed, prior: abc.Prior, settings: Settings,
              digest: str, name: str, scenario_file: Path | None, counts: dict[str, int],
              wall: float, executor: str, scheduler: str | None, workers: int) -> Manifest:
    """The folder's manifest: a calibration described in the fields every folder has."""
    file = scenario_file if scenario_file is not None and scenario_file.is_file() else None
    ranges = ", ".join(f"{k} in [{lo:g}, {hi:g}]" for k, lo, hi in
                       zip(prior.keys, prior.low, prior.high, strict=True))
    return Manifest(
        command="calibrate", name=name,
        description=f"Calibration of {len(prior.keys)} parameter(s) to {observed.path}.",
        digest=digest, scenario=scenario_record(base, file),
        experiment_file={"file": observed.path, "sha256": observed.sha256},
        design="abc-smc", samples=settings.population, strategies=[base.strategy.name],
        reference=base.strategy.name, contrast=None, kpis=[], checks=[],
        replications=settings.generations, root_seed=settings.seed,
        seed_rule="derive_seed(root_seed, generation, particle); posterior predictive runs "
                  f"use generation {PREDICTIVE_CONTEXT}",
        axes=[], contexts=[], salib_problem=None, design_matrix=None, runs=counts["runs"],
        steps=base.run.steps, parameters=base.nested(), provenance=provenance(),
        executor=executor if not scheduler else f"dask at {scheduler}", workers=workers,
        resumed_runs=counts["resumed"],
        timings_s={"wall": round(wall, 3), "mean_run": None},
        notes=[f"priors: {ranges}", f"budget {settings.budget} runs in "
               f"{settings.generations} generations; tolerance quantile {settings.quantile}",
               f"observed: {observed.count()} values up to week {observed.last_week()}"])


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def as_record(calibration: Calibration) -> dict[str, Any]:
    """A JSON-ready summary of a calibration (the folder's ``calibration.json``)."""
    last = calibration.posterior
    return {"keys": list(calibration.prior.keys),
            "prior": {"low": calibration.prior.low.tolist(),
                      "high": calibration.prior.high.tolist()},
            "generations": [{"generation": g.index, "epsilon": _finite(g.epsilon),
                             "accepted": int(g.accepted.sum()),
                             "effective_size": abc.effective_size(g.weights)}
                            for g in calibration.generations],
            "posterior_mean": last.mean().tolist(), "posterior_sd": last.sd().tolist()}
