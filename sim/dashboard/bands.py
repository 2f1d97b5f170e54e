"""Bands behind the live race: R paired replications of both strategies, run in the background.

The replications are the tasks ``orglearn compare`` runs
(:meth:`sim.experiments.design.Experiment.comparison`, seeds derived from the scenario's root seed
per replication, the same for both strategies), executed by the same engine path
(:func:`sim.experiments.executors.run_tasks`). From them, week by week:

- each strategy's **band**: the range in which the middle 95 % of replications lie (the 2.5th
  to 97.5th percentile), drawn behind its live line;
- the **gap** A − B of each replication pair, with its band and mean;
- **P(A beats B)**: the share of pairs in which A does better that week, ties counting one half
  (:func:`sim.report.summary.share_better`).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import numpy as np

from sim.engine.metrics import KPIS
from sim.engine.params import Params
from sim.experiments.design import Experiment
from sim.experiments.executors import run_tasks
from sim.experiments.statistics import clip_interval, difference_bounds, share_better, t_interval
from sim.experiments.tasks import RunResult

__all__ = ["BAND_PERCENTILES", "BandJob", "Bands", "better_direction"]

BAND_PERCENTILES = (2.5, 97.5)
"""The band holds the middle 95 % of replications."""

LOWER_IS_BETTER = frozenset({"error_rate", "silo_index", "division_knowledge_sd",
                             "dormant_communities"})
"""Weekly KPIs where less is better (as the run KPIs built on them say in
:data:`sim.engine.metrics.RUN_KPIS`)."""

_BOUNDS = {k.name: k.bounds for k in KPIS}


def better_direction(kpi: str) -> str:
    """``"lower"`` for KPIs where less is better, else ``"higher"``."""
    return "lower" if kpi in LOWER_IS_BETTER else "higher"


class _Cancelled(Exception):
    """Raised inside the result callback to stop the replications."""


@dataclass(frozen=True)
class Bands:
    """Week-by-week summaries of the finished replications.

    Attributes:
        replications: Paired replications the summaries rest on.
        strategies: Names of strategy A and B.
        series: ``{strategy: {kpi: (R, weeks + 1) array}}``.
    """

    replications: int
    strategies: tuple[str, str]
    series: dict[str, dict[str, np.ndarray]]

    def band(self, strategy: str, kpi: str) -> tuple[np.ndarray, np.ndarray]:
        """The low and high edge of the strategy's 95 % band for ``kpi``, per week."""
        values = self.series[strategy][kpi]
        low, high = np.percentile(values, BAND_PERCENTILES, axis=0)
        return low, high

    def gaps(self, kpi: str) -> np.ndarray:
        """``(R, weeks + 1)``: A − B of every replication pair."""
        a, b = self.strategies
        return self.series[a][kpi] - self.series[b][kpi]

    def gap_band(self, kpi: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean gap A − B per week and the 95 % band of the pairs' gaps."""
        gaps = self.gaps(kpi)
        low, high = np.percentile(gaps, BAND_PERCENTILES, axis=0)
        return gaps.mean(axis=0), low, high

    def p_beats(self, kpi: str) -> np.ndarray:
        """P(A beats B) per week: the share of pairs in which A does better."""
        gaps, better = self.gaps(kpi), better_direction(kpi)
        return np.array([share_better(gaps[:, w], better) for w in range(gaps.shape[1])])

    def final_gap(self, kpi: str) -> tuple[float, float, float]:
        """Mean gap A − B in the last week and its 95 % t-interval.

        The interval is clipped to the gaps the KPI can take (two shares differ by at most 1);
        a column outside :data:`sim.engine.metrics.KPIS` is not clipped.
        """
        mean, _, low, high = t_interval(self.gaps(kpi)[:, -1])
        low, high = clip_interval(low, high, difference_bounds(_BOUNDS.get(kpi)))
        return mean, low, high


class BandJob:
    """Runs the replications in the background; :meth:`bands` is ready when :attr:`done`.

    Args:
        params: The scenario's parameters (the race's).
        strategies: Names of strategy A and B.
        replications: Paired replications (R).
        workers: Worker processes; by default up to two, leaving the page responsive.

    Attributes:
        total: Runs to do (2 R).
        error: The one-line reason the job stopped early, if it did.
    """

    def __init__(self, params: Params, strategies: tuple[str, str], replications: int,
                 workers: int | None = None) -> None:
        self.strategies = strategies
        self.replications = replications
        self.tasks = Experiment.comparison(params, list(strategies), replications,
                                           name="dashboard").tasks()
        self.total = len(self.tasks)
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self.error: str | None = None
        self._results: list[RunResult] = []
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name="orglearn-bands", daemon=True)

    def start(self) -> BandJob:
        """Start the replications; returns the job."""
        self._thread.start()
        return self

    @property
    def finished(self) -> int:
        """Runs finished so far."""
        return len(self._results)

    @property
    def done(self) -> bool:
        """Whether every replication has finished."""
        return self.finished == self.total

    @property
    def running(self) -> bool:
        """Whether the job is still running."""
        return self._thread.is_alive()

    def cancel(self, timeout: float = 10.0) -> None:
        """Stop the replications (the worker processes are ended) and wait for the thread."""
        self._cancel.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the job to end; ``True`` if it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _collect(self, result: RunResult) -> None:
        if self._cancel.is_set():
            raise _Cancelled
        self._results.append(result)

    def _run(self) -> None:
        try:
            run_tasks(self.tasks, self.workers, show_progress=False, on_result=self._collect)
        except _Cancelled:
            pass
        except Exception as error:  # shown on the page, which keeps running
            self.error = str(error).splitlines()[0] if str(error) else type(error).__name__

    def bands(self) -> Bands | None:
        """The summaries, once every replication has finished; ``None`` before."""
        if not self.done:
            return None
        by_task = {(r.task.strategy, r.task.replication): r for r in self._results}
        series = {}
        for strategy in self.strategies:
            runs = [by_task[(strategy, rep)].series for rep in range(self.replications)]
            series[strategy] = {kpi: np.stack([run[kpi] for run in runs]) for kpi in runs[0]}
        return Bands(self.replications, self.strategies, series)
