"""Experiments as data: runs to do (tasks), their seeds, and what one run produces.

A run is identified by (context, strategy, replication). Its seed is derived from the root seed,
the context and the replication with ``numpy.random.SeedSequence`` — never from the strategy —
so every strategy of a replication runs on the same organisation with the same random numbers
(common random numbers), which makes paired comparisons across strategies tight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.engine.metrics import run_summary
from sim.engine.model import LearningModel
from sim.engine.params import Params, Value

__all__ = ["RunResult", "RunTask", "execute", "execute_batch"]


@dataclass(frozen=True)
class RunTask:
    """One run to do.

    Attributes:
        experiment: Name of the experiment.
        scenario: Name of the scenario.
        context: Index of the context (a point in the space of uncertainties; 0 if only one).
        strategy: Strategy name.
        replication: Replication number.
        seed: The run's root seed.
        values: Parameter values (dotted key -> value), strategy and seed included.
    """

    experiment: str
    scenario: str
    context: int
    strategy: str
    replication: int
    seed: int
    values: dict[str, Value] = field(repr=False)

    def keys(self) -> dict[str, Any]:
        """The columns that identify the run in results tables."""
        return {"experiment": self.experiment, "scenario": self.scenario,
                "context": self.context, "strategy": self.strategy,
                "replication": self.replication, "seed": self.seed}


@dataclass
class RunResult:
    """What one run produced: its keys, run KPIs and weekly series, and its run time."""

    task: RunTask
    kpis: dict[str, float]
    series: dict[str, np.ndarray]
    seconds: float


def execute(task: RunTask) -> RunResult:
    """Run one task (in this process) and summarise it.

    BLAS is held to one thread: the model's matrix products are small, so threads only cost
    time, and with several worker processes on one machine they would compete for its cores.
    """
    import time

    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        model = LearningModel(Params(dict(task.values))).run()
    series = model.timeseries()
    kpis = run_summary(series, model.state)
    return RunResult(task, kpis, series, time.perf_counter() - started)


def execute_batch(tasks: list[RunTask]) -> list[RunResult]:
    """Run several tasks in turn (one remote call for many short runs)."""
    return [execute(task) for task in tasks]
