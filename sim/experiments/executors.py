"""Executors: run a list of tasks serially, in local processes or on a Dask cluster.

The executor is not the experiment: the same :func:`sim.experiments.tasks.execute` runs every task,
and results come back in the order of the tasks whatever order they finish in, so serial,
parallel and distributed runs give identical results. A live progress bar with ETA shows on a
terminal.

Stopping: on Ctrl-C (or SIGTERM, within :func:`sim.experiments.lifetime.sigterm_as_interrupt`) the
queued
runs are dropped and the running ones ended at once, so finished runs (stored by the caller as they
arrive) are kept and nothing is left running. Local workers also end by themselves as soon as
the main process is gone, however it ended (even ``kill -9``). A worker that dies (e.g. killed
by the out-of-memory killer) or a Dask scheduler that cannot be reached raises one error with a
one-line message (:class:`WorkerError`, :class:`SchedulerError`) instead of a traceback.

Several calls of :func:`run_tasks` (the runs of an experiment, then its break-even probes) share
one Dask cluster, or one client of a remote scheduler, through :func:`executor_session`: a local
cluster takes seconds to start, and is started once, on the first Dask runs.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, ExitStack, closing, contextmanager, nullcontext
from functools import partial
from multiprocessing.connection import wait as wait_ready
from urllib.parse import urlsplit

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from sim.experiments.lifetime import end_with
from sim.experiments.tasks import RunResult, RunTask, execute, execute_batch

__all__ = ["EXECUTORS", "ExecutorSession", "SchedulerError", "WorkerError", "check_scheduler",
           "executor_session", "run_tasks", "start_workers"]

EXECUTORS = ("local", "dask")
BATCH_SECONDS = 2.0
"""Dask tasks cost milliseconds each to schedule; runs are batched to about this long."""
CONNECT_SECONDS = 10.0
"""How long a Dask client tries to reach a given scheduler."""
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss")
"""Dask address schemes that run over TCP (the ones :func:`check_scheduler` can probe)."""
KEPT = "the finished runs are kept; run the same command with --resume to continue"


class SchedulerError(ValueError):
    """A Dask scheduler address that is malformed, or where no scheduler answers."""


class WorkerError(RuntimeError):
    """A worker died or ran out of memory while running a run; finished runs are kept."""


def run_tasks(tasks: Sequence[RunTask], workers: int = 1, *, executor: str = "local",
              scheduler: str | None = None, show_progress: bool | None = None,
              on_result: Callable[[RunResult], None] | None = None,
              description: str = "runs", session: ExecutorSession | None = None,
              ) -> list[RunResult]:
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
        session: Run on this session's Dask cluster or client (opened on its first Dask runs,
            closed with the session) instead of one opened and closed for this call alone;
            its executor, workers and scheduler must be the ones given here.

    Raises:
        WorkerError: If a worker process died, or a run ran out of memory.
        SchedulerError: If the Dask scheduler cannot be reached or goes away.
        ValueError: If ``session`` was opened for another executor, workers or scheduler.
    """
    if session is not None and (session.executor, session.workers, session.scheduler) != (
            executor, workers, scheduler):
        raise ValueError(f"run_tasks: executor {executor!r}, {workers} workers, scheduler "
                         f"{scheduler!r}, but the session is for executor "
                         f"{session.executor!r}, {session.workers} workers, scheduler "
                         f"{session.scheduler!r}")
    console = Console(stderr=True)
    show = console.is_terminal if show_progress is None else show_progress
    index = {_key(task): i for i, task in enumerate(tasks)}
    results: list[RunResult | None] = [None] * len(tasks)
    if executor == "dask":
        connect = (session.dask_client if session is not None
                   else partial(_dask_client, workers, scheduler))
        stream = _dask(tasks, scheduler, connect)
    elif workers > 1:
        stream = _processes(tasks, workers)
    else:
        stream = _serial(tasks)
    # Closing the stream at once when anything fails here (Ctrl-C included) stops the runs
    # still going; left to the garbage collector, the pool would finish them first.
    # Without a bar nothing is drawn (a hidden rich bar still writes a newline to stderr).
    with closing(stream), _progress(console) if show else nullcontext() as bar:
        job = bar.add_task(description, total=len(tasks)) if bar else None
        for result in stream:
            if on_result is not None:
                on_result(result)
            results[index[_key(result.task)]] = result
            if bar:
                bar.advance(job)
    return [r for r in results if r is not None]


