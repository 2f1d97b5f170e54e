"""Fixtures of the dashboard's browser tests: Debian's chromium, and a served dashboard."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
"""Chromium as these machines run it: without background networking, which a closed network
refuses (and which would be requests leaving the machine)."""


def chromium() -> str:
    """The Chromium executable: ORGLEARN_CHROMIUM, else Debian's ``chromium``."""
    path = os.environ.get("ORGLEARN_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("the browser tests need Chromium: run `make browser` (Debian's chromium "
                    "package) or set ORGLEARN_CHROMIUM")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """pytest-playwright's launch arguments: the system's Chromium, headless."""
    return {"executable_path": chromium(), "args": CHROMIUM_ARGS}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """A dashboard served by ``orglearn dashboard`` in a process of its own."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.log = open(ARTIFACTS / f"dashboard-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sim.cli", "dashboard", *args, "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the dashboard exited with {self.process.returncode}: "
                                   f"{(ARTIFACTS / f'dashboard-{self.port}.log').read_text()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the dashboard did not answer within 90 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """The dashboard with the default presets."""
    ARTIFACTS.mkdir(exist_ok=True)
    server = Served()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served_results() -> Iterator[Served]:
    """The dashboard opened on the committed comparison, results/default."""
    ARTIFACTS.mkdir(exist_ok=True)
    server = Served("--results", "results/default")
    yield server
    server.stop()
