"""Limits checked before anything is allocated or any task list is built.

Values that pass the schema can still ask for more than a machine has: a comparison of a billion
replications, a Sobol' design of 2**30 samples, an organisation whose ties need 30 GiB. Such
input is refused with one line (:class:`sim.engine.params.ParameterError`) that names the key, the
value,
what is allowed and why, before a folder is created or a list of runs is built:

* **runs**: a comparison or sweep holds every run's task and weekly KPIs in memory to
  consolidate them, and stores a record a run; at most :data:`MAX_RUNS` runs in one command,
  and their consolidated results must fit in the memory this process may use;
* **memory of one run**: the estimate of :func:`sim.engine.resources.estimate_run_memory` times the
  number of runs in memory at once (the worker processes) must fit as well.
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.engine.params import Params, lookup
from sim.errors import ParameterError

__all__ = ["MAX_RUNS", "RESULT_BYTES_PER_RUN_WEEK", "TASK_BYTES", "check_run_memory",
           "check_runs"]

MAX_RUNS = 100_000
"""Most runs in one comparison or sweep; split larger designs into several experiments."""

TASK_BYTES = 4_000
"""Memory of one run's task (its parameter values): 3.5 KB measured for the default scenario."""

RESULT_BYTES_PER_RUN_WEEK = 600
"""Memory per run and week while results are consolidated: one weekly row of the KPI table is
about 250 bytes in Arrow (measured on the default comparison), held about twice over while the
stored tables are read and concatenated, with room for the run rows."""


def check_runs(source: str, key: str, value: object, runs: int, how: str, *, steps: int,
               available: int | None = None) -> None:
    """Refuse a number of runs beyond :data:`MAX_RUNS` or beyond what memory can consolidate.

    Args:
        source: Where the value came from (a file or an option), for the message.
        key: The key or option that sets the number of runs (``--replications``,
            ``experiment.samples``).
        value: Its value.
        runs: The number of runs it gives (computed, not built).
        how: How ``runs`` follows from the value, for the message (``"7 strategies x 20
            replications"``).
        steps: Weeks per run.
        available: Bytes this process may use; :func:`sim.engine.resources.available_memory` when
            ``None``.

    Raises:
        ParameterError: If there are too many runs.
    """
    if runs > MAX_RUNS:
        raise ParameterError(source, key, value, f"allowed: at most {MAX_RUNS:,} runs in one "
                             f"command; this gives {runs:,} ({how}); every run's task and "
                             "weekly KPIs are held in memory to consolidate them, so split "
                             "the work into several experiments")
    from sim.engine.resources import available_memory, format_bytes

    needed = runs * (TASK_BYTES + (steps + 1) * RESULT_BYTES_PER_RUN_WEEK)
    limit = available_memory() if available is None else available
    if needed > limit:
        raise ParameterError(source, key, value, f"allowed: runs whose results fit in memory; "
                             f"this gives {runs:,} runs ({how}) of {steps} weeks, about "
                             f"{format_bytes(needed)} of results to consolidate, and "
                             f"{format_bytes(limit)} is available")


def check_run_memory(source: str, params: Iterable[Params], workers: int = 1,
                     available: int | None = None) -> None:
    """Refuse parameters whose runs, ``workers`` at a time, would not fit in memory.

    The error names the key that drives the largest part of the estimate
    (:func:`sim.engine.resources.estimate_run_memory`): of that part's keys, the one set furthest
    above
    its default, with the others' values beside it.

    Args:
        source: Where the values came from (a file, ``--set``), for the message.
        params: The parameter sets of the runs (e.g. every context of a sweep); the largest
            counts.
        workers: Runs in memory at once.
        available: Bytes this process may use; :func:`sim.engine.resources.available_memory` when
            ``None``.

    Raises:
        ParameterError: If the largest run, times ``workers``, needs more than is available.
    """
    from sim.engine.resources import available_memory, estimate_run_memory, format_bytes

    estimates = [(estimate_run_memory(p), p) for p in params]
    if not estimates:
        return
    estimate, worst = max(estimates, key=lambda pair: pair[0].total)
    limit = available_memory() if available is None else available
    if estimate.total * workers <= limit:
        return
    keys = estimate.largest().keys or ("org.employees",)
    key = max(keys, key=lambda k: _above_default(k, worst[k]))
    others = ", ".join(f"{k} = {worst[k]!r}" for k in keys if k != key)
    per_run = f"one run needs {estimate.describe()}"
    if workers > 1:
        per_run += (f"; {workers} workers at once need {format_bytes(estimate.total * workers)}"
                    f" (fewer --workers need less)")
    raise ParameterError(source, key, worst[key],
                         f"allowed: values whose runs fit in memory"
                         f"{' with ' + others if others else ''}; {per_run}, and "
                         f"{format_bytes(limit)} is available")


def _above_default(key: str, value: object) -> float:
    """How far a number is above its schema default (a ratio; 0 for other values)."""
    default = lookup(key, "").default
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value) / max(float(default), 1.0)