class ExecutorSession:
    """One executor for several calls of :func:`run_tasks`: for Dask, one cluster or client.

    A context manager, made by :func:`executor_session`. The Dask client (of a new
    ``LocalCluster``, or of the scheduler at ``scheduler``) is opened on the first Dask runs,
    so a session whose runs are all stored already starts nothing, and is closed when the
    ``with`` block ends, however it ends.

    Attributes:
        executor: ``"local"`` or ``"dask"``.
        workers: Local processes, or workers of the local Dask cluster.
        scheduler: Address of a running Dask scheduler, or ``None``.
    """

    def __init__(self, executor: str = "local", workers: int = 1,
                 scheduler: str | None = None) -> None:
        self.executor = executor
        self.workers = workers
        self.scheduler = scheduler
        self._stack = ExitStack()
        self._client: object | None = None
        self._closed = False

    def __enter__(self) -> ExecutorSession:
        return self

    def __exit__(self, *exc: object) -> bool:
        self._closed, self._client = True, None
        return self._stack.__exit__(*exc)

    def run(self, tasks: Sequence[RunTask], *, show_progress: bool | None = None,
            on_result: Callable[[RunResult], None] | None = None,
            description: str = "runs") -> list[RunResult]:
        """Run tasks with this session's executor; see :func:`run_tasks`."""
        return run_tasks(tasks, self.workers, executor=self.executor, scheduler=self.scheduler,
                         show_progress=show_progress, on_result=on_result,
                         description=description, session=self)

    @contextmanager
    def dask_client(self) -> Iterator[object]:
        """The session's Dask client, opened on first use and left open after the block.

        Raises:
            RuntimeError: If the session has ended.
            SchedulerError: If the scheduler cannot be reached.
        """
        if self._closed:
            raise RuntimeError("this executor session has ended; open another")
        if self._client is None:
            self._client = self._stack.enter_context(_dask_client(self.workers,
                                                                  self.scheduler))
        yield self._client


def executor_session(executor: str = "local", workers: int = 1,
                     scheduler: str | None = None) -> ExecutorSession:
    """Share one executor between the calls of :func:`run_tasks` within a ``with`` block.

    With ``executor="dask"`` the calls run on one Dask cluster (a ``LocalCluster`` on
    127.0.0.1, or the scheduler at ``scheduler``), opened on the first Dask runs and closed
    when the block ends; local runs start nothing ahead, and nothing of Dask is imported.

    Args:
        executor: ``"local"`` or ``"dask"``.
        workers: Local processes, or workers of the local Dask cluster.
        scheduler: Address of a running Dask scheduler (``tcp://host:8786``).

    Example:
        >>> with executor_session("dask", workers=2) as session:  # doctest: +SKIP
        ...     first = session.run(tasks)
        ...     more = session.run(other_tasks)  # on the same cluster
    """
    return ExecutorSession(executor, workers, scheduler)


