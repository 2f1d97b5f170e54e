"""The dashboard served in a process of its own, and the Chromium that drives it headless.

Used by the browser tests, ``benchmarks/bench_dashboard.py`` and ``scripts/screenshot-dashboard``:
one way to start ``orglearn dashboard`` on a free port and wait until it answers, and one set of
Chromium flags for machines with a closed network.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

__all__ = ["CHROMIUM_ARGS", "ServedDashboard", "chromium_path", "free_port"]

CHROMIUM_ARGS = ("--no-sandbox", "--headless", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run")
"""Headless Chromium without background networking: no request of its own leaves the machine
(a closed network would refuse them anyway, many at a time)."""


def chromium_path() -> str | None:
    """The Chromium executable: ``ORGLEARN_CHROMIUM``, else Debian's ``chromium`` on PATH."""
    return os.environ.get("ORGLEARN_CHROMIUM") or shutil.which("chromium")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServedDashboard:
    """``orglearn dashboard ARGS --port P`` in a process of its own, answering at :attr:`url`.

    Args:
        *args: Arguments of ``orglearn dashboard`` (a scenario, ``--results DIR``).
        cwd: Folder to serve from (where ``scenarios/`` and ``results/`` are).
        log: Where the server's output goes; discarded when ``None``.
        timeout: Seconds to wait for the first answer.

    Raises:
        RuntimeError: If the server exits or does not answer in time.
    """

    def __init__(self, *args: str, cwd: Path | None = None, log: IO[str] | None = None,
                 timeout: float = 90.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sim.cli", "dashboard", *args, "--port", str(self.port)],
            cwd=cwd, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=log if log is not None else subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the dashboard exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the dashboard did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        """End the server (and wait for it)."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def __enter__(self) -> ServedDashboard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
