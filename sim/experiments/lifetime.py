"""Processes that end together: workers that exit with their parent, SIGTERM as Ctrl-C.

A worker of a local process pool would otherwise outlive a main process that was killed
(``kill -9``): it waits for more runs forever and keeps the pool's fork server and resource
tracker alive with it. :func:`end_with` (a pool initializer) makes each worker exit as soon as
the main process is gone; :func:`sigterm_as_interrupt` lets the main process stop on SIGTERM as
it does on Ctrl-C, keeping its finished runs.
"""

from __future__ import annotations

import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["end_with", "sigterm_as_interrupt", "wait_for_exit"]


@contextmanager
def sigterm_as_interrupt() -> Iterator[Callable[[], bool]]:
    """Within the block, SIGTERM stops the main thread as Ctrl-C does.

    The first SIGTERM raises :class:`KeyboardInterrupt`, so the runs in flight are stopped and
    the finished ones kept as on Ctrl-C; a second SIGTERM ends the process at once (its local
    workers follow it). Outside the main thread signals cannot be handled and nothing changes.

    Yields:
        A function telling whether SIGTERM was received.
    """
    received = False

    def interrupt(signum: int, frame: object) -> None:
        nonlocal received
        received = True
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield lambda: received
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield lambda: received
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def end_with(main_pid: int) -> None:
    """Initializer of a local worker: ignore Ctrl-C, and exit once the main process is gone.

    Ctrl-C reaches every process of the terminal's foreground group; the main process stops
    the workers itself. A worker would otherwise outlive a main process that was killed
    (``kill -9``): it waits for more runs forever, and keeps the pool's fork server and
    resource tracker alive with it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_after, args=(main_pid,), name="end-with-main",
                     daemon=True).start()


def _exit_after(pid: int) -> None:
    wait_for_exit(pid)
    os._exit(1)


def wait_for_exit(pid: int, poll: float = 1.0, pidfd: bool = True) -> None:
    """Return once process ``pid`` has ended (or is a zombie).

    On Linux a pidfd tells at once; elsewhere (or where pidfds are not allowed) the process is
    polled every ``poll`` seconds.
    """
    if pidfd and hasattr(os, "pidfd_open"):
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            return
        except OSError:
            pass
        else:
            try:
                select.select([fd], [], [])  # readable once the process has ended
            finally:
                os.close(fd)
            return
    while _alive(pid):
        time.sleep(poll)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (ended, not yet reaped) still takes signals
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