def check_scheduler(address: str, timeout: float = 5.0) -> None:
    """Check that something answers at a Dask scheduler address, before anything is started.

    Args:
        address: ``tcp://host:port`` (also ``tls://``, ``ws://``, ``wss://``, or ``host:port``;
            the port defaults to 8786).
        timeout: Seconds to wait for the TCP connection.

    Raises:
        SchedulerError: If the address is malformed or nothing accepts a connection there.
    """
    host, port = _parse_address(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except ConnectionRefusedError:
        reason = "connection refused"
    except TimeoutError:
        reason = f"no answer within {timeout:g} s"
    except socket.gaierror:
        reason = f"host {host!r} not found"
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
    else:
        _check_identity(address, timeout)
        return
    raise SchedulerError(_no_scheduler(address, reason, host))


def _check_identity(address: str, timeout: float) -> None:
    """Ask what answers at ``address``; raise unless it says it is a Dask scheduler."""
    import asyncio

    from distributed.core import rpc

    async def identity() -> object:
        async with rpc(address, timeout=timeout) as remote:
            return await asyncio.wait_for(remote.identity(), timeout)

    try:
        kind = (asyncio.run(identity()) or {}).get("type")
    except Exception as error:  # whatever answers this way, it is not a scheduler
        kind = f"no Dask answer: {type(error).__name__}"
    if kind != "Scheduler":
        raise SchedulerError(_no_scheduler(address, f"something answers, but not a Dask "
                                                    f"scheduler ({kind})"))


def _parse_address(address: str) -> tuple[str, int]:
    text = address.strip()
    url = urlsplit(text if "://" in text else f"tcp://{text}")
    allowed = "allowed: tcp://host:port (or tls://, ws://, wss://)"
    if url.scheme not in SCHEDULER_SCHEMES:
        raise SchedulerError(f"--scheduler {address}: scheme {url.scheme!r} is not allowed; "
                             f"{allowed}")
    try:
        port = 8786 if url.port is None else url.port
    except ValueError:
        port = None
    if not url.hostname or port is None or url.path not in ("", "/"):
        raise SchedulerError(f"--scheduler {address}: not a scheduler address; {allowed}")
    return url.hostname, port


def _no_scheduler(address: str, reason: str, host: str | None = None) -> str:
    host = host or _parse_address(address)[0]
    return (f"--scheduler {address}: no Dask scheduler answers there ({reason}); start one "
            f"with 'dask scheduler --host {host}' or leave --scheduler out")


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


def _key(task: RunTask) -> tuple:
    """What identifies a task within one call (results come back as copies from workers)."""
    return (task.experiment, task.context, task.strategy, task.replication)


def _describe(tasks: Sequence[RunTask]) -> str:
    """The runs, for a message: ``strategy 'none' replication 3 context 2``."""
    names = [f"strategy {t.strategy!r} replication {t.replication}"
             + (f" context {t.context}" if t.context else "") for t in tasks[:3]]
    more = f" and {len(tasks) - 3} more" if len(tasks) > 3 else ""
    return (names[0] if len(names) == 1 else "one of: " + ", ".join(names)) + more


def _out_of_memory(tasks: Sequence[RunTask]) -> WorkerError:
    return WorkerError(f"run {_describe(tasks)} ran out of memory (MemoryError); {KEPT}, "
                       "with fewer --workers or a smaller organisation")


def _serial(tasks: Sequence[RunTask]) -> Iterator[RunResult]:
    for task in tasks:
        try:
            result = execute(task)
        except MemoryError:
            raise _out_of_memory([task]) from None
        yield result


def start_workers(workers: int, executor: str = "local") -> None:
    """Start what local worker processes are forked from, ahead of the runs.

    The worker processes are forked from a server process that imports the model once (about
    0.8 s); started here, early in a command, that import overlaps with the command's own
    set-up instead of delaying the first runs. Does nothing for one worker or for Dask.
    """
    if executor == "local" and workers > 1:
        _worker_context()
        multiprocessing.forkserver.ensure_running()


def _worker_context() -> multiprocessing.context.BaseContext:
    """The forkserver context of the local workers.

    BLAS is held to one thread in the environment, which the server, and so every worker,
    inherits when it starts.
    """
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim.experiments.tasks"])  # import once, fork the workers
    return context


def _processes(tasks: Sequence[RunTask], workers: int) -> Iterator[RunResult]:
    """Results from a local process pool, as they finish.

    The workers start with BLAS held to one thread (set in the environment they inherit):
    otherwise each worker's idle BLAS threads compete with the other workers for the cores.
    They ignore Ctrl-C (this process stops them) and end as soon as this process is gone.
    """
    context = _worker_context()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=end_with, initargs=(os.getpid(),))
    try:
        futures = {pool.submit(execute, task): task for task in tasks}
        processes = list(_workers_of(pool))
        pending = dict.fromkeys(futures)  # in submission order, which is the order they run
        for future in as_completed(futures):
            del pending[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                # The runs go in submission order, so the first unfinished ones were running.
                running = [t for f, t in futures.items() if f is future or f in pending]
                running = running[:workers]
                raise WorkerError(f"a worker process died ({_death(processes)}) while running "
                                  f"{_describe(running)}; {KEPT} (with fewer --workers if "
                                  "memory ran out)") from None
            except MemoryError:
                raise _out_of_memory([futures[future]]) from None
            yield result
    except BaseException:  # Ctrl-C, SIGTERM, a failed run or a failed caller: stop at once
        _stop(pool)
        raise
    pool.shutdown()


def _workers_of(pool: ProcessPoolExecutor) -> Iterator[multiprocessing.process.BaseProcess]:
    """The pool's worker processes (the pool starts them all as the runs are submitted)."""
    yield from (getattr(pool, "_processes", None) or {}).values()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Drop the queued runs and end the running ones, rather than wait for them."""
    processes = list(_workers_of(pool))
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + 2.0
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()


def _death(processes: Sequence[multiprocessing.process.BaseProcess]) -> str:
    """How the worker that broke the pool ended, from the exit codes of the pool's workers."""
    # The pool terminates the other workers once one dies (SIGTERM), so the odd one is it.
    sentinels = {p.sentinel for p in processes}
    deadline = time.monotonic() + 2.0
    while sentinels and time.monotonic() < deadline:  # their exit codes come a moment later
        sentinels -= set(wait_ready(list(sentinels), max(0.0, deadline - time.monotonic())))
    codes = [p.exitcode for p in processes if p.exitcode not in (None, -signal.SIGTERM)]
    if not codes:
        return "terminated abruptly"
    code = codes[0]
    if code == -signal.SIGKILL:
        return "killed by SIGKILL, e.g. by the out-of-memory killer"
    if code < 0:
        return f"killed by signal {-code}"
    return f"exit code {code}"


def _dask(tasks: Sequence[RunTask], scheduler: str | None,
          connect: Callable[[], AbstractContextManager[object]]) -> Iterator[RunResult]:
    """Results from a Dask cluster, in batches, as they finish.

    Args:
        tasks: The runs to do.
        scheduler: The scheduler's address (for the messages), or ``None`` for a local cluster.
        connect: Gives the client to submit to, for the block (:func:`_dask_client`, or a
            session's client). Not called when there is nothing to run.
    """
    if not tasks:
        return
    from dask.distributed import as_completed as dask_completed
    from distributed.scheduler import KilledWorker

    with connect() as client:
        size = _batch_size(tasks)
        batches = [list(tasks[i:i + size]) for i in range(0, len(tasks), size)]
        futures = client.map(execute_batch, batches, pure=False)
        batch_of = {future.key: batch for future, batch in zip(futures, batches, strict=True)}
        try:
            for future in dask_completed(futures):
                try:
                    results = future.result()
                except KilledWorker:
                    raise WorkerError(
                        f"Dask workers died (killed or out of memory) on each try of "
                        f"{_describe(batch_of[future.key])}; {KEPT} (with fewer --workers "
                        "if memory ran out)") from None
                except MemoryError:
                    raise _out_of_memory(batch_of[future.key]) from None
                yield from results
        except (OSError, CancelledError) as error:  # TimeoutError is an OSError
            if scheduler is None:
                raise
            reason = "connection lost" if isinstance(error, CancelledError) else _reason(error)
            raise SchedulerError(f"--scheduler {scheduler}: the Dask scheduler went away during "
                                 f"the runs ({reason}); {KEPT}") from None


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


@contextmanager
def _dask_client(workers: int, scheduler: str | None) -> Iterator[object]:
    """A client of the cluster at ``scheduler``, or of a new LocalCluster on 127.0.0.1.

    The local cluster serves no dashboard and no HTTP pages: its scheduler and workers still
    open their HTTP servers, but on free ports of 127.0.0.1 and with no routes. Its workers
    ignore Ctrl-C (see :func:`dask_setup`), and it logs errors only (not the warnings of the
    runs cancelled when it is closed early).
    """
    import logging

    import dask
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS)
        except OSError as error:  # refused, or timed out (TimeoutError is an OSError)
            raise SchedulerError(_no_scheduler(scheduler, _reason(error))) from None
        except Exception as error:  # something answered, but not in Dask's protocol
            reason = f"something answers, but not as a Dask scheduler: {type(error).__name__}"
            raise SchedulerError(_no_scheduler(scheduler, reason)) from None
        try:
            yield client
        finally:
            # Closing a client that lost its scheduler cuts its reconnection short, which
            # distributed logs as a traceback; the loss is reported in one line instead.
            with _silenced("distributed.client"):
                client.close()
        return
    preload = [*dask.config.get("distributed.worker.preload", []), __name__]  # dask_setup
    quiet = {"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": [],
             "distributed.worker.preload": preload}
    with (dask.config.set(quiet),
          LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                       host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR,
                       scheduler_kwargs={"dashboard": False,
                                         "dashboard_address": "127.0.0.1:0"}) as cluster,
          Client(cluster) as client):
        yield client


@contextmanager
def _silenced(name: str) -> Iterator[None]:
    """Silence a logger within the block."""
    import logging

    logger = logging.getLogger(name)
    disabled, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = disabled


def dask_setup(worker: object) -> None:
    """Dask preload hook, run in each worker of the local cluster as it starts: ignore Ctrl-C.

    Ctrl-C reaches every process of the terminal's foreground group; the main process closes
    the cluster itself, and a worker interrupted on its own prints a long traceback.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _batch_size(tasks: Sequence[RunTask]) -> int:
    """Runs per Dask task: about BATCH_SECONDS of work, from the organisation size and steps."""
    if not tasks:
        return 1
    values = tasks[0].values
    seconds = 5e-6 * float(values["org.employees"]) * float(values["run.steps"])  # ~5 us/step
    return max(1, min(50, int(BATCH_SECONDS / max(seconds, 1e-3))))
