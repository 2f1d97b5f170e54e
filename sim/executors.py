"""Executors: run a list of tasks serially or in local processes, with a progress bar.

The executor is not the experiment: the same :func:`sim.experiment.execute` runs every task,
and results come back in the order of the tasks whatever order they finish in, so serial and
parallel runs give identical results.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from sim.experiment import RunResult, RunTask, execute

__all__ = ["run_tasks"]


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def run_tasks(tasks: Sequence[RunTask], workers: int = 1, *, show_progress: bool | None = None,
              on_result: Callable[[RunResult], None] | None = None,
              description: str = "runs") -> list[RunResult]:
    """Run tasks and return their results in task order.

    Args:
        tasks: The runs to do.
        workers: Number of processes; 1 runs in this process.
        show_progress: Show a live progress bar with ETA; by default only on a terminal.
        on_result: Called with each result as it arrives (e.g. to store it at once).
        description: Label of the progress bar.
    """
    console = Console(stderr=True)
    show = console.is_terminal if show_progress is None else show_progress
    results: list[RunResult | None] = [None] * len(tasks)
    with _progress(console) as bar:
        job = bar.add_task(description, total=len(tasks), visible=show)
        if workers <= 1:
            for i, task in enumerate(tasks):
                results[i] = _done(execute(task), on_result)
                bar.advance(job)
        else:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["sim.experiment"])  # import once, fork workers
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {pool.submit(execute, task): i for i, task in enumerate(tasks)}
                for future in as_completed(futures):
                    results[futures[future]] = _done(future.result(), on_result)
                    bar.advance(job)
    return [r for r in results if r is not None]


def _done(result: RunResult, on_result: Callable[[RunResult], None] | None) -> RunResult:
    if on_result is not None:
        on_result(result)
    return result
