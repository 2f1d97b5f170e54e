"""Fixtures of the dashboard's browser tests: Debian's chromium, and a served dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.dashboard.served import CHROMIUM_ARGS, ServedDashboard, chromium_path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"


def chromium() -> str:
    """The Chromium executable, or a failure that says how to get one."""
    path = chromium_path()
    if not path:
        pytest.fail("the browser tests need Chromium: run `make browser` (Debian's chromium "
                    "package) or set ORGLEARN_CHROMIUM")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """pytest-playwright's launch arguments: the system's Chromium, headless."""
    return {"executable_path": chromium(), "args": list(CHROMIUM_ARGS)}


class Served(ServedDashboard):
    """The dashboard served from the checkout, its output kept in tests/artifacts/NAME.log."""

    def __init__(self, name: str, *args: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = (ARTIFACTS / f"{name}.log").open("w")
        try:
            super().__init__(*args, cwd=ROOT, log=self.log)
        except RuntimeError:
            self.log.close()
            raise

    def stop(self) -> None:
        super().stop()
        self.log.close()


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """The dashboard with the default presets."""
    server = Served("dashboard")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served_results() -> Iterator[Served]:
    """The dashboard opened on the committed comparison, results/default."""
    server = Served("dashboard-results", "--results", "results/default")
    yield server
    server.stop()
