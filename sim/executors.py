"""Executors: run a list of tasks serially, in local processes or on a Dask cluster.

The executor is not the experiment: the same :func:`sim.experiment.execute` runs every task,
and results come back in the order of the tasks whatever order they finish in, so serial,
parallel and distributed runs give identical results. A live progress bar with ETA shows on a
terminal.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from sim.experiment import RunResult, RunTask, execute, execute_batch

__all__ = ["EXECUTORS", "run_tasks"]

EXECUTORS = ("local", "dask")
BATCH_SECONDS = 2.0
"""Dask tasks cost milliseconds each to schedule; runs are batched to about this long."""


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
    )


def run_tasks(tasks: Sequence[RunTask], workers: int = 1, *, executor: str = "local",
              scheduler: str | None = None, show_progress: bool | None = None,
              on_result: Callable[[RunResult], None] | None = None,
              description: str = "runs") -> list[RunResult]:
    """Run tasks and return their results in task order.

    Args:
        tasks: The runs to do.
        workers: Local processes (``local``), or workers of the local Dask cluster (``dask``
            without a scheduler).
        executor: ``"local"`` (this process when ``workers`` is 1, else a process pool) or
            ``"dask"``.
        scheduler: Address of a running Dask scheduler (``tcp://host:8786``); a
            ``LocalCluster`` on 127.0.0.1 is started when ``None``.
        show_progress: Show a live progress bar with ETA; by default only on a terminal.
        on_result: Called with each result as it arrives (e.g. to store it at once).
        description: Label of the progress bar.
    """
    console = Console(stderr=True)
    show = console.is_terminal if show_progress is None else show_progress
    index = {_key(task): i for i, task in enumerate(tasks)}
    results: list[RunResult | None] = [None] * len(tasks)
    # Without a bar nothing is drawn (a hidden rich bar still writes a newline to stderr).
    with _progress(console) if show else nullcontext() as bar:
        job = bar.add_task(description, total=len(tasks)) if bar else None
        if executor == "dask":
            stream = _dask(tasks, workers, scheduler)
        elif workers > 1:
            stream = _processes(tasks, workers)
        else:
            stream = (execute(task) for task in tasks)
        for result in stream:
            if on_result is not None:
                on_result(result)
            results[index[_key(result.task)]] = result
            if bar:
                bar.advance(job)
    return [r for r in results if r is not None]


def _key(task: RunTask) -> tuple:
    """What identifies a task within one call (results come back as copies from workers)."""
    return (task.experiment, task.context, task.strategy, task.replication)


def _processes(tasks: Sequence[RunTask], workers: int) -> Iterator[RunResult]:
    """Results from a local process pool, as they finish.

    The workers start with BLAS held to one thread (set in the environment they inherit):
    otherwise each worker's idle BLAS threads compete with the other workers for the cores.
    """
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim.experiment"])  # import once, fork the workers
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        for future in as_completed([pool.submit(execute, task) for task in tasks]):
            yield future.result()
    except BaseException:  # Ctrl-C or a failed run: drop the queued runs, do not wait for them
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _dask(tasks: Sequence[RunTask], workers: int, scheduler: str | None) -> Iterator[RunResult]:
    """Results from a Dask cluster, in batches, as they finish."""
    from dask.distributed import as_completed as dask_completed

    with _dask_client(workers, scheduler) as client:
        size = _batch_size(tasks)
        batches = [list(tasks[i:i + size]) for i in range(0, len(tasks), size)]
        futures = client.map(execute_batch, batches, pure=False)
        for future in dask_completed(futures):
            yield from future.result()


@contextmanager
def _dask_client(workers: int, scheduler: str | None) -> Iterator[object]:
    """A client of the cluster at ``scheduler``, or of a new LocalCluster on 127.0.0.1."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                       host="127.0.0.1", dashboard_address=None) as cluster,
          Client(cluster) as client):
        yield client


def _batch_size(tasks: Sequence[RunTask]) -> int:
    """Runs per Dask task: about BATCH_SECONDS of work, from the organisation size and steps."""
    if not tasks:
        return 1
    values = tasks[0].values
    seconds = 5e-6 * float(values["org.employees"]) * float(values["run.steps"])  # ~5 us/step
    return max(1, min(50, int(BATCH_SECONDS / max(seconds, 1e-3))))
